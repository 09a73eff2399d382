"""The hub configuration, one value at a time, on a bare traitlets Config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets.config import Config

from isoko.courses.catalog import load_courses
from isoko.hub import config as hubconfig
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def settings(as_root: bool, **env) -> Settings:
    return Settings.from_environ(checkout=REPO, environ=env, as_root=as_root)


@pytest.fixture
def courses():
    return load_courses(REPO / "courses")


def test_hub_listens_on_loopback_by_default():
    c = Config()
    hubconfig.update_network(c, settings(False))
    assert c.JupyterHub.ip == "127.0.0.1"
    assert c.JupyterHub.port == 8000
    assert c.JupyterHub.hub_ip == "127.0.0.1"


def test_port_comes_from_the_environment():
    c = Config()
    hubconfig.update_network(c, settings(False, ISOKO_PORT="8123", ISOKO_PROXY_API_PORT="8124"))
    assert c.JupyterHub.port == 8123
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:8124"


def test_state_lives_in_the_state_dir(tmp_path):
    s = settings(False, ISOKO_STATE_DIR=str(tmp_path))
    c = Config()
    hubconfig.update_state(c, s, "token")
    assert c.JupyterHub.db_url == f"sqlite:///{tmp_path / 'jupyterhub.sqlite'}"
    assert c.JupyterHub.cookie_secret_file == str(tmp_path / "jupyterhub_cookie_secret")
    assert c.ConfigurableHTTPProxy.command == [
        str(REPO / "node_modules/.bin/configurable-http-proxy")
    ]
    assert c.JupyterHub.cleanup_servers is True


def test_signup_needs_approval():
    c = Config()
    hubconfig.update_authenticator(c, settings(False))
    assert c.JupyterHub.authenticator_class == "isoko.hub.auth.IsokoAuthenticator"
    assert c.IsokoAuthenticator.open_signup is False
    # The operator is the only admin, through the admin role's exact list (update_roles).
    assert "admin_users" not in c.Authenticator


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("learner1", True),
        ("amina_k", True),
        ("Root", False),
        ("a", False),
        ("../etc", False),
        ("x" * 30, False),
        ("1abc", False),
        # Once prefixed these would be Isoko's own grader and sandbox accounts.
        ("grader-pricing", False),
        ("sandbox", False),
        ("sandboxer", True),
        ("my-grader-notes", True),
    ],
)
def test_usernames_fit_unix_accounts(name, allowed):
    import re

    assert bool(re.match(hubconfig.USERNAME_PATTERN, name)) is allowed


def test_root_gets_one_unix_account_per_learner():
    c = Config()
    hubconfig.update_spawner(c, settings(True, ISOKO_SYSTEM_DIR="/srv/x"))
    assert c.JupyterHub.spawner_class == "isoko.hub.spawner.IsokoUnixSpawner"
    assert c.IsokoUnixSpawner.homes_dir == "/srv/x/homes"
    assert c.IsokoUnixSpawner.unix_prefix == "isoko-"


def test_each_learner_gets_memory_process_and_cpu_limits_by_default():
    c = Config()
    hubconfig.update_spawner(c, settings(True))
    spawner = c.IsokoUnixSpawner
    assert spawner.mem_limit == 3 * 2**30
    assert spawner.process_mem_limit == 2 * 2**30
    assert spawner.process_limit == 256
    assert spawner.nice == 5


def test_learner_limits_come_from_the_environment():
    c = Config()
    s = settings(
        True,
        ISOKO_LEARNER_MEMORY_MB="1024",
        ISOKO_LEARNER_PROCESS_MEMORY_MB="512",
        ISOKO_LEARNER_PROCESSES="0",
        ISOKO_LEARNER_NICE="0",
    )
    hubconfig.update_spawner(c, s)
    assert c.IsokoUnixSpawner.mem_limit == 2**30
    assert c.IsokoUnixSpawner.process_mem_limit == 512 * 2**20
    assert c.IsokoUnixSpawner.process_limit == 0 and c.IsokoUnixSpawner.nice == 0


def test_not_root_is_a_trial():
    c = Config()
    s = settings(False, ISOKO_STATE_DIR="/tmp/st")
    hubconfig.update_spawner(c, s)
    assert c.JupyterHub.spawner_class == "isoko.hub.spawner.IsokoTrialSpawner"
    assert c.IsokoTrialSpawner.home_dir_template == "/tmp/st/system/homes/{username}"


def test_learner_servers_read_the_learner_config():
    c = Config()
    s = settings(True, ISOKO_SYSTEM_DIR="/srv/x")
    hubconfig.update_spawner(c, s)
    assert c.Spawner.environment["JUPYTER_CONFIG_PATH"] == "/srv/x/etc/learner"
    assert c.Spawner.cmd == [str(s.bin_dir / "python"), "-m", "isoko.hub.singleuser"]
    # Their course page, served by the isoko.learner extension of their own server.
    assert c.Spawner.default_url == "/learn"


def test_one_formgrader_service_per_course_runs_as_its_grader(courses):
    c = Config()
    s = settings(True, ISOKO_SYSTEM_DIR="/srv/x", ISOKO_SERVICE_PORT_BASE="9100")
    hubconfig.update_services(c, s, courses)
    services = {svc["name"]: svc for svc in c.JupyterHub.services}
    pricing = services["pricing"]
    assert pricing["user"] == "isoko-grader-pricing"
    assert pricing["cwd"] == "/srv/x/graders/pricing"
    assert pricing["url"].startswith("http://127.0.0.1:91")
    assert pricing["environment"]["ISOKO_COURSE"] == "pricing"
    # The same lighter start as learners' servers.
    assert pricing["command"] == [str(s.bin_dir / "python"), "-m", "isoko.hub.singleuser"]
    assert "idle-culler" in services


def test_trial_formgrader_runs_as_the_hub_account(courses):
    c = Config()
    hubconfig.update_services(c, settings(False), courses)
    assert "user" not in c.JupyterHub.services[0]


def test_groups_follow_nbgrader_names_and_name_no_member(courses):
    c = Config()
    hubconfig.update_groups(c, courses)
    assert c.JupyterHub.load_groups == {
        f"{kind}-{course.slug}": {}
        for course in courses
        for kind in ("formgrade", "instructors", "nbgrader")
    }


def test_the_hub_configuration_names_no_demo_account(courses):
    """Demo learners and the demo instructor reach their groups by enrolment
    (``isoko.platform.demo``), so a hub without the demo has none of them."""
    c = Config()
    hubconfig.update_groups(c, courses)
    hubconfig.update_roles(c, courses)
    hubconfig.update_services(c, settings(True), courses)
    text = json.dumps([c.JupyterHub.load_groups, c.JupyterHub.load_roles], default=str)
    for name in ("instructor", "learner1", "learner2", "learner3"):
        assert f'"{name}"' not in text


def test_the_operator_is_the_only_admin(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    # An exact list: the hub takes admin away from anyone else (an older instructor).
    assert roles["admin"] == {"name": "admin", "users": ["admin"]}
    assert roles["operator"]["users"] == ["admin"]
    assert roles["operator"]["scopes"] == [
        "custom:isoko:signups:approve",
        "custom:isoko:enrolment:read",
    ]


def test_an_instructor_approves_and_sees_enrolment_of_their_own_course_only(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    assert roles["instructors-pricing"]["groups"] == ["instructors-pricing"]
    assert roles["instructors-pricing"]["scopes"] == [
        "custom:isoko:enrolment:read!group=nbgrader-pricing",
        "custom:isoko:signups:approve!group=nbgrader-pricing",
    ]
    # Nothing of JupyterHub's own: no server access, no user or group API.
    every_instructor_scope = [
        scope
        for name, role in roles.items()
        if name.startswith("instructors-")
        for scope in role["scopes"]
    ]
    assert all(scope.startswith("custom:isoko:") for scope in every_instructor_scope)


def test_a_grader_only_opens_the_formgrader(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    assert roles["formgrade-logistics"]["scopes"] == ["access:services!service=logistics"]
    assert roles["formgrade-logistics"]["groups"] == ["formgrade-logistics"]
    assert "user" not in roles, "learners keep JupyterHub's own user role: self only"


def test_course_pages_define_their_scopes_and_read_the_codes_file(tmp_path, courses):
    from jupyterhub.scopes import _check_scopes_exist, define_custom_scopes

    s = settings(True, ISOKO_STATE_DIR=str(tmp_path))
    c = Config()
    hubconfig.update_course_pages(c, s, courses)
    hubconfig.update_roles(c, courses)
    assert set(c.JupyterHub.custom_scopes) == {
        "custom:isoko:signups:approve",
        "custom:isoko:enrolment:read",
    }
    define_custom_scopes(c.JupyterHub.custom_scopes)
    for role in c.JupyterHub.load_roles:
        _check_scopes_exist(role.get("scopes", []), role["name"])  # the hub would refuse
    assert c.IsokoAuthenticator.enrolment_codes_file == str(tmp_path / "enrolment-codes.json")
    assert c.IsokoAuthenticator.course_titles == {x.slug: x.title for x in courses}
    assert callable(c.JupyterHub.template_vars["isoko"])


def test_roles_give_each_party_only_what_it_needs(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    assert roles["formgrade-pricing"]["scopes"] == ["access:services!service=pricing"]
    assert roles["formgrade-pricing"]["groups"] == ["formgrade-pricing"]
    assert roles["grader-pricing"]["services"] == ["pricing"]


def test_a_formgrader_reaches_only_its_own_course_group_and_service(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    # Exactly these: no read of other users, no other group, no unfiltered scope.
    assert roles["grader-pricing"]["scopes"] == [
        "groups!group=nbgrader-pricing",
        "list:services!service=pricing",
        "read:services!service=pricing",
    ]
    assert roles["grader-logistics"]["scopes"] == [
        "groups!group=nbgrader-logistics",
        "list:services!service=logistics",
        "read:services!service=logistics",
    ]


def test_a_learner_server_asks_only_for_what_its_user_holds(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    # Each scope is filtered to the server's own user or server: a user holds no more,
    # so the hub drops nothing from the server's token.
    assert roles["server"]["scopes"] == [
        "users:activity!user",
        "access:servers!server",
        "read:users:groups!user",
    ]


def test_cookies_are_same_site_and_not_secure_over_plain_http():
    c = Config()
    hubconfig.update_cookies(c, settings(True))
    assert c.JupyterHub.tornado_settings["cookie_options"] == {"samesite": "Lax"}


def test_cookies_are_secure_when_the_hub_serves_https(tmp_path):
    c = Config()
    s = settings(True, ISOKO_SSL_CERT=str(tmp_path / "c.pem"), ISOKO_SSL_KEY=str(tmp_path / "k"))
    hubconfig.update_cookies(c, s)
    hubconfig.update_tls(c, s)
    assert c.JupyterHub.tornado_settings["cookie_options"] == {"samesite": "Lax", "secure": True}
    assert c.JupyterHub.ssl_cert == str(tmp_path / "c.pem")
    assert c.JupyterHub.ssl_key == str(tmp_path / "k")


def test_cookies_are_secure_behind_an_https_proxy():
    c = Config()
    s = settings(True, ISOKO_BEHIND_HTTPS_PROXY="1")
    hubconfig.update_cookies(c, s)
    hubconfig.update_tls(c, s)
    assert c.JupyterHub.tornado_settings["cookie_options"] == {"samesite": "Lax", "secure": True}
    assert "ssl_cert" not in c.JupyterHub


def test_formgraders_get_the_hubs_cookie_options(courses):
    # The hub passes its cookie options to spawners, not to services.
    for env, expected in (
        ({}, {"samesite": "Lax"}),
        ({"ISOKO_BEHIND_HTTPS_PROXY": "1"}, {"samesite": "Lax", "secure": True}),
    ):
        c = Config()
        hubconfig.update_services(c, settings(True, **env), courses)
        pricing = next(svc for svc in c.JupyterHub.services if svc["name"] == "pricing")
        assert json.loads(pricing["environment"]["JUPYTERHUB_COOKIE_OPTIONS"]) == expected


def test_the_roster_service_is_a_token_only_with_no_process_or_url(courses):
    c = Config()
    hubconfig.update_services(c, settings(True), courses, roster_token="abc123")
    services = {svc["name"]: svc for svc in c.JupyterHub.services}
    assert services["roster"] == {"name": "roster", "api_token": "abc123", "display": False}


def test_the_roster_service_changes_only_the_courses_groups(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    assert roles["roster"]["services"] == ["roster"]
    scopes = roles["roster"]["scopes"]
    # Creating accounts' hub records needs admin:users; every group scope is filtered to
    # one course group, and nothing reaches servers, tokens or services.
    assert scopes[0] == "admin:users"
    assert sorted(scopes[1:]) == sorted(
        f"groups!group={group}-{course.slug}"
        for course in courses
        for group in ("nbgrader", "formgrade", "instructors")
    )


def test_every_service_carries_the_mark_of_its_hubs_state(courses):
    """A hub killed outright leaves its services running: the next one finds them by it."""
    s = settings(True, ISOKO_STATE_DIR="/var/lib/isoko-a")
    c = Config()
    hubconfig.update_services(c, s, courses)
    assert len(c.JupyterHub.services) == len(courses) + 2  # the graders, the culler, the gallery
    for service in c.JupyterHub.services:
        assert service["environment"]["ISOKO_SERVICE_OF"] == "/var/lib/isoko-a", service["name"]
