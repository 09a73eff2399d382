"""The livestream-sale simulator, headless: widgets driven from Python, no browser."""

import xml.etree.ElementTree as ET
from unittest import mock

import pytest

from isoko.econ import newsvendor, normal
from isoko.sims import livestream as sim_module
from isoko.sims._base import money
from isoko.sims.livestream import LivestreamSaleSimulator
from support.sims import SVG, html_widgets, texts

# Defaults: CNY 70 on Tmall Global at RWF 203 = RWF 14,210; after 5% + 1% fees the
# seller keeps 14,210 * 0.94 = RWF 13,357.40 a pack; it costs 10,000 delivered (the
# pricing course's 500 g pack); a leftover sells for 4,000.
KEPT = 13_357.4
DEMAND = (2_500, 700)
MONEY = (KEPT, 10_000, 4_000)


def markers(svg: str) -> dict[str, tuple[float, float]]:
    """First word of each marker label -> (x, y) of its dot."""
    root = ET.fromstring(svg)
    return {
        c.get("data-label").split()[0].rstrip(":"): (float(c.get("data-x")), float(c.get("data-y")))
        for c in root.iter(f"{SVG}circle")
        if c.get("data-label")
    }


@pytest.fixture
def sim():
    return LivestreamSaleSimulator()


def test_defaults_come_from_the_facts(sim):
    c = sim.controls
    assert 2_000 <= c["mean_demand"].value <= 3_000  # the Jan and May 2020 sales
    # USD 8 to 12 a pack in 2020, priced in yuan at about CNY 7.1 per USD
    assert 8 * 7.1 <= c["price_cny"].value <= 12 * 7.1
    assert c["commission_rate"].value == pytest.approx(0.05)  # Tmall Global 2-5%
    assert c["payment_fee_rate"].value == pytest.approx(0.01)  # Alipay 1%
    assert c["rwf_per_cny"].value == 203
    # the same 500 g pack as the pricing course: RWF 10,000 delivered abroad
    assert c["unit_cost_rwf"].value == 10_000
    assert "Price on Tmall Global (CNY per 500 g pack" in texts(sim.view)
    assert c["stock"].value == 2_500


def test_best_stock_is_the_newsvendor_quantity(sim):
    # critical ratio (13,357.40 - 10,000) / (13,357.40 - 4,000) = 3,357.40 / 9,357.40
    # = 0.358796; z = -0.361678; best = 2,500 - 0.361678 * 700 = 2,246.83: a thin
    # margin against a big loss on each leftover, so fewer packs than buyers want
    ratio = 3_357.4 / 9_357.4
    assert sim.result.critical_ratio == pytest.approx(ratio)
    assert sim.best_stock == pytest.approx(2_500 + normal.normal_quantile(ratio) * 700)
    assert sim.best_stock == pytest.approx(2_246.8, abs=0.1)
    assert "Best: prepare 2,247 packs" in sim.figure_html
    best_x, best_y = markers(sim.chart_svg)["best"]
    assert best_x == pytest.approx(sim.best_stock, rel=1e-5)
    assert best_y == pytest.approx(sim.best_profit_rwf, rel=1e-5)
    # at the best stock, it sells out 1 - 0.358796 = 64% of the time
    assert sim.result.best_sellout_probability == pytest.approx(1 - ratio)
    assert "sells out 64% of the time" in sim.figure_html
    assert "earns RWF 3,357 over its cost; a pack left over loses RWF 6,000" in sim.figure_html


def test_at_the_mean_lost_sales_equal_leftovers(sim):
    # stock = mean: lost = leftover = 700 * L(0) = 700 * 0.398942 = 279.26; sold 2,220.74
    r = sim.result
    assert r.expected_lost_sales == pytest.approx(279.2596, abs=1e-3)
    assert r.expected_leftover == pytest.approx(279.2596, abs=1e-3)
    assert r.sellout_probability == pytest.approx(0.5)
    # profit = 13,357.40 * 2,220.74 + 4,000 * 279.26 - 10,000 * 2,500 = 5,780,356
    assert sim.expected_profit_rwf == pytest.approx(5_780_356, abs=1)
    html = sim.figure_html
    assert "Expected profit with 2,500 packs: RWF 5,780,356" in html
    assert "you sell 2,221 packs; buyers miss out on 279 and 279 are left over" in html
    assert "Chance of selling out: 50%" in html


def test_changing_the_stock_updates_figure_and_charts_in_place(sim):
    chart, risk, figure = sim.chart, sim.risk_chart, sim.figure
    before = (sim.figure_html, sim.chart_svg, sim.risk_chart_svg)
    seen = mock.Mock()
    chart.observe(seen, names="value")

    sim.controls["stock"].value = 3_500

    expected = newsvendor.newsvendor_expected_profit(3_500, *DEMAND, *MONEY)
    assert sim.expected_profit_rwf == pytest.approx(expected)
    assert money(expected, "RWF") in sim.figure_html
    assert (sim.figure_html, sim.chart_svg, sim.risk_chart_svg) != before
    now_x, now_y = markers(sim.chart_svg)["now"]
    assert now_x == 3_500 and now_y == pytest.approx(expected, rel=1e-5)
    # 1,000 above the mean, z = 1.4286: missed 700 * L(1.4286) = 24.09; left over 1,024.09
    left = newsvendor.expected_leftover(3_500, *DEMAND)
    lost = newsvendor.expected_lost_sales(3_500, *DEMAND)
    assert lost == pytest.approx(24.0948, abs=1e-3) and left == pytest.approx(1_000 + lost)
    # both risk markers sit at the stock, one at each expected count
    dots = [
        (float(c.get("data-x")), float(c.get("data-y")))
        for c in ET.fromstring(sim.risk_chart_svg).iter(f"{SVG}circle")
        if c.get("data-label")
    ]
    assert [x for x, _ in dots] == [3_500, 3_500]
    ys = sorted(y for _, y in dots)
    assert ys == [pytest.approx(lost, rel=1e-4, abs=1e-3), pytest.approx(left, rel=1e-5)]
    assert sim.chart is chart and sim.risk_chart is risk and sim.figure is figure
    assert seen.call_count == 1


def test_more_uncertainty_and_dearer_leftovers_change_the_best_stock(sim):
    base = sim.best_stock
    sim.controls["salvage_rwf"].value = 0  # leftovers worth nothing: ratio 3,357 / 13,357
    assert sim.best_stock < base
    assert sim.best_stock == pytest.approx(
        newsvendor.newsvendor_quantity(*DEMAND, KEPT, 10_000, 0), rel=1e-9
    )
    sim.controls["sd_demand"].value = 0  # no uncertainty: prepare exactly the demand
    assert sim.best_stock == pytest.approx(2_500)


def test_price_below_cost_prepares_nothing(sim):
    sim.controls["price_cny"].value = 40.0  # RWF 8,120 * 0.94 = 7,633 < 10,000
    assert sim.best_stock == 0
    assert "Best: prepare 0 packs" in sim.figure_html
    assert sim.expected_profit_rwf < 0


def test_salvage_at_cost_shows_a_message(sim):
    before = sim.result
    sim.controls["salvage_rwf"].value = 10_000
    assert "Cannot work this out: salvage_value must be below unit_cost" in sim.figure_html
    assert sim.result is before


def test_the_view_delegates_economics_to_econ(sim, monkeypatch):
    fake = mock.Mock(return_value=1_234.0)
    monkeypatch.setattr(sim_module.newsvendor, "newsvendor_quantity", fake)
    sim.controls["mean_demand"].value = 3_000
    fake.assert_called_once_with(3_000, 700, pytest.approx(KEPT), 10_000, 4_000)
    assert sim.best_stock == 1_234
    assert "Best: prepare 1,234 packs" in sim.figure_html
    assert markers(sim.chart_svg)["best"][0] == 1_234


def test_callbacks_print_nothing(sim, capsys):
    for name, value in [("stock", 3_000), ("sd_demand", 900), ("price_cny", 85.0)]:
        sim.controls[name].value = value
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_css_classes_and_phone_layout(sim):
    assert "isoko-sim" in sim.view._dom_classes
    main = sim.controls["stock"]
    assert {"isoko-main-control", "isoko-stock"} <= set(main._dom_classes)
    assert "isoko-chart" in sim.chart._dom_classes and "isoko-chart" in sim.risk_chart._dom_classes
    assert "isoko-figure" in sim.figure._dom_classes
    assert sim.view.layout.width == "100%" and sim.view.layout.max_width == "720px"
    for control in sim.controls.values():
        assert control.layout.width == "100%"
        assert control.continuous_update is False
    for svg in (sim.chart_svg, sim.risk_chart_svg):
        root = ET.fromstring(svg)
        assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 360 ")


def test_results_are_read_only(sim):
    with pytest.raises(AttributeError):
        sim.best_stock = 1
    with pytest.raises(AttributeError):
        sim.result.best_stock = 1


def test_french_labels():
    fr = LivestreamSaleSimulator(language="fr")
    texts = " ".join(w.value for w in html_widgets(fr.view))
    assert "Vente en direct" in texts and "(hypothèse)" in texts
    # French numbers: no-break spaces between thousands, the currency after the amount
    assert "Bénéfice attendu avec 2\u00a0500 paquets : 5\u00a0780\u00a0356\u00a0RWF" in (
        fr.figure_html
    )
    assert "Le mieux : préparer 2\u00a0247 paquets" in fr.figure_html
    assert "vendu 64\u00a0% des fois" in fr.figure_html
    assert "Prix sur Tmall Global (CNY par paquet de 500 g" in texts
    assert "Paquets préparés" in fr.chart_svg and "paquets restants" in fr.risk_chart_svg
    assert "Packs you prepare" not in texts


def test_impossible_start_values_are_refused():
    with pytest.raises(ValueError, match="salvage_value must be below unit_cost"):
        LivestreamSaleSimulator(salvage_rwf=12_000)
