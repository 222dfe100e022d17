"""Catalogs: schemas and look-up (schemas.py), checks before the schema (checks.py), strict JSON
(strict_json.py), and the files on disk (loading.py)."""

from sizing_xl.catalog.schemas import (
    AS_OF_PATTERN,
    ApiPrice,
    Catalog,
    CloudOffer,
    FinanceFigure,
    ModelSpec,
    ServerSpec,
    StorageProfile,
    normalize_name,
    overlay,
    parse_entries,
)

__all__ = [
    "AS_OF_PATTERN",
    "ApiPrice",
    "Catalog",
    "CloudOffer",
    "FinanceFigure",
    "ModelSpec",
    "ServerSpec",
    "StorageProfile",
    "normalize_name",
    "overlay",
    "parse_entries",
]
