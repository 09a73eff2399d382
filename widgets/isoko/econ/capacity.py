"""Pricing a fixed number of places across the seasons of the year, and cancellations.

A *place* is one guest on one tour-day (or one room-night). A guide, a guesthouse or a
tour operator has ``places_per_day`` of them every day; a place not sold today is lost.
Money is in Rwandan francs (RWF); a price quoted in US dollars is converted first with
:mod:`isoko.econ.fx`.

Each :class:`Season` has its own demand, with a constant price elasticity ``e`` (below
-1) pinned to one point: ``q0`` places asked for per day at the reference price ``p0``::

    demand_per_day = q0 * (price / p0) ** e

The platform (Airbnb Experiences, Booking, Fliggy) keeps ``commission_rate`` of the
price. Without a limit on places the best price is the cost marked up for the
commission and the elasticity, the same in every season with the same elasticity::

    p_free = cost_per_guest / (1 - commission_rate) * e / (1 + e)

When demand at ``p_free`` is more than the places, the seller raises the price until
demand just fills them, ``p_fill = p0 * (places / q0) ** (1 / e)``: below ``p_fill``
every place sells anyway, so a higher price only adds money. The best price in a
season is therefore ``max(p_free, p_fill)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Integral

from isoko.econ import fx

__all__ = [
    "AIRBNB_EXPERIENCES_COMMISSION",
    "BOOKING_COMMISSION",
    "DEFAULT_COST_PER_GUEST_RWF",
    "DEFAULT_PLACES_PER_DAY",
    "DEFAULT_REFERENCE_PRICE_USD",
    "DEFAULT_SEASONS",
    "Season",
    "SeasonPrice",
    "best_price_in_season",
    "best_single_price",
    "demand_per_day",
    "expected_payout_with_cancellations",
    "outcome_at_price",
    "plan_year",
    "price_to_fill",
]

#: Airbnb's service fee for Experience hosts: 20% of the experience price, deducted from
#: the payout (Airbnb help centre, articles 1604 and 3164; read 2026).
AIRBNB_EXPERIENCES_COMMISSION = 0.20
#: Booking.com's commission on room bookings: typically 15%, 10-25% by market and
#: programme (hotel industry glossaries and Booking partner pages; read 2026).
BOOKING_COMMISSION = 0.15

#: ASSUMPTION: a gorilla-trek day tour from Musanze (pick-up, drive, guide, lunch; the
#: visitor's permit is not part of it) at USD 100 a guest.
DEFAULT_REFERENCE_PRICE_USD = 100.0
#: ASSUMPTION: the guide's minibus takes 6 guests a day.
DEFAULT_PLACES_PER_DAY = 6
#: ASSUMPTION: lunch, water and fuel for one guest, RWF.
DEFAULT_COST_PER_GUEST_RWF = 30_000.0

_REFERENCE_PRICE_RWF = DEFAULT_REFERENCE_PRICE_USD * fx.RWF_PER_USD_MID_2026


# --- input checks ----------------------------------------------------------------------------


def _number(name: str, value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if math.isnan(number):
        raise ValueError(f"{name} must be a number, not NaN (not a number)")
    return number


def _finite(name: str, value: object) -> float:
    number = _number(name, value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {number:g}")
    return number


def _positive(name: str, value: object) -> float:
    number = _finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be greater than zero, got {number:g}")
    return number


def _non_negative(name: str, value: object) -> float:
    number = _finite(name, value)
    if number < 0:
        raise ValueError(f"{name} cannot be negative, got {number:g}")
    return number


def _share(name: str, value: object, meaning: str) -> float:
    number = _finite(name, value)
    if not 0 <= number <= 1:
        raise ValueError(
            f"{name} is the share {meaning}: from 0 to 1 (0.2 means 20%), got {number:g}"
        )
    return number


def _commission(value: object) -> float:
    number = _finite("commission_rate", value)
    if not 0 <= number < 1:
        raise ValueError(
            "commission_rate is the platform's share of the price: at least 0 and below 1 "
            f"(0.2 means 20%), got {number:g}"
        )
    return number


@dataclass(frozen=True)
class Season:
    """A stretch of the year with its own demand.

    ``days``: days in the season. ``reference_demand_per_day``: places asked for per day
    at ``reference_price_rwf`` (RWF per place). ``elasticity``: constant price
    elasticity, below -1 (a 1% higher price loses more than 1% of the guests).
    """

    name: str
    days: int
    reference_price_rwf: float
    reference_demand_per_day: float
    elasticity: float

    def __post_init__(self) -> None:
        # numpy integers (a day count read from a table) are whole numbers too
        whole = isinstance(self.days, Integral) and not isinstance(self.days, bool)
        if not whole or self.days < 1:
            raise ValueError(
                f"{self.name}: days must be a whole number of at least 1, got {self.days!r}"
            )
        _positive(f"{self.name}: reference_price_rwf", self.reference_price_rwf)
        _positive(f"{self.name}: reference_demand_per_day", self.reference_demand_per_day)
        e = _finite(f"{self.name}: elasticity", self.elasticity)
        if e >= -1:
            raise ValueError(
                f"{self.name}: the elasticity must be below -1, got {e:g}; at -1 or above a "
                "higher price always earns more, so there is no best price (try -2.5)"
            )


#: The seasons of the day tour, from the facts the tour operators agree on: the long dry
#: season (1 June to 15 September) is the peak; the short dry season (16 December to the
#: end of February) is busy; the short rains (16 September to 15 December) and the long
#: rains (March to May) are quiet. The exact weeks vary by source; these make a year of
#: 365 days. ASSUMPTION: guests asking a day at USD 100 (8, 3, 5.5 and 2.5) and an
#: elasticity of -2 in every season, as in the tourism course's data.
DEFAULT_SEASONS: tuple[Season, ...] = (
    Season("long dry", 107, _REFERENCE_PRICE_RWF, 8.0, -2.0),
    Season("short rains", 91, _REFERENCE_PRICE_RWF, 3.0, -2.0),
    Season("short dry", 75, _REFERENCE_PRICE_RWF, 5.5, -2.0),
    Season("long rains", 92, _REFERENCE_PRICE_RWF, 2.5, -2.0),
)


@dataclass(frozen=True)
class SeasonPrice:
    """One price and what it earns over a whole season (money in RWF).

    ``places_sold_per_day``: places sold on an average day (at most the places).
    ``full``: every place sells. ``revenue_rwf``: what guests pay over the season;
    ``payout_rwf``: revenue after the platform's commission; ``profit_rwf``: payout
    less the cost of each guest and the fixed cost of each day.
    """

    season: str
    price_rwf: float
    places_sold_per_day: float
    full: bool
    revenue_rwf: float
    payout_rwf: float
    profit_rwf: float


def demand_per_day(season: Season, price_rwf: float) -> float:
    """Places asked for per day at ``price_rwf`` (RWF per place): ``q0 * (p / p0) ** e``.

    >>> demand_per_day(Season("low", 90, 50_000, 4, -2), 100_000)
    1.0
    """
    price = _positive("price_rwf", price_rwf)
    return season.reference_demand_per_day * (price / season.reference_price_rwf) ** (
        season.elasticity
    )


def price_to_fill(season: Season, places_per_day: float) -> float:
    """The price (RWF per place) at which demand just equals ``places_per_day``.

    ``p0 * (places / q0) ** (1 / e)``: fewer places than ``q0`` need a higher price.

    >>> price_to_fill(Season("peak", 107, 50_000, 16, -2), 4)
    100000.0
    """
    places = _positive("places_per_day", places_per_day)
    return season.reference_price_rwf * (places / season.reference_demand_per_day) ** (
        1 / season.elasticity
    )


def outcome_at_price(
    season: Season,
    price_rwf: float,
    places_per_day: float,
    cost_per_guest_rwf: float,
    commission_rate: float,
    fixed_cost_per_day_rwf: float = 0.0,
) -> SeasonPrice:
    """What ``price_rwf`` earns over ``season`` when at most ``places_per_day`` sell a day.

    Places sold a day = min(demand, places); revenue = price x sold x days; payout =
    revenue x (1 - commission_rate); profit = payout - (cost_per_guest x sold +
    fixed_cost_per_day) x days.

    >>> outcome_at_price(Season("low", 90, 50_000, 4, -2), 100_000, 8, 20_000, 0.2)
    SeasonPrice(season='low', price_rwf=100000.0, places_sold_per_day=1.0, full=False, \
revenue_rwf=9000000.0, payout_rwf=7200000.0, profit_rwf=5400000.0)
    """
    places = _positive("places_per_day", places_per_day)
    cost = _non_negative("cost_per_guest_rwf", cost_per_guest_rwf)
    keep = 1 - _commission(commission_rate)
    fixed = _non_negative("fixed_cost_per_day_rwf", fixed_cost_per_day_rwf)
    price = _positive("price_rwf", price_rwf)
    asked = demand_per_day(season, price)
    sold = min(asked, places)
    revenue = price * sold * season.days
    payout = revenue * keep
    profit = payout - (cost * sold + fixed) * season.days
    return SeasonPrice(
        season=season.name,
        price_rwf=price,
        places_sold_per_day=sold,
        full=asked >= places * (1 - 1e-9),
        revenue_rwf=revenue,
        payout_rwf=payout,
        profit_rwf=profit,
    )


def best_price_in_season(
    season: Season,
    places_per_day: float,
    cost_per_guest_rwf: float,
    commission_rate: float,
    fixed_cost_per_day_rwf: float = 0.0,
) -> SeasonPrice:
    """The profit-maximising price for one season with ``places_per_day`` places.

    The unconstrained best price ``cost / (1 - commission) * e / (1 + e)``; when demand
    there is more than the places, the price rises to :func:`price_to_fill` and every
    place sells. Fixed costs per day do not change the price, only the profit.

    >>> best = best_price_in_season(Season("peak", 107, 50_000, 16, -2), 4, 20_000, 0.2)
    >>> best.price_rwf, best.full
    (100000.0, True)
    """
    _positive("places_per_day", places_per_day)
    cost = _non_negative("cost_per_guest_rwf", cost_per_guest_rwf)
    keep = 1 - _commission(commission_rate)
    e = season.elasticity
    free_price = cost / keep * e / (1 + e)
    fill_price = price_to_fill(season, places_per_day)
    price = max(free_price, fill_price)
    result = outcome_at_price(
        season, price, places_per_day, cost, commission_rate, fixed_cost_per_day_rwf
    )
    if fill_price >= free_price:
        # At the price that fills the places, demand equals them exactly.
        result = _with(result, places_sold_per_day=float(places_per_day), full=True)
    return result


def plan_year(
    seasons: Sequence[Season],
    places_per_day: float,
    cost_per_guest_rwf: float,
    commission_rate: float,
    fixed_cost_per_day_rwf: float = 0.0,
) -> list[SeasonPrice]:
    """The best price of each season, in the order of ``seasons``."""
    return [
        best_price_in_season(
            season, places_per_day, cost_per_guest_rwf, commission_rate, fixed_cost_per_day_rwf
        )
        for season in _seasons(seasons)
    ]


def best_single_price(
    seasons: Sequence[Season],
    places_per_day: float,
    cost_per_guest_rwf: float,
    commission_rate: float,
    fixed_cost_per_day_rwf: float = 0.0,
) -> SeasonPrice:
    """The best one price for the whole year, found by a fine search.

    The result is named ``"all year"``; revenue, payout and profit are the year's
    totals, ``places_sold_per_day`` the year's average and ``full`` is true only when
    every season fills. Each season's profit rises up to that season's best price and
    falls after it, so the best single price lies between the lowest and the highest
    seasonal best price: a grid of 2,001 prices there, then a golden-section search
    around the best of them (to about RWF 0.01).
    """
    chosen = _seasons(seasons)
    plan = plan_year(
        chosen, places_per_day, cost_per_guest_rwf, commission_rate, fixed_cost_per_day_rwf
    )
    low = min(item.price_rwf for item in plan)
    high = max(item.price_rwf for item in plan)

    def year_profit(price: float) -> float:
        return sum(
            outcome_at_price(
                season,
                price,
                places_per_day,
                cost_per_guest_rwf,
                commission_rate,
                fixed_cost_per_day_rwf,
            ).profit_rwf
            for season in chosen
        )

    best = low
    if high > low:
        step = (high - low) / 2_000
        grid = [low + i * step for i in range(2_001)]
        # The kinks (each season's best price) are candidates too: a maximum can sit there.
        candidates = grid + [item.price_rwf for item in plan]
        best = max(candidates, key=year_profit)
        best = _golden_max(year_profit, max(low, best - step), min(high, best + step), best)
    outcomes = [
        outcome_at_price(
            season,
            best,
            places_per_day,
            cost_per_guest_rwf,
            commission_rate,
            fixed_cost_per_day_rwf,
        )
        for season in chosen
    ]
    total_days = sum(season.days for season in chosen)
    return SeasonPrice(
        season="all year",
        price_rwf=best,
        places_sold_per_day=sum(
            o.places_sold_per_day * s.days for o, s in zip(outcomes, chosen, strict=True)
        )
        / total_days,
        full=all(o.full for o in outcomes),
        revenue_rwf=sum(o.revenue_rwf for o in outcomes),
        payout_rwf=sum(o.payout_rwf for o in outcomes),
        profit_rwf=sum(o.profit_rwf for o in outcomes),
    )


def expected_payout_with_cancellations(
    price_rwf: float,
    bookings: float,
    cancel_rate: float,
    deposit_rate: float,
    commission_rate: float,
) -> float:
    """Expected payout (RWF) from ``bookings`` at ``price_rwf`` when some cancel.

    A cancelled booking pays only the deposit, ``deposit_rate`` of the price, which is
    not refunded; an honoured one pays the full price. The platform's commission is
    taken on what is paid::

        bookings * price * ((1 - cancel_rate) + cancel_rate * deposit_rate)
                 * (1 - commission_rate)

    >>> round(expected_payout_with_cancellations(50_000, 10, 0.2, 0.3, 0.2), 2)
    344000.0
    """
    price = _non_negative("price_rwf", price_rwf)
    count = _non_negative("bookings", bookings)
    cancel = _share("cancel_rate", cancel_rate, "of bookings cancelled")
    deposit = _share("deposit_rate", deposit_rate, "of the price kept as deposit")
    keep = 1 - _commission(commission_rate)
    paid_per_booking = price * ((1 - cancel) + cancel * deposit)
    return count * paid_per_booking * keep


# --- helpers ----------------------------------------------------------------------------


def _seasons(seasons: Sequence[Season]) -> tuple[Season, ...]:
    chosen = tuple(seasons)
    if not chosen:
        raise ValueError("give at least one season")
    for season in chosen:
        if not isinstance(season, Season):
            raise ValueError(f"each season must be a Season, got {season!r}")
    return chosen


def _with(result: SeasonPrice, **changes: object) -> SeasonPrice:
    fields = {**result.__dict__, **changes}
    return SeasonPrice(**fields)  # type: ignore[arg-type]


def _golden_max(function: Callable[[float], float], low: float, high: float, start: float) -> float:
    """The maximum of ``function`` on [low, high] by golden-section search.

    ``start`` (the best grid point) is returned if the search finds nothing better.
    """
    ratio = (math.sqrt(5) - 1) / 2
    a, b = low, high
    c = b - ratio * (b - a)
    d = a + ratio * (b - a)
    fc, fd = function(c), function(d)
    while b - a > 0.01:
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = function(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = function(d)
    found = (a + b) / 2
    return found if function(found) > function(start) else start
