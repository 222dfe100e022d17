"""The Sensitivity sheet's words, per language (data beside sensitivity.py)."""

from __future__ import annotations

from sizing_xl.i18n import Lang

WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "title": "Sensibilidade — contexto, concorrência, precisão e crescimento",
        "hint": "Fórmulas nativas sobre a planilha Modelo: mudam com as entradas dela. As células "
        "amarelas daqui (contextos, concorrências, crescimento) também podem ser alteradas.",
        "refused": "ℹ Esta página segue a planilha Modelo, que não calcula as entradas dela: ",
        "grid": "NÓS DO CENÁRIO RECOMENDADO: contexto (linhas) × concorrência (colunas)",
        "grid_corner": "Contexto ↓ / Concorrência →",
        "above_max": "> máx.",
        "precision": "FP8 CONTRA FP16 (contexto e concorrência da planilha Modelo): nós finais",
        "scenario": "Cenário",
        "kv_per_session": "KV por sessão (GiB)",
        "growth": "CRESCIMENTO: nós por mês com a concorrência crescendo",
        "growth_rate": "Crescimento mensal",
        "month": "Mês",
        "concurrency": "Concorrência",
        "nodes": "Nós",
        "growth_chart": "Nós por mês",
        "calc_note": "Cálculos da planilha Sensibilidade: as linhas da planilha Modelo repetidas "
        "para cada contexto e precisão (não editar).",
    },
    "en": {
        "title": "Sensitivity — context, concurrency, precision and growth",
        "hint": "Native formulas over the Model sheet: they follow its inputs. The yellow cells "
        "here (contexts, concurrencies, growth) can be changed too.",
        "refused": "ℹ This page follows the Model sheet, which does not compute its inputs: ",
        "grid": "RECOMMENDED SCENARIO'S NODES: context (rows) × concurrency (columns)",
        "grid_corner": "Context ↓ / Concurrency →",
        "above_max": "> max",
        "precision": "FP8 AGAINST FP16 (the Model sheet's context and concurrency): final nodes",
        "scenario": "Scenario",
        "kv_per_session": "KV per session (GiB)",
        "growth": "GROWTH: nodes per month as concurrency grows",
        "growth_rate": "Monthly growth",
        "month": "Month",
        "concurrency": "Concurrency",
        "nodes": "Nodes",
        "growth_chart": "Nodes per month",
        "calc_note": "The Sensitivity sheet's workings: the Model sheet's rows repeated for each "
        "context and precision (do not edit).",
    },
}
