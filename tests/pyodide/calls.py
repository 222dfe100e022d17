"""Every SIZING_* function called the way xlwings Lite calls it: registered through
xlwings.server's metadata and run by custom_functions_call with Office.js-typed arguments
(numbers as floats, blanks as None, ranges as lists of rows). The same file runs in CPython
and in Pyodide; tests/test_pyodide.py compares the two JSON outputs. Prints one JSON object."""

import asyncio
import json
import os
import time

os.environ["XLWINGS_ON_SERVER"] = "true"  # the code path xlwings Lite uses
# outside Lite, xlwings.server asks for a key; the value xlwings documents for non-commercial use
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import importlib

import xlwings
import xlwings.server as server

# sizing_xl.udfs, or the personal module of the xlwings Lite bundle (scripts/build_lite.py)
udfs = importlib.import_module(os.environ.get("SIZING_UDF_MODULE", "sizing_xl.udfs"))

CONFIG = json.dumps(
    {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "vocab_size": 128256,
        "max_position_embeddings": 131072,
        "torch_dtype": "bfloat16",
    }
)
SEED = {
    "model": "opt-oss-120b",
    "server": "dgx300",
    "concurrency": 1000.0,
    "effective_context": 131072.0,
    "scenario": "recommended",
    "kind": "models",
    "field": "num_layers",
    "result_field": "nodes_final",
    "basis": "owned",
    "contexts": [[8192.0], [32768.0], [131072.0]],
    "concurrencies": [[100.0, 1000.0, 5000.0]],
    "config_json": CONFIG,
    "name": "my-llama",
    "lang": "en",
    "metric": "tco_monthly",
    "percentile": "P90",
    "uncertain": [["concurrency", 800.0, 1500.0, "triangular"], ["usd_per_kwh", 0.08, 0.2, None]],
    "samples": 300.0,
    "figure": "tpot_ms",
    "input_tokens": 1024.0,
    "output_tokens": 256.0,
}
CASES = {
    "seed": SEED,
    "vllm": {**SEED, "method": "vllm", "tensor_parallel": 1.0, "scenario": "ideal"},
    "finops": {
        **SEED,
        "model": "llama-3.1-70b",
        "server": "dgx-h100",
        "concurrency": 700.0,
        "effective_context": 32768.0,
        "tensor_parallel": 8.0,
        "options": [
            ["node_price_usd", 400000.0],
            ["output_tokens_per_session_per_hour", 20000.0],
            ["currency", "BRL"],
            ["usd_to_currency", 5.4],
            ["min_tokens_per_second", 20.0],
        ],
        "basis": "cloud",
    },
}


# A function's own arguments where the shared case does not fit it
OVERRIDES = {"SIZING_SERVER": {"field": "gpus_per_node"}}


def cell(value):
    """An argument as Office.js sends it: a scalar as a 1 x 1 range, a range as its rows."""
    if value is None:
        return None
    return value if isinstance(value, list) else [[value]]


async def call_all():
    meta = server.custom_functions_meta(udfs)
    out, started = {}, time.perf_counter()
    for case, values in CASES.items():
        for function in sorted(meta["functions"], key=lambda f: f["name"]):
            given = {**values, **OVERRIDES.get(function["name"], {})}
            data = {
                "func_name": function["id"],
                "args": [cell(given.get(p["name"])) for p in function["parameters"]],
                "version": xlwings.__version__,
                "client": "Office.js",
                "runtime": "1.4",  # Excel's API set, which Office.js reports
                "culture_info_name": "en-US",
                "date_format": "M/d/yyyy",
                "caller_address": "Sheet1!A1",
            }
            out[f"{case}:{function['name']}"] = await server.custom_functions_call(data, udfs)
    elapsed = time.perf_counter() - started
    return {"functions": len(meta["functions"]), "results": out, "seconds": elapsed}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(call_all())))
