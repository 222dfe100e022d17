"""workbook/Sizing.xlsm, the analyst's workbook of SIZING_* UDF cells, and its xlwings Lite twin."""
