"""Feedback keeps a test cell's verdict and hides its hidden tests."""

from __future__ import annotations

import nbformat

from isoko.grading.feedback import HIDDEN_NOTE, HideHiddenTests, feedback_preprocessors

HIDDEN_LINE = "assert double(21) == 42"
TEST_CELL = f"""assert double(1) == 2
### BEGIN HIDDEN TESTS
{HIDDEN_LINE}
### END HIDDEN TESTS"""


def autograded(outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(TEST_CELL, outputs=outputs)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "points": 2,
        "grade_id": "test_double",
        "schema_version": 3,
    }
    answer = nbformat.v4.new_code_cell("def double(x):\n    return 2 * x + 1")
    return nbformat.v4.new_notebook(cells=[answer, cell])


def failing_hidden_test() -> dict:
    return nbformat.v4.new_output(
        "error",
        ename="AssertionError",
        evalue="",
        traceback=["----> 3 " + HIDDEN_LINE, "AssertionError: "],
    )


def test_hidden_tests_leave_the_feedback_but_the_verdict_stays():
    nb = autograded([nbformat.v4.new_output("stream", text=HIDDEN_LINE), failing_hidden_test()])
    HideHiddenTests().preprocess(nb, {})
    cell = nb.cells[1]
    assert HIDDEN_LINE not in nbformat.writes(nb)
    assert cell.source == f"assert double(1) == 2\n{HIDDEN_NOTE}"
    (verdict,) = cell.outputs
    assert verdict["ename"] == "AssertionError"
    assert verdict["traceback"] == ["AssertionError (in a hidden test)"]


def test_cells_without_hidden_tests_are_left_alone():
    nb = autograded([failing_hidden_test()])
    nb.cells[1].source = "assert double(1) == 2"
    HideHiddenTests().preprocess(nb, {})
    assert nb.cells[1].outputs[0]["traceback"][0].startswith("---->")
    assert nb.cells[0].source.startswith("def double")


def test_feedback_keeps_nbgraders_steps_and_adds_ours_last():
    from nbgrader.converters import GenerateFeedback

    stock = GenerateFeedback.class_traits()["preprocessors"].default()
    ours = feedback_preprocessors()
    assert [name.rsplit(".", 1)[1] for name in ours[:-1]] == [pp.__name__ for pp in stock]
    assert ours[-1] == "isoko.grading.feedback.HideHiddenTests"
