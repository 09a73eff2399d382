"""nbgrader tests accept any right answer, whatever its type, and name the mistake."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from isoko.checks.answers import assert_close, assert_function, mapping, number


@pytest.mark.parametrize(
    "value",
    [12, 12.0, np.int64(12), np.float64(12.0), np.array(12), np.array([12]), pd.Series([12])],
    ids=["int", "float", "int64", "float64", "0-d array", "1-element array", "1-element Series"],
)
def test_one_number_in_any_form_is_a_float(value):
    got = number(3, value)
    assert got == 12.0
    assert type(got) is float


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([1, 2, 3, 4], "Question 3: expected one number, got a list of 4"),
        (np.array([1.0, 2.0]), "Question 3: expected one number, got an array of 2"),
        (pd.Series([1, 2, 3]), "Question 3: expected one number, got a Series of 3"),
        ("12", 'Question 3: expected one number, got the text "12"'),
        (None, "Question 3: expected one number, got None"),
        (True, "Question 3: expected one number, got True"),
        (float("nan"), "Question 3: got nan"),
    ],
)
def test_anything_else_fails_naming_the_question_and_what_it_got(value, words):
    with pytest.raises(AssertionError) as failed:
        number(3, value)
    assert str(failed.value).startswith(words)


def test_a_named_question_keeps_its_name():
    with pytest.raises(AssertionError, match=r"^Question 2b: expected one number"):
        number("Question 2b", [1])


FEES = {"MTN MoMo": 0.5, "Airtel Money": 0.5}


@pytest.mark.parametrize(
    "value",
    [FEES, pd.Series(FEES), pd.DataFrame({"fee %": FEES})],
    ids=["dict", "Series", "one-column DataFrame"],
)
def test_a_table_of_values_in_any_form_is_a_dict(value):
    assert mapping(4, value) == FEES


def test_a_table_of_two_columns_or_a_list_is_not_a_mapping():
    with pytest.raises(AssertionError, match="Question 4: expected one column, got a table"):
        mapping(4, pd.DataFrame({"a": [1], "b": [2]}))
    with pytest.raises(AssertionError, match="Question 4: expected a dict or a Series"):
        mapping(4, [0.5, 0.5])


@pytest.mark.parametrize("got", [2500, 2500.4, np.float64(2500.0), pd.Series([2500])])
def test_close_enough_passes(got):
    assert_close(5, got, 2500)


def test_a_wrong_number_fails_with_direction_and_hint_but_not_the_answer():
    with pytest.raises(AssertionError) as failed:
        assert_close(5, 5000, 2500, hint="Is the fee 0.5% (since 2020), not 1%?")
    message = str(failed.value)
    assert message.startswith("Question 5: got 5,000, ")
    assert "much too high" in message
    assert "0.5% (since 2020)" in message
    assert "2,500" not in message and "2500" not in message


def test_a_small_absolute_tolerance_accepts_rounding_near_zero():
    assert_close(6, 0.004, 0.0, abs_tol=0.01)
    with pytest.raises(AssertionError, match="Question 6: got 0.1, too high"):
        assert_close(6, 0.1, 0.0, abs_tol=0.01)


def test_a_mapping_answer_is_compared_key_by_key():
    assert_close(7, pd.Series({"air": 1200.0, "sea": 300.0}), {"air": 1200, "sea": 300})
    with pytest.raises(AssertionError, match=r"Question 7: 'sea' is 3,000, about 10 times"):
        assert_close(7, {"air": 1200, "sea": 3000}, {"air": 1200, "sea": 300})
    with pytest.raises(AssertionError, match=r"Question 7: missing 'sea'"):
        assert_close(7, {"air": 1200}, {"air": 1200, "sea": 300})


def margin(price, cost):
    return (price - cost) / price


def test_a_right_function_passes_on_fresh_inputs():
    assert_function(8, margin, [((4000, 3000), 0.25), ((np.float64(10), 9), 0.1)])


def test_a_function_that_only_knows_the_example_fails_on_a_fresh_case():
    def memorised(price, cost):
        return 0.25

    with pytest.raises(AssertionError) as failed:
        assert_function(8, memorised, [((4000, 3000), 0.25), ((10, 9), 0.1)], hint="Use cost.")
    message = str(failed.value)
    assert message.startswith("Question 8: with (10, 9) it gave 0.25, ")
    assert "Use cost." in message


def test_a_function_that_raises_fails_with_its_inputs():
    with pytest.raises(AssertionError, match=r"Question 8: with \(0, 9\) it raised ZeroDivision"):
        assert_function(8, margin, [((0, 9), -1)])


def test_a_function_that_returns_nothing_or_is_not_a_function():
    with pytest.raises(AssertionError, match=r"with \(10, 9\) it gave None"):
        assert_function(8, lambda price, cost: None, [((10, 9), 0.1)])
    with pytest.raises(AssertionError, match="Question 8: expected a function, got the number 0.1"):
        assert_function(8, 0.1, [((10, 9), 0.1)])


def test_a_function_answering_yes_or_no_is_compared_as_is():
    assert_function(9, lambda stock, reorder: stock <= reorder, [((5, 10), True)])
    with pytest.raises(AssertionError, match=r"with \(5, 10\) it gave False"):
        assert_function(9, lambda stock, reorder: stock > reorder, [((5, 10), True)])
