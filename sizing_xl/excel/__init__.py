"""Excel faces: argument conversion for UDFs, workbook builders and their shared cell helpers."""
