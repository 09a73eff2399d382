"""Helpers for nbgrader tests (visible and hidden) that accept any right answer.

A learner may answer with an int, a float, a numpy number or a one-element array or
Series; a table of values as a dict, a Series or a one-column DataFrame. The tests turn
each into one form before comparing, so a right answer is never failed for its type.

Each failure raises ``AssertionError`` whose message names the question and the likely
mistake, e.g. ``Question 3: expected one number, got a list of 4``. Messages show what
the learner's code gave and how far off it is, not the expected value: visible tests
run before the learner submits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from isoko.checks.values import (
    NotANumber,
    describe,
    how_far,
    is_close,
    show,
    show_args,
    to_number,
)


def _label(question: object) -> str:
    text = str(question).strip()
    return f"Question {text}" if text.isdigit() else text


def _fail(question: object, message: str, hint: str = "") -> None:
    tail = f" {hint}" if hint else ""
    raise AssertionError(f"{_label(question)}: {message}{tail}")


def number(question: object, value: Any) -> float:
    """``value`` as a float, or an AssertionError saying what it is instead."""
    try:
        return to_number(value)
    except NotANumber as error:
        _fail(question, str(error))
        raise  # unreachable: _fail raises


def mapping(question: object, value: Any) -> dict:
    """``value`` as a dict: from a dict, a pandas Series or a one-column DataFrame."""
    if isinstance(value, Mapping):
        return dict(value)
    kind = type(value).__name__
    if kind == "Series":
        return value.to_dict()
    if kind == "DataFrame":
        if value.shape[1] == 1:
            return value.iloc[:, 0].to_dict()
        _fail(question, f"expected one column, got {describe(value)}.")
    _fail(question, f"expected a dict or a Series, got {describe(value)}.")
    raise AssertionError  # unreachable: _fail raises


def _assert_mapping(question, got, expected, rel, abs_tol, hint) -> None:
    got = mapping(question, got)
    missing = [key for key in expected if key not in got]
    if missing:
        _fail(question, f"missing {', '.join(map(repr, missing))}.", hint)
    extra = [key for key in got if key not in expected]
    if extra:
        _fail(question, f"unexpected {', '.join(map(repr, extra))}.", hint)
    for key, right in expected.items():
        value = number(f"{_label(question)}, {key!r}", got[key])
        if not is_close(value, float(right), rel, abs_tol):
            _fail(question, f"{key!r} is {show(value)}, {how_far(value, float(right))}.", hint)


def assert_close(
    question: object,
    got: Any,
    expected: Any,
    *,
    rel: float = 1e-3,
    abs_tol: float = 0.0,
    hint: str = "",
) -> None:
    """``got`` is ``expected`` within ``rel`` (relative) or ``abs_tol`` (absolute).

    ``expected`` may be a dict: then ``got`` must have the same keys (a dict, Series or
    one-column DataFrame) and each value must be close. ``hint`` names the likely
    mistake and is added to the message.
    """
    if isinstance(expected, Mapping):
        _assert_mapping(question, got, expected, rel, abs_tol, hint)
        return
    value = number(question, got)
    right = float(expected)
    if not is_close(value, right, rel, abs_tol):
        _fail(question, f"got {show(value)}, {how_far(value, right)}.", hint)


def assert_function(
    question: object,
    func: Callable[..., Any],
    cases: Sequence[tuple[tuple, Any]],
    *,
    rel: float = 1e-3,
    hint: str = "",
) -> None:
    """The learner's ``func`` gives ``expected`` for each ``(args, expected)`` case.

    Use fresh inputs (cases the learner never saw) so that a function that only
    returns the numbers of the example fails. A raised exception fails the test with
    the case's inputs; so does a result that is not a number.
    """
    if not callable(func):
        _fail(question, f"expected a function, got {describe(func)}.")
    for args, expected in cases:
        inputs = show_args(tuple(args))
        try:
            got = func(*args)
        except Exception as error:
            _fail(question, f"with ({inputs}) it raised {type(error).__name__}: {error}.", hint)
        try:
            right = to_number(expected)
        except NotANumber:  # a yes/no or a text answer: compared as it is
            if got != expected:
                _fail(question, f"with ({inputs}) it gave {got!r}, not the right one.", hint)
            continue
        try:
            value = to_number(got)
        except NotANumber:
            _fail(question, f"with ({inputs}) it gave {describe(got)}, not one number.", hint)
        if not is_close(value, right, rel):
            _fail(
                question, f"with ({inputs}) it gave {show(value)}, {how_far(value, right)}.", hint
            )
