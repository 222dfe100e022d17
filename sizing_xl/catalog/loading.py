"""Catalog files on disk: the packaged ones, user directories, strict reads, cached loads and
atomic merges."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from sizing_xl.catalog.schemas import _SCHEMAS, Catalog, _Entry, normalize_name, parse_entries
from sizing_xl.catalog.strict_json import JsonFault, parse_json_bytes
from sizing_xl.catalog.trusted import trusted
from sizing_xl.errors import CatalogError
from sizing_xl.files import file_kind, locked, write_text_atomic

CATALOG_ENV_VAR = "SIZING_XL_CATALOGS"
CATALOG_FILES = {
    "models": "models.json",
    "servers": "servers.json",
    "storage": "storage.json",
    "cloud": "cloud.json",
    "finance": "finance.json",
    "api": "api.json",
}


def _read_bytes(path: Path | Traversable) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read ({exc.strerror})", path=str(path)) from None


def _parse_json(data: bytes, path: Path | Traversable) -> object:
    try:
        return parse_json_bytes(data)
    except JsonFault as exc:
        raise CatalogError(str(exc), path=str(path)) from None


def _read_json(path: Path | Traversable) -> object:
    return _parse_json(_read_bytes(path), path)


def _read_entries(kind: str, path: Path) -> dict[str, _Entry]:
    """A user's catalog file checked in full: fast (fast_load), or, where that cannot vouch for
    it, strictly, naming the first fault."""
    data = _read_bytes(path)
    from sizing_xl.catalog.fast_load import entries_fast  # imports pydantic: a user file only

    entries = entries_fast(kind, data)
    if entries is None:
        entries = parse_entries(kind, _parse_json(data, path), str(path))
    return entries


def _builtin_entries(kind: str, resource: Traversable) -> dict[str, _Entry]:
    """A packaged catalog file: its checks ran at build time (tests/test_catalog_fast.py proves
    the strict read accepts every packaged file and gives these same entries), so it is read
    with json.loads and built without a schema (trusted.py)."""
    raw = json.loads(_read_bytes(resource))
    schema = _SCHEMAS[kind]
    return {
        (key := normalize_name(name)): trusted(schema, {**body, "name": key})
        for name, body in raw.items()
    }


def merge_entries(directory: str | os.PathLike[str], kind: str, entries: dict[str, dict]) -> Path:
    """Add entries to DIR/<kind>.json (replacing same names, keeping the rest), atomically.

    The merged file is validated first, so a catalog that would not load is never written.
    """
    base = Path(directory)
    if not base.is_dir():
        raise CatalogError("catalog directory does not exist", path=str(base))
    path = base / CATALOG_FILES[kind]
    with locked(path):  # concurrent merges into one file: each sees the one before it
        existing = _read_json(path) if path.exists() else {}
        if not isinstance(existing, dict):
            raise CatalogError(f"expected a JSON object of {kind} keyed by name", path=str(path))
        merged = {**existing, **entries}
        parse_entries(kind, merged, str(path))
        write_text_atomic(path, json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    return path


def catalog_dirs_from_env() -> tuple[str, ...]:
    value = os.environ.get(CATALOG_ENV_VAR, "")
    return tuple(p for p in value.split(os.pathsep) if p.strip())


def load_catalog(extra_dirs: Iterable[str | os.PathLike[str]] = ()) -> Catalog:
    """Built-in catalogs, then each extra directory in order; a later entry replaces an earlier one.

    A directory may hold any of models.json, servers.json and storage.json. Loads are cached
    by the directories and the size and modification time of their catalog files, so a file
    changed since (a calibration merged into it) is read again.
    """
    dirs = tuple(str(Path(d)) for d in extra_dirs)
    return _load_catalog(dirs, _signature(dirs))


def _signature(dirs: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """(size, mtime in ns) of every catalog file the directories may hold; (-1, -1) if absent."""
    out = []
    for directory in dirs:
        for filename in CATALOG_FILES.values():
            try:
                info = os.stat(os.path.join(directory, filename))
                out.append((info.st_size, info.st_mtime_ns))
            except OSError:
                out.append((-1, -1))
    return tuple(out)


def builtin_catalogs() -> Traversable:
    """The packaged catalogs: sizing_xl/catalogs once installed, catalogs/ beside the package in a
    checkout.

    The files beside this module win over any import mapping, so a checkout (run from its
    root, installed elsewhere or not at all) reads its own catalogs.
    """
    package = Path(__file__).resolve().parent.parent  # sizing_xl/
    for candidate in (package / "catalogs", package.parent / "catalogs"):
        if (candidate / CATALOG_FILES["models"]).is_file():
            return candidate
    return resources.files("sizing_xl.catalogs")  # e.g. a zipped install


@lru_cache(maxsize=16)
def _load_catalog(extra_dirs: tuple[str, ...], _signature: tuple = ()) -> Catalog:
    merged: dict[str, dict[str, _Entry]] = {kind: {} for kind in CATALOG_FILES}
    files: list[str] = []
    builtin = builtin_catalogs()
    for kind, filename in CATALOG_FILES.items():
        resource = builtin.joinpath(filename)
        merged[kind].update(_builtin_entries(kind, resource))
        files.append(str(resource))
    for directory in extra_dirs:
        try:
            found = _read_directory(Path(directory), merged)
        except OSError as exc:  # a name too long, a directory we may not list
            raise CatalogError(f"cannot read ({exc.strerror})", path=directory) from None
        if not found:
            raise CatalogError(f"holds none of {', '.join(CATALOG_FILES.values())}", path=directory)
        files.extend(found)
    return Catalog(**merged, files=tuple(files))  # type: ignore[arg-type]


def _read_directory(base: Path, merged: dict[str, dict[str, _Entry]]) -> list[str]:
    """Merge the catalog files base holds into merged; returns the files read."""
    if not base.is_dir():
        raise CatalogError("catalog directory does not exist", path=str(base))
    _refuse_misspelt_files(base)
    found = []
    for kind, filename in CATALOG_FILES.items():
        path = base / filename
        if path.is_file():
            merged[kind].update(_read_entries(kind, path))
            found.append(str(path))
        elif os.path.lexists(path):  # there, but a directory, FIFO, broken or looping link
            raise CatalogError(f"is {file_kind(path)}, not a readable catalog file", path=str(path))
    return found


def _refuse_misspelt_files(base: Path) -> None:
    """A 'model.json' beside 'servers.json' would be ignored without a word; name it instead."""
    known = list(CATALOG_FILES.values())
    for path in sorted(base.glob("*.json")):
        lower = path.name.lower()
        if path.name in known or (lower in known and (base / lower).is_file()):
            continue  # the second: 'Models.json' on a case-insensitive file system
        near = difflib.get_close_matches(path.name.lower(), known, n=1, cutoff=0.7)
        if near:
            raise CatalogError(
                f"is not a catalog file name; did you mean {near[0]}? "
                f"(a catalog directory holds {', '.join(known)})",
                path=str(path),
            )
