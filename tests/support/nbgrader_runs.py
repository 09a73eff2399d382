"""Assignments run through the real nbgrader command in a temporary course directory.

Unit tests that generate and autograde a course's assignment share this: the command
run with this environment's Python (nbgrader starts alembic from ``PATH``, so this
environment's scripts come first) and a blank, isolated Jupyter configuration.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.notebooks import REPO, isolated_jupyter_env


def nbgrader_env(root: Path, *, isoko_from_checkout: bool = False) -> dict[str, str]:
    """The environment of nbgrader runs kept in ``root``; with ``isoko_from_checkout``,
    the kernels import ``isoko`` from this checkout rather than the installed copy."""
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        **isolated_jupyter_env(root),
        "LANG": "C.UTF-8",
    }
    if isoko_from_checkout:
        env["PYTHONPATH"] = str(REPO / "widgets")
    return env


def write_nbgrader_config(course_dir: Path, course_id: str, cell_timeout_s: int) -> None:
    (course_dir / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course_dir)!r}\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        f"c.ExecutePreprocessor.timeout = {cell_timeout_s}\n"
    )


def run_nbgrader(
    course_dir: Path, env: dict[str, str], *args: str, timeout_s: int = 600
) -> subprocess.CompletedProcess:
    """``nbgrader <args>`` in ``course_dir``; fails the test with its output if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    assert done.returncode == 0, f"nbgrader {args} failed:\n{done.stdout}\n{done.stderr}"
    return done
