"""Not as root, the hub is a single-user trial: it works, and it says it is not isolated."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from support.client import HubUser
from support.hub import REPO, Hub, servers_run_by

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def trial_hub(artifacts_dir):
    if os.geteuid() != 0:
        pytest.skip("needs root to make the unprivileged account that runs the trial")
    account = f"t{secrets.token_hex(2)}-operator"
    root = Path(tempfile.mkdtemp(prefix="isoko-trial-"))
    os.chmod(root, 0o755)
    subprocess.run(
        [
            "useradd",
            "--create-home",
            "--home-dir",
            str(root / "home"),
            "--shell",
            "/bin/bash",
            account,
        ],
        check=True,
    )
    # The operator's own checkout: what `isoko hub` reads from one.
    checkout = root / "checkout"
    for folder in ("courses", "hub_config", "node_modules"):
        shutil.copytree(REPO / folder, checkout / folder, symlinks=True)
    subprocess.run(["chown", "-R", f"{account}:", str(root)], check=True)
    hub = Hub(root=root, checkout=checkout, account=account)
    try:
        hub.start()
        yield hub
    finally:
        hub.stop()
        subprocess.run(["pkill", "-KILL", "-u", account], capture_output=True)
        subprocess.run(["userdel", "--force", account], capture_output=True)
        for log in root.glob("hub-*.log"):
            shutil.copy(log, artifacts_dir / f"trial-{log.name}")
        shutil.rmtree(root, ignore_errors=True)


def test_trial_says_it_is_not_isolated(trial_hub):
    assert "NOT ISOLATED" in trial_hub.log_file.read_text()


def test_trial_learner_gets_lessons_and_assignments(trial_hub):
    demo = trial_hub.demo_accounts["learners"][0]
    learner = HubUser(trial_hub.url, demo["username"], demo["password"])
    learner.login()
    learner.start_server()
    # Every learner's server runs as the operator's own account: that is the trial.
    assert servers_run_by(trial_hub.account)
    listing = learner.server("GET", "/api/contents/pricing/lessons").json()
    assert "01-price-after-fees.ipynb" in [item["name"] for item in listing["content"]]
    listed = learner.server("GET", "/assignments", params={"course_id": "pricing"}).json()
    statuses = {a["assignment_id"]: a["status"] for a in listed["value"]}
    assert statuses["a01-pricing-basics"] == "released"


def test_trial_learner_submits_and_the_instructor_collects(trial_hub):
    """The hardened exchange works with one account for everybody: ownership is trivial."""
    demo = trial_hub.demo_accounts["learners"][1]
    learner = HubUser(trial_hub.url, demo["username"], demo["password"])
    learner.login()
    learner.start_server()
    form = {"course_id": "pricing", "assignment_id": "a01-pricing-basics"}
    assert learner.server("POST", "/assignments/fetch", data=form).ok
    submitted = learner.server("POST", "/assignments/submit", data=form)
    assert submitted.ok and submitted.json()["success"], submitted.text
    teacher = trial_hub.demo_accounts["instructor"]
    instructor = HubUser(trial_hub.url, teacher["username"], teacher["password"])
    instructor.login()
    instructor.session.get(instructor.url("/services/pricing/formgrader"))
    collected = instructor.server(
        "POST",
        "/formgrader/api/assignment/a01-pricing-basics/collect",
        prefix="/services/pricing",
    )
    assert collected.ok and collected.json()["success"], collected.text
    assert "REFUSED" not in collected.json().get("log", "")
    folder = trial_hub.system_dir / "graders" / "pricing" / "submitted" / demo["username"]
    assert (folder / "a01-pricing-basics" / "timestamp.txt").is_file()
