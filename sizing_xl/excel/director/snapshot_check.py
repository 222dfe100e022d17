"""The Executive page's line that says whether the live Model sheet still gives its figures."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.excel.cells import BOLD, WRAP, put_formula
from sizing_xl.excel.live.model_sheet import SHEET as MODEL_SHEET
from sizing_xl.excel.live.model_sheet import LiveModelCells, unchanged_inputs
from sizing_xl.scenarios import SCENARIO_NAMES


def snapshot_value(w: dict[str, str], refused: str | None) -> str:
    """The line for the file's own inputs: they match, or (`refused`: the Model sheet's check
    message) the sheet does not recompute this sizing, which is no discrepancy."""
    return w["live_ok"] if refused is None else w["live_na"].format(reason=refused)


def add_snapshot_check(
    ws: Worksheet,
    row: int,
    w: dict[str, str],
    live: LiveModelCells,
    snapshot: dict[str, dict[str, str]],
    labels: tuple[str, str, str],
    refused: str | None,
) -> None:
    """A formula cell: ✓ while the Model sheet has these inputs and gives these figures, ⚠ (red)
    once an input changed or a figure differs. Where the Model sheet refuses the sizing's own
    inputs (an SGLang sizing, a context above the model's maximum),
    unchanged inputs say so (ℹ) instead of raising a false alarm."""
    tests = unchanged_inputs(ws.parent[MODEL_SHEET], live)  # same results from other inputs
    kv, spn, nodes = labels
    if refused is None:
        for name in SCENARIO_NAMES:
            model = live.scenario[name]
            tests += [
                f"ROUND({MODEL_SHEET}!{model['kv_per_session_gib']},9)=ROUND({snapshot[name][kv]},9)",
                f"{MODEL_SHEET}!{model['sessions_per_node']}={snapshot[name][spn]}",
                f"{MODEL_SHEET}!{model['nodes_final']}={snapshot[name][nodes]}",
            ]
    same, differs = _text(snapshot_value(w, refused)), _text(w["live_diff"])
    formula = f"=IFERROR(IF(AND({','.join(tests)}),{same},{differs}),{differs})"
    put_formula(ws, f"A{row}", formula, font=BOLD, alignment=WRAP)
    ws.merge_cells(f"A{row}:E{row}")
    if refused is not None:  # the sheet's reason makes the line long: room for it, wrapped
        ws.row_dimensions[row].height = 15 * (1 + len(snapshot_value(w, refused)) // 110)
    # "differs" must not look like "matches": red, bold, whatever the viewer's language
    alarm = f'LEFT(A{row},1)="{w["live_diff"][0]}"'
    ws.conditional_formatting.add(
        f"A{row}", FormulaRule(formula=[alarm], font=Font(color="C00000", bold=True))
    )


def _text(value: str) -> str:
    """A formula's text literal (its quotes doubled)."""
    return '"' + value.replace('"', '""') + '"'
