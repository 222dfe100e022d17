"""The live Model sheet: native Excel formulas that mirror sizing_xl.engine, cell for cell.

Only functions that Excel 2016+ and LibreOffice 7.4 both evaluate (INDEX/MATCH, IF, AND/OR,
ISNA/ISBLANK/ISNUMBER, MIN/MAX, INT, ROUND, ROUNDUP, TRIM); no UDFs and no macros, so a person
without Python can change an input and watch the three scenarios recompute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.excel.cells import (
    BOLD,
    NOTE_FONT,
    RESULT_FILL,
    SECTION_FONT,
    TITLE_FONT,
    WRAP,
    define_name,
    header_row,
    print_landscape_fit_width,
    put,
    put_formula,
    set_widths,
    style_input,
)
from sizing_xl.excel.sheets import column_letter
from sizing_xl.i18n import SCENARIO_TITLES, Lang
from sizing_xl.scenarios import HA_SPARES, SCENARIO_NAMES, SizingRequest
from sizing_xl.units import BYTES_PER_GB, BYTES_PER_GIB, KV_PRECISIONS

SHEET = "Model"
SCENARIO_COLUMNS = dict(zip(SCENARIO_NAMES, "BCD", strict=True))
INFEASIBLE = {"pt-BR": "inviável", "en": "infeasible"}

# (defined name, request field, number format)
INPUTS: tuple[tuple[str, str, str], ...] = (
    ("in_model", "model", "@"),
    ("in_server", "server", "@"),
    ("in_storage", "storage", "@"),
    ("in_concurrency", "concurrency", "#,##0"),
    ("in_context", "effective_context", "#,##0"),
    ("in_precision", "kv_precision", "@"),
    ("in_budget_ratio", "kv_budget_ratio", "0%"),
    ("in_overhead_gib", "runtime_overhead_gib", "#,##0.0"),
    ("in_headroom", "peak_headroom_ratio", "0%"),
    ("in_tp", "tensor_parallel", "0"),
)

_LABELS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "title": "Modelo vivo — fórmulas nativas",
        "hint": "Altere as células amarelas: os três cenários recalculam no Excel ou no "
        "LibreOffice, sem macros. As demais células são fórmulas (planilha protegida sem senha).",
        "inputs": "ENTRADAS",
        "check": "Verificação das entradas",
        "arch": "ARQUITETURA E SERVIDOR (lidos das planilhas de catálogo)",
        "scenarios": "CENÁRIOS",
        "model": "Modelo",
        "server": "Servidor",
        "storage": "Storage",
        "concurrency": "Concorrência (sessões)",
        "effective_context": "Contexto efetivo (tokens)",
        "kv_precision": "Precisão KV",
        "kv_budget_ratio": "Budget de KV (fração da HBM)",
        "runtime_overhead_gib": "Overhead de runtime (GiB)",
        "peak_headroom_ratio": "Headroom para picos (Recomendado)",
        "tensor_parallel": "Tensor parallel (GPUs por réplica)",
        "ok": "OK",
        "bad_model": "Modelo desconhecido: veja a planilha Models",
        "bad_server": "Servidor desconhecido: veja a planilha Servers",
        "bad_storage": "Storage desconhecido: veja a planilha Storage",
        "bad_precision": "Precisão KV: use fp8, int8, fp16 ou bf16",
        "bad_number": "Concorrência, contexto e TP devem ser ≥ 1; budget entre 0 e 1; overhead "
        "e headroom ≥ 0",
        "metric": "Métrica",
        "policy_spares": "Nós de HA (política)",
        "policy_headroom": "Headroom da política (vazio = segue a entrada)",
        "policy_budget": "Budget da política (vazio = segue a entrada)",
        "policy_stricter": "Nunca menos estrito que a entrada",
    },
    "en": {
        "title": "Live model — native formulas",
        "hint": "Change the yellow cells: the three scenarios recompute in Excel or LibreOffice, "
        "with no macros. Every other cell is a formula (the sheet is protected, no password).",
        "inputs": "INPUTS",
        "check": "Input check",
        "arch": "ARCHITECTURE AND SERVER (read from the catalog sheets)",
        "scenarios": "SCENARIOS",
        "model": "Model",
        "server": "Server",
        "storage": "Storage",
        "concurrency": "Concurrency (sessions)",
        "effective_context": "Effective context (tokens)",
        "kv_precision": "KV precision",
        "kv_budget_ratio": "KV budget (fraction of HBM)",
        "runtime_overhead_gib": "Runtime overhead (GiB)",
        "peak_headroom_ratio": "Peak headroom (Recommended)",
        "tensor_parallel": "Tensor parallel (GPUs per replica)",
        "ok": "OK",
        "bad_model": "Unknown model: see the Models sheet",
        "bad_server": "Unknown server: see the Servers sheet",
        "bad_storage": "Unknown storage: see the Storage sheet",
        "bad_precision": "KV precision: use fp8, int8, fp16 or bf16",
        "bad_number": "Concurrency, context and TP must be ≥ 1; budget between 0 and 1; "
        "overhead and headroom ≥ 0",
        "metric": "Metric",
        "policy_spares": "HA nodes (policy)",
        "policy_headroom": "Policy headroom (blank = follow the input)",
        "policy_budget": "Policy budget (blank = follow the input)",
        "policy_stricter": "Never less strict than the input",
    },
}


def _lookup(sheet: str, field: str, key: str) -> str:
    col = column_letter(sheet, field)
    return f"INDEX({sheet}!${col}:${col},MATCH(TRIM({key}),{sheet}!$A:$A,0))"


# Architecture and server rows, top to bottom. Quantities name ModelSpec / ServerSpec fields or
# engine intermediates; the tests compare each with the engine.
ARCHITECTURE_QUANTITIES: tuple[str, ...] = (
    "attention_type",
    "attention_pattern",
    "num_layers",
    "sliding_layers",
    "full_layers",
    "sliding_window",
    "num_key_value_heads",
    "head_dim",
    "kv_lora_rank",
    "qk_rope_head_dim",
    "gpus_per_node",
    "hbm_per_gpu_gb",
    "hbm_total_bytes",
    "bytes_per_element",
    "kv_elements_per_token_layer",
    "cached_token_layers",
    "kv_per_session_bytes",
)


def _architecture_rows(cells: dict[str, str]) -> list[tuple[str, str, str]]:
    """(quantity, label, formula) for each ARCHITECTURE_QUANTITIES row, given every row's cell."""
    c = cells
    return [
        ("attention_type", "attention_type", "=" + _lookup("Models", "attention_type", "in_model")),
        (
            "attention_pattern",
            "attention_pattern",
            "=" + _lookup("Models", "attention_pattern", "in_model"),
        ),
        ("num_layers", "num_layers", "=" + _lookup("Models", "num_layers", "in_model")),
        (
            "sliding_layers",
            "sliding_layers",
            f'=IF({c["attention_pattern"]}="sliding",{c["num_layers"]},'
            f'IF({c["attention_pattern"]}="hybrid",'
            + _lookup("Models", "num_sliding_layers", "in_model")
            + ",0))",
        ),
        ("full_layers", "full_layers", f"={c['num_layers']}-{c['sliding_layers']}"),
        ("sliding_window", "sliding_window", "=" + _lookup("Models", "sliding_window", "in_model")),
        (
            "num_key_value_heads",
            "num_key_value_heads",
            "=" + _lookup("Models", "num_key_value_heads", "in_model"),
        ),
        ("head_dim", "head_dim", "=" + _lookup("Models", "head_dim", "in_model")),
        ("kv_lora_rank", "kv_lora_rank", "=" + _lookup("Models", "kv_lora_rank", "in_model")),
        (
            "qk_rope_head_dim",
            "qk_rope_head_dim",
            "=" + _lookup("Models", "qk_rope_head_dim", "in_model"),
        ),
        ("gpus_per_node", "gpus_per_node", "=" + _lookup("Servers", "gpus_per_node", "in_server")),
        (
            "hbm_per_gpu_gb",
            "hbm_per_gpu_gb (GB)",
            "=" + _lookup("Servers", "hbm_per_gpu_gb", "in_server"),
        ),
        (
            "hbm_total_bytes",
            "HBM total (bytes)",
            f"={c['gpus_per_node']}*{c['hbm_per_gpu_gb']}*{BYTES_PER_GB}",
        ),
        (
            "bytes_per_element",
            "bytes/element",
            '=IF(OR(in_precision="fp16",in_precision="bf16"),2,'
            'IF(OR(in_precision="fp8",in_precision="int8"),1,NA()))',
        ),
        (
            "kv_elements_per_token_layer",
            "KV elements / token·layer",
            f'=IF({c["attention_type"]}="mla",({c["kv_lora_rank"]}+{c["qk_rope_head_dim"]})*in_tp,'
            f"2*ROUNDUP({c['num_key_value_heads']}/in_tp,0)*in_tp*{c['head_dim']})",
        ),
        (
            "cached_token_layers",
            "token·layers cached / session",
            f"={c['full_layers']}*in_context+{c['sliding_layers']}*MIN({c['sliding_window']},in_context)",
        ),
        (
            "kv_per_session_bytes",
            "KV / session (bytes)",
            f"={c['cached_token_layers']}*{c['kv_elements_per_token_layer']}*{c['bytes_per_element']}",
        ),
    ]


# Scenario rows: (quantity, label, number format, formula). In a formula "X{row_name}" stands
# for the same scenario's cell in that row: column B, C or D, row looked up by name.
def _scenario_rows(c: dict[str, str], lang: Lang) -> list[tuple[str, str, str, str]]:
    gib = BYTES_PER_GIB
    budget = f"MAX(0,{c['hbm_total_bytes']}-in_overhead_gib*{gib})*X{{kv_budget_ratio}}"
    kv = c["kv_per_session_bytes"]
    pt = lang == "pt-BR"
    nope = f'"{INFEASIBLE[lang]}"'
    return [
        (
            "peak_headroom_ratio",
            "Headroom usado" if pt else "Headroom used",
            "0%",
            "=IF(X{policy_stricter},MAX(IF(ISBLANK(X{policy_headroom}),in_headroom,"
            "X{policy_headroom}),in_headroom),IF(ISBLANK(X{policy_headroom}),in_headroom,"
            "X{policy_headroom}))",
        ),
        (
            "kv_budget_ratio",
            "Budget usado" if pt else "Budget used",
            "0%",
            "=IF(X{policy_stricter},MIN(IF(ISBLANK(X{policy_budget}),in_budget_ratio,"
            "X{policy_budget}),in_budget_ratio),IF(ISBLANK(X{policy_budget}),in_budget_ratio,"
            "X{policy_budget}))",
        ),
        (
            "kv_per_session_gib",
            "KV por sessão (GiB)" if pt else "KV per session (GiB)",
            "0.00",
            f"={kv}/{gib}",
        ),
        (
            "kv_total_gib",
            "KV total (GiB)" if pt else "Total KV (GiB)",
            "#,##0.0",
            f"={kv}*in_concurrency/{gib}",
        ),
        ("hbm_total_gib", "HBM total (GiB)", "#,##0.0", f"={c['hbm_total_bytes']}/{gib}"),
        (
            "hbm_budget_gib",
            "Budget de HBM por nó (GiB)" if pt else "HBM budget per node (GiB)",
            "#,##0.0",
            f"={budget}/{gib}",
        ),
        (
            "sessions_per_node",
            "Sessões por nó" if pt else "Sessions per node",
            "#,##0",
            f"=INT(ROUND({budget}/{kv},6))",
        ),
        (
            "peak_sessions",
            "Sessões no pico" if pt else "Peak sessions",
            "#,##0.##",
            "=ROUND(in_concurrency*(1+X{peak_headroom_ratio}),6)",
        ),
        (
            "nodes_operational",
            "Nós operacionais" if pt else "Operational nodes",
            "#,##0",
            f"=IF(X{{sessions_per_node}}=0,{nope},ROUNDUP(X{{peak_sessions}}/X{{sessions_per_node}},0))",
        ),
        (
            "nodes_final",
            "Nós finais" if pt else "Final nodes",
            "#,##0",
            f"=IF(ISNUMBER(X{{nodes_operational}}),X{{nodes_operational}}+X{{policy_spares}},{nope})",
        ),
        (
            "capacity_after_failures_sessions",
            "Capacidade após falhas (sessões)" if pt else "Capacity after failures (sessions)",
            "#,##0",
            "=IF(ISNUMBER(X{nodes_operational}),X{nodes_operational}*X{sessions_per_node},"
            f"{nope})",
        ),
    ]


@dataclass
class LiveModelCells:
    """Where each quantity lives on the Model sheet, for the Executive sheet and the tests."""

    single: dict[str, str] = field(default_factory=dict)  # quantity -> "B30"
    scenario: dict[str, dict[str, str]] = field(default_factory=dict)  # scenario -> quantity -> ref
    check: str = ""


def build_live_model_sheet(wb: Workbook, request: SizingRequest, lang: Lang) -> LiveModelCells:
    """Inputs set to the request's values, the catalog look-ups, and the three scenarios."""
    ws = wb.create_sheet(SHEET)
    words = _LABELS[lang]
    cells = LiveModelCells()
    put(ws, "A1", words["title"], font=TITLE_FONT)
    put(ws, "A2", words["hint"], font=NOTE_FONT)
    put(ws, "A4", words["inputs"], font=SECTION_FONT)
    refs, row = write_inputs(wb, ws, request, lang, first_row=5)
    cells.single.update(refs)
    check = f"B{row}"
    cells.check = check
    put(ws, f"A{row}", words["check"], font=BOLD)
    put_formula(ws, check, _check_formula(words), font=BOLD)
    row += 2

    put(ws, f"A{row}", words["arch"], font=SECTION_FONT)
    row += 1
    refs = cells.single
    for offset, quantity in enumerate(ARCHITECTURE_QUANTITIES):
        refs[quantity] = f"B{row + offset}"
    rows_arch = _architecture_rows(refs)
    assert tuple(q for q, _, _ in rows_arch) == ARCHITECTURE_QUANTITIES
    for quantity, label, formula in rows_arch:
        put(ws, f"A{refs[quantity][1:]}", label)
        put_formula(ws, refs[quantity], formula, number_format="#,##0")
    row += len(ARCHITECTURE_QUANTITIES) + 1

    put(ws, f"A{row}", words["scenarios"], font=SECTION_FONT)
    row += 1
    header_row(ws, row, 1, [words["metric"], *(SCENARIO_TITLES[n][lang] for n in SCENARIO_NAMES)])
    row += 1
    policy_rows = {}
    for key in ("policy_spares", "policy_headroom", "policy_budget", "policy_stricter"):
        policy_rows[key] = row
        put(ws, f"A{row}", words[key], font=NOTE_FONT)
        for name, col in SCENARIO_COLUMNS.items():
            policy = request.policies[name]
            value = {
                "policy_spares": HA_SPARES[policy.ha_mode],
                "policy_headroom": policy.peak_headroom_ratio,
                "policy_budget": policy.kv_budget_ratio,
                "policy_stricter": policy.follow_stricter_request,
            }[key]
            cell = put(
                ws,
                f"{col}{row}",
                value,
                number_format="0%" if key in ("policy_headroom", "policy_budget") else "General",
            )
            style_input(cell)
        row += 1
    rows = _scenario_rows(refs, lang)
    row_of = {**policy_rows, **{q: row + i for i, (q, *_) in enumerate(rows)}}
    for quantity, label, fmt, template in rows:
        r = row_of[quantity]
        key = quantity == "nodes_final"
        put(ws, f"A{r}", label, font=BOLD if key else None)
        for name, col in SCENARIO_COLUMNS.items():
            formula = template.replace("X{", col + "{").format(**row_of)
            put_formula(
                ws,
                f"{col}{r}",
                formula,
                number_format=fmt,
                font=BOLD if key else None,
                fill=RESULT_FILL if key else None,
            )
            cells.scenario.setdefault(name, {})[quantity] = f"{col}{r}"
    set_widths(ws, {"A": 46, "B": 20, "C": 20, "D": 20})
    print_landscape_fit_width(ws)
    ws["A2"].alignment = WRAP
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 32
    ws.protection.sheet = True  # no password: it guards formulas from slips, not from people
    ws.sheet_view.showGridLines = False
    return cells


def write_inputs(
    wb: Workbook, ws: Worksheet, request: SizingRequest, lang: Lang, *, first_row: int
) -> tuple[dict[str, str], int]:
    """The inputs block from first_row down: each value a defined name (in_model, ...), styled
    as an input, with its dropdown or range check. Returns {request field: cell}, next row."""
    words = _LABELS[lang]
    refs = {}
    for offset, (name, attr, fmt) in enumerate(INPUTS):
        row = first_row + offset
        put(ws, f"A{row}", words[attr])
        style_input(put(ws, f"B{row}", getattr(request, attr), number_format=fmt))
        define_name(wb, name, ws.title, f"$B${row}")
        refs[attr] = f"B{row}"
    add_input_validations(ws, refs)
    return refs, first_row + len(INPUTS)


def _check_formula(words: dict[str, str]) -> str:
    def known(sheet: str, name: str) -> str:
        return f"ISNA(MATCH(TRIM({name}),{sheet}!$A:$A,0))"

    precisions = ",".join(f'in_precision="{p}"' for p in KV_PRECISIONS)
    numbers = (
        "OR(in_concurrency<1,in_context<1,in_tp<1,in_budget_ratio<=0,"
        "in_budget_ratio>1,in_overhead_gib<0,in_headroom<0)"
    )
    return (
        f'=IF({known("Models", "in_model")},"{words["bad_model"]}",'
        f'IF({known("Servers", "in_server")},"{words["bad_server"]}",'
        f'IF({known("Storage", "in_storage")},"{words["bad_storage"]}",'
        f'IF(NOT(OR({precisions})),"{words["bad_precision"]}",'
        f'IF({numbers},"{words["bad_number"]}","{words["ok"]}")))))'
    )


def add_input_validations(ws: Worksheet, refs: dict[str, str]) -> None:
    """Dropdowns fed from the catalog sheets, and range checks on the numeric inputs."""
    for field_name, sheet in (("model", "Models"), ("server", "Servers"), ("storage", "Storage")):
        dv = DataValidation(
            type="list",
            allow_blank=False,
            formula1=f"OFFSET({sheet}!$A$2,0,0,COUNTA({sheet}!$A:$A)-1,1)",
        )
        dv.add(refs[field_name])
        ws.add_data_validation(dv)
    dv = DataValidation(type="list", formula1='"' + ",".join(KV_PRECISIONS) + '"')
    dv.add(refs["kv_precision"])
    ws.add_data_validation(dv)
    for field_name, kind, low, high in (
        ("concurrency", "whole", 1, 100_000_000),
        ("effective_context", "whole", 1, 100_000_000),
        ("tensor_parallel", "whole", 1, 1024),
        ("kv_budget_ratio", "decimal", 0.0001, 1),
        ("runtime_overhead_gib", "decimal", 0, 1_000_000),
        ("peak_headroom_ratio", "decimal", 0, 10),
    ):
        dv = DataValidation(
            type=kind,
            operator="between",
            formula1=str(low),
            formula2=str(high),
            showErrorMessage=True,
        )
        dv.add(refs[field_name])
        ws.add_data_validation(dv)
