"""Every course data set is made by its seeded generator, byte for byte."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATORS = sorted(REPO.glob("courses/*/data/make_data.py"))


def course_files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_every_course_with_data_has_a_generator():
    for data in REPO.glob("courses/*/data"):
        assert (data / "make_data.py").is_file(), f"{data} has no make_data.py"
        assert (data / "README.md").is_file(), f"{data} has no README of its assumptions"


@pytest.mark.parametrize("generator", GENERATORS, ids=[g.parts[-3] for g in GENERATORS])
def test_generator_reproduces_the_committed_data(tmp_path, generator):
    course = generator.parents[1]
    copy = tmp_path / "courses" / course.name
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = course_files(copy)
    result = subprocess.run(
        [sys.executable, str(copy / "data" / "make_data.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    after = course_files(copy)
    assert after == before, f"the generator wrote files the course does not have: {after - before}"
    changed = [
        rel for rel in sorted(before) if not filecmp.cmp(course / rel, copy / rel, shallow=False)
    ]
    assert not changed, f"regenerated data differs from the committed files: {changed}"
