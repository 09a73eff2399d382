"""The mobile-money cash-flow simulator, headless: widgets driven from Python, no browser."""

import dataclasses
import re
import xml.etree.ElementTree as ET
from unittest import mock

import ipywidgets as widgets
import numpy as np
import pytest

from isoko.econ import cashflow
from isoko.sims import cashflow as sim_module
from isoko.sims.cashflow import CashFlowSimulator
from support.sims import SVG, texts

NBSP = "\u00a0"

SHOP = {
    "opening_balance": 250_000,
    "orders_per_day": 5,
    "order_value": 8_000,
    "marketplace_share": 0.6,
    "momo_share": 0.7,
    "marketplace_commission_rate": 0.10,
    "payout_delay_days": 14,
    "payout_every_days": 7,
    "cost_of_goods_rate": 0.6,
    "restock_every_days": 7,
    "supplier_terms_days": 0,
    "fixed_costs_per_month": 50_000,
}


@pytest.fixture
def sim():
    return CashFlowSimulator()


def econ(**changes):
    return cashflow.shop_cash_flow(90, **(SHOP | changes))


def markers(svg: str) -> dict[str, tuple[float, float]]:
    """Legend label -> (x, y) of each marker dot in the chart."""
    root = ET.fromstring(svg)
    return {
        c.get("data-label"): (float(c.get("data-x")), float(c.get("data-y")))
        for c in root.iter(f"{SVG}circle")
        if c.get("data-label")
    }


def line_points(svg: str) -> int:
    root = ET.fromstring(svg)
    (line,) = list(root.iter(f"{SVG}polyline"))
    return len(line.get("points").split())


def headline(html: str) -> str:
    return re.search(r"class='isoko-runs-out'[^>]*>([^<]*)<", html).group(1)


# --- the model behind the view ----------------------------------------------------------


def test_fee_tables_come_from_the_facts_and_assumptions_are_labelled(sim):
    assert sim_module.AIRTEL_TABLES["merchant"] is cashflow.AIRTEL_MONEY_MERCHANT_2020
    assert sim_module.AIRTEL_TABLES["transfer"] is cashflow.AIRTEL_MONEY_TRANSFER_2020
    shown = texts(sim.view)
    # every control but the Airtel choice (a published tariff) is an assumption
    assert shown.count("(assumption)") == len(sim.controls) - 1 == 12
    assert "(tariff of Aug 2020)" in shown
    for words in ("0.5% on payments above RWF 4,000", "Aug 2020", "2,000,000", "2026"):
        assert words in sim_module.SOURCES


def test_initial_readout_is_the_econ_result(sim):
    expected = econ()
    np.testing.assert_allclose(sim.closing_balance_rwf, expected.closing)
    # hand-worked in the econ tests: day 8 opens with 143,608, buys 168,000 of stock
    # and takes in 15,944: -8,448
    assert sim.first_negative_day == 8 == expected.first_negative_day
    assert headline(sim.figure_html) == "Your cash runs out on day 8."
    assert "Lowest: \u2212RWF 64,840 on day 15 (about \u2212USD 44)." in sim.figure_html
    # MoMoPay: 1.4 orders a day * 0.5% of 8,000 = 56 a day, 5,040 in 90 days
    assert sim.merchant_fees_rwf == pytest.approx(5_040)
    assert "Mobile-money fees you paid: RWF 5,040 (about USD 3.45)" in sim.figure_html
    assert "On one order of RWF 8,000: MoMoPay costs you RWF 40" in sim.figure_html
    assert "Profit over 90 days: RWF 1,068,960" in sim.figure_html
    assert "from the marketplace on day 90: RWF 432,000" in sim.figure_html
    assert markers(sim.chart_svg) == {"runs out: day 8": (pytest.approx(8), pytest.approx(-8_448))}
    assert line_points(sim.chart_svg) == 90


def test_moving_the_payout_delay_updates_figure_and_chart_in_place(sim):
    figure, chart = sim.figure, sim.chart
    before_html, before_svg = sim.figure_html, sim.chart_svg
    seen = mock.Mock()
    chart.observe(seen, names="value")

    sim.controls["payout_delay_days"].value = 30

    expected = econ(payout_delay_days=30)
    np.testing.assert_allclose(sim.closing_balance_rwf, expected.closing)
    assert sim.first_negative_day == expected.first_negative_day == 8
    assert sim.result.lowest_balance_rwf == pytest.approx(expected.lowest_balance)
    assert expected.lowest_balance < econ().lowest_balance  # a longer wait digs deeper
    assert sim.figure_html != before_html and sim.chart_svg != before_svg
    assert sim.figure is figure and sim.chart is chart
    assert figure in sim.view.children and chart in sim.view.children
    assert seen.call_count == 1


def test_supplier_terms_keep_the_cash_positive(sim):
    sim.controls["supplier_terms_days"].value = 7
    expected = econ(supplier_terms_days=7)
    assert expected.first_negative_day is None and sim.first_negative_day is None
    assert headline(sim.figure_html) == "Your cash lasts all 90 days."
    assert markers(sim.chart_svg) == {
        f"lowest: day {expected.lowest_day}": (
            pytest.approx(expected.lowest_day),
            pytest.approx(expected.lowest_balance),
        )
    }


def test_airtel_transfers_cost_the_buyer_not_the_shop(sim):
    before = sim.closing_balance_rwf
    sim.controls["airtel_payment"].value = "transfer"
    # 30% of 2 direct orders = 0.6 transfers a day of RWF 8,000 at RWF 50: 30 a day
    assert "Airtel Money costs your buyer RWF 50" in sim.figure_html
    assert "Your buyers paid RWF 2,700 in transfer fees on top." in sim.figure_html
    assert sim.closing_balance_rwf == before
    sim.controls["airtel_payment"].value = "merchant"
    assert "Airtel Money costs you RWF 0" in sim.figure_html
    assert "transfer fees" not in sim.figure_html


def test_small_orders_pay_no_momopay_fee(sim):
    sim.controls["order_value_rwf"].value = 4_000  # free up to RWF 4,000
    assert "MoMoPay costs you RWF 0" in sim.figure_html
    assert sim.merchant_fees_rwf == 0
    sim.controls["order_value_rwf"].value = 4_500  # 0.5% of 4,500 = 22.50
    assert "MoMoPay costs you RWF 22" in sim.figure_html
    assert sim.merchant_fees_rwf == pytest.approx(90 * 1.4 * 22.5)


def test_the_view_delegates_economics_to_econ(sim, monkeypatch):
    real = cashflow.shop_cash_flow

    def day_42(*args, **kwargs):
        return dataclasses.replace(real(*args, **kwargs), first_negative_day=42)

    monkeypatch.setattr(sim_module.cashflow, "shop_cash_flow", day_42)
    sim.controls["orders_per_day"].value = 6
    assert sim.first_negative_day == 42
    assert headline(sim.figure_html) == "Your cash runs out on day 42."
    assert "runs out: day 42" in markers(sim.chart_svg)

    monkeypatch.setattr(sim_module.cashflow, "transaction_fee", mock.Mock(return_value=777.0))
    sim.controls["orders_per_day"].value = 5
    assert "MoMoPay costs you RWF 777" in sim.figure_html
    # the shop's fees follow too: 2 direct orders a day * 777 * 90 days (both tables)
    assert sim.merchant_fees_rwf == pytest.approx(2 * 777 * 90)


def test_an_impossible_input_shows_a_message_not_a_traceback(sim, monkeypatch, capsys):
    def refuse(**_inputs):
        raise ValueError("Airtel Money transfer covers payments up to RWF 2,000,000")

    monkeypatch.setattr(sim_module, "model", refuse)
    sim.controls["order_value_rwf"].value = 9_000
    assert "Cannot work this out: Airtel Money transfer covers" in sim.figure_html
    assert capsys.readouterr().out == ""


def test_callbacks_print_nothing(sim, capsys):
    for name, value in [
        ("payout_delay_days", 3),
        ("momo_share", 0.2),
        ("airtel_payment", "transfer"),
        ("restock_every_days", 14),
    ]:
        sim.controls[name].value = value
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_css_classes_and_phone_layout(sim):
    assert isinstance(sim.view, widgets.VBox) and "isoko-sim" in sim.view._dom_classes
    main = sim.controls["payout_delay_days"]
    assert {"isoko-main-control", "isoko-payout-delay"} <= set(main._dom_classes)
    assert "isoko-chart" in sim.chart._dom_classes
    assert "isoko-figure" in sim.figure._dom_classes
    assert "isoko-runs-out" in sim.figure_html and "isoko-fees" in sim.figure_html
    assert sim.view.layout.width == "100%" and sim.view.layout.max_width == "720px"
    for name, control in sim.controls.items():
        assert control.layout.width == "100%", name
        if isinstance(control, widgets.IntSlider | widgets.FloatSlider):
            assert control.continuous_update is False, name
    root = ET.fromstring(sim.chart_svg)
    assert root.get("width") == "100%" and root.get("viewBox") == "0 0 360 240"


def test_results_are_read_only(sim):
    for name in ("first_negative_day", "closing_balance_rwf", "merchant_fees_rwf", "result"):
        with pytest.raises(AttributeError):
            setattr(sim, name, 1)


def test_impossible_start_values_are_refused():
    with pytest.raises(ValueError, match="marketplace_share must be one share"):
        CashFlowSimulator(marketplace_share=1.5)
    with pytest.raises(ValueError, match="airtel_payment must be one of"):
        CashFlowSimulator(airtel_payment="cash")


def test_french_shows_french_labels_and_french_numbers():
    sim = CashFlowSimulator(language="fr")
    shown = texts(sim.view)
    assert "Trésorerie et mobile money" in shown
    assert "Jours entre une vente et son paiement par la plateforme" in shown
    assert "hypothèse" in shown and "assumption" not in shown
    assert "Your cash" not in shown and "Orders a day" not in shown
    assert headline(sim.figure_html) == "Votre caisse est vide le jour 8."
    assert f"Au plus bas{NBSP}: \u221264{NBSP}840{NBSP}RWF le jour 15" in sim.figure_html
    assert f"5{NBSP}040{NBSP}RWF (environ 3,45{NBSP}USD)" in sim.figure_html
    assert set(markers(sim.chart_svg)) == {f"à sec{NBSP}: jour 8"}
    chart_texts = [t.text for t in ET.fromstring(sim.chart_svg).iter(f"{SVG}text")]
    assert "Trésorerie, RWF" in chart_texts and "Jour" in chart_texts
    assert "1M" in chart_texts  # ticks: 1M
    labels = [label for label, _value in sim.controls["airtel_payment"].options]
    assert labels[0].startswith("Paiement marchand")
    assert "," not in sim.controls["opening_balance_rwf"].readout_format
    sim.controls["airtel_payment"].value = "transfer"
    assert f"Airtel Money coûte 50{NBSP}RWF à votre client" in sim.figure_html
