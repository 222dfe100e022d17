"""The Executive sheet's writer: blocks one after another down columns A to E."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.excel.cells import BOLD, LINE_POINTS, SECTION_FONT, TOP, WRAP, put, text_lines

SCENARIO_COLUMNS = "BCD"  # Minimum, Recommended, Ideal
WIDTHS = {"A": 40, "B": 19, "C": 19, "D": 19, "E": 24}


class ExecutiveWriter:
    """Writes the Executive sheet top to bottom, one block after another."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def skip(self, n: int = 1) -> None:
        self.row += n

    def section(self, title: str) -> None:
        self.skip()
        put(self.ws, f"A{self.row}", title, font=SECTION_FONT)
        self.skip()

    def paragraph(self, text: str, *, font: Font | None = None, first: str = "A") -> None:
        ws, r = self.ws, self.row
        put(ws, f"{first}{r}", text, alignment=WRAP, font=font)
        ws.merge_cells(f"{first}{r}:E{r}")
        units = sum(w for col, w in WIDTHS.items() if col >= first)
        ws.row_dimensions[r].height = LINE_POINTS * text_lines(text, units) + 1
        self.skip()

    def pair(self, label: str, value: str) -> None:
        put(self.ws, f"A{self.row}", label, font=BOLD, alignment=TOP)
        self.paragraph(value, first="B")

    def item(self, title: str, text: str, marker: str = "•") -> None:
        self.paragraph(f"{marker} {title}: {text}")
