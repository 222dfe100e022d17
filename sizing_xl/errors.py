"""Errors sizing_xl raises, grouped by cause; each message is one readable line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

# C0/C1 controls, lone surrogates, the non-characters and the bidirectional controls (U+202E
# shows "exe.txt" as "txt.exe"): nothing a one-line message or a catalog should hold
UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
SHOWN_CHARS = 80  # how much of a user's argument a message echoes
LINE_CHARS = 400  # the longest message line, suggestions included


def escape_controls(text: str) -> str:
    """Text with every control character, surrogate or non-character as a visible escape."""
    return UNPRINTABLE.sub(
        lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text
    )


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A user's value for a message: text quoted, controls escaped, cut to limit with '…'."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        value = float(value)  # 1e+308, not three hundred digits
    text = escape_controls(str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text if isinstance(value, int | float) else f"'{text}'"


def nearest(word: str, choices: Sequence[str]) -> str | None:
    """The choice closest to a mistyped word (difflib), or None when none is close."""
    if not word.startswith("-") and any(c.startswith("-") for c in choices):
        return None
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return found[0] if found else None


def shown_path(path: object, limit: int = SHOWN_CHARS) -> str:
    """A path for a message: controls escaped, cut in the middle to limit with '…', so the
    file name and the reason after it stay on the line."""
    text = escape_controls(str(path))
    if len(text) <= limit:
        return text
    head = limit // 3
    return text[:head] + "…" + text[len(text) - (limit - head - 1) :]


def one_line(message: str, limit: int = LINE_CHARS) -> str:
    """A message as one printable line of at most limit characters."""
    text = escape_controls(str(message))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SizingError(Exception):
    """Base class: anything sizing_xl reports to a user as one line."""


class InputError(SizingError, ValueError):
    """A request value (flag, UDF argument, workbook cell) is out of range or of the wrong type."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class CatalogError(SizingError):
    """A catalog file is missing, malformed, or lacks the entry asked for."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{shown_path(path)}: {message}" if path else message)


class UnknownEntryError(CatalogError):
    """A model, server or storage name is not in the catalogs; suggests near names."""

    def __init__(self, kind: str, name: str, suggestions: list[str], known: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        hint = (
            f"did you mean {', '.join(shown(s) for s in suggestions)}?"
            if suggestions
            else f"known: {', '.join(known)}"
        )
        super().__init__(f"unknown {kind} {shown(name)}; {hint}")
