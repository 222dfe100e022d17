#!/usr/bin/env python3
"""Write the director's workbook for CI pipelines: `director_workbook.py OUT.xlsx [sizing flags]`.

The sizing flags are the `sizing` command's (`--model`, `--server`, `--lang`, ...); the text
report goes to standard error so that standard output stays quiet in a pipeline log.
"""

from __future__ import annotations

import contextlib
import sys

import _checkout  # noqa: F401  (this checkout's sizing_xl, installed or not)

# isort: split
from sizing_xl.cli import run


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    out, flags = argv[0], argv[1:]
    with contextlib.redirect_stdout(sys.stderr):
        return run([*flags, "--output-xlsx", out])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
