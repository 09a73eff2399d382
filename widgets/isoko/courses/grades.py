"""A course's grades as a CSV a spreadsheet opens safely: one row per learner per assignment.

The columns are nbgrader's own export's (``nbgrader export``), in its order, so a sheet
made for one reads the other. Two things differ, both for the person who opens it:

* Every field is quoted as CSV requires. nbgrader joins fields with commas as they are,
  so a name such as "Uwase, Marie" shifts every column after it.
* A text field that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe. Names and e-mails
  come from sign-ups and rosters; ``=HYPERLINK(...)`` must stay a name.

Learners are the gradebook's students (who is enrolled; Manage Students and roster
import keep it in step with the course's hub group). A learner with no submission gets
an empty ``timestamp`` and a score of 0, as in nbgrader's export. The gradebook is
opened read-only: exporting never changes it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import TextIO

from isoko.courses.gradebook_db import sqlite_file

#: nbgrader's export columns, in its order.
COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class GradeRow:
    assignment: str
    duedate: str
    timestamp: str
    student_id: str
    last_name: str
    first_name: str
    email: str
    raw_score: float
    late_submission_penalty: float
    score: float
    max_score: float


assert tuple(f.name for f in fields(GradeRow)) == COLUMNS


def spreadsheet_safe(value: object) -> str:
    """``value`` as text that no spreadsheet runs as a formula."""
    if isinstance(value, float):
        return f"{value:g}"
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: list[GradeRow], out: TextIO) -> None:
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in astuple(row)])


def csv_text(rows: list[GradeRow]) -> str:
    out = io.StringIO()
    write_csv(rows, out)
    return out.getvalue()


def _text(value: object) -> str:
    return "" if value is None else str(value)


def grade_rows(gradebook) -> list[GradeRow]:
    """Every gradebook student's result in every assignment, by assignment then student."""
    from nbgrader.api import MissingEntry

    rows = []
    for assignment in sorted(gradebook.assignments, key=lambda a: (a.duedate is None, a.name)):
        for student in sorted(gradebook.students, key=lambda s: s.id):
            try:
                submission = gradebook.find_submission(assignment.name, student.id)
            except MissingEntry:
                timestamp, raw, penalty = "", 0.0, 0.0
            else:
                timestamp = _text(submission.timestamp)
                raw = float(submission.score or 0.0)
                penalty = float(submission.late_submission_penalty or 0.0)
            rows.append(
                GradeRow(
                    assignment=assignment.name,
                    duedate=_text(assignment.duedate),
                    timestamp=timestamp,
                    student_id=student.id,
                    last_name=_text(student.last_name),
                    first_name=_text(student.first_name),
                    email=_text(student.email),
                    raw_score=raw,
                    late_submission_penalty=penalty,
                    score=max(0.0, raw - penalty),
                    max_score=float(assignment.max_score or 0.0),
                )
            )
    return rows


def read_only_url(database: Path) -> str:
    """An SQLAlchemy URL that opens an SQLite file without ever writing it."""
    return f"sqlite:///file:{database}?mode=ro&uri=true"


@contextmanager
def open_gradebook(database: Path | str, course: str) -> Iterator:
    """nbgrader's gradebook of ``course``: an SQLite file (a path or an ``sqlite:///``
    URL), opened read-only, or a database server's URL (only read here)."""
    from nbgrader.api import Gradebook

    if isinstance(database, str) and sqlite_file(database) is not None:
        database = sqlite_file(database)
    if isinstance(database, Path):
        if not database.is_file():
            raise FileNotFoundError(f"no gradebook at {database}: nothing has been graded yet")
        url = read_only_url(database)
    else:
        url = database
    with Gradebook(url, course) as gradebook:
        yield gradebook


def export_course(database: Path | str, course: str) -> str:
    """The CSV text of ``course``'s grades."""
    with open_gradebook(database, course) as gradebook:
        return csv_text(grade_rows(gradebook))
