"""The season-pricing simulator, headless: widgets driven from Python, no browser."""

import re
import xml.etree.ElementTree as ET
from unittest import mock

import pytest

from isoko.econ import capacity
from isoko.sims.registry import find
from isoko.sims.seasons import SeasonPricingSimulator, model
from support.sims import SVG, texts

# Defaults (the tourism course's gorilla-trek day): USD 100 at RWF 1,461 = RWF 146,100 a
# guest at the reference; 6 places; cost RWF 30,000 a guest; Airbnb's 20% fee;
# elasticity -2. Without a limit on places the best price is 30,000 / 0.8 x 2 / 1 =
# RWF 75,000 in every season.
FREE_PRICE = 30_000 / 0.8 * 2
REFERENCE = 100 * 1_461
# The long dry season asks for 8 a day at RWF 146,100; 75,000 would draw
# 8 x (75,000 / 146,100) ** -2 = 30.4 > 6: the price rises to fill the 6 places,
# 146,100 x (6 / 8) ** (1 / -2) = RWF 168,702.
PEAK_FILL = REFERENCE * (6 / 8) ** (1 / -2)
PEAK = "Long dry (June to mid-September)"
LONG_RAINS = "Long rains (March to May)"


def bars(svg: str) -> dict[tuple[str, str], float]:
    """(season label, group label) -> the bar's value."""
    root = ET.fromstring(svg)
    return {
        (r.get("data-bar"), r.get("data-group")): float(r.get("data-value"))
        for r in root.iter(f"{SVG}rect")
        if r.get("data-bar")
    }


def title(svg: str) -> str:
    root = ET.fromstring(svg)
    return next(t.text for t in root.iter(f"{SVG}text") if t.get("data-title"))


@pytest.fixture
def sim():
    return SeasonPricingSimulator(language="en")


def test_the_catalog_entry_builds_it_for_the_tourism_course():
    entry = find("season-pricing")
    assert entry.course == "tourism"
    assert entry.title == "Tour prices across the seasons"
    assert entry.question == (
        "How should I price my tour across the seasons with a fixed number of places?"
    )
    assert type(entry.factory(language="en")) is SeasonPricingSimulator


def test_defaults_come_from_the_facts(sim):
    c = sim.controls
    assert c["commission_rate"].value == pytest.approx(0.20)  # Airbnb Experiences fee
    assert c["places_per_day"].value == 6
    assert c["cost_per_guest_rwf"].value == 30_000
    assert capacity.DEFAULT_SEASONS[0].reference_price_rwf == REFERENCE
    shown = texts(sim.view)
    assert "Airbnb Experiences hosts pay a 20% fee" in shown
    assert "June to mid-September" in shown


def test_six_places_fill_in_every_season_at_its_own_price(sim):
    assert all(item.full for item in sim.plan)
    assert sim.plan[0].price_rwf == pytest.approx(PEAK_FILL)
    # long rains: 146,100 x (6 / 2.5) ** -0.5 = RWF 94,307 (about USD 65)
    assert sim.plan[3].price_rwf == pytest.approx(94_307, abs=1)
    html = sim.figure_html
    assert f"{PEAK}: RWF 168,702, all 6 places sold" in html
    assert f"{LONG_RAINS}: RWF 94,307, all 6 places sold" in html


def test_with_ten_places_the_long_rains_leave_places_empty(sim):
    sim.places_per_day = 10
    # at RWF 75,000 the long rains ask for 2.5 x (75,000 / 146,100) ** -2 = 9.49 < 10
    rains = sim.plan[3]
    assert rains.price_rwf == pytest.approx(FREE_PRICE)
    assert rains.places_sold_per_day == pytest.approx(9.487, abs=1e-3)
    assert not rains.full
    assert [item.full for item in sim.plan] == [True, True, True, False]
    assert f"{LONG_RAINS}: RWF 75,000, 9.5 of 10 places sold" in sim.figure_html


def test_the_readout_and_the_title_say_what_seasonal_prices_add(sim):
    r = sim.result
    assert r.gain_rwf == pytest.approx(r.seasonal_profit_rwf - r.single.profit_rwf)
    # one price all year is the peak's: the rains' seats stay empty at it
    assert r.single.price_rwf == pytest.approx(PEAK_FILL, rel=1e-6)
    assert r.gain_rwf == pytest.approx(18_618_816, abs=2)
    gain = f"RWF {r.gain_rwf:,.0f}"
    assert f"Prices by season earn {gain} more a year." in sim.figure_html
    assert title(sim.chart_svg) == f"Prices by season earn {gain} more a year"
    assert f"Prices by season: profit RWF {r.seasonal_profit_rwf:,.0f} a year" in sim.figure_html
    assert "One price all year, RWF 168,702 (about USD 115): profit RWF " in sim.figure_html


def test_the_charts_show_each_season_s_price_and_guests_under_both_plans(sim):
    prices, guests = bars(sim.chart_svg), bars(sim.places_chart_svg)
    assert len(prices) == len(guests) == 2 * len(capacity.DEFAULT_SEASONS)
    assert prices[PEAK, "Price by season"] == pytest.approx(PEAK_FILL, rel=1e-5)
    assert prices[LONG_RAINS, "Price by season"] == pytest.approx(94_307, rel=1e-5)
    single = sim.single.price_rwf
    alone = [v for (_s, g), v in prices.items() if g == "One price all year"]
    assert alone == [pytest.approx(single, rel=1e-5)] * 4
    assert guests[PEAK, "Price by season"] == 6
    # at the peak's price the long rains sell 2.5 x (168,702 / 146,100) ** -2 = 1.875 a day
    assert guests[LONG_RAINS, "One price all year"] == pytest.approx(1.875, rel=1e-4)
    for item, at_one_price in zip(sim.plan, sim.result.single_by_season, strict=True):
        assert at_one_price.price_rwf == single
        assert at_one_price.places_sold_per_day <= item.places_sold_per_day + 1e-9
    assert title(sim.places_chart_svg) == "Guests a day, out of 6 places"


def test_more_places_lower_the_prices_and_the_gap(sim):
    chart, figure = sim.chart, sim.figure
    seen = mock.Mock()
    chart.observe(seen, names="value")
    before = (sim.figure_html, sim.chart_svg, sim.places_chart_svg, sim.gain_rwf)

    sim.controls["places_per_day"].value = 10

    assert (sim.figure_html, sim.chart_svg, sim.places_chart_svg) != before[:3]
    # 146,100 x (10 / 8) ** -0.5 = RWF 130,676
    assert sim.plan[0].price_rwf == pytest.approx(REFERENCE * (10 / 8) ** -0.5)
    assert sim.gain_rwf < before[3]
    assert "out of 10 places" in sim.places_chart_svg
    assert sim.chart is chart and sim.figure is figure
    assert seen.call_count == 1

    # 30 places: the peak's 8 x (75,000 / 146,100) ** -2 = 30.4 guests a day still
    # overfill them, at 146,100 x (30 / 8) ** -0.5 = RWF 75,446; the others do not
    sim.places_per_day = 30
    assert [item.full for item in sim.plan] == [True, False, False, False]
    assert sim.plan[0].price_rwf == pytest.approx(75_446, abs=1)
    # with no season full, one price is as good as four
    sim.peak_demand_per_day = 6.0
    assert not any(item.full for item in sim.plan)
    assert sim.gain_rwf == pytest.approx(0, abs=1)


def test_a_smaller_commission_lowers_the_price_of_a_season_with_empty_places(sim):
    sim.places_per_day = 12
    sim.controls["commission_rate"].value = 0.15  # Booking
    # 30,000 / 0.85 x 2 = RWF 70,588, where the long rains ask for
    # 2.5 x (70,588 / 146,100) ** -2 = 10.7 guests a day, fewer than 12
    assert sim.plan[3].price_rwf == pytest.approx(30_000 / 0.85 * 2)
    assert not sim.plan[3].full
    # a full season's price is the price that fills it, whatever the commission
    assert sim.plan[0].price_rwf == pytest.approx(REFERENCE * (12 / 8) ** -0.5)


def test_the_model_matches_econ_directly():
    r = model(6, 30_000, 0.2, 8.0, -2.0)
    plan = capacity.plan_year(capacity.DEFAULT_SEASONS, 6, 30_000, 0.2)
    assert list(r.plan) == plan
    assert r.single == capacity.best_single_price(capacity.DEFAULT_SEASONS, 6, 30_000, 0.2)


def test_in_french_numbers_and_words_are_french():
    sim = SeasonPricingSimulator(language="fr", places_per_day=10)
    html = sim.figure_html
    assert "Prix par saison : bénéfice de" in html
    assert "les 10 places vendues" in html
    # 130 676 RWF: thousands and the currency after the amount, with no-break spaces
    assert re.search("130[\u202f\u00a0]676[\u202f\u00a0 ]RWF", html), html
    assert "9,5 places vendues sur 10" in html
    assert "Grandes pluies (mars à mai)" in sim.chart_svg
    assert "Un seul prix toute l" in sim.chart_svg
