"""The formgrader's Autograde (per learner) and Autograde all, on the real hub as root.

One hub for the module. Three learners hand a01 in (learner2 with Question 3 wrong) and
the instructor collects. The per-learner route of nbgrader's page grades through
``isoko grade`` (its progress file appears in the course folder) and the scores are what
the answers earn; an empty file in ``submitted/`` is rejected with its reason. Learners
cannot reach either route; crafted ids are refused before any process starts.
"""

from __future__ import annotations

import json
import time

import pytest
import requests

from support.assignment import ASSIGNMENT, COURSE, formgrader
from support.autograde_class import (
    AUTOGRADE_ALL_PATH,
    AUTOGRADE_PATH,
    WRONG_QUESTION_POINTS,
    CollectedClass,
    full_code_points,
    submit_and_collect,
)
from support.bad_submissions import BAD_SUBMISSIONS
from support.hub import running_hub

pytestmark = pytest.mark.integration

EMPTY = BAD_SUBMISSIONS["empty-file"]


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "autograde-") as hub:
        yield hub


@pytest.fixture(scope="module")
def cls(hub) -> CollectedClass:
    return submit_and_collect(hub)


def autograde_one(cls: CollectedClass, student: str, assignment: str = ASSIGNMENT, **kwargs):
    path = AUTOGRADE_PATH.format(assignment=assignment, student=student)
    return formgrader(cls.instructor, "POST", path.removeprefix("/formgrader/api"), **kwargs)


def autograde_all(cls: CollectedClass, method: str, assignment: str = ASSIGNMENT):
    path = AUTOGRADE_ALL_PATH.format(assignment=assignment)
    return formgrader(cls.instructor, method, path.removeprefix("/formgrader/api"))


def started_processes(hub) -> list[str]:
    """The formgrader's log lines for each ``isoko grade`` it started."""
    return [line for line in hub.log_file.read_text().splitlines() if "isoko grade pricing" in line]


def test_autograde_of_one_learner_runs_the_pipeline_and_scores_the_answers(hub, cls):
    assert not cls.progress_file().exists()
    answer = autograde_one(cls, "learner1", timeout=900)
    assert answer.ok, answer.text
    # nbgrader's page parses the answer itself: JSON, sent as text as nbgrader does.
    body = json.loads(answer.text)
    assert body["success"] is True, body
    assert set(body) == {"success", "log", "error"}
    progress = json.loads(cls.progress_file().read_text())
    assert (progress["assignment"], progress["state"], progress["done"]) == (ASSIGNMENT, "done", 1)
    assert progress["problems"] == []
    assert cls.submissions()["learner1"]["code_score"] == pytest.approx(full_code_points())
    assert cls.submissions()["learner2"]["autograded"] is False
    assert any("--student learner1" in line for line in started_processes(hub))


def test_a_rejected_submission_answers_failure_with_the_reason(cls):
    cls.replace_submission("learner3", b"")
    answer = autograde_one(cls, "learner3", timeout=900)
    assert answer.ok, answer.text
    body = json.loads(answer.text)
    assert body["success"] is False, body
    assert EMPTY.reason in body["error"], body
    assert "Ask the learner to submit again" in body["log"]
    # Graded as nbgrader grades a missing notebook: zero.
    assert cls.submissions()["learner3"]["score"] == 0


def test_autograde_all_grades_what_is_left_and_a_second_start_joins_the_first(hub, cls):
    started = autograde_all(cls, "POST")
    assert started.status_code == 202, started.text
    assert started.json()["running"] is True
    again = autograde_all(cls, "POST")
    assert again.status_code == 200, again.text
    assert again.json()["started"] is False and again.json()["running"] is True
    deadline = time.monotonic() + 900
    status = again.json()
    while status["running"] and time.monotonic() < deadline:
        time.sleep(1)
        status = autograde_all(cls, "GET").json()
    assert not status["running"], status
    progress = status["progress"]
    # learner1 and learner3 were graded one by one above; learner2 is what was left.
    assert (progress["state"], progress["total"], progress["done"], progress["skipped"]) == (
        "done",
        1,
        1,
        2,
    ), status
    assert status["sentence"].startswith("Autograded 1 of 1 in "), status
    assert status["problems"] == [] and status["error"] is None, status
    learner2 = cls.submissions()["learner2"]
    assert learner2["code_score"] == pytest.approx(full_code_points() - WRONG_QUESTION_POINTS)
    whole_runs = [line for line in started_processes(hub) if "--student" not in line]
    assert len(whole_runs) == 1, whole_runs


def test_learners_cannot_reach_the_autograde_routes(hub, cls):
    learner = cls.learners["learner1"]
    made = learner.hub_api("POST", "/users/learner1/tokens", json={"note": "mine"})
    assert made.ok, made.text
    token = made.json()["token"]
    before = started_processes(hub)
    for path in (
        AUTOGRADE_PATH.format(assignment=ASSIGNMENT, student="learner1"),
        AUTOGRADE_ALL_PATH.format(assignment=ASSIGNMENT),
    ):
        url = learner.url(f"/services/{COURSE}{path}")
        by_session = learner.session.post(url, headers={"X-XSRFToken": "x"})
        assert by_session.status_code in (403, 404), (path, by_session.status_code)
        by_token = requests.post(url, headers={"Authorization": f"token {token}"}, timeout=60)
        assert by_token.status_code in (403, 404), (path, by_token.status_code)
    # Nor read how a run goes (learners' names and reasons).
    status_url = learner.url(
        f"/services/{COURSE}{AUTOGRADE_ALL_PATH.format(assignment=ASSIGNMENT)}"
    )
    read = requests.get(status_url, headers={"Authorization": f"token {token}"}, timeout=60)
    assert read.status_code in (403, 404), read.status_code
    assert learner.session.get(status_url).status_code in (403, 404)
    assert started_processes(hub) == before


def test_a_page_on_another_site_cannot_start_autograding(hub, cls):
    before = started_processes(hub)
    for path in (
        AUTOGRADE_PATH.format(assignment=ASSIGNMENT, student="learner1"),
        AUTOGRADE_ALL_PATH.format(assignment=ASSIGNMENT),
    ):
        # The instructor's cookies, without the formgrader's XSRF token.
        forged = cls.instructor.session.post(cls.instructor.url(f"/services/{COURSE}{path}"))
        assert forged.status_code == 403, (path, forged.status_code)
    assert started_processes(hub) == before


def launched_with(hub, before: list[str], crafted: str) -> list[str]:
    return [line for line in started_processes(hub)[len(before) :] if crafted in line]


@pytest.mark.parametrize("crafted", ["..%2Fx", "a01;rm"])
def test_a_crafted_assignment_id_is_refused_before_any_process_starts(hub, cls, crafted):
    before = started_processes(hub)
    one = autograde_one(cls, "learner1", assignment=crafted)
    assert one.status_code == 400, (one.status_code, one.text)
    assert json.loads(one.text)["success"] is False
    every = autograde_all(cls, "POST", assignment=crafted)
    assert every.status_code == 400, (every.status_code, every.text)
    shown = autograde_all(cls, "GET", assignment=crafted)
    assert shown.status_code == 400, (shown.status_code, shown.text)
    plain = crafted.replace("%2F", "/")
    assert not launched_with(hub, before, plain), started_processes(hub)
    assert not (cls.course_dir / ".isoko" / "x").exists()
    assert not list((cls.course_dir / ".isoko" / "grading").glob("*;*"))


@pytest.mark.parametrize("crafted", ["..%2Fx", "a;rm"])
def test_a_crafted_student_id_is_refused_before_any_process_starts(hub, cls, crafted):
    before = started_processes(hub)
    one = autograde_one(cls, crafted)
    assert one.status_code == 400, (one.status_code, one.text)
    assert json.loads(one.text)["success"] is False
    assert not launched_with(hub, before, crafted.replace("%2F", "/")), started_processes(hub)
