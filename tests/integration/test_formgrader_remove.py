"""Removing a learner from the formgrader's Manage Students page, on the real hub as root.

One hub for the file. The instructor removes one learner who handed nothing in (they
leave the course and the gradebook) and one whose work is graded (they leave the course,
their work and grades stay); a learner, and a page on another site, cannot remove anyone.
"""

from __future__ import annotations

import pwd
import re
from pathlib import Path

import pytest
import requests

from isoko.platform.unix import run_as
from support.assignment import ASSIGNMENT, COURSE, collect_and_autograde, fetch_and_submit
from support.assignment import formgrader as formgrader_api
from support.client import HubUser, signed_in
from support.hub import running_hub
from support.signups import hub_groups_of

pytestmark = pytest.mark.integration

REMOVE = "/formgrader/api/isoko/student"


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "remove-") as hub:
        yield hub


@pytest.fixture(scope="module")
def instructor(hub) -> HubUser:
    user = signed_in(hub.url, hub.demo_accounts["instructor"], start_server=False)
    assert user.session.get(user.url(f"/services/{COURSE}/formgrader")).ok
    return user


@pytest.fixture(scope="module")
def learners(hub) -> dict[str, HubUser]:
    """The three demo learners, signed in with their servers running."""
    return {demo["username"]: signed_in(hub.url, demo) for demo in hub.demo_accounts["learners"]}


def groups_of(hub, username: str) -> set[str]:
    return hub_groups_of(hub.state_dir, username)


def listed_students(instructor: HubUser) -> dict[str, dict]:
    return {s["id"]: s for s in formgrader_api(instructor, "GET", "/students").json()}


def add_in_manage_students(instructor: HubUser, username: str) -> None:
    saved = formgrader_api(instructor, "PUT", f"/student/{username}", data="{}")
    assert saved.ok, saved.text


def sees_the_course(learner: HubUser) -> bool:
    """What the learner's Assignments and course list show of the course."""
    courses = learner.server("GET", "/courses").json()
    listed = learner.server("GET", "/assignments", params={"course_id": COURSE}).json()
    in_list = COURSE in (courses.get("value") or [])
    assignments = [a for a in listed.get("value") or [] if a["course_id"] == COURSE]
    assert in_list == bool(assignments), (courses, listed)
    return in_list


def remove(instructor: HubUser, username: str, **kwargs) -> requests.Response:
    return instructor.server(
        "DELETE", f"{REMOVE}/{username}", prefix=f"/services/{COURSE}", **kwargs
    )


def test_a_learner_cannot_remove_anyone(hub, instructor, learners):
    learner1, learner2 = learners["learner1"], learners["learner2"]
    add_in_manage_students(instructor, "learner2")
    url = learner1.url(f"/services/{COURSE}{REMOVE}/learner2")
    # With their hub session: the hub gives them no way into the course's formgrader.
    by_session = learner1.session.delete(url, headers={"X-XSRFToken": "x"})
    assert by_session.status_code == 403, (by_session.status_code, by_session.url)
    # With a token of their own, made on the hub with all the rights they have.
    made = learner1.hub_api("POST", "/users/learner1/tokens", json={"note": "mine"})
    assert made.ok, made.text
    token = made.json()["token"]
    by_token = requests.delete(url, headers={"Authorization": f"token {token}"}, timeout=30)
    assert by_token.status_code == 403, by_token.text
    assert "nbgrader-pricing" in groups_of(hub, "learner2")
    assert "learner2" in listed_students(instructor)
    assert sees_the_course(learner2)


def test_removal_needs_the_formgraders_xsrf_token(hub, instructor, learners):
    # What a form or script on another site could send along with the instructor's cookies.
    forged = instructor.session.delete(instructor.url(f"/services/{COURSE}{REMOVE}/learner2"))
    assert forged.status_code == 403, forged.text
    assert "nbgrader-pricing" in groups_of(hub, "learner2")
    assert sees_the_course(learners["learner2"])


def test_the_instructor_removes_a_learner_who_handed_nothing_in(hub, instructor, learners):
    learner2 = learners["learner2"]
    assert sees_the_course(learner2)
    answer = remove(instructor, "learner2")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["removed"] is True and body["gradebook_row_kept"] is False
    assert body["message"].startswith("learner2 no longer has access to pricing.")
    # Access ends at once: no course, no assignment, no fetch.
    assert "nbgrader-pricing" not in groups_of(hub, "learner2")
    assert not sees_the_course(learner2)
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    fetched = learner2.server("POST", "/assignments/fetch", data=form).json()
    assert not [a for a in fetched.get("value") or [] if a["course_id"] == COURSE], fetched
    folder = learner2.server("GET", f"/api/contents/{COURSE}/{ASSIGNMENT}")
    assert folder.status_code == 404, folder.text
    # Manage Students no longer lists them; adding them again gives access back.
    assert "learner2" not in listed_students(instructor)
    add_in_manage_students(instructor, "learner2")
    assert sees_the_course(learner2)


def test_a_learner_with_graded_work_loses_access_and_keeps_their_grades(hub, instructor, learners):
    learner1 = learners["learner1"]
    fetch_and_submit(learner1)
    collect_and_autograde(instructor, "learner1")
    score_before = listed_students(instructor)["learner1"]["score"]
    assert score_before > 0
    answer = remove(instructor, "learner1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["gradebook_row_kept"] is True
    assert "grades stay in the gradebook" in body["message"], body
    assert "nbgrader-pricing" not in groups_of(hub, "learner1")
    assert not sees_the_course(learner1)
    assert listed_students(instructor)["learner1"]["score"] == score_before
    submissions = formgrader_api(instructor, "GET", f"/submissions/{ASSIGNMENT}").json()
    assert [s["autograded"] for s in submissions if s["student"] == "learner1"] == [True]


def test_a_removed_learner_cannot_hand_in_by_hand(hub, instructor, learners):
    """After removal (the test above), learner1 copies their notebook into the shared
    exchange's inbound folder from a terminal: collect refuses it, naming why."""
    assert "nbgrader-pricing" not in groups_of(hub, "learner1")
    account = f"{hub.unix_prefix}learner1"
    fetched = Path(pwd.getpwnam(account).pw_dir) / COURSE / ASSIGNMENT
    inbound = hub.system_dir / "exchange" / COURSE / "inbound"
    name = f"learner1+{ASSIGNMENT}+2026-12-02 09:00:00.000000 UTC+byhand"
    copied = run_as(account, ["cp", "-r", str(fetched), str(inbound / name)], timeout=60)
    assert copied.returncode == 0, copied.stderr
    submitted = hub.system_dir / "graders" / COURSE / "submitted" / "learner1" / ASSIGNMENT
    stamp_before = (submitted / "timestamp.txt").read_text()
    collected = formgrader_api(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect")
    assert collected.ok, collected.text
    assert (submitted / "timestamp.txt").read_text() == stamp_before
    log = hub.log_file.read_text()
    assert f"REFUSED submission {name}" in log and "is not enrolled in pricing" in log


def test_the_submission_page_names_a_nameless_learner_by_username(hub, instructor):
    (notebook,) = formgrader_api(
        instructor, "GET", f"/submitted_notebooks/{ASSIGNMENT}/pricing-basics"
    ).json()
    assert (notebook["first_name"], notebook["last_name"]) == ("", "learner1")
    page = instructor.session.get(
        instructor.url(f"/services/{COURSE}/formgrader/submissions/{notebook['id']}/")
    )
    assert page.ok, page.status_code
    shown = re.search(r'class="name-shown"[^>]*>\s*([^<]*?)\s*</a>', page.text)
    assert shown and shown.group(1) == "learner1", page.text[:3000]
    assert "None" not in page.text.split('id="notebook-container"')[0]


def test_removing_someone_not_in_the_course_says_so(hub, instructor):
    answer = remove(instructor, "nobody-here")
    assert answer.status_code == 404
