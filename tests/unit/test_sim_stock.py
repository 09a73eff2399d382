"""The stock-and-reorder simulator, headless: widgets driven from Python, no browser."""

import dataclasses
import xml.etree.ElementTree as ET
from unittest import mock

import numpy as np
import pytest

from isoko.econ import stock
from isoko.sims import stock as sim_module
from isoko.sims._base import money
from isoko.sims._svg import Band, Level, Marker, Series, multi_line_chart
from isoko.sims.stock import StockReorderSimulator
from support.sims import SVG, html_widgets

# Aline's bottles by air (logistics lessons 1 and 5): landed RWF 5,087 a bottle, fees
# USD 150 = RWF 219,150 a shipment, CNY 39 x 203 - 5,087 = RWF 2,830 lost per bottle.
LANDED_RWF, FEES_RWF, LOST_RWF = 5_087, 219_150, 2_830


def econ_run(reorder_point=360, order_quantity=1_200, **overrides):
    """The econ simulation the view should show for its default controls."""
    args = (
        dict(
            lead_time_days=8,
            lead_time_max_days=12,
            days=180,
            paths=2_000,
            holding_cost_per_unit_day=LANDED_RWF * 0.25 / 365,
            order_cost=FEES_RWF,
            lost_sale_cost=LOST_RWF,
            seed=sim_module.SEED,
        )
        | overrides
    )
    return stock.simulate_stock(reorder_point, order_quantity, 36, 13, **args)


def level_y(svg: str) -> float:
    root = ET.fromstring(svg)
    (line,) = [e for e in root.iter(f"{SVG}line") if e.get("data-label") == "reorder point"]
    return float(line.get("data-y"))


def figure_value(html: str, css_class: str) -> float:
    start = html.index(f"class='{css_class}' data-value='") + len(
        f"class='{css_class}' data-value='"
    )
    return float(html[start : html.index("'", start)])


@pytest.fixture
def sim():
    return StockReorderSimulator()


def test_defaults_are_labelled_assumptions(sim):
    c = sim.controls
    assert c["reorder_point"].value == 360 and c["order_quantity"].value == 1_200
    assert c["lead_time_days"].value == (8, 12)
    assert c["unit_cost_rwf"].value == LANDED_RWF and c["order_cost_rwf"].value == FEES_RWF
    assert c["lost_sale_cost_rwf"].value == LOST_RWF
    assert c["service_level"].value == pytest.approx(0.95)
    notes = [w.value for w in html_widgets(sim.view) if "(assumption)" in w.value]
    # demand, its spread, the lead time, the bottle's cost, holding, ordering, lost sale
    assert len(notes) == 7


def test_initial_readout_is_the_econ_simulation(sim):
    expected = econ_run()
    assert sim.fill_rate == expected.fill_rate
    assert sim.stockout_probability == expected.stockout_probability
    html = sim.figure_html
    assert f"at least once in 180 days: {expected.stockout_probability:.0%}" in html
    assert f"Buyers served: {expected.fill_rate:.1%}" in html
    assert f"total {money(expected.total_cost, 'RWF')}" in html
    assert figure_value(html, "isoko-fill-rate") == pytest.approx(expected.fill_rate, rel=1e-5)
    assert level_y(sim.chart_svg) == 360


def test_raising_the_reorder_point_updates_in_place(sim):
    chart, figure = sim.chart, sim.figure
    before_html, before_svg, before_fill = sim.figure_html, sim.chart_svg, sim.fill_rate
    seen = mock.Mock()
    chart.observe(seen, names="value")

    sim.controls["reorder_point"].value = 450

    expected = econ_run(450)
    assert sim.fill_rate == expected.fill_rate > before_fill
    assert sim.stockout_probability == expected.stockout_probability
    assert sim.figure_html != before_html and sim.chart_svg != before_svg
    assert f"Buyers served: {expected.fill_rate:.1%}" in sim.figure_html
    assert level_y(sim.chart_svg) == 450
    assert sim.chart is chart and sim.figure is figure
    assert seen.call_count == 1


def test_costs_follow_the_cost_controls(sim):
    sim.controls["order_cost_rwf"].value = 438_300  # USD 300 a shipment
    expected = econ_run(order_cost=438_300)
    assert sim.simulation.ordering_cost == pytest.approx(expected.ordering_cost)
    assert f"ordering {money(expected.ordering_cost, 'RWF')}" in sim.figure_html
    # a dearer order also suggests ordering more at a time: EOQ grows with sqrt(order cost)
    yearly, holding = 36 * 365, LANDED_RWF * 0.25
    assert sim.suggestion.whole_order_quantity == round((2 * yearly * 438_300 / holding) ** 0.5)


def test_suggestions_match_econ_and_the_button_applies_them_once(sim):
    expected = stock.suggest_policy(36, 13, 8, 12, 0.95, FEES_RWF, LANDED_RWF * 0.25)
    assert (sim.suggestion.whole_reorder_point, sim.suggestion.whole_order_quantity) == (468, 2128)
    assert sim.suggestion == expected
    assert "ship 2,128 bottles (the economic order quantity) when stock falls to 468" in (
        sim.suggestion_html
    )
    seen = mock.Mock()
    sim.chart.observe(seen, names="value")

    sim.use_suggestions.click()

    assert sim.controls["reorder_point"].value == 468
    assert sim.controls["order_quantity"].value == 2128
    assert seen.call_count == 1  # one recomputation for both controls
    assert sim.fill_rate == econ_run(468, 2128).fill_rate
    assert "isoko-use-suggestions" in sim.use_suggestions._dom_classes


def test_service_level_moves_the_suggestion(sim):
    sim.controls["service_level"].value = 0.99
    # z(0.99) = 2.326348; spread sqrt(10 * 13**2 + 36**2 * 2) = 65.44 (lead time 8-12
    # days, variance (5**2 - 1) / 12 = 2); 360 + 2.326348 * 65.44 = 512.23 -> 513
    assert sim.suggestion.whole_reorder_point == 513
    assert "when stock falls to 513" in sim.suggestion_html


def test_the_view_delegates_the_simulation_to_econ(sim, monkeypatch):
    canned = dataclasses.replace(econ_run(), fill_rate=0.4242, stockout_probability=0.77)
    fake = mock.Mock(return_value=canned)
    monkeypatch.setattr(sim_module.stock, "simulate_stock", fake)
    sim.controls["reorder_point"].value = 55
    args, kwargs = fake.call_args
    assert args[:4] == (55, 1_200, 36.0, 13.0)
    assert kwargs["lead_time_days"] == 8 and kwargs["lead_time_max_days"] == 12
    assert kwargs["paths"] == 2_000 and kwargs["seed"] == sim_module.SEED
    assert sim.fill_rate == 0.4242
    assert "Buyers served: 42.4%" in sim.figure_html and "180 days: 77%" in sim.figure_html


def test_each_simulator_draws_its_futures_once(sim, monkeypatch):
    """Every change of a control reruns the same futures: the simulator keeps its own
    standard normal draws (econ keeps nothing), drawn for its seed and size."""
    real = sim_module.stock.simulate_stock
    spy = mock.Mock(side_effect=real)
    monkeypatch.setattr(sim_module.stock, "simulate_stock", spy)
    sim.controls["reorder_point"].value = 55
    sim.controls["order_quantity"].value = 250
    first, second = (call.kwargs["normals"] for call in spy.call_args_list)
    assert first is second
    assert (first.seed, first.days, first.paths) == (sim_module.SEED, sim_module.DAYS, 2_000)
    other = StockReorderSimulator()
    other.controls["reorder_point"].value = 55
    other.controls["order_quantity"].value = 250
    assert spy.call_args.kwargs["normals"] is not first
    # the same futures, so the same policy gives the same result
    assert other.fill_rate == sim.fill_rate
    np.testing.assert_array_equal(
        other.simulation.stock_percentiles, sim.simulation.stock_percentiles
    )


def test_an_impossible_lead_time_shows_a_message(sim, monkeypatch):
    before = sim.result
    sim.controls["lead_time_days"].value = (4, 12)
    assert sim.simulation is not before.simulation

    def refuse(*args, **kwargs):
        raise ValueError("order_quantity must be a whole number of at least 1")

    monkeypatch.setattr(sim_module.stock, "simulate_stock", refuse)
    sim.controls["order_quantity"].value = 50
    assert "Cannot work this out: order_quantity must be" in sim.figure_html


def test_callbacks_print_nothing(sim, capsys):
    for name, value in [("reorder_point", 120), ("lead_time_days", (2, 5))]:
        sim.controls[name].value = value
    sim.use_suggestions.click()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_css_classes_and_phone_layout(sim):
    assert "isoko-sim" in sim.view._dom_classes
    main = sim.controls["reorder_point"]
    assert {"isoko-main-control", "isoko-reorder-point"} <= set(main._dom_classes)
    assert "isoko-chart" in sim.chart._dom_classes
    assert "isoko-figure" in sim.figure._dom_classes
    assert sim.view.layout.width == "100%" and sim.view.layout.max_width == "720px"
    for control in sim.controls.values():
        assert control.layout.width == "100%"
        assert control.continuous_update is False
    root = ET.fromstring(sim.chart_svg)
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 360 ")
    labels = {e.get("data-label") for e in root.iter() if e.get("data-label")}
    assert {"9 in 10 futures", "half of futures", "middle future", "reorder point"} <= labels
    assert len(sim.chart_svg) < 12_000  # thinned to 90 points: light on a slow link


def test_results_are_read_only(sim):
    with pytest.raises(AttributeError):
        sim.fill_rate = 1.0
    with pytest.raises(AttributeError):
        sim.result.simulation.fill_rate = 1.0


def test_french_labels():
    fr = StockReorderSimulator(language="fr")
    texts = " ".join(w.value for w in html_widgets(fr.view))
    assert "Stock et réapprovisionnement" in texts
    assert "(hypothèse)" in texts and "(assumption)" not in texts
    assert "Risque d&#x27;être en rupture" in fr.figure_html
    assert "envoyer 2\u00a0128 bouteilles" in fr.suggestion_html
    assert "95,0\u00a0%" in fr.suggestion_html and "10 jours" in fr.suggestion_html
    assert "huile pimentée" in texts and "paquet" not in texts.lower()
    assert "point de commande" in fr.chart_svg and "9 avenirs sur 10" in fr.chart_svg
    assert fr.use_suggestions.description == "Appliquer les suggestions"


def test_impossible_start_values_are_refused():
    with pytest.raises(ValueError, match="lead_time_max_days"):
        StockReorderSimulator(lead_time_days=(8, 3))


# --- the chart renderer on its own ------------------------------------------------------


def test_multi_line_chart_draws_bands_levels_lines_and_markers():
    xs = list(range(10))
    svg = multi_line_chart(
        xs,
        [Series("median <m>", [5.0] * 10)],
        bands=[Band("band", [0.0] * 10, [10.0] * 10)],
        levels=[Level(7.0, "level"), Level(1_000.0, "off the chart")],
        markers=[Marker(3, 5, "dot")],
        x_label="x",
        y_label="y",
        y_range=(0, 20),
    )
    root = ET.fromstring(svg)  # valid XML: the label was escaped
    tags = [e.tag.removeprefix(SVG) for e in root.iter() if e.get("data-label")]
    # bands first, then levels inside the y range, then lines, then markers
    assert tags == ["polygon", "line", "polyline", "circle"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"band", "level", "off the chart", "median <m>", "dot"} <= set(texts)  # legend
    assert svg == multi_line_chart(
        xs,
        [Series("median <m>", [5.0] * 10)],
        bands=[Band("band", [0.0] * 10, [10.0] * 10)],
        levels=[Level(7.0, "level"), Level(1_000.0, "off the chart")],
        markers=[Marker(3, 5, "dot")],
        x_label="x",
        y_label="y",
        y_range=(0, 20),
    )


def test_multi_line_chart_axis_hugs_non_negative_data():
    svg = multi_line_chart([0, 1], [Series("s", [0.0, 400.0])], x_label="x", y_label="y")
    ticks = [
        float(t.text)
        for t in ET.fromstring(svg).iter(f"{SVG}text")
        if t.get("text-anchor") == "end"
    ]
    assert min(ticks) == 0 and max(ticks) == 400


def test_multi_line_chart_thins_long_series_and_takes_ticks():
    xs = np.arange(1, 181)
    svg = multi_line_chart(
        xs, [Series("s", xs * 2.0)], x_label="x", y_label="y", max_points=90, x_ticks=[1, 90, 180]
    )
    root = ET.fromstring(svg)
    (line,) = root.iter(f"{SVG}polyline")
    assert len(line.get("points").split()) == 90
    middle = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert middle[:3] == ["1", "90", "180"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"xs": [1]}, "at least two x values"),
        ({"series": [Series("s", [1.0])]}, "one value per x"),
        ({"bands": [Band("b", [1.0], [2.0, 3.0])]}, "one lower and one upper"),
        ({"x_range": (2, 1)}, "x_range high must be above low"),
    ],
)
def test_multi_line_chart_refuses_bad_data(kwargs, words):
    args = {"xs": [1, 2], "series": [Series("s", [1.0, 2.0])], "x_label": "x", "y_label": "y"}
    with pytest.raises(ValueError, match=words):
        multi_line_chart(**(args | kwargs))
