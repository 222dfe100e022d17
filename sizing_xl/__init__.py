"""sizing_xl: capacity planning for memory-bound LLM inference, with Excel faces."""

from sizing_xl.catalog import Catalog, ModelSpec, ServerSpec, StorageProfile
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.errors import CatalogError, InputError, SizingError, UnknownEntryError
from sizing_xl.scenarios import (
    DEFAULT_POLICIES,
    ScenarioPolicy,
    ScenarioResult,
    SizingRequest,
    SizingResult,
    make_request,
    size,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_POLICIES",
    "Catalog",
    "CatalogError",
    "InputError",
    "ModelSpec",
    "ScenarioPolicy",
    "ScenarioResult",
    "ServerSpec",
    "SizingError",
    "SizingRequest",
    "SizingResult",
    "StorageProfile",
    "UnknownEntryError",
    "__version__",
    "load_catalog",
    "make_request",
    "size",
]
