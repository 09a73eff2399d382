"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest

from support.notebooks import isolate_kernel


@pytest.fixture
def isolated_kernel_env(tmp_path, monkeypatch):
    """A kernel that imports isoko from this checkout and reads no personal config;
    the fixture's value is the folder to run notebooks in."""
    return isolate_kernel(tmp_path, monkeypatch)
