"""The director's workbook: the Executive snapshot, its charts, ranges and buy-or-rent block, the
staleness line, and the Sensitivity sheet over the live Model sheet."""
