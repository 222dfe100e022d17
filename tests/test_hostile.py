"""Hostile catalogs and output paths: every fault one line and the right exit code, no file lost."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizing_xl import load_catalog, make_request, size
from sizing_xl.catalog import ModelSpec
from sizing_xl.catalog.checks import UPPER_BOUNDS, numeric_fields
from sizing_xl.cli import build_parser, run
from sizing_xl.cli.common import EXIT_CATALOG, EXIT_OUTPUT
from sizing_xl.errors import CatalogError, SizingError
from sizing_xl.files import KEEP_BACKUPS, OutputError, write_atomic
from sizing_xl.reports.text import render_json
from tests.conftest import REPO, SEED_ARGS, SEED_FLAGS

BASE_MODEL = {
    "source": "test",
    "num_layers": 80,
    "num_attention_heads": 64,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "max_context": 131072,
}
BASE_SERVER = json.loads((REPO / "catalogs" / "servers.json").read_text())["dgx-h100"]
BASE_STORAGE = {"read_gbps": 28, "p99_latency_ms": 0.15, "source": "test"}


def entry(changes: dict, base: dict = BASE_MODEL, name: str = "m") -> bytes:
    return json.dumps({name: {**base, **changes}}).encode()


def raw_model(fragment: str) -> bytes:
    """A models.json whose 'm' entry ends with a JSON fragment json.dumps cannot write."""
    body = json.dumps({"m": BASE_MODEL})
    return (body[:-2] + ", " + fragment + "}}").encode()


# (file, bytes, what the one line must say): the reproducers and their neighbours
CATALOG_FAULTS = [
    ("models.json", '{"m": {"source": "café"}}'.encode("latin-1"), "is not UTF-8 text"),
    ("models.json", json.dumps({"m": BASE_MODEL}).encode("utf-16"), "UTF-16"),
    ("models.json", raw_model('"max_context": Infinity'), "Infinity is not a number"),
    ("models.json", raw_model('"params_total_b": NaN'), "NaN is not a number"),
    ("servers.json", json.dumps({"s": BASE_SERVER})[:-1].encode() + b', "x": 1e400}', "finite"),
    ("servers.json", entry({"hbm_per_gpu_gb": 1e308}, BASE_SERVER, "s"), "hbm_per_gpu_gb: 1e+308"),
    ("models.json", raw_model('"num_experts": ' + "9" * 5000), "has 5000 digits"),
    ("models.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("models.json", entry({"num_layers": True}), "num_layers: expected a number, got true"),
    ("models.json", entry({"num_layers": "80"}), 'num_layers: expected a number, got "80"'),
    ("models.json", raw_model('"num_layers": 1'), 'entry "m": the key "num_layers" appears twice'),
    ("models.json", b'{"m": {}, "m": {}}', 'the key "m" appears twice at the top level'),
    ("models.json", entry({}, name="M ")[:-1] + b', "m": {"source": "x"}}', "are the same name"),
    ("storage.json", b'{"s": {"read_gbps": Infinity}}', "Infinity is not a number"),
    (
        "models.json",
        entry({"attention_pattern": "hybrid", "num_sliding_layers": 90, "sliding_window": 4096}),
        "num_sliding_layers",
    ),
    ("models.json", entry({"sliding_window": 0, "attention_pattern": "sliding"}), "sliding_window"),
    ("models.json", entry({"kv_lora_rank": 512}), "need attention_type 'mla'"),
    ("models.json", entry({"num_key_value_heads": 128}), "cannot exceed num_attention_heads"),
    ("models.json", entry({}, name="bad\x07name"), "holds the character \\x07"),
    ("models.json", entry({"notes": "a\nb"}), "notes: holds the character \\n"),
    ("models.json", entry({"notes": "\ufffe"}), "\\ufffe"),
    ("models.json", raw_model('"notes": "\\ud800"'), "\\ud800"),
    ("models.json", entry({}, name="x" * 40_000), "40,000 characters long"),
    ("models.json", entry({"source": "s" * 5_000}), "source: is 5,000 characters long"),
    ("cloud.json", b'{"c": {"usd_per_hour": -1}}', "cloud offer 'c'"),
]


@pytest.mark.parametrize(("filename", "data", "words"), CATALOG_FAULTS)
def test_catalog_fault_is_one_line_naming_file_and_field(tmp_path, filename, data, words):
    (tmp_path / filename).write_bytes(data)
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    message = str(info.value)
    assert message.startswith(str(tmp_path / filename) + ": ")
    assert words in message
    assert "\n" not in message and len(message) < 600


@pytest.mark.parametrize("case", [0, 4, 7, 8, 18, 22])
def test_cli_and_udf_report_a_catalog_fault_with_exit_3_and_the_file(tmp_path, monkeypatch, case):
    filename, data, words = CATALOG_FAULTS[case]
    (tmp_path / filename).write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-m", "sizing_xl", *SEED_FLAGS, "--catalog-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == EXIT_CATALOG and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and words in proc.stderr and "Traceback" not in proc.stderr
    import sizing_xl.udfs as u

    monkeypatch.setenv("SIZING_XL_CATALOGS", str(tmp_path))
    cell = u.SIZING_KV_PER_SESSION_GIB("opt-oss-120b", 131072)
    assert cell.startswith("ERROR: ") and filename in cell and words in cell


def test_a_byte_order_mark_is_accepted(tmp_path):
    (tmp_path / "models.json").write_bytes(b"\xef\xbb\xbf" + entry({}))
    assert load_catalog([tmp_path]).model("m").num_layers == 80


def test_a_misspelt_catalog_file_is_named(tmp_path):
    (tmp_path / "servers.json").write_bytes(entry({}, BASE_SERVER, "s"))
    (tmp_path / "model.json").write_bytes(entry({}))
    with pytest.raises(CatalogError, match=r"model\.json: .*did you mean models\.json\?"):
        load_catalog([tmp_path])


def test_every_numeric_field_has_a_physical_bound():
    from sizing_xl.catalog.schemas import _SCHEMAS

    for schema in _SCHEMAS.values():
        assert numeric_fields(schema) <= UPPER_BOUNDS.keys(), schema.__name__


def test_runtime_overhead_above_hbm_names_the_overhead(capsys):
    assert run([*SEED_FLAGS, "--runtime-overhead-gib", "3000", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "[OVERHEAD_EXCEEDS_HBM] CRITICAL" in out and "--runtime-overhead-gib" in out
    assert "NO_SESSION_FITS" not in out


# --- output paths -----------------------------------------------------------------------------


def write_json_to(path: object, capsys) -> tuple[int, str]:
    code = run([*SEED_FLAGS, "--output-json-file", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_device_is_never_replaced(capsys):
    code, err = write_json_to("/dev/null", capsys)
    assert code == EXIT_OUTPUT and "/dev/null: is a character device" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    code, err = write_json_to(fifo, capsys)
    assert code == EXIT_OUTPUT and "is a FIFO" in err and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_directory_is_refused(tmp_path, capsys):
    code, err = write_json_to(tmp_path, capsys)
    assert code == EXIT_OUTPUT and "is a directory" in err


def test_a_symlink_is_followed_and_kept(tmp_path, capsys):
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_text("old")
    link.symlink_to(real)
    assert write_json_to(link, capsys)[0] == 0
    assert link.is_symlink() and json.loads(real.read_text())["method_version"]
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "new.json")
    assert write_json_to(dangling, capsys)[0] == 0
    assert dangling.is_symlink() and (tmp_path / "new.json").is_file()


def test_a_missing_directory_is_refused_and_nothing_is_written(tmp_path, capsys):
    good = tmp_path / "r.json"
    code = run(
        [*SEED_FLAGS, "--output-json-file", str(good), "--output-xlsx", str(tmp_path / "a/b.xlsx")]
    )
    err = capsys.readouterr().err
    assert code == EXIT_OUTPUT and err.count("\n") == 1 and "a does not exist" in err
    assert list(tmp_path.iterdir()) == []  # the good path was not written either


def test_a_full_disk_leaves_the_old_file_and_one_line(tmp_path, capfd, monkeypatch):
    target = tmp_path / "board.xlsx"
    target.write_bytes(b"the old board")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("sizing_xl.files.os.fsync", full)
    assert run([*SEED_FLAGS, "--output-xlsx", str(target)]) == EXIT_OUTPUT
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err, err
    assert target.read_bytes() == b"the old board"
    assert [p.name for p in tmp_path.iterdir()] == ["board.xlsx"]


def test_backups_are_dated_kept_three_deep_and_never_inside_a_directory(tmp_path):
    target = tmp_path / "board.xlsx"
    target.write_bytes(b"v0")
    now = time.time()
    for ahead in range(4):  # directories squat the backup names of the next seconds
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now + ahead))
        (tmp_path / f"board.bak-{stamp}.xlsx").mkdir()
    for version in range(1, 6):
        saved = write_atomic(target, f"v{version}".encode(), backup=True)
        assert saved.is_file() and saved.read_bytes() == f"v{version - 1}".encode()
    files = sorted(p for p in tmp_path.iterdir() if p.is_file() and p.name != "board.xlsx")
    assert len(files) == KEEP_BACKUPS
    assert {p.read_bytes() for p in files} == {b"v2", b"v3", b"v4"}
    assert all(not any(d.iterdir()) for d in tmp_path.iterdir() if d.is_dir())


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temps_of_dead_writers_are_swept_live_ones_kept(tmp_path):
    target = tmp_path / "r.json"
    dead = tmp_path / f".r.json.sizing-{dead_pid()}-00aa11bb.tmp"
    live = tmp_path / f".r.json.sizing-{os.getppid()}-00aa11bb.tmp"
    legacy_old, legacy_new = tmp_path / ".r.json.k3j2h1.tmp", tmp_path / ".r.json.q9w8e7.tmp"
    other = tmp_path / f".other.json.sizing-{dead_pid()}-00aa11bb.tmp"
    for path in (dead, live, legacy_old, legacy_new, other):
        path.write_bytes(b"half")
    os.utime(legacy_old, (time.time() - 7200, time.time() - 7200))
    write_atomic(target, b"{}")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([live.name, legacy_new.name, other.name, "r.json"])


# --- kills and concurrent writers -------------------------------------------------------------

WRITER = """
import hashlib, os, sys
sys.path.insert(0, {root!r})
from sizing_xl.files import write_atomic
target, tag, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(rounds):
    body = (tag + str(i)).encode() * ({size} // 8)
    write_atomic(target, hashlib.sha256(body).hexdigest().encode() + body, backup=True)
print("done", flush=True)
"""


def whole(path: Path) -> bool:
    data = path.read_bytes()
    return hashlib.sha256(data[64:]).hexdigest().encode() == data[:64]


def writer(tmp_path: Path, size: int) -> Path:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(REPO), size=size))
    return script


def payloads(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.iterdir() if p.name.startswith("out") and p.is_file()]


def test_kill_mid_write_leaves_target_and_backups_whole(tmp_path):
    script = writer(tmp_path, 4_000_000)
    target = tmp_path / "out.xlsx"
    subprocess.run([sys.executable, script, target, "seed", "1"], check=True)
    rng = __import__("random").Random(9)
    for trial in range(30):
        proc = subprocess.Popen([sys.executable, script, target, f"t{trial}", "1000"])
        time.sleep(rng.uniform(0.15, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert all(whole(p) for p in payloads(tmp_path)), f"trial {trial}"
    subprocess.run([sys.executable, script, target, "after", "1"], check=True)
    assert not list(tmp_path.glob(".*.tmp"))  # the next run swept the killed writers' temps
    assert all(whole(p) for p in payloads(tmp_path))
    assert len(payloads(tmp_path)) == 1 + KEEP_BACKUPS


def test_concurrent_writers_corrupt_nothing(tmp_path):
    script = writer(tmp_path, 2_000_000)
    target = tmp_path / "out.xlsx"
    procs = [
        subprocess.Popen([sys.executable, script, target, f"w{n}", "5"], stdout=subprocess.PIPE)
        for n in range(8)
    ]
    for proc in procs:
        assert proc.communicate(timeout=300)[0] == b"done\n"
    assert all(whole(p) for p in payloads(tmp_path))
    assert len(payloads(tmp_path)) == 1 + KEEP_BACKUPS
    assert not list(tmp_path.glob(".*.tmp"))


# --- fuzz: catalog bytes and values, output paths ---------------------------------------------

VALID_MODELS = entry({})
CLI_FLAGS = {
    action.option_strings[-1]
    for action in build_parser()._actions
    if action.option_strings and action.nargs != 0 and "output" not in action.dest
}
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def load_or_refuse(files: dict[str, bytes]):
    """The catalog these files make, or None if refused with a CatalogError; nothing else."""
    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            Path(d, name).write_bytes(data)
        try:
            return load_catalog([d])
        except CatalogError as exc:
            assert "\n" not in str(exc)
            return None


@FUZZ
@given(st.data())
def test_fuzzed_catalog_bytes_load_or_give_one_line(data):
    start = data.draw(st.integers(0, len(VALID_MODELS)))
    end = data.draw(st.integers(start, min(len(VALID_MODELS), start + 12)))
    junk = data.draw(st.binary(max_size=12) | st.sampled_from([b"\x00", b"\xff", b"NaN", b"1e999"]))
    catalog = load_or_refuse({"models.json": VALID_MODELS[:start] + junk + VALID_MODELS[end:]})
    if catalog is not None and "m" in catalog.models:
        check_sizes_cleanly(catalog)


ODD_VALUES = (
    st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.text(max_size=30)
    | st.none()
    | st.lists(st.integers(), max_size=2)
)


@FUZZ
@given(st.sampled_from(sorted(set(BASE_MODEL) | numeric_fields(ModelSpec))), ODD_VALUES)
def test_fuzzed_catalog_values_are_refused_or_size_correctly(field, value):
    catalog = load_or_refuse({"models.json": entry({field: value})})  # NaN and inf as tokens
    if catalog is None:
        return
    accepted = getattr(catalog.model("m"), field)
    # no silent wrong result: what loaded is the value written, of a sane kind
    assert not isinstance(value, bool) or field in ("verified",)
    if field in UPPER_BOUNDS and accepted is not None:
        assert accepted == value and 0 <= accepted <= UPPER_BOUNDS[field]
    check_sizes_cleanly(catalog)


def check_sizes_cleanly(catalog) -> None:
    try:
        result = size(make_request(**{**dict(SEED_ARGS), "model": "m"}), catalog)
    except SizingError as exc:
        assert "\n" not in str(exc)
        return
    json.loads(render_json(result), parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("/.\x00\n"), max_size=40))
def test_fuzzed_output_paths_write_a_file_or_exit_4(name):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name)
        try:
            code = run([*SEED_FLAGS, "--output-json-file", path, "--format", "json"])
        except OutputError:
            pytest.fail("escaped the CLI")
        assert code in (0, EXIT_OUTPUT)
        if code == 0:
            assert json.loads(Path(path).read_text())["scenarios"]
        assert not [p for p in Path(d).rglob("*") if p.name.endswith(".tmp")]


# --- from a plain checkout ---------------------------------------------------------------------


def test_a_plain_checkout_runs_the_cli_and_the_scripts(tmp_path):
    root = tmp_path / "clone"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("sizing_xl", "catalogs", "scripts"):
        shutil.copytree(REPO / part, root / part, ignore=ignore)
    proc = subprocess.run(
        [sys.executable, "-m", "sizing_xl", *SEED_FLAGS], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 0 and "2.25" in proc.stdout, proc.stderr
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sizing_xl.catalog.loading as c; print(c.builtin_catalogs())",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert Path(where.stdout.strip()) == root / "catalogs"  # the checkout's, not an install's
    bench = subprocess.run(
        [sys.executable, "scripts/bench.py", "--help"], cwd=root, capture_output=True, text=True
    )
    assert bench.returncode == 0 and "naive reference" in bench.stdout, bench.stderr


FLAG_VALUES = (
    st.text(max_size=20)
    | st.sampled_from(["1e400", "nan", "-1", "0", "1_000", "１２３", "1" * 400, "x\ny", "\x1b[2J"])
    | st.integers(-(10**20), 10**20).map(str)
    | st.floats().map(str)
)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(sorted(CLI_FLAGS)), FLAG_VALUES), max_size=4))
def test_fuzzed_command_lines_exit_cleanly(changes):
    args = [*SEED_FLAGS]
    for flag, value in changes:
        args += [flag, value]
    try:
        code = run(args)
    except SystemExit as stop:  # argparse: a bad flag value, one line
        code = stop.code
    assert code in (0, 2, 3, 4)
