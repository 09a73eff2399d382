"""The air-or-sea simulator, headless: widgets driven from Python, no browser."""

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date
from unittest import mock

import ipywidgets as widgets
import pytest

from isoko.econ import freight
from isoko.sims import freight as sim_module
from isoko.sims._base import money
from isoko.sims._svg import Segment, stacked_bar_chart
from isoko.sims.freight import AirOrSeaSimulator
from support.sims import SVG, html_widgets

# The default shipment, Aline's in the logistics course: 1,200 bottles of chili oil, 0.42 kg
# packed, 24 to a 35 x 25 x 22 cm carton, USD 1.81 (RWF 2,650 at 1,461).
SHIPMENT = (0.42, 24, 35, 25, 22, 1.81)


def bar_totals(svg: str) -> dict[str, float]:
    """Bar label (mode name) -> the total printed after the bar."""
    root = ET.fromstring(svg)
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("y") and t.text and "days" in t.text]
    totals = [float(t.get("data-total")) for t in root.iter(f"{SVG}text") if t.get("data-total")]
    return dict(zip(labels, totals, strict=True))


def pieces(svg: str) -> dict[tuple[str, str], float]:
    """(bar label, segment) -> value of each piece of the stacked bars."""
    root = ET.fromstring(svg)
    return {
        (r.get("data-bar"), r.get("data-segment")): float(r.get("data-value"))
        for r in root.iter(f"{SVG}rect")
        if r.get("data-bar")
    }


@pytest.fixture
def sim():
    return AirOrSeaSimulator()


def test_defaults_come_from_the_facts(sim):
    c = sim.controls
    assert c["units"].value == 1_200  # Aline's 50 cartons of 24 bottles (lesson 1)
    assert c["goods_value_usd"].value == pytest.approx(1.81)  # RWF 2,650 a bottle
    assert c["route"].value == "dar"  # Dar handles 65-70% of Rwanda's sea trade
    assert c["shipped_on"].value == date(2024, 12, 1)  # zero tariff for LDCs
    assert c["mfn_duty_rate"].value == pytest.approx(0.12)  # chili oil, HS 2103.90 (assumed)
    assert c["rwf_per_usd"].value == 1461
    assert c["rwf_per_cny"].value == 203
    assert c["air_rate_usd_per_kg"].value == pytest.approx(2.5)  # assumption


def test_initial_figures_are_the_econ_result(sim):
    # Air, by hand: 50 cartons of 24 x 0.42 kg = 504 kg, more than the volume weight
    # (50 x 35 x 25 x 22 / 6,000 = 160 kg); 504 x USD 2.5 x 1,461 / 1,200 = RWF 1,534.05
    # freight a bottle; goods 1.81 x 1,461 = 2,644.41; insurance 0.3% of the two = 12.54;
    # VAT 13% of that CIF value (4,191.00) = 544.83; fees USD 150 x 1,461 / 1,200 =
    # 182.63: landed RWF 4,918.45 a bottle. Sea cheapest at 36 days.
    cif = (2_644.41 + 1_534.05) * 1.003
    assert sim.landed_cost_rwf["air"] == pytest.approx(cif * 1.13 + 182.625)
    assert sim.landed_cost_rwf["air"] == pytest.approx(4_918.45, abs=0.01)
    assert sim.cheapest == "sea"
    assert sim.door_to_door_days == {"air": 6, "sea": 36, "courier": 5}
    html = sim.figure_html
    assert "Cheapest: Sea via Dar es Salaam, RWF 3,737 a bottle" in html
    assert "RWF 4,918 a bottle landed (USD 3.37), 6 days" in html
    assert "50 cartons, 504 kg, 0.96 CBM" in html and "volume weight, 160 kg" in html
    assert "Duty 0.0% of the CIF value, import VAT 13.0%" in html
    expected = freight.compare_modes(1_200, *SHIPMENT)
    totals = bar_totals(sim.chart_svg)
    assert totals["Air via Kigali: 6 days"] == pytest.approx(
        expected.air.all_in_per_unit_rwf, rel=1e-5
    )
    assert totals["Sea via Dar es Salaam: 36 days"] == pytest.approx(
        expected.sea.all_in_per_unit_rwf, rel=1e-5
    )


def test_bar_pieces_are_the_landed_cost_breakdown(sim):
    parts = pieces(sim.chart_svg)
    air = sim.comparison.air
    bar = "Air via Kigali: 6 days"
    assert parts[(bar, "Goods")] == pytest.approx(2_644.41)
    assert parts[(bar, "Freight")] == pytest.approx(1_534.05)
    assert parts[(bar, "Import VAT")] == pytest.approx(air.landed.vat, rel=1e-5)
    assert parts[(bar, "Fees")] == pytest.approx(182.625)
    assert parts[(bar, "Cash tied up")] == pytest.approx(air.transit_cost_per_unit_rwf, rel=1e-5)
    bar_total = sum(v for (b, _), v in parts.items() if b == bar)
    assert bar_total == pytest.approx(air.all_in_per_unit_rwf, rel=1e-5)


def test_changing_the_shipment_size_updates_in_place(sim):
    chart, figure, size_chart = sim.chart, sim.figure, sim.size_chart
    before_html, before_svg, before_size = sim.figure_html, sim.chart_svg, sim.size_chart_svg
    seen = mock.Mock()
    chart.observe(seen, names="value")

    sim.controls["units"].value = 20

    expected = freight.compare_modes(20, *SHIPMENT)
    assert sim.landed_cost_rwf["sea"] == pytest.approx(float(expected.sea.landed.total))
    # one carton: sea fees USD 450 / 20 bottles = RWF 32,873 a bottle, air fees USD 150 / 20
    # = RWF 10,958; the courier charges 8.4 kg * USD 12 / 20 = RWF 7,364 a bottle, no fees
    assert sim.cheapest == str(expected.cheapest) == "courier"
    assert "Cheapest: Courier, door to door" in sim.figure_html
    assert money(float(expected.sea.landed.total), "RWF") in sim.figure_html
    assert sim.figure_html != before_html
    assert sim.chart_svg != before_svg and sim.size_chart_svg != before_size
    assert bar_totals(sim.chart_svg)["Sea via Dar es Salaam: 36 days"] == pytest.approx(
        float(expected.sea.all_in_per_unit_rwf), rel=1e-5
    )
    root = ET.fromstring(sim.size_chart_svg)
    (dot,) = [c for c in root.iter(f"{SVG}circle") if c.get("data-label")]
    assert dot.get("data-label") == "now: 20 bottles"
    best = float(expected.courier.all_in_per_unit_rwf)
    assert float(dot.get("data-y")) == pytest.approx(best, rel=1e-5)
    assert sim.chart is chart and sim.figure is figure and sim.size_chart is size_chart
    assert seen.call_count == 1


def test_route_changes_sea_days_cost_and_labels(sim):
    dar = sim.landed_cost_rwf["sea"]
    sim.controls["route"].value = "mombasa"
    # a USD 4,000 truck instead of 3,500: 500 / 67 USD more per CBM on 0.9625 CBM, RWF 8.74
    # a bottle more freight before insurance and VAT; 37 days instead of 36
    assert sim.door_to_door_days["sea"] == 37
    assert sim.landed_cost_rwf["sea"] > dar
    assert "Sea via Mombasa: 37 days" in bar_totals(sim.chart_svg)
    assert "Sea via Mombasa" in sim.figure_html


def test_tariff_before_the_zero_tariff_treatment(sim):
    sim.controls["shipped_on"].value = date(2024, 11, 30)
    air = sim.comparison.air
    assert air.landed.duty == pytest.approx(0.12 * air.landed.cif)
    assert "Duty 12.0% of the CIF value" in sim.figure_html
    assert pieces(sim.chart_svg)[("Air via Kigali: 6 days", "Duty")] == pytest.approx(
        float(air.landed.duty), rel=1e-5
    )


def test_cross_border_channel_and_its_limit(sim):
    sim.controls["shipped_on"].value = date(2024, 11, 30)
    sim.controls["cross_border_retail"].value = True
    # 4 bottles an order at the shop price CNY 39 = CNY 156 -> no duty, VAT 0.7 * 13%
    # = 9.1% of the shop price: 0.091 * 39 * 203 = RWF 720.45 a bottle (lesson 1)
    assert sim.comparison.duty_rate == 0 and sim.comparison.vat_rate == pytest.approx(0.091)
    assert "worth CNY 156, within the CNY 5,000 limit" in sim.figure_html
    assert "on your shop price" in sim.figure_html
    assert "import VAT 9.1%" in sim.figure_html
    assert sim.comparison.air.landed.vat == pytest.approx(0.091 * 39 * 203)
    sim.controls["shop_price_cny"].value = 45  # a dearer bottle pays more tax
    assert sim.comparison.sea.landed.vat == pytest.approx(0.091 * 45 * 203)
    sim.controls["units_per_order"].value = 400  # CNY 18,000
    assert sim.comparison.fits_cbec_limits is False
    assert sim.comparison.duty_rate == pytest.approx(0.12)
    assert "over the CNY 5,000 limit" in sim.figure_html


def test_bulky_goods_pay_by_volume_weight(sim):
    # agaseke baskets: 0.3 kg each, 4 to a 50 x 50 x 40 cm carton:
    # 1,200 / 4 = 300 cartons * 100,000 cm3 / 6,000 = 5,000 kg volume weight against 360 kg
    sim.controls["unit_weight_kg"].value = 0.3
    sim.controls["units_per_carton"].value = 4
    for name, value in (
        ("carton_length_cm", 50),
        ("carton_width_cm", 50),
        ("carton_height_cm", 40),
    ):
        sim.controls[name].value = value
    assert sim.comparison.air.billed_quantity == pytest.approx(300 * 100_000 / 6_000)
    assert "Air charges for 5,000 kg" in sim.figure_html


def test_the_view_delegates_economics_to_econ(sim, monkeypatch):
    real = freight.compare_modes
    calls = []

    def fake(units, *args, **kwargs):
        calls.append((units, args, kwargs))
        result = real(units, *args, **kwargs)
        if isinstance(units, int):  # the shipment itself, not the size curve
            result = dataclasses.replace(result, air=dataclasses.replace(result.air, days=99.0))
        return result

    monkeypatch.setattr(sim_module.freight, "compare_modes", fake)
    sim.controls["goods_value_usd"].value = 9.0
    units, args, kwargs = calls[0]
    assert units == 1_200 and args[-1] == 9.0 and kwargs["route"] == "dar"
    assert sim.door_to_door_days["air"] == 99
    assert "Air via Kigali: 99 days" in bar_totals(sim.chart_svg)


def test_an_impossible_value_shows_a_message_and_keeps_the_last_result(sim, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("units must be a whole number of at least 1")

    before = sim.result
    monkeypatch.setattr(sim_module.freight, "compare_modes", refuse)
    sim.controls["units"].value = 100
    assert "Cannot work this out: units must be" in sim.figure_html
    assert sim.result is before


def test_callbacks_print_nothing(sim, capsys):
    for name, value in [("units", 500), ("route", "mombasa"), ("cross_border_retail", True)]:
        sim.controls[name].value = value
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_css_classes_and_phone_layout(sim):
    assert "isoko-sim" in sim.view._dom_classes
    main = sim.controls["units"]
    assert "isoko-main-control" in main._dom_classes and "isoko-units" in main._dom_classes
    assert "isoko-chart" in sim.chart._dom_classes
    assert "isoko-chart" in sim.size_chart._dom_classes
    assert "isoko-figure" in sim.figure._dom_classes
    assert sim.view.layout.width == "100%" and sim.view.layout.max_width == "720px"
    for control in sim.controls.values():
        assert control.layout.width == "100%"
        if isinstance(control, widgets.IntSlider | widgets.FloatSlider):
            assert control.continuous_update is False
    for svg in (sim.chart_svg, sim.size_chart_svg):
        root = ET.fromstring(svg)
        assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 360 ")


def test_results_are_read_only(sim):
    with pytest.raises(AttributeError):
        sim.cheapest = "air"
    with pytest.raises(AttributeError):
        sim.result.comparison.air.days = 1


def test_french_labels():
    fr = AirOrSeaSimulator(language="fr")
    texts = " ".join(w.value for w in html_widgets(fr.view))
    assert "Avion ou bateau" in texts
    assert "Bouteilles dans l&#x27;envoi" in texts or "Bouteilles dans l'envoi" in texts
    assert "Aline expédie les bouteilles de son huile pimentée" in texts
    assert (
        "Le moins cher : Mer via Dar es Salaam, 3\u00a0737\u00a0RWF la bouteille" in fr.figure_html
    )
    assert "0,96 m³" in fr.figure_html and "TVA à l&#x27;importation 13,0\u00a0%" in fr.figure_html
    assert "Marchandises" in fr.chart_svg and "Argent immobilisé" in fr.chart_svg
    assert "Bottles in the shipment" not in texts and "paquet" not in texts.lower()
    assert fr.cheapest == "sea"


def test_impossible_start_values_are_refused():
    with pytest.raises(ValueError, match="units_per_carton must be a whole number"):
        AirOrSeaSimulator(units_per_carton=0)


# --- the stacked bar renderer on its own --------------------------------------------------


def test_stacked_bar_chart_adds_segments_and_escapes_labels():
    segments = [Segment("a <b>", [1, 2], "#111"), Segment("c", [3, 0], "#222")]
    svg = stacked_bar_chart(["first & one", "second"], segments, title="t")
    root = ET.fromstring(svg)  # valid XML: labels were escaped
    totals = [float(t.get("data-total")) for t in root.iter(f"{SVG}text") if t.get("data-total")]
    assert totals == [4, 2]
    widths = {
        (r.get("data-bar"), r.get("data-segment")): float(r.get("width"))
        for r in root.iter(f"{SVG}rect")
        if r.get("data-bar")
    }
    # one scale for all bars: the largest total (4) fills the plot; 3/4 of it is "c"
    assert widths[("first & one", "c")] == pytest.approx(3 * widths[("second", "a <b>")] / 2)
    assert svg == stacked_bar_chart(["first & one", "second"], segments, title="t")


@pytest.mark.parametrize(
    ("labels", "segments", "words"),
    [
        ([], [("a", [], "#000")], "at least one bar"),
        (["x"], [("a", [1, 2], "#000")], "one value per bar"),
        (["x"], [("a", [-1], "#000")], "0 or more"),
        (["x"], [("a", [float("nan")], "#000")], "finite"),
    ],
)
def test_stacked_bar_chart_refuses_bad_data(labels, segments, words):
    with pytest.raises(ValueError, match=words):
        stacked_bar_chart(labels, [Segment(*s) for s in segments], title="t")
