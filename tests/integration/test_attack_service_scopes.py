"""Least privilege of the tokens the hub hands out, asked of the real hub with each token.

A learner's server and each formgrader hold an API token. Each must hold exactly the
scopes the configuration grants: the hub drops from a server's token what its owner
lacks, and says so only in its debug log, so each token itself is asked. A formgrader's
token, which its grader account can read, must reach only its own course's group.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from jupyterhub.scopes import expand_scopes

from isoko.hub.config import SERVER_SCOPES, grader_scopes
from support.client import HubUser, signed_in
from support.hub import servers_run_by
from support.signups import can_log_in, sign_up

pytestmark = pytest.mark.integration

COURSE = "pricing"
OTHER_COURSE = "logistics"


def token_of(pid: int) -> str:
    """The hub API token in a server's environment (root reads any process's)."""
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    values = dict(item.decode().split("=", 1) for item in environ if b"=" in item)
    return values["JUPYTERHUB_API_TOKEN"]


class Token:
    def __init__(self, hub, token: str):
        self.api = f"{hub.url}/hub/api"
        self.headers = {"Authorization": f"token {token}"}

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.api + path, headers=self.headers, **kwargs)

    def scopes(self) -> set[str]:
        reply = self("GET", "/user")
        assert reply.ok, reply.text
        return set(reply.json()["scopes"])


@pytest.fixture(scope="module")
def instructor(hub):
    demo = hub.demo_accounts["instructor"]
    user = HubUser(hub.url, demo["username"], demo["password"])
    user.login()
    return user


@pytest.fixture(scope="module")
def learner(hub):
    return signed_in(hub.url, hub.demo_accounts["learners"][0])


@pytest.fixture(scope="module")
def learner_token(hub, learner) -> Token:
    ((pid, _),) = servers_run_by(f"{hub.unix_prefix}{learner.username}")
    return Token(hub, token_of(pid))


@pytest.fixture(scope="module")
def grader_token(hub) -> Token:
    ((pid, _),) = servers_run_by(f"{hub.unix_prefix}grader-{COURSE}")
    return Token(hub, token_of(pid))


def test_a_learner_servers_token_holds_exactly_what_is_granted(learner, learner_token):
    name = learner.username
    granted = [
        scope.replace("!user", f"!user={name}").replace("!server", f"!server={name}/")
        for scope in SERVER_SCOPES
    ]
    # JupyterHub lets every token read its owner's name and groups (``identify_scopes``).
    identify = {f"read:users:name!user={name}", f"read:users:groups!user={name}"}
    assert learner_token.scopes() == expand_scopes(granted) | identify


def test_a_formgraders_token_holds_exactly_what_is_granted(grader_token):
    assert grader_token.scopes() == expand_scopes(grader_scopes(COURSE))


def test_a_learner_server_reads_only_its_own_user(hub, learner, learner_token):
    own = learner_token("GET", f"/users/{learner.username}")
    assert own.ok and f"nbgrader-{COURSE}" in own.json()["groups"]
    other = hub.demo_accounts["learners"][1]["username"]
    assert learner_token("GET", f"/users/{other}").status_code in (403, 404)
    assert learner_token("GET", "/users").status_code == 403


def test_a_formgrader_cannot_enrol_in_another_course(hub, grader_token):
    outsider = sign_up(hub.url, "scope-outsider")
    for group in (f"nbgrader-{OTHER_COURSE}", f"formgrade-{COURSE}", f"formgrade-{OTHER_COURSE}"):
        reply = grader_token("POST", f"/groups/{group}/users", json={"users": [outsider.username]})
        assert reply.status_code in (403, 404), (group, reply.status_code, reply.text)
        listed = grader_token("GET", f"/groups/{group}")
        assert listed.status_code in (403, 404), group
    learner = hub.demo_accounts["learners"][0]["username"]
    reply = grader_token(
        "DELETE", f"/groups/nbgrader-{OTHER_COURSE}/users", json={"users": [learner]}
    )
    assert reply.status_code in (403, 404)


def test_a_formgrader_cannot_read_users(hub, grader_token):
    for name in ("instructor", hub.demo_accounts["learners"][1]["username"]):
        assert grader_token("GET", f"/users/{name}").status_code in (403, 404), name
    assert grader_token("GET", "/users").status_code == 403


def test_a_formgrader_cannot_make_anyone_admin(hub, grader_token):
    learner = hub.demo_accounts["learners"][1]["username"]
    reply = grader_token("PATCH", f"/users/{learner}", json={"admin": True})
    assert reply.status_code in (403, 404)
    reply = grader_token("POST", "/users/grader-made-admin", json={"admin": True})
    assert reply.status_code in (403, 404)
    assert grader_token("POST", f"/users/{learner}/tokens", json={}).status_code in (403, 404)


def test_a_formgrader_sees_only_its_own_group_and_service(grader_token):
    groups = grader_token("GET", "/groups")
    assert groups.ok and [g["name"] for g in groups.json()] == [f"nbgrader-{COURSE}"]
    services = grader_token("GET", "/services")
    assert services.ok and list(services.json()) == [COURSE]
    assert services.json()[COURSE]["prefix"] == f"/services/{COURSE}/"


def test_the_instructor_enrols_a_new_learner_who_then_sees_the_course(hub, instructor):
    newcomer = sign_up(hub.url, "enrolled-seller")
    # The operator approves the sign-up (it gave no course code); the instructor enrols.
    demo = hub.demo_accounts["admin"]
    admin = HubUser(hub.url, demo["username"], demo["password"])
    admin.login()
    admin.session.get(admin.url("/hub/authorize"))
    approved = admin.session.post(
        admin.url(f"/hub/authorize/{newcomer.username}"), data={"_xsrf": admin._xsrf("/hub/")}
    )
    assert approved.ok and can_log_in(newcomer)
    newcomer.login()
    newcomer.start_server()
    assert newcomer.server("GET", "/courses").json()["value"] == []

    assert instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader")).ok
    reply = instructor.server(
        "PUT",
        f"/formgrader/api/student/{newcomer.username}",
        prefix=f"/services/{COURSE}",
        data=json.dumps({"first_name": "New", "last_name": "Seller", "email": None}),
    )
    assert reply.ok, reply.text

    listed = newcomer.server("GET", "/assignments", params={"course_id": COURSE}).json()
    assert listed["success"] and [a["assignment_id"] for a in listed["value"]], listed
    assert newcomer.server("GET", "/courses").json()["value"] == [COURSE]
    # ...and only that course: the formgrader enrolled nowhere else.
    # (The instructor may not read other users; the operator checks.)
    groups = admin.hub_api("GET", f"/users/{newcomer.username}").json()["groups"]
    assert groups == [f"nbgrader-{COURSE}"]


def test_a_demo_learners_assignments_tab_lists_the_course(learner):
    courses = learner.server("GET", "/courses").json()
    assert courses["success"] and COURSE in courses["value"], courses


def test_the_graders_courses_tab_finds_its_formgrader(hub, instructor):
    """What list:services and read:services (its own service only) are granted for."""
    assert instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader")).ok
    reply = instructor.server("GET", "/formgraders", prefix=f"/services/{COURSE}")
    assert reply.ok and reply.json()["success"], reply.text
    jupyterhub = [c for c in reply.json()["value"] if c["kind"] == "jupyterhub"]
    assert jupyterhub == [
        {
            "course_id": COURSE,
            "url": f"{hub.url}/services/{COURSE}/lab?formgrader=true",
            "kind": "jupyterhub",
        }
    ]


def test_a_learner_server_reports_activity_only_for_its_user(hub, learner, learner_token):
    """What users:activity!user is granted for: the idle culler reads it."""
    now = {"last_activity": "2026-01-01T00:00:00Z"}
    assert learner_token("POST", f"/users/{learner.username}/activity", json=now).ok
    other = hub.demo_accounts["learners"][1]["username"]
    reply = learner_token("POST", f"/users/{other}/activity", json=now)
    assert reply.status_code in (403, 404)
