"""The progress app's numbers, against a small class worked out by hand.

Four learners are enrolled (ama, bosco, chantal, didier); eric submitted once and has
left the course. Two assignments: a01 (questions q1 worth 2, w1 worth 2, a written
answer) and a02 (q1 worth 1.5).

- a01: ama 2 / 2, bosco 0 / None (written answer not graded yet), eric 2 / 1.
- a02: ama 1.5.

By hand: a01 submitted by 2 of 4 (chantal and didier missing; eric does not count),
a02 by 1 of 4. a01 q1: 0 points 1 (bosco), 1 point 0, 2 points 1 (ama); mean 1.
a01 w1: 2 points 1 (ama), 1 not graded (bosco). a02 q1: 0 0, 1 0, 1.5 1. Not started:
chantal and didier.
"""

from __future__ import annotations

import pytest

from isoko.courses.progress import (
    Gradebook,
    Question,
    Submission,
    enrolled_from,
    not_started,
    score_distributions,
    score_levels,
    submissions_per_assignment,
)

ENROLLED = ["didier", "ama", "chantal", "bosco"]
A01_Q1 = Question("a01", "nb", "q1", 2)
A01_W1 = Question("a01", "nb", "w1", 2)
A02_Q1 = Question("a02", "nb2", "q1", 1.5)
BOOK = Gradebook(
    assignments=["a01", "a02"],
    questions=[A01_Q1, A01_W1, A02_Q1],
    submissions=[
        Submission("a01", "ama", {"nb: q1": 2, "nb: w1": 2}),
        Submission("a01", "bosco", {"nb: q1": 0, "nb: w1": None}),
        Submission("a01", "eric", {"nb: q1": 2, "nb: w1": 1}),
        Submission("a02", "ama", {"nb2: q1": 1.5}),
    ],
)


def test_submissions_per_assignment_count_the_class_as_it_is():
    a01, a02 = submissions_per_assignment(BOOK, ENROLLED)
    assert (a01.assignment, a01.submitted, a01.enrolled) == ("a01", 2, 4)
    assert a01.missing == ["chantal", "didier"]
    assert a01.share_submitted == 0.5
    assert (a02.submitted, a02.missing) == (1, ["bosco", "chantal", "didier"])


def test_score_distribution_per_question():
    q1, w1, late = score_distributions(BOOK, ENROLLED)
    assert q1.question == A01_Q1
    assert q1.counts == {0.0: 1, 1.0: 0, 2.0: 1}
    assert (q1.graded, q1.ungraded, q1.mean_points) == (2, 0, 1.0)
    assert w1.counts == {0.0: 0, 1.0: 0, 2.0: 1}
    assert (w1.graded, w1.ungraded, w1.mean_points) == (1, 1, 2.0)
    assert late.counts == {0.0: 0, 1.0: 0, 1.5: 1}


def test_a_question_nobody_answered_has_no_mean():
    book = Gradebook(["a01"], [A01_Q1], [])
    (dist,) = score_distributions(book, ENROLLED)
    assert dist.counts == {0.0: 0, 1.0: 0, 2.0: 0}
    assert dist.mean_points is None


def test_a_partial_score_gets_its_own_bar():
    book = Gradebook(["a01"], [A01_Q1], [Submission("a01", "ama", {"nb: q1": 0.5})])
    (dist,) = score_distributions(book, ["ama"])
    assert dist.counts == {0.0: 0, 0.5: 1, 1.0: 0, 2.0: 0}


def test_learners_who_have_not_started():
    assert not_started(BOOK, ENROLLED) == ["chantal", "didier"]
    assert not_started(BOOK, []) == []


@pytest.mark.parametrize(
    ("max_points", "levels"), [(2, [0.0, 1.0, 2.0]), (1.5, [0.0, 1.0, 1.5]), (0, [0.0])]
)
def test_score_levels(max_points, levels):
    assert score_levels(max_points) == levels


def test_enrolment_comes_from_the_hub_group_when_it_answers():
    assert enrolled_from(["b", "a"], ["a", "c"]) == ["a", "b"]
    assert enrolled_from(None, ["c", "a"]) == ["a", "c"]
    assert enrolled_from([], ["a"]) == []


def test_read_from_a_real_gradebook_a_grade_nobody_gave_is_not_zero(tmp_path, monkeypatch):
    import os
    import sys
    from pathlib import Path

    from nbgrader.api import Gradebook as NbgraderGradebook

    from isoko.courses.progress import read_gradebook

    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    )
    with NbgraderGradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "pricing") as gb:
        gb.add_assignment("a01")
        gb.add_notebook("nb", "a01")
        gb.add_grade_cell("q1", "nb", "a01", max_score=2, cell_type="code")
        gb.add_grade_cell("w1", "nb", "a01", max_score=2, cell_type="markdown")
        gb.add_student("ama")
        gb.add_submission("a01", "ama")
        gb.find_grade("q1", "nb", "a01", "ama").auto_score = 2
        gb.db.commit()
        book = read_gradebook(gb)
    assert book.assignments == ["a01"]
    assert [q.label for q in book.questions] == ["nb: q1", "nb: w1"]
    assert book.submissions == [Submission("a01", "ama", {"nb: q1": 2.0, "nb: w1": None})]
