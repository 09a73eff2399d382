"""A small class handed in and collected, for the formgrader's Autograde tests.

learner1 hands in the instructor's solutions, learner2 the same with Question 3 wrong,
learner3 the solutions too; the instructor collects. A test may then replace a collected
notebook with a bad one, as a damaged or hand-made submission would be.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from support.assignment import (
    ASSIGNMENT,
    COURSE,
    NOTEBOOK,
    answered,
    fetch_and_submit,
    formgrader,
    solutions,
    source_points,
)
from support.client import HubUser, signed_in

#: Question 3's test cell, and the points a learner loses with a wrong answer to it.
WRONG_QUESTION = "break_even_packs"
WRONG_QUESTION_POINTS = 2.0
AUTOGRADE_PATH = "/formgrader/api/submission/{assignment}/{student}/autograde"
AUTOGRADE_ALL_PATH = "/formgrader/api/isoko/autograde/{assignment}"


def one_wrong(released: dict) -> dict:
    """The solutions, but a break-even count that is not the right one."""
    return answered(released, {**solutions(), WRONG_QUESTION: "break_even_packs = 1000\n"})


def full_code_points() -> float:
    return source_points(autograded_only=True)


@dataclass
class CollectedClass:
    instructor: HubUser
    learners: dict[str, HubUser]
    course_dir: Path

    def submitted_notebook(self, student: str) -> Path:
        return self.course_dir / "submitted" / student / ASSIGNMENT / NOTEBOOK

    def replace_submission(self, student: str, content: bytes) -> None:
        """Put ``content`` in place of ``student``'s collected notebook, owned as before."""
        path = self.submitted_notebook(student)
        owner = path.stat()
        path.write_bytes(content)
        os.chown(path, owner.st_uid, owner.st_gid)

    def progress_file(self) -> Path:
        return self.course_dir / ".isoko" / "grading" / ASSIGNMENT / "progress.json"

    def submissions(self) -> dict[str, dict]:
        listed = formgrader(self.instructor, "GET", f"/submissions/{ASSIGNMENT}")
        assert listed.ok, listed.text
        return {s["student"]: s for s in listed.json()}


def submit_and_collect(hub) -> CollectedClass:
    """Three learners hand a01 in through their servers; the instructor collects."""
    demo = hub.demo_accounts
    learners = {d["username"]: signed_in(hub.url, d) for d in demo["learners"][:3]}
    instructor = signed_in(hub.url, demo["instructor"], start_server=False)
    fetch_and_submit(learners["learner1"])
    fetch_and_submit(learners["learner2"], edit=one_wrong)
    fetch_and_submit(learners["learner3"])
    # The formgrader's session cookie (and XSRF cookie) for the API calls.
    instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader"))
    collected = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect")
    assert collected.ok and collected.json()["success"], collected.text
    course_dir = hub.system_dir / "graders" / COURSE
    return CollectedClass(instructor=instructor, learners=learners, course_dir=course_dir)
