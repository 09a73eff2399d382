"""Learners attack the nbgrader exchange of the real hub, as their own Unix accounts.

Every attack must fail, and the normal cycle must go on working around it: who
submitted is the account that owns the files, and when is the kernel's change time.
The steps run in order and share one hub of their own.
"""

from __future__ import annotations

import datetime
import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import parse_utc

from isoko.platform.unix import run_as
from support.client import HubUser, signed_in
from support.hub import Hub, running_hub

pytestmark = pytest.mark.integration

COURSE = "pricing"
ASSIGNMENT = "a01-pricing-basics"
NOTEBOOK = "pricing-basics.ipynb"
DENIED = ("Permission denied", "Operation not permitted")


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "exchange-") as hub:
        yield hub


def logged_in(hub: Hub, demo: dict) -> HubUser:
    return signed_in(hub.url, demo)


@pytest.fixture(scope="module")
def learners(hub) -> list[HubUser]:
    """Three learners with running servers (and so Unix accounts)."""
    return [logged_in(hub, demo) for demo in hub.demo_accounts["learners"]]


@pytest.fixture(scope="module")
def victim(learners) -> HubUser:
    return learners[0]


@pytest.fixture(scope="module")
def attacker(learners) -> HubUser:
    return learners[1]


@pytest.fixture(scope="module")
def bystander(learners) -> HubUser:
    """Never submits anything honest: whatever gets collected for them is forged."""
    return learners[2]


@pytest.fixture(scope="module")
def instructor(hub) -> HubUser:
    demo = hub.demo_accounts["instructor"]
    user = HubUser(hub.url, demo["username"], demo["password"])
    user.login()
    assert user.session.get(user.url(f"/services/{COURSE}/formgrader")).ok
    return user


def account(hub: Hub, user: HubUser) -> str:
    return f"{hub.unix_prefix}{user.username}"


def course_exchange(hub: Hub) -> Path:
    return hub.system_dir / "exchange" / COURSE


def inbound(hub: Hub) -> Path:
    return course_exchange(hub) / "inbound"


def submitted(hub: Hub, student: str) -> Path:
    return hub.system_dir / "graders" / COURSE / "submitted" / student / ASSIGNMENT


def shell(hub: Hub, user: HubUser, script: str):
    return run_as(account(hub, user), ["sh", "-c", script], timeout=60)


def assert_denied(result, what: str) -> None:
    assert result.returncode != 0, f"{what} succeeded: {result.stdout}"
    assert any(word in result.stderr for word in DENIED), f"{what}: {result.stderr}"


def submit(user: HubUser, marker: str) -> None:
    """Fetch (once), write ``marker`` into the notebook, submit through the server."""
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    path = f"{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    if not user.server("GET", f"/api/contents/{path}").ok:
        assert user.server("POST", "/assignments/fetch", data=form).ok
    model = user.server("GET", f"/api/contents/{path}").json()
    model["content"]["cells"].append(nbformat.v4.new_markdown_cell(marker))
    saved = user.server(
        "PUT",
        f"/api/contents/{path}",
        data=json.dumps({"type": "notebook", "format": "json", "content": model["content"]}),
    )
    assert saved.ok, saved.text
    reply = user.server("POST", "/assignments/submit", data=form)
    assert reply.ok and reply.json()["success"], reply.text


def submissions_of(hub: Hub, student: str) -> list[Path]:
    return sorted(inbound(hub).glob(f"{student}+{ASSIGNMENT}+*"), key=lambda p: p.stat().st_ctime)


def collect(instructor: HubUser) -> str:
    reply = instructor.server(
        "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/collect", prefix=f"/services/{COURSE}"
    )
    assert reply.ok and reply.json()["success"], reply.text
    return reply.json().get("log", "")


def forged_folder(path: str, notebook_text: str) -> str:
    """Shell lines that make a submission folder by hand, with a claimed time."""
    return (
        f"mkdir '{path}' && "
        f"printf '%s' '{notebook_text}' > '{path}/{NOTEBOOK}' && "
        f"printf '2000-01-01 00:00:00.000000 UTC' > '{path}/timestamp.txt'"
    )


# --- the layout ------------------------------------------------------------------------


def test_a_learner_cannot_rename_replace_or_plant_a_course_folder(hub, attacker):
    root = hub.system_dir / "exchange"
    course = course_exchange(hub)
    attempts = {
        "renaming the course": f"mv {course} {root}/stolen",
        "planting a course folder": f"mkdir {root}/evil",
        "renaming inbound": f"mv {course}/inbound {course}/old-inbound",
        "planting in the course": f"mkdir {course}/inbound2",
    }
    results = {what: shell(hub, attacker, script) for what, script in attempts.items()}
    # Undo what got through, so that one hole does not hide the others.
    for moved, home in ((root / "stolen", course), (course / "old-inbound", course / "inbound")):
        if moved.exists():
            moved.rename(home)
    for what, result in results.items():
        assert_denied(result, what)


def test_a_learner_cannot_plant_or_change_an_assignment(hub, attacker):
    outbound = course_exchange(hub) / "outbound"
    released = outbound / ASSIGNMENT / NOTEBOOK
    original = released.read_bytes()
    attempts = {
        "planting an assignment": f"mkdir {outbound}/a99-fake",
        "overwriting the release": f"echo '{{}}' > {released}",
        "renaming the release": f"mv {outbound}/{ASSIGNMENT} {outbound}/x",
        "planting feedback": f"echo hi > {course_exchange(hub)}/feedback/x.html",
    }
    results = {what: shell(hub, attacker, script) for what, script in attempts.items()}
    if (outbound / "x").exists():
        (outbound / "x").rename(outbound / ASSIGNMENT)
    released.write_bytes(original)
    for what, result in results.items():
        assert_denied(result, what)


def test_a_learner_cannot_list_the_inbound_folder(hub, attacker):
    assert_denied(shell(hub, attacker, f"ls {inbound(hub)}"), "listing inbound")


# --- submissions between learners -----------------------------------------------------


def test_learners_submit_through_their_servers(hub, victim, attacker):
    submit(victim, "victim's only answer")
    submit(attacker, "attacker v1")
    time.sleep(1.1)
    submit(attacker, "attacker v2")
    assert len(submissions_of(hub, victim.username)) == 1
    assert len(submissions_of(hub, attacker.username)) == 2


def test_a_learner_cannot_read_anothers_submission(hub, victim, attacker):
    # Worst case: the attacker has somehow learnt the folder's secret name.
    (folder,) = submissions_of(hub, victim.username)
    assert_denied(shell(hub, attacker, f"cat '{folder}/{NOTEBOOK}'"), "reading it")
    assert_denied(shell(hub, attacker, f"ls '{folder}'"), "listing it")


def test_a_learner_cannot_overwrite_rename_or_delete_anothers_submission(hub, victim, attacker):
    (folder,) = submissions_of(hub, victim.username)
    before = (folder / NOTEBOOK).read_text()
    assert_denied(shell(hub, attacker, f"echo '{{}}' > '{folder}/{NOTEBOOK}'"), "overwriting")
    assert_denied(shell(hub, attacker, f"echo x > '{folder}/extra.ipynb'"), "adding a file")
    assert_denied(shell(hub, attacker, f"mv '{folder}' '{inbound(hub)}/moved'"), "renaming")
    assert_denied(shell(hub, attacker, f"rm -rf '{folder}'"), "deleting")
    assert (folder / NOTEBOOK).read_text() == before


def test_forged_submissions_are_put_in_inbound(hub, victim, attacker, bystander):
    """The attacker submits as the victim (a later time, so it would win) and as a
    learner who never submitted; the bystander hands in a link to the solutions."""
    stamp = "2099-01-01 00:00:00.000000 UTC"
    for claimed in (victim.username, bystander.username):
        forged = inbound(hub) / f"{claimed}+{ASSIGNMENT}+{stamp}+forged"
        result = shell(hub, attacker, forged_folder(str(forged), "forged by the attacker"))
        assert result.returncode == 0, result.stderr
    solutions = hub.system_dir / "graders" / COURSE / "source" / ASSIGNMENT / NOTEBOOK
    linked = inbound(hub) / f"{bystander.username}+{ASSIGNMENT}+{stamp}+linked"
    result = shell(hub, bystander, f"mkdir '{linked}' && ln -s {solutions} '{linked}/{NOTEBOOK}'")
    assert result.returncode == 0, result.stderr


def test_an_attacker_backdates_their_own_submissions(hub, attacker):
    """Both of the attacker's submissions claim an old time in their name and their
    timestamp.txt; the older one claims to be the newest."""
    first, second = submissions_of(hub, attacker.username)
    script = []
    for folder, stamp in ((first, "2001-01-02 00:00:00.000000 UTC"), (second, "2001-01-01")):
        script.append(f"printf '{stamp}' > '{folder}/timestamp.txt'")
        script.append(f"mv '{folder}' '{inbound(hub)}/{attacker.username}+{ASSIGNMENT}+{stamp}+x'")
    result = shell(hub, attacker, " && ".join(script))
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def collected(hub, instructor, learners):
    started = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    log = collect(instructor)
    return log, started


def test_a_submission_as_another_learner_is_refused_and_logged(
    hub, collected, victim, attacker, bystander
):
    log, _ = collected
    for claimed in (victim, bystander):
        refused = f"REFUSED submission {claimed.username}+{ASSIGNMENT}+2099-01-01"
        assert refused in log, log
        owners = f"is owned by {account(hub, attacker)}, not {account(hub, claimed)}"
        assert owners in log.split(refused)[1].splitlines()[0], log
    assert not submitted(hub, bystander.username).exists(), "a forged submission was collected"
    text = (submitted(hub, victim.username) / NOTEBOOK).read_text()
    assert "victim's only answer" in text and "forged" not in text


def test_a_link_to_the_solutions_is_refused(hub, collected, bystander):
    log, _ = collected
    assert f"{bystander.username}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+linked" in log
    assert f"{NOTEBOOK} is a link, not a regular file" in log, log


def test_the_time_is_the_platforms_not_the_learners(hub, collected, attacker):
    log, started = collected
    claimed = parse_utc((submitted(hub, attacker.username) / "timestamp.txt").read_text())
    # The backdating itself was the last change the attacker made: that is their time.
    assert claimed.year == datetime.datetime.now().year, claimed
    assert claimed <= started + datetime.timedelta(seconds=5)
    assert claimed >= started - datetime.timedelta(minutes=10)


def test_the_newest_real_submission_is_collected(hub, collected, attacker):
    # The attacker's renamed folders: the one renamed last is the newest change. Both
    # were renamed in the same command, in order, so the second (v2) wins either way.
    text = (submitted(hub, attacker.username) / NOTEBOOK).read_text()
    assert "attacker v2" in text, text[-500:]


def test_a_second_real_submission_replaces_the_first(hub, instructor, victim, collected):
    before = parse_utc((submitted(hub, victim.username) / "timestamp.txt").read_text())
    time.sleep(1.1)
    submit(victim, "victim's second answer")
    collect(instructor)
    after = parse_utc((submitted(hub, victim.username) / "timestamp.txt").read_text())
    assert after > before
    assert "victim's second answer" in (submitted(hub, victim.username) / NOTEBOOK).read_text()


def test_autograde_and_feedback_still_work(hub, instructor, victim, collected):
    def formgrader(path: str):
        reply = instructor.server(
            "POST", f"/formgrader/api{path}", prefix=f"/services/{COURSE}", timeout=300
        )
        assert reply.ok and reply.json()["success"], reply.text

    formgrader(f"/submission/{ASSIGNMENT}/{victim.username}/autograde")
    formgrader(f"/assignment/{ASSIGNMENT}/generate_feedback")
    formgrader(f"/assignment/{ASSIGNMENT}/release_feedback")
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    assert victim.server("POST", "/assignments/fetch_feedback", data=form).ok
    folder = victim.server("GET", f"/api/contents/{COURSE}/{ASSIGNMENT}/feedback").json()
    assert folder.get("type") == "directory" and folder["content"], folder


def test_a_restart_keeps_the_exchange_and_its_times(hub, victim):
    before = {p.name: p.stat().st_ctime_ns for p in inbound(hub).iterdir()}
    assert len(before) >= 6
    hub.stop()
    hub.start()
    after = {p.name: p.stat().st_ctime_ns for p in inbound(hub).iterdir()}
    assert after == before, "preparing again must not touch submissions"
    assert (course_exchange(hub) / "outbound" / ASSIGNMENT / NOTEBOOK).is_file()
    assert os.stat(course_exchange(hub)).st_uid == 0
    assert os.stat(inbound(hub)).st_mode & 0o7777 == 0o3733
