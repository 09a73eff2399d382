"""Customers: what it costs to win one, what one is worth, and a shop's months.

Money is in Rwandan francs (RWF) unless a name says otherwise; the formulas work in
any one currency as long as every money argument uses it. Rates are fractions: 2%
is ``0.02``. A *period* is a month unless you decide otherwise, but every rate per
period (retention, discount) and every amount per period must then use the same
period.

Timing convention, used by every function here
----------------------------------------------
A customer is won in period ``t = 0`` and places ``orders_per_period`` orders in that
period (the first purchase counts). They are still buying in period ``t`` with
probability ``retention_rate ** t`` (each period, a share ``retention_rate`` of the
customers who bought last period buy again). Money earned in period ``t`` is worth
``1 / (1 + discount_rate) ** t`` of money today. So a customer's lifetime value is::

    CLV = sum over t = 0, 1, 2, ... of  m * k * (r / (1 + d)) ** t
        = m * k * (1 + d) / (1 + d - r)

with ``m`` the margin per order (RWF), ``k`` orders per period, ``r`` the retention
rate and ``d`` the discount rate per period. With ``d = 0`` it is ``m * k / (1 - r)``:
a customer buys ``1 / (1 - r)`` periods' worth of orders on average.

The funnel
----------
Visitors pass through steps (open a product, add it to the basket, pay); each step
keeps a share of the people who reached it. Orders are visitors times the product
of the step rates. Visitors bought with ads are ``ad_spend / cost_per_click``.

Every function accepts scalars or numpy arrays (broadcast together) and returns a
``float`` for scalar input, an array otherwise, except where a docstring says the
inputs must be single numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from isoko.econ._checks import (
    FloatArray,
    _show,
    as_float_array,
    non_negative,
    out,
    positive,
    rate,
)

__all__ = [
    "StorefrontMonths",
    "ad_visitors",
    "customer_acquisition_cost",
    "customer_lifetime_value",
    "customer_lifetime_value_over",
    "expected_orders_per_customer",
    "funnel",
    "funnel_orders",
    "margin_per_order",
    "overall_conversion",
    "paid_acquisition_cost",
    "payback_periods",
    "steady_state_monthly_profit",
    "storefront_months",
]


def _share(name: str, value: Any) -> FloatArray:
    """A share of people from 0 (nobody) to 1 (everybody), both included."""
    array = as_float_array(name, value)
    if np.any((array < 0) | (array > 1)):
        raise ValueError(
            f"{name} is a share of people and must be between 0 and 1 (0.02 means 2%), "
            f"got {_show(array)}"
        )
    return array


def _orders_per_period(value: Any) -> FloatArray:
    return positive("orders_per_period", value)


# --- acquisition ----------------------------------------------------------------------


def customer_acquisition_cost(
    marketing_spend: ArrayLike, new_customers: ArrayLike
) -> float | FloatArray:
    """What one new customer costs: ``marketing_spend`` (RWF) / ``new_customers``.

    Both over the same period (for example one month). Needs at least some new
    customers: with none, each one costs an infinite amount, and ``ValueError`` says so.

    >>> customer_acquisition_cost(100_000, 20)
    5000.0
    """
    spend = non_negative("marketing_spend", marketing_spend)
    customers = non_negative("new_customers", new_customers)
    if np.any(customers == 0):
        raise ValueError(
            "new_customers must be above zero: spending money and winning nobody makes "
            "each customer cost an unlimited amount"
        )
    return out(spend / customers)


def ad_visitors(ad_spend: ArrayLike, cost_per_click: ArrayLike) -> float | FloatArray:
    """Visitors bought with ads: ``ad_spend`` (RWF) / ``cost_per_click`` (RWF per click).

    >>> ad_visitors(100_000, 100)
    1000.0
    """
    spend = non_negative("ad_spend", ad_spend)
    cpc = positive("cost_per_click", cost_per_click)
    return out(spend / cpc)


def _step_rates(step_rates: Any) -> FloatArray:
    rates = _share("step_rates", step_rates)
    if rates.ndim == 0:
        rates = rates.reshape(1)
    if rates.shape[-1] == 0:
        raise ValueError("step_rates needs at least one step, for example [0.02]")
    return rates


def overall_conversion(step_rates: ArrayLike) -> float | FloatArray:
    """Share of visitors who end up ordering: the product of the step rates.

    ``step_rates`` lists, for each step of the funnel, the share of the people who
    reached that step and go on (along the last axis for an array of funnels).

    >>> round(overall_conversion([0.4, 0.1, 0.5]), 12)
    0.02
    """
    return out(np.prod(_step_rates(step_rates), axis=-1))


def funnel(visitors: ArrayLike, step_rates: ArrayLike) -> FloatArray:
    """People at each stage of the funnel, starting with the ``visitors``.

    Returns an array whose last axis has one more entry than there are steps:
    ``[visitors, after step 1, after step 2, ...]``; the last entry is orders.
    Counts are expected values, so they may be fractional.

    >>> funnel(1_000, [0.4, 0.1, 0.5]).round(6).tolist()
    [1000.0, 400.0, 40.0, 20.0]
    """
    people = non_negative("visitors", visitors)
    rates = _step_rates(step_rates)
    kept = np.cumprod(rates, axis=-1)
    ones = np.ones(kept.shape[:-1] + (1,))
    shares = np.concatenate([ones, kept], axis=-1)
    return np.asarray(people[..., np.newaxis] * shares, dtype=np.float64)


def funnel_orders(visitors: ArrayLike, step_rates: ArrayLike) -> float | FloatArray:
    """Orders from ``visitors``: visitors times the product of the step rates.

    >>> round(funnel_orders(1_500, [0.4, 0.1, 0.5]), 9)
    30.0
    """
    people = non_negative("visitors", visitors)
    return out(people * np.asarray(overall_conversion(step_rates)))


def paid_acquisition_cost(cost_per_click: ArrayLike, step_rates: ArrayLike) -> float | FloatArray:
    """What a customer won with ads costs (RWF): cost per click / overall conversion.

    The same as :func:`customer_acquisition_cost` of ``ad_spend`` and the customers it
    brings (``ad_spend / cost_per_click`` visitors through the funnel), but it does not
    depend on how much you spend, and it is defined even when you spend nothing.

    >>> round(paid_acquisition_cost(100, [0.4, 0.1, 0.5]), 6)
    5000.0
    """
    cpc = positive("cost_per_click", cost_per_click)
    conversion = np.asarray(overall_conversion(step_rates))
    if np.any(conversion == 0):
        raise ValueError(
            "nobody gets through the funnel (a step rate is 0), so no number of clicks "
            "wins a customer"
        )
    return out(cpc / conversion)


# --- value ------------------------------------------------------------------------------


def margin_per_order(order_value: ArrayLike, margin_rate: ArrayLike) -> float | FloatArray:
    """What you keep from one order (RWF): ``order_value * margin_rate``.

    ``margin_rate`` is the share of the order value left after the product, packing,
    delivery and payment fees: from 0 up to but not including 1.

    >>> margin_per_order(12_000, 0.35)
    4200.0
    """
    value = non_negative("order_value", order_value)
    share = rate("margin_rate", margin_rate)
    return out(value * share)


def _retention_and_discount(retention_rate: Any, discount_rate: Any) -> FloatArray:
    """The per-period factor ``q = r / (1 + d)``, checked."""
    r = rate("retention_rate", retention_rate)
    d = rate("discount_rate", discount_rate)
    return r / (1 + d)


def customer_lifetime_value(
    margin_per_order: ArrayLike,
    retention_rate: ArrayLike,
    discount_rate: ArrayLike = 0,
    orders_per_period: ArrayLike = 1,
) -> float | FloatArray:
    """What a new customer is worth today (RWF), over all their future orders.

    ``CLV = m * k * (1 + d) / (1 + d - r)``, the sum over periods ``t = 0, 1, 2, ...``
    of ``m * k * (r / (1 + d)) ** t``: the first purchase is at ``t = 0`` and is not
    discounted (see the module docstring). ``m`` is ``margin_per_order`` (RWF),
    ``k`` ``orders_per_period``, ``r`` ``retention_rate`` and ``d`` ``discount_rate``,
    both per period and each from 0 up to but not including 1.

    This is also the most you can pay to win a customer and still break even.

    >>> customer_lifetime_value(4_200, retention_rate=0.4)
    7000.0
    >>> round(customer_lifetime_value(4_200, retention_rate=0.4, discount_rate=0.01), 2)
    6954.1
    """
    m = non_negative("margin_per_order", margin_per_order)
    k = _orders_per_period(orders_per_period)
    q = _retention_and_discount(retention_rate, discount_rate)
    return out(m * k / (1 - q))


def customer_lifetime_value_over(
    periods: ArrayLike,
    margin_per_order: ArrayLike,
    retention_rate: ArrayLike,
    discount_rate: ArrayLike = 0,
    orders_per_period: ArrayLike = 1,
) -> float | FloatArray:
    """A customer's value (RWF) from their first ``periods`` periods only.

    The finite sum over ``t = 0 .. periods - 1`` of ``m * k * q ** t`` with
    ``q = r / (1 + d)``, which is ``m * k * (1 - q ** periods) / (1 - q)``; it
    approaches :func:`customer_lifetime_value` as ``periods`` grows. ``periods`` is
    a whole number, 0 or more.

    >>> customer_lifetime_value_over(2, 4_200, retention_rate=0.4)
    5880.0
    """
    n = non_negative("periods", periods)
    if np.any(n != np.floor(n)):
        raise ValueError(f"periods must be a whole number, got {_show(n)}")
    m = non_negative("margin_per_order", margin_per_order)
    k = _orders_per_period(orders_per_period)
    q = _retention_and_discount(retention_rate, discount_rate)
    return out(m * k * (1 - q**n) / (1 - q))


def expected_orders_per_customer(
    retention_rate: ArrayLike, orders_per_period: ArrayLike = 1
) -> float | FloatArray:
    """Orders a customer places over their lifetime, on average: ``k / (1 - r)``.

    >>> expected_orders_per_customer(0.4)
    1.6666666666666667
    """
    r = rate("retention_rate", retention_rate)
    k = _orders_per_period(orders_per_period)
    return out(k / (1 - r))


def payback_periods(
    acquisition_cost: ArrayLike,
    margin_per_order: ArrayLike,
    retention_rate: ArrayLike,
    discount_rate: ArrayLike = 0,
    orders_per_period: ArrayLike = 1,
) -> float | FloatArray:
    """How many periods of a customer's orders it takes to earn back what they cost.

    The smallest whole ``n`` with ``customer_lifetime_value_over(n, ...) >=
    acquisition_cost`` (RWF): 1 means the first period's orders already pay for the
    customer. ``inf`` when the customer is worth less than they cost, so they never
    pay back; 0 when they cost nothing.

    >>> payback_periods(5_000, 4_200, retention_rate=0.4)
    2.0
    >>> payback_periods(8_000, 4_200, retention_rate=0.4)
    inf
    """
    cost = non_negative("acquisition_cost", acquisition_cost)
    m = non_negative("margin_per_order", margin_per_order)
    k = _orders_per_period(orders_per_period)
    q = _retention_and_discount(retention_rate, discount_rate)
    cost, first, q = np.broadcast_arrays(cost, m * k, q)
    result = np.full(cost.shape, np.inf)
    result[cost == 0] = 0.0
    # First-period earnings cover it (this also settles q == 0, where only t = 0 counts).
    covered = (cost > 0) & (first >= cost)
    result[covered] = 1.0
    rest = (cost > 0) & ~covered & (q > 0) & (first > 0)
    # Solve first * (1 - q**n) / (1 - q) >= cost for n: q**n <= 1 - cost * (1 - q) / first.
    target = np.ones(cost.shape)
    target[rest] = 1 - cost[rest] * (1 - q[rest]) / first[rest]
    reachable = rest & (target > 0)
    c, f, qq = cost[reachable], first[reachable], q[reachable]
    n = np.ceil(np.log(target[reachable]) / np.log(qq) - 1e-9)
    # Guard against rounding at the boundary: one more period if the sum falls short.
    n += f * (1 - qq**n) / (1 - qq) < c * (1 - 1e-12)
    result[reachable] = n
    return out(result)


# --- a storefront's months ------------------------------------------------------------


@dataclass(frozen=True)
class StorefrontMonths:
    """Month by month results of :func:`storefront_months` (1-D arrays, month 1 first).

    Counts are expected values (they may be fractional); money is RWF per month.
    ``returning_customers`` are customers won in an earlier month who buy again this
    month; ``active_customers`` = new + returning.
    """

    month: FloatArray
    visitors: FloatArray
    ad_visitors: FloatArray
    new_customers: FloatArray
    returning_customers: FloatArray
    active_customers: FloatArray
    orders: FloatArray
    revenue: FloatArray
    gross_margin: FloatArray
    ad_spend: FloatArray
    fixed_costs: FloatArray
    profit: FloatArray
    cumulative_profit: FloatArray


def _per_month(name: str, value: Any, months: int, check: Any) -> FloatArray:
    array = check(name, value)
    if array.ndim > 1 or (array.ndim == 1 and array.size != months):
        raise ValueError(
            f"{name} must be one number or one number per month ({months} numbers), "
            f"got shape {array.shape}"
        )
    return np.broadcast_to(array, (months,)).astype(np.float64)


def storefront_months(
    months: int,
    *,
    organic_visitors: ArrayLike,
    ad_spend: ArrayLike,
    cost_per_click: ArrayLike,
    step_rates: ArrayLike,
    order_value: ArrayLike,
    margin_rate: ArrayLike,
    retention_rate: ArrayLike,
    fixed_costs: ArrayLike = 0,
    orders_per_period: ArrayLike = 1,
) -> StorefrontMonths:
    """Profit of an online shop month by month, with new and returning customers.

    Each month ``organic_visitors`` come for free and ``ad_spend / cost_per_click``
    come from ads; the funnel (``step_rates``) turns visitors into new customers. A
    customer won in month ``s`` is active in month ``t >= s`` with probability
    ``retention_rate ** (t - s)`` and then places ``orders_per_period`` orders of
    ``order_value`` RWF, of which you keep ``margin_rate``. So::

        active[t] = sum over s <= t of new[s] * r ** (t - s)
        profit[t] = active[t] * k * order_value * margin_rate - ad_spend[t] - fixed_costs[t]

    This is the timing of :func:`customer_lifetime_value` (no discounting: these are
    the francs in each month). ``organic_visitors``, ``ad_spend``, ``fixed_costs``
    (RWF per month) may each be one number or one per month; the other inputs are
    single numbers. ``months`` is a whole number, at least 1.
    """
    if int(months) != months or months < 1:
        raise ValueError(f"months must be a whole number of at least 1, got {months!r}")
    months = int(months)
    for name, value in (
        ("cost_per_click", cost_per_click),
        ("order_value", order_value),
        ("margin_rate", margin_rate),
        ("retention_rate", retention_rate),
        ("orders_per_period", orders_per_period),
    ):
        if as_float_array(name, value).ndim != 0:
            raise ValueError(f"{name} must be a single number for a storefront's months")
    rates = _step_rates(step_rates)
    if rates.ndim != 1:
        raise ValueError("step_rates must be one flat list of shares for a storefront")
    organic = _per_month("organic_visitors", organic_visitors, months, non_negative)
    spend = _per_month("ad_spend", ad_spend, months, non_negative)
    fixed = _per_month("fixed_costs", fixed_costs, months, non_negative)
    r = float(rate("retention_rate", retention_rate))
    k = float(_orders_per_period(orders_per_period))
    margin = float(np.asarray(margin_per_order(order_value, margin_rate)))
    value = float(non_negative("order_value", order_value))

    from_ads = np.asarray(ad_visitors(spend, cost_per_click), dtype=np.float64)
    visitors = organic + from_ads
    new = np.asarray(funnel_orders(visitors, rates), dtype=np.float64)
    # Each cohort decays by r a month: a convolution of new customers with r ** age.
    survival = r ** np.arange(months, dtype=np.float64)
    active = np.convolve(new, survival)[:months]
    orders = active * k
    gross = orders * margin
    profit = gross - spend - fixed
    return StorefrontMonths(
        month=np.arange(1, months + 1, dtype=np.float64),
        visitors=visitors,
        ad_visitors=from_ads,
        new_customers=new,
        returning_customers=active - new,
        active_customers=active,
        orders=orders,
        revenue=orders * value,
        gross_margin=gross,
        ad_spend=spend,
        fixed_costs=fixed,
        profit=profit,
        cumulative_profit=np.cumsum(profit),
    )


def steady_state_monthly_profit(
    new_customers: ArrayLike,
    margin_per_order: ArrayLike,
    retention_rate: ArrayLike,
    ad_spend: ArrayLike = 0,
    fixed_costs: ArrayLike = 0,
    orders_per_period: ArrayLike = 1,
) -> float | FloatArray:
    """Monthly profit (RWF) once the shop has settled, with the same inflow every month.

    With ``n`` new customers a month and retention ``r``, active customers settle at
    ``n / (1 - r)``, so profit settles at
    ``n * k * m / (1 - r) - ad_spend - fixed_costs``: the limit of
    :func:`storefront_months` as the months go by.

    >>> round(steady_state_monthly_profit(50, 4_200, 0.4, 100_000, 60_000), 6)
    190000.0
    """
    n = non_negative("new_customers", new_customers)
    m = non_negative("margin_per_order", margin_per_order)
    r = rate("retention_rate", retention_rate)
    k = _orders_per_period(orders_per_period)
    spend = non_negative("ad_spend", ad_spend)
    fixed = non_negative("fixed_costs", fixed_costs)
    return out(n * k * m / (1 - r) - spend - fixed)
