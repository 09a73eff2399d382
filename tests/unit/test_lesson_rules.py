"""The lesson format rules of `isoko course check`: each passes a conforming notebook
and names the course, notebook and cell of a broken one, with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from isoko.courses import lesson_rules
from isoko.courses.catalog import load_course
from isoko.courses.check import CourseChecker

OPENING = (
    "# Lesson 1: Fees\n\n**By the end of this lesson you can:**\n\n"
    "- work out a MoMo fee;\n- compare two fees."
)


def exercise(number: int) -> list:
    return [
        new_markdown_cell(f"## Your turn {number}: the fee on a big order\n\nPredict it."),
        new_code_cell(f'fee_{number} = ...\ncheck_number("fee {number}", fee_{number}, 50)'),
    ]


def with_output(cell, output_type="stream"):
    if output_type == "stream":
        cell.outputs = [new_output("stream", name="stdout", text="4\n")]
    else:
        cell.outputs = [new_output("error", ename="ZeroDivisionError", evalue="", traceback=[])]
    return cell


def good_lesson():
    first = with_output(new_code_cell("from isoko.checks.self_check import check_number"))
    return new_notebook(cells=[new_markdown_cell(OPENING), first, *exercise(1), *exercise(2)])


def problems(rule, *args) -> list[str]:
    found = []
    rule(*args, lambda notebook, cell, reason: found.append(f"{notebook}|{cell}|{reason}"))
    return found


def lesson_problems(nb) -> list[str]:
    return problems(lesson_rules.check_lesson, "lessons/01.ipynb", nb, "fees")


def test_a_conforming_lesson_passes():
    assert lesson_problems(good_lesson()) == []


# --- rule 1: title and outcomes -------------------------------------------------------
@pytest.mark.parametrize(
    ("opening", "reason"),
    [
        (
            OPENING.replace("# Lesson 1: Fees", "# Fees"),
            "the first line must be '# Lesson N: Title'",
        ),
        (OPENING.split("**By")[0], "add the line '**By the end of this lesson you can:**'"),
        (OPENING.replace("\n- compare two fees.", ""), "list at least 2 outcomes"),
    ],
    ids=["no lesson number", "no outcomes line", "one outcome"],
)
def test_the_opening_cell_needs_a_title_and_outcomes(opening, reason):
    nb = good_lesson()
    nb.cells[0].source = opening
    (found,) = lesson_problems(nb)
    assert found.startswith(f"lessons/01.ipynb|cell 1|{reason}")


def test_a_lesson_that_opens_with_code_is_refused():
    nb = good_lesson()
    nb.cells.pop(0)
    assert "lessons/01.ipynb|cell 1|the first cell must be markdown" in lesson_problems(nb)[0]


# --- rule 2: exercises ----------------------------------------------------------------
def test_a_lesson_with_one_exercise_needs_another():
    nb = good_lesson()
    del nb.cells[4:]
    assert lesson_problems(nb) == [
        "lessons/01.ipynb||has 1 exercise(s), needs at least 2: a markdown cell "
        "'## Your turn ...' followed by a code cell that checks the answer"
    ]


def test_an_exercise_without_a_check_is_named_by_its_cell():
    nb = good_lesson()
    nb.cells[5].source = "fee_2 = ...\nprint(fee_2)"
    found = lesson_problems(nb)
    assert found[0] == (
        "lessons/01.ipynb|cell 5|this exercise needs a code cell after it that calls "
        "check_number, check_function or check_choice"
    )
    assert "has 1 exercise(s)" in found[1]


def test_an_exercise_without_a_placeholder_is_named():
    nb = good_lesson()
    nb.cells[5].source = 'check_number("fee 2", 50, 50)'
    assert lesson_problems(nb)[0].startswith(
        "lessons/01.ipynb|cell 6|the exercise needs a ... placeholder"
    )


def test_the_placeholder_may_sit_in_the_code_cell_before_the_check():
    nb = good_lesson()
    nb.cells[5:6] = [
        new_code_cell("def fee(amount):\n    return ..."),
        new_code_cell('check_function("fee()", fee, [((1000,), 5)])'),
    ]
    assert lesson_problems(nb) == []


def test_a_check_under_the_next_heading_does_not_count():
    nb = good_lesson()
    nb.cells[5:6] = [new_markdown_cell("## Summary"), exercise(2)[1]]
    assert "cell 5|this exercise needs a code cell" in lesson_problems(nb)[0]


# --- rule 3: 70 characters ------------------------------------------------------------
def test_code_lines_fit_a_phone_at_70_characters():
    nb = good_lesson()
    nb.cells[1].source = "x = 1  # " + "a" * 61  # 70 characters
    assert lesson_problems(nb) == []
    nb.cells[1].source = "x = 1  # " + "a" * 62 + "\ny = 2  # " + "b" * 70
    assert lesson_problems(nb) == [
        "lessons/01.ipynb|cell 2|line 1 is 71 characters (and 1 more); "
        "keep code lines to 70 so they fit a phone"
    ]


def test_long_lines_in_markdown_are_fine():
    nb = good_lesson()
    nb.cells[2].source += " " + "word " * 40
    assert lesson_problems(nb) == []


# --- rule 7: stored outputs -----------------------------------------------------------
def test_a_lesson_without_stored_outputs_says_which_command_stores_them():
    nb = good_lesson()
    nb.cells[1].outputs = []
    assert lesson_problems(nb) == [
        "lessons/01.ipynb||has no stored outputs; run `isoko course outputs fees` to store them"
    ]


def test_a_stored_error_is_refused():
    nb = good_lesson()
    with_output(nb.cells[3], "error")
    assert lesson_problems(nb) == [
        "lessons/01.ipynb|cell 4|a stored output is an error; "
        "run `isoko course outputs fees` to store them"
    ]


# --- rule 4: every app linked ---------------------------------------------------------
def test_every_simulator_is_linked_from_a_lesson():
    nb = good_lesson()
    nb.cells.append(
        new_markdown_cell(
            "Open [the app](../apps/price-and-profit.ipynb) and find the price "
            "that earns Divine the most."
        )
    )
    lessons = {"lessons/01.ipynb": nb}
    sims = ["price-and-profit", "mobile-money-fees"]
    assert problems(lesson_rules.check_app_links, lessons, sims) == [
        "course.yaml||no lesson links the simulator 'mobile-money-fees': add a markdown "
        "link to '../apps/mobile-money-fees.ipynb' next to the app's task"
    ]
    assert problems(lesson_rules.check_app_links, lessons, sims[:1]) == []


# --- rule 5: rubrics ------------------------------------------------------------------
def graded(cell, grade_id, points, *, task=False):
    cell.metadata["nbgrader"] = {
        "grade": not task,
        "solution": not task,
        "task": task,
        "locked": task,
        "points": points,
        "grade_id": grade_id,
        "schema_version": 3,
    }
    return cell


QUESTION = (
    "## Question 2 (2 points)\n\nWhy did the price rise?\n\n**Rubric (2 points)**\n\n"
    "- 1 point: names the cost of shipping.\n- 1 point: uses a number from the data."
)


def assignment(question=QUESTION, points=2, task=False):
    answer = new_markdown_cell("YOUR ANSWER HERE")
    if task:
        answer = new_markdown_cell("Plot the prices and explain them.")
    return new_notebook(
        cells=[new_markdown_cell(question), graded(answer, "why", points, task=task)]
    )


def rubric_problems(nb) -> list[str]:
    return problems(lesson_rules.check_rubrics, "source/a01/a01.ipynb", nb)


def test_a_manual_answer_with_its_rubric_passes():
    assert rubric_problems(assignment()) == []
    assert rubric_problems(assignment(task=True)) == []


def test_a_manual_answer_without_a_rubric_is_named_by_its_grade_id():
    assert rubric_problems(assignment("## Question 2\n\nWhy?")) == [
        "source/a01/a01.ipynb|why|the question cell before it needs "
        "'**Rubric (2 points)**' and bullets '- 1 point: <criterion>'"
    ]


def test_a_rubric_for_other_points_than_the_cell():
    assert rubric_problems(assignment(points=3)) == [
        "source/a01/a01.ipynb|why|the rubric is for 2 points, the cell is worth 3"
    ]


def test_rubric_bullets_that_do_not_add_up():
    short = QUESTION.replace("\n- 1 point: uses a number from the data.", "")
    assert rubric_problems(assignment(short)) == [
        "source/a01/a01.ipynb|why|the rubric's bullets ('- N point(s): ...') add up to 1, not 2"
    ]


def test_a_task_cell_may_carry_its_own_rubric():
    nb = assignment("## Question 2", task=True)
    nb.cells[1].source += "\n\n" + QUESTION.split("\n\n", 2)[2]
    assert rubric_problems(nb) == []


def test_autograded_cells_need_no_rubric():
    test = graded(new_code_cell("assert True"), "test_fee", 1)
    test.metadata["nbgrader"]["solution"] = False
    nb = new_notebook(cells=[new_markdown_cell("## Question 1"), test])
    assert rubric_problems(nb) == []


# --- rule 6: instructor guide ---------------------------------------------------------
GUIDE = """# Fees: instructor guide

## a01-fees: Fees and margins

### Model answers

Question 2: ...

### Rubric

- 1 point: ...

### Common mistakes

- Using 1% (before 2020) for a 2024 sale.
"""


def guide_problems(tmp_path: Path, text: str | None, ids=("a01-fees",)) -> list[str]:
    if text is not None:
        (tmp_path / "instructor-guide.md").write_text(text)
    return problems(lesson_rules.check_guide, tmp_path, list(ids))


def test_a_complete_guide_passes(tmp_path):
    assert guide_problems(tmp_path, GUIDE) == []


def test_a_missing_guide_says_what_to_write(tmp_path):
    (found,) = guide_problems(tmp_path, None)
    assert found.startswith("instructor-guide.md||missing: write it with a '## <assignment-id>'")
    assert "'### Common mistakes'" in found


def test_a_guide_without_an_assignment_or_a_part(tmp_path):
    assert guide_problems(tmp_path, GUIDE, ids=("a01-fees", "a02-stock")) == [
        "instructor-guide.md||no '## a02-stock' section"
    ]
    no_rubric = GUIDE.replace("### Rubric", "Rubric")
    assert guide_problems(tmp_path, no_rubric) == [
        "instructor-guide.md|## a01-fees|missing '### Rubric'"
    ]


# --- wired into the course check ------------------------------------------------------
def test_the_course_check_reports_a_missing_guide_with_the_course_named(tmp_path):
    course = tmp_path / "fees"
    course.mkdir()
    meta = {"slug": "fees", "title": "Fees", "assignments": [{"id": "a01-fees"}]}
    (course / "course.yaml").write_text(yaml.safe_dump(meta))
    found = [str(p) for p in CourseChecker(load_course(course), tmp_path / "work").run()]
    assert (
        "fees/instructor-guide.md: missing: write it with a '## <assignment-id>' section per "
        "assignment, each with '### Model answers', '### Rubric', '### Common mistakes'"
    ) in found
