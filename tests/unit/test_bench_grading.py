"""The grading benchmark's pieces that need no accounts: the synthetic class (graded by
the real nbgrader: right answers earn the source's points, wrong ones zero) and the
comparison of two gradebooks."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import bench_grading as bg
from support.nbgrader_runs import nbgrader_env, run_nbgrader

REPO = Path(__file__).resolve().parents[2]
SOURCE_DIR = REPO / "courses" / bg.COURSE / "source" / bg.ASSIGNMENT
SOURCE_NB = json.loads((SOURCE_DIR / f"{bg.NOTEBOOK}.ipynb").read_text())


def one_of_each() -> list[bg.Learner]:
    """A learner per way of answering a cell, every other cell answered with the
    instructor's solution; plus one who left every stub as it was."""
    answers = bg.solutions(SOURCE_NB)
    learners = []
    for cell_id, variants in bg.VARIANTS.items():
        for name, variant in [*variants.items(), ("blank", None)]:
            learner = bg.Learner(student=f"{cell_id[:12]}-{name}".replace("_", "-"), profile="")
            learner.answers = dict(answers)
            learner.right = dict.fromkeys(answers, True)
            if variant is None:
                del learner.answers[cell_id]
                learner.right[cell_id] = False
            else:
                learner.answers[cell_id] = variant.source
                learner.right[cell_id] = variant.right
            learners.append(learner)
    charted = bg.Learner(student="chart", profile="", chart=True)
    charted.answers = {**answers, "elasticities": answers["elasticities"] + bg.CHART}
    charted.right = dict.fromkeys(answers, True)
    blank = bg.Learner(student="blank", profile="")
    blank.right = dict.fromkeys(answers, False)
    return [*learners, charted, blank]


def nbgrader(course_dir: Path, env: dict, *args: str) -> None:
    run_nbgrader(course_dir, env, *args, timeout_s=900)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The learners above and a seeded class, submitted and graded by stock nbgrader."""
    root = tmp_path_factory.mktemp("bench-grading")
    course_dir = root / "course"
    shutil.copytree(SOURCE_DIR, course_dir / "source" / bg.ASSIGNMENT)
    shutil.copy(REPO / "courses" / bg.COURSE / "nbgrader_config.py", course_dir)
    env = nbgrader_env(root)
    nbgrader(course_dir, env, "generate_assignment", bg.ASSIGNMENT, "--force")
    released = json.loads(
        (course_dir / "release" / bg.ASSIGNMENT / f"{bg.NOTEBOOK}.ipynb").read_text()
    )
    learners = one_of_each() + bg.build_class(SOURCE_NB, 6, seed=3)
    data = [SOURCE_DIR / "orders.csv"]
    for learner in learners:
        body = nbformat.writes(nbformat.from_dict(bg.submission(released, learner.answers)))
        bg.write_submission(
            course_dir / "submitted", learner.student, body.encode(), data, learner.submitted_at
        )
    nbgrader(course_dir, env, "autograde", bg.ASSIGNMENT)
    return course_dir, learners


def test_each_way_of_answering_scores_as_it_claims(graded):
    course_dir, learners = graded
    scores = bg.gradebook_scores(course_dir / "gradebook.db")
    points = bg.grade_points(SOURCE_NB)
    assert points == {
        "test_revenue_rwf_by_channel": 2,
        "test_weekly_sales": 3,
        "test_elasticity": 2,
        "test_elasticities": 2,
        "test_best_prices": 3,
    }
    checked = 0
    for learner in learners:
        for grade_id, expected in learner.expected(points).items():
            got = scores[(learner.student, bg.NOTEBOOK, grade_id)]
            if expected is not None:
                assert got == expected, (learner.student, learner.answers, grade_id)
                checked += 1
    # Every learner of one_of_each has every cell's score known.
    assert checked >= len(one_of_each()) * len(points)


def test_right_wrong_and_blank_are_all_in_play(graded):
    course_dir, learners = graded
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course_id=bg.COURSE) as gb:
        totals = {
            learner.student: gb.find_submission(bg.ASSIGNMENT, learner.student).code_score
            for learner in learners
        }
    assert totals["chart"] == 12  # the solution with a chart: full marks
    assert totals["blank"] == 0
    assert sorted(set(totals.values()))[1:-1], "no partly right learner"
    # The learner who drew the chart has a chart in the graded notebook.
    autograded = course_dir / "autograded" / "chart" / bg.ASSIGNMENT / f"{bg.NOTEBOOK}.ipynb"
    outputs = [
        o for c in nbformat.read(autograded, as_version=4).cells for o in c.get("outputs", [])
    ]
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_the_class_is_a_seeded_mix():
    first = bg.build_class(SOURCE_NB, 60, seed=9)
    again = bg.build_class(SOURCE_NB, 60, seed=9)
    other = bg.build_class(SOURCE_NB, 60, seed=10)
    assert [(x.student, x.answers) for x in first] == [(x.student, x.answers) for x in again]
    assert [x.answers for x in first] != [x.answers for x in other]
    assert {x.profile for x in first} == {"strong", "partial", "weak"}
    assert 0 < sum(x.chart for x in first) < 60
    every_right = [x for x in first if all(x.right.values())]
    some_wrong = [x for x in first if not all(x.right.values()) and any(x.right.values())]
    assert every_right and some_wrong
    assert len({x.submitted_at for x in first}) > 1


def test_a_differing_score_is_reported_with_its_cell():
    stock = {
        ("a", "nb", "q1"): 2.0,
        ("a", "nb", "q2"): 0.0,
        ("b", "nb", "q1"): 2.0,
        ("b", "nb", "written"): None,
    }
    isoko = {
        ("a", "nb", "q1"): 2.0,
        ("a", "nb", "q2"): 3.0,
        ("b", "nb", "q1"): 2,
        ("b", "nb", "written"): None,
    }
    assert bg.compare_scores(stock, stock) == []
    assert bg.compare_scores(stock, isoko) == [
        {"student": "a", "notebook": "nb", "cell": "q2", "stock": 0.0, "isoko": 3.0}
    ]
    del isoko[("b", "nb", "q1")]
    assert bg.compare_scores(stock, isoko)[-1] == {
        "student": "b",
        "notebook": "nb",
        "cell": "q1",
        "stock": 2.0,
        "isoko": "missing",
    }


def test_summary_says_whether_scores_are_identical():
    same = bg.summarize(60, 2, 80.0, 20.0, [])
    assert same["ratio"] == 4.0 and same["identical_scores"] is True
    assert same["stock_notebooks_per_second"] == 0.75
    assert same["isoko_notebooks_per_second"] == 3.0
    diff = [{"student": "a", "notebook": "nb", "cell": "q", "stock": 1, "isoko": 0}]
    assert bg.summarize(60, 2, 80.0, 20.0, diff)["identical_scores"] is False


def test_phases_from_progress_samples():
    samples = [(0.5, 0), (1.0, 0), (3.0, 1), (3.5, 2), (5.0, 5), (5.5, 5)]
    assert bg.phases_from_samples(samples, 6.0) == {
        "until_first_s": 3.0,
        "steady_s_per_notebook": 0.5,
        "tail_s": 1.0,
    }
    assert bg.phases_from_samples([(1.0, 0)], 2.0)["until_first_s"] is None
