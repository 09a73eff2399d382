"""The app notebooks are made from the simulator catalog: `isoko apps --check` passes on
the repository, and names each stale, missing or orphan app (and the command that fixes
it) in a copy where one is."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from isoko.sims import catalog
from support.notebooks import REPO


def isoko(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The ``isoko`` command as a user runs it, on this checkout's code."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from isoko.cli import main; sys.exit(main())", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(REPO / "widgets"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository's courses with what the check reads: course.yaml, apps."""
    for course in (REPO / "courses").iterdir():
        if (course / "course.yaml").is_file():
            copy = tmp_path / "courses" / course.name
            copy.mkdir(parents=True)
            shutil.copy(course / "course.yaml", copy / "course.yaml")
            if (course / "apps").is_dir():
                shutil.copytree(course / "apps", copy / "apps")
    return tmp_path


def test_every_committed_app_notebook_is_what_the_catalog_makes():
    done = isoko("apps", "--check", cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "none stale, missing or orphan" in done.stdout


def test_the_check_names_a_stale_a_missing_and_an_orphan_app(checkout):
    by_id = {entry.id: entry for entry in catalog()}
    stale, missing = by_id["price-and-profit"].app, by_id["stock-and-reorder"].app
    (checkout / stale).write_text((checkout / stale).read_text().replace(".view", ".vieww"))
    (checkout / missing).unlink()
    orphan = "courses/logistics/apps/retired-simulator.ipynb"
    (checkout / orphan).write_text("{}")

    done = isoko("apps", "--check", cwd=checkout)
    assert done.returncode == 1
    said = done.stderr
    assert f"{stale}: stale" in said
    assert f"{missing}: missing" in said
    assert f"{orphan}: orphan" in said
    assert "Run `isoko apps`" in said
    assert ".vieww" in (checkout / stale).read_text()  # the check writes nothing

    fixed = isoko("apps", cwd=checkout)
    assert fixed.returncode == 0, fixed.stderr
    assert not (checkout / orphan).exists()
    for entry in catalog():
        assert (checkout / entry.app).read_bytes() == (REPO / entry.app).read_bytes(), entry.id
    assert isoko("apps", "--check", cwd=checkout).returncode == 0


def test_writing_refuses_a_catalog_course_with_no_folder(checkout):
    shutil.rmtree(checkout / "courses" / "logistics")
    done = isoko("apps", cwd=checkout)
    assert done.returncode == 1
    assert "in course 'logistics', which has no" in done.stderr
    assert not (checkout / "courses" / "logistics").exists()
