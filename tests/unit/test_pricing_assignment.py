"""The pricing course's nbgrader assignment, through the real nbgrader commands.

Everything happens in a temporary course directory with a fake home and blank
Jupyter config, so the developer's own configuration never leaks in.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator

from support.notebooks import isolated_jupyter_env

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "a01-pricing-basics"
NOTEBOOK = "pricing-basics"
SOURCE = REPO / "courses" / "pricing" / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
AUTO_TESTS = {"test_seller_keeps_rwf": 2, "test_best_price_rwf": 2, "test_break_even_packs": 2}
WRITTEN = {"written_exchange_rate": 2}


def nbgrader_cells(nb):
    return [c for c in nb.cells if "nbgrader" in c.metadata]


def test_source_metadata_is_valid_and_points_add_up():
    nb = nbformat.read(SOURCE, as_version=4)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    auto, manual = {}, {}
    for cell in nbgrader_cells(nb):
        meta = cell.metadata.nbgrader
        assert meta["schema_version"] == 3
        assert set(meta) >= {"grade", "solution", "locked", "grade_id", "task"}
        if meta["grade"] and cell.cell_type == "code":
            assert meta["locked"] and not meta["solution"]
            auto[meta["grade_id"]] = meta["points"]
        elif meta["grade"]:
            assert cell.cell_type == "markdown" and meta["solution"]
            manual[meta["grade_id"]] = meta["points"]
    assert auto == AUTO_TESTS and sum(auto.values()) == 6
    assert manual == WRITTEN and sum(manual.values()) == 2
    header = nb.cells[0]
    assert header.metadata.nbgrader["locked"] and not header.metadata.nbgrader["grade"]
    assert "Assignments" in header.source and "Validate" in header.source
    assert "Submit" in header.source


def test_every_question_states_its_points():
    nb = nbformat.read(SOURCE, as_version=4)
    questions = [c.source for c in nb.cells if c.source.startswith("## Question")]
    assert len(questions) == 4
    assert all("(2 points" in q.splitlines()[0] for q in questions)


def test_graded_answers_do_not_use_widgets():
    nb = nbformat.read(SOURCE, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "ipywidgets" not in code and "isoko.sims" not in code


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with the assignment generated and two submissions graded."""
    root = tmp_path_factory.mktemp("pricing-course")
    course_dir = root / "course"
    (course_dir / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOURCE, course_dir / "source" / ASSIGNMENT)
    (course_dir / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course_dir)!r}\n"
        "c.CourseDirectory.course_id = 'pricing'\n"
        "c.ExecutePreprocessor.timeout = 60\n"
    )
    env = {
        # nbgrader runs the database migration tool (alembic) from PATH: put this
        # environment's scripts first, as activating it would.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        **isolated_jupyter_env(root),
        "LANG": "C.UTF-8",
    }

    def nbgrader(*args):
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=course_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"nbgrader {args} failed:\n{done.stdout}\n{done.stderr}"
        return done

    nbgrader("generate_assignment", ASSIGNMENT, "--force")
    released = course_dir / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"

    # The instructor's own solution, and the released notebook handed in untouched.
    for student, notebook in (("instructor", SOURCE), ("blank", released)):
        folder = course_dir / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{NOTEBOOK}.ipynb")
    nbgrader("autograde", ASSIGNMENT, "--force")
    return course_dir


def test_release_has_no_solutions_or_hidden_tests(course):
    released = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    text = released.read_text()
    for secret in (
        "### BEGIN SOLUTION",
        "### END SOLUTION",
        "### BEGIN HIDDEN TESTS",
        "break_even_packs == 1285",  # a hidden test
        "math.ceil(12_180_000",  # part of a solution
        "USD 9.42",  # the model written answer
    ):
        assert secret not in text, secret
    nb = nbformat.read(released, as_version=4)
    stubs = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert sum("raise NotImplementedError()" in s for s in stubs) == 3
    assert sum("YOUR ANSWER HERE" in s for s in stubs) == 1
    # the visible tests stay, so Validate can help the learner
    assert "seller_keeps_rwf(10, 1461, 0.05, 0.01)" in text


def grades(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="pricing") as gb:
        nb = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
        by_id = {
            grade_id: gb.find_grade(grade_id, NOTEBOOK, ASSIGNMENT, student)
            for grade_id in [*AUTO_TESTS, *WRITTEN]
        }
        return (
            {
                "code_score": nb.code_score,
                "max_code_score": nb.max_code_score,
                "written_max": nb.max_written_score,
                "needs_manual_grade": nb.needs_manual_grade,
            },
            {gid: (g.auto_score, g.max_score) for gid, g in by_id.items()},
        )


def test_instructor_solution_earns_all_autograded_points(course):
    totals, by_id = grades(course, "instructor")
    assert totals["code_score"] == 6 and totals["max_code_score"] == 6
    assert totals["written_max"] == 2
    for grade_id, points in AUTO_TESTS.items():
        assert by_id[grade_id] == (points, points)
    # the written answer waits for a person
    assert by_id["written_exchange_rate"] == (None, 2)
    assert totals["needs_manual_grade"]


def test_blank_submission_scores_zero_without_crashing(course):
    totals, by_id = grades(course, "blank")
    assert totals["code_score"] == 0 and totals["max_code_score"] == 6
    for grade_id in AUTO_TESTS:
        assert by_id[grade_id] == (0, AUTO_TESTS[grade_id])
    autograded = course / "autograded" / "blank" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(autograded, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert any(e.ename == "NotImplementedError" for e in errors)
