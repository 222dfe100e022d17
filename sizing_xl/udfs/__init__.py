"""Excel user-defined functions (xlwings): SIZING_* formulas over the engine, safe for any cell.

Each function takes what Excel passes (numbers as floats, blanks as None, booleans, text with
stray spaces, single cells or ranges) and returns a number, a table or text. A bad argument
returns one readable line in the cell, "ERROR: <argument>: <what was expected>"; nothing raises
into Excel. Optional `models` / `servers` arguments take the workbook's own catalog ranges
(header row first): their rows add to, or replace, the packaged and user catalogs.

xlwings.conf names this package (UDF_MODULES = sizing_xl.udfs): xlwings registers every
function it finds here, so each SIZING_* function is imported below from its module.
"""

from sizing_xl.udfs.base import DOCS, range_key
from sizing_xl.udfs.catalog import (
    SIZING_CATALOG,
    SIZING_MODEL,
    SIZING_MODEL_FROM_CONFIG,
    SIZING_SERVER,
    SIZING_VERSION,
)
from sizing_xl.udfs.focus import SIZING_FOCUS
from sizing_xl.udfs.grid import SIZING_GRID
from sizing_xl.udfs.memory import (
    SIZING_HBM_BUDGET_GIB,
    SIZING_KV_PER_SESSION_GIB,
    SIZING_KV_TOTAL_GIB,
    SIZING_SESSIONS_PER_NODE,
)
from sizing_xl.udfs.perf import SIZING_PERF
from sizing_xl.udfs.ranges import SIZING_RANGE
from sizing_xl.udfs.scenario import (
    SIZING_ALERTS,
    SIZING_BREAK_EVEN,
    SIZING_CAPACITY_AFTER_FAILURES,
    SIZING_CAPEX,
    SIZING_CLOUD_MONTHLY,
    SIZING_COST_PER_MTOK,
    SIZING_NODES_FINAL,
    SIZING_RESULT,
    SIZING_SCENARIO,
    SIZING_TCO_MONTHLY,
    SIZING_TOKENS_PER_SECOND,
    SIZING_TTFT_SECONDS,
)

UDF_NAMES: tuple[str, ...] = tuple(sorted(n for n in dir() if n.startswith("SIZING_")))

__all__ = [
    "DOCS",
    "SIZING_ALERTS",
    "SIZING_BREAK_EVEN",
    "SIZING_CAPACITY_AFTER_FAILURES",
    "SIZING_CAPEX",
    "SIZING_CATALOG",
    "SIZING_CLOUD_MONTHLY",
    "SIZING_COST_PER_MTOK",
    "SIZING_FOCUS",
    "SIZING_GRID",
    "SIZING_HBM_BUDGET_GIB",
    "SIZING_KV_PER_SESSION_GIB",
    "SIZING_KV_TOTAL_GIB",
    "SIZING_MODEL",
    "SIZING_MODEL_FROM_CONFIG",
    "SIZING_NODES_FINAL",
    "SIZING_PERF",
    "SIZING_RANGE",
    "SIZING_RESULT",
    "SIZING_SCENARIO",
    "SIZING_SERVER",
    "SIZING_SESSIONS_PER_NODE",
    "SIZING_TCO_MONTHLY",
    "SIZING_TOKENS_PER_SECOND",
    "SIZING_TTFT_SECONDS",
    "SIZING_VERSION",
    "UDF_NAMES",
    "range_key",
]
