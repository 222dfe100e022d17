"""The director's .xlsx: readable without recalculation, safe, and live formulas equal to the engine."""

from __future__ import annotations

import itertools
import json
import random
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest

from sizing_xl import InputError, load_catalog, make_request, size
from sizing_xl.excel.director.sensitivity import (
    axis_contexts,
    axis_loads,
    monthly_sensitivity_loads,
)
from sizing_xl.excel.director.workbook import build_director_workbook, write_director_workbook
from sizing_xl.excel.libreoffice import convert
from sizing_xl.excel.live.model_sheet import INFEASIBLE, LIVE_WORDS, build_live_model_sheet
from sizing_xl.excel.live.values import inputs_pass_check, scenario_values, single_values
from sizing_xl.excel.sheet_names import sheet_title
from sizing_xl.i18n import SCENARIO_TITLES
from sizing_xl.planning.growth import growth_plan
from sizing_xl.records import as_dict
from sizing_xl.scenarios import SCENARIO_NAMES
from tests.conftest import SEED_ARGS

GENERATED_AT = datetime(2026, 2, 8, 13, 14, 57)
ERROR_MARKERS = ("#N/A", "#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#NUM!", "#NULL!", "Err:")


def executive_rows(path) -> dict[str, list]:
    """Executive sheet rows keyed by their column-A label, values as stored (no recalculation)."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    return {row[0].value: [c.value for c in row[1:4]] for row in ws.iter_rows() if row[0].value}


@pytest.fixture(scope="module")
def seed_xlsx(tmp_path_factory, seed_result):
    path = tmp_path_factory.mktemp("director") / "seed.xlsx"
    write_director_workbook(seed_result, path, generated_at=GENERATED_AT)
    return path


def test_executive_sheet_shows_the_seed_figures_without_recalculation(seed_xlsx):
    rows = executive_rows(seed_xlsx)
    assert rows["Nós DGX necessários"] == [2, 3, 5]
    assert rows["Sessões suportadas por nó"] == [629, 629, 584]
    assert [round(v, 2) for v in rows["KV cache por sessão (GiB)"]] == [2.25] * 3
    assert [round(v, 1) for v in rows["Budget efetivo de HBM por nó (GiB)"]] == [1418.0] * 2 + [
        1316.7
    ]
    assert rows["Capacidade após falhas (sessões)"][1] == 1258
    assert rows["CapEx relativo"] == ["Baseline", "+50%", "+150%"]
    texts = " ".join(str(k) for k in rows)
    assert "Gerado em 08/02/2026 13:14:57" in texts  # the date it was generated
    assert "opt-oss-120b" in " ".join(str(v) for vals in rows.values() for v in vals)


def test_english_workbook(tmp_path, seed_result):
    path = tmp_path / "en.xlsx"
    write_director_workbook(seed_result, path, lang="en", generated_at=GENERATED_AT)
    rows = executive_rows(path)
    assert rows["DGX nodes required"] == [2, 3, 5]
    names = [
        "Executive",
        "Model",
        "Sensitivity",
        "Models",
        "Servers",
        "Storage",
        "Dictionary",
        "Calc",
    ]
    assert openpyxl.load_workbook(path).sheetnames == names


def test_workbook_is_macro_free_recalculates_on_load_and_prints_one_page_wide(seed_xlsx):
    with zipfile.ZipFile(seed_xlsx) as z:
        names = z.namelist()
        content_types = z.read("[Content_Types].xml").decode()
        workbook_xml = z.read("xl/workbook.xml").decode()
    assert not [n for n in names if "vba" in n.lower()]
    assert "macroEnabled" not in content_types
    assert 'fullCalcOnLoad="1"' in workbook_xml
    wb = openpyxl.load_workbook(seed_xlsx)
    # a pt-BR file names its sheets in Portuguese, formulas and names following
    assert wb.sheetnames == [
        "Executivo",
        "Modelo",
        "Sensibilidade",
        "Modelos",
        "Servidores",
        "Storage",
        "Dicionário",
        "Cálculos",
    ]
    assert wb["Cálculos"].sheet_state == "hidden"  # the Sensitivity sheet's workings
    ws = wb.worksheets[0]
    assert ws.print_area and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert len(ws._charts) == 1


def test_catalog_text_never_becomes_a_formula(tmp_path):
    evil = '=HYPERLINK("http://example.invalid","x")'
    (tmp_path / "models.json").write_text(
        json.dumps(
            {
                evil: {
                    "num_layers": 4,
                    "num_key_value_heads": 2,
                    "head_dim": 64,
                    "source": "+cmd|' /c calc'!A0",
                    "notes": "@SUM(1+1)",
                }
            }
        )
    )
    catalog = load_catalog([tmp_path])
    result = size(make_request(**{**SEED_ARGS, "model": evil}), catalog)
    path = tmp_path / "evil.xlsx"
    write_director_workbook(result, path, catalog=catalog)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    formulas = re.findall(r"<f>(.*?)</f>", xml)
    assert formulas  # the live model has formulas, none of them carries catalog text
    assert not [f for f in formulas if "HYPERLINK" in f or "/c calc" in f or "SUM(1+1)" in f]
    wb = openpyxl.load_workbook(path)
    models = wb["Modelos"]
    cells = [c for row in models.iter_rows() for c in row if c.value in (evil.lower(), "@SUM(1+1)")]
    assert len(cells) == 2
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert wb.worksheets[1]["B5"].data_type == "s"  # the input cell holds the name as text


def test_existing_file_is_replaced_atomically_with_a_backup(tmp_path, seed_result, monkeypatch):
    path = tmp_path / "board.xlsx"
    path.write_bytes(b"what the director typed")
    backup = write_director_workbook(seed_result, path)
    assert re.fullmatch(r"board\.bak-\d{8}-\d{6}\.xlsx", backup.name)
    assert backup.parent == tmp_path
    assert backup.read_bytes() == b"what the director typed"
    assert zipfile.is_zipfile(path)

    def broken_save(self, filename):  # a crash halfway through writing
        filename.write(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    before = path.read_bytes()
    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_director_workbook(seed_result, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [backup.name, "board.xlsx"]


def test_not_an_xlsx_name_is_refused(tmp_path, seed_result):
    from sizing_xl import InputError

    with pytest.raises(InputError, match=r"expected a \.xlsx file name"):
        write_director_workbook(seed_result, tmp_path / "board.xlsm")


# --- LibreOffice: the live Model sheet recalculated equals the engine -------------------------


def grid_cases() -> list[dict]:
    """The seed case, then 60 cases over models x servers x contexts x precisions x loads."""
    catalog = load_catalog()
    product = list(
        itertools.product(
            sorted(catalog.models),
            sorted(catalog.servers),
            (1, 100, 4096, 32768, 131072, 200000),
            ("fp8", "int8", "fp16", "bf16"),
            (1, 37, 1000, 25000),
            (1, 8),
        )
    )
    rng = random.Random(20261123)
    cases = [dict(SEED_ARGS)]
    for model, server, context, precision, concurrency, tp in rng.sample(product, 56):
        case = dict(
            model=model,
            server=server,
            effective_context=context,
            kv_precision=precision,
            concurrency=concurrency,
            tensor_parallel=tp,
            kv_budget_ratio=rng.choice((0.5, 0.65, 0.7, 0.8, 0.9)),
            peak_headroom_ratio=rng.choice((0.0, 0.1, 0.2, 0.35)),
            runtime_overhead_gib=rng.choice((40.0, 120.0, 200.5)),
        )
        if rng.random() < 0.4:  # the vLLM method, where the weights fit a node
            case |= dict(method="vllm", gpu_memory_utilization=rng.choice((None, 0.85, 0.95)))
            try:
                size(make_request(**case), catalog)
            except InputError:
                case["method"] = "seed"
        cases.append(case)
    # the architectures public calculators get wrong, and a case where no session fits
    cases += [
        dict(model="gpt-oss-20b", server="dgx-h100", effective_context=65536, concurrency=3000),
        dict(
            model="gemma-3-27b",
            server="mi300x-8",
            effective_context=131072,
            kv_precision="bf16",
            concurrency=500,
        ),
        dict(
            model="deepseek-v3",
            server="dgx-b200",
            effective_context=163840,
            concurrency=800,
            tensor_parallel=8,
        ),
        dict(
            model="llama-3.1-405b",
            server="dgx-h100",
            effective_context=131072,
            kv_precision="fp16",
            concurrency=10,
            runtime_overhead_gib=560,
        ),
        dict(  # 4 KV heads held on 8 ranks: 71.7 GiB per session against 67.2 GiB of budget
            model="qwen3-235b-a22b",
            server="dgx-h100",
            effective_context=200000,
            kv_precision="bf16",
            concurrency=50,
            tensor_parallel=8,
            runtime_overhead_gib=500,
        ),
        dict(  # vLLM: a replica over two nodes, nodes in pairs
            model="llama-3.1-405b",
            server="dgx-h100",
            effective_context=32768,
            concurrency=300,
            tensor_parallel=8,
            pipeline_parallel=2,
            method="vllm",
        ),
        dict(  # TP 16 over two nodes: its all-reduces at NCCL's latency across nodes
            model="deepseek-v3",
            server="dgx-h100",
            effective_context=32768,
            concurrency=200,
            tensor_parallel=16,
            min_tokens_per_second=15,
        ),
        dict(  # vLLM: Gemma 3's padded groups, an explicit overhead and block size
            model="gemma-3-27b",
            server="dgx-h200",
            effective_context=65536,
            concurrency=700,
            method="vllm",
            non_weight_overhead_gib=5.5,
            block_size=32,
            max_num_seqs=40,
        ),
        dict(  # Gemma 4: global layers with their own heads (4 x 512), seed method
            model="gemma-4-31b",
            server="dgx-b300",
            effective_context=200000,
            kv_precision="bf16",
            concurrency=300,
        ),
        dict(  # vLLM: Gemma 4's unified pages (32-token blocks in the global layers)
            model="gemma-4-31b",
            server="dgx-b300",
            effective_context=65536,
            concurrency=900,
            tensor_parallel=2,
            method="vllm",
        ),
        dict(  # vLLM: MLA's 64-token blocks; weights sized at fp4 from the parameter count
            model="deepseek-v3",
            server="dgx-b200",
            effective_context=131072,
            concurrency=900,
            tensor_parallel=8,
            method="vllm",
            weights_precision="fp4",
        ),
        dict(  # vLLM refuses gpt-oss-120b as one replica per H100: no session fits
            model="gpt-oss-120b",
            server="dgx-h100",
            effective_context=131072,
            concurrency=100,
            method="vllm",
        ),
        dict(SEED_ARGS, tensor_parallel=8, min_tokens_per_second=150),  # throughput binds
        dict(  # money in reais, an output rate, a chosen cloud offer, a priced node
            model="llama-3.1-70b",
            server="dgx-h100",
            effective_context=8192,
            concurrency=1000,
            tensor_parallel=8,
            output_tokens_per_session_per_hour=20000,
            currency="BRL",
            usd_to_currency=5.4,
            cloud_offer="aws-p5.48xlarge",
            node_price_usd=300000,
            pue=1.2,
            context_fill=0.6,
        ),
        dict(  # the README's example server: no bandwidth, FLOPS or price (a dash, no SLO)
            model="llama-3.1-70b",
            server=README_SERVER,
            effective_context=8192,
            concurrency=400,
            tensor_parallel=8,
            min_tokens_per_second=30,
        ),
        dict(  # the same under vLLM
            model="llama-3.1-70b",
            server=README_SERVER,
            effective_context=32768,
            concurrency=400,
            tensor_parallel=4,
            method="vllm",
        ),
        dict(  # MoE weights at fp4, a TTFT no replica meets: infeasible
            model="qwen3-235b-a22b",
            server="dgx-b200",
            effective_context=32768,
            concurrency=300,
            tensor_parallel=8,
            weights_precision="fp4",
            max_ttft_seconds=0.05,
            prompt_tokens=30000,
        ),
        dict(  # a workload: each prompt's prefill shared over its answer; a TTFT that binds
            model="llama-3.1-70b",
            server="dgx-h100",
            effective_context=8192,
            concurrency=1000,
            tensor_parallel=8,
            max_ttft_seconds=1.0,
            prompt_tokens=4096,
            output_tokens=512,
        ),
        dict(  # an MoE rate SLO met on the tangent of its weights read, at TP 2 (all-reduces)
            model="gpt-oss-120b",
            server="dgx-h100",
            effective_context=16384,
            concurrency=500,
            tensor_parallel=2,
            min_tokens_per_second=60,
            output_tokens=1024,
            method="vllm",
            context_fill=0.5,
        ),
        dict(  # no TP given: the sheet's TP input holds the smallest that starts (2)
            model="llama-3.1-70b",
            server="dgx-h200",
            effective_context=32768,
            concurrency=700,
            kv_precision="fp16",
        ),
        dict(  # a GPU whose fixed costs measure slower (perf.json's factor), both SLOs
            model="qwen3-235b-a22b",
            server="mi300x-8",
            effective_context=8192,
            concurrency=500,
            tensor_parallel=8,
            min_tokens_per_second=15,
            output_tokens=1024,
            max_ttft_seconds=3,
            kv_precision="fp16",
        ),
    ]
    return cases


def expected_values(result) -> tuple[dict, dict]:
    single = single_values(result)
    return single, {name: scenario_values(result, name) for name in SCENARIO_NAMES}


def same(got, want, lang) -> bool:
    if want is None:
        return got == INFEASIBLE[lang]
    if isinstance(want, str):
        return got == want
    if isinstance(got, bool) or not isinstance(got, int | float):
        return False
    return got == pytest.approx(want, rel=1e-12, abs=1e-12)


def same_value(stored, recalculated) -> bool:
    if stored in ("", None) or recalculated in ("", None):
        return stored in ("", None) and recalculated in ("", None)
    if isinstance(stored, int | float) and not isinstance(stored, bool):
        return recalculated == pytest.approx(stored, rel=1e-12, abs=1e-12)
    return stored == recalculated


# The README's own example server entry: no bandwidth, FLOPS, power or price figures
README_SERVER = "my-node"
README_SERVERS = {
    README_SERVER: {
        "vendor": "NVIDIA",
        "family": "HGX",
        "gpu": "H200",
        "gpus_per_node": 8,
        "hbm_per_gpu_gb": 141,
        "source": "datasheet",
    }
}


def catalog_with_readme_server(folder):
    folder.mkdir(exist_ok=True)
    (folder / "servers.json").write_text(json.dumps(README_SERVERS), "utf-8")
    return load_catalog([folder])


@pytest.mark.libreoffice
def test_live_model_recalculated_in_libreoffice_equals_the_engine(tmp_path, soffice):
    catalog = catalog_with_readme_server(tmp_path / "catalog")
    sources, results, langs = [], [], []
    (tmp_path / "in").mkdir()
    for i, args in enumerate(grid_cases()):
        result = size(make_request(**args), catalog)
        lang = ("pt-BR", "en")[i % 2]  # both languages' formulas carry their own words
        path = tmp_path / "in" / f"case{i:03d}.xlsx"
        write_director_workbook(result, path, lang=lang, generated_at=GENERATED_AT, catalog=catalog)
        sources.append(path)
        results.append(result)
        langs.append(lang)
    assert len(sources) >= 51
    recalculated = convert(sources, tmp_path / "out")
    layout = build_live_model_sheet(openpyxl.Workbook(), results[0], "pt-BR")
    checked = refused = sensitivity_checked = 0
    infeasible_langs, methods = set(), set()
    for source, out, result, lang in zip(sources, recalculated, results, langs, strict=True):
        formula_cells = {
            c.coordinate
            for row in openpyxl.load_workbook(source).worksheets[1].iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("=")
        }
        wb = openpyxl.load_workbook(out, data_only=True)
        ws = wb.worksheets[1]
        stored = openpyxl.load_workbook(
            source, data_only=True
        )  # what a non-recalculating viewer shows
        for sheet, ref in [(1, ref) for ref in formula_cells] + [(0, "A4")]:
            kept, got = stored.worksheets[sheet][ref].value, wb.worksheets[sheet][ref].value
            assert same_value(kept, got), f"{source.name} {sheet}!{ref}: {kept!r} != {got!r}"
        sensitivity_checked += check_sensitivity(source, stored, wb, result, lang, catalog)
        single, scenario = expected_values(result)
        where = {
            **{layout.single[q]: want for q, want in single.items()},
            **{
                layout.scenario[n][q]: scenario[n][q]
                for n in SCENARIO_NAMES
                for q in layout.scenario[n]
            },
        }
        assert formula_cells == set(where) | {layout.check, layout.note}, source.name
        max_context = result.model.max_context
        if max_context is not None and result.inputs.effective_context > max_context:
            # the engine sizes it with a critical alert; the sheet refuses it and shows nothing
            assert ws[layout.check].value == LIVE_WORDS[lang]["bad_context"], source.name
            assert all(ws[ref].value in ("", None) for ref in where), source.name
            # no false alarm: the page says the sheet does not recompute it, and why
            line = wb.worksheets[0]["A4"].value
            assert line.startswith("ℹ") and LIVE_WORDS[lang]["bad_context"] in line, source.name
            refused += 1
            continue
        assert ws[layout.check].value == "OK", source.name
        for ref, want in where.items():
            assert same(ws[ref].value, want, lang), (
                f"{source.name} {ref}: {ws[ref].value!r} != {want!r}"
            )
            checked += 1
        if result.scenario("ideal").nodes_final is None:
            infeasible_langs.add(lang)
        methods.add(result.inputs.method)
        for sheet in wb.worksheets:  # no error value anywhere in the workbook
            for row in sheet.iter_rows():
                for c in row:
                    assert not (isinstance(c.value, str) and c.value.startswith(ERROR_MARKERS)), (
                        f"{source.name} {sheet.title}!{c.coordinate}: {c.value}"
                    )
        assert wb.worksheets[0]["A4"].value.startswith("✓"), source.name
    assert infeasible_langs == {"pt-BR", "en"} and checked > 45 * 25 and refused >= 1
    assert methods == {"seed", "vllm"}
    assert sensitivity_checked > 45 * (36 + 8 + 25 * 3)


def check_sensitivity(source, stored, recalculated, result, lang, catalog) -> int:
    """The Sensitivity sheet and its workings: every stored value equals LibreOffice's, and
    each figure equals a single sizing of its point (grid, fp8/fp16) or the growth plan."""
    formulas_wb = openpyxl.load_workbook(source)
    for title in (sheet_title("Sensitivity", lang), sheet_title("Calc", lang)):
        for row in formulas_wb[title].iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    kept, got = (
                        stored[title][c.coordinate].value,
                        recalculated[title][c.coordinate].value,
                    )
                    assert same_value(kept, got), (
                        f"{source.name} {title}!{c.coordinate}: {kept!r} != {got!r}"
                    )
    ws = recalculated[sheet_title("Sensitivity", lang)]
    if not inputs_pass_check(result):
        assert all(ws[f"{c}{r}"].value in ("", None) for c in "BCDEFG" for r in range(6, 12))
        return 0
    request, count = as_dict(result.inputs), 0
    contexts, loads = axis_contexts(result), axis_loads(result)
    for i, context in enumerate(contexts):
        for j, load in enumerate(loads):
            point = {**request, "effective_context": context, "concurrency": load}
            want = size(make_request(**point), catalog).scenario("recommended").nodes_final
            got = ws.cell(row=6 + i, column=2 + j).value
            assert same(got, want, lang), (source.name, context, load, got, want)
            count += 1
    table = next(r for r in range(6, 40) if ws[f"B{r}"].value == "FP8")
    for j, precision in enumerate(("fp8", "fp16")):
        sized = size(make_request(**{**request, "kv_precision": precision}), catalog)
        for i, name in enumerate(SCENARIO_NAMES):
            got = ws.cell(row=table + 1 + i, column=2 + j).value
            assert same(got, sized.scenario(name).nodes_final, lang), (source.name, precision, name)
            count += 1
        kv = ws.cell(row=table + 4, column=2 + j).value
        assert same(kv, sized.scenario("recommended").kv_per_session_gib, lang)
        count += 1
    head = next(
        r for r in range(table, 80) if ws[f"C{r}"].value == SCENARIO_TITLES["minimum"][lang]
    )
    plan = growth_plan(request, monthly_sensitivity_loads(result.inputs.concurrency), catalog)
    for m, month in enumerate(plan.months):
        assert ws[f"B{head + 1 + m}"].value == month.concurrency, (source.name, m)
        for col, name in zip("CDE", SCENARIO_NAMES, strict=True):
            assert same(ws[f"{col}{head + 1 + m}"].value, month.nodes[name], lang), (
                source.name,
                m,
                name,
            )
            count += 1
    return count


@pytest.mark.libreoffice
def test_changing_an_input_recomputes_and_flags_the_snapshot(tmp_path, soffice, seed_result):
    path = tmp_path / "seed.xlsx"
    write_director_workbook(seed_result, path, generated_at=GENERATED_AT)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[1]["B10"] = "fp16"  # in_precision
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    (out,) = convert([edited], tmp_path / "out")
    recalculated = openpyxl.load_workbook(out, data_only=True)
    layout = build_live_model_sheet(openpyxl.Workbook(), seed_result, "pt-BR")
    fp16 = size(make_request(**SEED_ARGS, kv_precision="fp16"))
    for name in SCENARIO_NAMES:
        cell = layout.scenario[name]["nodes_final"]
        assert recalculated.worksheets[1][cell].value == fp16.scenario(name).nodes_final
    assert recalculated.worksheets[0]["A4"].value.startswith("⚠")


def test_building_the_workbook_does_not_need_a_file(seed_result):
    wb = build_director_workbook(seed_result, generated_at=GENERATED_AT)
    assert wb.worksheets[1]["B5"].value == "opt-oss-120b"


@pytest.mark.libreoffice
def test_live_model_inputs_that_would_mislead_show_their_message(tmp_path, soffice, seed_result):
    """A wildcard name, spaces around a name, an unknown model, a context past the model's
    maximum, a weights precision the engine refuses: the check names the fault and no result
    cell shows a number or an error. A concurrency that changes no node count, or a weights
    precision the engine sizes by parameters, still marks the snapshot as differing, in red."""
    path = tmp_path / "seed.xlsx"
    write_director_workbook(seed_result, path, generated_at=GENERATED_AT, lang="en")
    layout = build_live_model_sheet(openpyxl.Workbook(), seed_result, "en")
    model, context, concurrency, precision = (
        layout.inputs[f] for f in ("model", "effective_context", "concurrency", "weights_precision")
    )
    cases = {
        "star": {model: "*", "words": LIVE_WORDS["en"]["bad_model"]},
        "question": {model: "opt-oss-120?", "words": LIVE_WORDS["en"]["bad_model"]},
        "spaces": {model: "opt-oss-120b  ", "words": LIVE_WORDS["en"]["bad_model"]},
        "unknown": {model: "no-such-model", "words": LIVE_WORDS["en"]["bad_model"]},
        "above_max": {context: 262144, "words": LIVE_WORDS["en"]["bad_context"]},
        "same_nodes": {concurrency: 1040, "words": "OK"},
        "no_weight_size": {precision: "fp3", "words": LIVE_WORDS["en"]["bad_weights_prec"]},
        "fp8_weights": {precision: "fp8", "words": "OK"},  # params x 1 byte, not the MXFP4 size
    }
    sources = []
    for name, case in cases.items():
        wb = openpyxl.load_workbook(path)
        for ref, value in case.items():
            if ref != "words":
                wb.worksheets[1][ref] = value
        sources.append(tmp_path / f"{name}.xlsx")
        wb.save(sources[-1])
    results = [ref for n in SCENARIO_NAMES for ref in layout.scenario[n].values()]
    for (name, case), out in zip(cases.items(), convert(sources, tmp_path / "out"), strict=True):
        wb = openpyxl.load_workbook(out, data_only=True)
        ws = wb.worksheets[1]
        assert ws[layout.check].value == case["words"], name
        if name == "same_nodes":  # the same 2 / 3 / 5 nodes, from another input
            assert [ws[layout.scenario[n]["nodes_final"]].value for n in SCENARIO_NAMES] == [
                2,
                3,
                5,
            ]
        elif name == "fp8_weights":
            fp8 = size(make_request(**SEED_ARGS, weights_precision="fp8"))
            assert ws[layout.single["weights_gib"]].value == pytest.approx(
                fp8.deployment.weights.gib, rel=1e-12
            )
            ttft = ws[layout.scenario["recommended"]["ttft_seconds"]].value
            assert ttft == pytest.approx(fp8.scenario("recommended").throughput.ttft_seconds)
        else:
            assert all(ws[ref].value in ("", None) for ref in results), name
        assert wb.worksheets[0]["A4"].value.startswith("⚠"), name
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    assert not (isinstance(c.value, str) and c.value.startswith(ERROR_MARKERS)), (
                        f"{name} {sheet.title}!{c.coordinate}: {c.value}"
                    )
    rules = openpyxl.load_workbook(path).worksheets[0].conditional_formatting
    assert any("A4" in str(r.sqref) for r in rules)  # "differs" in red


def test_a_pt_br_workbook_writes_numbers_in_text_the_brazilian_way(tmp_path, seed_result):
    texts = {}
    for lang in ("pt-BR", "en"):
        path = tmp_path / f"{lang}.xlsx"
        write_director_workbook(seed_result, path, lang=lang, generated_at=GENERATED_AT)
        ws = openpyxl.load_workbook(path).worksheets[0]
        texts[lang] = " | ".join(
            c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)
        )
    pt, en = texts["pt-BR"], texts["en"]
    for want in ("1.000 sessões", "131.072 tokens", "2.304 GB HBM", "P99 0,15 ms"):
        assert want in pt, want
    assert not re.search(r"(?<![\w.-])\d{1,3},\d{3}(?![\d,])", pt)  # no "1,000" left
    assert "opt-oss-120b" in pt and "1,000 sessions" in en and "2,304 GB HBM" in en


def test_an_infeasible_scenario_is_named_on_the_chart_and_no_empty_chart_is_drawn(tmp_path):
    """No bar for an infeasible scenario: the chart title names it; with none feasible, a
    sentence stands where the chart would be."""
    base = {**SEED_ARGS, "model": "llama-3.1-405b", "kv_precision": "fp16"}
    for overhead, lang, charts in ((2052, "en", 1), (2100, "pt-BR", 0)):
        result = size(make_request(**base, runtime_overhead_gib=overhead))
        infeasible = [n for n in SCENARIO_NAMES if result.scenario(n).nodes_final is None]
        assert infeasible == (["ideal"] if charts else list(SCENARIO_NAMES))
        path = tmp_path / f"{overhead}.xlsx"
        write_director_workbook(result, path, lang=lang, generated_at=GENERATED_AT)
        ws = openpyxl.load_workbook(path).worksheets[0]
        with zipfile.ZipFile(path) as z:
            chart_xml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
        titles = [x for x in chart_xml if "Nodes per scenario" in x or "Nós por cenário" in x]
        assert len(titles) == charts
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        if charts:
            assert "infeasible, no bar: Ideal" in titles[0]
        else:
            assert any(t.startswith("Nenhum cenário é viável") for t in texts)


@pytest.mark.libreoffice
def test_the_workbook_prints_like_a_report(tmp_path, soffice, seed_result):
    """Each catalog at most two pages wide (about 7 pt; one page wide shrank the Models sheet
    to about 4 pt), its header row and name column repeated, rows as tall as their text: the
    whole workbook prints on sixteen pages (the Model sheet five of them) in each language, the Sensitivity sheet one of them."""
    sources = []
    for lang in ("pt-BR", "en"):
        sources.append(tmp_path / f"{lang}.xlsx")
        write_director_workbook(seed_result, sources[-1], lang=lang, generated_at=GENERATED_AT)
        wb = openpyxl.load_workbook(sources[-1])
        for ws in wb.worksheets[3:6]:  # the catalogs
            assert ws.page_setup.fitToWidth <= 2 and ws.print_title_rows == "$1:$1", ws.title
            assert ws.print_title_cols == "$A:$A", ws.title
        dictionary = wb.worksheets[6]
        wrapped = [
            r for r in range(4, dictionary.max_row + 1) if len(dictionary[f"C{r}"].value) > 80
        ]
        assert wrapped and all(dictionary.row_dimensions[r].height >= 30 for r in wrapped)
    for pdf in convert(sources, tmp_path / "pdf", target="pdf"):
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
        assert pages == 16, (pdf.name, pages)


def test_a_server_without_bandwidth_or_flops_still_gets_its_workbook(tmp_path):
    """The README's example server names no bandwidth, FLOPS or price: the workbook is written,
    and the figures that need them show a dash instead of a number or a crash."""
    from sizing_xl.excel.live.values import scenario_values, single_values

    catalog = catalog_with_readme_server(tmp_path / "catalog")
    result = size(
        make_request(
            model="llama-3.1-70b",
            server=README_SERVER,
            concurrency=400,
            effective_context=8192,
            tensor_parallel=8,
        ),
        catalog,
    )
    path = tmp_path / "board.xlsx"
    write_director_workbook(result, path, generated_at=GENERATED_AT, catalog=catalog)
    assert path.is_file()
    single = single_values(result)
    assert single["prefill_tflops"] == single["prefill_ms"] == single["weights_ms"] == "—"
    assert single["hbm_bandwidth_tbps_per_gpu"] == 0
    column = scenario_values(result, "recommended")
    assert column["tokens_per_second_per_session"] == column["ttft_seconds"] == "—"
    assert column["throughput_sessions_per_replica"] == column["memory_sessions_per_replica"]


# The README's own catalog example: a model entry without weights fields
README_MODELS = {
    "my-model-70b": {
        "num_layers": 80,
        "num_attention_heads": 64,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "attention_pattern": "full",
        "max_context": 131072,
        "source": "config.json of my-org/my-model-70b",
    }
}


def readme_catalog(folder):
    """The packaged catalog with the README's example server and weightless model."""
    catalog_with_readme_server(folder)
    (folder / "models.json").write_text(json.dumps(README_MODELS), "utf-8")
    return load_catalog([folder])


@pytest.mark.libreoffice
def test_no_false_alarm_where_the_live_sheet_cannot_recompute_the_sizing(tmp_path, soffice):
    """A model without weights under the seed method: the live Model sheet computes the seed's
    figures (the rows that need the weights show a dash, a note says why) and the Executive
    page says they match. An SGLang sizing: the sheet refuses it (it says why) and the page
    says it does not recompute this sizing (ℹ, not red). Either way a changed input raises ⚠,
    and the vLLM method on the weightless model names the missing weights."""
    catalog = readme_catalog(tmp_path / "catalog")
    cases = {
        "no_weights": dict(
            model="my-model-70b", server="dgx-h100", concurrency=100, effective_context=8192
        ),
        "sglang": dict(SEED_ARGS, method="sglang"),
    }
    layout = build_live_model_sheet(
        openpyxl.Workbook(), size(make_request(**SEED_ARGS), catalog), "en"
    )
    sources, mark = [], {"no_weights": "✓", "sglang": "ℹ"}
    for name, args in cases.items():
        result = size(make_request(**args), catalog)
        path = tmp_path / f"{name}.xlsx"
        write_director_workbook(result, path, lang="en", generated_at=GENERATED_AT, catalog=catalog)
        stored = openpyxl.load_workbook(path, data_only=True).worksheets[0]["A4"].value
        assert stored.startswith(mark[name]), (name, stored)
        edited = openpyxl.load_workbook(path)
        edited.worksheets[1]["B8"] = args["concurrency"] + 1  # in_concurrency
        edited.save(tmp_path / f"{name}-edited.xlsx")
        sources += [path, tmp_path / f"{name}-edited.xlsx"]
    vllm = openpyxl.load_workbook(sources[0])
    vllm.worksheets[1][layout.inputs["method"]] = "vllm"
    vllm.save(tmp_path / "no_weights-vllm.xlsx")
    out = convert([*sources, tmp_path / "no_weights-vllm.xlsx"], tmp_path / "out")
    for name, (kept, edited) in zip(cases, zip(out[:4:2], out[1:4:2], strict=True), strict=True):
        wb = openpyxl.load_workbook(kept, data_only=True)
        line = wb.worksheets[0]["A4"].value
        assert line.startswith(mark[name]), (name, line)
        if name == "sglang":
            assert "does not recompute" in line
        else:
            ws = wb.worksheets[1]
            assert ws[layout.note].value == LIVE_WORDS["en"]["no_weights"]
            assert ws[layout.single["weights_gib"]].value == "—"
            assert [ws[layout.scenario[n]["nodes_final"]].value for n in SCENARIO_NAMES] == [
                1,
                2,
                3,
            ]
        changed = openpyxl.load_workbook(edited, data_only=True).worksheets[0]["A4"].value
        assert changed.startswith("⚠"), (name, changed)
    refused = openpyxl.load_workbook(out[4], data_only=True)
    assert refused.worksheets[1][layout.check].value == LIVE_WORDS["en"]["bad_weights"]
    assert refused.worksheets[1][layout.single["weights_gib"]].value in ("", None)
    assert refused.worksheets[0]["A4"].value.startswith("⚠")
    rules = openpyxl.load_workbook(sources[0]).worksheets[0].conditional_formatting
    (rule,) = [r for f in rules for r in f.rules]
    assert rule.formula == ['LEFT(A4,1)="⚠"']  # red for an alarm only
