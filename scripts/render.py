#!/usr/bin/env python3
"""Render a workbook as a person sees it: LibreOffice prints it to PDF, pdftoppm makes PNG pages."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's sizing_xl, installed or not)

# isort: split
from sizing_xl.excel.libreoffice import convert


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workbook", type=Path, help=".xlsx or .xlsm file")
    parser.add_argument("--out", type=Path, default=Path("out/render"), help="output directory")
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument(
        "--stored",
        action="store_true",
        help="show the values the file stores instead of recalculating (Sizing.xlsm: its UDF "
        "cells, which LibreOffice cannot compute)",
    )
    args = parser.parse_args()
    (pdf,) = convert([args.workbook], args.out, target="pdf", recalculate=not args.stored)
    if shutil.which("pdftoppm") is None:
        print(f"{pdf} (install poppler-utils for PNG pages)")
        return 0
    prefix = args.out / args.workbook.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(prefix)], check=True)
    for page in sorted(args.out.glob(f"{args.workbook.stem}-*.png")):
        print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
