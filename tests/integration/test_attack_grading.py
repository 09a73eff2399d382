"""Attacks on autograding through the real hub, as root with real Unix accounts.

A learner's answer cell runs when the instructor presses Autograde. Here it tries
everything a learner who wants the answers or a better grade would try: read the
solutions and hidden tests, write the gradebook, plant files in the course folder, the
release and an IPython startup file that would run in later learners' grading, reach
the hub over the network, find a hub token. The answer cell reports what it managed as
its own output; the test reads the autograded notebook and the grader's folders as root.
A second learner submits a memory bomb, a fork bomb and an endless loop: the class is
still graded, with a clear verdict for the bombs.
"""

from __future__ import annotations

import json
import os
import pwd
import sqlite3
from pathlib import Path

import nbformat
import pytest

from isoko.platform.unix import run_as
from support.assignment import (
    ASSIGNMENT,
    COURSE,
    NOTEBOOK,
    answered,
    collect_and_autograde,
    fetch_and_submit,
    score,
    solutions,
    source_points,
)
from support.client import HubUser

pytestmark = pytest.mark.integration

#: A line the learner's code prints; the test parses what follows it.
MARK = "ATTACK-RESULTS "
#: The first answer cell carries the attack (the solution follows it, so it still scores).
ATTACK_CELL = "seller_keeps_rwf"
#: What question 1's test is worth; the bombs take its place, so it earns nothing.
Q1_POINTS = 2

ATTACK = """
import glob, json, os, socket, sqlite3
_results = {{"uid": os.getuid()}}

def _try(name, action):
    try:
        _results[name] = "DONE " + repr(action())[:300]
    except Exception as err:
        _results[name] = "BLOCKED " + type(err).__name__

def _plant(path, text="planted by a learner"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)
    return path

def _tokens():
    found = [k for k in os.environ if "TOKEN" in k or k.startswith("JUPYTERHUB")]
    for environ in glob.glob("/proc/*/environ"):
        try:
            if b"JUPYTERHUB_API_TOKEN" in open(environ, "rb").read():
                found.append(environ)
        except OSError:
            pass
    if not found:
        raise LookupError("no token")
    return found

def _write_gradebook():
    db = sqlite3.connect({grader_home!r} + "/gradebook.db")
    db.execute("create table planted (x)")
    db.commit()

_try("read_source", lambda: open({source!r}).read())
_try("read_staged_source", lambda: open({staged!r}).read())
_try("list_course_dir", lambda: os.listdir({grader_home!r}))
_try("write_gradebook", _write_gradebook)
_try("plant_course_file", lambda: _plant({grader_home!r} + "/planted.txt"))
_try("plant_startup_file", lambda: _plant({startup!r}, "print('ran in another grading')"))
_try("plant_release", lambda: _plant({outbound!r} + "/planted.txt"))
_try("reach_hub", lambda: socket.create_connection(("127.0.0.1", {hub_port}), timeout=3))
_try("reach_public_port", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=3))
_try("find_token", _tokens)
_try("read_learner_home", lambda: os.listdir({homes!r}))
print({mark!r} + json.dumps(_results))
"""

BOMBS = """
import os, signal, time
# Memory: allocate until refused.
_hoard = []
try:
    while True:
        _hoard.append(bytearray(100_000_000))
except MemoryError:
    print("memory bomb refused after", len(_hoard) * 100, "MB")
del _hoard
# Processes: fork for a few seconds. Each child is a copy of the kernel, so it ignores
# the interrupt that will stop the loop below and leaves soon; all are reaped here.
_children, _start = [], time.time()
try:
    while time.time() - _start < 5:
        _pid = os.fork()
        if _pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            time.sleep(2)
            os._exit(0)
        _children.append(_pid)
except OSError as err:
    print("fork bomb refused after", len(_children), "processes:", err)
for _pid in _children:
    os.waitpid(_pid, 0)
# Time: never finish.
while True:
    pass
"""


def autograded_notebook(hub, student: str):
    path = hub.system_dir / "graders" / COURSE / "autograded" / student / ASSIGNMENT / NOTEBOOK
    return nbformat.read(path, as_version=4)


def attack_results(hub, student: str) -> dict:
    for cell in autograded_notebook(hub, student).cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if MARK in text:
                return json.loads(text.split(MARK, 1)[1].splitlines()[0])
    raise AssertionError("the attack cell printed no results")


def attack_code(hub) -> str:
    grader_home = hub.system_dir / "graders" / COURSE
    return ATTACK.format(
        grader_home=str(grader_home),
        source=str(grader_home / "source" / ASSIGNMENT / NOTEBOOK),
        staged=str(hub.system_dir / "course-sources" / COURSE / ASSIGNMENT / NOTEBOOK),
        startup=str(grader_home / ".ipython/profile_default/startup/00-planted.py"),
        outbound=str(hub.system_dir / "exchange" / COURSE / "outbound" / ASSIGNMENT),
        homes=str(hub.system_dir / "homes"),
        hub_port=hub.hub_port,
        port=hub.port,
        mark=MARK,
    )


def planted_paths(hub) -> list[Path]:
    grader_home = hub.system_dir / "graders" / COURSE
    return [
        grader_home / "planted.txt",
        grader_home / ".ipython/profile_default/startup/00-planted.py",
        hub.system_dir / "exchange" / COURSE / "outbound" / ASSIGNMENT / "planted.txt",
    ]


@pytest.fixture(scope="module")
def people(hub):
    accounts = hub.demo_accounts
    users = {}
    for key, demo in (
        # learners[0] is the slice test's; the browser tests only look with [2].
        ("attacker", accounts["learners"][2]),
        ("bomber", accounts["learners"][1]),
        ("instructor", accounts["instructor"]),
    ):
        user = HubUser(hub.url, demo["username"], demo["password"])
        user.login()
        users[key] = user
    return users


@pytest.fixture(scope="module")
def graded_attack(hub, people):
    """The attacker submits; the instructor collects and presses Autograde."""
    attacker = people["attacker"]
    attacker.start_server()
    answers = solutions()
    answers[ATTACK_CELL] = attack_code(hub) + "\n" + answers[ATTACK_CELL]
    fetch_and_submit(attacker, lambda nb: answered(nb, answers))
    collect_and_autograde(people["instructor"], attacker.username)
    return attack_results(hub, attacker.username)


def test_learner_code_runs_as_the_sandbox_account(hub, graded_attack):
    sandbox = pwd.getpwnam(f"{hub.unix_prefix}sandbox")
    grader = pwd.getpwnam(f"{hub.unix_prefix}grader-{COURSE}")
    assert graded_attack["uid"] == sandbox.pw_uid != grader.pw_uid
    assert sandbox.pw_uid != 0


@pytest.mark.parametrize(
    "attack",
    [
        "read_source",
        "read_staged_source",
        "list_course_dir",
        "write_gradebook",
        "reach_hub",
        "reach_public_port",
        "find_token",
        "read_learner_home",
    ],
)
def test_attack_from_a_graded_cell_is_blocked(graded_attack, attack):
    # Planting is judged by what lands on the real disk (below): the sandbox's own /tmp
    # takes any path, so "DONE" there proves nothing either way.
    assert graded_attack[attack].startswith("BLOCKED"), f"{attack}: {graded_attack[attack]}"


def test_nothing_was_planted_and_the_gradebook_is_untouched(hub, graded_attack):
    for path in planted_paths(hub):
        assert not path.exists(), f"the learner planted {path}"
    gradebook = hub.system_dir / "graders" / COURSE / "gradebook.db"
    with sqlite3.connect(gradebook) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master")}
    assert "planted" not in tables


def test_sandboxed_grading_scores_the_solution_in_full(people, graded_attack):
    # The attack does not cost the answer its points: grading itself is unchanged.
    points = score(people["instructor"], people["attacker"].username, autograded_only=True)
    assert points == pytest.approx(source_points(autograded_only=True))


def test_the_sandbox_account_owns_nothing(hub, graded_attack):
    uid = pwd.getpwnam(f"{hub.unix_prefix}sandbox").pw_uid
    owned = [
        os.path.join(folder, name)
        for folder, dirs, files in os.walk(hub.system_dir)
        for name in [*dirs, *files]
        if os.lstat(os.path.join(folder, name)).st_uid == uid
    ]
    assert owned == []


def test_command_line_autograde_is_sandboxed_too(hub, people, graded_attack):
    """The grader's own `nbgrader autograde` in the course folder: no unsandboxed way."""
    grader = f"{hub.unix_prefix}grader-{COURSE}"
    home = hub.system_dir / "graders" / COURSE
    bin_dir = Path(os.sys.executable).parent
    result = run_as(
        grader,
        [
            str(bin_dir / "nbgrader"),
            "autograde",
            ASSIGNMENT,
            "--student",
            people["attacker"].username,
            "--force",
        ],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        cwd=home,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    again = attack_results(hub, people["attacker"].username)
    assert again["uid"] == pwd.getpwnam(f"{hub.unix_prefix}sandbox").pw_uid
    blocked = ("read_source", "read_staged_source", "write_gradebook", "reach_hub", "find_token")
    assert all(again[name].startswith("BLOCKED") for name in blocked), again
    for path in planted_paths(hub):
        assert not path.exists(), f"the learner planted {path}"


def test_bombs_get_a_verdict_and_the_class_is_still_graded(hub, people, graded_attack):
    bomber = people["bomber"]
    bomber.start_server()
    answers = solutions()
    answers[ATTACK_CELL] = BOMBS
    fetch_and_submit(bomber, lambda nb: answered(nb, answers))
    collect_and_autograde(people["instructor"], bomber.username)

    cells = autograded_notebook(hub, bomber.username).cells
    bomb_cell = next(
        c for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == ATTACK_CELL
    )
    text = json.dumps(bomb_cell.outputs)
    assert "memory bomb refused" in text
    assert "fork bomb refused" in text
    # The endless loop is stopped at the cell's time limit, as nbgrader would.
    assert "CellTimeoutError" in text, text[-2000:]
    # Question 1's test needs the function the bombs replaced: it earns nothing; the
    # other answers are the solutions and still earn theirs. (Autograded points only:
    # another test may have marked this learner's written answer by hand.)
    earned = score(people["instructor"], bomber.username, autograded_only=True)
    assert earned == pytest.approx(source_points(autograded_only=True) - Q1_POINTS)
    # The attacker's grade, graded before, is untouched, and the hub still answers.
    assert score(
        people["instructor"], people["attacker"].username, autograded_only=True
    ) == pytest.approx(source_points(autograded_only=True))
    assert people["instructor"].hub_api("GET", "/").ok


@pytest.mark.parametrize("name", ["grader-pricing", "sandbox"])
def test_signing_up_as_one_of_isokos_own_accounts_is_refused(hub, name):
    """Approved, such a name would run its server as the grader or the sandbox account."""
    impostor = HubUser(hub.url, name, "Kigali-coffee-2026")
    impostor.signup()
    reply = impostor.login()
    assert "Invalid username or password" in reply.text
    assert "has not been authorized" not in reply.text
