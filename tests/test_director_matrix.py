"""Every face tells the same truth (issue 23): the director's workbook for each method x {a
model with weights, the README's weightless one} x {a priced server, the README's unpriced
one} x {USD, BRL at a dated rate}, recalculated in LibreOffice and in Gnumeric: no error value,
no false alarm, the Model sheet's figures equal to the JSON document's, the rate and its date
on the Executive page when converted."""

from __future__ import annotations

import itertools
import json
import subprocess

import openpyxl
import pytest

from sizing_xl import InputError, make_request, size
from sizing_xl.cli import run
from sizing_xl.cli.common import EXIT_INPUT
from sizing_xl.excel.director.sensitivity_words import WORDS as SENSITIVITY_WORDS
from sizing_xl.excel.director.workbook import write_director_workbook
from sizing_xl.excel.libreoffice import convert
from sizing_xl.excel.live.model_sheet import LIVE_WORDS, build_live_model_sheet
from sizing_xl.excel.live.money_formulas import DASH
from sizing_xl.reports.text import result_document
from sizing_xl.scenarios import SCENARIO_NAMES
from tests.test_director_workbook import (
    ERROR_MARKERS,
    GENERATED_AT,
    README_SERVER,
    readme_catalog,
    same,
    same_value,
)

WEIGHTLESS = "my-model-70b"  # the README's catalog example: no weights fields
METHODS = ("seed", "vllm", "sglang")
MODELS = ("llama-3.1-70b", WEIGHTLESS)
SERVERS = ("dgx-h100", README_SERVER)  # priced; the README's, without price or bandwidth
CURRENCIES = ({}, {"currency": "BRL", "usd_to_currency": 5.4, "rate_as_of": "2026-01-15"})
RATE_TEXT = {"pt-BR": "1 USD = 5,4 BRL (2026-01-15)", "en": "1 USD = 5.4 BRL (2026-01-15)"}

# Model-sheet scenario rows and the JSON's names for them: results, throughput, cost (in USD)
RESULTS = (
    "kv_per_session_gib",
    "kv_total_gib",
    "hbm_total_gib",
    "hbm_budget_gib",
    "memory_sessions_per_unit",
    "sessions_per_unit",
    "sessions_per_node",
    "peak_sessions",
    "nodes_operational",
    "nodes_final",
    "capacity_after_failures_sessions",
)
THROUGHPUT = (
    "tokens_per_second_per_session",
    "tokens_per_second_per_node",
    "ttft_seconds",
    "full_load_tokens_per_second_per_node",
)
MONEY = {
    "capex": "capex_usd",
    "tco_monthly": "tco_monthly_usd",
    "cloud_monthly": "cloud_monthly_usd",
    "cost_per_session_month": "cost_per_session_month_usd",
    "usd_per_mtok_owned": "usd_per_mtok_owned",
    "usd_per_mtok_cloud": "usd_per_mtok_cloud",
    "usd_per_mtok_capacity_owned": "usd_per_mtok_capacity_owned",
    "usd_per_mtok_capacity_cloud": "usd_per_mtok_capacity_cloud",
}


def _args(method: str, model: str, server: str, money: dict) -> dict:
    return dict(
        model=model,
        server=server,
        concurrency=200,
        effective_context=8192,
        method=method,
        **money,
    )


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """(source path, result, lang) for every case the engine sizes."""
    folder = tmp_path_factory.mktemp("matrix")
    catalog = readme_catalog(folder / "catalog")
    cases = []
    for i, (method, model, server, money) in enumerate(
        itertools.product(METHODS, MODELS, SERVERS, CURRENCIES)
    ):
        request = make_request(**_args(method, model, server, money))
        if method != "seed" and model == WEIGHTLESS:
            with pytest.raises(InputError, match="needs the weights"):
                size(request, catalog)
            continue
        result = size(request, catalog)
        lang = ("pt-BR", "en")[i % 2]
        path = folder / f"{i:02d}-{method}-{model}-{server}-{money.get('currency', 'USD')}.xlsx"
        write_director_workbook(result, path, lang=lang, generated_at=GENERATED_AT, catalog=catalog)
        cases.append((path, result, lang))
    assert len(cases) == 16
    return cases


def _recalculated(engine: str, sources: list, out_dir, request) -> list:
    """The workbooks recalculated by one engine; the conftest fixtures fail under CI where the
    engine is missing, and skip elsewhere."""
    if engine == "libreoffice":
        request.getfixturevalue("soffice")
        return convert(sources, out_dir)  # one LibreOffice start for every file
    exe = request.getfixturevalue("ssconvert")
    out_dir.mkdir()
    outputs = []
    for source in sources:  # ssconvert takes one file a call
        outputs.append(out_dir / source.name)
        subprocess.run(
            [exe, "--recalc", str(source), str(outputs[-1])],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return outputs


def _expected(result, lang: str) -> dict[str, object]:
    """{Model-sheet cell: value} from the JSON document, for the rows the sheet computes."""
    doc = result_document(result, lang=lang)
    layout = build_live_model_sheet(openpyxl.Workbook(), result, lang)
    deployment, check = doc["deployment"], doc["engine_check"]
    weights = deployment["weights"]
    want = {
        layout.single["replicas_per_node"]: deployment["replicas_per_node"],
        layout.single["nodes_per_replica"]: deployment["nodes_per_replica"],
        layout.single["weights_gib"]: DASH if weights is None else weights["gib"],
        layout.single["engine_sessions_per_replica"]: (
            DASH if check is None else check["sessions_per_replica"]
        ),
    }
    rate = doc["finance"]["usd_to_currency"]
    for name in SCENARIO_NAMES:
        results, cells = doc["scenarios"][name]["results"], layout.scenario[name]
        throughput, cost = results["throughput"] or {}, results["cost"] or {}
        want |= {cells[q]: results[q] for q in RESULTS}
        want |= {cells[q]: DASH if throughput.get(q) is None else throughput[q] for q in THROUGHPUT}
        want |= {
            cells[q]: DASH if cost.get(field) is None else cost[field] * rate
            for q, field in MONEY.items()
        }
        want[cells["power_kw"]] = DASH if cost.get("power_kw") is None else cost["power_kw"]
    return want


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.libreoffice  # the slow spreadsheet-engine tests run together
@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_every_method_model_server_and_currency_tells_the_same_truth(
    workbooks, tmp_path, engine, request
):
    sources = [path for path, _, _ in workbooks]
    outputs = _recalculated(engine, sources, tmp_path / engine, request)
    computed = 0
    for (source, result, lang), out in zip(workbooks, outputs, strict=True):
        name = source.name
        formulas = openpyxl.load_workbook(source)
        stored = openpyxl.load_workbook(source, data_only=True)
        wb = openpyxl.load_workbook(out, data_only=True)
        for number, ws in enumerate(wb.worksheets):
            for row in ws.iter_rows():
                for c in row:  # no error value anywhere
                    bad = isinstance(c.value, str) and c.value.startswith(ERROR_MARKERS)
                    assert not bad, f"{name} {ws.title}!{c.coordinate}: {c.value}"
            for row in formulas.worksheets[number].iter_rows():
                for c in row:  # what a viewer shows unrecalculated is what the engine computes
                    if isinstance(c.value, str) and c.value.startswith("="):
                        kept, got = (
                            stored.worksheets[number][c.coordinate].value,
                            ws[c.coordinate].value,
                        )
                        assert same_value(kept, got), f"{name} {ws.title}!{c.coordinate}"
        executive, model = wb.worksheets[0], wb.worksheets[1]
        line = executive["A4"].value
        assert not line.startswith("⚠"), (name, line)  # no false alarm
        texts = " | ".join(_texts(executive))
        converted = result.finance.currency != "USD"
        assert (RATE_TEXT[lang] in texts) == converted, name
        assert ("1 USD =" in texts) == converted, name
        sensitivity = wb.worksheets[2]
        if result.inputs.method == "sglang":  # the sheet refuses it and both pages say why
            assert line.startswith("ℹ"), (name, line)
            why = SENSITIVITY_WORDS[lang]["refused"] + LIVE_WORDS[lang]["bad_method"]
            assert sensitivity["A3"].value == why, name
            continue
        assert line.startswith("✓"), (name, line)
        assert sensitivity["A3"].value in ("", None), name
        assert isinstance(sensitivity["B6"].value, int), name  # the grid computes
        layout = build_live_model_sheet(openpyxl.Workbook(), result, lang)
        weighed = result.deployment.weights is not None
        assert model[layout.note].value in (
            ("", None) if weighed else (LIVE_WORDS[lang]["no_weights"],)
        )
        for ref, want in _expected(result, lang).items():
            got = model[ref].value
            assert same(got, want, lang), f"{name} {ref}: {got!r} != {want!r}"
            computed += 1
    assert computed > 12 * 70


def test_the_cli_refuses_an_engine_method_without_weights_in_one_line(tmp_path, capsys):
    folder = tmp_path / "catalog"
    readme_catalog(folder)
    for method in ("vllm", "sglang"):
        code = run(
            [
                "--catalog-dir",
                str(folder),
                *("--model", WEIGHTLESS, "--server", "dgx-h100", "--concurrency", "200"),
                *("--effective-context", "8192", "--method", method),
                *("--output-xlsx", str(tmp_path / f"{method}.xlsx")),
            ]
        )
        err = capsys.readouterr().err
        assert code == EXIT_INPUT
        assert len(err.strip().splitlines()) == 1, err
        assert f"method {method} needs the weights of model '{WEIGHTLESS}'" in err
        assert not (tmp_path / f"{method}.xlsx").exists()


def test_the_seed_sizes_a_weightless_model_and_says_what_it_leaves_out(tmp_path, capsys):
    """The seed's memory figures need no weights; an alert names what is left out, in the
    JSON (all faces list the engine's alerts)."""
    folder = tmp_path / "catalog"
    readme_catalog(folder)
    flags = ["--catalog-dir", str(folder), "--model", WEIGHTLESS, "--server", "dgx-h100"]
    flags += ["--concurrency", "200", "--effective-context", "8192", "--format", "json"]
    for lang in ("pt-BR", "en"):
        assert run([*flags, "--lang", lang]) == 0
        doc = json.loads(capsys.readouterr().out)
        (alert,) = [a for a in doc["alerts"] if a["code"] == "WEIGHTS_UNKNOWN"]
        assert alert["severity"] == "info" and alert["message"].startswith(WEIGHTLESS)
        assert "--weights-gib" in alert["message"]
        assert doc["summary"] == {"minimum": 1, "recommended": 2, "ideal": 4}
