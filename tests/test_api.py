"""The public Python surface is pinned: a change to it is a decision, not an accident."""

import sizing_xl
from tests.conftest import run_python


def test_public_names_are_pinned():
    assert sorted(sizing_xl.__all__) == sorted(
        [
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
    )
    for name in sizing_xl.__all__:
        assert hasattr(sizing_xl, name)


def test_engine_imports_no_face():
    run_python(
        "import sys, sizing_xl.engine, sizing_xl.scenarios\n"
        "faces = [m for m in sys.modules if m.startswith(('sizing_xl.reports', "
        "'sizing_xl.excel', 'sizing_xl.cli', 'sizing_xl.udfs', 'openpyxl', 'xlwings'))]\n"
        "assert not faces, faces\n"
    )
