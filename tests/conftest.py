"""Fixtures shared by every test folder. Servers are started only by tests that ask."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.hub import running_hub

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def hub(artifacts_dir):
    """The real hub, started by the same code path as ``make hub``, as root on loopback."""
    with running_hub(artifacts_dir, "") as hub:
        yield hub
