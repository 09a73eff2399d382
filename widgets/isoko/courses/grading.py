"""Preparing each course for grading: its grader account, course directory and release.

The root side (``isoko.platform.graders``) creates the grader account and stages the
instructor-only sources and the course's instructor guide where only that account's
group can read them (``stage_sources``).
The grader side (``python -m isoko.courses.grading``), run *as the grader*, fills its own course
directory: it copies assignments it does not have yet (an instructor's edits are never
overwritten), generates the student version and releases it to the exchange, each
step only once, so a restart loses nothing. The instructor guide is copied into the
course directory at every start, where instructors grade, beside ``source/``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from isoko.courses.catalog import INSTRUCTOR_GUIDE, Course
from isoko.courses.check import last_error
from isoko.courses.gradebook_db import gradebook_url
from isoko.courses.progress_view import write_progress_notebook
from isoko.grading.config import grading_config

COURSE_CONFIG = """\
# Written by Isoko at every hub start from the course folder's nbgrader_config.py:
# change that file, not this one.
c = get_config()  # noqa
{course_settings}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course!r}
# The course's gradebook (isoko.courses.gradebook_db): a server's URL holds a password,
# so this file is the grader's alone.
c.CourseDirectory.db_url = {db_url!r}
{grading}"""
#: The course's own nbgrader settings travel with its staged sources under this name.
COURSE_SETTINGS = "nbgrader_config.py"
#: The operator's gradebook URL template, handed to the grader side by the root side.
GRADEBOOK_VARIABLE = "ISOKO_GRADEBOOK_DB_URL"


class GradingSetupError(RuntimeError):
    """Preparing a course for grading failed; the message says which step and why."""


def nbgrader(args: list[str], course_dir: Path) -> subprocess.CompletedProcess[str]:
    cmd = [str(Path(sys.executable).with_name("nbgrader")), *args]
    return subprocess.run(cmd, cwd=course_dir, capture_output=True, text=True, timeout=600)


def _check(result: subprocess.CompletedProcess[str], step: str) -> None:
    if result.returncode != 0:
        raise GradingSetupError(f"{step} failed: {last_error(result)}")


def is_released(exchange_dir: Path, course: str, assignment: str) -> bool:
    return (exchange_dir / course / "outbound" / assignment).is_dir()


def prepare_course_dir(
    course: str,
    sources: Path,
    course_dir: Path,
    exchange_dir: Path,
    sandbox_account: str = "",
    gradebook_template: str | None = None,
) -> tuple[list[str], list[str]]:
    """Fill ``course_dir`` from ``sources``; return what was done and what failed.

    ``gradebook_template`` is the operator's gradebook URL with ``{course}`` in it; None
    keeps the gradebook in ``course_dir``. Each assignment stands alone: one that fails
    to generate does not hold back the others.
    """
    settings = sources / COURSE_SETTINGS
    config_file = course_dir / "nbgrader_config.py"
    config_file.touch(mode=0o600)
    config_file.chmod(0o600)
    config_file.write_text(
        COURSE_CONFIG.format(
            course_settings=settings.read_text() if settings.is_file() else "",
            root=str(course_dir),
            course=course,
            db_url=gradebook_url(course, course_dir, gradebook_template),
            # Last, so that `nbgrader autograde` in the course folder is sandboxed too.
            grading=grading_config(sandbox_account),
        )
    )
    # The course's progress app, opened from the formgrader (isoko.courses.formgrader_grades).
    write_progress_notebook(course_dir)
    guide = sources / INSTRUCTOR_GUIDE
    if guide.is_file():  # the course's latest, where its instructors grade; graders' only
        target = course_dir / INSTRUCTOR_GUIDE
        target.touch(mode=0o640)
        target.chmod(0o640)
        shutil.copyfile(guide, target)
    done, failed = [], []
    for src in sorted(p for p in sources.iterdir() if p.is_dir()):
        assignment = src.name
        target = course_dir / "source" / assignment
        if not target.exists():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        try:
            if not (course_dir / "release" / assignment).exists():
                _check(
                    nbgrader(["generate_assignment", assignment], course_dir),
                    f"nbgrader generate_assignment {assignment}",
                )
                done.append(f"generated {assignment}")
            if not is_released(exchange_dir, course, assignment):
                _check(
                    nbgrader(["release_assignment", assignment], course_dir),
                    f"nbgrader release_assignment {assignment}",
                )
                done.append(f"released {assignment}")
        except GradingSetupError as err:
            failed.append(str(err))
    return done, failed


def stage_sources(course: Course, staged: Path, group_gid: int | None) -> None:
    """Copy a course's ``source/`` and instructor guide where the grader can read them
    and learners cannot."""
    if staged.exists():
        shutil.rmtree(staged)
    if course.source_dir.is_dir():
        shutil.copytree(
            course.source_dir, staged, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    else:
        staged.mkdir()
    settings = course.path / COURSE_SETTINGS
    if settings.is_file():
        shutil.copyfile(settings, staged / COURSE_SETTINGS)
    if course.instructor_guide.is_file():
        shutil.copyfile(course.instructor_guide, staged / INSTRUCTOR_GUIDE)
    for dirpath, dirnames, filenames in os.walk(staged):
        for name in [*dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            if group_gid is not None:
                os.chown(path, 0, group_gid)
            os.chmod(path, 0o750 if name in dirnames else 0o640)
    if group_gid is not None:
        os.chown(staged, 0, group_gid)
    os.chmod(staged, 0o750)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Prepare a course directory (run as its grader).")
    parser.add_argument("course")
    parser.add_argument("sources", type=Path)
    parser.add_argument("course_dir", type=Path)
    parser.add_argument("exchange_dir", type=Path)
    parser.add_argument("--sandbox-account", default="", help="who graded code runs as")
    args = parser.parse_args(argv)
    done, failed = prepare_course_dir(
        args.course,
        args.sources,
        args.course_dir,
        args.exchange_dir,
        args.sandbox_account,
        # From the environment, not the command line, which every account can read.
        os.environ.get(GRADEBOOK_VARIABLE) or None,
    )
    print(", ".join(done) or "already released")
    for failure in failed:
        print(failure, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
