"""Apply a course roster to the running hub, and read a course's roster back from it.

Three places hold who is in a course, and each is changed the way that is safe while
the hub runs:

- accounts live in NativeAuthenticator's table in the hub database, which the hub reads
  at every login, so a new row (or an approval) is written there directly, as the demo
  accounts are; SQLite serialises the writes;
- group membership and hub user records belong to the hub, which keeps them in memory
  too, so they change only through its REST API, with the token of the ``roster``
  service (see ``isoko.hub.config.roster_scopes``);
- learners' names live in the course gradebook, owned by the course's grader account,
  so they are written by a child process running as that account.

Graders' and instructors' names, which no gradebook holds, are kept in the state
directory. New accounts get a random first password, written to a 0600 file there.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests

from isoko.courses.roster import CourseMembers, ImportPlan, Names, RosterRow
from isoko.names import formgrade_group, instructor_group, student_group
from isoko.platform.secrets import ensure_private_dir, read_json, write_private, write_private_json
from isoko.platform.settings import Settings


class RosterUnavailable(RuntimeError):
    """The hub or the gradebook could not be reached; nothing more was changed."""


@dataclass
class HubAPI:
    """The hub's REST API as the roster service."""

    url: str
    token: str
    timeout: float = 30

    @classmethod
    def for_settings(cls, s: Settings) -> HubAPI:
        url = f"http://127.0.0.1:{s.hub_port}/hub/api"
        if not s.roster_token_file.exists():
            raise RosterUnavailable(
                "the roster service has no token yet: start the hub once (make hub)"
            )
        try:
            api = cls(url, s.roster_token_file.read_text().strip())
        except PermissionError:
            raise RosterUnavailable(
                f"cannot read {s.roster_token_file}: run this as root, like the hub"
            ) from None
        try:
            requests.get(f"{url}/", timeout=5)
        except requests.ConnectionError:
            raise RosterUnavailable(
                f"the hub is not running (nothing answers at {url}): start it with `make hub` "
                "and run this again; nothing was changed"
            ) from None
        return api

    def request(self, method: str, path: str, ok: tuple[int, ...] = (), **kwargs):
        reply = requests.request(
            method,
            f"{self.url}{path}",
            headers={"Authorization": f"token {self.token}"},
            timeout=self.timeout,
            **kwargs,
        )
        if reply.status_code in (401, 403):
            raise RosterUnavailable(
                f"the hub refused the roster service ({reply.status_code} on {method} {path}): "
                "restart the hub so that it knows the roster token"
            )
        if not reply.ok and reply.status_code not in ok:
            raise RosterUnavailable(
                f"the hub answered {reply.status_code} to {method} {path}: {reply.text}"
            )
        return reply

    def members(self, group: str) -> frozenset[str]:
        return frozenset(self.request("GET", f"/groups/{group}").json()["users"])

    def ensure_users(self, names: list[str]) -> None:
        # 409: all of them exist already, which is fine.
        if names:
            self.request("POST", "/users", ok=(409,), json={"usernames": names})

    def add(self, group: str, names: list[str]) -> None:
        if names:
            self.request("POST", f"/groups/{group}/users", json={"users": names})

    def remove(self, group: str, names: list[str]) -> None:
        if names:
            self.request("DELETE", f"/groups/{group}/users", json={"users": names})


def course_members(api: HubAPI, course: str) -> CourseMembers:
    return CourseMembers(
        learners=api.members(student_group(course)),
        graders=api.members(formgrade_group(course)),
        instructors=api.members(instructor_group(course)),
    )


# --- accounts in NativeAuthenticator's table ----------------------------------------
def accounts(db_url: str, names: list[str]) -> dict[str, bool]:
    """Which of ``names`` have an account, and whether it is approved."""
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    session = orm.new_session_factory(db_url)()
    try:
        found = {}
        for name in names:
            info = UserInfo.find(session, name)
            if info is not None:
                found[name] = bool(info.is_authorized)
        return found
    finally:
        session.close()


def create_and_approve(db_url: str, passwords: dict[str, str], approve: list[str]) -> None:
    """New approved accounts with these passwords; approval of pending sign-ups."""
    import bcrypt
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    session = orm.new_session_factory(db_url)()
    try:
        for name, password in passwords.items():
            hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
            session.add(UserInfo(username=name, password=hashed, is_authorized=True))
        for name in approve:
            UserInfo.find(session, name).is_authorized = True
        session.commit()
    finally:
        session.close()


def write_first_passwords(s: Settings, course: str, passwords: dict[str, str]) -> Path:
    ensure_private_dir(s.first_passwords_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = s.first_passwords_dir / f"{course}-{stamp}.csv"
    lines = ["username,password", *(f"{name},{pw}" for name, pw in sorted(passwords.items()))]
    write_private(path, "\n".join(lines) + "\n")
    return path


# --- the gradebook, as the grader ---------------------------------------------------
def _gradebook(s: Settings, course: str, request: dict) -> dict:
    from isoko.platform import unix

    cmd = [
        sys.executable,
        "-m",
        "isoko.courses.gradebook_students",
        course,
        str(s.grader_home(course)),
    ]
    env = {"JUPYTER_CONFIG_PATH": str(s.grader_config_dir)}
    text = json.dumps(request)
    if s.as_root:
        result = unix.run_as(
            s.grader_unix_name(course), cmd, env=env, cwd=s.grader_home(course), input=text
        )
    else:
        result = subprocess.run(
            cmd, input=text, capture_output=True, text=True, cwd=s.grader_home(course)
        )
    if result.returncode != 0:
        raise RosterUnavailable(f"the {course} gradebook could not be used: {result.stderr}")
    return json.loads(result.stdout)


def gradebook_names(s: Settings, course: str) -> dict[str, Names]:
    students = _gradebook(s, course, {"action": "read"})["students"]
    return {name: Names(**fields) for name, fields in students.items()}


def write_gradebook(s: Settings, course: str, students: dict[str, Names]) -> None:
    if students:
        payload = {name: vars(names) for name, names in students.items()}
        _gradebook(s, course, {"action": "write", "students": payload})


# --- graders' and instructors' names ------------------------------------------------
def staff_names(s: Settings) -> dict[str, Names]:
    if not s.staff_names_file.exists():
        return {}
    return {name: Names(**fields) for name, fields in read_json(s.staff_names_file).items()}


def write_staff_names(s: Settings, changed: dict[str, Names]) -> None:
    if changed:
        known = staff_names(s) | changed
        write_private_json(s.staff_names_file, {n: vars(v) for n, v in sorted(known.items())})


# --- the two commands ---------------------------------------------------------------
@dataclass
class CourseState:
    members: CourseMembers
    accounts: dict[str, bool]
    gradebook: dict[str, Names]
    staff: dict[str, Names]


def read_state(s: Settings, api: HubAPI, course: str, names: list[str]) -> CourseState:
    return CourseState(
        members=course_members(api, course),
        accounts=accounts(s.db_url, names),
        gradebook=gradebook_names(s, course),
        staff=staff_names(s),
    )


def apply_plan(
    s: Settings, api: HubAPI, course: str, rows: list[RosterRow], plan: ImportPlan
) -> Path | None:
    """Make the change; return the first-passwords file if accounts were created."""
    passwords = {name: secrets.token_urlsafe(12) for name in plan.new_accounts}
    passwords_file = write_first_passwords(s, course, passwords) if passwords else None
    if passwords or plan.approve:
        create_and_approve(s.db_url, passwords, plan.approve)
    api.ensure_users([row.username for row in rows])
    api.add(student_group(course), plan.add_learners)
    api.add(formgrade_group(course), plan.add_graders)
    api.add(instructor_group(course), plan.add_instructors)
    api.remove(instructor_group(course), plan.remove_instructors)
    api.remove(formgrade_group(course), plan.remove_graders)
    write_gradebook(s, course, plan.gradebook)
    write_staff_names(s, plan.staff)
    return passwords_file
