"""The selling course's assignment tests accept any right answer and reject wrong ones.

The test cells of each source notebook (visible and hidden parts together) run here on
answers written in other ways than the instructor's: numpy numbers, 0-d arrays, a
Series or a one-column table where a mapping is asked, functions written differently.
One wrong answer per question must fail with a message that names the question.
"""

import os
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "courses" / "selling-online" / "source"
A01 = SOURCE / "a01-channels-and-customers" / "channels-and-customers.ipynb"
A02 = SOURCE / "a02-livestream-sale-log" / "livestream-sale-log.ipynb"


def graded_test_cells(path):
    """grade_id -> source of each autograded test cell (hidden tests included)."""
    cells = nbformat.read(path, as_version=4).cells
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    }


def run_test(path, grade_id, answers_ns):
    """Run one test cell in the assignment's folder with the learner's answers."""
    namespace = dict(answers_ns)
    here = os.getcwd()
    os.chdir(path.parent)
    try:
        exec(compile(graded_test_cells(path)[grade_id], grade_id, "exec"), namespace)
    finally:
        os.chdir(here)


# a01: right answers written another way -------------------------------------------


def yearly_profit_np(price_rwf, unit_cost_rwf, fee_rate, fixed_per_year_rwf, units):
    margins = np.full(int(units), price_rwf - price_rwf * fee_rate - unit_cost_rwf)
    return np.float64(margins.sum() - fixed_per_year_rwf)


def funnel_orders_np(visitors, step_rates):
    return np.prod(np.asarray(step_rates, dtype=float)) * visitors


def cost_per_customer_np(cost_per_click, step_rates):
    share = np.prod(step_rates)
    if share == 0:
        raise ValueError("no customer")
    return np.array(cost_per_click / share)  # a 0-d array


def lifetime_value_np(margin_per_order, retention_rate):
    if retention_rate < 0 or retention_rate >= 1:
        raise ValueError("retention")
    return np.float32(margin_per_order) / np.float32(1 - retention_rate)


A01_RIGHT = {
    "yearly_profit": yearly_profit_np,
    "funnel_orders": funnel_orders_np,
    "cost_per_customer": cost_per_customer_np,
    "lifetime_value": lifetime_value_np,
    "max_cost_per_click": np.int64(141),
}


@pytest.mark.parametrize("grade_id", sorted(graded_test_cells(A01)))
def test_a01_accepts_right_answers_in_other_types(grade_id):
    run_test(A01, grade_id, A01_RIGHT)


@pytest.mark.parametrize("click", [141.0, np.float64(141), np.array(141), pd.Series([141])])
def test_a01_q5_accepts_any_one_number(click):
    run_test(A01, "test_max_cost_per_click", {"max_cost_per_click": click})


A01_WRONG = [
    # (grade_id, the wrong answer, words the message must hold)
    (
        "test_yearly_profit",
        {"yearly_profit": lambda p, c, f, fixed, n: n * (p * f - c) - fixed},
        "Question 1",
    ),
    ("test_funnel_orders", {"funnel_orders": lambda v, s: v * sum(s)}, "Multiply the visitors"),
    ("test_cost_per_customer", {"cost_per_customer": lambda c, s: c / s[0]}, "Question 3"),
    ("test_lifetime_value", {"lifetime_value": lambda m, r: m * (1 - r)}, "(1 - retention"),
    ("test_max_cost_per_click", {"max_cost_per_click": 142}, "Round down"),
    ("test_max_cost_per_click", {"max_cost_per_click": [141, 142]}, "one number"),
]


@pytest.mark.parametrize(("grade_id", "wrong", "words"), A01_WRONG)
def test_a01_rejects_a_wrong_answer_naming_the_question(grade_id, wrong, words):
    with pytest.raises(AssertionError) as failure:
        run_test(A01, grade_id, wrong)
    message = str(failure.value)
    assert message.startswith("Question "), message
    assert words in message


def test_a01_fresh_inputs_catch_a_function_that_only_knows_the_example():
    def copied(price_rwf, unit_cost_rwf, fee_rate, fixed_per_year_rwf, units):
        return -1_490_000 if units == 1_000 else 11_000

    with pytest.raises(AssertionError, match="Question 1"):
        run_test(A01, "test_yearly_profit", {"yearly_profit": copied})


# a02 ----------------------------------------------------------------------------------


def broken(*args):
    raise NotImplementedError


def orders_per_minute_dict(log, minutes):
    counts = {m: 0 for m in range(minutes)}
    for minute in log["minute"]:
        if minute < minutes:
            counts[int(minute)] += 1
    return counts


def revenue_table(log):
    amount = log.assign(rwf=log["packs"] * log["price_rwf"])
    return amount.groupby("payment")[["rwf"]].sum()  # a one-column DataFrame


def momopay_fee_np(amount_rwf):
    return np.where(amount_rwf > 4_000, 0.005 * amount_rwf, 0.0)[()]


A02_RIGHT = {
    "paid_only": lambda log: log.query("status == 'paid'").copy(),
    "orders_per_minute": orders_per_minute_dict,
    "revenue_by_payment": revenue_table,
    "momopay_fee": momopay_fee_np,
    "busiest_minute": np.int64(43),
    "busiest_orders": np.float64(16),
    "merchant_fees_rwf": pd.Series([7_918.5]),
}


@pytest.mark.parametrize("grade_id", sorted(graded_test_cells(A02)))
def test_a02_accepts_right_answers_in_other_types(grade_id):
    run_test(A02, grade_id, A02_RIGHT)


def test_a02_later_questions_do_not_need_the_earlier_functions():
    answers = {**A02_RIGHT, "paid_only": broken, "orders_per_minute": broken}
    answers.update(revenue_by_payment=broken, momopay_fee=broken)
    for grade_id in ("test_busiest", "test_merchant_fees"):
        run_test(A02, grade_id, answers)


A02_WRONG = [
    ("test_paid_only", {"paid_only": lambda log: log}, "paid"),
    (
        "test_orders_per_minute",
        {"orders_per_minute": lambda log, m: log.groupby("minute").size()},
        "Question 2",
    ),
    (
        "test_revenue_by_payment",
        {"revenue_by_payment": lambda log: log.groupby("payment")["packs"].sum()},
        "Question 3",
    ),
    ("test_momopay_fee", {"momopay_fee": lambda a: 0.05 * a if a > 4_000 else 0}, "0.005"),
    ("test_busiest", {"busiest_minute": 43, "busiest_orders": 15}, "paid or cancelled"),
    ("test_merchant_fees", {"merchant_fees_rwf": 8_835.5}, "paid orders only"),
    ("test_merchant_fees", {"merchant_fees_rwf": 10_570.0}, "Airtel"),
]


@pytest.mark.parametrize(("grade_id", "wrong", "words"), A02_WRONG)
def test_a02_rejects_a_wrong_answer_naming_the_question(grade_id, wrong, words):
    with pytest.raises(AssertionError) as failure:
        run_test(A02, grade_id, wrong)
    message = str(failure.value)
    assert message.startswith("Question "), message
    assert words in message


def test_every_hand_graded_answer_has_a_rubric_worth_its_points():
    for path in (A01, A02):
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("grade"):
                question = cells[i - 1].source
                assert f"**Rubric ({meta['points']} points)**" in question
                bullets = [line for line in question.splitlines() if line.startswith("- ")]
                points = [int(b.split()[1]) for b in bullets if b.split()[2:3] == ["point:"]]
                assert sum(points) == meta["points"]
