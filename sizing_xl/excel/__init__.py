"""Excel faces: the workbook builders and their shared cells, formulas and sheet layouts."""
