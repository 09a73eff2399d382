"""The hub configuration, one value at a time, on a bare traitlets Config."""

from __future__ import annotations

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
    hubconfig.update_authenticator(c)
    assert c.JupyterHub.authenticator_class == "isoko.hub.auth.IsokoAuthenticator"
    assert c.IsokoAuthenticator.open_signup is False
    assert c.Authenticator.admin_users == {"instructor"}


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
    assert c.Spawner.cmd == [str(s.bin_dir / "jupyterhub-singleuser")]
    assert c.Spawner.default_url == "/lab"


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
    assert "idle-culler" in services


def test_trial_formgrader_runs_as_the_hub_account(courses):
    c = Config()
    hubconfig.update_services(c, settings(False), courses)
    assert "user" not in c.JupyterHub.services[0]


def test_groups_follow_nbgrader_names(courses):
    c = Config()
    hubconfig.update_groups(c, courses)
    assert c.JupyterHub.load_groups["formgrade-pricing"] == {"users": ["instructor"]}
    assert c.JupyterHub.load_groups["nbgrader-pricing"]["users"] == [
        "learner1",
        "learner2",
        "learner3",
    ]


def test_roles_give_each_party_only_what_it_needs(courses):
    c = Config()
    hubconfig.update_roles(c, courses)
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    assert roles["formgrade-pricing"]["scopes"] == ["access:services!service=pricing"]
    assert roles["formgrade-pricing"]["groups"] == ["formgrade-pricing"]
    assert roles["grader-pricing"]["services"] == ["pricing"]
    assert "groups!group=nbgrader-pricing" in roles["grader-pricing"]["scopes"]
    # A learner's server may read its own groups, never other users' servers.
    assert all(
        scope.endswith("!user") or scope in ("list:services", "read:services")
        for scope in roles["server"]["scopes"]
    )
