"""The price-and-profit simulator, headless: widgets driven from Python, no browser."""

import re
import xml.etree.ElementTree as ET
from unittest import mock

import ipywidgets as widgets
import pytest

from isoko.econ import pricing
from isoko.sims import pricing as sim_module
from isoko.sims._base import money
from isoko.sims._svg import Marker, line_chart, nice_ticks
from isoko.sims.pricing import PriceProfitSimulator
from support.sims import SVG, french, messages_in_code, texts


def econ_profit_rwf(price_usd, rate=1461, cost=10_000, c=0.05, f=0.01, e=-2.5, ref=10, q=2000):
    return pricing.profit(price_usd * rate, cost, ref * rate, q, e, c, f)


def markers(svg: str) -> dict[str, tuple[float, float]]:
    """data-label word ('now' or 'best') -> (x, y) of each marker dot in the chart."""
    root = ET.fromstring(svg)
    return {
        c.get("data-label").split()[0]: (float(c.get("data-x")), float(c.get("data-y")))
        for c in root.iter(f"{SVG}circle")
        if c.get("data-label")
    }


@pytest.fixture
def sim():
    return PriceProfitSimulator()


def test_defaults_come_from_the_facts(sim):
    c = sim.controls
    assert 8 <= c["price_usd"].value <= 12  # 2020 livestream pack price, USD 8 to 12
    assert c["rwf_per_usd"].value == 1461  # mid-2026
    assert c["commission_rate"].value == pytest.approx(0.05)  # Tmall Global 2-5%
    assert c["payment_fee_rate"].value == pytest.approx(0.01)  # Alipay 1%
    assert c["elasticity"].value == pytest.approx(-2.5)  # assumption
    assert c["unit_cost_rwf"].value == 10_000  # a 500 g pack abroad, pricing lesson 2


def test_initial_profit_is_the_econ_result(sim):
    # At the reference price 2,000 packs sell; each keeps 14,610 * 0.94 = 13,733.40
    # and costs 10,000: 2,000 * 3,733.40 = RWF 7,466,800 (= USD 5,110.75 at 1,461).
    assert sim.profit_rwf == pytest.approx(7_466_800)
    assert sim.profit_usd == pytest.approx(7_466_800 / 1461)
    assert "RWF 7,466,800" in sim.profit_html
    assert "USD 5,111" in sim.profit_html
    assert sim.units_sold == pytest.approx(2000)


def test_changing_the_price_updates_figure_and_chart_in_place(sim):
    chart, figure = sim.chart, sim.profit_figure
    before_html, before_svg = sim.profit_html, sim.chart_svg
    seen = mock.Mock()
    chart.observe(seen, names="value")

    sim.controls["price_usd"].value = 12.0

    expected = econ_profit_rwf(12.0)
    assert sim.profit_rwf == pytest.approx(expected)
    assert money(expected, "RWF") in sim.profit_html
    assert sim.profit_html != before_html
    assert sim.chart_svg != before_svg
    assert markers(sim.chart_svg)["now"] == (
        pytest.approx(12.0),
        pytest.approx(expected, rel=1e-5),
    )
    # same widgets, value set once: an update in place, not a redraw
    assert sim.chart is chart and sim.profit_figure is figure
    assert chart in sim.view.children and figure in sim.view.children
    assert seen.call_count == 1


def test_profit_figure_reports_a_loss_below_cost(sim):
    # USD 4 = RWF 5,844, keep 5,493.36 < cost 10,000: every pack loses money
    sim.controls["price_usd"].value = 4.0
    assert sim.profit_rwf < 0
    assert money(econ_profit_rwf(4.0), "RWF") in sim.profit_html
    assert "\u2212RWF" in sim.profit_html and "a loss" in sim.profit_html


def test_optimum_matches_the_closed_form_and_is_marked(sim):
    # 10,000 / 0.94 * 2.5 / 1.5 = RWF 17,730.50 = USD 12.1359 at 1,461: close to the
    # USD 12 of the 2020 livestream
    assert sim.optimal_price_rwf == pytest.approx(17_730.4965, rel=1e-7)
    assert sim.optimal_price_usd == pytest.approx(17_730.4965 / 1461, rel=1e-7)
    assert "USD 12.14" in sim.profit_html
    best_x, best_y = markers(sim.chart_svg)["best"]
    assert best_x == pytest.approx(sim.optimal_price_usd, rel=1e-5)
    assert best_y == pytest.approx(sim.optimal_profit_rwf, rel=1e-5)


def test_raising_commission_moves_the_optimum_up(sim):
    before = sim.optimal_price_usd
    sim.controls["commission_rate"].value = 0.15
    # 10,000 / 0.84 * 5/3 = RWF 19,841.27 = USD 13.5806
    assert sim.optimal_price_usd > before
    assert sim.optimal_price_usd == pytest.approx(19_841.2698 / 1461, rel=1e-6)
    assert markers(sim.chart_svg)["best"][0] == pytest.approx(sim.optimal_price_usd, rel=1e-5)
    assert "USD 13.58" in sim.profit_html


def test_a_weaker_franc_lowers_the_best_dollar_price(sim):
    sim.controls["rwf_per_usd"].value = 1318  # 2024 average
    # same RWF 17,730.50 optimum / 1,318 = USD 13.4526
    assert sim.optimal_price_usd == pytest.approx(17_730.4965 / 1318, rel=1e-7)


def test_the_view_delegates_economics_to_econ(sim, monkeypatch):
    fake = mock.Mock(return_value=1461 * 7.77)
    monkeypatch.setattr(sim_module.pricing, "optimal_price_constant_elasticity", fake)
    sim.controls["unit_cost_rwf"].value = 8000
    fake.assert_called_once_with(8000, -2.5, pytest.approx(0.05), pytest.approx(0.01))
    assert sim.optimal_price_usd == pytest.approx(7.77)
    assert "USD 7.77" in sim.profit_html


def test_callbacks_print_nothing(sim, capsys):
    for name, value in [("price_usd", 11.0), ("elasticity", -3.0), ("ref_quantity", 3000)]:
        sim.controls[name].value = value
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_css_classes_and_phone_layout(sim):
    assert "isoko-sim" in sim.view._dom_classes
    assert "isoko-main-control" in sim.controls["price_usd"]._dom_classes
    assert "isoko-chart" in sim.chart._dom_classes
    assert "isoko-profit" in sim.profit_figure._dom_classes
    assert isinstance(sim.view, widgets.VBox)
    assert sim.view.layout.width == "100%" and sim.view.layout.max_width
    for control in sim.controls.values():
        assert control.layout.width == "100%"
        assert control.continuous_update is False  # one message per change on a slow link
    assert isinstance(sim.controls["price_usd"], widgets.FloatSlider)


def test_chart_is_scalable_svg(sim):
    root = ET.fromstring(sim.chart_svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 360 240"
    assert root.get("width") == "100%"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Price, USD per 500 g pack" in texts and "Profit, RWF" in texts


def test_results_are_read_only(sim):
    with pytest.raises(AttributeError):
        sim.profit_rwf = 1
    with pytest.raises(AttributeError):
        sim.optimal_price_usd = 1


def test_impossible_start_values_are_refused():
    with pytest.raises(ValueError, match="no finite best price"):
        PriceProfitSimulator(elasticity=-1.0)


# --- labels in French -------------------------------------------------------------------

NBSP = "\u00a0"


def test_french_shows_french_labels_and_french_numbers():
    sim = PriceProfitSimulator(language="fr")
    shown = texts(sim.view)
    assert "Prix et bénéfice" in shown
    assert "Votre prix (USD par paquet de 500" in shown
    assert "Commission de la plateforme (part du prix)" in shown
    assert "hypothèse" in shown and "assumption" not in shown
    assert "Your price" not in shown and "Profit" not in shown
    # the same economics, written the French way: 7 466 800 RWF, 12,14 USD
    assert sim.profit_rwf == pytest.approx(7_466_800)
    assert f"Bénéfice{NBSP}: <span class='isoko-profit-rwf'>7{NBSP}466{NBSP}800{NBSP}RWF" in (
        sim.profit_html
    )
    assert f"Meilleur prix{NBSP}: 12,14{NBSP}USD le paquet" in sim.profit_html
    texts_in_chart = [t.text for t in ET.fromstring(sim.chart_svg).iter(f"{SVG}text")]
    assert f"Prix, USD par paquet de 500{NBSP}g" in texts_in_chart
    assert "Bénéfice, RWF" in texts_in_chart
    assert markers(sim.chart_svg)["actuel"][0] == pytest.approx(10.0)
    # slider readouts without thousands commas ("1,461" would read as 1.461)
    assert "," not in sim.controls["rwf_per_usd"].readout_format


def test_french_covers_a_loss_an_optimum_off_the_chart_and_an_error(monkeypatch):
    sim = PriceProfitSimulator(language="fr")
    sim.controls["price_usd"].value = 4.0
    loss = f"{abs(econ_profit_rwf(4.0)):,.0f}".replace(",", NBSP)
    assert f"\u2212{loss}{NBSP}RWF</span> (une perte)" in sim.profit_html
    sim.controls["unit_cost_rwf"].value = 30_000  # the best price is above USD 25
    assert "hors du graphique" in sim.profit_html
    # ticks every RWF 0.5M
    small = PriceProfitSimulator(language="fr", ref_quantity=200, unit_cost_rwf=7_000)
    ticks = [t.text for t in ET.fromstring(small.chart_svg).iter(f"{SVG}text")]
    assert "1,5M" in ticks and "1.5M" not in ticks, ticks

    def refuse(**_inputs):
        raise ValueError("no finite best price")

    monkeypatch.setattr(sim_module, "model", refuse)
    sim.controls["price_usd"].value = 5.0
    assert f"Calcul impossible{NBSP}: no finite best price" in sim.profit_html


def test_every_message_has_a_french_translation():
    """Stale entries are checked for every catalogue in test_i18n."""
    catalogue = french(sim_module.DOMAIN)
    in_code = messages_in_code(sim_module.__file__) | PriceProfitSimulator.messages()
    assert len(in_code) > 20
    assert sorted(in_code - catalogue.keys()) == []  # untranslated
    for msgid in in_code:
        msgstr = catalogue[msgid]
        assert msgstr, f"empty translation of {msgid!r}"
        # a translation may drop a placeholder, never invent one the code does not pass
        extra = set(re.findall(r"{(\w+)}", msgstr)) - set(re.findall(r"{(\w+)}", msgid))
        assert extra <= {"price"}, (msgid, extra)


# --- the SVG renderer on its own --------------------------------------------------------


def test_line_chart_marks_points_and_drops_those_off_the_chart():
    svg = line_chart(
        [0, 1, 2],
        [0, 10, 5],
        x_label="x <km>",
        y_label="y",
        markers=[Marker(1, 10, "peak"), Marker(5, 1, "far away")],
    )
    root = ET.fromstring(svg)  # valid XML, so the label was escaped
    labels = [c.get("data-label") for c in root.iter(f"{SVG}circle") if c.get("data-label")]
    assert labels == ["peak"]
    assert "x &lt;km&gt;" in svg
    assert svg == line_chart(
        [0, 1, 2],
        [0, 10, 5],
        x_label="x <km>",
        y_label="y",
        markers=[Marker(1, 10, "peak"), Marker(5, 1, "far away")],
    )


@pytest.mark.parametrize(
    ("ys", "axis"), [([0, 400, 100], (0, 400)), ([-50, -400, -100], (-400, 0))]
)
def test_line_chart_axis_hugs_the_data_and_zero(ys, axis):
    svg = line_chart([0, 1, 2], ys, x_label="x", y_label="y")
    ticks = [
        float(t.text)
        for t in ET.fromstring(svg).iter(f"{SVG}text")
        if t.get("text-anchor") == "end"
    ]
    assert (min(ticks), max(ticks)) == axis


def test_line_chart_refuses_too_little_data():
    with pytest.raises(ValueError, match="at least two"):
        line_chart([1], [1], x_label="x", y_label="y")


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(4, 25, [5, 10, 15, 20, 25]), (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1.0])],
)
def test_nice_ticks(low, high, expected):
    assert nice_ticks(low, high) == pytest.approx(expected)
