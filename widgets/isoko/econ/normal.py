"""The standard normal distribution, over numbers and numpy arrays.

The stock and newsvendor formulas assume normally distributed demand; they need the
density, the cumulative probability, its inverse (the quantile) and the loss function
of a standard normal Z. Python's :class:`statistics.NormalDist` gives the quantile
(``inv_cdf``, accurate to about 1e-16), applied here element by element to arrays; the
density is ``NormalDist.pdf``'s formula in numpy. The cumulative probability goes
through ``math.erfc`` rather than
``NormalDist.cdf``: on Python 3.11 ``cdf`` is ``(1 + erf(x / sqrt 2)) / 2``, which
loses the lower tail (P(Z <= -9) comes out as 0), and the newsvendor formulas read
small tail probabilities.

Every function takes a number or an array and returns a ``float`` for a number, an
array otherwise.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from isoko.econ._checks import FloatArray, finite, out, probability

__all__ = ["normal_cdf", "normal_loss", "normal_pdf", "normal_quantile", "normal_upper_tail"]

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)
# Both are plain functions turned into numpy ufuncs (one Python call per element): a
# few hundred nanoseconds an element, and the callers pass at most a few hundred.
_erfc = np.frompyfunc(math.erfc, 1, 1)
_inv_cdf = np.frompyfunc(NormalDist().inv_cdf, 1, 1)


def _lower(x: FloatArray) -> FloatArray:
    """P(Z <= x) through erfc, accurate in the lower tail."""
    return np.asarray(_erfc(-x / _SQRT2), dtype=np.float64) * 0.5


def _upper(x: FloatArray) -> FloatArray:
    """P(Z > x) through erfc, accurate in the upper tail."""
    return np.asarray(_erfc(x / _SQRT2), dtype=np.float64) * 0.5


def normal_cdf(x: ArrayLike) -> float | FloatArray:
    """P(Z <= x) for a standard normal Z.

    >>> round(normal_cdf(1.6448536269514722), 12)
    0.95
    """
    return out(_lower(finite("x", x)))


def normal_upper_tail(x: ArrayLike) -> float | FloatArray:
    """P(Z > x) = 1 - cdf(x) for a standard normal Z, without losing the upper tail.

    >>> normal_upper_tail(0)
    0.5
    """
    return out(_upper(finite("x", x)))


def normal_pdf(x: ArrayLike) -> float | FloatArray:
    """Density of the standard normal at ``x``: exp(-x²/2) / sqrt(2 pi).

    The same values as ``NormalDist().pdf``, computed with numpy over a whole array.
    """
    z = finite("x", x)
    return out(np.exp(-0.5 * z * z) / _SQRT2PI)


def normal_quantile(p: ArrayLike) -> float | FloatArray:
    """The z with P(Z <= z) = p for a standard normal Z (the inverse CDF), 0 < p < 1.

    ``NormalDist().inv_cdf`` (Wichura's algorithm AS241) for each probability.

    >>> normal_quantile(0.975)
    1.9599639845400536
    """
    prob = probability("p", p, "a probability")
    return out(np.asarray(_inv_cdf(prob), dtype=np.float64))


def normal_loss(z: ArrayLike) -> float | FloatArray:
    """The standard normal loss function L(z) = E[max(Z - z, 0)] = pdf(z) - z (1 - cdf(z)).

    >>> round(normal_loss(0), 6)  # 1 / sqrt(2 pi)
    0.398942
    """
    x = finite("z", z)
    return out(np.exp(-0.5 * x * x) / _SQRT2PI - x * _upper(x))
