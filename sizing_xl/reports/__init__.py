"""Reports: the text report, JSON and the executive report (pt-BR and English)."""
