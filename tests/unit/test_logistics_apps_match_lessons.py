"""The logistics course's two apps start where its lessons are: a learner sent from a
lesson to the air-or-sea or stock-and-reorder app sees Aline's bottles with the lesson's
own figures, and the lesson asks the app's task in the catalog's words.

The lessons' figures are read by running their code (in this process, from the lessons'
folder), so a change on either side that makes them disagree fails here.
"""

import contextlib
import io
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from isoko.sims import freight, stock
from isoko.sims.registry import find

LESSONS = Path(__file__).resolve().parents[2] / "courses" / "logistics" / "lessons"


@cache
def lesson_values(name: str) -> dict:
    """The names a lesson's code cells define, run top to bottom, placeholders untouched."""
    nb = nbformat.read(LESSONS / f"{name}.ipynb", as_version=4)
    namespace: dict = {}
    with contextlib.chdir(LESSONS), contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{name}:{cell.get('id')}", "exec"), namespace)
    return namespace


def defaults(inputs) -> dict:
    return {i.name: i.default for i in inputs}


def test_air_or_sea_starts_with_alines_shipment():
    one, three = lesson_values("01-landed-cost"), lesson_values("03-air-or-sea")
    app = defaults(freight.INPUTS)
    assert app["units"] == one["bottles"] == 1_200
    assert app["units_per_carton"] == one["bottles_per_carton"]
    assert app["unit_weight_kg"] * app["units_per_carton"] == pytest.approx(
        one["carton_kg"], rel=0.02
    )
    carton_cm = (app["carton_length_cm"], app["carton_width_cm"], app["carton_height_cm"])
    assert carton_cm[0] * carton_cm[1] * carton_cm[2] / 1e6 == pytest.approx(three["carton_cbm"])
    # the value declared at customs: making and packing one bottle, in USD
    made_rwf = one["make_rwf"] + one["packaging_rwf"]
    assert app["goods_value_usd"] * one["rwf_per_usd"] == pytest.approx(made_rwf, rel=0.005)
    assert app["air_rate_usd_per_kg"] == one["air_usd_per_kg"]
    assert app["annual_cost_of_capital"] == three["yearly_rate"]
    assert (app["rwf_per_usd"], app["rwf_per_cny"]) == (one["rwf_per_usd"], one["rwf_per_cny"])
    # Aline's channel taxes her shop price: the app's retail VAT is the lesson's
    assert app["shop_price_cny"] == one["price_cny"]
    retail = freight.model(**{**app, "cross_border_retail": True})
    assert retail.comparison.air.landed.vat == pytest.approx(one["vat_rwf"])


def test_stock_and_reorder_starts_with_alines_ordinary_days_by_air():
    one, five = lesson_values("01-landed-cost"), lesson_values("05-stock-and-reorder")
    app = defaults(stock.INPUTS)
    assert app["mean_daily_demand"] == round(five["mean_daily"]) == 36
    assert app["sd_daily_demand"] == round(five["sd_daily"]) == 13
    shortest, longest = app["lead_time_days"]
    assert (shortest + longest) / 2 == five["lead_air"]  # making days included
    assert app["order_quantity"] == one["bottles"]
    # her costs by air, lesson 1: the landed cost, the fees of a shipment, the margin
    assert app["unit_cost_rwf"] == round(one["landed_rwf"])
    assert app["order_cost_rwf"] == round(one["fees_usd"] * one["rwf_per_usd"])
    assert app["lost_sale_cost_rwf"] == round(one["price_rwf"] - one["landed_rwf"])


@pytest.mark.parametrize(
    ("lesson", "sim_id"),
    [
        ("01-landed-cost", "air-or-sea"),
        ("03-air-or-sea", "air-or-sea"),
        ("05-stock-and-reorder", "stock-and-reorder"),
    ],
)
def test_the_lesson_asks_the_apps_task_and_no_longer_works_round_packs(lesson, sim_id):
    nb = nbformat.read(LESSONS / f"{lesson}.ipynb", as_version=4)
    link = f"../apps/{sim_id}.ipynb"
    (cell,) = [c for c in nb.cells if c.cell_type == "markdown" and link in c.source]
    words = " ".join(cell.source.split())
    task = find(sim_id).task
    assert (task[0].lower() + task[1:]) in words
    assert not re.search(r"\bpacks?\b", words)
