"""The xlwings Lite bundle: the Sizing workbook without VBA, and the files Lite imports.

xlwings Lite (a free Office add-in for Excel on Windows, macOS and the web) runs Python in
Pyodide and registers the same SIZING_* functions from a personal module; tests/test_pyodide.py
proves the functions in Pyodide. The workbook has Sizing.xlsm's sheets and formulas, with the
engine's values stored, so it reads right before the add-in runs.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import builtin_catalogs
from sizing_xl.excel.sizing_xlsm.workbook import (
    add_sizing_sheets,
    build_start_sheet,
    workbook_with_values,
)
from sizing_xl.files import write_atomic

WORKBOOK = "Sizing-Lite.xlsx"
PERSONAL_MODULE = "sizing_functions.py"
# Pyodide ships pydantic built for WebAssembly: named, not pinned (lite.xlwings.org/dependencies)
REQUIREMENTS = "pydantic\n"
MODULE_TEXT = '''"""sizing_xl in xlwings Lite: the SIZING_* functions, and the sizing_executive script (the
Executive sheet from the Sizing sheet), registered from this personal module."""

from sizing_xl.udfs import *  # noqa: F403
from sizing_xl.udfs.executive import sizing_executive  # noqa: F401
'''

LITE_START_TEXT: tuple[tuple[str, str], ...] = (
    ("title", "sizing_xl — LLM inference sizing in Excel (xlwings Lite)"),
    (
        "text",
        "How many GPU nodes a load of LLM sessions needs when GPU memory (HBM) is the limit. The "
        "Sizing sheet sizes three scenarios (Minimum, Recommended, Ideal) with SIZING_* "
        "formulas that run the sizing_xl engine in Python inside Excel: on Windows, macOS and "
        "Excel on the web, with no Python installed.",
    ),
    ("section", "Enable the formulas (once per computer)"),
    ("text", "1. Home > Add-ins: search for xlwings and add xlwings Lite (free, no login)."),
    (
        "text",
        "2. In the xlwings Lite pane: Menu > Files > Import/Export, and drop the personal/ folder "
        "of this bundle (it holds sizing_xl/ and sizing_functions.py).",
    ),
    ("text", "3. Open the requirements.txt tab and enter: pydantic"),
    (
        "text",
        "4. Menu > Restart. The SIZING_* functions are then registered in every workbook. "
        "Until then the formula cells show the values stored for the default inputs.",
    ),
    ("section", "Where inputs go"),
    (
        "text",
        "Yellow cells with dark-blue text on the Sizing sheet are the inputs (the sheet is "
        "protected without a password). Model, server and storage are dropdowns fed from the "
        "Models, Servers and Storage sheets; add a row there to size a model of your own.",
    ),
    (
        "text",
        'A bad argument shows "ERROR: <argument>: <what was expected>" in the cell. The '
        "functions are those of Sizing.xlsm; the README lists them.",
    ),
)


def build_lite_workbook(catalog: Catalog | None = None) -> Workbook:
    """Start (how to enable the functions in Lite), Sizing, Grid, Models, Servers, Storage."""
    wb = Workbook()
    start = wb.active
    start.title = "Start"
    build_start_sheet(start, LITE_START_TEXT)
    add_sizing_sheets(wb, catalog)
    return wb


def write_lite_bundle(target: str | Path, catalog: Catalog | None = None) -> list[Path]:
    """TARGET/personal/{sizing_xl/, sizing_functions.py}, TARGET/requirements.txt and
    TARGET/Sizing-Lite.xlsx; returns the paths written. The package is copied from the one
    running (its catalogs inside it, as an installed copy has them)."""
    out = Path(target)
    personal = out / "personal"
    package = personal / "sizing_xl"
    if package.exists():
        shutil.rmtree(package)
    source = Path(str(resources.files("sizing_xl")))
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    catalogs = Path(str(builtin_catalogs()))  # the running checkout's own, as loads read them
    if not (package / "catalogs").is_dir():  # a checkout keeps them beside the package
        shutil.copytree(
            catalogs, package / "catalogs", ignore=shutil.ignore_patterns("__pycache__")
        )
    module = personal / PERSONAL_MODULE
    write_atomic(module, MODULE_TEXT.encode("utf-8"))
    requirements = out / "requirements.txt"
    write_atomic(requirements, REQUIREMENTS.encode("utf-8"))
    workbook = out / WORKBOOK
    write_atomic(workbook, workbook_with_values(build_lite_workbook(catalog)))
    return [package, module, requirements, workbook]
