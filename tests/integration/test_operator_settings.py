"""An operator's isoko.yaml and jupyterhub_config.d/ both take effect on the real hub."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from support.client import HubUser
from support.hub import Hub, running_hub

pytestmark = pytest.mark.integration

ANNOUNCEMENT = "Exams on Friday: the hub stops at 18:00"


def write_operator_files(hub: Hub) -> None:
    hub.state_dir.mkdir(parents=True)
    (hub.state_dir / "isoko.yaml").write_text(
        "# longer passwords than the default 8, and idle servers stopped sooner\n"
        "password:\n  min_length: 14\nidle:\n  timeout: 1800\n"
    )
    extra = hub.state_dir / "jupyterhub_config.d"
    extra.mkdir()
    (extra / "50-announcement.py").write_text(
        f'c.JupyterHub.template_vars["announcement_login"] = "{ANNOUNCEMENT}"\n'
    )


@pytest.fixture(scope="module")
def operated_hub(artifacts_dir):
    with running_hub(artifacts_dir, "settings-", before_start=write_operator_files) as hub:
        yield hub


def test_the_password_rule_of_isoko_yaml_holds_at_signup(operated_hub):
    short = HubUser(operated_hub.url, "short-pass", "Kigali-2026x")  # 12 characters
    reply = short.signup()
    assert reply.status_code == 400
    assert "Password: use at least 14 characters." in reply.text
    long_enough = HubUser(operated_hub.url, "long-pass", "Kigali-coffee-2026")
    assert "information has been sent to the admin" in long_enough.signup().text


def test_the_idle_limit_of_isoko_yaml_reaches_the_culler(operated_hub):
    commands = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if f"ISOKO_SERVICE_OF={operated_hub.state_dir}".encode() in environ:
            commands.append(cmdline)
    culler = [command for command in commands if b"jupyterhub_idle_culler" in command]
    assert culler and b"--timeout=1800" in culler[0], commands


def test_the_config_d_file_ran_and_the_log_names_it(operated_hub):
    page = requests.get(f"{operated_hub.url}/hub/login", timeout=10)
    assert ANNOUNCEMENT in page.text
    path = operated_hub.state_dir / "jupyterhub_config.d" / "50-announcement.py"
    assert f"Loaded extra hub configuration {path}" in operated_hub.log_file.read_text()
