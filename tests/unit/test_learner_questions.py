"""A graded cell is named as a learner knows it; a failed check says what failed."""

from __future__ import annotations

import nbformat

from isoko.learner.coursework import assignment_states, failure
from isoko.learner.questions import failure_message, question_name, question_names


def md(text: str, **nbgrader) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def code(text: str, **nbgrader) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(text)
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def test_a_test_cell_takes_the_nearest_heading_above_it():
    cells = [
        md("# Assignment"),
        md("## Question 1 (2 points)\n\nWrite `f`."),
        code("def f(): ...", solution=True, grade_id="f"),
        code("assert f() == 1", grade=True, grade_id="test_f", points=2),
        md("### Question *2*: the `price`"),
        code("assert g()", grade=True, grade_id="test_g", points=1),
    ]
    assert question_names(cells) == {3: "Question 1 (2 points)", 5: "Question 2: the price"}


def test_a_written_answer_is_named_by_the_question_above_not_by_what_the_learner_wrote():
    cells = [
        md("## Question 4\nExplain."),
        md("# I think the price falls", grade=True, solution=True, grade_id="written"),
    ]
    assert question_name(cells, 1) == "Question 4"


def test_without_a_heading_the_text_before_it_names_it_then_its_grade_id():
    cells = [md("Compute the **margin** below.\nMore text."), code("x", grade=True, grade_id="t")]
    assert question_name(cells, 1) == "Compute the margin below."
    assert question_name([code("x", grade=True, grade_id="t_only")], 0) == "t_only"


def test_a_failure_names_the_error_and_its_message_without_terminal_colours():
    assert failure_message("ValueError", "no best price") == "ValueError: no best price"
    traceback = ["\x1b[0;31m----> 4\x1b[0m assert f(2) == 4", "\x1b[0;31mAssertionError\x1b[0m: "]
    assert failure_message("AssertionError", "", traceback) == "AssertionError in: assert f(2) == 4"


def test_validation_says_why_a_cell_failed():
    cell = code("assert f()", grade=True, grade_id="t", points=2)
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="NameError",
            evalue="name 'seller_keeps_rwf' is not defined",
            traceback=["NameError: ..."],
        )
    ]
    assert failure(cell) == "NameError: name 'seller_keeps_rwf' is not defined"
    assert failure(md("", grade=True, solution=True)) == "you did not answer yet."


def test_assignment_state_follows_nbgraders_list():
    listed = [
        {
            "course_id": "pricing",
            "assignment_id": "a01",
            "status": "fetched",
            "notebooks": [{"path": "pricing/a01/nb.ipynb"}],
        },
        {"course_id": "pricing", "assignment_id": "a02", "status": "released", "notebooks": []},
        {
            "course_id": "pricing",
            "assignment_id": "a01",
            "status": "submitted",
            "submissions": [
                {"timestamp": "2026-12-02 10:00:00", "notebooks": []},
                {
                    "timestamp": "2026-12-02 11:00:00",
                    "notebooks": [
                        {
                            "has_exchange_feedback": True,
                            "has_local_feedback": True,
                            "local_feedback_path": "pricing/a01/feedback/2026/nb.html",
                        }
                    ],
                },
            ],
        },
    ]
    a01, a02 = assignment_states("pricing", listed, root=None)
    assert (a01.status, a01.notebooks, a01.submitted_at) == (
        "submitted",
        ["pricing/a01/nb.ipynb"],
        "2026-12-02 11:00:00",
    )
    assert a01.feedback_released and a01.feedback_files == ["pricing/a01/feedback/2026/nb.html"]
    assert (a02.status, a02.fetched) == ("released", False)
