"""A lesson's "Your turn" checks: one plain line each, never a crash, never the answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from isoko.checks.self_check import check_choice, check_function, check_number

# 1,234.5 RWF written in every form a learner's code may give it.
SAME_NUMBER = [
    1234.5,
    np.float64(1234.5),
    np.array(1234.5),
    np.array([1234.5]),
    pd.Series([1234.5]),
]


def said(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one line of feedback, got {out!r}"
    return out.strip()


@pytest.mark.parametrize("answer", SAME_NUMBER, ids=lambda v: type(v).__name__)
def test_a_right_number_in_any_form_is_right(answer, capsys):
    assert check_number("the fee", answer, 1234.5)
    assert said(capsys) == "✓ the fee: right."


@pytest.mark.parametrize("answer", [1234, np.int64(1234)], ids=["int", "int64"])
def test_a_whole_number_within_the_tolerance_is_right(answer, capsys):
    assert check_number("the fee", answer, 1234.5)
    assert said(capsys) == "✓ the fee: right."


def test_the_placeholder_asks_for_an_answer_without_judging_it(capsys):
    assert not check_number("the fee", ..., 500)
    assert said(capsys) == "… the fee: replace ... with your answer and run the cell again."


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (520, "a little too high"),
        (480, "a little too low"),
        (700, "too high"),
        (1200, "much too high"),
        (100, "much too low"),
        (50_000, "100 times too high"),
        (-500, "wrong sign"),
    ],
)
def test_a_wrong_number_says_which_way_and_roughly_how_far(answer, words, capsys):
    assert not check_number("the fee", answer, 500)
    line = said(capsys)
    assert line.startswith("✗ the fee: ")
    assert words in line


def test_too_high_is_not_called_low(capsys):
    check_number("x", 700, 500)
    assert "low" not in said(capsys)
    check_number("x", 300, 500)
    assert "high" not in said(capsys)


def test_a_typical_mistake_gets_its_hint(capsys):
    mistakes = {5000: "Did you use 1% instead of 0.5%?", 250: "Fee on half the order?"}
    assert not check_number("MoMo fee", 5000, 2500, unit="RWF", mistakes=mistakes)
    line = said(capsys)
    assert "Did you use 1% instead of 0.5%?" in line
    assert "half" not in line


def test_a_value_that_is_not_a_number_is_named(capsys):
    assert not check_number("the fee", [1, 2, 3, 4], 500, unit="RWF")
    line = said(capsys)
    assert "a list of 4" in line
    assert "RWF" in line
    check_number("the fee", "500", 500)
    assert 'the text "500"' in said(capsys)


@pytest.mark.parametrize(
    "answer", [520, 700, 1.3e6, -7, "x", [1], None, float("nan"), True, 5000, ...]
)
def test_the_expected_value_is_never_printed(answer, capsys):
    expected = 4321.0
    check_number("q", answer, expected, mistakes={5000: "A mistake."})
    check_function("f", lambda x: answer, [((1,), expected)], hint="Think again.")
    out = capsys.readouterr().out
    for form in ("4321", "4,321", "4.321e"):
        assert form not in out


def test_a_check_never_raises_even_on_a_strange_answer(capsys):
    class Odd:
        size = 1

        def item(self):
            raise RuntimeError("boom")

    assert not check_number("q", Odd(), 3)
    assert said(capsys).startswith("✗ q:")


def test_a_right_function_is_right(capsys):
    def fee(amount, rate):
        return amount * rate

    cases = [((1000, 0.05), 50), ((20_000, 0.005), 100)]
    assert check_function("fee()", fee, cases)
    assert said(capsys) == "✓ fee(): right."


def test_a_function_wrong_on_one_case_shows_that_case_and_what_came_back(capsys):
    def fee(amount, rate):
        return amount * rate if amount < 10_000 else 0

    cases = [((1000, 0.05), 50), ((20_000, 0.005), 100)]
    assert not check_function("fee()", fee, cases, hint="Big orders pay too.")
    line = said(capsys)
    assert "(20000, 0.005)" in line
    assert "gave 0" in line
    assert "Big orders pay too." in line
    assert "(1000, 0.05)" not in line


def test_a_function_that_raises_is_reported_not_raised(capsys):
    def margin(price, cost):
        return (price - cost) / price

    assert not check_function("margin()", margin, [((0, 10), -1)])
    line = said(capsys)
    assert "ZeroDivisionError" in line
    assert "(0, 10)" in line


def test_a_function_that_returns_nothing_is_told_so(capsys):
    def fee(amount):
        amount * 0.01  # noqa: B018 - the missing return is the learner's mistake

    check_function("fee()", fee, [((100,), 1)])
    assert "None" in said(capsys)


def test_a_function_still_a_placeholder_or_not_a_function(capsys):
    assert not check_function("fee()", ..., [((1,), 1)])
    assert said(capsys).startswith("… fee():")
    assert not check_function("fee()", 42, [((1,), 1)])
    assert "expected a function" in said(capsys)


def test_a_choice_right_wrong_unknown_and_placeholder(capsys):
    why = {"a": "Air is fast but dear.", "b": "Sea is cheaper for 1 t."}
    assert check_choice("mode", " B", "b", why=why)
    assert said(capsys) == "✓ mode: right. Sea is cheaper for 1 t."
    assert not check_choice("mode", "a", "b", why=why)
    assert said(capsys) == "✗ mode: not this one. Air is fast but dear."
    assert not check_choice("mode", "c", "b", why=why)
    assert "Choose one of: a, b" in said(capsys)
    assert not check_choice("mode", ..., "b", why=why)
    assert said(capsys).startswith("… mode:")


def test_a_choice_without_reasons(capsys):
    assert not check_choice("yes or no", False, True)
    assert said(capsys) == "✗ yes or no: not this one. Read the question again."


@pytest.mark.parametrize("answer", [520, 50_000, [1, 2], "abc", ...])
def test_every_message_fits_a_phone(answer, capsys):
    check_number("the MoMo fee on a big order", answer, 500, unit="RWF")
    assert len(said(capsys)) <= 110


def test_the_verdict_is_a_truth_value_that_a_notebook_does_not_show(capsys):
    right = check_number("x", 2, 2)
    wrong = check_number("x", 3, 2)
    capsys.readouterr()
    assert right == True and wrong == False  # noqa: E712 - compared as a bool would be
    assert repr(right) == "True" and repr(wrong) == "False"
    # IPython calls _ipython_display_ instead of printing "Out: False" under the feedback.
    assert right._ipython_display_() is None
    assert capsys.readouterr().out == ""
