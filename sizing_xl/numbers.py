"""Numbers written as text, read the same way by flags, UDF arguments and UDF options."""

from __future__ import annotations

import math
import re

from sizing_xl.errors import shown

# ASCII digits only: int() and float() also take '١٢٣', '１２３' and '1_000', which a
# spreadsheet or a shell script would never mean as a number.
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def ascii_number(text: str, *, whole: bool = False, percent: bool = False) -> int | float:
    """text as a whole or a finite number, or ValueError with the line every face prints.

    percent takes '70%' as 0.7 (a cell typed as text); flags take no percent sign.
    """
    core = text.strip()
    scale = 1
    if percent and core.endswith("%"):
        core, scale = core[:-1].rstrip(), 100
    if whole and _INT.fullmatch(core) and len(core) <= 30:
        return int(core)
    if not whole and _FLOAT.fullmatch(core) and len(core) <= 40:
        value = float(core) / scale
        if math.isfinite(value):
            return value
    kind = "a whole" if whole else "a finite"
    raise ValueError(f"expected {kind} number in ASCII digits, got {shown(text)}")
