"""The tourism course's assignments: points, rubrics, and hidden tests that accept any
right answer and name the question and the mistake for a wrong one.

The test cells run here in-process, on answers a learner could give, so each case is
fast; `isoko course check tourism` runs the same notebooks through nbgrader.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from nbgrader.nbgraderformat import MetadataValidator

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "courses" / "tourism"
A01 = COURSE / "source" / "a01-tour-prices" / "tour-prices.ipynb"
A02 = COURSE / "source" / "a02-seasons-from-bookings" / "seasons-from-bookings.ipynb"


def cells_by_id(path: Path) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(path, as_version=4)
    return {c.metadata.nbgrader["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def run_test(path: Path, grade_id: str, answers: dict, *, setup: bool = False) -> None:
    """Run one test cell, hidden tests included, on the learner's ``answers``."""
    cells = cells_by_id(path)
    namespace: dict = {}
    if setup:
        exec(cells["setup"].source, namespace)
    namespace.update(answers)
    exec(cells[grade_id].source, namespace)


def solution(path: Path, grade_id: str, namespace: dict) -> dict:
    exec(cells_by_id(path)[grade_id].source, namespace)
    return namespace


@pytest.mark.parametrize("path", [A01, A02], ids=["a01", "a02"])
def test_points_and_rubrics_match_course_yaml(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    meta = yaml.safe_load((COURSE / "course.yaml").read_text())
    entry = next(a for a in meta["assignments"] if a["notebooks"] == [path.stem])
    auto = manual = 0
    for index, cell in enumerate(nb.cells):
        grading = cell.metadata.get("nbgrader", {})
        if not grading.get("grade"):
            continue
        if cell.cell_type == "code":
            auto += grading["points"]
            continue
        manual += grading["points"]
        question = nb.cells[index - 1].source
        rubric = re.search(r"\*\*Rubric \((\d+) points\)\*\*", question)
        assert rubric and int(rubric.group(1)) == grading["points"]
        bullets = re.findall(r"^- (\d+) point: ", question, re.MULTILINE)
        assert sum(map(int, bullets)) == grading["points"]
    assert {"auto": auto, "manual": manual} == entry["points"]


def test_the_instructor_guide_is_not_published():
    from isoko.courses.catalog import LEARNER_FOLDERS

    assert (COURSE / "instructor-guide.md").is_file()
    for folder in LEARNER_FOLDERS:
        assert not list((COURSE / folder).rglob("instructor-guide*"))


# --- a01 ------------------------------------------------------------------------------


def test_a01_accepts_numpy_answers_and_the_solution():
    run_test(A01, "test_fill_price_rwf", {"fill_price_rwf": np.float64(178_935.2)})
    run_test(A01, "test_fill_price_rwf", {"fill_price_rwf": np.array(178_935.2)})
    run_test(A01, "test_expected_payout_rwf", {"expected_payout_rwf": np.int64(4_464_000)})
    namespace = solution(A01, "list_price_usd", {})
    run_test(A01, "test_list_price_usd", namespace)


def test_a01_adding_the_commission_fails_question_2_with_its_mistake():
    def list_price_usd(payout_usd, commission_rate):
        return payout_usd * (1 + commission_rate)

    with pytest.raises(AssertionError, match=r"Question 2: .*Divide by \(1 - commission\)"):
        run_test(A01, "test_list_price_usd", {"list_price_usd": list_price_usd})


def test_a01_a_function_that_only_knows_the_example_fails_the_hidden_cases():
    def payout_rwf(price_usd, guests, commission_rate, rwf_per_usd):
        return 233_760

    with pytest.raises(AssertionError, match="Question 1: with"):
        run_test(A01, "test_payout_rwf", {"payout_rwf": payout_rwf})


def test_a01_a_list_where_one_number_is_asked_is_named():
    with pytest.raises(AssertionError, match="Question 4: expected one number"):
        run_test(A01, "test_expected_payout_rwf", {"expected_payout_rwf": [1, 2, 3, 4]})


# --- a02 ------------------------------------------------------------------------------


@pytest.fixture
def a02(monkeypatch):
    """The setup cell's namespace with every solution run, in the assignment's folder."""
    monkeypatch.chdir(A02.parent)
    namespace: dict = {}
    cells = cells_by_id(A02)
    exec(cells["setup"].source, namespace)
    for grade_id in (
        "asked_per_day",
        "cancel_rate",
        "elasticity_two_prices",
        "average_elasticity",
        "peak_fill_price_usd",
    ):
        exec(cells[grade_id].source, namespace)
    return namespace


def test_a02_solution_passes_and_a_dict_is_as_good_as_a_series(a02):
    for grade_id in (
        "test_asked_per_day",
        "test_cancel_rate",
        "test_elasticity_two_prices",
        "test_average_elasticity",
        "test_peak_fill_price_usd",
    ):
        exec(cells_by_id(A02)[grade_id].source, dict(a02))
    as_dict = dict(a02, asked_per_day=a02["asked_per_day"].to_dict())
    exec(cells_by_id(A02)["test_asked_per_day"].source, as_dict)
    as_frame = dict(a02, cancel_rate=a02["cancel_rate"].to_frame("rate"))
    exec(cells_by_id(A02)["test_cancel_rate"].source, as_frame)


def test_a02_counting_only_honoured_guests_is_named(a02):
    bookings, days = a02["bookings"], a02["days"]
    came = bookings[bookings["status"] == "honoured"]
    wrong = came.groupby("season")["guests"].sum() / days.groupby("season").size()
    with pytest.raises(AssertionError, match="Question 1: .*not only honoured"):
        exec(cells_by_id(A02)["test_asked_per_day"].source, dict(a02, asked_per_day=wrong))


def test_a02_turned_away_bookings_in_the_cancel_rate_are_named(a02):
    bookings = a02["bookings"]
    wrong = (bookings["status"] == "cancelled").groupby(bookings["season"]).mean()
    with pytest.raises(AssertionError, match="Question 2: .*turned-away"):
        exec(cells_by_id(A02)["test_cancel_rate"].source, dict(a02, cancel_rate=wrong))


def test_a02_a_wrong_function_does_not_cost_the_later_questions(a02):
    def upside_down(p1, q1, p2, q2):
        return np.log(p2 / p1) / np.log(q2 / q1)

    learner = dict(a02, elasticity_two_prices=upside_down)
    with pytest.raises(AssertionError, match="Question 3"):
        exec(cells_by_id(A02)["test_elasticity_two_prices"].source, dict(learner))
    # Question 4 and 5 done right with the wrong function still earn their points.
    exec(cells_by_id(A02)["average_elasticity"].source, learner)
    exec(cells_by_id(A02)["peak_fill_price_usd"].source, learner)
    assert learner["average_elasticity"] != pytest.approx(a02["average_elasticity"], rel=0.01)
    exec(cells_by_id(A02)["test_average_elasticity"].source, dict(learner))
    exec(cells_by_id(A02)["test_peak_fill_price_usd"].source, dict(learner))


def test_a02_a_wrong_average_is_caught_with_its_question(a02):
    wrong = dict(a02, average_elasticity=np.float64(-2.0))
    with pytest.raises(AssertionError, match="Question 4: -2.000 is not the average"):
        exec(cells_by_id(A02)["test_average_elasticity"].source, wrong)
    whole_season = a02["asked_per_day"]["long dry"]
    e = a02["average_elasticity"]
    wrong_price = 110 * (6 / whole_season) ** (1 / e)
    learner = dict(a02, peak_fill_price_usd=pd.Series([wrong_price]))
    with pytest.raises(AssertionError, match="Question 5: .*demand at USD 110"):
        exec(cells_by_id(A02)["test_peak_fill_price_usd"].source, learner)
