"""Feedback a learner can read: each question named, its score, no hidden test.

Built from the pricing course's own graded notebook (the instructor's source, with its
hidden tests), as nbgrader's feedback step sees it after autograde.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from html import escape

import nbformat
import pytest

from isoko.grading.feedback import HideHiddenTests
from isoko.learner.feedback import FeedbackPageExporter, feedback_page, questions
from isoko.learner.page import CSP
from support.assignment import HIDDEN_ANSWER, SOURCE, assertion_lines

RED = "\x1b[0;31m"
RESET = "\x1b[0m"
#: The hidden test's line that raises when Question 3 is wrong.
HIDDEN_FAILURE = "teacher.assert_close("
WRITTEN_ANSWER = "Lower the price <script>alert('hi')</script> & watch the franc."
GRADES = {"notebook": "pricing-basics", "score": 5.5, "max_score": 8.0, "late_penalty": 0.0}


def error(line: str, evalue: str = "", line_number: int = 6, helper: bool = False) -> dict:
    """An error output as IPython writes it: coloured, the raising line behind an arrow,
    then, for a check of isoko.checks.answers (``helper``), the helper's own frame."""
    frames = [f"Cell In[7], line {line_number}\n{RED}----> {line_number}{RESET} {line}\n"]
    if helper:
        frames.append(
            f"File answers.py:36, in _fail(question, message, hint)\n"
            f"{RED}---> 36{RESET}     raise AssertionError(message)\n"
        )
    return nbformat.v4.new_output(
        "error",
        ename="AssertionError",
        evalue=evalue,
        traceback=[
            f"{RED}---------------------------------------------------------------{RESET}",
            f"{RED}AssertionError{RESET}        Traceback (most recent call last)",
            *frames,
            f"{RED}AssertionError{RESET}: {evalue}",
        ],
    )


def break_even_test_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    (cell,) = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "test_break_even_packs"
    ]
    return cell


def hidden_start_line() -> int:
    """The line of Question 3's test cell where its hidden tests begin."""
    source = break_even_test_cell(nbformat.read(SOURCE, as_version=4)).source
    return source[: source.index("### BEGIN HIDDEN TESTS")].count("\n") + 1


def graded_notebook() -> nbformat.NotebookNode:
    """The source notebook as autograde leaves it: questions 1 and 2 right, question 3
    failing a hidden test, the written answer marked 1.5 of 2 with a comment."""
    nb = nbformat.read(SOURCE, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in ("test_seller_keeps_rwf", "test_best_price_rwf"):
            meta["score"] = 2.0
        elif grade_id == "test_break_even_packs":
            meta["score"] = 0.0
            cell.outputs = [error(HIDDEN_FAILURE)]
        elif grade_id == "written_exchange_rate":
            cell.source = WRITTEN_ANSWER
            meta["score"] = 1.5
            meta["comment"] = "Name one risk of changing the price."
    return nb


def learner_feedback(nb: nbformat.NotebookNode) -> str:
    nb = copy.deepcopy(nb)
    HideHiddenTests().preprocess(nb, {})
    return feedback_page(nb, GRADES, "pricing-basics")


@pytest.fixture
def page() -> str:
    return learner_feedback(graded_notebook())


def test_each_question_is_named_by_its_heading_with_its_score(page):
    for name, score in [
        ("Question 1 (2 points)", "2 / 2 points"),
        ("Question 2 (2 points)", "2 / 2 points"),
        ("Question 3 (2 points)", "0 / 2 points"),
        ("Question 4 (2 points, marked by your teacher)", "1.5 / 2 points"),
    ]:
        section = re.search(rf"<h3>{re.escape(name)}</h3><p class=\"score\">([^<]*)</p>", page)
        assert section, f"{name} is not on the page"
        assert section[1] == score
    assert "Your score: 5.5 / 8 points" in page
    assert "Test cell" not in page and "Written response" not in page


def test_no_hidden_test_or_expected_value_reaches_the_learner(page):
    hidden = assertion_lines(hidden=True)
    assert HIDDEN_FAILURE in hidden
    for line in hidden:
        assert line not in page
    assert HIDDEN_ANSWER not in page
    # The question still says it failed, and how.
    assert '<p class="msg">AssertionError: a test failed; some tests stay hidden.' in page


def test_the_page_shows_no_test_code_even_if_hidden_tests_were_left_in():
    """Should feedback ever be made without HideHiddenTests, the page still quotes no
    hidden line: it never shows test code, and quotes a failing line only if visible."""
    page = feedback_page(graded_notebook(), GRADES)
    for line in assertion_lines(hidden=True):
        assert line not in page
    assert HIDDEN_ANSWER not in page


def test_a_failing_visible_test_is_quoted_so_the_learner_knows_what_to_fix():
    """In a test cell with no hidden tests, the failing line is one the learner has."""
    nb = graded_notebook()
    visible = 'assert float(break_even_packs).is_integer(), "give a whole number of packs"'
    bare = "assert break_even_packs > 0"
    (cell,) = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "test_break_even_packs"
    ]
    cell.source = f"{visible}\n{bare}\n"
    cell.outputs = [error(bare)]
    assert escape(f"AssertionError in: {bare}") in learner_feedback(nb)
    cell.outputs = [error(visible, "give a whole number of packs")]
    assert "AssertionError: give a whole number of packs" in learner_feedback(nb)


def test_a_cell_with_hidden_tests_gives_its_verdict_but_quotes_no_line():
    nb = graded_notebook()
    (cell,) = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "test_break_even_packs"
    ]
    cell.outputs = [error("assert break_even_packs > 0")]
    page = learner_feedback(nb)
    assert '<p class="msg">AssertionError: a test failed; some tests stay hidden.' in page
    assert "assert break_even_packs" not in page


def test_a_hidden_check_with_a_message_gives_its_verdict_only():
    """A hidden check of isoko.checks.answers raises with a message that may name the
    hidden inputs or say how far off the answer is: the learner gets the verdict only."""
    nb = graded_notebook()
    hint = "Question 3: got 1,958, a little too low (within 10%)."
    break_even_test_cell(nb).outputs = [
        error("teacher.assert_close(", hint, line_number=hidden_start_line() + 2, helper=True)
    ]
    page = learner_feedback(nb)
    assert '<p class="msg">AssertionError: a test failed; some tests stay hidden.' in page
    assert "a little too low" not in page and "1,958" not in page


def test_a_visible_check_with_a_message_says_what_to_fix():
    """The visible checks above the hidden ones speak as they did in Validate."""
    nb = graded_notebook()
    said = "Question 3: give a whole number of packs: round up with math.ceil."
    break_even_test_cell(nb).outputs = [error("assert packs.is_integer(), (", said)]
    assert f'<p class="msg">AssertionError: {said}</p>' in learner_feedback(nb)


def test_what_the_learner_wrote_is_text_never_html(page):
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt; &amp; watch" in page
    assert "Your teacher:</strong> Name one risk of changing the price." in page


def test_the_page_loads_nothing_from_anywhere(page):
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_its_style_is_the_one_the_policy_allows(page):
    """The policy allows one style block by its hash: a changed block would be blocked."""
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)[1]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CSP
    assert "script-src" not in CSP and "default-src 'none'" in CSP


def test_questions_gather_answer_score_and_messages():
    found = questions(graded_notebook().cells)
    assert [q.name for q in found] == [
        "Question 1 (2 points)",
        "Question 2 (2 points)",
        "Question 3 (2 points)",
        "Question 4 (2 points, marked by your teacher)",
    ]
    assert found[0].answers and "def seller_keeps_rwf" in found[0].answers[0][1]
    assert found[3].answers == [("markdown", WRITTEN_ANSWER)]


def test_nbgraders_feedback_step_writes_the_page_with_its_preprocessors():
    """As GenerateFeedback runs it: our exporter, nbgrader's preprocessors then ours."""
    exporter = FeedbackPageExporter()
    exporter.register_preprocessor(HideHiddenTests, enabled=True)
    output, resources = exporter.from_notebook_node(
        graded_notebook(), resources={"nbgrader": GRADES}
    )
    assert resources["output_extension"] == ".html"
    assert "<h3>Question 3 (2 points)</h3>" in output
    assert HIDDEN_FAILURE not in output and HIDDEN_ANSWER not in output
