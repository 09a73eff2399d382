"""A course's instructor guide reaches its graders' course folder and never a learner."""

from __future__ import annotations

import stat

import pytest

from isoko.courses.catalog import INSTRUCTOR_GUIDE, Course
from isoko.courses.content import publish, sync_home
from isoko.courses.grading import prepare_course_dir, stage_sources

GUIDE = "# Demo: instructor guide\n\n## a01\n\n### Model answers\n\nThe fee is RWF 100.\n"


@pytest.fixture
def course(tmp_path) -> Course:
    root = tmp_path / "courses" / "demo"
    (root / "lessons").mkdir(parents=True)
    (root / "source" / "a01").mkdir(parents=True)
    (root / "lessons" / "01-intro.ipynb").write_text("lesson")
    (root / "source" / "a01" / "a01.ipynb").write_text("solution")
    (root / INSTRUCTOR_GUIDE).write_text(GUIDE)
    return Course(slug="demo", title="Demo", path=root)


def test_publishing_never_copies_the_guide_even_from_a_learner_folder(tmp_path, course):
    # A guide put by mistake in a folder learners receive is skipped too.
    (course.path / "lessons" / INSTRUCTOR_GUIDE).write_text(GUIDE)
    content = tmp_path / "content"
    publish([course], content)
    published = [p.name for p in (content / "demo").rglob("*") if p.is_file()]
    assert published == ["01-intro.ipynb"]
    home = tmp_path / "home"
    sync_home(content / "demo", home)
    assert not [p for p in home.rglob("*") if "Model answers" in _text(p)]


def _text(path) -> str:
    return path.read_text(errors="ignore") if path.is_file() else ""


def test_the_guide_is_staged_for_graders_and_put_in_their_course_folder(tmp_path, course):
    staged, course_dir = tmp_path / "staged", tmp_path / "grader" / "demo"
    course_dir.mkdir(parents=True)
    stage_sources(course, staged, None)
    assert (staged / INSTRUCTOR_GUIDE).read_text() == GUIDE
    # Readable by the graders' group only, like the sources beside it.
    assert stat.S_IMODE((staged / INSTRUCTOR_GUIDE).stat().st_mode) == 0o640
    assert stat.S_IMODE(staged.stat().st_mode) == 0o750

    # Only the guide and no assignment: nbgrader is not needed to place it.
    only_guide = tmp_path / "only-guide"
    only_guide.mkdir()
    (only_guide / INSTRUCTOR_GUIDE).write_bytes((staged / INSTRUCTOR_GUIDE).read_bytes())
    prepare_course_dir("demo", only_guide, course_dir, tmp_path / "exchange", "")
    placed = course_dir / INSTRUCTOR_GUIDE
    assert placed.read_text() == GUIDE
    assert stat.S_IMODE(placed.stat().st_mode) == 0o640

    # The course's newer guide replaces it at the next start.
    (only_guide / INSTRUCTOR_GUIDE).write_text(GUIDE + "\n### Common mistakes\n")
    prepare_course_dir("demo", only_guide, course_dir, tmp_path / "exchange", "")
    assert "### Common mistakes" in placed.read_text()
