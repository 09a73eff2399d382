"""What a learner's value is, and how far it is from the right one, in plain words.

Shared by the lesson checks and the graded tests. numpy and pandas values are read by
duck typing (``size``, ``item``, ``to_numpy``) so that neither is imported here.
"""

from __future__ import annotations

import math
import numbers


class NotANumber(ValueError):
    """The value is not one number; the message says what it is instead."""


def describe(value: object) -> str:
    """A few words for what a learner gave, e.g. 'a list of 4', 'the text "12"'."""
    if value is None:
        return "None (nothing: is a 'return' missing?)"
    if value is Ellipsis:
        return "... (the placeholder)"
    if isinstance(value, bool):
        return f"{value} (a yes/no, not a number)"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:17] + "..."
        return f'the text "{shown}"'
    if isinstance(value, numbers.Number):
        return f"the number {value}"
    kind = type(value).__name__
    if kind == "DataFrame":
        rows, cols = value.shape
        return f"a table of {rows} rows and {cols} columns"
    if kind == "Series":
        return f"a Series of {len(value)}"
    if kind == "ndarray":
        return f"an array of {value.size}"
    if isinstance(value, list | tuple | set | dict):
        name = {list: "list", tuple: "tuple", set: "set", dict: "dict"}[type(value)]
        return f"a {name} of {len(value)}"
    if callable(value):
        return f"a function ({getattr(value, '__name__', kind)})"
    return f"a {kind}"


def to_number(value: object) -> float:
    """One number as a float: int, float, numpy scalar, 0-d or one-element array, Series.

    Raises :class:`NotANumber` for anything else, including True/False and NaN.
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise NotANumber(f"expected one number, got {describe(value)}")
    if isinstance(value, numbers.Real):
        number = float(value)
    elif getattr(value, "size", None) == 1 and type(value).__name__ != "DataFrame":
        item = value.item() if hasattr(value, "item") else value.to_numpy().item()
        return to_number(item)
    else:
        raise NotANumber(f"expected one number, got {describe(value)}")
    if math.isnan(number):
        raise NotANumber("got nan (not a number): a division by zero or a missing value?")
    return number


def is_close(got: float, expected: float, rel: float, abs_tol: float = 0.0) -> bool:
    # A tiny absolute floor so that an expected 0 accepts a rounding error like 1e-12.
    return math.isclose(got, expected, rel_tol=rel, abs_tol=max(abs_tol, 1e-9))


def how_far(got: float, expected: float) -> str:
    """'too high', 'a little too low', 'about 100 times too high'... never the value."""
    if math.isinf(got):
        return "infinite (a division by zero?)"
    if expected != 0 and got != 0 and (got > 0) != (expected > 0):
        return "the wrong sign (check + and -)"
    direction = "high" if got > expected else "low"
    if expected == 0 or got == 0:
        return f"too {direction}"
    ratio = abs(got / expected)
    factor = ratio if ratio >= 1 else 1 / ratio
    for times in (1000, 100, 10):
        if abs(factor / times - 1) < 0.05:
            hint = "units or a percent?" if times == 100 else "units?"
            return f"about {times} times too {direction} ({hint})"
    if factor <= 1.1:
        return f"a little too {direction} (within 10%)"
    if factor >= 2:
        return "much too high (over double)" if got > expected else "much too low (under half)"
    return f"too {direction}"


def show(number: float) -> str:
    """A number as a learner writes it: 12,345.6 or 0.0523, without float noise."""
    if not math.isfinite(number):
        return str(number)
    if number == int(number) and abs(number) < 1e15:
        return f"{number:,.0f}"
    if abs(number) >= 100:
        return f"{number:,.2f}".rstrip("0").rstrip(".")
    return f"{number:.4g}"


def show_args(args: tuple) -> str:
    """Inputs as code writes them (1000, 0.05): thousands commas would read as commas."""
    shown = []
    for arg in args:
        try:
            number = to_number(arg)
        except NotANumber:
            shown.append(repr(arg))
            continue
        whole = number.is_integer() and abs(number) < 1e15
        shown.append(str(int(number)) if whole else repr(number))
    return ", ".join(shown)
