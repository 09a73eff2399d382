"""The storefront-and-ads simulator, headless: widgets driven from Python, no browser."""

import re
import xml.etree.ElementTree as ET
from unittest import mock

import ipywidgets as widgets
import numpy as np
import pytest

from isoko.econ import customers
from isoko.sims import storefront as sim_module
from isoko.sims._base import money
from isoko.sims._svg import bar_chart
from isoko.sims.storefront import StorefrontAdsSimulator
from support.sims import SVG, texts

NBSP = "\u00a0"
STEPS = [0.4, 0.1, 0.5]


@pytest.fixture
def sim():
    return StorefrontAdsSimulator()


def econ_months(spend=100_000, cpc=100, organic=1_500, retention=0.4, **changes):
    args = {
        "organic_visitors": organic,
        "ad_spend": spend,
        "cost_per_click": cpc,
        "step_rates": STEPS,
        "order_value": 12_000,
        "margin_rate": 0.35,
        "retention_rate": retention,
        "fixed_costs": 60_000,
    } | changes
    return customers.storefront_months(12, **args)


def markers(svg: str) -> dict[str, tuple[float, float]]:
    """Legend label -> (x, y) of each marker dot in a line chart."""
    root = ET.fromstring(svg)
    return {
        c.get("data-label"): (float(c.get("data-x")), float(c.get("data-y")))
        for c in root.iter(f"{SVG}circle")
        if c.get("data-label")
    }


def bars(svg: str) -> list[float]:
    """The values of the bars in a bar chart, top to bottom."""
    root = ET.fromstring(svg)
    return [float(r.get("data-value")) for r in root.iter(f"{SVG}rect") if r.get("data-value")]


def afford(html: str) -> str:
    return re.search(r"class='isoko-afford'[^>]*>([^<]*)<", html).group(1)


# --- the model behind the view ----------------------------------------------------------


def test_defaults_are_labelled_assumptions(sim):
    shown = texts(sim.view)
    # every control is an assumption: no public figures exist for a Kigali shop's funnel
    assert shown.count("(assumption)") == len(sim.controls) == 11
    assert "1,461" in sim_module.SOURCES and "2025-12-08" in sim_module.SOURCES
    assert "Sources:" in shown


def test_initial_readout_is_the_econ_result(sim):
    # margin 12,000 * 35% = 4,200; CLV = 4,200 * 1.01 / (1.01 - 0.4) = RWF 6,954.10
    # (= USD 4.76 at 1,461); ads: RWF 100 a click / 2% = RWF 5,000 a customer
    assert sim.lifetime_value_rwf == pytest.approx(6_954.0984, rel=1e-7)
    assert sim.acquisition_cost_rwf == pytest.approx(5_000)
    assert afford(sim.figure_html) == "You can afford to pay up to RWF 6,954 to win a customer"
    assert "USD 4.76" in sim.figure_html
    assert "RWF 5,000 (RWF 100 a click; 2.0% of visitors buy)" in sim.figure_html
    # payback: 4,200 in month 1 < 5,000; + 4,200 * 0.4 / 1.01 = 5,863 by month 2
    assert sim.result.payback_months == 2
    assert "pays back their cost by month 2" in sim.figure_html
    # new customers: (1,500 + 1,000) * 2% = 50; month 1 profit 50 * 4,200 - 160,000 = 50,000
    assert sim.new_customers == pytest.approx(50)
    np.testing.assert_allclose(sim.monthly_profit_rwf, econ_months().profit)
    assert "Profit: RWF 50,000 in month 1, RWF 189,994 in month 12" in sim.figure_html


def test_moving_the_ads_slider_updates_figure_and_charts_in_place(sim):
    figure = sim.figure
    profit_chart, funnel_chart = sim.charts
    before = (sim.figure_html, sim.profit_chart_svg, sim.funnel_chart_svg)
    seen = mock.Mock()
    profit_chart.observe(seen, names="value")
    funnel_chart.observe(seen, names="value")

    sim.controls["ad_spend_rwf"].value = 300_000

    expected = econ_months(spend=300_000)
    # 3,000 clicks + 1,500 free = 4,500 visitors; 2% = 90 new customers
    assert sim.new_customers == pytest.approx(90)
    np.testing.assert_allclose(sim.monthly_profit_rwf, expected.profit)
    # month 1: 90 * 4,200 - 300,000 - 60,000 = 18,000
    assert expected.profit[0] == pytest.approx(18_000)
    assert money(expected.profit[0], "RWF") in sim.figure_html
    assert markers(sim.profit_chart_svg) == {
        "month 1": (pytest.approx(1), pytest.approx(18_000)),
        "month 12": (pytest.approx(12), pytest.approx(expected.profit[-1], rel=1e-5)),
    }
    np.testing.assert_allclose(bars(sim.funnel_chart_svg), [4_500, 1_800, 180, 90])
    assert "Visitors (3,000 from ads)" in sim.funnel_chart_svg
    # CAC and CLV do not depend on the spend
    assert sim.acquisition_cost_rwf == pytest.approx(5_000)
    after = (sim.figure_html, sim.profit_chart_svg, sim.funnel_chart_svg)
    assert all(a != b for a, b in zip(before, after, strict=True))
    # same widgets, each value set once: an update in place, not a redraw
    assert sim.figure is figure and sim.charts == (profit_chart, funnel_chart)
    assert figure in sim.view.children and profit_chart in sim.view.children
    assert seen.call_count == 2


def test_dear_clicks_make_ads_too_dear(sim):
    sim.controls["cost_per_click_rwf"].value = 200
    # RWF 200 / 2% = RWF 10,000 a customer, worth 6,954.10: short by 3,045.90
    assert sim.acquisition_cost_rwf == pytest.approx(10_000)
    assert sim.result.payback_months == float("inf")
    assert "Too dear: a customer is worth RWF 3,046 less than they cost." in sim.figure_html
    np.testing.assert_allclose(sim.monthly_profit_rwf, econ_months(cpc=200).profit)


def test_loyal_customers_are_worth_more(sim):
    before = sim.lifetime_value_rwf
    sim.controls["retention_rate"].value = 0.7
    # 4,200 * 1.01 / (1.01 - 0.7) = 4,242 / 0.31 = RWF 13,683.87
    assert sim.lifetime_value_rwf == pytest.approx(13_683.871, rel=1e-6)
    assert sim.lifetime_value_rwf > before
    assert afford(sim.figure_html) == "You can afford to pay up to RWF 13,684 to win a customer"
    assert "orders 3.3 times" in sim.figure_html  # 1 / 0.3


def test_cheap_ads_pay_back_with_the_first_order(sim):
    sim.controls["cost_per_click_rwf"].value = 50  # 50 / 2% = 2,500 < 4,200
    assert "Worth it: the first order pays for the customer." in sim.figure_html


def test_no_ads_still_says_what_a_customer_would_cost(sim):
    sim.controls["ad_spend_rwf"].value = 0
    assert "With ads, a customer would cost RWF 5,000" in sim.figure_html
    assert "Visitors (0 from ads)" in sim.funnel_chart_svg
    np.testing.assert_allclose(sim.monthly_profit_rwf, econ_months(spend=0).profit)


def test_a_funnel_step_changes_the_funnel_chart(sim):
    sim.controls["pay_rate"].value = 0.25
    # 2,500 visitors * 0.4 * 0.1 * 0.25 = 25 new customers; CAC 100 / 1% = 10,000
    np.testing.assert_allclose(bars(sim.funnel_chart_svg), [2_500, 1_000, 100, 25])
    assert sim.acquisition_cost_rwf == pytest.approx(10_000)


def test_the_view_delegates_economics_to_econ(sim, monkeypatch):
    fake = mock.Mock(return_value=12_345.0)
    monkeypatch.setattr(sim_module.customers, "customer_lifetime_value", fake)
    sim.controls["margin_rate"].value = 0.4
    # margin 12,000 * 0.4 = 4,800 is what the view passes on, with r and d unchanged
    fake.assert_called_once_with(pytest.approx(4_800), pytest.approx(0.4), pytest.approx(0.01))
    assert sim.lifetime_value_rwf == 12_345
    assert afford(sim.figure_html) == "You can afford to pay up to RWF 12,345 to win a customer"

    real = customers.storefront_months
    expected = econ_months(margin_rate=0.4, fixed_costs=50_000).profit * 2  # before patching

    def doubled(*args, **kwargs):
        months = real(*args, **kwargs)
        return months.__class__(**(vars(months) | {"profit": months.profit * 2}))

    monkeypatch.setattr(sim_module.customers, "storefront_months", doubled)
    sim.controls["fixed_costs_rwf"].value = 50_000
    np.testing.assert_allclose(sim.monthly_profit_rwf, expected)
    assert markers(sim.profit_chart_svg)["month 1"][1] == pytest.approx(expected[0])


def test_an_impossible_input_shows_a_message_not_a_traceback(sim, monkeypatch, capsys):
    def refuse(**_inputs):
        raise ValueError("nobody gets through the funnel")

    monkeypatch.setattr(sim_module, "model", refuse)
    sim.controls["pay_rate"].value = 0.3
    assert "Cannot work this out: nobody gets through the funnel" in sim.figure_html
    assert sim.profit_chart_svg  # the last good chart stays
    assert capsys.readouterr().out == ""


def test_callbacks_print_nothing(sim, capsys):
    for name, value in [("ad_spend_rwf", 50_000), ("retention_rate", 0.2), ("view_rate", 0.3)]:
        sim.controls[name].value = value
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_css_classes_and_phone_layout(sim):
    assert isinstance(sim.view, widgets.VBox) and "isoko-sim" in sim.view._dom_classes
    main = sim.controls["ad_spend_rwf"]
    assert {"isoko-main-control", "isoko-ad-spend"} <= set(main._dom_classes)
    assert all("isoko-chart" in chart._dom_classes for chart in sim.charts)
    assert "isoko-figure" in sim.figure._dom_classes
    assert "isoko-afford" in sim.figure_html
    assert sim.view.layout.width == "100%" and sim.view.layout.max_width == "720px"
    for control in sim.controls.values():
        assert control.layout.width == "100%"
        assert control.continuous_update is False
    for svg in (sim.profit_chart_svg, sim.funnel_chart_svg):
        root = ET.fromstring(svg)
        assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 360 ")


def test_results_are_read_only(sim):
    for name in ("lifetime_value_rwf", "acquisition_cost_rwf", "monthly_profit_rwf", "result"):
        with pytest.raises(AttributeError):
            setattr(sim, name, 1)


def test_impossible_start_values_are_refused():
    with pytest.raises(ValueError, match="retention_rate is a share"):
        StorefrontAdsSimulator(retention_rate=1.0)
    with pytest.raises(ValueError, match="cost_per_click must be greater than zero"):
        StorefrontAdsSimulator(cost_per_click_rwf=0)


def test_french_shows_french_labels_and_french_numbers():
    sim = StorefrontAdsSimulator(language="fr")
    shown = texts(sim.view)
    assert "Boutique en ligne et publicité" in shown
    assert "Publicité par mois (RWF)" in shown
    assert "hypothèse" in shown and "assumption" not in shown
    assert "You can afford" not in shown and "Ads each month" not in shown
    # the same economics, written the French way: 6 954 RWF, 4,76 USD
    assert sim.lifetime_value_rwf == pytest.approx(6_954.0984, rel=1e-7)
    assert afford(sim.figure_html) == (
        f"Vous pouvez payer jusqu&#x27;à 6{NBSP}954{NBSP}RWF pour gagner un client"
    )
    assert f"4,76{NBSP}USD" in sim.figure_html
    assert f"2,0{NBSP}% des visiteurs" in sim.figure_html
    assert set(markers(sim.profit_chart_svg)) == {"mois 1", "mois 12"}
    chart_texts = [t.text for t in ET.fromstring(sim.profit_chart_svg).iter(f"{SVG}text")]
    assert "Bénéfice par mois, RWF" in chart_texts and "Mois" in chart_texts
    assert f"Visiteurs (dont 1{NBSP}000 par la publicité)" in sim.funnel_chart_svg
    assert "," not in sim.controls["ad_spend_rwf"].readout_format
    sim.controls["cost_per_click_rwf"].value = 200
    assert "Trop cher" in sim.figure_html


# --- the bar chart on its own -------------------------------------------------------------


def test_bar_chart_scales_bars_and_escapes_labels():
    svg = bar_chart(["a <b>", "c"], [10, 2.5], title="t & u")
    root = ET.fromstring(svg)  # valid XML: labels and title were escaped
    widths = [
        float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("data-value") is not None
    ]
    assert widths[0] == pytest.approx(4 * widths[1], rel=1e-2)  # 10 is four times 2.5
    assert bars(svg) == [10, 2.5]
    assert svg == bar_chart(["a <b>", "c"], [10, 2.5], title="t & u")  # deterministic
    assert bars(bar_chart(["x"], [0], title="zero")) == [0]  # all zero: no division by zero


@pytest.mark.parametrize(("labels", "values"), [([], []), (["a"], [-1]), (["a"], [np.nan])])
def test_bar_chart_refuses_bad_values(labels, values):
    with pytest.raises(ValueError, match="bar"):
        bar_chart(labels, values, title="t")
