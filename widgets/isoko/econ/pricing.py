"""Pricing after marketplace commission and payment fees, with constant-elasticity demand.

Money is in Rwandan francs (RWF) unless stated: ``price``, ``unit_cost`` and
``fixed_costs`` are RWF (RWF per unit for the first two). The formulas work in any one
currency as long as every money argument uses it; convert first with
:mod:`isoko.econ.fx`. Quantities are units sold (for example 500 g packs of coffee).

Rates are shares of the price the buyer pays, written as fractions: a 5% marketplace
commission is ``commission_rate=0.05``, a 1% payment fee (for example Alipay on Tmall
Global) is ``payment_fee_rate=0.01``.

Demand has a constant price elasticity ``e`` (normally negative): a 1% higher price
sells about ``|e|``% fewer units. It is pinned to one observed point, ``ref_quantity``
units sold at ``ref_price``::

    quantity = ref_quantity * (price / ref_price) ** e

Every function accepts scalars or numpy arrays (broadcast together) and returns a
``float`` for scalar input, an array otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from isoko.econ._checks import (
    FloatArray,
    as_float_array,
    fee_rates,
    finite,
    non_negative,
    out,
    positive,
)

__all__ = [
    "best_price_with_stock",
    "break_even_units",
    "constant_elasticity_demand",
    "estimate_elasticity",
    "net_revenue_per_unit",
    "optimal_price_constant_elasticity",
    "profit",
    "profit_curve",
    "stock_clearing_price",
]


def constant_elasticity_demand(
    price: ArrayLike, ref_price: ArrayLike, ref_quantity: ArrayLike, elasticity: ArrayLike
) -> float | FloatArray:
    """Units sold at ``price`` (RWF per unit) under constant-elasticity demand.

    ``quantity = ref_quantity * (price / ref_price) ** elasticity``, where
    ``ref_quantity`` units were sold at ``ref_price`` (same currency as ``price``).

    >>> constant_elasticity_demand(20, ref_price=10, ref_quantity=1000, elasticity=-2)
    250.0
    """
    p = positive("price", price)
    p_ref = positive("ref_price", ref_price)
    q_ref = non_negative("ref_quantity", ref_quantity)
    e = finite("elasticity", elasticity)
    return out(q_ref * (p / p_ref) ** e)


def estimate_elasticity(prices: ArrayLike, quantities: ArrayLike) -> float:
    """Price elasticity from observed (price, units sold) pairs.

    The least-squares slope of log(quantity) on log(price): the ``e`` for which
    ``quantity ~ k * price ** e`` fits best. Needs at least two different prices;
    all prices and quantities must be above zero. Currency does not matter.

    >>> round(estimate_elasticity([10, 20], [1000, 250]), 6)
    -2.0
    """
    p = positive("prices", prices)
    q = positive("quantities", quantities)
    if p.ndim != 1 or q.ndim != 1:
        raise ValueError("prices and quantities must each be a flat list of numbers")
    if p.shape != q.shape:
        raise ValueError(
            f"prices and quantities must be the same length, got {p.size} prices "
            f"and {q.size} quantities"
        )
    if p.size < 2:
        raise ValueError("need at least two observations to estimate an elasticity")
    x = np.log(p)
    y = np.log(q)
    dx = x - x.mean()
    spread = float(np.sum(dx * dx))
    if spread == 0.0:
        raise ValueError(
            "all prices are the same: the data say nothing about how sales react to price"
        )
    return float(np.sum(dx * (y - y.mean())) / spread)


def net_revenue_per_unit(
    price: ArrayLike, commission_rate: ArrayLike = 0, payment_fee_rate: ArrayLike = 0
) -> float | FloatArray:
    """What the seller keeps from one sale at ``price`` (RWF per unit), in RWF per unit.

    The marketplace commission and the payment fee are both shares of the price the
    buyer pays: ``price * (1 - commission_rate - payment_fee_rate)``.

    >>> net_revenue_per_unit(10_000, commission_rate=0.05, payment_fee_rate=0.01)
    9400.0
    """
    p = non_negative("price", price)
    commission, payment_fee = fee_rates(commission_rate, payment_fee_rate)
    return out(p * (1 - commission - payment_fee))


def break_even_units(
    fixed_costs: ArrayLike,
    price: ArrayLike,
    unit_cost: ArrayLike,
    commission_rate: ArrayLike = 0,
    payment_fee_rate: ArrayLike = 0,
) -> float | FloatArray:
    """Units to sell so that margins cover ``fixed_costs`` (RWF), as a fractional count.

    ``fixed_costs / (net_revenue_per_unit - unit_cost)``; round up for whole units
    (``numpy.ceil``). ``price`` and ``unit_cost`` are RWF per unit. Raises
    ``ValueError`` when a unit earns nothing or loses money after fees, because then
    no number of sales covers the fixed costs.

    >>> break_even_units(90_000, price=10_000, unit_cost=7_600, commission_rate=0.04)
    45.0
    """
    fixed = non_negative("fixed_costs", fixed_costs)
    cost = non_negative("unit_cost", unit_cost)
    kept, cost = np.broadcast_arrays(
        np.asarray(net_revenue_per_unit(price, commission_rate, payment_fee_rate)), cost
    )
    margin = kept - cost
    if np.any(margin <= 0):
        worst = np.unravel_index(np.argmin(margin), margin.shape)
        raise ValueError(
            f"each unit loses money after fees: the seller keeps {kept[worst]:,.2f} per "
            f"unit but it costs {cost[worst]:,.2f}, so no number of sales covers the "
            "fixed costs; raise the price or cut the cost"
        )
    return out(fixed / margin)


def optimal_price_constant_elasticity(
    unit_cost: ArrayLike,
    elasticity: ArrayLike,
    commission_rate: ArrayLike = 0,
    payment_fee_rate: ArrayLike = 0,
) -> float | FloatArray:
    """The profit-maximising price (RWF per unit) under constant-elasticity demand.

    Profit is ``q(p) * (p * k - unit_cost)`` with ``k = 1 - commission_rate -
    payment_fee_rate`` and ``q(p) = A * p ** e``. Setting its derivative to zero gives
    ``e * (p * k - unit_cost) + p * k = 0``, so::

        p* = unit_cost / k * e / (1 + e)

    ``unit_cost`` is RWF per unit. The elasticity must be below -1 (demand reacts
    more than one for one to price); at -1 or above, raising the price never loses
    enough sales, so no finite best price exists and ``ValueError`` says so.

    >>> optimal_price_constant_elasticity(6_000, elasticity=-3, commission_rate=0.2)
    11250.0
    """
    cost = non_negative("unit_cost", unit_cost)
    e = finite("elasticity", elasticity)
    commission, payment_fee = fee_rates(commission_rate, payment_fee_rate)
    if np.any(e >= -1):
        raise ValueError(
            "no finite best price: with an elasticity of -1 or above (here "
            f"{float(np.max(e)):g}) a higher price always earns more, because sales fall "
            "by less than the price rises; use an elasticity below -1, for example -2.5"
        )
    keep = 1 - commission - payment_fee
    return out(cost / keep * e / (1 + e))


def profit(
    price: ArrayLike,
    unit_cost: ArrayLike,
    ref_price: ArrayLike,
    ref_quantity: ArrayLike,
    elasticity: ArrayLike,
    commission_rate: ArrayLike = 0,
    payment_fee_rate: ArrayLike = 0,
    fixed_costs: ArrayLike = 0,
) -> float | FloatArray:
    """Profit in RWF at ``price`` (RWF per unit) after fees, unit and fixed costs.

    ``units * (net_revenue_per_unit(price) - unit_cost) - fixed_costs`` with
    ``units = constant_elasticity_demand(price, ref_price, ref_quantity, elasticity)``.
    ``unit_cost`` and ``ref_price`` are RWF per unit, ``fixed_costs`` RWF.

    >>> profit(10_000, 6_000, ref_price=10_000, ref_quantity=100, elasticity=-2,
    ...        commission_rate=0.05, payment_fee_rate=0.01, fixed_costs=50_000)
    290000.0
    """
    units = np.asarray(constant_elasticity_demand(price, ref_price, ref_quantity, elasticity))
    kept = np.asarray(net_revenue_per_unit(price, commission_rate, payment_fee_rate))
    cost = non_negative("unit_cost", unit_cost)
    fixed = non_negative("fixed_costs", fixed_costs)
    return out(units * (kept - cost) - fixed)


def profit_curve(
    price_low: float,
    price_high: float,
    unit_cost: ArrayLike,
    ref_price: ArrayLike,
    ref_quantity: ArrayLike,
    elasticity: ArrayLike,
    commission_rate: ArrayLike = 0,
    payment_fee_rate: ArrayLike = 0,
    fixed_costs: ArrayLike = 0,
    points: int = 121,
) -> tuple[FloatArray, FloatArray]:
    """Profit (RWF) over ``points`` evenly spaced prices from ``price_low`` to ``price_high``.

    Returns ``(prices, profits)``: prices in RWF per unit, profits in RWF, both 1-D
    arrays for plotting. The other arguments are as for :func:`profit` and must be
    scalars.
    """
    low = float(positive("price_low", price_low))
    high = float(positive("price_high", price_high))
    if high <= low:
        raise ValueError(
            f"price_high must be above price_low, got {price_low:g} and {price_high:g}"
        )
    if int(points) != points or points < 2:
        raise ValueError(f"points must be a whole number of at least 2, got {points!r}")
    for name, value in (
        ("unit_cost", unit_cost),
        ("ref_price", ref_price),
        ("ref_quantity", ref_quantity),
        ("elasticity", elasticity),
        ("commission_rate", commission_rate),
        ("payment_fee_rate", payment_fee_rate),
        ("fixed_costs", fixed_costs),
    ):
        if as_float_array(name, value).ndim != 0:
            raise ValueError(f"{name} must be a single number for a profit curve")
    prices = np.linspace(low, high, int(points))
    profits = np.asarray(
        profit(
            prices,
            unit_cost,
            ref_price,
            ref_quantity,
            elasticity,
            commission_rate,
            payment_fee_rate,
            fixed_costs,
        )
    )
    return prices, profits


def stock_clearing_price(
    stock: ArrayLike, ref_price: ArrayLike, ref_quantity: ArrayLike, elasticity: ArrayLike
) -> float | FloatArray:
    """The price (same currency as ``ref_price``) at which buyers want exactly ``stock``
    units under constant-elasticity demand.

    Solving ``stock = ref_quantity * (p / ref_price) ** e`` for ``p``::

        p = ref_price * (stock / ref_quantity) ** (1 / e)

    When buyers want more than the stock at ``ref_price`` the clearing price is above
    it: with 6,750 packs wanted at USD 8, an elasticity of -2 and 3,000 packs in stock,
    ``8 * (3,000 / 6,750) ** (-1 / 2) = 8 * 1.5 = USD 12``.

    >>> stock_clearing_price(3_000, ref_price=8, ref_quantity=6_750, elasticity=-2)
    12.0
    """
    units = positive("stock", stock)
    p_ref = positive("ref_price", ref_price)
    q_ref = positive("ref_quantity", ref_quantity)
    e = finite("elasticity", elasticity)
    if np.any(e >= 0):
        raise ValueError(
            "the elasticity must be below 0 (a higher price sells fewer units), "
            f"not {float(np.max(e)):g}"
        )
    return out(p_ref * (units / q_ref) ** (1 / e))


def best_price_with_stock(
    unit_cost: ArrayLike,
    stock: ArrayLike,
    ref_price: ArrayLike,
    ref_quantity: ArrayLike,
    elasticity: ArrayLike,
    commission_rate: ArrayLike = 0,
    payment_fee_rate: ArrayLike = 0,
) -> float | FloatArray:
    """The profit-maximising price when at most ``stock`` units can be sold.

    Without a limit the best price is :func:`optimal_price_constant_elasticity`. If
    buyers want more than the stock at that price, a lower price only gives margin
    away (the same stock sells either way), so the price rises until the stock just
    clears (:func:`stock_clearing_price`). Profit without a limit rises up to the
    unconstrained best price and falls after it, so the answer is the larger of the
    two prices. Money as in :func:`optimal_price_constant_elasticity`.

    >>> best_price_with_stock(5, 3_000, 8, 6_750, -2)  # USD: clearing beats USD 10
    12.0
    """
    unconstrained = optimal_price_constant_elasticity(
        unit_cost, elasticity, commission_rate, payment_fee_rate
    )
    clearing = stock_clearing_price(stock, ref_price, ref_quantity, elasticity)
    return out(np.maximum(unconstrained, clearing))
