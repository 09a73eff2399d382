"""Checks for a lesson's "Your turn" exercises: one plain line of feedback each.

A learner edits a ``...`` placeholder and runs the cell; the check prints

- ``✓ <name>: right.`` when the answer is right,
- ``✗ <name>: <what is wrong>`` otherwise (too high or too low and roughly by how much,
  and the hint of a typical mistake when the answer matches one),
- ``… <name>: replace ... with your answer and run the cell again.`` while the
  placeholder is still there, so a lesson runs top to bottom untouched.

The checks never raise (a lesson must not stop on a learner's mistake) and never print
the expected value (the learner would copy it instead of working it out). Each returns
whether the answer was right, as a :class:`Verdict`: true or false like a bool, but
shown as nothing when it ends a cell (a stray "False" under the feedback would puzzle a
learner).
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


class Verdict(int):
    """Whether an answer was right: ``if check_number(...)`` works, ``True == Verdict(1)``.

    A notebook shows nothing for it: the printed line is the feedback.
    """

    def __repr__(self) -> str:
        return repr(bool(self))

    def _ipython_display_(self) -> None:
        pass


YES, NO = Verdict(1), Verdict(0)
RIGHT = "✓"
WRONG = "✗"
WAITING = "…"


def _say(mark: str, name: str, message: str) -> None:
    print(f"{mark} {name}: {message}")


def _placeholder(name: str) -> Verdict:
    _say(WAITING, name, "replace ... with your answer and run the cell again.")
    return NO


def _could_not_check(name: str, error: Exception) -> Verdict:
    _say(WRONG, name, f"could not check this answer ({type(error).__name__}).")
    return NO


def check_number(
    name: str,
    answer: Any,
    expected: float,
    *,
    rel: float = 0.01,
    unit: str = "",
    mistakes: Mapping[float, str] | None = None,
) -> Verdict:
    """Print whether ``answer`` is within ``rel`` (relative) of ``expected``.

    ``unit`` names what the number is in (e.g. "RWF"), for the message when the answer
    is not a number. ``mistakes`` maps the value a typical mistake gives to a hint.
    """
    if answer is Ellipsis:
        return _placeholder(name)
    try:
        try:
            got = to_number(answer)
        except NotANumber as error:
            wanted = f" in {unit}" if unit else ""
            _say(WRONG, name, f"{error}. Give one number{wanted}.")
            return NO
        if is_close(got, float(expected), rel):
            _say(RIGHT, name, "right.")
            return YES
        message = f"{show(got)} is {how_far(got, float(expected))}."
        for wrong, hint in (mistakes or {}).items():
            if is_close(got, float(wrong), rel):
                message += f" {hint}"
                break
        _say(WRONG, name, message)
        return NO
    except Exception as error:  # a check in a lesson never stops the lesson
        return _could_not_check(name, error)


def _same(got: Any, expected: Any, rel: float) -> Verdict:
    try:
        expected_number = to_number(expected)
    except NotANumber:
        return got == expected
    try:
        return is_close(to_number(got), expected_number, rel)
    except NotANumber:
        return NO


def _what_came_back(got: Any, expected: Any) -> str:
    try:
        number = to_number(got)
        return f"gave {show(number)}, {how_far(number, to_number(expected))}"
    except NotANumber:
        if isinstance(got, int | float | str) and not isinstance(got, bool):
            return f"gave {got!r}, which is not right"
        return f"gave {describe(got)}"


def check_function(
    name: str,
    func: Callable[..., Any],
    cases: Sequence[tuple[tuple, Any]],
    *,
    rel: float = 0.01,
    hint: str = "",
) -> Verdict:
    """Call ``func(*args)`` for each ``(args, expected)`` and report the first miss.

    The message shows that case's inputs and what came back (never the expected value);
    an exception raised by ``func`` is reported, not raised.
    """
    if func is Ellipsis:
        return _placeholder(name)
    tail = f" {hint}" if hint else ""
    if not callable(func):
        _say(WRONG, name, f"expected a function, got {describe(func)}.{tail}")
        return NO
    try:
        for args, expected in cases:
            inputs = show_args(tuple(args))
            try:
                got = func(*args)
            except Exception as error:
                _say(WRONG, name, f"with ({inputs}) it raised {type(error).__name__}: {error}.")
                return NO
            if got is Ellipsis:
                return _placeholder(name)
            if not _same(got, expected, rel):
                _say(WRONG, name, f"with ({inputs}) it {_what_came_back(got, expected)}.{tail}")
                return NO
        _say(RIGHT, name, "right.")
        return YES
    except Exception as error:
        return _could_not_check(name, error)


def _normal(option: Any) -> Any:
    return option.strip().lower() if isinstance(option, str) else option


def check_choice(
    name: str,
    answer: Any,
    correct: Any,
    *,
    why: Mapping[Any, str] | None = None,
) -> Verdict:
    """Print whether the chosen option is ``correct``, with ``why[answer]`` if given.

    Text options are compared without case or surrounding spaces ("B " is "b").
    """
    if answer is Ellipsis:
        return _placeholder(name)
    try:
        reasons = {_normal(option): text for option, text in (why or {}).items()}
        chosen = _normal(answer)
        reason = reasons.get(chosen, "")
        if chosen == _normal(correct):
            _say(RIGHT, name, f"right. {reason}".rstrip())
            return YES
        if reasons and chosen not in reasons:
            options = ", ".join(str(option) for option in (why or {}))
            _say(WRONG, name, f"{answer!r} is not an option. Choose one of: {options}.")
            return NO
        _say(WRONG, name, f"not this one. {reason or 'Read the question again.'}".rstrip())
        return NO
    except Exception as error:
        return _could_not_check(name, error)
