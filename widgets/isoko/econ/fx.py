"""Currency conversion between Rwandan francs (RWF) and US dollars (USD) or Chinese yuan
(CNY), and the one place the default exchange rates (RWF per USD, RWF per CNY) are
written.

Exchange rates move (the franc lost 9.68% against the dollar in FY2024/25), so every
function takes the rate as an argument: quote it as RWF per USD (or per CNY), the way
the National Bank of Rwanda (BNR) publishes it. Amounts may be negative (a loss converts like a
profit); the rate must be above zero.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from isoko.econ._checks import FloatArray, as_float_array, out, positive

#: RWF per USD, about mid-2026 (collected late 2026; BNR reference rate 1,456.83 on
#: 2025-12-08 as reported by Stears). Change it: the rate moves every day.
RWF_PER_USD_MID_2026 = 1461.0
#: RWF per Chinese yuan (CNY), about September 2025. Change it: the rate moves every day.
RWF_PER_CNY_SEP_2025 = 203.0


def usd_to_rwf(amount_usd: ArrayLike, rwf_per_usd: ArrayLike) -> float | FloatArray:
    """Convert an amount in USD to RWF at ``rwf_per_usd`` (RWF for one USD).

    >>> usd_to_rwf(10, 1461)
    14610.0
    """
    return _to_rwf(amount_usd, rwf_per_usd, "usd")


def rwf_to_usd(amount_rwf: ArrayLike, rwf_per_usd: ArrayLike) -> float | FloatArray:
    """Convert an amount in RWF to USD at ``rwf_per_usd`` (RWF for one USD).

    >>> rwf_to_usd(14610, 1461)
    10.0
    """
    return _from_rwf(amount_rwf, rwf_per_usd, "usd")


def cny_to_rwf(amount_cny: ArrayLike, rwf_per_cny: ArrayLike) -> float | FloatArray:
    """Convert an amount in CNY to RWF at ``rwf_per_cny`` (RWF for one yuan).

    >>> cny_to_rwf(70, 203)
    14210.0
    """
    return _to_rwf(amount_cny, rwf_per_cny, "cny")


def rwf_to_cny(amount_rwf: ArrayLike, rwf_per_cny: ArrayLike) -> float | FloatArray:
    """Convert an amount in RWF to CNY at ``rwf_per_cny`` (RWF for one yuan).

    >>> rwf_to_cny(14210, 203)
    70.0
    """
    return _from_rwf(amount_rwf, rwf_per_cny, "cny")


def _to_rwf(amount: ArrayLike, rate: ArrayLike, currency: str) -> float | FloatArray:
    """``amount`` of ``currency`` in RWF; errors name the caller's arguments."""
    value = as_float_array(f"amount_{currency}", amount)
    return out(value * positive(f"rwf_per_{currency}", rate))


def _from_rwf(amount_rwf: ArrayLike, rate: ArrayLike, currency: str) -> float | FloatArray:
    """``amount_rwf`` in ``currency``; errors name the caller's arguments."""
    value = as_float_array("amount_rwf", amount_rwf)
    return out(value / positive(f"rwf_per_{currency}", rate))
