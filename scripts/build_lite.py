#!/usr/bin/env python3
"""Build dist/xlwings-lite/: what Excel on Mac and on the web need (xlwings Lite's personal
module, requirements.txt and Sizing-Lite.xlsx). README: "Mac and Excel on the web"."""

from __future__ import annotations

import sys
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's sizing_xl, installed or not)

# isort: split
from sizing_xl.excel.sizing_xlsm.lite import write_lite_bundle

TARGET = Path(__file__).resolve().parents[1] / "dist" / "xlwings-lite"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    target.mkdir(parents=True, exist_ok=True)
    for path in write_lite_bundle(target):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
