"""The course folder as nbgrader sees it: whether an assignment can be graded, and
nbgrader's autograde app loaded from the folder's configuration as nbgrader does it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


class CannotGrade(RuntimeError):
    """No such course folder or assignment, nothing collected, or nbgrader refused."""


def load_nbgrader(course_dir: Path, assignment: str, log_file: Path):
    """nbgrader's autograde app, configured from the course folder as nbgrader does it."""
    from nbgrader.apps import AutogradeApp

    os.chdir(course_dir)
    # nbgrader's gradebook runs ``alembic`` from the PATH: this environment's own.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "/usr/bin:/bin")])
    app = AutogradeApp()
    app.initialize([assignment, f"--Autograde.force={False}"])
    app.coursedir.assignment_id = assignment
    # The console belongs to the progress bar; nbgrader's own log goes to a file.
    for handler in list(app.log.handlers):
        app.log.removeHandler(handler)
    handler = logging.FileHandler(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    app.log.addHandler(handler)
    app.log.setLevel(logging.INFO)
    app.log.propagate = False
    # nbgrader's gradebook warns through SQLAlchemy about its own session use; into the log.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").addHandler(handler)
    logging.getLogger("py.warnings").propagate = False
    return app


def check_assignment(course_dir: Path, assignment: str) -> None:
    if not (course_dir / "nbgrader_config.py").is_file():
        raise CannotGrade(f"{course_dir} is not an nbgrader course folder (no nbgrader_config.py)")
    if not (course_dir / "source" / assignment).is_dir():
        known = sorted(p.name for p in (course_dir / "source").glob("*") if p.is_dir())
        raise CannotGrade(
            f"no assignment {assignment!r} in this course"
            + (f": the assignments are {', '.join(known)}" if known else "")
        )
    if not list((course_dir / "submitted").glob(f"*/{assignment}/*.ipynb")):
        raise CannotGrade(
            f"Nothing to grade: no submissions collected for {assignment} "
            "(collect them in the formgrader first)"
        )
