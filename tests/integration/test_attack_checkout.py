"""A learner account reads solutions straight from the operator's checkout, or its git history.

The checkout is a small clone with one course, in an open (0755) folder as a clone in a
home usually is; ``isoko hub --prepare-only`` runs as root on it, as ``make hub`` does.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from isoko.courses.catalog import INSTRUCTOR_GUIDE
from isoko.platform.unix import ensure_account, run_as
from support.hub import REPO, Hub

pytestmark = pytest.mark.integration

SOURCE = "courses/tiny/source/a01-double/double.ipynb"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def clone_and_spy():
    if os.geteuid() != 0:
        pytest.skip("needs root: the hub prepares grader accounts, the spy is a Unix account")
    root = Path(tempfile.mkdtemp(prefix="isoko-clone-"))
    os.chmod(root, 0o755)
    prefix = f"t{secrets.token_hex(2)}-"
    checkout = root / "isoko"
    shutil.copytree(REPO / "tests" / "fixtures" / "courses" / "tiny", checkout / "courses" / "tiny")
    proxy = checkout / "node_modules" / ".bin" / "configurable-http-proxy"
    proxy.parent.mkdir(parents=True)
    proxy.write_text("#!/bin/sh\n")
    git("init", "-q", cwd=checkout)
    git("add", "-A", cwd=checkout)
    git("commit", "-q", "-m", "the course", cwd=checkout)
    spy = f"{prefix}spy"
    ensure_account(spy, root / "homes" / spy)
    try:
        yield root, checkout, prefix, spy
    finally:
        # The spy, and the grader and sandbox accounts preparing made.
        Hub(root=root, unix_prefix=prefix).remove_unix_accounts()
        shutil.rmtree(root, ignore_errors=True)


def read_source(spy: str, checkout: Path) -> subprocess.CompletedProcess[str]:
    return run_as(spy, ["cat", str(checkout / SOURCE)])


def read_history(spy: str, checkout: Path) -> subprocess.CompletedProcess[str]:
    # git's own ownership check is no defence: the reader chooses to trust any folder.
    return run_as(
        spy,
        [
            "git",
            "-c",
            "safe.directory=*",
            f"--git-dir={checkout / '.git'}",
            "show",
            f"HEAD:{SOURCE}",
        ],
    )


def prepare_only(root: Path, checkout: Path, prefix: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ISOKO_STATE_DIR": str(root / "state"),
        "ISOKO_SYSTEM_DIR": str(root / "system"),
        "ISOKO_UNIX_PREFIX": prefix,
    }
    isoko = Path(sys.executable).with_name("isoko")
    return subprocess.run(
        [str(isoko), "hub", "--checkout", str(checkout), "--prepare-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_learner_cannot_read_solutions_from_the_checkout_or_its_history(clone_and_spy):
    root, checkout, prefix, spy = clone_and_spy
    # The attack works on a fresh clone: both routes give the solution away.
    assert "### BEGIN SOLUTION" in read_source(spy, checkout).stdout
    assert "### BEGIN SOLUTION" in read_history(spy, checkout).stdout

    result = prepare_only(root, checkout, prefix)
    assert result.returncode == 0, result.stderr

    source = read_source(spy, checkout)
    assert source.returncode != 0 and "Permission denied" in source.stderr
    history = read_history(spy, checkout)
    assert history.returncode != 0 and "SOLUTION" not in history.stdout
    objects = run_as(spy, ["ls", str(checkout / ".git" / "objects")])
    assert objects.returncode != 0 and "Permission denied" in objects.stderr
    # The operator is told what was changed and why.
    assert f"Made {checkout} private (0755 -> 0750)" in result.stdout

    # The instructor guide: in the checkout, staged for the course's graders and in
    # their course folder, and nowhere a learner can read it.
    system = root / "system"
    for guide in (
        checkout / "courses" / "tiny" / INSTRUCTOR_GUIDE,
        system / "course-sources" / "tiny" / INSTRUCTOR_GUIDE,
        system / "graders" / "tiny" / INSTRUCTOR_GUIDE,
    ):
        assert guide.is_file(), guide
        reply = run_as(spy, ["cat", str(guide)])
        assert reply.returncode != 0 and "Permission denied" in reply.stderr, guide
    assert (system / "content" / "tiny" / "lessons").is_dir()
    assert not list((system / "content").rglob(INSTRUCTOR_GUIDE))
