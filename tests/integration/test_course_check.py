"""`isoko course check` passes a good course and catches each broken rule once.

The fixture course ``tests/fixtures/courses/tiny`` passes every check; each test
copies it and breaks exactly one rule, then expects the report to name it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from isoko.courses import check

pytestmark = pytest.mark.integration

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "courses" / "tiny"
LESSON = "lessons/01-hello.ipynb"
ASSIGNMENT = "source/a01-double/double.ipynb"


@pytest.fixture
def course(tmp_path) -> Path:
    copy = tmp_path / "tiny"
    shutil.copytree(TINY, copy)
    return copy


def edit_notebook(path: Path, change) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def reasons(course: Path) -> list[str]:
    return [str(problem) for problem in check.check_course(course, log=lambda _line: None)]


def test_the_good_course_passes(course):
    assert reasons(course) == []


def test_lesson_that_raises(course):
    edit_notebook(course / LESSON, lambda nb: nb.cells.append(nbformat.v4.new_code_cell("1 / 0")))
    assert reasons(course) == [f"tiny/{LESSON}: cell 7: raised ZeroDivisionError: division by zero"]


def test_lesson_with_an_endless_loop(course, monkeypatch):
    monkeypatch.setattr(check, "CELL_TIMEOUT_SECONDS", 3)
    edit_notebook(
        course / LESSON,
        lambda nb: nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass")),
    )
    assert reasons(course) == [f"tiny/{LESSON}: cell 7: a cell ran out of time"]


def test_lesson_over_its_time_budget(course, monkeypatch):
    monkeypatch.setattr(check, "LESSON_BUDGET_SECONDS", 1)
    edit_notebook(
        course / LESSON,
        lambda nb: nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(2)")),
    )
    (found,) = reasons(course)
    assert found.startswith(f"tiny/{LESSON}: took") and "over the 1 s budget" in found


def test_lesson_with_figures_but_no_sources(course):
    figure = nbformat.v4.new_markdown_cell("In mid-2026 one dollar bought about RWF 1,461.")
    edit_notebook(course / LESSON, lambda nb: nb.cells.append(figure))
    assert reasons(course) == [f"tiny/{LESSON}: uses figures but has no '## Sources' cell"]


def test_missing_metadata(course):
    meta = yaml.safe_load((course / "course.yaml").read_text())
    del meta["audience"]
    (course / "course.yaml").write_text(yaml.safe_dump(meta))
    assert reasons(course) == ["tiny/course.yaml: missing audience"]


def test_solution_that_loses_points(course):
    def wrong(nb):
        cell(nb, "double").source = cell(nb, "double").source.replace("2 * x", "x + 2")

    edit_notebook(course / ASSIGNMENT, wrong)
    assert reasons(course) == [
        f"tiny/{ASSIGNMENT}: test_double_hidden: the instructor's solution earns 0 of 1"
    ]


def test_blank_release_that_earns_points(course):
    def lenient(nb):
        cell(nb, "test_double_visible").source = "assert callable(double)"

    edit_notebook(course / ASSIGNMENT, lenient)
    assert reasons(course) == [
        f"tiny/{ASSIGNMENT}: test_double_visible: the blank release earns 1 of 1"
    ]


def test_release_that_shows_the_solution(course):
    hint = nbformat.v4.new_code_cell(
        "# a hint that gives it away\nprint('return 2 * x   # the answer')"
    )
    hint.metadata["nbgrader"] = {
        "grade": False,
        "solution": False,
        "locked": True,
        "schema_version": 3,
        "task": False,
        "grade_id": "hint",
    }

    def leak(nb):
        cell(nb, "double").source = cell(nb, "double").source.replace(
            "return 2 * x", "return 2 * x   # the answer"
        )
        nb.cells.insert(2, hint)

    edit_notebook(course / ASSIGNMENT, leak)
    assert reasons(course) == [
        "tiny/release/a01-double/double.ipynb: double: the release shows solution code: "
        "'return 2 * x   # the answer'"
    ]


def test_misspelt_hidden_test_marker(course):
    def misspell(nb):
        hidden = cell(nb, "test_double_hidden")
        hidden.source = hidden.source.replace("HIDDEN TESTS", "HIDDEN TEST")

    edit_notebook(course / ASSIGNMENT, misspell)
    found = reasons(course)
    assert "tiny/release/a01-double/double.ipynb: still holds a hidden test marker" in found
    assert (
        "tiny/release/a01-double/double.ipynb: test_double_hidden: the release shows hidden test "
        "code: 'assert double(-3) == -6'" in found
    )


def test_duplicate_grade_ids(course):
    def duplicate(nb):
        cell(nb, "test_double_hidden").metadata["nbgrader"]["grade_id"] = "test_double_visible"

    edit_notebook(course / ASSIGNMENT, duplicate)
    found = reasons(course)
    assert found[0] == (
        f"tiny/{ASSIGNMENT}: test_double_visible: grade id also used in double.ipynb cell 4"
    )


def test_points_that_do_not_match_the_metadata(course):
    meta = yaml.safe_load((course / "course.yaml").read_text())
    meta["assignments"][0]["points"]["auto"] = 3
    (course / "course.yaml").write_text(yaml.safe_dump(meta))
    assert reasons(course) == [
        "tiny/source/a01-double: course.yaml says 3 autograded + 1 manual points, "
        "the notebooks have 2 + 1"
    ]


def test_blank_release_that_crashes_the_grader(course):
    def crash(nb):
        # A test that kills the grader's kernel outright, before any answer is checked.
        cell(nb, "test_double_visible").source = "import os\nos.abort()"

    edit_notebook(course / ASSIGNMENT, crash)
    assert reasons(course) == [
        "tiny/source/a01-double: nbgrader autograde crashed: "
        "nbclient.exceptions.DeadKernelError: Kernel died"
    ]


def test_the_command_reports_and_fails(course):
    edit_notebook(course / LESSON, lambda nb: nb.cells.append(nbformat.v4.new_code_cell("1 / 0")))
    isoko = Path(sys.executable).with_name("isoko")
    result = subprocess.run(
        [str(isoko), "course", "check", str(course)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 1
    assert f"FAIL tiny/{LESSON}: cell 7: raised ZeroDivisionError" in result.stdout
    assert "Course check: 1 problem(s)" in result.stdout
