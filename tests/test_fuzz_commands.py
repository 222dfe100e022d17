"""Fuzzing every command added since the first hardening: 1,000 hostile inputs each (flags, lists,
logs, configs), derandomised so CI is reproducible. Each must exit with a documented code, say
what is wrong in one line, print no Infinity or NaN, and finish within 20 s."""

from __future__ import annotations

import json
import math
import resource

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizing_xl.cli import run
from tests.conftest import REPO

EXIT_CODES = {0, 2, 3, 4}
FUZZ = settings(
    max_examples=1000,
    deadline=20_000,  # ms: no input may hang
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LOG = (
    REPO / "tests" / "data" / "engine_logs" / "vllm-deepseek-v2-lite-chat-h100-tp1-llmdplanner.log"
)
CONFIG = REPO / "tests" / "data" / "configs" / "meta-llama__llama-3.1-8b" / "config.json"

# Hostile numbers as a user or a broken script types them
NUMBER = st.sampled_from(
    ["0", "-1", "1", "7", "1000", "1e308", "1e-300", "nan", "inf", "-0", "1_000", "１０００",
     "0x10", "", " ", "3.5", "99999999999999999999", "1e3", "٣"]
)  # fmt: skip
WORD = st.sampled_from(
    ["dgx300", "DGX300", "dgx-h100", "nope", "all", "", "=1+1", "\x1b[31m", "a" * 300,
     "opt-oss-120b", "llama-3.1-70b", "gpt-oss-120b", "\u202e", ",", ",,dgx300"]
)  # fmt: skip
FIELD = st.sampled_from(
    ["concurrency", "effective-context", "kv-budget-ratio", "peak-headroom-ratio", "kv-precision",
     "runtime-overhead-gib", "usd-per-kwh", "cloud-offer", "concurency", "model", "", "=x"]
)  # fmt: skip
BASE = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000",
        "--effective-context", "131072"]  # fmt: skip


def invoke(argv: list[str]) -> int:
    """run() as `sizing` runs it: argparse's usage errors leave through SystemExit."""
    try:
        return run(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def check(code: int, capsys) -> None:
    """The promises every run keeps, whatever it was given."""
    out, err = capsys.readouterr()
    assert code in EXIT_CODES, (code, err)
    if code:
        assert len(err.strip().splitlines()) == 1 and len(err) <= 420, err
        assert "Traceback" not in err
    assert "Infinity" not in out and "NaN" not in out


def values(parts: list[str]) -> str:
    return ",".join(parts)


@FUZZ
@given(
    field=FIELD,
    spec=st.one_of(
        st.lists(NUMBER, min_size=1, max_size=4).map(values),
        st.tuples(NUMBER, NUMBER, NUMBER).map(lambda t: f"{t[0]}..{t[1]}/{t[2]}"),
        WORD,
    ),
    fmt=st.sampled_from(["text", "csv", "json", "jsonl"]),
)
def test_sweep_survives_hostile_axes(capsys, field, spec, fmt):
    check(invoke(["sweep", *BASE, "--vary", f"{field}={spec}", "--format", fmt]), capsys)


@FUZZ
@given(
    rate=NUMBER,
    months=NUMBER,
    loads=st.one_of(st.none(), st.lists(NUMBER, min_size=1, max_size=5).map(values)),
    fmt=st.sampled_from(["text", "csv", "json"]),
)
def test_growth_survives_hostile_rates_months_and_loads(capsys, rate, months, loads, fmt):
    flags = ["growth", *BASE, "--months", months, "--format", fmt]
    flags += ["--concurrency-by-month", loads] if loads is not None else ["--growth-monthly", rate]
    check(invoke(flags), capsys)


@FUZZ
@given(
    servers=st.lists(WORD, min_size=1, max_size=4).map(values),
    method=st.sampled_from(["seed", "vllm", "sglang", "nope"]),
    load=NUMBER,
    fmt=st.sampled_from(["text", "csv", "json"]),
)
def test_compare_survives_hostile_server_lists(capsys, servers, method, load, fmt):
    flags = ["compare", "--model", "llama-3.1-8b", "--servers", servers, "--method", method]
    flags += ["--concurrency", load, "--effective-context", "8192", "--format", fmt]
    check(invoke(flags), capsys)


@FUZZ
@given(
    loads=st.lists(NUMBER, min_size=1, max_size=4).map(values),
    isl=NUMBER,
    osl=NUMBER,
    tp=NUMBER,
    model=WORD,
    fmt=st.sampled_from(["text", "csv", "json"]),
)
def test_perf_survives_hostile_loads(capsys, loads, isl, osl, tp, model, fmt):
    flags = ["perf", "--model", model, "--server", "dgx-h100", "--concurrency", loads]
    flags += ["--input-tokens", isl, "--output-tokens", osl, "--tensor-parallel", tp]
    check(invoke([*flags, "--format", fmt]), capsys)


@FUZZ
@given(
    specs=st.lists(
        st.tuples(FIELD, NUMBER, NUMBER, st.sampled_from(["", ":uniform", ":triangular", ":x"])),
        min_size=1,
        max_size=3,
    ),
    samples=st.sampled_from(["1", "50", "0", "100001", "x"]),
)
def test_ranges_survive_hostile_uncertain_inputs(capsys, specs, samples):
    flags = [*BASE, "--samples", samples, "--format", "json"]
    for field, low, high, dist in specs:
        flags += ["--uncertain", f"{field}={low}..{high}{dist}"]
    check(invoke(flags), capsys)


LOG_LINES = LOG.read_text("utf-8").splitlines()
NUMBERS_IN_LINE = r"\d+(\.\d+)?"


@FUZZ
@given(data=st.data())
def test_calibrate_survives_hostile_logs(capsys, tmp_path_factory, data):
    """A real start-up log with its figures replaced, lines dropped or repeated, and control
    bytes and huge numbers put in."""
    import re

    lines = []
    for line in LOG_LINES:
        action = data.draw(st.sampled_from(["keep", "keep", "drop", "twice", "fuzz"]))
        if action == "drop":
            continue
        if action == "fuzz":
            line = re.sub(
                NUMBERS_IN_LINE,
                lambda _: data.draw(
                    st.sampled_from(["0", "1" * 400, "-5", "nan", "1e999", "\x07", "0.0"])
                ),
                line,
            )
        lines += [line] * (2 if action == "twice" else 1)
    path = tmp_path_factory.mktemp("log") / "start.log"
    path.write_text("\n".join(lines), "utf-8", errors="surrogateescape")
    server = data.draw(st.sampled_from([[], ["--server", "dgx-h100"], ["--server", "nope"]]))
    check(invoke(["calibrate", "--vllm-log", str(path), *server, "--format", "json"]), capsys)


CONFIG_DATA = json.loads(CONFIG.read_text("utf-8"))
HOSTILE_VALUES = st.sampled_from(
    [0, -1, 10**40, 1e308, "=1+1", None, [], {}, True, "\u202e", 2**63, 0.5, "32", math.pi]
)


@FUZZ
@given(data=st.data())
def test_model_from_config_survives_hostile_configs(capsys, tmp_path_factory, data):
    config = dict(CONFIG_DATA)
    for key in data.draw(st.lists(st.sampled_from(sorted(config)), max_size=4, unique=True)):
        config[key] = data.draw(HOSTILE_VALUES)
    path = tmp_path_factory.mktemp("cfg") / "config.json"
    path.write_text(json.dumps(config), "utf-8")
    fmt = data.draw(st.sampled_from(["json", "row"]))
    check(invoke(["model-from-config", str(path), "--format", fmt]), capsys)


def test_the_fuzzing_stayed_within_two_gib():
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert peak_kib < 2 * 1024 * 1024


@pytest.fixture(autouse=True)
def _no_real_outputs(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # a fuzzed flag never writes into the checkout
