"""Read or write a course gradebook's students, run as the course's grader account.

The gradebook (and the journal SQLite writes beside it) must stay the grader's: a file
there owned by root would lock the formgrader out. So the roster command does not open
the gradebook itself but runs ``python -m isoko.courses.gradebook_students COURSE_DIR``
as the grader, with a JSON request on standard input:

- ``{"action": "read"}`` prints ``{"students": {id: {first_name, last_name, email}}}``;
- ``{"action": "write", "students": {id: {...}}}`` creates or updates those students
  (names only: membership of the hub group is the caller's business) and prints
  ``{"written": n}``.

Empty names are stored as nbgrader stores them, as nothing (``None``), and read back
as empty strings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from isoko.courses.gradebook_db import course_db_url

FIELDS = ("first_name", "last_name", "email")


def db_url(course_dir: Path) -> str:
    """The gradebook of the course directory, where nbgrader's formgrader looks for it."""
    return course_db_url(course_dir)


def read_students(course_dir: Path, course: str) -> dict[str, dict[str, str]]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url(course_dir), course) as gradebook:
        return {
            student.id: {name: getattr(student, name) or "" for name in FIELDS}
            for student in gradebook.students
        }


def write_students(course_dir: Path, course: str, students: dict[str, dict[str, str]]) -> int:
    from nbgrader.api import Gradebook

    with Gradebook(db_url(course_dir), course) as gradebook:
        for student_id, names in students.items():
            values = {name: (names.get(name) or None) for name in FIELDS}
            gradebook.update_or_create_student(student_id, **values)
    return len(students)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(
            "usage: python -m isoko.courses.gradebook_students COURSE COURSE_DIR", file=sys.stderr
        )
        return 2
    course, course_dir = args[0], Path(args[1])
    request = json.load(sys.stdin)
    if request.get("action") == "read":
        print(json.dumps({"students": read_students(course_dir, course)}))
    elif request.get("action") == "write":
        print(json.dumps({"written": write_students(course_dir, course, request["students"])}))
    else:
        print(f"unknown action {request.get('action')!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
