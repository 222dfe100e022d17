"""A pt-BR face is pt-BR throughout: the catalogs' phrases and headers, the storage line.

The bug this prevents: 'no public price found: NVIDIA publishes no DGX list price …' and
"Uptime Institute's 2023 average …" printed verbatim in the middle of a pt-BR report.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import openpyxl
import pytest

from sizing_xl import load_catalog, make_request, size
from sizing_xl.excel.columns import CATALOG_SHEETS as CATALOG_SHEETS_COLUMNS
from sizing_xl.excel.director.workbook import build_director_workbook, write_director_workbook
from sizing_xl.excel.sheet_names import sheet_title
from sizing_xl.i18n import localize_numbers
from sizing_xl.reports.catalog_phrases import PT_BR, SHOWN_FIELDS, catalog_text
from sizing_xl.reports.executive import render_executive_report
from sizing_xl.reports.text import describe_model, render_text_report
from tests.conftest import REPO, SEED_ARGS

GENERATED_AT = datetime(2026, 2, 8, 13, 14, 57)
CATALOG_SHEETS = ("Modelos", "Servidores", "Storage")  # the catalogs' data, shown as data


def packaged(file: str) -> dict:
    return json.loads((REPO / "catalogs" / file).read_text(encoding="utf-8"))


def shown_texts() -> set[str]:
    """Every packaged value of a field a pt-BR face prints."""
    return {
        entry[field]
        for file, fields in SHOWN_FIELDS.items()
        for entry in packaged(file).values()
        for field in fields
        if isinstance(entry, dict) and isinstance(entry.get(field), str)
    }


def prose(obj) -> set[str]:
    """Every catalog string long enough to be a phrase, at any depth (names are names)."""
    if isinstance(obj, dict):
        values = [v for k, v in obj.items() if k != "display_name"]
        return set().union(*(prose(v) for v in values)) if values else set()
    if isinstance(obj, list):
        return set().union(*(prose(v) for v in obj)) if obj else set()
    return {obj} if isinstance(obj, str) and len(obj) > 20 and " " in obj else set()


def test_every_catalog_phrase_a_pt_br_face_prints_has_a_rendering():
    missing = sorted(shown_texts() - PT_BR.keys())
    assert not missing, "give these catalog phrases a pt-BR rendering in catalog_phrases.py"


def test_no_rendering_is_left_without_its_phrase(catalog):
    priced = size(make_request(**SEED_ARGS, node_price_usd=400_000), catalog)
    engine_phrases = {priced.finance.price_source} | {
        figure["source"]
        for figure in size(make_request(**SEED_ARGS, pue=1.3), catalog).finance.assumptions.values()
    }
    assert "given as --node-price-usd" in engine_phrases and "given as a flag" in engine_phrases
    assert set(PT_BR) - shown_texts() - engine_phrases == set()


def test_an_analysts_phrase_with_no_rendering_is_shown_as_written(tmp_path):
    server = {**packaged("servers.json")["dgx200"], "price_source": "quote from ACME, 2026-Q3"}
    (tmp_path / "servers.json").write_text(json.dumps({"acme-h200": server}))
    catalog = load_catalog([tmp_path])
    result = size(make_request(**{**SEED_ARGS, "server": "acme-h200"}), catalog)
    assert "(quote from ACME, 2026-Q3, 2026)" in render_executive_report(result)
    assert catalog_text("quote from ACME, 2026-Q3", "pt-BR") == "quote from ACME, 2026-Q3"


def pt_br_faces(result, tmp_path) -> dict[str, str]:
    """The executive report, the text report and the workbook's own sheets, as text."""
    path = tmp_path / "pt.xlsx"
    write_director_workbook(result, path, generated_at=GENERATED_AT)
    wb = openpyxl.load_workbook(path)
    sheets = {
        ws.title: "\n".join(
            str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)
        )
        for ws in wb.worksheets
        if ws.title not in CATALOG_SHEETS
    }
    return {
        "executive report": render_executive_report(result, generated_at=GENERATED_AT),
        "text report": render_text_report(result),
        **sheets,
    }


@pytest.mark.parametrize(
    "args",
    [
        {},  # no public price for the node
        {"server": "dgx200", "cloud_offer": "aws-p5en.48xlarge"},  # a price, an offer, an API
        {"server": "dgx-b200", "cloud_offer": "aws-p6-b200.48xlarge"},  # a capacity block
    ],
    ids=["unpriced", "priced", "capacity-block"],
)
def test_a_pt_br_face_prints_no_english_catalog_phrase(args, catalog, tmp_path):
    request = {**SEED_ARGS, **args, "output_tokens_per_session_per_hour": 20_000}
    result = size(make_request(**request), catalog)
    # a catalog phrase printed as written is a bare citation, the same in every language
    allowed = {text for text, pt in PT_BR.items() if pt == text}
    phrases = set().union(*(prose(packaged(f.name)) for f in (REPO / "catalogs").glob("*.json")))
    for face, text in pt_br_faces(result, tmp_path).items():
        leaked = [p for p in phrases - allowed if p in text or localize_numbers(p, "pt-BR") in text]
        assert not leaked, f"{face}: {leaked}"
    report = render_executive_report(result, generated_at=GENERATED_AT)
    assert "sob demanda" in report or "bloco de capacidade" in report or "nenhum preço" in report


def test_the_storage_figures_read_in_portuguese(seed_result, tmp_path):
    faces = pt_br_faces(seed_result, tmp_path)
    assert "(28 GB/s de leitura, P99=0,15 ms)" in faces["Executivo"]  # the long-context alert
    assert "profile_default (28 GB/s de leitura, P99 0,15 ms)" in faces["Executivo"]
    assert "profile_default — 28 GB/s de leitura, P99 0.15 ms" in faces["text report"]
    assert not [face for face, text in faces.items() if "GB/s read" in text]


@pytest.mark.parametrize("lang", ["pt-BR", "en"])
def test_the_catalog_sheets_are_headed_by_labels_in_the_files_language(lang, seed_result):
    wb = build_director_workbook(seed_result, lang=lang, generated_at=GENERATED_AT)
    english = build_director_workbook(seed_result, lang="en", generated_at=GENERATED_AT)
    for sheet, columns in CATALOG_SHEETS_COLUMNS.items():
        title = sheet_title(sheet, lang)
        headers = [c.value for c in wb[title][1]]
        assert len(headers) == len(columns)
        for header, field in zip(headers, columns, strict=True):
            label = header.removesuffix(f" ({field})")
            assert label != header and label and "_" not in label, header
        if lang == "pt-BR":  # its own words, not the English file's
            theirs = [c.value for c in english[sheet][1]]
            assert sum(a != b for a, b in zip(headers, theirs, strict=True)) > len(columns) / 2
    assert [c.value for c in wb[sheet_title("Models", lang)][1]][:2] == (
        ["Nome (name)", "Tipo de atenção (attention_type)"]
        if lang == "pt-BR"
        else ["Name (name)", "Attention type (attention_type)"]
    )


def test_the_model_line_is_portuguese_in_pt_br_and_unchanged_in_english(catalog):
    """The text report's and the workbook's 'Modelo:' line: no 'full', 'sliding', 'KV heads'."""
    sliding_only = replace(catalog.model("gemma-3-27b"), attention_pattern="sliding")
    for model in [*catalog.models.values(), sliding_only]:
        pt = describe_model(model, "pt-BR")
        assert pt.startswith(f"{model.num_layers} camadas (")
        for english in ("full", "sliding", "KV heads", "layers", "window", "max"):
            assert english not in pt, (model.name, pt)
    gemma4 = catalog.model("gemma-4-31b")
    assert describe_model(gemma4, "pt-BR") == (
        "60 camadas (10 de atenção completa + 50 deslizantes, janela de 1024), 16 cabeças KV × "
        "256 (nas de atenção completa: 4 × 512), contexto máximo de 262,144 tokens"
    )
    assert describe_model(gemma4, "en") == (
        "60 layers (10 full + 50 sliding, window 1024), 16 KV heads × 256 (full: 4 × 512), "
        "max 262,144 tokens"
    )
    assert describe_model(sliding_only, "pt-BR").startswith("62 camadas (deslizantes, janela de")
    deepseek = catalog.model("deepseek-v3")
    assert describe_model(deepseek, "pt-BR") == (
        "61 camadas (atenção completa), MLA 512+64, contexto máximo de 163,840 tokens"
    )


def test_the_text_report_names_the_model_in_portuguese(catalog):
    report = render_text_report(size(make_request(**SEED_ARGS), catalog), lang="pt-BR")
    line = next(x for x in report.splitlines() if x.strip().startswith("Modelo:"))
    assert "cabeças KV" in line and "sliding" not in line and "máx." not in line
