"""Fixtures shared by every test folder. Servers are started only by tests that ask."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from support.hub import Hub

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def hub(artifacts_dir):
    """The real hub, started by the same code path as ``make hub``, as root on loopback."""
    if os.geteuid() != 0:
        pytest.skip("needs root: the hub creates a real Unix account per learner")
    # Not under pytest's tmp_path: that is private to root, and learner and grader
    # accounts must reach the system directory.
    root = Path(tempfile.mkdtemp(prefix="isoko-hub-"))
    os.chmod(root, 0o755)
    hub = Hub(root=root)
    try:
        hub.start()
        yield hub
    finally:
        hub.stop()
        hub.remove_unix_accounts()
        # Keep the hub's logs: they are what explains a failure.
        for log in root.glob("hub-*.log"):
            shutil.copy(log, artifacts_dir / log.name)
        shutil.rmtree(root, ignore_errors=True)
