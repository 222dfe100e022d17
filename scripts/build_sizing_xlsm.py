#!/usr/bin/env python3
"""Build workbook/Sizing.xlsm from xlwings' standalone template and the packaged catalogs."""

from __future__ import annotations

import sys
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's sizing_xl, installed or not)

# isort: split
from sizing_xl.excel.sizing_xlsm.workbook import write_sizing_workbook

TARGET = Path(__file__).resolve().parents[1] / "workbook" / "Sizing.xlsm"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    backup = write_sizing_workbook(target)
    print(f"wrote {target}" + (f" (previous copy kept as {backup.name})" if backup else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
