"""A learner's container copies the course content into the home, then becomes the server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from isoko.courses.catalog import load_courses
from isoko.courses.content import publish
from isoko.hub import container_start

REPO = Path(__file__).resolve().parents[2]


class Exec(Exception):
    """Stands for the process becoming the server."""


@pytest.fixture
def becomes(monkeypatch):
    calls = []

    def execv(path, argv):
        calls.append(argv)
        raise Exec

    monkeypatch.setattr(os, "execv", execv)
    return calls


def test_the_lessons_are_in_the_home_before_the_server_starts(tmp_path, monkeypatch, becomes):
    content = tmp_path / "courses"
    publish(load_courses(REPO / "courses")[:1], content)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PYTHONPATH", str(REPO / "widgets"))
    with pytest.raises(Exec):
        container_start.main(["--debug"], content_dir=str(content))
    lessons = sorted(p.name for p in home.rglob("*.ipynb") if "lessons" in p.parts)
    assert lessons, "the course's lessons were copied into the home"
    assert becomes == [[sys.executable, "-m", "isoko.hub.singleuser", "--debug"]]


def test_a_failed_copy_still_starts_the_server(tmp_path, monkeypatch, becomes, capsys):
    monkeypatch.setenv("HOME", str(tmp_path / "no-such-home"))
    (tmp_path / "courses").mkdir()
    monkeypatch.setattr(container_start, "sync_command", lambda *a: [sys.executable, "-c", "1/0"])
    with pytest.raises(Exec):
        container_start.main([], content_dir=str(tmp_path / "courses"))
    assert "Course content was not copied" in capsys.readouterr().err
    assert becomes[0][2] == "isoko.hub.singleuser"
