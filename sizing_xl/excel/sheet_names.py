"""Sheet names in the file's language, and the pass that gives a finished workbook its names."""

from __future__ import annotations

import re

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from sizing_xl.i18n import Lang

# The builders name sheets in English; a pt-BR file is renamed at the end, formulas included.
_TITLES: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "Executive": "Executivo",
        "Model": "Modelo",
        "Models": "Modelos",
        "Servers": "Servidores",
        "Dictionary": "Dicionário",
        "Sensitivity": "Sensibilidade",
        "Calc": "Cálculos",
    },
    "en": {},
}
# A sheet reference in a formula: the name right before "!", not part of a longer name
_REFERENCE = re.compile(r"(?<![\w.'])(" + "|".join(sorted(_TITLES["pt-BR"], key=len)[::-1]) + r")!")


def sheet_title(name: str, lang: Lang) -> str:
    """The title a sheet the builders call `name` carries in a file of this language."""
    return _TITLES[lang].get(name, name)


def localize_sheet_names(wb: Workbook, lang: Lang) -> None:
    """Rename the sheets for the file's language and every reference to them: cell formulas,
    defined names, dropdown lists and conditional formats (charts are drawn after this)."""
    titles = _TITLES[lang]
    if not titles:
        return

    def fix(text: str) -> str:
        return _REFERENCE.sub(lambda m: titles[m.group(1)] + "!", text)

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.value = fix(cell.value)
                elif isinstance(cell.value, ArrayFormula):  # the look-up helpers
                    cell.value.text = fix(cell.value.text)
        for dv in ws.data_validations.dataValidation:
            dv.formula1 = dv.formula1 and fix(dv.formula1)
            dv.formula2 = dv.formula2 and fix(dv.formula2)
        for formatting in ws.conditional_formatting:
            for rule in formatting.rules:
                rule.formula = [fix(f) for f in rule.formula]
    for name in wb.defined_names.values():
        name.attr_text = fix(name.attr_text)
    for ws in wb.worksheets:
        ws.title = titles.get(ws.title, ws.title)
