"""Feedback as a page a learner reads on a phone: each question, its score, what to fix.

The grader's nbgrader writes it (``GenerateFeedback.exporter_class``) instead of its
stock HTML, from the autograded notebook after ``isoko.grading.feedback.HideHiddenTests``
has removed the hidden tests. The page never shows a test cell's code, and quotes a
failing line only if that line is one the learner could already read; everything the
learner wrote is shown as text, never as HTML.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from html import escape

from nbconvert.exporters import Exporter
from traitlets import default

from isoko.grading.hidden import HIDDEN_NOTE, HIDDEN_REGION
from isoko.learner.page import document
from isoko.learner.questions import (
    failure_message,
    is_graded,
    nbgrader_meta,
    question_name,
)


@dataclass
class Question:
    name: str
    score: float = 0.0
    points: float = 0.0
    graded: bool = True
    messages: list[str] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (cell type, text)
    comments: list[str] = field(default_factory=list)


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def visible_lines(cell) -> set[str]:
    """The lines of a cell the learner could read in their own copy of it."""
    return {line.strip() for line in HIDDEN_REGION.sub("", _source(cell)).splitlines()}


def cell_messages(cell) -> list[str]:
    """What each error of a test cell says; the failing line only if it is visible."""
    messages = []
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        message = failure_message(output.get("ename", "Error"), output.get("evalue", ""))
        raising = failure_message(
            output.get("ename", "Error"), output.get("evalue", ""), output.get("traceback", [])
        )
        quoted = raising.partition(" in: ")[2]
        if quoted and quoted in visible_lines(cell):
            message = raising
        elif not output.get("evalue") and HIDDEN_NOTE in _source(cell):
            # The verdict of a hidden test: say what it means, not which test it was.
            message = f"{message}: a test failed; some tests stay hidden. Check your answer."
        messages.append(message)
    return messages


def questions(cells: list) -> list[Question]:
    """The graded questions of a notebook in order, each with what belongs to it."""
    found: dict[str, Question] = {}
    for index, cell in enumerate(cells):
        meta = nbgrader_meta(cell)
        if not (is_graded(cell) or meta.get("solution")):
            continue
        name = question_name(cells, index)
        question = found.setdefault(name, Question(name, graded=False))
        if is_graded(cell):
            question.graded = True
            question.score += float(meta.get("score") or 0)
            question.points += float(meta.get("points") or 0)
        if meta.get("solution"):
            question.answers.append((cell.get("cell_type", "code"), _source(cell)))
        elif cell.get("cell_type") == "code":
            question.messages.extend(cell_messages(cell))
        if meta.get("comment"):
            question.comments.append(str(meta["comment"]))
    return [q for q in found.values() if q.graded]


def points_text(value: float) -> str:
    return f"{value:g}"


def _standing(question: Question) -> str:
    if question.points and question.score >= question.points:
        return "full"
    return "part" if question.score > 0 else "none"


def question_html(question: Question) -> str:
    parts = [
        f'<section class="{_standing(question)}"><h3>{escape(question.name)}</h3>',
        f'<p class="score">{points_text(question.score)} / {points_text(question.points)}'
        " points</p>",
    ]
    for message in question.messages:
        parts.append(f'<p class="msg">{escape(message)}</p>')
    for comment in question.comments:
        parts.append(f"<p><strong>Your teacher:</strong> {escape(comment)}</p>")
    for _kind, text in question.answers:
        parts.append(
            f"<details><summary>Your answer</summary><pre>{escape(text.strip())}</pre></details>"
        )
    parts.append("</section>")
    return "".join(parts)


def feedback_page(nb, grades: dict, title: str = "") -> str:
    """The feedback page of one graded notebook.

    ``grades`` is what nbgrader's ``GetGrades`` puts in ``resources["nbgrader"]``: the
    notebook's ``score``, ``max_score`` and ``late_penalty``; each cell's score and
    comment are in its metadata.
    """
    title = title or str(grades.get("notebook", "Feedback"))
    found = questions(nb.get("cells", []))
    score = float(grades.get("score", sum(q.score for q in found)))
    max_score = float(grades.get("max_score", sum(q.points for q in found)))
    late = float(grades.get("late_penalty") or 0)
    summary = [
        f'<section class="card"><p class="score">Your score: {points_text(score)} / '
        f"{points_text(max_score)} points</p>"
    ]
    if late > 0:
        summary.append(f"<p>Late submission: {points_text(late)} points taken off.</p>")
    summary.append(
        "<ul>"
        + "".join(
            f"<li>{escape(q.name)}: {points_text(q.score)} / {points_text(q.points)}</li>"
            for q in found
        )
        + "</ul></section>"
    )
    body = "".join(summary) + "".join(question_html(q) for q in found)
    assignment = str(grades.get("assignment", ""))
    heading = f"Feedback: {assignment or title}"
    # The learner's server serves this page at <base>learn/<course>/<assignment>/feedback.
    header = (
        f'<h1>{escape(heading)}</h1><nav>{escape(title)} · <a href="../../">My courses</a></nav>'
    )
    return document(heading, body, header)


class FeedbackPageExporter(Exporter):
    """nbgrader's feedback step writes :func:`feedback_page` for each notebook."""

    export_from_notebook = "Isoko feedback page"
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb_copy, resources = super().from_notebook_node(copy.deepcopy(nb), resources, **kw)
        grades = dict(resources.get("nbgrader", {}))
        return feedback_page(nb_copy, grades, str(grades.get("notebook", ""))), resources
