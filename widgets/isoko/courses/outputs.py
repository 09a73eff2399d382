"""``isoko course outputs``: store each lesson with its outputs.

A learner on a phone reads a lesson's results before running anything (and may never
run a slow cell), so lessons are committed with their outputs. This runs each lesson
the way ``isoko course check`` does (a copy of the course, a fresh kernel, a blank
Jupyter configuration and home) and writes it back with its outputs. Nothing that
changes from run to run is stored: no execution times, no widget state, and a cell's
printed text as one output however the kernel happened to split it into messages. A
lesson that fails to run is reported and left as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from isoko.courses import check
from isoko.courses.catalog import CourseError, load_course


def store_course_outputs(path: Path, workdir: Path, log=print) -> list[check.Problem]:
    """Run every lesson of the course at ``path``; write back the ones that ran."""
    try:
        course = load_course(path)
    except CourseError as err:
        return [check.Problem(path.name, "course.yaml", "", str(err))]
    env = check.isolated_env(workdir / "home")
    copy = workdir / "course"
    # Learners run lessons beside the course's data, never beside its sources.
    shutil.copytree(course.path, copy, ignore=shutil.ignore_patterns("source"))
    problems = []
    for rel in course.lessons:
        if not (copy / rel).is_file():
            problems.append(check.Problem(course.slug, rel, "", "listed but missing"))
            continue
        nb = nbformat.read(copy / rel, as_version=4)
        failed = check.run_notebook(
            nb, (copy / rel).parent, env, record_timing=False, store_widget_state=False
        )
        if failed:
            problems.append(check.Problem(course.slug, rel, *failed))
            continue
        nb.metadata.pop("widgets", None)
        nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
        nbformat.validate(nb)
        nbformat.write(nb, course.path / rel)
        log(f"  {course.slug}/{rel}: outputs stored")
    return problems


def store_outputs(paths: list[Path], log=print) -> list[check.Problem]:
    """Store the outputs of every lesson of each course; return the lessons that failed."""
    problems = []
    for path in paths:
        with tempfile.TemporaryDirectory(prefix=f"isoko-outputs-{path.name}-") as tmp:
            problems += store_course_outputs(path, Path(tmp), log=log)
    return problems


def store_and_report(paths: list[Path]) -> int:
    """``isoko course outputs``: store, print what failed; the exit code (1 if any)."""
    problems = store_outputs(paths, log=lambda line: print(line, flush=True))
    for problem in problems:
        print(f"FAIL {problem} (left unchanged)")
    failed = f"{len(problems)} lesson(s) failed to run" if problems else "all stored"
    print(f"Lesson outputs: {failed}")
    return 1 if problems else 0
