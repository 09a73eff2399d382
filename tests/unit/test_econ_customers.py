"""isoko.econ.customers against hand-worked examples, finite sums and closed forms."""

import doctest
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isoko.econ import customers
from isoko.econ.customers import (
    ad_visitors,
    customer_acquisition_cost,
    customer_lifetime_value,
    customer_lifetime_value_over,
    expected_orders_per_customer,
    funnel,
    funnel_orders,
    margin_per_order,
    overall_conversion,
    paid_acquisition_cost,
    payback_periods,
    steady_state_monthly_profit,
    storefront_months,
)

STEPS = [0.4, 0.1, 0.5]  # open a product, add to basket, pay: 0.4 * 0.1 * 0.5 = 2%


def hand_sum_clv(m, r, d, periods, k=1):
    """The definition, term by term: first order at t = 0, then r**t active, 1/(1+d)**t."""
    total = 0.0
    for t in range(periods):
        total += m * k * r**t / (1 + d) ** t
    return total


def test_customers_does_not_import_widgets():
    source_root = Path(customers.__file__).resolve().parents[2]
    code = "import isoko.econ.customers, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(source_root)},
    )
    assert out.stdout.strip() == "False"


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(customers)
    assert attempted >= 12
    assert failed == 0


# --- acquisition ------------------------------------------------------------------------


def test_acquisition_cost_hand_worked():
    # RWF 100,000 of ads won 20 customers: 100,000 / 20 = RWF 5,000 each
    assert customer_acquisition_cost(100_000, 20) == pytest.approx(5_000)
    # spending nothing on 3 customers won by word of mouth: RWF 0 each
    assert customer_acquisition_cost(0, 3) == 0
    np.testing.assert_allclose(
        customer_acquisition_cost(np.array([60_000, 90_000]), 30), [2_000, 3_000]
    )
    assert type(customer_acquisition_cost(1, 1)) is float


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((100, 0), "new_customers must be above zero"),
        ((-1, 5), "marketing_spend cannot be negative"),
        ((100, -5), "new_customers cannot be negative"),
        ((100, float("nan")), "not NaN"),
    ],
)
def test_acquisition_cost_rejects_impossible_input(args, words):
    with pytest.raises(ValueError, match=words):
        customer_acquisition_cost(*args)


def test_ad_visitors_hand_worked():
    # RWF 100,000 at RWF 100 a click = 1,000 visitors; RWF 0 buys none
    assert ad_visitors(100_000, 100) == pytest.approx(1_000)
    assert ad_visitors(0, 100) == 0
    np.testing.assert_allclose(ad_visitors(50_000, np.array([50, 250])), [1_000, 200])
    with pytest.raises(ValueError, match="cost_per_click must be greater than zero"):
        ad_visitors(100, 0)
    with pytest.raises(ValueError, match="ad_spend cannot be negative"):
        ad_visitors(-100, 10)


def test_funnel_hand_worked():
    # 1,000 visitors: 40% open a product = 400; 10% of those add to basket = 40;
    # half of those pay = 20 orders
    np.testing.assert_allclose(funnel(1_000, STEPS), [1_000, 400, 40, 20])
    assert overall_conversion(STEPS) == pytest.approx(0.02)
    assert funnel_orders(1_000, STEPS) == pytest.approx(20)
    # a single step: 2,500 visitors * 2% = 50 orders
    assert funnel_orders(2_500, 0.02) == pytest.approx(50)


def test_funnel_accepts_arrays_of_visitors_and_of_funnels():
    got = funnel(np.array([1_000, 2_000]), STEPS)
    assert got.shape == (2, 4)
    np.testing.assert_allclose(got[1], [2_000, 800, 80, 40])
    # two funnels (rows), one visitor count: overall 2% and 10%
    rates = np.array([[0.4, 0.1, 0.5], [1.0, 0.5, 0.2]])
    np.testing.assert_allclose(overall_conversion(rates), [0.02, 0.1])
    np.testing.assert_allclose(funnel_orders(500, rates), [10, 50])


@pytest.mark.parametrize(
    ("rates", "words"),
    [
        ([0.4, 1.2], "between 0 and 1"),
        ([-0.1], "between 0 and 1"),
        ([], "at least one step"),
    ],
)
def test_funnel_rejects_impossible_rates(rates, words):
    with pytest.raises(ValueError, match=words):
        funnel(100, rates)


def test_everyone_can_pass_a_step():
    # a 100% step is possible (no choice to make), unlike a 100% retention rate
    np.testing.assert_allclose(funnel(10, [1.0, 1.0]), [10, 10, 10])


def test_paid_acquisition_cost_is_cost_per_click_over_conversion():
    # RWF 100 a click, 2% of clicks buy: 100 / 0.02 = RWF 5,000 a customer
    assert paid_acquisition_cost(100, STEPS) == pytest.approx(5_000)
    # the same as spend / customers for any spend: RWF 300,000 buys 3,000 clicks,
    # 60 customers, 300,000 / 60 = 5,000
    customers_won = funnel_orders(ad_visitors(300_000, 100), STEPS)
    assert customer_acquisition_cost(300_000, customers_won) == pytest.approx(
        paid_acquisition_cost(100, STEPS)
    )
    with pytest.raises(ValueError, match="nobody gets through the funnel"):
        paid_acquisition_cost(100, [0.4, 0.0])


# --- value --------------------------------------------------------------------------------


def test_margin_per_order_hand_worked():
    # 35% of a RWF 12,000 order = RWF 4,200
    assert margin_per_order(12_000, 0.35) == pytest.approx(4_200)
    with pytest.raises(ValueError, match="margin_rate is a share"):
        margin_per_order(12_000, 1.0)
    with pytest.raises(ValueError, match="order_value cannot be negative"):
        margin_per_order(-1, 0.3)


def test_clv_closed_form_hand_worked():
    # no discounting: m / (1 - r) = 4,200 / 0.6 = RWF 7,000
    assert customer_lifetime_value(4_200, 0.4) == pytest.approx(7_000)
    # 1% a month: 4,200 * 1.01 / (1.01 - 0.4) = 4,242 / 0.61 = RWF 6,954.10
    assert customer_lifetime_value(4_200, 0.4, 0.01) == pytest.approx(6_954.0984, rel=1e-7)
    # nobody comes back: only the first order, 4,200
    assert customer_lifetime_value(4_200, 0.0, 0.05) == pytest.approx(4_200)
    # two orders a month, r = 0.5, d = 0: 1,000 * 2 / 0.5 = RWF 4,000
    assert customer_lifetime_value(1_000, 0.5, orders_per_period=2) == pytest.approx(4_000)


def test_clv_finite_sums_by_hand():
    # t = 0: 4,200; t = 1: 4,200 * 0.4 = 1,680; t = 2: 4,200 * 0.16 = 672
    assert customer_lifetime_value_over(1, 4_200, 0.4) == pytest.approx(4_200)
    assert customer_lifetime_value_over(2, 4_200, 0.4) == pytest.approx(5_880)
    assert customer_lifetime_value_over(3, 4_200, 0.4) == pytest.approx(6_552)
    assert customer_lifetime_value_over(0, 4_200, 0.4) == 0
    # discounted, d = 1%: 4,200 + 4,200 * 0.4 / 1.01 = 4,200 + 1,663.37 = 5,863.37
    assert customer_lifetime_value_over(2, 4_200, 0.4, 0.01) == pytest.approx(5_863.3663, rel=1e-7)


@pytest.mark.parametrize(
    ("m", "r", "d", "k"), [(4_200, 0.4, 0.01, 1), (1_000, 0.8, 0.0, 1), (700, 0.9, 0.02, 3)]
)
def test_clv_is_the_limit_of_the_finite_sum(m, r, d, k):
    closed = customer_lifetime_value(m, r, d, k)
    for periods in (1, 5, 20, 60):
        assert customer_lifetime_value_over(periods, m, r, d, k) == pytest.approx(
            hand_sum_clv(m, r, d, periods, k), rel=1e-12
        )
    gaps = [closed - hand_sum_clv(m, r, d, n, k) for n in (10, 50, 200, 1_000)]
    assert all(g >= -1e-9 for g in gaps)  # the sum approaches from below ...
    assert gaps == sorted(gaps, reverse=True)  # ... ever closer ...
    assert hand_sum_clv(m, r, d, 1_000, k) == pytest.approx(closed, rel=1e-12)  # ... to CLV


def test_clv_accepts_arrays():
    got = customer_lifetime_value(4_200, np.array([0.0, 0.4, 0.8]))
    np.testing.assert_allclose(got, [4_200, 7_000, 21_000])
    np.testing.assert_allclose(
        customer_lifetime_value_over(np.array([1, 2]), 4_200, 0.4), [4_200, 5_880]
    )


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"retention_rate": 1.0}, "retention_rate is a share"),
        ({"retention_rate": -0.1}, "retention_rate is a share"),
        ({"discount_rate": 1.5}, "discount_rate is a share"),
        ({"margin_per_order": -10}, "margin_per_order cannot be negative"),
        ({"orders_per_period": 0}, "orders_per_period must be greater than zero"),
    ],
)
def test_clv_rejects_impossible_input(kwargs, words):
    args = {"margin_per_order": 4_200, "retention_rate": 0.4} | kwargs
    with pytest.raises(ValueError, match=words):
        customer_lifetime_value(**args)


def test_finite_clv_needs_whole_periods():
    with pytest.raises(ValueError, match="periods must be a whole number"):
        customer_lifetime_value_over(1.5, 4_200, 0.4)
    with pytest.raises(ValueError, match="periods cannot be negative"):
        customer_lifetime_value_over(-1, 4_200, 0.4)


def test_expected_orders():
    # r = 0.4: 1 / 0.6 = 1.67 orders; r = 0.75: 4 orders; 2 a month, r = 0.5: 4 orders
    assert expected_orders_per_customer(0.4) == pytest.approx(5 / 3)
    assert expected_orders_per_customer(0.75) == pytest.approx(4)
    assert expected_orders_per_customer(0.5, 2) == pytest.approx(4)


@settings(max_examples=200, deadline=None)
@given(
    m=st.floats(1, 100_000),
    r_low=st.floats(0, 0.98),
    bump=st.floats(1e-4, 0.5),
    d=st.floats(0, 0.2),
    k=st.floats(0.1, 10),
)
def test_clv_rises_with_retention(m, r_low, bump, d, k):
    r_high = min(r_low + bump, 0.99)
    assert customer_lifetime_value(m, r_high, d, k) > customer_lifetime_value(m, r_low, d, k)


@settings(max_examples=200, deadline=None)
@given(m=st.floats(1, 100_000), r=st.floats(0, 0.95), d=st.floats(0, 0.2), n=st.integers(0, 40))
def test_finite_clv_matches_the_hand_sum_and_stays_below_the_closed_form(m, r, d, n):
    finite = customer_lifetime_value_over(n, m, r, d)
    assert finite == pytest.approx(hand_sum_clv(m, r, d, n), rel=1e-9, abs=1e-9)
    assert finite <= customer_lifetime_value(m, r, d) * (1 + 1e-12)


# --- payback --------------------------------------------------------------------------------


def test_payback_hand_worked():
    # cost 5,000; first month earns 4,200 (short by 800); month 2 adds 1,680: paid back
    assert payback_periods(5_000, 4_200, 0.4) == 2
    # cost 4,000: the first order covers it
    assert payback_periods(4_000, 4_200, 0.4) == 1
    # cost 6,600: 4,200 + 1,680 + 672 = 6,552 < 6,600 after 3; + 268.8 = 6,820.8 after 4
    assert payback_periods(6_600, 4_200, 0.4) == 4
    # worth 7,000 at most: a customer costing 8,000 never pays back
    assert payback_periods(8_000, 4_200, 0.4) == float("inf")
    # exactly the sum after 2 months (5,880): paid back in 2, not 3
    assert payback_periods(5_880, 4_200, 0.4) == 2
    # free customers pay back at once; nobody returning and cost above one order: never
    assert payback_periods(0, 4_200, 0.4) == 0
    assert payback_periods(5_000, 4_200, 0.0) == float("inf")
    np.testing.assert_array_equal(
        payback_periods(np.array([0, 4_000, 5_000, 8_000]), 4_200, 0.4), [0, 1, 2, np.inf]
    )


@settings(max_examples=300, deadline=None)
@given(
    cost=st.floats(0, 50_000),
    m=st.floats(100, 20_000),
    r=st.floats(0, 0.95),
    d=st.floats(0, 0.1),
)
def test_payback_is_the_first_period_the_finite_sum_covers_the_cost(cost, m, r, d):
    n = payback_periods(cost, m, r, d)
    if n == float("inf"):
        assert customer_lifetime_value(m, r, d) < cost * (1 + 1e-9)
    else:
        assert customer_lifetime_value_over(n, m, r, d) >= cost * (1 - 1e-9)
        if n >= 1:
            assert customer_lifetime_value_over(n - 1, m, r, d) < cost * (1 + 1e-9)


# --- a storefront's months ------------------------------------------------------------------


def shop(**changes):
    args = {
        "organic_visitors": 1_500,
        "ad_spend": 100_000,
        "cost_per_click": 100,
        "step_rates": STEPS,
        "order_value": 12_000,
        "margin_rate": 0.35,
        "retention_rate": 0.4,
        "fixed_costs": 60_000,
    } | changes
    return storefront_months(12, **args)


def test_storefront_months_hand_worked():
    s = shop()
    # visitors: 1,500 free + 100,000 / 100 = 1,000 from ads = 2,500; 2% buy: 50 new a month
    np.testing.assert_allclose(s.visitors, 2_500)
    np.testing.assert_allclose(s.ad_visitors, 1_000)
    np.testing.assert_allclose(s.new_customers, 50)
    # month 1: 50 active; month 2: 50 + 0.4 * 50 = 70; month 3: 50 + 0.4 * 70 = 78
    np.testing.assert_allclose(s.active_customers[:3], [50, 70, 78])
    np.testing.assert_allclose(s.returning_customers[:3], [0, 20, 28])
    # margin 12,000 * 0.35 = 4,200 an order: month 1 = 50 * 4,200 - 100,000 - 60,000 = 50,000
    # month 2 = 70 * 4,200 - 160,000 = 134,000; month 3 = 78 * 4,200 - 160,000 = 167,600
    np.testing.assert_allclose(s.profit[:3], [50_000, 134_000, 167_600])
    np.testing.assert_allclose(s.cumulative_profit[:3], [50_000, 184_000, 351_600])
    np.testing.assert_allclose(s.revenue[:2], [600_000, 840_000])
    np.testing.assert_allclose(s.month, np.arange(1, 13))


def test_storefront_matches_the_closed_form_each_month():
    # constant inflow n: active in month t (from 1) = n * (1 - r**t) / (1 - r)
    s = shop()
    t = np.arange(1, 13)
    np.testing.assert_allclose(s.active_customers, 50 * (1 - 0.4**t) / 0.6)


def test_storefront_settles_at_the_steady_state_profit():
    # 50 * 4,200 / 0.6 - 100,000 - 60,000 = 350,000 - 160,000 = 190,000
    steady = steady_state_monthly_profit(50, 4_200, 0.4, 100_000, 60_000)
    assert steady == pytest.approx(190_000)
    s = storefront_months(
        80,
        organic_visitors=1_500,
        ad_spend=100_000,
        cost_per_click=100,
        step_rates=STEPS,
        order_value=12_000,
        margin_rate=0.35,
        retention_rate=0.4,
        fixed_costs=60_000,
    )
    assert s.profit[-1] == pytest.approx(steady, rel=1e-12)


def test_one_cohort_earns_its_lifetime_value():
    # ads in month 1 only, nothing free: the cohort's margins add up to CLV (no discount)
    months = 200
    spend = np.zeros(months)
    spend[0] = 100_000
    s = storefront_months(
        months,
        organic_visitors=0,
        ad_spend=spend,
        cost_per_click=100,
        step_rates=STEPS,
        order_value=12_000,
        margin_rate=0.35,
        retention_rate=0.4,
    )
    assert s.gross_margin.sum() == pytest.approx(20 * customer_lifetime_value(4_200, 0.4))
    np.testing.assert_allclose(s.new_customers[1:], 0)


def test_ads_that_cost_more_than_a_customer_is_worth_lose_money_for_good():
    # RWF 200 a click: 200 / 0.02 = RWF 10,000 a customer, worth 7,000
    cheap = shop(ad_spend=0, cost_per_click=200)
    dear = shop(ad_spend=200_000, cost_per_click=200)
    assert np.all(dear.cumulative_profit < cheap.cumulative_profit)


def test_storefront_rejects_bad_input():
    with pytest.raises(ValueError, match="months must be a whole number"):
        storefront_months(0, **{k: v for k, v in _shop_args().items()})
    with pytest.raises(ValueError, match="one number per month"):
        shop(ad_spend=[1, 2, 3])
    with pytest.raises(ValueError, match="order_value must be a single number"):
        shop(order_value=[1, 2])
    with pytest.raises(ValueError, match="retention_rate is a share"):
        shop(retention_rate=1)
    with pytest.raises(ValueError, match="step_rates must be one flat list"):
        shop(step_rates=[[0.5], [0.5]])
    with pytest.raises(ValueError, match="fixed_costs cannot be negative"):
        shop(fixed_costs=-1)


def _shop_args():
    return {
        "organic_visitors": 1,
        "ad_spend": 0,
        "cost_per_click": 1,
        "step_rates": STEPS,
        "order_value": 1,
        "margin_rate": 0.1,
        "retention_rate": 0.1,
    }


@settings(max_examples=100, deadline=None)
@given(
    organic=st.floats(0, 20_000),
    spend=st.floats(0, 1_000_000),
    cpc=st.floats(10, 1_000),
    r=st.floats(0, 0.95),
    margin=st.floats(0.01, 0.9),
)
def test_storefront_profit_identity(organic, spend, cpc, r, margin):
    s = shop(
        organic_visitors=organic,
        ad_spend=spend,
        cost_per_click=cpc,
        retention_rate=r,
        margin_rate=margin,
    )
    np.testing.assert_allclose(
        s.profit, s.orders * 12_000 * margin - s.ad_spend - s.fixed_costs, rtol=1e-9, atol=1e-6
    )
    np.testing.assert_allclose(s.active_customers, s.new_customers + s.returning_customers)
    assert np.all(np.diff(s.active_customers) >= -1e-9)  # a steady inflow only builds up
