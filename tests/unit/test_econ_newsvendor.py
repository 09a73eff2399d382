"""isoko.econ.newsvendor against hand-worked examples, closed forms and a Monte Carlo."""

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isoko.econ import newsvendor
from isoko.econ.newsvendor import (
    critical_ratio,
    expected_leftover,
    expected_lost_sales,
    expected_sales,
    newsvendor_costs,
    newsvendor_expected_profit,
    newsvendor_quantity,
    sellout_probability,
)
from isoko.econ.normal import normal_quantile


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(newsvendor)
    assert attempted >= 8
    assert failed == 0


# --- the newsvendor ---------------------------------------------------------------------


def test_newsvendor_hand_worked():
    # ratio (12 - 7) / (12 - 2) = 0.5: stock the mean
    assert newsvendor_quantity(2_000, 500, 12, 7, 2) == pytest.approx(2_000)
    # ratio (12 - 4) / (12 - 2) = 0.8, z = 0.841621: 2,000 + 0.841621 * 500 = 2,420.81
    assert newsvendor_quantity(2_000, 500, 12, 4, 2) == pytest.approx(2_420.8106, rel=1e-7)
    # livestream default in RWF: (14,610 - 7,000) / (14,610 - 4,000) = 0.717248,
    # z = 0.574685: 2,500 + 0.574685 * 700 = 2,902.28
    q = newsvendor_quantity(2_500, 700, 14_610, 7_000, 4_000)
    assert q == pytest.approx(2_500 + normal_quantile(7_610 / 10_610) * 700)
    assert q == pytest.approx(2_902.28, abs=0.01)
    # no spread: exactly the mean
    assert newsvendor_quantity(2_000, 0, 12, 7) == 2_000


def test_newsvendor_edge_cases():
    # price does not cover the cost: prepare nothing
    assert newsvendor_quantity(2_000, 500, 7, 7) == 0
    assert newsvendor_quantity(2_000, 500, 5, 7) == 0
    # a very low ratio with a wide spread would go below zero: never negative
    assert newsvendor_quantity(100, 500, 10, 9.9, 0) == 0
    # leftovers that cost money to clear (negative salvage) lower the stock
    assert newsvendor_quantity(2_000, 500, 12, 7, -3) < 2_000
    np.testing.assert_allclose(
        newsvendor_quantity(2_000, np.array([0.0, 500.0]), 12, 7, 2), [2_000, 2_000]
    )
    with pytest.raises(ValueError, match="salvage_value must be below unit_cost"):
        newsvendor_quantity(2_000, 500, 12, 7, 7)
    with pytest.raises(ValueError, match="sd_demand cannot be negative"):
        newsvendor_quantity(2_000, -1, 12, 7)


def test_lost_sales_and_leftover_hand_worked():
    # at the mean: sd * L(0) = 500 * 0.398942 = 199.47 of each
    assert expected_lost_sales(2_000, 2_000, 500) == pytest.approx(199.4711402)
    assert expected_leftover(2_000, 2_000, 500) == pytest.approx(199.4711402)
    # one sd above the mean: lost = 500 * L(1) = 41.66; leftover = 500 + 41.66
    assert expected_lost_sales(2_500, 2_000, 500) == pytest.approx(500 * 0.0833154705876863)
    assert expected_leftover(2_500, 2_000, 500) == pytest.approx(500 + 500 * 0.0833154705876863)
    # no spread: plain differences
    assert expected_lost_sales(1_500, 2_000, 0) == 500
    assert expected_leftover(1_500, 2_000, 0) == 0
    assert expected_leftover(2_500, 2_000, 0) == 500
    # no stock: all demand is lost. The normal model lets demand go below zero 4 sd under
    # the mean; E[max(D, 0)] = 2,000 + 500 * L(4) = 2,000 + 500 * 7.145e-6 = 2,000.0036
    np.testing.assert_allclose(
        expected_lost_sales(np.array([0.0, 1e6]), 2_000, 500), [2_000.0035726, 0], atol=1e-6
    )


def test_critical_ratio_sales_and_sellout_hand_worked():
    # one too few loses 12 - 4 = 8; one too many loses 4 - 2 = 2; below cost no margin
    assert newsvendor_costs(12, 4, 2) == (8, 2)
    assert newsvendor_costs(5, 7, 2) == (0, 5)
    # (12 - 4) / (12 - 2) = 0.8; price below cost: 0
    assert critical_ratio(12, 4, 2) == pytest.approx(0.8)
    assert critical_ratio(5, 7, 2) == 0
    np.testing.assert_allclose(critical_ratio(np.array([12, 22]), 7, 2), [0.5, 0.75])
    # at the mean half the time everything sells; sales = 2,000 - 199.47
    assert sellout_probability(2_000, 2_000, 500) == pytest.approx(0.5)
    assert expected_sales(2_000, 2_000, 500) == pytest.approx(2_000 - 199.4711402)
    # one sd above the mean: P(Z >= 1) = 0.158655
    assert sellout_probability(2_500, 2_000, 500) == pytest.approx(0.15865525393145707)
    # no spread: certain
    assert sellout_probability(1_999, 2_000, 0) == 1 and sellout_probability(2_001, 2_000, 0) == 0
    assert expected_sales(2_500, 2_000, 0) == 2_000 and expected_sales(1_500, 2_000, 0) == 1_500
    # at the best stock, the chance of selling out is 1 - the critical ratio
    best = newsvendor_quantity(2_500, 700, 14_610, 7_000, 4_000)
    assert sellout_probability(best, 2_500, 700) == pytest.approx(
        1 - critical_ratio(14_610, 7_000, 4_000)
    )
    with pytest.raises(ValueError, match="salvage_value must be below unit_cost"):
        critical_ratio(12, 4, 5)


def test_closed_forms_match_a_monte_carlo():
    rng = np.random.default_rng(7)
    demand = rng.normal(2_500, 700, size=400_000)
    stock = 2_900
    lost = np.maximum(demand - stock, 0).mean()
    left = np.maximum(stock - demand, 0).mean()
    sold = np.minimum(demand, stock)
    profit = (14_610 * sold + 4_000 * (stock - sold) - 7_000 * stock).mean()
    assert expected_lost_sales(stock, 2_500, 700) == pytest.approx(lost, rel=0.01)
    assert expected_leftover(stock, 2_500, 700) == pytest.approx(left, rel=0.01)
    assert newsvendor_expected_profit(stock, 2_500, 700, 14_610, 7_000, 4_000) == pytest.approx(
        profit, rel=0.002
    )


def test_expected_profit_hand_worked():
    # no spread, stock = demand = 2,000: 2,000 * (12 - 7) = 10,000
    assert newsvendor_expected_profit(2_000, 2_000, 0, 12, 7, 2) == pytest.approx(10_000)
    # no spread, 500 too many: 2,000 * 12 + 500 * 2 - 2,500 * 7 = 24,000 + 1,000 - 17,500
    assert newsvendor_expected_profit(2_500, 2_000, 0, 12, 7, 2) == pytest.approx(7_500)


@settings(max_examples=300, deadline=None)
@given(
    mean=st.floats(100, 10_000),
    cv=st.floats(0.05, 0.6),
    price=st.floats(2, 100),
    margin=st.floats(0.05, 0.95),
    salvage_share=st.floats(-0.5, 0.95),
    step=st.floats(0.002, 0.5),
)
def test_newsvendor_quantity_beats_nearby_quantities(mean, cv, price, margin, salvage_share, step):
    sd = mean * cv
    cost = price * (1 - margin)
    salvage = cost * salvage_share
    best = newsvendor_quantity(mean, sd, price, cost, salvage)
    args = (mean, sd, price, cost, salvage)
    at_best = newsvendor_expected_profit(best, *args)
    nearby = np.array([max(best - step * mean, 0.0), best + step * mean])
    around = newsvendor_expected_profit(nearby, *args)
    assert np.all(around <= at_best + 1e-9 * abs(at_best))
