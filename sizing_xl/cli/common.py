"""What every `sizing` command shares: exit codes, one-line errors and strict number flags."""

from __future__ import annotations

import argparse
import sys

from sizing_xl.errors import nearest, one_line
from sizing_xl.numbers import ascii_number

EXIT_OK = 0
EXIT_INPUT = 2  # a flag, a value or a name the user gave is wrong
EXIT_CATALOG = 3  # a catalog file is missing or malformed
EXIT_OUTPUT = 4  # an output file could not be written


def ascii_int(text: str) -> int:
    return int(_flag_number(text, whole=True))


def ascii_float(text: str) -> float:
    return float(_flag_number(text, whole=False))


def _flag_number(text: str, *, whole: bool) -> int | float:
    """The one number parser (sizing_xl/numbers.py), its refusal as argparse's error."""
    try:
        return ascii_number(text, whole=whole)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
