"""isoko.econ.pricing and isoko.econ.fx against hand-worked examples and closed forms."""

import doctest
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isoko.econ import fx, pricing
from isoko.econ.pricing import (
    break_even_units,
    constant_elasticity_demand,
    estimate_elasticity,
    net_revenue_per_unit,
    optimal_price_constant_elasticity,
    profit,
    profit_curve,
)


def test_econ_does_not_import_widgets():
    # Importing the models in a clean interpreter must not pull in ipywidgets.
    source_root = Path(pricing.__file__).resolve().parents[2]
    code = "import isoko.econ, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(source_root)},
    )
    assert out.stdout.strip() == "False"


def test_docstring_examples_hold():
    for module in (pricing, fx):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0
        assert failed == 0


# --- constant_elasticity_demand -------------------------------------------------------


def test_demand_at_reference_price_is_reference_quantity():
    # (10 / 10) ** -2.5 = 1, so 2,000 * 1 = 2,000 packs
    assert constant_elasticity_demand(10, 10, 2000, -2.5) == pytest.approx(2000)


def test_demand_hand_worked():
    # doubling the price with elasticity -2: 1,000 * 2 ** -2 = 1,000 / 4 = 250
    assert constant_elasticity_demand(20, 10, 1000, -2) == pytest.approx(250)
    # halving the price with elasticity -3: 400 * 0.5 ** -3 = 400 * 8 = 3,200
    assert constant_elasticity_demand(5_000, 10_000, 400, -3) == pytest.approx(3200)


def test_demand_accepts_arrays():
    # 1,000 * [0.5, 1, 2] ** -2 = [4,000, 1,000, 250]
    got = constant_elasticity_demand(np.array([5.0, 10.0, 20.0]), 10, 1000, -2)
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, [4000, 1000, 250])


def test_demand_returns_python_float_for_scalars():
    assert type(constant_elasticity_demand(10, 10, 100, -2)) is float


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"price": 0}, "price must be greater than zero"),
        ({"price": -5}, "price must be greater than zero"),
        ({"ref_price": 0}, "ref_price must be greater than zero"),
        ({"ref_quantity": -1}, "ref_quantity cannot be negative"),
        ({"elasticity": float("inf")}, "elasticity must be a finite number"),
        ({"price": float("nan")}, "not NaN"),
        ({"price": "ten"}, "must be a number"),
    ],
)
def test_demand_rejects_impossible_input(kwargs, words):
    args = {"price": 10, "ref_price": 10, "ref_quantity": 100, "elasticity": -2} | kwargs
    with pytest.raises(ValueError, match=words):
        constant_elasticity_demand(**args)


# --- estimate_elasticity --------------------------------------------------------------


def test_estimate_elasticity_two_points():
    # slope = (ln 250 - ln 1000) / (ln 20 - ln 10) = ln(1/4) / ln 2 = -2
    assert estimate_elasticity([10, 20], [1000, 250]) == pytest.approx(-2)


def test_estimate_elasticity_recovers_a_known_curve():
    prices = np.array([6.0, 8.0, 10.0, 12.0, 14.0])
    quantities = constant_elasticity_demand(prices, 10, 2000, -2.5)
    assert estimate_elasticity(prices, quantities) == pytest.approx(-2.5)


def test_estimate_elasticity_is_least_squares_on_logs():
    # ln p = [0, 1, 2] (p = 1, e, e^2), ln q = [3, 2, 2]:
    # mean ln p = 1, mean ln q = 7/3; sum dx*dy = (-1)(2/3) + 0 + (1)(-1/3) = -1;
    # sum dx^2 = 2; slope = -1/2
    prices = np.exp([0.0, 1.0, 2.0])
    quantities = np.exp([3.0, 2.0, 2.0])
    assert estimate_elasticity(prices, quantities) == pytest.approx(-0.5)
    assert type(estimate_elasticity(prices, quantities)) is float


@pytest.mark.parametrize(
    ("prices", "quantities", "words"),
    [
        ([10], [100], "at least two"),
        ([10, 10], [100, 90], "all prices are the same"),
        ([10, 20], [100], "same length"),
        ([10, -20], [100, 90], "prices must be greater than zero"),
        ([10, 20], [100, 0], "quantities must be greater than zero"),
        ([[10, 20]], [[100, 90]], "flat list"),
    ],
)
def test_estimate_elasticity_rejects_bad_data(prices, quantities, words):
    with pytest.raises(ValueError, match=words):
        estimate_elasticity(prices, quantities)


# --- net_revenue_per_unit -------------------------------------------------------------


def test_net_revenue_hand_worked():
    # USD 10 at RWF 1,461 = RWF 14,610; Tmall 5% + Alipay 1% take 6%:
    # 14,610 * 0.94 = 13,733.40
    assert net_revenue_per_unit(14_610, 0.05, 0.01) == pytest.approx(13_733.4)
    # no fees: the seller keeps the whole price
    assert net_revenue_per_unit(5_000) == pytest.approx(5_000)
    # Amazon-style 15% referral fee: 20,000 * 0.85 = 17,000
    assert net_revenue_per_unit(20_000, commission_rate=0.15) == pytest.approx(17_000)


def test_net_revenue_arrays_broadcast():
    # [10,000, 20,000] * (1 - [0.05, 0.10]) = [9,500, 18,000]
    got = net_revenue_per_unit(np.array([10_000, 20_000]), np.array([0.05, 0.10]))
    np.testing.assert_allclose(got, [9_500, 18_000])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((-1, 0.05, 0.01), "price cannot be negative"),
        ((100, -0.01, 0.0), "commission_rate is a share"),
        ((100, 1.0, 0.0), "commission_rate is a share"),
        ((100, 0.0, 1.2), "payment_fee_rate is a share"),
        ((100, 0.6, 0.4), "together they would take the whole price"),
        ((100, 0.7, 0.5), "together they would take the whole price"),
        ((np.array([100, -1]), 0.0, 0.0), "price cannot be negative"),
    ],
)
def test_net_revenue_rejects_impossible_input(args, words):
    with pytest.raises(ValueError, match=words):
        net_revenue_per_unit(*args)


# --- break_even_units -----------------------------------------------------------------


def test_break_even_hand_worked():
    # price 10,000, commission 4% -> keep 9,600; cost 7,600 -> margin 2,000;
    # fixed 90,000 / 2,000 = 45 units
    assert break_even_units(90_000, 10_000, 7_600, commission_rate=0.04) == pytest.approx(45)
    # Tmall annual fee RMB 30,000 at RWF 203 per CNY = RWF 6,090,000;
    # USD 10 pack = RWF 14,610, keep 94% = 13,733.40, cost 7,000 -> margin 6,733.40;
    # 6,090,000 / 6,733.40 = 904.4465 packs (905 whole packs)
    assert break_even_units(6_090_000, 14_610, 7_000, 0.05, 0.01) == pytest.approx(
        6_090_000 / 6_733.4
    )
    assert break_even_units(6_090_000, 14_610, 7_000, 0.05, 0.01) == pytest.approx(
        904.4465, rel=1e-6
    )


def test_break_even_zero_fixed_costs_is_zero_units():
    assert break_even_units(0, 10, 5) == 0


def test_break_even_arrays():
    # margins 10-5 = 5 and 20-5 = 15: 300/5 = 60, 300/15 = 20
    np.testing.assert_allclose(break_even_units(300, np.array([10.0, 20.0]), 5), [60, 20])


@pytest.mark.parametrize(
    ("price", "unit_cost", "commission"),
    [
        (5_000, 7_000, 0.0),  # price below cost
        (7_000, 7_000, 0.0),  # price equal to cost: margin 0
        (7_400, 7_000, 0.06),  # above cost, but 7,400 * 0.94 = 6,956 < 7,000 after fees
        (np.array([10_000, 6_000]), 7_000, 0.0),  # one of several prices loses money
    ],
)
def test_break_even_refuses_when_each_unit_loses_money(price, unit_cost, commission):
    with pytest.raises(ValueError, match="loses money after fees"):
        break_even_units(1_000, price, unit_cost, commission)


def test_break_even_rejects_negative_costs():
    with pytest.raises(ValueError, match="fixed_costs cannot be negative"):
        break_even_units(-1, 10, 5)
    with pytest.raises(ValueError, match="unit_cost cannot be negative"):
        break_even_units(1, 10, -5)


# --- optimal_price_constant_elasticity ------------------------------------------------


def test_optimum_hand_worked():
    # no fees, e = -2: p* = 5,000 * (-2 / -1) = 10,000
    assert optimal_price_constant_elasticity(5_000, -2) == pytest.approx(10_000)
    # 20% commission, e = -3: p* = 6,000 / 0.8 * (-3 / -2) = 7,500 * 1.5 = 11,250
    assert optimal_price_constant_elasticity(6_000, -3, 0.2) == pytest.approx(11_250)
    # coffee default: 7,000 / 0.94 * (-2.5 / -1.5) = 7,446.81 * 5/3 = 12,411.35 RWF
    assert optimal_price_constant_elasticity(7_000, -2.5, 0.05, 0.01) == pytest.approx(
        12_411.3475, rel=1e-7
    )


def test_optimum_arrays():
    # e = [-2, -3, -5]: markups 2, 1.5, 1.25 on a cost of 100
    got = optimal_price_constant_elasticity(100, np.array([-2.0, -3.0, -5.0]))
    np.testing.assert_allclose(got, [200, 150, 125])


def test_higher_commission_raises_the_optimal_price():
    low = optimal_price_constant_elasticity(7_000, -2.5, 0.02, 0.01)
    high = optimal_price_constant_elasticity(7_000, -2.5, 0.15, 0.01)
    # 7,000 / 0.97 * 5/3 = 12,027.49 and 7,000 / 0.84 * 5/3 = 13,888.89
    assert low == pytest.approx(12_027.4914, rel=1e-7)
    assert high == pytest.approx(13_888.8889, rel=1e-7)


@pytest.mark.parametrize("elasticity", [-1.0, -0.5, 0.0, 0.8, np.array([-2.0, -1.0])])
def test_optimum_refuses_inelastic_demand(elasticity):
    with pytest.raises(ValueError, match="no finite best price"):
        optimal_price_constant_elasticity(7_000, elasticity)


def test_optimum_rejects_impossible_costs_and_fees():
    with pytest.raises(ValueError, match="unit_cost cannot be negative"):
        optimal_price_constant_elasticity(-1, -2)
    with pytest.raises(ValueError, match="together they would take the whole price"):
        optimal_price_constant_elasticity(100, -2, 0.5, 0.5)


@settings(max_examples=200, deadline=None)
@given(
    unit_cost=st.floats(100, 50_000),
    elasticity=st.floats(-8.0, -1.05),
    commission=st.floats(0.0, 0.4),
    payment_fee=st.floats(0.0, 0.05),
    step=st.floats(0.001, 0.5),
)
def test_closed_form_optimum_beats_nearby_prices(
    unit_cost, elasticity, commission, payment_fee, step
):
    best = optimal_price_constant_elasticity(unit_cost, elasticity, commission, payment_fee)
    demand = (10_000, 1_000, elasticity)
    fees = (commission, payment_fee)
    at_best = profit(best, unit_cost, *demand, *fees)
    nearby = np.array([best * (1 - step), best * (1 + step)])
    around = profit(nearby, unit_cost, *demand, *fees)
    assert np.all(around <= at_best + 1e-9 * abs(at_best))


def test_closed_form_matches_a_fine_grid_search():
    prices, profits = profit_curve(
        8_000, 20_000, 7_000, 14_610, 2_000, -2.5, 0.05, 0.01, points=12_001
    )
    best = optimal_price_constant_elasticity(7_000, -2.5, 0.05, 0.01)
    assert prices[np.argmax(profits)] == pytest.approx(best, abs=1.0)


# --- profit and profit_curve ----------------------------------------------------------


def test_profit_hand_worked():
    # at the reference price 100 units sell; keep 10,000 * 0.94 = 9,400;
    # (9,400 - 6,000) * 100 - 50,000 = 340,000 - 50,000 = 290,000 RWF
    assert profit(10_000, 6_000, 10_000, 100, -2, 0.05, 0.01, 50_000) == pytest.approx(290_000)
    # double the price, e = -2: 25 units; keep 20,000; (20,000 - 6,000) * 25 = 350,000
    assert profit(20_000, 6_000, 10_000, 100, -2) == pytest.approx(350_000)


def test_profit_is_negative_below_cost():
    # price 5,000 under a cost of 6,000: 100 * (5,000/10,000)^-1.5 = 282.84 units,
    # each losing 1,000 -> -282,842.7
    assert profit(5_000, 6_000, 10_000, 100, -1.5) == pytest.approx(-282_842.712, rel=1e-6)


def test_profit_arrays_match_scalars():
    prices = np.array([9_000.0, 12_000.0, 15_000.0])
    got = profit(prices, 7_000, 14_610, 2_000, -2.5, 0.05, 0.01)
    expected = [profit(p, 7_000, 14_610, 2_000, -2.5, 0.05, 0.01) for p in prices]
    np.testing.assert_allclose(got, expected)


def test_profit_rejects_negative_fixed_costs():
    with pytest.raises(ValueError, match="fixed_costs cannot be negative"):
        profit(10, 5, 10, 100, -2, fixed_costs=-1)


def test_profit_curve_grid_and_values():
    prices, profits = profit_curve(1, 3, 0.5, 2, 100, -2, points=3)
    np.testing.assert_allclose(prices, [1, 2, 3])
    # 100*(1/2)^-2 = 400 units * 0.5 = 200; 100 units * 1.5 = 150; 44.44 units * 2.5 = 111.1
    np.testing.assert_allclose(profits, [200, 150, 1000 / 9])


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"price_low": 5, "price_high": 5}, "price_high must be above price_low"),
        ({"points": 1}, "points must be a whole number"),
        ({"elasticity": [-2, -3]}, "elasticity must be a single number"),
        ({"price_low": 0}, "price_low must be greater than zero"),
    ],
)
def test_profit_curve_rejects_bad_grids(kwargs, words):
    args = {
        "price_low": 1,
        "price_high": 3,
        "unit_cost": 0.5,
        "ref_price": 2,
        "ref_quantity": 100,
        "elasticity": -2,
    } | kwargs
    with pytest.raises(ValueError, match=words):
        profit_curve(**args)


# --- fx -------------------------------------------------------------------------------


def test_fx_hand_worked():
    # USD 10 at RWF 1,461 = RWF 14,610; and back
    assert fx.usd_to_rwf(10, 1461) == pytest.approx(14_610)
    assert fx.rwf_to_usd(14_610, 1461) == pytest.approx(10)
    # a loss converts too: -RWF 2,922 = -USD 2
    assert fx.rwf_to_usd(-2_922, 1461) == pytest.approx(-2)
    np.testing.assert_allclose(fx.usd_to_rwf(np.array([8, 12]), 1318), [10_544, 15_816])
    assert fx.RWF_PER_USD_MID_2026 == 1461


def test_fx_yuan_hand_worked():
    # A Tmall price of CNY 70 at RWF 203 = RWF 14,210; and back
    assert fx.cny_to_rwf(70, 203) == pytest.approx(14_210)
    assert fx.rwf_to_cny(14_210, 203) == pytest.approx(70)
    np.testing.assert_allclose(fx.cny_to_rwf(np.array([57, 85]), 200), [11_400, 17_000])
    with pytest.raises(ValueError, match="rwf_per_cny must be greater than zero"):
        fx.cny_to_rwf(70, 0)
    with pytest.raises(ValueError, match="rwf_per_cny must be greater than zero"):
        fx.rwf_to_cny(70, -203)


@pytest.mark.parametrize("rate", [0, -1461])
def test_fx_rejects_impossible_rates(rate):
    with pytest.raises(ValueError, match="rwf_per_usd must be greater than zero"):
        fx.usd_to_rwf(10, rate)
    with pytest.raises(ValueError, match="rwf_per_usd must be greater than zero"):
        fx.rwf_to_usd(10, rate)


def test_stock_clearing_price_hand_worked_livestream():
    # 6,750 packs wanted at USD 8, elasticity -2, 3,000 in stock:
    # p = 8 * (3,000 / 6,750) ** (-1/2) = 8 * (4/9) ** -0.5 = 8 * 3/2 = USD 12
    assert pricing.stock_clearing_price(3_000, 8, 6_750, -2) == pytest.approx(12)
    # demand at the clearing price is the stock
    p = pricing.stock_clearing_price(1_234, 10, 5_000, -2.7)
    assert constant_elasticity_demand(p, 10, 5_000, -2.7) == pytest.approx(1_234)
    # more stock than buyers want at the reference price: the price must fall
    assert pricing.stock_clearing_price(8_000, 10, 2_000, -2) == pytest.approx(5)


def test_stock_clearing_price_refuses_a_non_negative_elasticity():
    with pytest.raises(ValueError, match="below 0"):
        pricing.stock_clearing_price(100, 10, 200, 0.5)


def test_best_price_with_stock_is_the_larger_of_two_prices():
    # cost 5,000, e -2, no fees: unconstrained best = 5,000 * 2 = 10,000.
    # 100 wanted at 10,000: a stock of 25 clears at 10,000 * (1/4) ** -0.5 = 20,000
    assert pricing.best_price_with_stock(5_000, 25, 10_000, 100, -2) == pytest.approx(20_000)
    # a big stock does not bind: the unconstrained best price stays
    assert pricing.best_price_with_stock(5_000, 500, 10_000, 100, -2) == pytest.approx(10_000)


def test_best_price_with_stock_beats_every_price_on_a_grid():
    # profit with at most `stock` units sold, tried on a fine grid of prices
    cost, stock, ref_p, ref_q, e, c, f = 7_000, 300, 12_000, 900, -2.5, 0.05, 0.01
    prices = np.linspace(8_000, 40_000, 32_001)
    sold = np.minimum(constant_elasticity_demand(prices, ref_p, ref_q, e), stock)
    profits = sold * (prices * (1 - c - f) - cost)
    best = pricing.best_price_with_stock(cost, stock, ref_p, ref_q, e, c, f)
    assert best == pytest.approx(prices[np.argmax(profits)], abs=2)
    assert best > optimal_price_constant_elasticity(cost, e, c, f)
