"""Engine methods: vLLM's and SGLang's memory rules, pinned to public start-up logs and by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizing_xl import InputError, load_catalog, make_request, size
from sizing_xl.calibrate import calibrate, read_vllm_log
from sizing_xl.catalog import ModelSpec
from sizing_xl.deployment import plan_deployment
from sizing_xl.methods import EngineKnobs, MethodInput, vllm
from sizing_xl.methods.sglang_memory import weight_load_gib
from sizing_xl.records import as_dict
from sizing_xl.units import BYTES_PER_GIB
from tests.conftest import SEED_ARGS

LOGS = Path(__file__).parent / "data" / "vllm_logs"
GIB = BYTES_PER_GIB
TOLERANCE = 0.03  # the bar: within 3 % of what the engine logged

# Qwen3-14B is not a packaged model; its config.json: 40 layers, 8 KV heads, head_dim 128.
QWEN3_14B = ModelSpec(
    name="qwen3-14b",
    source="config.json of Qwen/Qwen3-14B",
    num_layers=40,
    num_key_value_heads=8,
    head_dim=128,
    max_context=40960,
)


def log_input(
    model: ModelSpec,
    *,
    available_gib: float,
    tensor_parallel: int = 1,
    kv_bytes: int = 2,
    max_num_batched_tokens: int = 8192,
    context: int = 8192,
) -> MethodInput:
    """A GPU whose whole usable memory is the KV memory a log reports (weights and overhead 0)."""
    catalog = load_catalog()
    server = catalog.server("dgx-h100")
    return MethodInput(
        model=model,
        server=server,
        deployment=plan_deployment(
            tensor_parallel=tensor_parallel, pipeline_parallel=1, gpus_per_node=8, server="x"
        ),
        context_tokens=context,
        kv_bytes_per_element=kv_bytes,  # vLLM's kv_cache_dtype "auto": the model's bf16
        kv_budget_ratio=1.0,
        runtime_overhead_gib=0.0,
        weights_gib=1e-9,
        knobs=EngineKnobs(
            gpu_memory_utilization=1.0,
            non_weight_overhead_gib=0.0,
            block_size=None,
            max_num_seqs=1024,
            max_num_batched_tokens=max_num_batched_tokens,
            mem_fraction_static=1.0,
            swa_full_tokens_ratio=0.8,
            usable_gib_per_gpu=available_gib,
        ),
    )


def close(ours: float, logged: float) -> bool:
    return abs(ours - logged) <= TOLERANCE * logged


# --- available KV memory: usable x utilisation - weights - non-weight memory -----------------


@pytest.mark.parametrize("log_name", ["llama3-8b-h100.log", "llama31-8b-rtx3090.log"])
def test_available_kv_memory_of_public_logs_is_reproduced(log_name):
    # vllm PR 10511: 79.22 x 0.90 - 14.96 - (1.79 + 1.26) = 53.29 GiB;
    # vllm issue 10517: 23.58 x 0.90 - 14.99 - (0.35 + 17.06 - 14.99) = 3.81 GiB
    log = read_vllm_log(LOGS / log_name)
    predicted = log.total_gib * log.utilization - log.weights_gib - log.logged_overhead_gib
    assert close(predicted, log.available_gib), (predicted, log.available_gib)


def test_rtx3090_log_blocks_and_concurrency_follow_the_available_memory(catalog):
    # 3.81 GiB / (16 tokens x 32 layers x 2 x 8 heads x 128 x 2 bytes = 2 MiB) = 1,952 blocks;
    # 1,952 / ceil(20,000 / 16) = 1.56x
    log = read_vllm_log(LOGS / "llama31-8b-rtx3090.log")
    inp = log_input(catalog.model("llama-3.1-8b"), available_gib=log.available_gib)
    figures = vllm.startup_figures(inp, max_model_len=int(log.max_model_len))
    assert figures.num_blocks in (1950, 1951, 1952)  # 3.81 is rounded in the log
    assert close(figures.max_concurrency, log.max_concurrency)


def test_qwen3_14b_log_tokens_and_concurrency():
    log = read_vllm_log(LOGS / "qwen3-14b.log")
    figures = vllm.startup_figures(
        log_input(QWEN3_14B, available_gib=log.available_gib), max_model_len=32768
    )
    assert figures.kv_cache_tokens == 42656 == log.kv_cache_tokens
    assert close(figures.max_concurrency, log.max_concurrency)


def test_qwen3_235b_tp4_log_tokens(catalog):
    # 4 KV heads over TP 4: one head per GPU; 94 layers x 2 x 128 x 2 bytes = 48,128 B/token
    log = read_vllm_log(LOGS / "qwen3-235b-fp8-4xh100.log")
    inp = log_input(
        catalog.model("qwen3-235b-a22b"), available_gib=log.available_gib, tensor_parallel=4
    )
    figures = vllm.startup_figures(inp, max_model_len=40960)
    assert close(figures.kv_cache_tokens, log.kv_cache_tokens), figures.kv_cache_tokens


def test_gpt_oss_log_refuses_one_131k_request(catalog):
    # vllm issue 27508: 1.71 GiB of KV at utilisation 0.95 cannot hold one request of
    # 131,072 tokens: 18 full layers x 8,192 blocks + 18 sliding x 73 blocks of 32 KiB
    log = read_vllm_log(LOGS / "gpt-oss-120b-h100.log")
    inp = log_input(
        catalog.model("gpt-oss-120b"),
        available_gib=log.available_gib,
        max_num_batched_tokens=int(log.max_num_batched_tokens),
    )
    figures = vllm.startup_figures(inp, max_model_len=131072)
    assert not figures.fits_one_request
    one_request = 18 * (8192 + math.ceil((128 - 1 + 1024) / 16) + 1) * 16 * 2 * 8 * 64 * 2
    assert one_request / GIB == pytest.approx(4.54, abs=0.01)
    assert one_request / GIB > log.available_gib


# --- the cases -----------------------------------------------------------------------


def test_gpt_oss_as_eight_tp1_replicas_on_h100_is_refused(catalog):
    for method in ("seed", "vllm"):
        result = size(
            make_request(
                model="gpt-oss-120b",
                server="dgx-h100",
                concurrency=100,
                effective_context=131072,
                method=method,
                tensor_parallel=1,  # as given: without it, TP 2 starts
            ),
            catalog,
        )
        assert "WEIGHTS_DO_NOT_FIT" in [a.code for a in result.alerts]
        assert result.engine_check.nodes["recommended"] is None
    assert result.scenario("recommended").nodes_final is None  # under --method vllm


def test_llama_405b_on_h100_needs_two_nodes_per_replica(catalog):
    args = dict(model="llama-3.1-405b", server="dgx-h100", concurrency=100, effective_context=32768)
    seed = size(make_request(**args), catalog)
    assert seed.scenario("recommended").sessions_per_node == 42  # the seed method's answer
    assert "WEIGHTS_DO_NOT_FIT" in [a.code for a in seed.alerts]
    with pytest.raises(InputError, match=r"754\.4 GiB of weights exceed the 633\.6 GiB"):
        size(make_request(**args, method="vllm", tensor_parallel=8), catalog)
    spanning = size(
        make_request(**args, method="vllm", tensor_parallel=8, pipeline_parallel=2), catalog
    )
    r = spanning.scenario("recommended")
    assert spanning.deployment.nodes_per_replica == 2
    assert r.nodes_final % 2 == 0 and r.ha_spares == 2  # whole replicas, N+1 is one replica
    assert r.sessions_per_replica == 2 * r.sessions_per_node


def test_deepseek_v3_tp8_matches_vllm_block_arithmetic_by_hand(catalog):
    # MLA: block 64 (FlashMLA), one latent of 512 + 64 per token and layer on every GPU.
    result = size(
        make_request(
            model="deepseek-v3",
            server="dgx-h200",
            concurrency=100,
            effective_context=32768,
            tensor_parallel=8,
            kv_precision="bf16",
            method="vllm",
        ),
        catalog,
    )
    # vLLM's profiling run by hand (methods/vllm_memory.py): forward 8,192 tokens x 2 bytes x
    # (3 x 8 experts x 2,048 / TP 8 + 4 x 7,168), sampler 1,024 x 129,280 logits x 16 bytes,
    # 2.1 GiB of NVLink SHARP buffers at TP 8
    forward = 8192 * 2 * (3 * 8 * 2048 / 8 + 4 * 7168) / GIB
    sampler = 1024 * 129280 * 16 / GIB
    available = 139.8 * 0.92 - 626.92 / 8 - (max(forward, sampler) + 2.1)  # GiB per GPU
    page = 64 * (512 + 64) * 2 * 61  # one block of all 61 layers
    blocks = int(available * GIB // (64 * (512 + 64) * 2) // 61)
    per_session = math.ceil(32768 / 64)
    hand = blocks // per_session
    r = result.scenario("recommended")
    assert r.memory.block_size == 64 and r.memory.blocks_per_session == per_session
    assert abs(r.sessions_per_replica - hand) <= max(1, TOLERANCE * hand)
    assert r.memory.kv_per_session_gib_per_gpu == pytest.approx(per_session * page / GIB)
    seed = size(make_request(**{**as_dict(result.inputs), "method": "seed"}), catalog)
    assert seed.scenario("recommended").sessions_per_node > 1.5 * r.sessions_per_node


def test_seed_case_is_unchanged_under_the_seed_method(catalog):
    result = size(make_request(**SEED_ARGS, method="seed"), catalog)
    assert [result.scenario(n).sessions_per_node for n in ("minimum", "recommended", "ideal")] == [
        629,
        629,
        584,
    ]
    assert [result.scenario(n).nodes_final for n in ("minimum", "recommended", "ideal")] == [
        2,
        3,
        5,
    ]
    assert result.engine_check.sessions_per_node == 608  # vLLM agrees within 4 %


# --- vLLM's rules, each by hand --------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "sliding", "groups"),
    [
        (18, 18, (18, 1, 1)),  # gpt-oss-120b: two groups of 18
        (13, 12, (13, 1, 1)),  # gpt-oss-20b + eagle: 13 sliding slots, not 24 full
        (10, 52, (10, 1, 6)),  # Gemma 3: 52 sliding padded to 60
        (80, 0, (80, 1, 0)),  # one attention type: one group
    ],
)
def test_hybrid_layer_grouping_follows_kv_cache_utils(full, sliding, groups):
    g = vllm.layer_groups(full_layers=full, sliding_layers=sliding)
    assert (g.layers_per_group, g.full_groups, g.sliding_groups) == groups


def test_gemma3_padding_costs_concurrency_against_the_exact_count(catalog):
    # 60 sliding slots instead of 52: at a short context sliding layers dominate
    inp = log_input(catalog.model("gemma-3-27b"), available_gib=40, context=4096)
    padded = vllm.node_capacity(inp).sessions_per_replica
    m = catalog.model("gemma-3-27b")
    exact_blocks = 10 * 256 + 52 * (math.ceil(1023 / 16) + 1)
    exact = int(40 * GIB // (2 * 16 * 16 * 128 * 2)) // exact_blocks
    assert padded < exact and m.sliding_layers == 52


def test_sliding_blocks_running_and_at_startup():
    assert vllm.sliding_blocks(131072, 128, 16) == 9  # ceil(127 / 16) + 1
    assert vllm.sliding_blocks(64, 128, 16) == 4  # shorter than the window
    assert vllm.sliding_blocks_at_startup(131072, 128, 16, 8192) == 521


def test_kv_heads_per_gpu_never_below_one(catalog):
    qwen = catalog.model("qwen3-235b-a22b")  # 4 KV heads
    assert [vllm.kv_heads_per_gpu(qwen, tp) for tp in (1, 2, 4, 8)] == [4, 2, 1, 1]


def test_max_num_seqs_caps_a_replica(catalog):
    result = size(
        make_request(
            model="llama-3.1-8b",
            server="dgx-h200",
            concurrency=10000,
            effective_context=1024,
            method="vllm",
            max_num_seqs=256,
        ),
        catalog,
    )
    r = result.scenario("recommended")
    assert r.sessions_per_replica == 256 and r.memory.capped
    assert r.sessions_per_node == 8 * 256


# --- SGLang ----------------------------------------------------------------------------------


def test_sglang_sizes_gemma3_as_all_full_layers(catalog):
    args = dict(model="gemma-3-27b", server="dgx-h200", concurrency=100, effective_context=32768)
    sg = size(make_request(**args, method="sglang"), catalog).scenario("recommended")
    assert not sg.memory.hybrid_pool
    # 62 layers x 32,768 tokens x 2 x 16 heads x 128 x 1 byte
    assert sg.memory.kv_per_session_gib_per_gpu == pytest.approx(62 * 32768 * 4096 / GIB)


def test_sglang_hybrid_pool_splits_full_and_window_tokens(catalog):
    result = size(
        make_request(
            model="gpt-oss-120b",
            server="dgx-h200",
            concurrency=100,
            effective_context=131072,
            method="sglang",
        ),
        catalog,
    )
    m = result.scenario("recommended").memory
    assert m.hybrid_pool
    # mem_fraction_static by hand (server_args.py, 2026): an H200 (139.8 GiB, 90-160 GiB row)
    # reserves 512 + 1.5 x 8,192 + 2 x 256 + 1 / 8 x 1,024 MiB of its 143,155 MiB
    fraction = round((139.8 * 1024 - (512 + 1.5 * 8192 + 2 * 256 + 128)) / (139.8 * 1024), 3)
    assert m.memory_fraction == fraction == 0.906
    # the fraction applies to the memory left after the CUDA context (0.5 GiB); loading takes
    # the 60.8 GiB checkpoint, its RoPE cache and the allocator's rounding of its tensors
    loaded = weight_load_gib(result.model, weights_gib_per_gpu=60.8, tensor_parallel=1)
    assert 60.8 < loaded < 60.8 + 0.5
    rest = ((139.8 - 0.5) * fraction - loaded) * GIB
    cell = 2 * 8 * 64  # fp8, per layer
    full_tokens = int(rest / (cell * 18 + 0.8 * cell * 18))
    assert m.blocks_per_gpu == full_tokens
    assert result.scenario("recommended").sessions_per_replica == full_tokens // 131072


# --- deployment ------------------------------------------------------------------------------


@pytest.mark.parametrize(("tp", "pp"), [(3, 1), (6, 2), (5, 2)])
def test_a_replica_that_fits_no_way_is_an_input_error(tp, pp):
    with pytest.raises(InputError, match="neither divides"):
        size(make_request(**SEED_ARGS, tensor_parallel=tp, pipeline_parallel=pp))


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(["llama-3.1-70b", "qwen3-32b", "mixtral-8x7b", "gpt-oss-120b"]),
    tp_exp=st.integers(0, 2),
    context=st.integers(1, 131072),
)
def test_more_tp_never_needs_more_kv_per_gpu_when_kv_heads_cover_it(model, tp_exp, context):
    catalog = load_catalog()
    spec = catalog.model(model)
    tp, more = 2**tp_exp, 2 ** (tp_exp + 1)
    assert spec.num_key_value_heads >= more

    def per_gpu(t: int) -> int:
        return vllm.page_bytes_per_layer(
            spec, tensor_parallel=t, block_size=16, bytes_per_element=1
        )

    assert per_gpu(more) <= per_gpu(tp)


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(["llama-3.1-8b", "qwen3-32b", "gpt-oss-120b", "gemma-3-27b"]),
    method=st.sampled_from(["vllm", "sglang"]),
    weights=st.floats(1, 500),
    extra=st.floats(0.1, 200),
    context=st.integers(256, 131072),
)
def test_more_weights_never_fit_more_sessions(model, method, weights, extra, context):
    def sessions(w: float) -> int:
        return (
            size(
                make_request(
                    model=model,
                    server="dgx-b200",
                    concurrency=100,
                    effective_context=context,
                    method=method,
                    weights_gib=w,
                    tensor_parallel=1,  # at one TP: the smallest that starts grows with weights
                )
            )
            .scenario("recommended")
            .sessions_per_node
        )

    assert sessions(weights + extra) <= sessions(weights)


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(["llama-3.1-70b", "gpt-oss-120b", "deepseek-v3", "gemma-3-27b"]),
    method=st.sampled_from(["vllm", "sglang"]),
    context=st.integers(1, 100000),
    more=st.integers(1, 60000),
)
def test_longer_context_never_fits_more_sessions(model, method, context, more):
    def sessions(c: int) -> int:
        return (
            size(
                make_request(
                    model=model,
                    server="mi300x-8",
                    concurrency=10,
                    effective_context=c,
                    method=method,
                    tensor_parallel=8,
                )
            )
            .scenario("recommended")
            .sessions_per_node
        )

    assert sessions(context + more) <= sessions(context)


def test_calibration_reproduces_the_log_it_came_from(catalog):
    log = read_vllm_log(LOGS / "llama3-8b-h100.log")
    cal = calibrate(log, usable_gib_per_gpu=None, default_utilization=0.92)
    assert cal.usable_from_log and cal.utilization_from_log
    assert cal.non_weight_overhead_gib == pytest.approx(1.79 + 1.26, abs=0.01)
    result = size(
        make_request(
            model="llama-3.1-8b",
            server="dgx-h100",
            concurrency=10,
            effective_context=8192,
            kv_precision="bf16",
            method="vllm",
            usable_gib_per_gpu=cal.usable_gib_per_gpu,
            gpu_memory_utilization=cal.gpu_memory_utilization,
            non_weight_overhead_gib=cal.non_weight_overhead_gib,
            weights_gib=cal.weights_gib,
        ),
        catalog,
    )
    memory = result.scenario("recommended").memory
    assert memory.kv_available_gib_per_gpu == pytest.approx(log.available_gib, abs=0.005)


def test_gemma_4_global_layers_keep_their_own_heads_in_every_method():
    """Gemma 4 31B: 50 sliding layers of 16 KV heads x 256, 10 global ones of 4 x 512. The
    seed's KV per session, vLLM's unified pages (the global layers' 8 KiB per token fill a
    256 KiB page with 32 tokens) and SGLang's cells each read the global layers' own sizes."""
    from sizing_xl.catalog.loading import load_catalog
    from sizing_xl.engine import kv_bytes_per_session

    model = load_catalog().model("gemma-4-31b")
    kv = kv_bytes_per_session(model, context_tokens=16384, bytes_per_element=2)
    assert kv == (10 * 16384 * 2 * 4 * 512 + 50 * 1024 * 2 * 16 * 256) * 2
    page, full_block, sliding_block = vllm.unified_pages(
        model, tensor_parallel=1, block_size=16, bytes_per_element=2
    )
    assert (page, full_block, sliding_block) == (16 * 16 * 1024, 32, 16)
    # TP 8: the 4 global KV heads are held once per rank (max(1, 4 // 8)), 16 sliding as 2
    page, full_block, sliding_block = vllm.unified_pages(
        model, tensor_parallel=8, block_size=16, bytes_per_element=2
    )
    assert (page, full_block, sliding_block) == (2 * 16 * 2 * 256 * 2, 16, 16)
