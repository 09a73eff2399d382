"""A real nbgrader course folder made from a course of the checkout, and submissions in it.

``make_course`` writes the course's own ``nbgrader_config.py`` plus Isoko's grading
settings (the sandbox as ``sandbox_account``, a short cell timeout) and runs nbgrader's
``generate_assignment``; ``submit`` places a learner's file in ``submitted/`` as
nbgrader's collect leaves it, with its ``timestamp.txt``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from isoko.grading.config import grading_config

REPO = Path(__file__).resolve().parents[2]
COURSE = "pricing"
ASSIGNMENT = "a01-pricing-basics"
NOTEBOOK = "pricing-basics"
BIN = Path(sys.executable).parent


def env() -> dict[str, str]:
    """The environment's programs first: nbgrader runs ``alembic`` from the PATH."""
    return {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"}


def make_course(root: Path, sandbox_account: str | None, cell_timeout: int = 5) -> Path:
    course_dir = root / COURSE
    (course_dir / "source").mkdir(parents=True)
    shutil.copytree(
        REPO / "courses" / COURSE / "source" / ASSIGNMENT, course_dir / "source" / ASSIGNMENT
    )
    own = (REPO / "courses" / COURSE / "nbgrader_config.py").read_text()
    (course_dir / "nbgrader_config.py").write_text(
        f"{own}\nc.CourseDirectory.root = {str(course_dir)!r}\n"
        f"{grading_config(sandbox_account or '')}\n"
        f"c.Execute.timeout = {cell_timeout}\n"
    )
    result = subprocess.run(
        [str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT],
        cwd=course_dir,
        capture_output=True,
        text=True,
        timeout=300,
        env=env(),
    )
    assert result.returncode == 0, result.stderr
    return course_dir


def released(course_dir: Path) -> Path:
    return course_dir / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"


def submit(course_dir: Path, student: str, data: bytes, minutes_ago: int = 60) -> Path:
    folder = course_dir / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{NOTEBOOK}.ipynb"
    path.write_bytes(data)
    when = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
    return path


def submitted_hashes(course_dir: Path) -> dict[str, str]:
    return {
        str(path.relative_to(course_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((course_dir / "submitted").rglob("*"))
        if path.is_file()
    }


def cell_scores(course_dir: Path) -> dict[str, dict[str, float | None]]:
    """Each learner's auto score of each grade cell, straight from the gradebook."""
    with sqlite3.connect(course_dir / "gradebook.db") as db:
        rows = db.execute(
            """
            SELECT student.id, base_cell.name, grade.auto_score
            FROM grade
            JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
            JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
            JOIN student ON submitted_assignment.student_id = student.id
            JOIN base_cell ON grade.cell_id = base_cell.id
            """
        ).fetchall()
    scores: dict[str, dict[str, float | None]] = {}
    for student, cell, score in rows:
        scores.setdefault(student, {})[cell] = score
    return scores


def grade_rows(course_dir: Path) -> int:
    with sqlite3.connect(course_dir / "gradebook.db") as db:
        return db.execute("SELECT count(*) FROM grade").fetchone()[0]


def make_sandbox_account() -> str | None:
    """A throwaway account that owns nothing, as the hub makes one (as root); else none."""
    if os.geteuid() != 0:
        return None
    name = f"t{secrets.token_hex(2)}-sandbox"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
    )
    return name


def remove_sandbox_account(name: str | None) -> None:
    if name:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        subprocess.run(["userdel", name], capture_output=True)


def solutions(course_dir: Path) -> dict[str, str]:
    import nbformat

    source = nbformat.read(course_dir / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def grade(course_dir: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """The real `isoko grade` of the installed environment, as a subprocess."""
    return subprocess.run(
        [str(BIN / "isoko"), "grade", COURSE, *args, "--course-dir", str(course_dir)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env(),
        cwd=course_dir.parent,
    )


def start_grade(course_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "isoko"), "grade", COURSE, *args, "--course-dir", str(course_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=course_dir.parent,
    )


def progress(course_dir: Path) -> dict | None:
    import json

    path = course_dir / ".isoko" / "grading" / ASSIGNMENT / "progress.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
