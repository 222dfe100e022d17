"""SIZING_* functions that read the catalogs: a model's or server's field, a whole catalog, an entry from config.json, the version."""

from __future__ import annotations

from sizing_xl import __version__
from sizing_xl.catalog.strict_json import JsonFault, parse_json_bytes
from sizing_xl.config_import import model_from_config
from sizing_xl.errors import InputError, shown
from sizing_xl.excel.columns import MODEL_COLUMNS
from sizing_xl.records import field_specs
from sizing_xl.scenarios import (
    METHOD_VERSION,
)
from sizing_xl.udfs.arguments import (
    as_choice,
    as_text,
)
from sizing_xl.udfs.base import (
    udf,
    workbook_catalog,
)


def entry_value(entry: object, field: object) -> object:
    name = as_text(field, "field")
    if name not in field_specs(type(entry)) and not isinstance(
        getattr(type(entry), name, None), property
    ):
        known = ", ".join(field_specs(type(entry)))
        raise InputError("field", f"unknown field {shown(name)}; known: {known}")
    value = getattr(entry, name)
    return "" if value is None else value


@udf("model", "field", "models")
def SIZING_MODEL(model, field, models=None):
    """A catalog value of a model by name, e.g. SIZING_MODEL("gemma-3-27b", "num_sliding_layers")."""
    return entry_value(workbook_catalog(models).model(as_text(model, "model")), field)


@udf("server", "field", "servers")
def SIZING_SERVER(server, field, servers=None):
    """A catalog value of a server by name, e.g. SIZING_SERVER("dgx300", "hbm_total_gb")."""
    return entry_value(workbook_catalog(None, servers).server(as_text(server, "server")), field)


@udf("kind", "models", "servers", doc_returns="table")
def SIZING_CATALOG(kind=None, models=None, servers=None):
    """The names the catalogs hold, one per row (models, servers or storage), the workbook's own rows included."""
    which = as_choice(
        kind, "kind", {"models": "models", "servers": "servers", "storage": "storage"}, "models"
    )
    return [[name] for name in getattr(workbook_catalog(models, servers), which)]


@udf("config_json", "name")
def SIZING_MODEL_FROM_CONFIG(config_json, name=None):
    """A Models-table row from a config.json pasted into a cell: the header row, then the values to paste under the Models sheet's columns (warnings in notes)."""
    text = as_text(config_json, "config_json")
    try:
        config = parse_json_bytes(text.encode("utf-8", "surrogatepass"))
    except JsonFault as exc:
        raise InputError("config_json", f"{shown(text, 40)} {exc}") from None
    if not isinstance(config, dict):
        raise InputError("config_json", "JSON, but not an object of settings")
    imported = model_from_config(
        config, name=as_text(name, "name", "") or None, origin="config.json pasted in Excel"
    )
    row = {"name": imported.name, **imported.entry}
    return [list(MODEL_COLUMNS), ["" if row.get(c) is None else row[c] for c in MODEL_COLUMNS]]


@udf()
def SIZING_VERSION():
    """The sizing_xl version and the sizing method's version."""
    return f"sizing_xl {__version__} (method v{METHOD_VERSION})"
