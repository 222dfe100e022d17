"""The FOCUS forecast (--output-focus): the specification's mandatory columns, their types and
nulls as its column files state them (tests/data/focus), and amounts that add up to the sizing."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sizing_xl import make_request, size
from sizing_xl.cli import run
from sizing_xl.cli.common import EXIT_INPUT
from sizing_xl.reports.focus import render_focus_csv
from sizing_xl.scenarios import SCENARIO_NAMES
from tests.conftest import SEED_FLAGS

SPEC = json.loads(
    (Path(__file__).parent / "data" / "focus" / "columns-v1.2.json").read_text("utf-8")
)
MANDATORY = {c["column"]: c for c in SPEC["columns"] if c["feature_level"] == "Mandatory"}
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")  # ISO 8601 extended, UTC


@pytest.fixture(scope="module")
def priced():
    return size(
        make_request(
            model="llama-3.1-70b",
            server="dgx-h100",
            concurrency=1000,
            effective_context=8192,
            tensor_parallel=8,
            node_price_usd=300000,
            cloud_offer="aws-p5.48xlarge",
            currency="BRL",
            usd_to_currency=5.4,
            rate_as_of="2026-11-20",
        )
    )


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_mandatory_column_is_there_typed_and_filled_as_the_spec_says(priced):
    rows = rows_of(render_focus_csv(priced, start=date(2027, 1, 1), months=3))
    assert len(MANDATORY) >= 20 and rows
    columns = set(rows[0])
    assert set(MANDATORY) <= columns
    assert all(c in MANDATORY or c.startswith("x_") or c in {c["column"] for c in SPEC["columns"]}
               for c in columns)  # fmt: skip
    for row in rows:
        for name, spec in MANDATORY.items():
            value = row[name]
            if not spec["allows_nulls"]:
                assert value != "", (name, row)
            if value == "":
                continue
            if spec["data_type"] == "Decimal":
                Decimal(value)  # a valid decimal
            elif spec["data_type"] == "Date/Time":
                assert STAMP.fullmatch(value), (name, value)
        assert row["ChargeCategory"] in {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
        assert row["ServiceCategory"] == "AI and Machine Learning"
        assert row["BillingCurrency"] == "BRL"
        assert row["ChargePeriodStart"] < row["ChargePeriodEnd"]


def test_the_components_add_up_to_the_sizings_monthly_costs(priced):
    rows = rows_of(render_focus_csv(priced, start=date(2027, 11, 1), months=3))
    starts = sorted({r["ChargePeriodStart"] for r in rows})
    assert starts == ["2027-11-01T00:00:00Z", "2027-12-01T00:00:00Z", "2028-01-01T00:00:00Z"]
    rate = priced.finance.usd_to_currency
    for start in starts:
        for name in SCENARIO_NAMES:
            cost = priced.scenario(name).cost
            mine = [r for r in rows if r["ChargePeriodStart"] == start and r["x_Scenario"] == name]
            owned = sum(
                float(r["EffectiveCost"]) for r in mine if r["x_CostComponent"] != "CloudRent"
            )
            cloud = [float(r["EffectiveCost"]) for r in mine if r["x_CostComponent"] == "CloudRent"]
            assert owned == pytest.approx(cost.tco_monthly_usd * rate, abs=0.05)
            assert cloud == [pytest.approx(cost.cloud_monthly_usd * rate, abs=0.005)]
            assert {int(r["PricingQuantity"]) for r in mine} == {cost.nodes}


def test_the_cli_writes_the_forecast_or_refuses_before_writing_anything(tmp_path, capsys):
    focus, doc = tmp_path / "forecast.csv", tmp_path / "doc.json"
    args = [*SEED_FLAGS, "--output-json-file", str(doc), "--output-focus", str(focus)]
    assert run([*args, "--focus-start", "2027-13"]) == EXIT_INPUT
    assert "--focus-start" in capsys.readouterr().err
    assert not focus.exists() and not doc.exists()  # every value checked before any write
    assert run([*args, "--focus-start", "2027-01", "--focus-months", "2"]) == 0
    rows = rows_of(focus.read_text("utf-8"))
    # the seed's server has no public price: energy and facilities only, per scenario and month
    assert {r["x_CostComponent"] for r in rows} == {"Energy", "Facilities"}
    assert len(rows) == 2 * 3 * 2


def test_sizing_focus_spills_the_same_rows_as_the_csv():
    import csv
    import io
    from datetime import date

    from sizing_xl import load_catalog, make_request, size
    from sizing_xl.reports.focus import render_focus_csv
    from sizing_xl.udfs import SIZING_FOCUS

    options = [["node_price_usd", 400000.0], ["currency", "BRL"], ["usd_to_currency", 5.4]]
    args = ("llama-3.1-70b", "dgx-h100", 700.0, 32768.0)
    table = SIZING_FOCUS("2027-01", 3.0, *args, options=options)
    result = size(
        make_request(
            model="llama-3.1-70b",
            server="dgx-h100",
            concurrency=700,
            effective_context=32768,
            node_price_usd=400000,
            currency="BRL",
            usd_to_currency=5.4,
        ),
        load_catalog(),
    )
    rows = list(csv.reader(io.StringIO(render_focus_csv(result, start=date(2027, 1, 1), months=3))))
    assert table[0] == rows[0] and len(table) == len(rows) == 1 + 3 * 3 * 6
    for cells, written in zip(table[1:], rows[1:], strict=True):
        for cell, text in zip(cells, written, strict=True):
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                assert float(text) == pytest.approx(cell, abs=0.005)  # the CSV's cents
            else:
                assert cell == text
    one = SIZING_FOCUS("2027-01", 3.0, *args, "ideal", options=options)
    assert len(one) - 1 == (len(table) - 1) // 3
    assert SIZING_FOCUS("2027-13", 3.0, *args).startswith("ERROR: focus_start:")
