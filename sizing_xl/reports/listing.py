"""`sizing --list`: what the catalogs hold, as lines in the report's language."""

from __future__ import annotations

from collections.abc import Mapping

from sizing_xl.catalog import Catalog, FinanceFigure
from sizing_xl.i18n import Lang, fmt_dec, fmt_money, fmt_num
from sizing_xl.reports.catalog_phrases import catalog_text
from sizing_xl.reports.finops import ASSUMPTIONS, assumption_text
from sizing_xl.reports.text import _WORDS, describe_model


def render_catalog_listing(catalog: Catalog, kind: str, lang: Lang = "en") -> str:
    """A readable listing of what the catalogs hold ('all' or one of them: 'models', 'servers',
    'storage', 'cloud', 'api', 'finance') in the language: catalog text prints as written, but
    for the phrases catalog_phrases.py renders."""
    w = _WORDS[lang]

    def usd(x: float) -> str:  # $0.037, $16, US$ 55,04: the digits the catalog gives
        return fmt_money(x, "USD", lang, places=len(fmt_num(x).partition(".")[2]))

    def figure(name: str, f: FinanceFigure) -> str:
        if lang == "en" or name not in ASSUMPTIONS:
            return f"{fmt_num(f.value)} {catalog_text(f.unit, lang)}"
        return assumption_text(name, f.value, usd, lang)

    def heading(key: str, entries: Mapping[str, object]) -> str:
        return f"{w['list_' + key]} ({len(entries)})"

    lines: list[str] = []
    if kind in ("all", "models"):
        lines.append(heading("models", catalog.models))
        lines += [f"  {m.name:<18} {describe_model(m, lang)}" for m in catalog.models.values()]
    if kind in ("all", "servers"):
        lines.append(heading("servers", catalog.servers))
        lines += [
            f"  {s.name:<18} {s.gpus_per_node} × {s.gpu} ({fmt_num(s.hbm_per_gpu_gb)} GB), "
            f"{fmt_num(s.hbm_total_gb)} GB = {fmt_dec(s.hbm_total_gib)} GiB HBM — {s.label}"
            for s in catalog.servers.values()
        ]
    if kind in ("all", "cloud"):
        lines.append(heading("cloud", catalog.cloud))
        lines += [
            f"  {o.name:<22} "
            + w["list_cloud_line"].format(
                provider=o.provider,
                instance=o.instance,
                server=o.server,
                price=fmt_money(o.usd_per_hour, "USD", lang, places=2),
                kind=catalog_text(o.price_kind, lang),
                as_of=o.as_of,
            )
            for o in catalog.cloud.values()
        ]
    if kind in ("all", "api"):
        lines.append(heading("api", catalog.api))
        lines += [
            f"  {p.name:<30} "
            + w["list_api_line"].format(
                provider=p.provider,
                input=usd(p.usd_per_mtok_input),
                output=usd(p.usd_per_mtok_output),
                models=", ".join(p.models),
                as_of=p.as_of,
            )
            for p in catalog.api.values()
        ]
    if kind in ("all", "finance"):
        lines.append(heading("finance", catalog.finance))
        lines += [
            f"  {name:<32} {figure(name, f)} ({f.as_of})" for name, f in catalog.finance.items()
        ]
    if kind in ("all", "storage"):
        lines.append(heading("storage", catalog.storage))
        lines += [
            f"  {p.name:<18} "
            + w["list_storage_line"].format(
                read=fmt_num(p.read_gbps), p99=fmt_num(p.p99_latency_ms)
            )
            for p in catalog.storage.values()
        ]
    lines.append("")
    lines.append(f"{w['list_files']}: " + ", ".join(catalog.files))
    return "\n".join(lines) + "\n"
