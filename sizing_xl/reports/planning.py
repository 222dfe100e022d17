"""Sweeps, growth plans and server comparisons as text tables, CSV and JSON documents."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Collection, Iterable, Iterator, Sequence

from sizing_xl import __version__
from sizing_xl.i18n import SCENARIO_TITLES, Lang, fmt_int, fmt_pct, scenario_titles
from sizing_xl.planning.compare import RANKED_BY
from sizing_xl.planning.growth import GrowthPlan
from sizing_xl.planning.sweep import Axis, Grid
from sizing_xl.records import field_values
from sizing_xl.reports.finops import Money, in_currency, money_column, rate_line
from sizing_xl.reports.planning_words import AXIS_LABELS, WORDS
from sizing_xl.reports.text import alerts_document
from sizing_xl.request import SCENARIO_NAMES, SizingRequest
from sizing_xl.results import ScenarioResult, plain
from sizing_xl.scenarios import SizingResult


def flag_name(field: str) -> str:
    """A request field as its flag reads, the way a user typed it in --vary."""
    return field.replace("_", "-")


def axis_label(field: str, lang: Lang) -> str:
    """A sweep's axis as its tables head it: 'Contexto efetivo (tokens)' in pt-BR (the flag's
    name for a field with no label)."""
    labels = AXIS_LABELS.get(field)
    return flag_name(field) if labels is None else labels[0 if lang == "pt-BR" else 1]


def shown_value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return fmt_int(value) if isinstance(value, int) else f"{value:g}"


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], left: Collection[int] = (0,)
) -> list[str]:
    """Columns padded to their widest cell: words (the `left` columns) flush left, figures right."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def node_count(n: int | None, lang: Lang) -> str:
    return WORDS[lang]["infeasible"] if n is None else fmt_int(n)


def _about(request: SizingRequest, axes: Sequence[Axis] = ()) -> dict[str, str]:
    """Model, server and method for a heading; a varied one lists its values."""
    varied = {a.field: ", ".join(map(str, a.values)) for a in axes}
    return {key: varied.get(key, getattr(request, key)) for key in ("model", "server", "method")}


def tool_info(lang: Lang) -> dict[str, str]:
    return {"name": "sizing_xl", "version": __version__, "lang": lang}


# --- sweeps ---------------------------------------------------------------------------------


def render_sweep_text(grid: Grid, request: SizingRequest, lang: Lang) -> str:
    """The table; a point a single sizing would mark critical carries a mark, explained below."""
    header = [axis_label(a.field, lang) for a in grid.axes] + scenario_titles(lang)
    marks, notes = critical_marks(grid, lang)
    rows = [
        [shown_value(v) for v in point.values()]
        + [node_count(nodes[n], lang) for n in SCENARIO_NAMES]
        + ([marks[i]] if notes else [])
        for i, (point, nodes) in enumerate(grid.rows())
    ]
    if notes:
        header.append(WORDS[lang]["critical"])
    body = table(header, rows, left=(len(header) - 1,) if notes else ())
    return "\n".join([sweep_heading(grid, request, lang), "", *body, *notes]) + "\n"


def critical_marks(grid: Grid, lang: Lang) -> tuple[list[str], list[str]]:
    """Each point's mark (⚠1, ⚠2, ... numbering the distinct critical alerts; '' for none),
    and a note per mark saying what it means."""
    found: dict[str, tuple[str, str]] = {}  # message -> (mark, code)
    marks = []
    for i in range(len(grid.nodes)):
        alert = grid.alert_at(i)
        if alert is None:
            marks.append("")
            continue
        message = alert.message(lang)
        found.setdefault(message, (f"⚠{len(found) + 1}", alert.code))
        marks.append(found[message][0])
    notes = [
        WORDS[lang]["critical_note"].format(mark=mark, code=code, message=message)
        for message, (mark, code) in found.items()
    ]
    return marks, notes


def sweep_heading(grid: Grid, request: SizingRequest, lang: Lang) -> str:
    """What the sweep sizes: model, server and method, or the values varied among them."""
    return WORDS[lang]["sweep_title"].format(**_about(request, grid.axes))


def render_sweep_csv(grid: Grid) -> str:
    """One row per point: the varied values, nodes per scenario (empty: infeasible), and the
    code of the critical alert a single sizing of the point raises beside its nodes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [a.field for a in grid.axes] + [f"{n}_nodes" for n in SCENARIO_NAMES] + ["critical_alert"]
    )
    for i, (point, nodes) in enumerate(grid.rows()):
        alert = grid.alert_at(i)
        writer.writerow(
            [
                *point.values(),
                *("" if n is None else n for n in nodes.values()),
                "" if alert is None else alert.code,
            ]
        )
    return out.getvalue()


# A stage's sub-records every concurrency of a sweep shares: the same objects at every point
# (planning/sweep.iter_results), so each is converted and encoded once.
SHARED_RESULTS = ("memory", "throughput")


def point_lines(sized: Iterable[tuple[dict, SizingResult]], lang: Lang) -> Iterator[str]:
    """Each point as one compact JSON text (json's C encoder): its varied inputs, and the
    scenarios and alerts of the single sizing's document (result_document). A shared sub-record
    enters the point as a marker string that its own text then replaces: the marker holds a
    control character, which json writes escaped, so no text of a document matches it. Only
    the most recent stages' sub-records are held, each kept alive (so its id stays its own)."""
    names, values_of = field_values(ScenarioResult)
    shared_at = [i for i, name in enumerate(names) if name in SHARED_RESULTS]
    held: dict[int, tuple[object, str, str, str]] = {}  # id -> (it, marker, as JSON, its text)
    numbers = itertools.count()
    for point, result in sized:
        used: dict[str, str] = {}
        scenarios = {}
        for name, scenario in result.scenarios.items():
            values = list(values_of(scenario.results))
            for i in shared_at:
                sub = values[i]
                if sub is None:
                    continue
                entry = held.get(id(sub))
                if entry is None:
                    if len(held) >= HELD_SUBRECORDS:
                        held.clear()
                    marker = f"\x00shared {next(numbers)}"
                    entry = (sub, marker, _compact(marker), _compact(plain(sub)))
                    held[id(sub)] = entry
                values[i] = entry[1]
                used[entry[2]] = entry[3]
            results = {n: plain(v) for n, v in zip(names, values, strict=True)}
            scenarios[name] = {"name": scenario.name, "results": results}
        doc = {"inputs": point, "scenarios": scenarios, "alerts": alerts_document(result, lang)}
        text = _compact(doc)
        for marker, sub_text in used.items():
            text = text.replace(marker, sub_text)
        yield text


HELD_SUBRECORDS = 64  # a few stages' memory and throughput records


def _compact(doc: object) -> str:
    return json.dumps(doc, ensure_ascii=False)


def stream_sweep_json(sized: Iterable[tuple[dict, SizingResult]], lang: Lang) -> Iterator[str]:
    """The points as one JSON document written as they come, so that memory does not grow
    with the points: the tool's block indented, then a point per line, each the JSON Lines
    line (point_lines; json's C encoder writes compact text only, an indented point takes
    Python's encoder, some three times slower)."""
    head = json.dumps({"tool": tool_info(lang)}, indent=2, ensure_ascii=False)
    yield head[:-2] + ',\n  "points": ['
    sep = "\n    "
    for line in point_lines(sized, lang):
        yield sep + line
        sep = ",\n    "
    yield "]\n}\n" if sep == "\n    " else "\n  ]\n}\n"


def stream_sweep_jsonl(sized: Iterable[tuple[dict, SizingResult]], lang: Lang) -> Iterator[str]:
    """JSON Lines: one compact line per point, the JSON sweep's points as they come."""
    for line in point_lines(sized, lang):
        yield line + "\n"


def dumps(doc: object) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- growth ---------------------------------------------------------------------------------


def growth_heading(
    plan: GrowthPlan, request: SizingRequest, lang: Lang, growth: float | None
) -> str:
    """What the plan sizes and how its load grows (a rate, or a list given month by month)."""
    w, months = WORDS[lang], len(plan.months) - 1
    load = (
        w["growth_list"].format(months=months)
        if growth is None
        else w["growth_rate"].format(
            rate=fmt_pct(growth), start=fmt_int(plan.months[0].concurrency), months=months
        )
    )
    return w["growth_title"].format(**_about(request), load=load)


def render_growth_text(
    plan: GrowthPlan, request: SizingRequest, lang: Lang, growth: float | None
) -> str:
    w, money = WORDS[lang], Money(plan.finance, lang)
    priced = {
        key: any(getattr(m, key)[RANKED_BY] is not None for m in plan.months)
        for key in ("tco_monthly_usd", "cloud_monthly_usd")
    }
    header = [w["month"], w["concurrency"], *scenario_titles(lang)]
    header += [
        w[k]
        for k, key in (("tco", "tco_monthly_usd"), ("cloud", "cloud_monthly_usd"))
        if priced[key]
    ]
    rows, before = [], None
    for m in plan.months:
        cells = [str(m.month), fmt_int(m.concurrency)]
        for name in SCENARIO_NAMES:
            rise = before is not None and m.nodes[name] != before.nodes[name]
            cells.append(node_count(m.nodes[name], lang) + (" ▲" if rise else "  "))
        cells += [money(getattr(m, key)[RANKED_BY]) for key in priced if priced[key]]
        rows.append(cells)
        before = m
    firsts = [next((s for s in plan.steps if s.scenario == n), None) for n in SCENARIO_NAMES]
    steps = [
        w["step"].format(
            scenario=SCENARIO_TITLES[s.scenario][lang],
            month=s.month,
            concurrency=fmt_int(s.concurrency),
        )
        for s in firsts
        if s is not None
    ]
    rate = rate_line(plan.finance, lang)
    lines = [
        growth_heading(plan, request, lang, growth),
        *([rate] if rate else []),
        "",
        *table(header, rows),
        "",
        w["rise"],
        w["first_step"].format(steps="; ".join(steps) if steps else w["no_step"]),
    ]
    if not any(priced.values()):
        lines.append(w["no_prices"])
    lines += _purchases(plan, money, lang)
    return "\n".join(lines) + "\n"


def _purchases(plan: GrowthPlan, money: Money, lang: Lang) -> list[str]:
    """When the Recommended fleet buys nodes, what each purchase costs, and what the owned
    fleet costs more each month from then on."""
    w = WORDS[lang]
    bought = [s for s in plan.steps if s.scenario == RANKED_BY and s.capex_usd is not None]
    if not bought:
        return []
    return ["", w["purchases"]] + [
        "  "
        + w["purchase"].format(
            month=s.month,
            before=node_count(s.nodes_before, lang),
            nodes=node_count(s.nodes, lang),
            capex=money(s.capex_usd),
            monthly=money(s.tco_monthly_increase_usd),
        )
        for s in bought
    ]


def cents(amount: float | None) -> str:
    """A money column: to the cent, no float noise (63446.01, not 63446.01000000001)."""
    return "" if amount is None else f"{amount:.2f}"


def render_growth_csv(plan: GrowthPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = SCENARIO_NAMES
    f = plan.finance
    writer.writerow(
        ["month", "concurrency"]
        + [f"{n}_nodes" for n in names]
        + [money_column(f"{n}_tco_monthly", f) for n in names]
        + [money_column(f"{n}_cloud_monthly", f) for n in names]
    )
    for m in plan.months:
        nodes = ["" if m.nodes[n] is None else m.nodes[n] for n in names]
        money = [m.tco_monthly_usd[n] for n in names] + [m.cloud_monthly_usd[n] for n in names]
        writer.writerow(
            [m.month, m.concurrency, *nodes, *(cents(in_currency(v, f)) for v in money)]
        )
    return out.getvalue()


def render_growth_json(plan: GrowthPlan, lang: Lang) -> str:
    return dumps(
        {
            "tool": tool_info(lang),
            "finance": plain(plan.finance),
            "months": plain(plan.months),
            "steps": plain(plan.steps),
        }
    )
