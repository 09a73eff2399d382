"""One-off sales with uncertain demand: how many units to prepare (the newsvendor).

A seller prepares stock for a single sale (a livestream, a market day) without knowing
how many buyers will come. Demand is normal with ``mean_demand`` and ``sd_demand``
units; a unit too few loses its margin, a unit too many loses its cost less what it
sells for afterwards. Prices in RWF per unit (any one currency). Every function
accepts scalars or numpy arrays (broadcast together) and returns a ``float`` for
scalar input, an array otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from isoko.econ._checks import FloatArray, finite, non_negative, out
from isoko.econ.normal import normal_loss, normal_quantile, normal_upper_tail

__all__ = [
    "critical_ratio",
    "expected_leftover",
    "expected_lost_sales",
    "expected_sales",
    "newsvendor_costs",
    "newsvendor_expected_profit",
    "newsvendor_quantity",
    "sellout_probability",
]


def _demand(mean_demand: ArrayLike, sd_demand: ArrayLike) -> tuple[FloatArray, FloatArray]:
    return non_negative("mean_demand", mean_demand), non_negative("sd_demand", sd_demand)


def expected_lost_sales(
    stock: ArrayLike, mean_demand: ArrayLike, sd_demand: ArrayLike
) -> float | FloatArray:
    """Units buyers want but cannot get, on average, with ``stock`` units on hand.

    For normal demand: ``E[max(D - stock, 0)] = sd * L((stock - mean) / sd)`` with the
    standard normal loss function ``L`` (:func:`normal_loss`); with ``sd_demand = 0``
    simply ``max(mean - stock, 0)``.

    >>> round(expected_lost_sales(2_000, 2_000, 500), 4)  # 500 * 0.398942
    199.4711
    """
    q = non_negative("stock", stock)
    mean, sd = _demand(mean_demand, sd_demand)
    q, mean, sd = np.broadcast_arrays(q, mean, sd)
    spread = np.where(sd > 0, sd, 1.0)
    smooth = spread * np.asarray(normal_loss((q - mean) / spread))
    return out(np.where(sd > 0, smooth, np.maximum(mean - q, 0.0)))


def expected_sales(
    stock: ArrayLike, mean_demand: ArrayLike, sd_demand: ArrayLike
) -> float | FloatArray:
    """Units sold, on average, with ``stock`` units on hand: ``mean - expected lost sales``.

    >>> round(expected_sales(2_000, 2_000, 500), 4)  # 2,000 - 199.4711
    1800.5289
    """
    mean, _ = _demand(mean_demand, sd_demand)
    return out(mean - np.asarray(expected_lost_sales(stock, mean_demand, sd_demand)))


def sellout_probability(
    stock: ArrayLike, mean_demand: ArrayLike, sd_demand: ArrayLike
) -> float | FloatArray:
    """Chance that buyers want at least ``stock`` units, so everything sells:
    ``P(D >= stock) = 1 - cdf((stock - mean) / sd)`` for normal demand (with no spread,
    1 when the stock is at most the mean, else 0).

    >>> sellout_probability(2_000, 2_000, 500)
    0.5
    """
    q = non_negative("stock", stock)
    mean, sd = _demand(mean_demand, sd_demand)
    q, mean, sd = np.broadcast_arrays(q, mean, sd)
    spread = np.where(sd > 0, sd, 1.0)
    upper = np.asarray(normal_upper_tail((q - mean) / spread))
    return out(np.where(sd > 0, upper, np.where(q <= mean, 1.0, 0.0)))


def expected_leftover(
    stock: ArrayLike, mean_demand: ArrayLike, sd_demand: ArrayLike
) -> float | FloatArray:
    """Units left unsold, on average: ``E[max(stock - D, 0)] = stock - mean + lost sales``.

    >>> round(expected_leftover(2_000, 2_000, 500), 4)
    199.4711
    """
    q = non_negative("stock", stock)
    mean, _ = _demand(mean_demand, sd_demand)
    return out(q - mean + np.asarray(expected_lost_sales(q, mean_demand, sd_demand)))


def _newsvendor_money(
    unit_price: ArrayLike, unit_cost: ArrayLike, salvage_value: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    price = non_negative("unit_price", unit_price)
    cost = non_negative("unit_cost", unit_cost)
    salvage = finite("salvage_value", salvage_value)
    if np.any(salvage >= cost):
        raise ValueError(
            "salvage_value must be below unit_cost: if a leftover unit sells for what it "
            "cost, there is no risk in preparing as many as you like"
        )
    return price, cost, salvage


def newsvendor_costs(
    unit_price: ArrayLike, unit_cost: ArrayLike, salvage_value: ArrayLike = 0
) -> tuple[float | FloatArray, float | FloatArray]:
    """``(shortage, excess)``: what one unit too few and one unit too many cost (RWF).

    One too few loses the margin of a sale, ``max(unit_price - unit_cost, 0)``; one too
    many loses ``unit_cost - salvage_value``.

    >>> newsvendor_costs(12, 4, 2)
    (8.0, 2.0)
    """
    price, cost, salvage = _newsvendor_money(unit_price, unit_cost, salvage_value)
    return out(np.maximum(price - cost, 0.0)), out(cost - salvage)


def critical_ratio(
    unit_price: ArrayLike, unit_cost: ArrayLike, salvage_value: ArrayLike = 0
) -> float | FloatArray:
    """The newsvendor's critical ratio ``(p - c) / (p - s)``, between 0 and 1.

    What one more unit earns if it sells (``unit_price - unit_cost``) as a share of that
    plus what it loses if it is left over (``unit_cost - salvage_value``). The best stock
    sells out with probability ``1 - ratio``. 0 when the price does not cover the cost.

    >>> critical_ratio(12, 4, 2)  # 8 / 10
    0.8
    """
    shortage, excess = newsvendor_costs(unit_price, unit_cost, salvage_value)
    return out(np.asarray(shortage) / (np.asarray(shortage) + np.asarray(excess)))


def newsvendor_quantity(
    mean_demand: ArrayLike,
    sd_demand: ArrayLike,
    unit_price: ArrayLike,
    unit_cost: ArrayLike,
    salvage_value: ArrayLike = 0,
) -> float | FloatArray:
    """Units to prepare for a one-off sale with uncertain demand (the newsvendor).

    With normal demand (``mean_demand``, ``sd_demand`` units), the best stock is the
    quantile of demand at the critical ratio ``(p - c) / (p - s)``: the profit on a unit
    sold (``unit_price - unit_cost``) against the loss on a unit left over
    (``unit_cost - salvage_value``). Prices in RWF per unit (any one currency). A
    negative ``salvage_value`` is a cost to get rid of leftovers. Never below 0; 0 when
    the price does not cover the cost.

    >>> round(newsvendor_quantity(2_000, 500, 12, 7, 2), 3)  # ratio 0.5: the mean
    2000.0
    """
    mean, sd = _demand(mean_demand, sd_demand)
    ratio = np.asarray(critical_ratio(unit_price, unit_cost, salvage_value))
    mean, sd, ratio = np.broadcast_arrays(mean, sd, ratio)
    profitable = ratio > 0
    z = np.asarray(normal_quantile(np.where(profitable, ratio, 0.5)))
    return out(np.where(profitable, np.maximum(mean + z * sd, 0.0), 0.0))


def newsvendor_expected_profit(
    stock: ArrayLike,
    mean_demand: ArrayLike,
    sd_demand: ArrayLike,
    unit_price: ArrayLike,
    unit_cost: ArrayLike,
    salvage_value: ArrayLike = 0,
) -> float | FloatArray:
    """Expected profit (RWF) from preparing ``stock`` units for a one-off sale.

    ``price * (mean - lost) + salvage * leftover - cost * stock`` with the expected
    lost sales and leftover of :func:`expected_lost_sales` and :func:`expected_leftover`
    for normal demand.

    >>> round(newsvendor_expected_profit(2_000, 2_000, 0, 12, 7, 2))  # 2,000 * (12 - 7)
    10000
    """
    price, cost, salvage = _newsvendor_money(unit_price, unit_cost, salvage_value)
    q = non_negative("stock", stock)
    mean, _ = _demand(mean_demand, sd_demand)
    lost = np.asarray(expected_lost_sales(q, mean_demand, sd_demand))
    left = np.asarray(expected_leftover(q, mean_demand, sd_demand))
    return out(price * (mean - lost) + salvage * left - cost * q)
