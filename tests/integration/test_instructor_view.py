"""The instructor's side of a class on the real hub: honest warnings, answers kept
hidden, grades exported with names, and the progress app.

One hub for the module. learner1 hands in the instructor's solutions; learner2 hands in
the same with a visible test edited; a submission that claims to be learner3's but
belongs to learner1's account is planted; learner3 hands in nothing.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from isoko.platform.unix import run_as
from support.assignment import (
    ASSIGNMENT,
    COURSE,
    HIDDEN_ANSWER,
    NOTEBOOK,
    answered,
    fetch_and_submit,
    formgrader,
    solutions,
    source_points,
)
from support.client import signed_in
from support.hub import REPO, running_hub
from support.terminal import terminal_says

pytestmark = pytest.mark.integration

VISIBLE_TEST = "test_seller_keeps_rwf"
WARNING = re.compile(r"\[\w+ *\| *WARNING\]|\bWARNING\b|cheating attempt|has changed!", re.I)


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    # Its own hub: who has submitted what is part of what these tests check.
    with running_hub(artifacts_dir, "instructor-") as hub:
        yield hub


@pytest.fixture(scope="module")
def people(hub):
    demo = hub.demo_accounts
    learners = [signed_in(hub.url, d) for d in demo["learners"][:2]]
    instructor = signed_in(hub.url, demo["instructor"], start_server=False)
    learner3 = signed_in(hub.url, demo["learners"][2], start_server=False)
    return {
        "learner1": learners[0],
        "learner2": learners[1],
        "learner3": learner3,
        "instructor": instructor,
    }


def edited_test(released: dict) -> dict:
    released = answered(released)
    for cell in released["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == VISIBLE_TEST:
            cell["source"] = "pass  # this test always passes now"
    return released


@pytest.fixture(scope="module")
def collected(hub, people):
    """Submit, plant a forged submission, collect; return the collect's log."""
    fetch_and_submit(people["learner1"])
    fetch_and_submit(people["learner2"], edit=edited_test)
    inbound = hub.system_dir / "exchange" / COURSE / "inbound"
    (mine,) = [p for p in inbound.iterdir() if p.name.startswith(f"{people['learner1'].username}+")]
    forged = inbound / mine.name.replace(people["learner1"].username, "learner3", 1)
    shutil.copytree(mine, forged)
    # As learner1 could make it: their files, in the grader's group that inbound/ hands
    # out (setgid), so the grader can read it and judge it.
    owner = pwd.getpwnam(f"{hub.unix_prefix}{people['learner1'].username}")
    for path in [forged, *forged.rglob("*")]:
        os.chown(path, owner.pw_uid, inbound.stat().st_gid)
    instructor = people["instructor"]
    assert instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader")).ok
    reply = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect")
    assert reply.ok and reply.json()["success"], reply.text
    return reply.json()["log"]


@pytest.fixture(scope="module")
def graded(collected, people) -> dict[str, str]:
    """Autograde both collected submissions; return each one's log."""
    return {student: autograde(people, student) for student in ("learner1", "learner2")}


def autograde(people, student: str) -> str:
    reply = formgrader(
        people["instructor"], "POST", f"/submission/{ASSIGNMENT}/{student}/autograde", timeout=600
    )
    assert reply.ok and reply.json()["success"], reply.text
    return reply.json().get("log", "")


def warnings_in(log: str) -> list[str]:
    return [line for line in log.splitlines() if WARNING.search(line)]


def test_a_normal_collect_warns_of_nothing_and_a_forged_one_is_refused(collected):
    lines = collected.splitlines()
    assert any("Collecting submission: learner1" in line for line in lines), collected
    assert any("Collecting submission: learner2" in line for line in lines), collected
    assert warnings_in(collected) == [], collected
    refused = [line for line in lines if "REFUSED" in line]
    assert len(refused) == 1 and "learner3+" in refused[0], collected
    assert "owned by" in refused[0]


def test_a_normal_autograde_warns_of_nothing(graded, people):
    log = graded["learner1"]
    assert warnings_in(log) == [], log
    submissions = formgrader(people["instructor"], "GET", f"/submissions/{ASSIGNMENT}").json()
    (mine,) = [s for s in submissions if s["student"] == "learner1"]
    assert mine["score"] == pytest.approx(source_points(autograded_only=True))


def test_an_edited_test_cell_still_warns(graded):
    log = graded["learner2"]
    warned = warnings_in(log)
    assert warned and any(VISIBLE_TEST in line and "checksum" in line for line in warned), log


def test_the_grader_service_logged_no_warning_for_the_normal_cases(hub, graded):
    # What the formgrader itself printed into the hub's log, beside what it answered.
    text = hub.log_file.read_text()
    assert "cheating attempt" not in text
    changed = [line for line in text.splitlines() if "has changed!" in line]
    assert all(VISIBLE_TEST in line for line in changed), changed


def hidden_secrets() -> list[str]:
    """Every assertion (and expected table) inside a hidden region, of every
    assignment of every course: the lines a learner must never be able to read. A line
    that is also part of a visible one (the bare start of a call, ``assert_close(``,
    which the visible tests make too) gives nothing away and is left out."""
    secrets, visible = set(), set()
    for path in sorted((REPO / "courses").glob("*/source/*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                    inside = "BEGIN" in line
                elif inside and ("assert" in line or "expected" in line):
                    secrets.add(line.strip())
                elif not inside:
                    visible.add(line.strip())
    return sorted(s for s in secrets if not any(s in line for line in visible))


@pytest.fixture(scope="module")
def feedback(hub, graded, people) -> list[Path]:
    """Feedback generated, released and fetched by learner1; its HTML files."""
    for step in ("generate_feedback", "release_feedback"):
        reply = formgrader(
            people["instructor"], "POST", f"/assignment/{ASSIGNMENT}/{step}", timeout=600
        )
        assert reply.ok and reply.json()["success"], reply.text
    learner = people["learner1"]
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    assert learner.server("POST", "/assignments/fetch_feedback", data=form).ok
    home = hub.system_dir / "homes" / f"{hub.unix_prefix}{learner.username}"
    pages = list(home.glob(f"{COURSE}/{ASSIGNMENT}/feedback/*/*.html"))
    assert pages, "the learner has their feedback"
    return pages


#: Run by a learner's Unix account: every file it can read under the folders given,
#: read as a person would see it (a notebook's cells and outputs, a page's text without
#: its tags), searched for each line given; prints "<file>\t<line>" per find.
SEARCH_AS_LEARNER = r"""
import html, json, os, re, sys

def texts(path):
    with open(path, "rb") as f:
        raw = f.read(50_000_000).decode("utf-8", "replace")
    yield raw
    if path.endswith(".ipynb"):
        try:
            nb = json.loads(raw)
        except ValueError:
            return
        for cell in nb.get("cells", []):
            yield "".join(cell.get("source", ""))
            for out in cell.get("outputs", []):
                yield json.dumps(out)
                yield "".join(out.get("text", "")) + "".join(
                    "".join(v) if isinstance(v, list) else str(v)
                    for v in out.get("data", {}).values())
                yield "\n".join(out.get("traceback", []))
    if path.endswith((".html", ".htm", ".svg")):
        yield html.unescape(re.sub(r"<[^>]+>", "", raw))

secrets = [line for line in open(sys.argv[1]).read().splitlines() if line]
squash = lambda t: re.sub(r"\s+", " ", t)
for top in sys.argv[2:]:
    for folder, dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(folder, name)
            if path == sys.argv[1] or not os.path.isfile(path):
                continue
            try:
                found = {s for text in texts(path) for s in secrets if squash(s) in squash(text)}
            except OSError:
                continue
            for secret in sorted(found):
                print(f"{path}\t{secret}")
"""


def search_as(hub, learner: str, lines: list[str], places: list[str]) -> list[tuple[str, str]]:
    """What ``learner``'s Unix account finds of ``lines`` in what it can read."""
    patterns = hub.root / f"lines-{len(lines)}.txt"
    patterns.write_text("\n".join(lines) + "\n")
    os.chmod(patterns, 0o644)
    done = run_as(
        f"{hub.unix_prefix}{learner}",
        [sys.executable, "-c", SEARCH_AS_LEARNER, str(patterns), *places],
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [tuple(line.split("\t", 1)) for line in done.stdout.splitlines()]


def test_nothing_a_learner_can_read_holds_a_hidden_test(hub, feedback, people):
    learner = people["learner1"].username
    # Hidden checks are calls of isoko.checks.answers with the expected value on a line
    # of its own: the calls, and a01's hidden answer as the hidden test writes it.
    secrets = [*hidden_secrets(), f"{HIDDEN_ANSWER},"]
    assert len(secrets) > 50 and any("teacher.assert_close(" in s for s in secrets)
    # As the learner's own Unix account: everything the platform holds (homes, the
    # exchange, published content, graders' folders, state), and the checkout.
    places = [str(hub.root), str(REPO)]
    assert search_as(hub, learner, secrets, places) == []
    # The same search does find what a learner should read: a visible test in the
    # release and in their fetched copy; their own answer in their feedback.
    visible = "[((5_000, -2, 0, 0), 10_000)],"
    answer = next(
        line.strip()
        for source in solutions().values()
        for line in source.splitlines()
        if "12_180_000" in line
    )
    found = search_as(hub, learner, [visible, answer], [str(hub.system_dir)])
    tests = [path for path, line in found if line == visible]
    answers = [path for path, line in found if line == answer]
    assert any("/exchange/" in p and "/outbound/" in p for p in tests), found
    assert any(p.endswith(f"{ASSIGNMENT}/{NOTEBOOK}") and "/homes/" in p for p in tests), found
    assert any("/feedback/" in p and p.endswith(".html") for p in answers), found


def test_feedback_loads_nothing_from_another_host(feedback):
    for page in feedback:
        text = page.read_text()
        assert "cdnjs" not in text
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", text)


def test_grades_export_as_a_command_with_one_row_per_learner_per_assignment(hub, graded):
    out = hub.root / "pricing-grades.csv"
    isoko = Path(sys.executable).with_name("isoko")
    done = subprocess.run(
        [str(isoko), "grades", "export", COURSE, str(out), "--checkout", str(REPO)],
        env=hub.environ(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    by_key = {(r["student_id"], r["assignment"]): r for r in rows}
    assert float(by_key[("learner1", ASSIGNMENT)]["score"]) == pytest.approx(
        source_points(autograded_only=True)
    )
    assert ("learner2", ASSIGNMENT) in by_key
    assert list(rows[0])[:7] == [
        "assignment",
        "duedate",
        "timestamp",
        "student_id",
        "last_name",
        "first_name",
        "email",
    ]


def test_grades_download_from_the_formgrader_for_its_graders_only(graded, people):
    instructor = people["instructor"]
    page = instructor.session.get(
        instructor.url(f"/services/{COURSE}/formgrader/manage_assignments")
    )
    assert "Export grades (CSV)" in page.text and ">Progress<" in page.text
    reply = instructor.session.get(instructor.url(f"/services/{COURSE}/isoko/grades.csv"))
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("text/csv")
    assert "learner1" in reply.text and reply.text.startswith("assignment,duedate")
    learner = people["learner3"]
    denied = learner.session.get(learner.url(f"/services/{COURSE}/isoko/grades.csv"))
    assert denied.status_code == 403 and "learner1" not in denied.text


def voila_outputs(page: str) -> str:
    """The text of every output Voila rendered into the page."""
    blocks = re.findall(
        r'<script type="application/vnd.voila.cell-output\+json">\s*(.*?)\s*</script>', page, re.S
    )
    texts = []
    for block in blocks:
        output = json.loads(block)
        data = output.get("data", {})
        texts.append(data.get("text/html", "") or output.get("text", ""))
    return "\n".join(texts)


def test_the_progress_app_shows_the_class(graded, people):
    instructor = people["instructor"]
    reply = instructor.session.get(
        instructor.url(f"/services/{COURSE}/voila/render/progress.ipynb"), timeout=300
    )
    assert reply.status_code == 200, reply.text[-2000:]
    shown = voila_outputs(reply.text)
    assert "3</strong> learners enrolled (from the hub group" in shown, shown[:2000]
    # Two of the three demo learners handed in a01; learner3 has not started.
    assert f'data-label="{ASSIGNMENT}" data-value="2"' in shown
    assert "<td>2 of 3</td><td>learner3</td>" in shown
    assert "nothing handed in yet: <strong>learner3</strong>" in shown
    # learner1 earned all of the break-even question, learner2 too (the edited test was
    # another one): 2 learners at 2 points.
    section = shown.split("test_break_even_packs", 1)[1]
    assert 'data-label="2 points" data-value="2"' in section
    # The written answer waits for a person in both.
    written = shown.split("written_exchange_rate", 1)[1]
    assert 'data-label="not graded yet" data-value="2"' in written
    assert html.escape("grades.csv") in shown
    # Only the course's graders: a learner is turned away.
    learner = people["learner3"]
    denied = learner.session.get(learner.url(f"/services/{COURSE}/voila/render/progress.ipynb"))
    assert denied.status_code == 403


def test_nbgrader_is_on_the_grader_terminals_path(hub, people):
    said = terminal_says(
        people["instructor"], "command -v nbgrader && nbgrader --version", f"/services/{COURSE}"
    )
    assert f"{Path(sys.executable).parent}/nbgrader" in said, said
    assert "0.9.6" in said, said
