"""What every `sizing` command shares: exit codes, one-line errors and strict number flags."""

from __future__ import annotations

import argparse
import re
import sys

from sizing_xl.errors import nearest, one_line, shown

EXIT_OK = 0
EXIT_INPUT = 2  # a flag, a value or a name the user gave is wrong
EXIT_CATALOG = 3  # a catalog file is missing or malformed
EXIT_OUTPUT = 4  # an output file could not be written

# ASCII digits only: int() and float() also take '١٢٣', '１２３' and '1_000', which a
# spreadsheet or a shell script would never mean as a number.
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def ascii_int(text: str) -> int:
    if not _INT.fullmatch(text.strip()) or len(text) > 30:
        raise argparse.ArgumentTypeError(
            f"expected a whole number in ASCII digits, got {shown(text)}"
        )
    return int(text)


def ascii_float(text: str) -> float:
    value = float(text) if _FLOAT.fullmatch(text.strip()) and len(text) <= 40 else None
    if value is None or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(
            f"expected a finite number in ASCII digits, got {shown(text)}"
        )
    return value


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one line, with no usage dump, and names
    the nearest flag for a mistyped one."""

    def error(self, message: str) -> None:
        hint = ""
        if message.startswith("unrecognized arguments:"):
            flags = [o for a in self._actions for o in a.option_strings]
            for word in message.split(":", 1)[1].split():
                near = nearest(word.split("=", 1)[0], flags)
                if near:
                    hint = f"; did you mean {near}?"
                    break
        self.exit(
            EXIT_INPUT,
            one_line(f"{self.prog}: error: {message}{hint} (see {self.prog} --help)") + "\n",
        )


def fail(prog: str, message: str, code: int) -> int:
    """Print one error line on stderr and return the exit code."""
    print(one_line(f"{prog}: error: {message}"), file=sys.stderr)
    return code


def excel_extra_missing(prog: str, exc: ImportError) -> int:
    """--output-xlsx without openpyxl: the install line to run, and the output exit code."""
    return fail(
        prog,
        f"--output-xlsx needs openpyxl ({exc.name} missing): in the sizing_xl checkout, "
        'pip install ".[excel]"',
        EXIT_OUTPUT,
    )
