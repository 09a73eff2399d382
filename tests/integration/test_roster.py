"""A class enrolled from a roster file on the real hub, as root, with the real command.

One hub for the file; the tests run in order, as an instructor would: a bad file first
(nothing changes), the class's roster, the learners' first login, the same file again,
the export, and a learner removed in the formgrader's terminal.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from support.client import HubUser, signed_in
from support.hub import REPO, running_hub
from support.signups import hub_groups_of
from support.terminal import terminal_says

pytestmark = pytest.mark.integration

COURSE = "pricing"
ROSTER = """\
username,First Name,last_name,Email,role
amina,Amina,Uwase,amina@example.rw,learner
jeanpaul,Jean-Paul,Habimana,,learner
claudine,Claudine,Mukamana,claudine@example.rw,grader
"""
BAD_ROSTER = """\
username,first name,last name,email,role
zawadi,Zawadi,Ingabire,,learner
kalisa,Kalisa,K,,teacher
zawadi,Zawadi,Again,,learner
"""


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "roster-") as hub:
        yield hub


def isoko(hub, *args: str) -> subprocess.CompletedProcess[str]:
    """The `isoko` command, as root, with the hub's settings, as an operator runs it."""
    command = [str(Path(sys.executable).with_name("isoko")), *args, "--checkout", str(REPO)]
    return subprocess.run(
        command, env=hub.environ(), capture_output=True, text=True, timeout=300, cwd=hub.root
    )


def roster_file(hub, name: str, text: str | bytes) -> Path:
    path = hub.root / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def snapshot(hub) -> dict:
    """Everything an import may change: accounts, group members, the gradebook."""
    hub_db = sqlite3.connect(hub.state_dir / "jupyterhub.sqlite")
    accounts = hub_db.execute(
        "SELECT username, password, is_authorized FROM users_info ORDER BY username"
    ).fetchall()
    groups = hub_db.execute(
        "SELECT groups.name, users.name FROM user_group_map "
        "JOIN groups ON groups.id = group_id JOIN users ON users.id = user_id "
        "ORDER BY groups.name, users.name"
    ).fetchall()
    hub_db.close()
    gradebook = hub.system_dir / "graders" / COURSE / "gradebook.db"
    students = []
    if gradebook.exists():
        book = sqlite3.connect(gradebook)
        students = book.execute(
            "SELECT id, first_name, last_name, email FROM student ORDER BY id"
        ).fetchall()
        book.close()
    return {"accounts": accounts, "groups": groups, "students": students}


def groups_of(hub, username: str) -> set[str]:
    return hub_groups_of(hub.state_dir, username)


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def imported(hub):
    """The class's roster, imported once: (the command's result, first passwords)."""
    result = isoko(hub, "roster", "import", COURSE, str(roster_file(hub, "class.csv", ROSTER)))
    assert result.returncode == 0, result.stderr
    found = re.search(r"First passwords of the new accounts: (\S+)", result.stdout)
    assert found, result.stdout
    passwords_file = Path(found.group(1))
    passwords = {row["username"]: row["password"] for row in rows_of(passwords_file.read_text())}
    return result, passwords_file, passwords


@pytest.fixture(scope="module")
def instructor(hub):
    return signed_in(hub.url, hub.demo_accounts["instructor"], start_server=False)


def test_a_bad_file_changes_nothing_and_names_every_bad_line(hub):
    before = snapshot(hub)
    path = roster_file(hub, "bad.csv", BAD_ROSTER)
    result = isoko(hub, "roster", "import", COURSE, str(path))
    assert result.returncode == 1
    assert "nothing was changed" in result.stderr
    assert "line 3: unknown role 'teacher'" in result.stderr
    assert "line 4: username 'zawadi' is already on line 2" in result.stderr
    assert "line 2" not in result.stderr.replace("on line 2", "")
    # The good row of the file was not applied either: no account, no login.
    assert snapshot(hub) == before
    zawadi = HubUser(hub.url, "zawadi", "whatever-it-is")
    assert "/hub/login" in zawadi.login().url


def test_a_file_in_another_encoding_is_refused_saying_so(hub):
    before = snapshot(hub)
    path = roster_file(
        hub,
        "latin1.csv",
        "username,first name,last name,email,role\neric,Éric,N,,learner\n".encode("latin-1"),
    )
    result = isoko(hub, "roster", "import", COURSE, str(path))
    assert result.returncode == 1
    assert "line 2: not UTF-8" in result.stderr
    assert snapshot(hub) == before


def test_an_unknown_course_is_a_usage_error(hub):
    result = isoko(hub, "roster", "import", "cooking", str(roster_file(hub, "c.csv", ROSTER)))
    assert result.returncode == 2
    assert "no course 'cooking'" in result.stderr


def test_import_says_what_it_did_and_keeps_first_passwords_private(hub, imported):
    result, passwords_file, passwords = imported
    assert result.stdout.startswith(
        "pricing: created 3 account(s), enrolled 2, made 1 grader(s)"
    ), result.stdout
    assert passwords_file.stat().st_mode & 0o777 == 0o600
    assert passwords_file.stat().st_uid == 0
    assert set(passwords) == {"amina", "jeanpaul", "claudine"}


def test_an_imported_learner_logs_in_and_sees_the_course_s_assignment_only(hub, imported):
    _, _, passwords = imported
    amina = signed_in(hub.url, {"username": "amina", "password": passwords["amina"]})
    listed = amina.server("GET", "/assignments", params={"course_id": COURSE}).json()
    assert listed["success"], listed
    assert "a01-pricing-basics" in {a["assignment_id"] for a in listed["value"]}
    other = amina.server("GET", "/assignments", params={"course_id": "logistics"}).json()
    assert not [a for a in other.get("value", []) if a["course_id"] == "logistics"], other
    courses = amina.server("GET", "/courses").json()
    assert courses["value"] == [COURSE], courses


def test_a_grader_opens_the_formgrader_and_is_in_no_other_group(hub, imported):
    _, _, passwords = imported
    assert groups_of(hub, "claudine") == {"formgrade-pricing"}
    claudine = signed_in(
        hub.url, {"username": "claudine", "password": passwords["claudine"]}, start_server=False
    )
    page = claudine.session.get(claudine.url(f"/services/{COURSE}/formgrader"))
    assert page.ok and "/hub/login" not in page.url
    assert groups_of(hub, "amina") == {"nbgrader-pricing"}


def test_learners_have_their_names_in_the_gradebook_owned_by_the_grader(hub, imported, instructor):
    instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader"))
    students = instructor.server(
        "GET", "/formgrader/api/students", prefix=f"/services/{COURSE}"
    ).json()
    by_id = {s["id"]: s for s in students}
    assert (by_id["amina"]["first_name"], by_id["amina"]["last_name"]) == ("Amina", "Uwase")
    assert by_id["amina"]["email"] == "amina@example.rw"
    assert by_id["jeanpaul"]["last_name"] == "Habimana"
    assert "claudine" not in by_id
    # A learner saved in Manage Students with no names shows as their username.
    saved = instructor.server(
        "PUT", "/formgrader/api/student/learner2", prefix=f"/services/{COURSE}", data="{}"
    )
    assert saved.ok, saved.text
    assert (saved.json()["last_name"], saved.json()["first_name"]) == ("learner2", "")
    grader_home = hub.system_dir / "graders" / COURSE
    root_owned = [p.name for p in grader_home.glob("gradebook.db*") if p.stat().st_uid == 0]
    assert root_owned == []


def test_the_same_file_again_changes_nothing(hub, imported):
    before = snapshot(hub)
    passwords_before = sorted(os.listdir(hub.state_dir / "first-passwords"))
    result = isoko(hub, "roster", "import", COURSE, str(hub.root / "class.csv"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pricing: nothing to change"
    assert snapshot(hub) == before
    assert sorted(os.listdir(hub.state_dir / "first-passwords")) == passwords_before


def test_export_gives_back_the_imported_rows_and_reimports_as_nothing(hub, imported):
    result = isoko(hub, "roster", "export", COURSE)
    assert result.returncode == 0, result.stderr
    exported = {row["username"]: row for row in rows_of(result.stdout)}
    for row in rows_of(ROSTER):
        assert exported[row["username"]] == {
            "username": row["username"],
            "first name": row["First Name"],
            "last name": row["last_name"],
            "email": row["Email"],
            "role": row["role"],
        }
    # The demo accounts are members too, with their roles.
    assert exported["instructor"]["role"] == "instructor"
    assert exported["learner1"]["role"] == "learner"
    only_imported = "".join(
        line + "\n"
        for line in result.stdout.splitlines()
        if line.split(",")[0] in {"username", "amina", "jeanpaul", "claudine"}
    )
    again = isoko(
        hub, "roster", "import", COURSE, str(roster_file(hub, "export.csv", only_imported))
    )
    assert again.stdout.strip() == "pricing: nothing to change", again.stdout + again.stderr


def test_removing_a_learner_in_the_formgrader_removes_their_access(hub, imported, instructor):
    _, _, passwords = imported
    prefix = f"/services/{COURSE}"
    instructor.session.get(instructor.url(f"{prefix}/lab"))
    # The formgrader's terminal, as an instructor who wants grades gone too would do it;
    # `nbgrader` is on its PATH. (Manage Students' Remove button keeps grades: tested in
    # test_formgrader_remove.py.)
    output = terminal_says(
        instructor,
        "nbgrader db student remove jeanpaul --force; echo removal-$?-done",
        prefix,
    )
    assert "removal-0-done" in output, output
    assert "nbgrader-pricing" not in groups_of(hub, "jeanpaul")
    jeanpaul = signed_in(hub.url, {"username": "jeanpaul", "password": passwords["jeanpaul"]})
    listed = jeanpaul.server("GET", "/assignments", params={"course_id": COURSE}).json()
    assert not listed.get("value"), listed
    students = instructor.server("GET", "/formgrader/api/students", prefix=prefix).json()
    assert "jeanpaul" not in {s["id"] for s in students}


def test_the_roster_token_cannot_make_an_admin_or_reach_servers(hub, imported):
    token = (hub.state_dir / "roster_api_token").read_text().strip()
    api = f"http://127.0.0.1:{hub.hub_port}/hub/api"
    auth = {"Authorization": f"token {token}"}
    made = requests.post(f"{api}/users/mallory", json={"admin": True}, headers=auth, timeout=10)
    assert made.status_code == 403, made.text
    promoted = requests.patch(f"{api}/users/amina", json={"admin": True}, headers=auth, timeout=10)
    assert promoted.status_code == 403, promoted.text
    started = requests.post(f"{api}/users/amina/server", headers=auth, timeout=10)
    assert started.status_code in (403, 404), started.text
    new_group = requests.post(f"{api}/groups/staff-room", headers=auth, timeout=10)
    assert new_group.status_code in (403, 404), new_group.text
    tokens = requests.get(f"{api}/users/amina/tokens", headers=auth, timeout=10)
    assert tokens.status_code in (403, 404), tokens.text


def test_the_hub_is_not_running_is_said_plainly(hub, imported):
    hub.stop()
    result = isoko(hub, "roster", "export", COURSE)
    assert result.returncode == 3
    assert "the hub is not running" in result.stderr
