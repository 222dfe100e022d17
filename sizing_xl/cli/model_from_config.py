"""`sizing model-from-config`: a models.json entry from a Hugging Face config.json."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from sizing_xl.catalog.loading import merge_entries
from sizing_xl.cli.common import (
    EXIT_CATALOG,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_OUTPUT,
    Parser,
    fail,
)
from sizing_xl.config_import import import_model
from sizing_xl.errors import CatalogError, InputError
from sizing_xl.excel.columns import MODEL_COLUMNS, pasted_cell


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sizing model-from-config",
        description="Read a model's config.json (downloaded beforehand: no network is used) and "
        "print its models.json entry; a model.safetensors.index.json beside it gives the "
        "checkpoint size. Guesses are listed as warnings on stderr.",
    )
    p.add_argument("config", metavar="PATH", help="the model's config.json")
    p.add_argument("--name", metavar="NAME", help="catalog name (default: the config's model)")
    p.add_argument(
        "--format",
        choices=("json", "row"),
        default="json",
        help="json: a models.json entry (default); row: the Models sheet's header and row, "
        "tab-separated, to paste into a workbook",
    )
    p.add_argument(
        "--catalog-dir",
        metavar="DIR",
        help="merge the entry into DIR/models.json (atomically, keeping what is there)",
    )
    return p


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = parser.prog
    try:
        imported = import_model(args.config, name=args.name)
        written = (
            merge_entries(args.catalog_dir, "models", {imported.name: imported.entry})
            if args.catalog_dir
            else None
        )
    except InputError as exc:
        return fail(prog, f"{exc.field}: {exc.problem}", EXIT_INPUT)
    except CatalogError as exc:
        return fail(prog, f"catalog: {exc}", EXIT_CATALOG)
    except OSError as exc:
        return fail(prog, f"cannot write the catalog: {exc}", EXIT_OUTPUT)
    for warning in imported.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.format == "row":
        row = {"name": imported.name, **imported.entry}
        cells = [pasted_cell(row.get(c)) for c in MODEL_COLUMNS]
        sys.stdout.write("\t".join(MODEL_COLUMNS) + "\n" + "\t".join(cells) + "\n")
    else:
        sys.stdout.write(
            json.dumps({imported.name: imported.entry}, indent=2, ensure_ascii=False) + "\n"
        )
    if written is not None:
        sys.stdout.write(f"→ {written}\n")
    return EXIT_OK
