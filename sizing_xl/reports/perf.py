"""`sizing perf` as text, JSON and CSV: the step-time estimate at each load, and how far to trust it."""

from __future__ import annotations

import csv
import io
import json

from sizing_xl import __version__
from sizing_xl.i18n import Lang, fmt_dec, fmt_int
from sizing_xl.planning.perf import PerfCurve
from sizing_xl.reports.finops import STEP_PARTS
from sizing_xl.reports.planning import table
from sizing_xl.results import plain
from sizing_xl.step_time import PerfAccuracy, perf_accuracy

WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "title": "Estimativa por passo: {model} em {server}, TP {tp}, pool de KV do {engine}; "
        "{isl} tokens de entrada + {osl} de saída",
        "pool": "Pesos {weights} GiB ({precision}), KV {kv}; o pool de KV guarda {sessions} "
        "sessões de {tokens} tokens por réplica (acima disso, a fila espera)",
        "trust": "Estimativa: em benchmarks públicos não usados no ajuste, tokens/s por usuário "
        "ficam tipicamente a {user}× do medido (pior {user_worst}×), TTFT a {ttft}× (pior "
        "{ttft_worst}×): python scripts/fidelity.py --perf",
        "unmeasured": "ℹ Fora do que foi medido: {what}; a estimativa extrapola.",
        "gpu": "nenhum ponto medido na GPU {gpu}",
        "engine": "nenhum ponto medido com {engine}",
        "concurrency": "Concorrência",
        "batch": "Lote",
        "queued": "Fila",
        "ttft": "TTFT ms",
        "tpot": "TPOT ms",
        "per_user": "tok/s por usuário",
        "per_gpu": "tok/s por GPU",
        "bound": "Limite",
        "sheet": "Desempenho",
        "curve": "Interatividade: tokens/s por GPU × tokens/s por usuário",
    },
    "en": {
        "title": "Step-time estimate: {model} on {server}, TP {tp}, {engine}'s KV pool; "
        "{isl} input + {osl} output tokens",
        "pool": "Weights {weights} GiB ({precision}), KV {kv}; the KV pool holds {sessions} "
        "sessions of {tokens} tokens per replica (beyond that, the queue waits)",
        "trust": "An estimate: on public benchmarks not used to fit it, per-user tokens/s is "
        "typically {user}× from the measured (worst {user_worst}×), TTFT {ttft}× (worst "
        "{ttft_worst}×): python scripts/fidelity.py --perf",
        "unmeasured": "ℹ Outside what was measured: {what}; the estimate extrapolates.",
        "gpu": "no measured point on the {gpu} GPU",
        "engine": "no measured point with {engine}",
        "concurrency": "Concurrency",
        "batch": "Batch",
        "queued": "Queued",
        "ttft": "TTFT ms",
        "tpot": "TPOT ms",
        "per_user": "tok/s per user",
        "per_gpu": "tok/s per GPU",
        "bound": "Bound",
        "sheet": "Performance",
        "curve": "Interactivity: tokens/s per GPU against tokens/s per user",
    },
}
assert set(WORDS["en"]) == set(WORDS["pt-BR"])
ENGINES = {"vllm": "vLLM", "sglang": "SGLang"}


def coverage_gaps(curve: PerfCurve, gpu: str, accuracy: PerfAccuracy, lang: Lang) -> list[str]:
    """What the estimate extrapolates to: a GPU or an engine with no measured point."""
    w = WORDS[lang]
    gaps = []
    if gpu not in accuracy.measured_gpus:
        gaps.append(w["gpu"].format(gpu=gpu))
    if curve.engine not in accuracy.measured_engines:
        gaps.append(w["engine"].format(engine=ENGINES.get(curve.engine, curve.engine)))
    return gaps


def perf_lines(curve: PerfCurve, gpu: str, lang: Lang) -> list[str]:
    """The heading, the KV pool, how far to trust the estimate, and what it extrapolates to."""
    w, a = WORDS[lang], perf_accuracy()
    lines = [
        w["title"].format(
            model=curve.model,
            server=curve.server,
            tp=curve.tensor_parallel,
            engine=ENGINES[curve.engine],
            isl=fmt_int(curve.input_tokens),
            osl=fmt_int(curve.output_tokens),
        ),
        w["pool"].format(
            weights=fmt_dec(curve.weights_gib),
            precision=curve.weights_precision or "?",
            kv=curve.kv_precision,
            sessions=fmt_int(curve.kv_sessions),
            tokens=fmt_int(curve.input_tokens + curve.output_tokens),
        ),
        w["trust"].format(
            user=fmt_dec(a.tokens_per_second_per_user_factor, 2),
            user_worst=fmt_dec(a.tokens_per_second_per_user_worst, 1),
            ttft=fmt_dec(a.ttft_factor, 2),
            ttft_worst=fmt_dec(a.ttft_worst, 1),
        ),
    ]
    gaps = coverage_gaps(curve, gpu, a, lang)
    if gaps:
        lines.append(w["unmeasured"].format(what="; ".join(gaps)))
    return lines


def render_perf_text(curve: PerfCurve, gpu: str, lang: Lang) -> str:
    w = WORDS[lang]
    lines = perf_lines(curve, gpu, lang)
    header = [w[k] for k in ("concurrency", "batch", "queued", "ttft", "tpot", "per_user")]
    header += [w["per_gpu"], w["bound"]]
    rows = [
        [
            fmt_int(n),
            fmt_int(e.batch),
            fmt_int(e.queued),
            fmt_int(round(e.ttft_ms)),
            fmt_dec(e.tpot_ms),
            fmt_dec(e.tokens_per_second_per_user),
            fmt_int(round(e.tokens_per_second_per_gpu)),
            STEP_PARTS[lang][e.bound],
        ]
        for n, e in zip(curve.concurrencies, curve.estimates, strict=True)
    ]
    return "\n".join([*lines, "", *table(header, rows, left=(7,))]) + "\n"


def perf_document(curve: PerfCurve, gpu: str, lang: Lang) -> dict[str, object]:
    doc = plain(curve)
    assert isinstance(doc, dict)
    doc.pop("estimates")
    doc.pop("concurrencies")
    a = perf_accuracy()
    return {
        "tool": {"name": "sizing_xl", "version": __version__, "lang": lang},
        **doc,
        "accuracy": {**plain(a), "outside_measured": coverage_gaps(curve, gpu, a, lang)},
        "points": [
            {"concurrency": n, **plain(e)}  # type: ignore[dict-item]
            for n, e in zip(curve.concurrencies, curve.estimates, strict=True)
        ],
    }


def render_perf_json(curve: PerfCurve, gpu: str, lang: Lang) -> str:
    return json.dumps(perf_document(curve, gpu, lang), indent=2, ensure_ascii=False) + "\n"


def render_perf_csv(curve: PerfCurve) -> str:
    """One row per concurrency: every figure of the estimate, in ms and tokens/s."""
    points = perf_document(curve, "", "en")["points"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(points[0]), lineterminator="\n")  # type: ignore[index]
    writer.writeheader()
    for row in points:  # type: ignore[attr-defined]
        writer.writerow({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})
    return out.getvalue()
