"""The pricing course's first assignment, worked and submitted through the real hub.

Shared by the slice test and the attack tests: a learner fetches, answers (with the
instructor's solutions, or with code of the test's choosing) and submits; the
instructor drives the formgrader's API.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import nbformat
import pytest

from support.client import HubUser
from support.hub import REPO

COURSE = "pricing"
ASSIGNMENT = "a01-pricing-basics"
NOTEBOOK = "pricing-basics.ipynb"
SOURCE = REPO / "courses" / COURSE / "source" / ASSIGNMENT / NOTEBOOK
#: Question 3's answer, as only its hidden test holds it: no learner may ever see it.
HIDDEN_ANSWER = "1_959"


def source_cells() -> list:
    return nbformat.read(SOURCE, as_version=4).cells


def source_points(autograded_only: bool) -> float:
    """Points of the instructor's source notebook: the autograded ones, or all."""
    return sum(
        float(cell.metadata["nbgrader"].get("points", 0))
        for cell in source_cells()
        if cell.metadata.get("nbgrader", {}).get("grade")
        and (cell.cell_type == "code" or not autograded_only)
    )


def assertion_lines(hidden: bool) -> list[str]:
    """The assertion lines of the source's test cells: the hidden ones, or the visible
    (``assert ...`` statements, and calls of ``isoko.checks.answers``' ``assert_*``)."""
    found = []
    for cell in source_cells():
        if not cell.metadata.get("nbgrader", {}).get("grade") or cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                inside = "BEGIN" in line
            elif inside == hidden and (line.startswith("assert") or ".assert_" in line):
                found.append(line)
    return found


def solutions() -> dict[str, str]:
    """The instructor's answer for each solution cell, by grade id."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source_cells()
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def answered(released: dict, answers: dict[str, str] | None = None) -> dict:
    """The released notebook with answer cells replaced (by default: the solutions)."""
    answers = solutions() if answers is None else answers
    for cell in released["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell["source"] = answers[meta["grade_id"]]
    return released


def fetch_and_submit(learner: HubUser, edit: Callable[[dict], dict] = answered) -> None:
    """Fetch the assignment in the learner's server, ``edit`` the notebook, submit it."""
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    fetched = learner.server("POST", "/assignments/fetch", data=form)
    assert fetched.ok, fetched.text
    path = f"{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    model = learner.server("GET", f"/api/contents/{path}").json()
    assert model["type"] == "notebook", model
    saved = learner.server(
        "PUT",
        f"/api/contents/{path}",
        data=json.dumps({"type": "notebook", "format": "json", "content": edit(model["content"])}),
    )
    assert saved.ok, saved.text
    submitted = learner.server("POST", "/assignments/submit", data=form)
    assert submitted.ok, submitted.text
    statuses = {a["status"] for a in submitted.json()["value"] if a["assignment_id"] == ASSIGNMENT}
    assert "submitted" in statuses, submitted.text


def formgrader(instructor: HubUser, method: str, path: str, **kwargs):
    return instructor.server(
        method, f"/formgrader/api{path}", prefix=f"/services/{COURSE}", **kwargs
    )


def collect_and_autograde(instructor: HubUser, student: str) -> None:
    """The formgrader's Collect, then Autograde buttons, through its API."""
    instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader"))
    collected = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect")
    assert collected.ok and collected.json()["success"], collected.text
    graded = formgrader(
        instructor, "POST", f"/submission/{ASSIGNMENT}/{student}/autograde", timeout=600
    )
    assert graded.ok and graded.json()["success"], graded.text


def score(instructor: HubUser, student: str, autograded_only: bool = False) -> float:
    """The student's score in the gradebook: in all, or of the autograded cells only."""
    submissions = formgrader(instructor, "GET", f"/submissions/{ASSIGNMENT}").json()
    mine = [s for s in submissions if s["student"] == student]
    assert mine and mine[0]["autograded"], submissions
    return mine[0]["code_score" if autograded_only else "score"]


def assert_grade(instructor: HubUser, student: str, points: float) -> None:
    assert score(instructor, student) == pytest.approx(points)
