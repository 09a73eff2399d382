"""Input checks shared by the econ models.

Each check turns its input into a float numpy array and raises ``ValueError`` with a
plain-English message when the value is impossible.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def as_float_array(name: str, value: Any) -> FloatArray:
    """Return ``value`` as a float array, refusing NaN and text."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from None
    if np.any(np.isnan(array)):
        raise ValueError(f"{name} must be a number, not NaN (not a number)")
    return array


def non_negative(name: str, value: Any) -> FloatArray:
    """A money amount or a count that cannot be below zero."""
    array = as_float_array(name, value)
    if np.any(array < 0):
        raise ValueError(f"{name} cannot be negative, got {_show(array)}")
    return array


def positive(name: str, value: Any) -> FloatArray:
    """A price, quantity or exchange rate that must be above zero."""
    array = as_float_array(name, value)
    if np.any(array <= 0):
        raise ValueError(f"{name} must be greater than zero, got {_show(array)}")
    return array


def finite(name: str, value: Any) -> FloatArray:
    """Any real number that is not infinite."""
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite number, got {_show(array)}")
    return array


def rate(name: str, value: Any) -> FloatArray:
    """A share (of a price, of customers, per period), from 0 up to but not including 1."""
    array = as_float_array(name, value)
    if np.any((array < 0) | (array >= 1)):
        raise ValueError(
            f"{name} is a share and must be at least 0 and below 1 "
            f"(0.05 means 5%), got {_show(array)}"
        )
    return array


def share_of(name: str, value: Any, of: str) -> FloatArray:
    """A share of ``of`` (a value, a price), from 0 up to but not including 1."""
    array = as_float_array(name, value)
    if np.any((array < 0) | (array >= 1)):
        raise ValueError(
            f"{name} is a share of {of} and must be at least 0 and below 1 "
            f"(0.05 means 5%), got {_show(array)}"
        )
    return array


def probability(name: str, value: Any, meaning: str) -> FloatArray:
    """A probability strictly between 0 and 1 (``meaning`` says what it is the chance of)."""
    array = as_float_array(name, value)
    if np.any((array <= 0) | (array >= 1)):
        raise ValueError(
            f"{name} must be above 0 and below 1 ({meaning}), got {_show(array)}; "
            "0 and 1 are impossible to plan for"
        )
    return array


def whole(name: str, value: Any, minimum: int = 1) -> FloatArray:
    """A count of things (cartons, units, pieces): a whole number, at least ``minimum``."""
    array = as_float_array(name, value)
    if np.any(array != np.floor(array)) or np.any(array < minimum):
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {_show(array)}")
    return array


def whole_days(name: str, value: Any) -> int:
    """A whole number of days, 0 or more."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number of days, got {value!r}") from None
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise ValueError(f"{name} must be a whole number of days, 0 or more, got {value!r}")
    return int(number)


def single_share(name: str, value: Any) -> float:
    """One share (not an array) from 0 to 1, both included."""
    array = as_float_array(name, value)
    if array.ndim != 0 or not 0 <= float(array) <= 1:
        raise ValueError(
            f"{name} must be one share between 0 and 1 (0.5 means half), got {value!r}"
        )
    return float(array)


def fee_rates(commission_rate: Any, payment_fee_rate: Any) -> tuple[FloatArray, FloatArray]:
    """Commission and payment fee, which together must leave the seller something."""
    commission = rate("commission_rate", commission_rate)
    payment_fee = rate("payment_fee_rate", payment_fee_rate)
    if np.any(commission + payment_fee >= 1):
        raise ValueError(
            "commission_rate plus payment_fee_rate must be below 1: together they would "
            f"take the whole price, got {_show(commission + payment_fee)}"
        )
    return commission, payment_fee


def out(array: FloatArray) -> float | FloatArray:
    """A Python float for a 0-d result, the array otherwise."""
    array = np.asarray(array, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


def _show(array: FloatArray) -> str:
    if array.ndim == 0:
        return f"{float(array):g}"
    return np.array2string(array, threshold=6, precision=4)
