"""Excel faces: workbook builders and their shared cell helpers."""
