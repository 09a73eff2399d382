"""Comparing two conversion rates when both are measured: Fisher's exact test.

A seller shows listing A to some visitors and listing B to others and counts orders.
Neither rate is known exactly: each is a count of a few orders, so each could have
come out a little higher or lower by luck. Fisher's exact test asks: if both listings
sold equally well, how likely is a split of the orders at least this lopsided?

Fix the totals: ``visitors_a + visitors_b`` visitors placed ``orders_a + orders_b``
orders. If the listings were equally good, the orders landed on B's visitors at
random, so the number on B follows the hypergeometric distribution::

    P(B gets k orders) = C(orders, k) * C(visitors - orders, visitors_b - k)
                         / C(visitors, visitors_b)

The one-sided p-value that B is better is ``P(B gets orders_b or more)``; the
two-sided one adds every split as unlikely as the one seen, on either side.

Each rate on its own is uncertain too: ``conversion_range`` gives the Wilson score
interval, the rates that could well have given the orders seen (95% by default)::

    centre = (p + z**2 / (2 n)) / (1 + z**2 / n)
    half   = z / (1 + z**2 / n) * sqrt(p (1 - p) / n + z**2 / (4 n**2))

with ``p = orders / visitors``, ``n = visitors`` and ``z = 1.96`` for 95%.

Counts are whole numbers of visitors and orders; probabilities are fractions (0 to 1).
Only the standard library is used (``math.comb``): no statistics package needed.
"""

from __future__ import annotations

from math import comb, sqrt
from typing import Literal

__all__ = ["conversion_range", "fisher_exact_p", "hypergeometric_pmf"]

#: Relative tolerance when comparing probabilities of two splits (floating point).
_SAME_PROBABILITY = 1 + 1e-7


def _whole(name: str, value: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise ValueError(f"{name} must be a whole number, 0 or more; got {value!r}")
    return int(value)


def hypergeometric_pmf(k: int, population: int, successes: int, draws: int) -> float:
    """Chance of exactly ``k`` successes in ``draws`` drawn without replacement.

    ``population`` items hold ``successes`` successes (for A/B: ``population`` visitors
    in all, ``successes`` orders in all, ``draws`` visitors who saw listing B).

    >>> round(hypergeometric_pmf(3, 8, 4, 4), 6)  # 16 / 70
    0.228571
    """
    population = _whole("population", population)
    successes = _whole("successes", successes)
    draws = _whole("draws", draws)
    if successes > population or draws > population:
        raise ValueError("successes and draws cannot be more than the population")
    k = int(k)
    if k < 0 or k > successes or k > draws or draws - k > population - successes:
        return 0.0
    ways = comb(successes, k) * comb(population - successes, draws - k)
    return ways / comb(population, draws)


def fisher_exact_p(
    orders_a: int,
    visitors_a: int,
    orders_b: int,
    visitors_b: int,
    alternative: Literal["greater", "two-sided"] = "greater",
) -> float:
    """p-value of Fisher's exact test that B converts better than A (a fraction).

    ``alternative="greater"``: the chance, if A and B were equally good, that B would
    get ``orders_b`` orders or more. ``"two-sided"``: the chance of a split at least as
    unlikely as the one seen, in either direction.

    Lesson 2's listings: old 4 orders of 400 visitors, new 11 of 380: about 1 in 21.

    >>> round(1 / fisher_exact_p(4, 400, 11, 380))
    21
    """
    orders_a = _whole("orders_a", orders_a)
    visitors_a = _whole("visitors_a", visitors_a)
    orders_b = _whole("orders_b", orders_b)
    visitors_b = _whole("visitors_b", visitors_b)
    if orders_a > visitors_a or orders_b > visitors_b:
        raise ValueError("a listing cannot have more orders than visitors")
    population = visitors_a + visitors_b
    orders = orders_a + orders_b
    if population == 0:
        raise ValueError("no visitors: nothing to compare")
    splits = range(max(0, orders - visitors_a), min(orders, visitors_b) + 1)
    chance = {k: hypergeometric_pmf(k, population, orders, visitors_b) for k in splits}
    if alternative == "greater":
        p = sum(chance[k] for k in splits if k >= orders_b)
    elif alternative == "two-sided":
        seen = chance[orders_b]
        p = sum(c for c in chance.values() if c <= seen * _SAME_PROBABILITY)
    else:
        raise ValueError('alternative must be "greater" or "two-sided"')
    return min(1.0, p)


def conversion_range(orders: int, visitors: int, z: float = 1.96) -> tuple[float, float]:
    """Lowest and highest conversion rates (fractions) that fit ``orders`` of ``visitors``.

    The Wilson score interval; ``z = 1.96`` gives a 95% range. Unlike "rate plus or
    minus two standard errors" it never goes below 0 or above 1, even with 0 orders.

    >>> low, high = conversion_range(4, 400)
    >>> round(low, 4), round(high, 4)
    (0.0039, 0.0254)
    """
    orders = _whole("orders", orders)
    visitors = _whole("visitors", visitors)
    if visitors == 0:
        raise ValueError("no visitors: the rate is not measured")
    if orders > visitors:
        raise ValueError("there cannot be more orders than visitors")
    if z <= 0:
        raise ValueError("z must be above 0 (1.96 for a 95% range)")
    n, p = visitors, orders / visitors
    shrink = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / shrink
    half = z / shrink * sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return max(0.0, centre - half), min(1.0, centre + half)
