"""Errors sizing_xl raises, grouped by cause; each message is one readable line."""

from __future__ import annotations


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
        super().__init__(f"{path}: {message}" if path else message)


class UnknownEntryError(CatalogError):
    """A model, server or storage name is not in the catalogs; suggests near names."""

    def __init__(self, kind: str, name: str, suggestions: list[str], known: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        hint = (
            f"did you mean {', '.join(repr(s) for s in suggestions)}?"
            if suggestions
            else f"known: {', '.join(known)}"
        )
        super().__init__(f"unknown {kind} {name!r}; {hint}")
