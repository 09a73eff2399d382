"""Keeping stock of one product: order size, safety stock, reorder point, and a Monte
Carlo simulation of a reorder-point policy.

The formulas (:func:`eoq`, :func:`safety_stock`, :func:`reorder_point`) assume normal daily
demand, independent from day to day, and a lead time of a given mean and spread.

The simulation (:func:`simulate_stock`): a seller keeps stock of one product (for
example 500 g packs of coffee). Every day buyers ask for some packs; the seller sells
what is on the shelf, and buyers who find nothing go elsewhere (lost sales, no back
orders). At the end of each day the seller looks at the *stock position* (packs on the
shelf plus packs ordered but not yet delivered); when it is at or below the **reorder
point**, the seller orders the **order quantity**, which arrives at the start of a day
some whole number of days later (the lead time).

What is random, and how:

- daily demand is either **normal** with ``mean_daily_demand`` and ``sd_daily_demand``,
  rounded to whole units and cut at 0 (a negative draw means no buyer that day), or
  **Poisson** with ``mean_daily_demand`` (buyers arrive one by one and independently;
  its standard deviation is the square root of the mean); days are independent;
- the lead time of each order is a whole number of days drawn uniformly from
  ``lead_time_days`` to ``lead_time_max_days`` (both included), independently per order.

Vectorised over paths (numpy, one loop over days); the same ``seed`` gives the same
result; costs in RWF; nothing is kept between calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from isoko.econ._checks import (
    FloatArray,
    as_float_array,
    non_negative,
    out,
    positive,
    probability,
)
from isoko.econ.normal import normal_quantile

__all__ = [
    "DEFAULT_PERCENTILES",
    "NormalDraws",
    "PolicySuggestion",
    "StockSimulation",
    "daily_holding_cost",
    "draw_normals",
    "eoq",
    "reorder_point",
    "safety_stock",
    "simulate_stock",
    "stock_percentiles",
    "suggest_policy",
]

IntArray = npt.NDArray[np.int32]

#: The percentiles of stock reported per day by default (for a fan chart).
DEFAULT_PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class StockSimulation:
    """What happened over ``days`` days in ``paths`` simulated futures.

    Rates are shares (0.9 means 90%). Costs are RWF per path over the whole horizon
    (the average over paths). ``stock_percentiles[i, t]`` is the ``percentiles[i]``-th
    percentile of the stock on hand at the end of day ``t + 1`` across paths (a read-only
    array), for a fan chart.
    """

    paths: int
    days: int
    #: Units sold / units asked for, over all paths and days.
    fill_rate: float
    #: Share of paths with at least one stock-out day (a buyer turned away).
    stockout_probability: float
    #: Share of days, over all paths, with a stock-out.
    stockout_day_share: float
    #: Stock on hand at the end of a day, units, averaged over paths and days.
    average_stock: float
    #: Orders placed per path, on average.
    orders_per_path: float
    #: Units asked for per path, on average.
    demand_units: float
    #: Units not sold for lack of stock per path, on average.
    lost_units: float
    holding_cost: float
    ordering_cost: float
    lost_sales_cost: float
    total_cost: float
    percentiles: tuple[float, ...]
    stock_percentiles: FloatArray
    #: Mean stock on hand at the end of each day, units.
    mean_stock_by_day: FloatArray


def daily_holding_cost(unit_cost: ArrayLike, annual_holding_rate: ArrayLike) -> float | FloatArray:
    """RWF to keep one unit in stock for one day: ``unit_cost * annual_holding_rate / 365``.

    ``annual_holding_rate`` is the yearly cost of holding stock as a share of its value
    (money tied up, storage, spoilage; 0.25 means 25% a year).

    >>> daily_holding_cost(7_300, 0.25)  # 7,300 * 0.25 / 365
    5.0
    """
    cost = non_negative("unit_cost", unit_cost)
    rate = non_negative("annual_holding_rate", annual_holding_rate)
    return out(cost * rate / 365.0)


# --- Order size, safety stock, reorder point ------------------------------------------


def eoq(
    annual_demand: ArrayLike, order_cost: ArrayLike, holding_cost_per_unit_year: ArrayLike
) -> float | FloatArray:
    """Economic order quantity: the order size with the lowest ordering plus holding cost.

    ``sqrt(2 * annual_demand * order_cost / holding_cost_per_unit_year)`` units, with
    ``annual_demand`` in units a year, ``order_cost`` in RWF per order and the holding
    cost in RWF per unit per year (often a share of the unit cost: money tied up,
    storage, spoilage).

    >>> eoq(7_300, 15_000, 1_750)  # sqrt(2 * 7,300 * 15,000 / 1,750)
    353.7553634121427
    """
    demand = non_negative("annual_demand", annual_demand)
    cost = non_negative("order_cost", order_cost)
    holding = positive("holding_cost_per_unit_year", holding_cost_per_unit_year)
    return out(np.sqrt(2.0 * demand * cost / holding))


def safety_stock(
    sd_daily_demand: ArrayLike,
    lead_time_days: ArrayLike,
    service_level: ArrayLike,
    *,
    mean_daily_demand: ArrayLike = 0,
    sd_lead_time_days: ArrayLike = 0,
) -> float | FloatArray:
    """Extra units to hold so that a delivery arrives before stock runs out, ``service_level``
    of the time: ``z * sqrt(L * sd_d**2 + d**2 * sd_L**2)`` units.

    ``z`` is the standard normal quantile of ``service_level`` (0.95 gives 1.645); ``L``
    and ``sd_L`` the lead time's mean and standard deviation, days; ``d`` and ``sd_d``
    daily demand's. The root is the spread of demand over a lead time that varies: busy
    days (``L * sd_d**2``) and late deliveries (``d**2 * sd_L**2``), independent. A fixed
    lead time (``sd_L = 0``) gives ``z * sd_d * sqrt(L)``. Assumes normal demand,
    independent from day to day; a service level below 0.5 gives a negative result.

    >>> round(safety_stock(8, 4, 0.95), 6)  # 1.644854 * 8 * 2
    26.317658
    >>> # sqrt(4 * 8**2 + 20**2 * 1**2) = sqrt(656) = 25.61; x 1.644854
    >>> round(safety_stock(8, 4, 0.95, mean_daily_demand=20, sd_lead_time_days=1), 4)
    42.1288
    """
    sd = non_negative("sd_daily_demand", sd_daily_demand)
    lead = non_negative("lead_time_days", lead_time_days)
    mean = non_negative("mean_daily_demand", mean_daily_demand)
    sd_lead = non_negative("sd_lead_time_days", sd_lead_time_days)
    level = probability(
        "service_level", service_level, "the share of order cycles without a stock-out"
    )
    spread = np.sqrt(lead * sd**2 + mean**2 * sd_lead**2)
    return out(np.asarray(normal_quantile(level)) * spread)


def reorder_point(
    mean_daily_demand: ArrayLike,
    sd_daily_demand: ArrayLike,
    lead_time_days: ArrayLike,
    service_level: ArrayLike,
    *,
    sd_lead_time_days: ArrayLike = 0,
) -> float | FloatArray:
    """Stock level at which to order: ``mean_daily_demand * lead_time_days`` (expected
    demand over the mean lead time) plus :func:`safety_stock`, units.

    >>> round(reorder_point(20, 8, 4, 0.95), 6)  # 80 + 26.317658
    106.317658
    """
    mean = non_negative("mean_daily_demand", mean_daily_demand)
    lead = non_negative("lead_time_days", lead_time_days)
    sd_lead = non_negative("sd_lead_time_days", sd_lead_time_days)
    extra = safety_stock(
        sd_daily_demand, lead, service_level, mean_daily_demand=mean, sd_lead_time_days=sd_lead
    )
    return out(mean * lead + np.asarray(extra))


# --- The simulation --------------------------------------------------------------------


@dataclass(frozen=True)
class NormalDraws:
    """Standard normal draws for :func:`simulate_stock`, drawn once by :func:`draw_normals`
    and passed back in on every run with the same seed and shape.

    Drawing them is about a third of a run with normal demand; a caller that runs the
    same futures again and again (a simulator redrawn on every change of a control)
    keeps one of these instead. The draws depend only on the seed and the shape, so
    passing them changes no result.
    """

    seed: int
    days: int
    paths: int
    #: (days, paths) standard normal draws, float32, read-only.
    values: npt.NDArray[np.float32]
    #: The generator's state after drawing them (lead times are drawn next).
    generator_state: Mapping[str, Any]


def draw_normals(seed: int, days: int, paths: int) -> NormalDraws:
    """The standard normal draws :func:`simulate_stock` makes for ``seed``, ``days`` and
    ``paths``, to pass to it as ``normals``."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((days, paths), dtype=np.float32)
    values.setflags(write=False)
    return NormalDraws(int(seed), int(days), int(paths), values, rng.bit_generator.state)


def _standard_normals(
    normals: NormalDraws | None, seed: int | None, shape: tuple[int, int]
) -> tuple[npt.NDArray[np.float32], np.random.Generator]:
    """(days, paths) standard normal draws and the generator as they leave it."""
    if normals is None:
        rng = np.random.default_rng(seed)
        return rng.standard_normal(shape, dtype=np.float32), rng
    if (normals.seed, normals.days, normals.paths) != (seed, *shape):
        raise ValueError(
            f"normals were drawn for seed {normals.seed}, {normals.days} days and "
            f"{normals.paths} paths, not seed {seed}, {shape[0]} days and {shape[1]} paths"
        )
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = dict(normals.generator_state)
    return normals.values, rng


def _count(name: str, value: Any, minimum: int) -> int:
    array = as_float_array(name, value)
    if array.ndim != 0 or float(array) != int(array) or int(array) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(array)


def _money(name: str, value: Any) -> float:
    array = non_negative(name, value)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number")
    return float(array)


def stock_percentiles(stock: IntArray, percentiles: Sequence[float]) -> FloatArray:
    """Percentiles of whole-unit stock levels across paths, for each day.

    ``stock`` has one row per day and one column per path (non-negative integers). Uses
    the "inverted CDF" definition (the smallest stock level with at least ``p``% of paths
    at or below it), the same as ``numpy.percentile(..., method="inverted_cdf")``, but
    counts instead of sorting, which is several times faster on whole numbers.
    """
    days, paths = stock.shape
    levels = int(stock.max()) + 1 if stock.size else 1
    if days * levels > 50_000_000:  # too many distinct levels to count: sort instead
        return np.percentile(stock, percentiles, axis=1, method="inverted_cdf").astype(float)
    offsets = np.arange(days, dtype=np.int64)[:, None] * levels
    counts = np.bincount((stock + offsets).ravel(), minlength=days * levels)
    cumulative = np.cumsum(counts.reshape(days, levels), axis=1)
    result = np.empty((len(percentiles), days))
    for i, p in enumerate(percentiles):
        # The first level whose cumulative count reaches p% of paths (at least one path).
        need = max(np.ceil(p / 100.0 * paths - 1e-9), 1)
        result[i] = (cumulative < need).sum(axis=1)
    return result


def simulate_stock(
    reorder_point: int,
    order_quantity: int,
    mean_daily_demand: float,
    sd_daily_demand: float | None = None,
    *,
    lead_time_days: int = 5,
    lead_time_max_days: int | None = None,
    days: int = 180,
    paths: int = 10_000,
    initial_stock: int | None = None,
    holding_cost_per_unit_day: float = 0.0,
    order_cost: float = 0.0,
    lost_sale_cost: float = 0.0,
    demand: Literal["normal", "poisson"] = "normal",
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    seed: int | None = 0,
    normals: NormalDraws | None = None,
) -> StockSimulation:
    """Simulate a (reorder point, order quantity) policy over ``paths`` random futures.

    Quantities are whole units: ``reorder_point`` (order when the stock position is at
    or below it), ``order_quantity`` (at least 1), ``initial_stock`` (default: reorder
    point plus order quantity, as just after a delivery). Demand per day: ``"normal"``
    (give ``sd_daily_demand``; draws are rounded and cut at 0) or ``"poisson"`` (leave
    ``sd_daily_demand`` out). Lead time: ``lead_time_days`` (at least 1), or drawn per
    order uniformly from ``lead_time_days`` to ``lead_time_max_days``.

    Costs in RWF: ``holding_cost_per_unit_day`` on the stock left at the end of each
    day (see :func:`daily_holding_cost`), ``order_cost`` per order placed,
    ``lost_sale_cost`` per unit a buyer wanted but could not get (for example the
    profit lost). Each day, in order: deliveries due that day arrive; buyers take what
    they ask for or what is left; stock is counted; an order is placed if needed (at
    most one a day).

    ``seed`` makes the run repeatable (``None`` for fresh randomness). ``normals``,
    from :func:`draw_normals` with the same seed, days and paths, saves drawing them
    again. 10,000 paths x 180 days with normal demand take about 35 ms on one core, a
    third less with ``normals``; Poisson draws take about 105 ms.
    """
    s = _count("reorder_point", reorder_point, 0)
    q = _count("order_quantity", order_quantity, 1)
    n_days = _count("days", days, 1)
    n_paths = _count("paths", paths, 1)
    lead_lo = _count("lead_time_days", lead_time_days, 1)
    lead_hi = (
        lead_lo
        if lead_time_max_days is None
        else _count("lead_time_max_days", lead_time_max_days, 1)
    )
    if lead_hi < lead_lo:
        raise ValueError(
            f"lead_time_max_days ({lead_hi}) must be at least lead_time_days ({lead_lo})"
        )
    start = s + q if initial_stock is None else _count("initial_stock", initial_stock, 0)
    mean = _money("mean_daily_demand", mean_daily_demand)
    holding = _money("holding_cost_per_unit_day", holding_cost_per_unit_day)
    per_order = _money("order_cost", order_cost)
    per_lost = _money("lost_sale_cost", lost_sale_cost)
    pcts = tuple(float(p) for p in percentiles)
    if not pcts or any(not 0 <= p <= 100 for p in pcts):
        raise ValueError(f"percentiles must be numbers from 0 to 100, got {percentiles!r}")

    shape = (n_days, n_paths)
    if demand == "normal":
        if sd_daily_demand is None:
            raise ValueError("normal demand needs sd_daily_demand (0 for a fixed demand)")
        sd = _money("sd_daily_demand", sd_daily_demand)
        if sd == 0:
            rng = np.random.default_rng(seed)
            wants = np.full(shape, round(mean), dtype=np.int32)
        else:
            z, rng = _standard_normals(normals, seed, shape)
            draws = z * np.float32(sd)
            draws += np.float32(mean)
            np.rint(draws, out=draws)
            np.maximum(draws, 0, out=draws)
            wants = draws.astype(np.int32)
    elif demand == "poisson":
        if sd_daily_demand is not None:
            raise ValueError(
                "Poisson demand has no separate spread (its standard deviation is the "
                "square root of the mean): leave sd_daily_demand out"
            )
        rng = np.random.default_rng(seed)
        wants = rng.poisson(mean, size=shape).astype(np.int32)
    else:
        raise ValueError(f"demand must be 'normal' or 'poisson', got {demand!r}")

    # Deliveries indexed by the day they arrive: row t holds what arrives on day t.
    pipeline = np.zeros((n_days + lead_hi + 1, n_paths), dtype=np.int32)
    stock = np.empty(shape, dtype=np.int32)  # on hand at the end of each day
    sold = np.empty(shape, dtype=np.int32)
    yesterday = np.full(n_paths, start, dtype=np.int32)
    # The stock position: on hand plus ordered and not yet delivered. A delivery moves
    # units from "ordered" to "on hand" and leaves it unchanged.
    position = yesterday.copy()
    orders = 0
    for t in range(n_days):
        today = stock[t]
        np.add(yesterday, pipeline[t], out=today)
        sales = sold[t]
        np.minimum(today, wants[t], out=sales)
        today -= sales
        position -= sales
        who = np.flatnonzero(position <= s)
        if who.size:
            if lead_hi == lead_lo:
                arrive: Any = t + lead_lo
            else:
                arrive = t + rng.integers(lead_lo, lead_hi + 1, size=who.size)
            pipeline[arrive, who] += q
            position[who] += q
            orders += who.size
        yesterday = today

    asked = wants.sum(dtype=np.int64)
    served = sold.sum(dtype=np.int64)
    short = wants > sold
    stockout_days = int(np.count_nonzero(short))
    paths_short = int(np.count_nonzero(short.any(axis=0)))
    stock_by_day = stock.sum(axis=1, dtype=np.int64)
    stock_sum = int(stock_by_day.sum())
    lost = int(asked - served)
    holding_total = holding * stock_sum / n_paths
    ordering_total = per_order * orders / n_paths
    lost_total = per_lost * lost / n_paths
    bands = stock_percentiles(stock, pcts)
    bands.setflags(write=False)
    mean_by_day = stock_by_day / n_paths
    mean_by_day.setflags(write=False)
    return StockSimulation(
        paths=n_paths,
        days=n_days,
        fill_rate=float(served / asked) if asked else 1.0,
        stockout_probability=paths_short / n_paths,
        stockout_day_share=stockout_days / (n_paths * n_days),
        average_stock=float(stock_sum / (n_paths * n_days)),
        orders_per_path=orders / n_paths,
        demand_units=float(asked / n_paths),
        lost_units=lost / n_paths,
        holding_cost=float(holding_total),
        ordering_cost=float(ordering_total),
        lost_sales_cost=float(lost_total),
        total_cost=float(holding_total + ordering_total + lost_total),
        percentiles=pcts,
        stock_percentiles=bands,
        mean_stock_by_day=mean_by_day,
    )


@dataclass(frozen=True)
class PolicySuggestion:
    """A textbook starting point for :func:`simulate_stock` (units, whole where named)."""

    #: Economic order quantity (EOQ), units.
    order_quantity: float
    safety_stock: float
    reorder_point: float
    #: The lead time's mean and standard deviation over the range, days.
    lead_time_days: float
    service_level: float
    sd_lead_time_days: float = 0.0

    @property
    def whole_order_quantity(self) -> int:
        """EOQ rounded to whole units (at least 1)."""
        return max(int(round(self.order_quantity)), 1)

    @property
    def whole_reorder_point(self) -> int:
        """Reorder point rounded up to whole units (never below 0)."""
        return max(int(np.ceil(self.reorder_point - 1e-9)), 0)


def suggest_policy(
    mean_daily_demand: float,
    sd_daily_demand: float,
    lead_time_days: float,
    lead_time_max_days: float | None,
    service_level: float,
    order_cost: float,
    holding_cost_per_unit_year: float,
) -> PolicySuggestion:
    """EOQ, safety stock and reorder point for the same inputs as :func:`simulate_stock`.

    With a lead time drawn evenly from the whole days ``lead_time_days`` to
    ``lead_time_max_days`` (n of them), the formulas use its mean and its standard
    deviation, ``sqrt((n**2 - 1) / 12)``, so the safety stock covers late deliveries
    too. Demand a year is ``mean_daily_demand * 365``; money in RWF.

    >>> s = suggest_policy(20, 8, 4, None, 0.95, 15_000, 1_750)
    >>> s.whole_order_quantity, s.whole_reorder_point  # EOQ 353.76; 80 + 26.32
    (354, 107)
    """
    low = float(non_negative("lead_time_days", lead_time_days))
    high = (
        low
        if lead_time_max_days is None
        else float(non_negative("lead_time_max_days", lead_time_max_days))
    )
    if high < low:
        raise ValueError(f"lead_time_max_days ({high:g}) must be at least lead_time_days ({low:g})")
    lead = (low + high) / 2  # the mean of whole days drawn evenly from low to high
    sd_lead = float(np.sqrt(((high - low + 1) ** 2 - 1) / 12))
    mean = float(non_negative("mean_daily_demand", mean_daily_demand))
    spread = {"mean_daily_demand": mean, "sd_lead_time_days": sd_lead}
    extra = float(safety_stock(sd_daily_demand, lead, service_level, **spread))
    return PolicySuggestion(
        order_quantity=float(eoq(mean * 365, order_cost, holding_cost_per_unit_year)),
        safety_stock=extra,
        reorder_point=mean * lead + extra,
        lead_time_days=lead,
        service_level=float(service_level),
        sd_lead_time_days=sd_lead,
    )
