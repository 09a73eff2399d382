"""The season-pricing simulator, headless: widgets driven from Python, no browser."""

import re
import xml.etree.ElementTree as ET
from unittest import mock

import pytest

from isoko.econ import capacity
from isoko.sims.registry import find
from isoko.sims.seasons import SeasonPricingSimulator, model
from support.sims import SVG, texts

# Defaults: USD 40 at RWF 1,461 = RWF 58,440 a guest at the reference; 8 places; cost
# RWF 20,000 a guest; Airbnb's 20% fee; elasticity -2.5. Without a limit on places the
# best price is 20,000 / 0.8 x 2.5 / 1.5 = RWF 41,666.67 in every season.
FREE_PRICE = 20_000 / 0.8 * 2.5 / 1.5
REFERENCE = 40 * 1_461
# The long dry season asks for 14 a day at RWF 58,440 and 41,667 would draw
# 14 x (41,667 / 58,440) ** -2.5 = 32.6 > 8: the price rises to fill the 8 places,
# 58,440 x (8 / 14) ** (1 / -2.5) = RWF 73,101.
PEAK_FILL = REFERENCE * (8 / 14) ** (1 / -2.5)


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
    assert c["places_per_day"].value == 8
    assert capacity.KIGALI_SEASONS[0].reference_price_rwf == REFERENCE
    shown = texts(sim.view)
    assert "Airbnb Experiences hosts pay a 20% fee" in shown
    assert "June to mid-September" in shown


def test_quiet_seasons_leave_places_empty_and_busy_ones_fill(sim):
    plan = {item.season.split()[0] + " " + item.season.split()[1]: item for item in sim.plan}
    assert plan["long dry"].price_rwf == pytest.approx(PEAK_FILL)
    assert plan["long dry"].full and plan["short dry"].full
    assert plan["long rains"].price_rwf == pytest.approx(FREE_PRICE)
    assert plan["short rains"].price_rwf == pytest.approx(FREE_PRICE)
    # long rains: 2 x (41,667 / 58,440) ** -2.5 = 4.66 guests a day
    assert plan["long rains"].places_sold_per_day == pytest.approx(4.659, abs=1e-3)
    assert not plan["long rains"].full
    html = sim.figure_html
    assert "Long dry (June to mid-September): RWF 73,101, all 8 places sold" in html
    assert "Long rains (March to May): RWF 41,667, 4.7 of 8 places sold" in html


def test_the_readout_and_the_title_say_what_seasonal_prices_add(sim):
    r = sim.result
    assert r.gain_rwf == pytest.approx(r.seasonal_profit_rwf - r.single.profit_rwf)
    assert r.gain_rwf > 0
    gain = f"RWF {r.gain_rwf:,.0f}"
    assert f"Prices by season earn {gain} more a year." in sim.figure_html
    assert title(sim.chart_svg) == f"Prices by season earn {gain} more a year"
    assert f"Prices by season: profit RWF {r.seasonal_profit_rwf:,.0f} a year" in sim.figure_html
    single = f"One price all year, RWF {r.single.price_rwf:,.0f} (about USD "
    assert single in sim.figure_html


def test_the_charts_show_each_season_s_price_and_guests_under_both_plans(sim):
    prices, guests = bars(sim.chart_svg), bars(sim.places_chart_svg)
    assert len(prices) == len(guests) == 2 * len(capacity.KIGALI_SEASONS)
    peak = "Long dry (June to mid-September)"
    assert prices[peak, "Price by season"] == pytest.approx(PEAK_FILL, rel=1e-5)
    assert prices["Long rains (March to May)", "Price by season"] == pytest.approx(
        FREE_PRICE, rel=1e-5
    )
    single = sim.single.price_rwf
    alone = [v for (_s, g), v in prices.items() if g == "One price all year"]
    assert alone == [pytest.approx(single, rel=1e-5)] * 4
    assert guests[peak, "Price by season"] == 8
    for item, alone in zip(sim.plan, sim.result.single_by_season, strict=True):
        assert alone.price_rwf == single
        assert alone.places_sold_per_day <= item.places_sold_per_day + 1e-9
    assert title(sim.places_chart_svg) == "Guests a day, out of 8 places"


def test_more_places_lower_the_peak_price_until_nothing_fills(sim):
    chart, figure = sim.chart, sim.figure
    seen = mock.Mock()
    chart.observe(seen, names="value")
    before = (sim.figure_html, sim.chart_svg, sim.places_chart_svg)

    sim.controls["places_per_day"].value = 12

    assert (sim.figure_html, sim.chart_svg, sim.places_chart_svg) != before
    assert sim.plan[0].price_rwf == pytest.approx(REFERENCE * (12 / 14) ** (1 / -2.5))
    assert sim.plan[0].price_rwf < PEAK_FILL
    assert "out of 12 places" in sim.places_chart_svg
    assert sim.chart is chart and sim.figure is figure
    assert seen.call_count == 1

    # 30 places: the peak's 14 x (41,667 / 58,440) ** -2.5 = 32.6 guests a day still
    # overfill them, at 58,440 x (30 / 14) ** -0.4 = RWF 43,084; the other seasons do not
    sim.places_per_day = 30
    assert [item.full for item in sim.plan] == [True, False, False, False]
    assert sim.plan[0].price_rwf == pytest.approx(43_084, abs=1)
    assert sim.plan[2].price_rwf == pytest.approx(FREE_PRICE)
    # with every season unconstrained one price is as good as four
    sim.peak_demand_per_day = 10.0
    assert not any(item.full for item in sim.plan)
    assert sim.gain_rwf == pytest.approx(0, abs=1)


def test_a_dearer_commission_raises_the_quiet_season_price(sim):
    sim.controls["commission_rate"].value = 0.15  # Booking
    assert sim.plan[3].price_rwf == pytest.approx(20_000 / 0.85 * 2.5 / 1.5)


def test_the_model_matches_econ_directly():
    r = model(8, 20_000, 0.2, 14.0, -2.5)
    plan = capacity.plan_year(capacity.KIGALI_SEASONS, 8, 20_000, 0.2)
    assert list(r.plan) == plan
    assert r.single == capacity.best_single_price(capacity.KIGALI_SEASONS, 8, 20_000, 0.2)


def test_in_french_numbers_and_words_are_french():
    sim = SeasonPricingSimulator(language="fr")
    html = sim.figure_html
    assert "Prix par saison : bénéfice de" in html
    assert "les 8 places vendues" in html
    # 73 101 RWF: thousands and the currency after the amount, with no-break spaces
    assert re.search("73[\u202f\u00a0]101[\u202f\u00a0 ]RWF", html), html
    assert "4,7 places vendues sur 8" in html
    assert "Grandes pluies (mars à mai)" in sim.chart_svg
    assert "Un seul prix toute l" in sim.chart_svg
