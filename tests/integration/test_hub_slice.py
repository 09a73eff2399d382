"""One course slice end to end against the real hub, as root with real Unix accounts.

The steps run in order and share the hub: a learner logs in, finds the lesson, opens
the simulator app, fetches and submits the assignment; the instructor collects and
autogrades it; a restart of the hub keeps users, submissions and grades.
"""

from __future__ import annotations

import html
import json
import pwd
import re
from pathlib import Path

import nbformat
import pytest

from isoko.courses.catalog import INSTRUCTOR_GUIDE
from isoko.platform.unix import run_as
from isoko.sims.registry import find
from support.assignment import (
    ASSIGNMENT,
    COURSE,
    NOTEBOOK,
    assert_grade,
    assertion_lines,
    fetch_and_submit,
    formgrader,
    source_points,
)
from support.client import HubUser
from support.hub import servers_run_by
from support.notebooks import REPO

pytestmark = pytest.mark.integration

LESSON = f"{COURSE}/lessons/01-price-after-fees.ipynb"
#: The price-and-profit app, where the hub puts it in a learner's home.
APP = find("price-and-profit").app.removeprefix("courses/")


@pytest.fixture(scope="module")
def accounts(hub):
    return hub.demo_accounts


@pytest.fixture(scope="module")
def learner(hub, accounts):
    demo = accounts["learners"][0]
    user = HubUser(hub.url, demo["username"], demo["password"])
    reply = user.login()
    assert "/hub/login" not in reply.url, "the demo learner could not log in"
    return user


@pytest.fixture(scope="module")
def instructor(hub, accounts):
    demo = accounts["instructor"]
    user = HubUser(hub.url, demo["username"], demo["password"])
    user.login()
    return user


def test_demo_credentials_are_private(hub, accounts):
    path = hub.state_dir / "demo-accounts.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert accounts["instructor"]["username"] == "instructor"
    assert len(accounts["learners"]) == 3
    for secret in ("jupyterhub_cookie_secret", "proxy_auth_token"):
        assert (hub.state_dir / secret).stat().st_mode & 0o777 == 0o600


def test_wrong_password_is_refused(hub, accounts):
    demo = accounts["learners"][1]
    user = HubUser(hub.url, demo["username"], "not-" + demo["password"])
    reply = user.login()
    assert "Invalid username or password" in reply.text
    assert user.hub_api("GET", f"/users/{demo['username']}").status_code == 403


def test_signup_waits_for_approval(hub):
    user = HubUser(hub.url, "newseller", "Kigali-coffee-2026")
    reply = user.signup()
    assert reply.ok
    assert "information has been sent to the admin" in reply.text
    reply = user.login()
    assert "has not been authorized by an administrator yet" in reply.text


def test_learner_logs_in_and_server_runs_as_own_account(hub, learner):
    learner.start_server()
    account = pwd.getpwnam(f"{hub.unix_prefix}{learner.username}")
    assert account.pw_uid != 0
    assert servers_run_by(account.pw_name), "the learner's server is not running as their account"
    home = Path(account.pw_dir)
    assert home.stat().st_mode & 0o777 == 0o700, "a learner's home must be private"


def test_lesson_and_app_are_in_the_learners_home(learner):
    listing = learner.server("GET", f"/api/contents/{COURSE}/lessons").json()
    assert "01-price-after-fees.ipynb" in [item["name"] for item in listing["content"]]
    lesson = learner.server("GET", f"/api/contents/{LESSON}").json()
    assert lesson["type"] == "notebook"
    assert learner.server("GET", f"/api/contents/{APP}").ok


def test_voila_app_renders_its_widgets(learner):
    reply = learner.server("GET", f"/voila/render/{APP}", timeout=120)
    assert reply.status_code == 200, reply.text[-2000:]
    assert "application/vnd.jupyter.widget-view+json" in reply.text
    assert "Traceback" not in reply.text
    assert "isoko-sim" in reply.text or "Price" in reply.text


def test_learner_fetches_and_submits(hub, learner):
    listed = learner.server("GET", "/assignments", params={"course_id": COURSE}).json()
    released = [a for a in listed["value"] if a["assignment_id"] == ASSIGNMENT]
    assert released and released[0]["status"] == "released", listed
    fetch_and_submit(learner)


def test_learner_cannot_read_solutions_gradebook_or_others_work(hub, accounts, learner):
    other = accounts["learners"][1]
    neighbour = HubUser(hub.url, other["username"], other["password"])
    neighbour.login()
    neighbour.start_server()
    grader_home = hub.system_dir / "graders" / COURSE
    private = {
        "the instructor's source": grader_home / "source" / ASSIGNMENT / NOTEBOOK,
        "the staged source": hub.system_dir / "course-sources" / COURSE / ASSIGNMENT / NOTEBOOK,
        "the gradebook": grader_home / "gradebook.db",
        "another learner's home": hub.system_dir
        / "homes"
        / f"{hub.unix_prefix}{other['username']}",
        "the demo passwords": hub.state_dir / "demo-accounts.json",
    }
    for what, path in private.items():
        assert path.exists(), f"{what} should exist at {path}"
        reply = run_as(
            f"{hub.unix_prefix}{learner.username}", ["cat" if path.is_file() else "ls", str(path)]
        )
        assert reply.returncode != 0 and "Permission denied" in reply.stderr, what


def test_learner_cannot_read_the_instructor_guide(hub, learner):
    if not (REPO / "courses" / COURSE / INSTRUCTOR_GUIDE).is_file():
        pytest.skip(f"{COURSE} has no {INSTRUCTOR_GUIDE} yet (the course check asks for one)")
    account = f"{hub.unix_prefix}{learner.username}"
    for where in (
        hub.system_dir / "graders" / COURSE,  # where the course's instructors grade
        hub.system_dir / "course-sources" / COURSE,  # staged for them by root
    ):
        guide = where / INSTRUCTOR_GUIDE
        assert guide.is_file(), f"the guide should be at {guide}"
        for command in (["cat", str(guide)], ["ls", str(where)]):
            reply = run_as(account, command)
            assert reply.returncode != 0 and "Permission denied" in reply.stderr, command
    # Nor through what the platform gives learners: the published course, their copy.
    published = hub.system_dir / "content" / COURSE
    assert published.is_dir() and not list(published.rglob(INSTRUCTOR_GUIDE))
    home_copy = learner.server("GET", f"/api/contents/{COURSE}/{INSTRUCTOR_GUIDE}")
    assert home_copy.status_code == 404


def test_learner_cannot_open_the_formgrader(learner):
    reply = learner.session.get(learner.url(f"/services/{COURSE}/formgrader"))
    assert reply.status_code == 403
    assert f"You do not have permission to access JupyterHub service {COURSE}" in reply.text


def test_instructor_collects_and_autogrades(instructor, learner):
    page = instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader"))
    assert page.status_code == 200, page.text[-1000:]
    collected = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect")
    assert collected.ok and collected.json()["success"], collected.text
    graded = formgrader(
        instructor, "POST", f"/submission/{ASSIGNMENT}/{learner.username}/autograde", timeout=300
    )
    assert graded.ok and graded.json()["success"], graded.text
    assert_grade(instructor, learner.username, source_points(autograded_only=True))


def test_instructor_releases_feedback_and_learner_reads_it(instructor, learner):
    for step in ("generate_feedback", "release_feedback"):
        reply = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/{step}", timeout=300)
        assert reply.ok and reply.json()["success"], reply.text
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    fetched = learner.server("POST", "/assignments/fetch_feedback", data=form)
    assert fetched.ok, fetched.text
    folder = learner.server("GET", f"/api/contents/{COURSE}/{ASSIGNMENT}/feedback").json()
    assert folder.get("type") == "directory", folder
    (attempt,) = [item["path"] for item in folder["content"]]
    report = learner.server("GET", f"/api/contents/{attempt}/pricing-basics.html").json()
    # The written answer is not graded yet, so the total counts autograded points only.
    earned, possible = source_points(autograded_only=True), source_points(autograded_only=False)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", report["content"])).split())
    assert f"Your score: {earned:g} / {possible:g} points" in text
    # Each question by its name and points; no test code, least of all a hidden test.
    assert "Question 1 (2 points)" in text
    hidden = assertion_lines(hidden=True)
    assert hidden and not any(" ".join(line.split()) in text for line in hidden)


def test_restart_keeps_users_submissions_and_grades(hub, accounts, learner):
    lesson_edit = "A note the learner wrote."
    model = learner.server("GET", f"/api/contents/{LESSON}").json()
    model["content"]["cells"].append(nbformat.v4.new_markdown_cell(lesson_edit))
    assert learner.server(
        "PUT",
        f"/api/contents/{LESSON}",
        data=json.dumps({"type": "notebook", "content": model["content"]}),
    ).ok

    hub.stop()
    assert not servers_run_by(f"{hub.unix_prefix}{learner.username}"), (
        "Ctrl-C must stop the learners' servers too"
    )
    hub.start()

    again = HubUser(hub.url, learner.username, learner.password)
    again.login()
    assert again.hub_api("GET", f"/users/{learner.username}").ok
    again.start_server()
    lesson = again.server("GET", f"/api/contents/{LESSON}").json()
    assert lesson_edit in json.dumps(lesson["content"]), "the learner's own change was lost"

    teacher = HubUser(
        hub.url, accounts["instructor"]["username"], accounts["instructor"]["password"]
    )
    teacher.login()
    teacher.session.get(teacher.url(f"/services/{COURSE}/formgrader"))
    assert_grade(teacher, learner.username, source_points(autograded_only=True))
