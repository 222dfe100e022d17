"""Runs the xlwings Lite script sizing_executive on Sizing-Lite.xlsx's stored values, the way
Lite calls a script (a Book built from the workbook's JSON), and prints the actions it asks of
Excel as JSON. Used by tests/test_sizing_xlsm.py in a fresh interpreter."""

import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's sizing_xl

os.environ["XLWINGS_ON_SERVER"] = "true"  # the code path xlwings Lite uses
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl
import xlwings as xw
import xlwings.server as server

import sizing_xl.udfs.executive as module


def payload(path: str) -> dict:
    """The workbook as Office.js sends it: each sheet's values from A1, blanks as ""."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = [
        {
            "name": ws.title,
            "values": [
                ["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)
            ],
            "pictures": [],
            "tables": [],
        }
        for ws in wb.worksheets
    ]
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "Sizing-Lite.xlsx", "active_sheet_index": 1, "selection": "A1"},
        "sheets": sheets,
        "names": [],
    }


book = xw.Book(json=payload(sys.argv[1]))
scripts = [s["function_name"] for s in server.custom_scripts_meta(module)]
# as Lite runs a script: by name, the open workbook injected where the script takes a Book
asyncio.run(
    server.custom_scripts_call(module, "sizing_executive", typehint_to_value={xw.Book: book})
)
print(json.dumps({"scripts": scripts, "actions": book.json()["actions"]}, default=str))
