"""The tourism course's lessons say what their own data and model say.

A figure written in a lesson's text is read by a learner before any cell runs; these
tests recompute it from the course data and from isoko.econ.capacity, so that a change
to either cannot leave the text wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from isoko.econ import capacity

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "courses" / "tourism"
LESSONS = sorted((COURSE / "lessons").glob("*.ipynb"))


def text_of(name: str) -> str:
    nb = nbformat.read(COURSE / "lessons" / name, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def bookings_2024():
    days = pd.read_csv(COURSE / "data" / "tour-days-2024.csv")
    bookings = pd.read_csv(COURSE / "data" / "bookings-2024.csv")
    return days, bookings


def test_lesson_2_quotes_the_demand_of_its_data(bookings_2024):
    days, bookings = bookings_2024
    per_day = bookings.groupby("season")["guests"].sum() / days.groupby("season").size()
    text = text_of("02-seasonal-demand.ipynb")
    assert f"about {per_day['long dry']:.1f} guests a day" in text
    assert f"against {per_day['long rains']:.1f}" in text
    peak = bookings.loc[bookings["season"] == "long dry", "guests"].sum()
    share = peak / bookings["guests"].sum()
    days_share = (days["season"] == "long dry").mean()
    assert f"About {share:.0%} of the year's guests asked for {days_share:.0%}" in text


def test_lesson_3_quotes_the_capacity_model():
    plan = capacity.plan_year(capacity.DEFAULT_SEASONS, 6, 30_000, 0.20)
    usd = {row.season: row.price_rwf / 1_461 for row in plan}
    assert all(row.full for row in plan)
    text = text_of("03-prices-for-limited-places.ipynb")
    assert f"about USD {usd['long dry']:.0f} in" in text
    assert f"down to USD {usd['long rains']:.0f} in the long rains" in text
    one = capacity.best_single_price(capacity.DEFAULT_SEASONS, 6, 30_000, 0.20)
    # "The best single price is the peak price": within a franc of it.
    assert one.price_rwf == pytest.approx(plan[0].price_rwf, abs=1.0)


def test_lesson_5_quotes_what_the_deposit_adds():
    args = (94_300, 20, 0.15)
    without = capacity.expected_payout_with_cancellations(*args, 0.0, 0.20)
    with_deposit = capacity.expected_payout_with_cancellations(*args, 0.3, 0.20)
    gain = round(with_deposit - without, -3)
    assert f"adds about RWF {gain:,.0f} in a month of rains" in text_of(
        "05-cancellations-and-deposits.ipynb"
    )


def test_lesson_5_cancellation_rates_follow_the_rains(bookings_2024):
    _, bookings = bookings_2024
    accepted = bookings[bookings["status"] != "turned away"]
    rates = (accepted["status"] == "cancelled").groupby(accepted["season"]).mean()
    assert rates["long dry"] < 0.07 < 0.14 < rates["long rains"]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_ends_with_dated_sources_and_labels_assumptions(lesson):
    nb = nbformat.read(lesson, as_version=4)
    sources = nb.cells[-1].source
    assert sources.startswith("## Sources")
    assert re.search(r"20\d\d", sources), "a figure's source needs its date"
    assert "**Assumptions**" in sources or "assumption" in sources


def test_one_eric_one_town_in_every_lesson():
    opening = text_of("01-a-listing-that-converts.ipynb")
    assert "**Eric** (a made-up guide) lives in Musanze" in opening
    assert "cousin of Aline" in opening
    for lesson in LESSONS:
        text = "\n".join(c.source for c in nbformat.read(lesson, as_version=4).cells)
        names = set(re.findall(r"\b(Eric|Aline|Divine)\b", text))
        assert names <= {"Eric", "Aline"}, f"{lesson.name} names {names}"
