"""Languages and number formats shared by every face (pt-BR as the seed, and English)."""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["pt-BR", "en"]
LANGS: tuple[Lang, ...] = ("pt-BR", "en")
DEFAULT_LANG: Lang = "pt-BR"

SCENARIO_LABELS: dict[str, dict[Lang, str]] = {
    "minimum": {"pt-BR": "MÍNIMO", "en": "MINIMUM"},
    "recommended": {"pt-BR": "RECOMENDADO", "en": "RECOMMENDED"},
    "ideal": {"pt-BR": "IDEAL", "en": "IDEAL"},
}
SCENARIO_TITLES: dict[str, dict[Lang, str]] = {
    "minimum": {"pt-BR": "Mínimo", "en": "Minimum"},
    "recommended": {"pt-BR": "Recomendado", "en": "Recommended"},
    "ideal": {"pt-BR": "Ideal", "en": "Ideal"},
}


def scenario_titles(lang: Lang) -> list[str]:
    """Minimum, Recommended, Ideal in the language, in SCENARIO_NAMES order."""
    return [titles[lang] for titles in SCENARIO_TITLES.values()]


SEVERITY_LABELS: dict[str, dict[Lang, str]] = {
    "info": {"pt-BR": "INFO", "en": "INFO"},
    "warning": {"pt-BR": "ALERTA", "en": "WARNING"},
    "critical": {"pt-BR": "CRÍTICO", "en": "CRITICAL"},
}


def check_lang(lang: str) -> Lang:
    for known in LANGS:
        if lang.strip().lower() == known.lower():
            return known
    raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


# The seed writes numbers the way Python's format does in both languages: 1,000 and 2.25.
def fmt_int(n: int) -> str:
    return f"{n:,}"


def fmt_dec(x: float, places: int = 1) -> str:
    return f"{x:.{places}f}"


def fmt_num(x: float) -> str:
    """120.0 -> '120', 0.15 -> '0.15', 1e6 -> '1000000' (never exponent notation)."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# A number written the English way inside text: 1,000 / 131,072 / 2.25 / 1,418.0, but not
# the digits of a name or version (llama-3.1-70b, v2.0, 0.6.3) nor a figure already in pt-BR.
_TEXT_NUMBER = re.compile(r"(?<![\w.,-])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w-]|[.,]\d)")
_SWAP = str.maketrans(",.", ".,")


def localize_numbers(text: str, lang: Lang) -> str:
    """Text whose numbers read the file's way: '1,000 sessions' -> '1.000 sessões' in pt-BR.

    The reports keep the seed's writing ('1,418.0 GiB'); a pt-BR workbook is pt-BR throughout.
    """
    return _TEXT_NUMBER.sub(lambda m: m.group().translate(_SWAP), text) if lang == "pt-BR" else text


def fmt_pct(ratio: float) -> str:
    """0.2 -> '20%', 0.125 -> '12.5%'."""
    return f"{fmt_num(round(ratio * 100, 4))}%"


# Money: the currency's sign in each language; other currencies show their code.
_CURRENCY_SIGNS: dict[str, dict[Lang, str]] = {
    "USD": {"pt-BR": "US$ ", "en": "$"},
    "BRL": {"pt-BR": "R$ ", "en": "R$ "},
    "EUR": {"pt-BR": "€ ", "en": "€"},
}


def fmt_money(
    amount: float,
    currency: str,
    lang: Lang,
    *,
    places: int | None = None,
    english_digits: bool = False,
) -> str:
    """R$ 1.234.567 / $1,234,567; amounts under 100 keep cents (US$ 3,73 / $3.73); `places`
    fixes the decimals (a price per token: $0.037). english_digits: the language's sign with
    1,234.5 digits, for a text that localize_numbers turns to the file's way afterwards."""
    if places is None:
        places = 2 if round(abs(amount), 2) < 100 else 0
    text = f"{abs(amount):,.{places}f}"
    if lang == "pt-BR" and not english_digits:  # Brazilian separators: 1.234.567,89
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    sign = _CURRENCY_SIGNS.get(currency, {}).get(lang, f"{currency} ")
    return f"{'-' if amount < 0 else ''}{sign}{text}"
