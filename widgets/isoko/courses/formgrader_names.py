"""The formgrader shows a student with no name by their username, not as "None, None".

nbgrader 0.9.6 creates a student with no names when it collects a submission from a
learner the gradebook does not know yet, or when Manage Students is saved with the
optional names left empty; its pages then print ``None, None`` in every list, so the
instructor cannot tell learners apart. The gradebook is left as it is (a later roster
import or edit fills the names); only what the formgrader's API sends to its pages
changes: a student with neither name is sent with their username as last name.
"""

from __future__ import annotations

from typing import Any

from nbgrader.apps.api import NbGraderAPI


def with_names(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with the username as last name if it has no name at all."""
    if not isinstance(record, dict) or "last_name" not in record:
        return record
    if record.get("last_name") or record.get("first_name"):
        return record
    username = record.get("student") or record.get("id")
    if not username:
        return record
    return {**record, "last_name": username, "first_name": ""}


def _named(result: Any) -> Any:
    if isinstance(result, list):
        return [with_names(item) for item in result]
    return with_names(result)


class NamedStudentsAPI(NbGraderAPI):
    """nbgrader's formgrader API, with :func:`with_names` on every student it returns."""

    def get_submission(self, *args, **kwargs):
        return _named(super().get_submission(*args, **kwargs))

    def get_submissions(self, *args, **kwargs):
        return _named(super().get_submissions(*args, **kwargs))

    def get_notebook_submissions(self, *args, **kwargs):
        return _named(super().get_notebook_submissions(*args, **kwargs))

    def get_student(self, *args, **kwargs):
        return _named(super().get_student(*args, **kwargs))

    def get_students(self, *args, **kwargs):
        return _named(super().get_students(*args, **kwargs))

    def get_student_notebook_submissions(self, *args, **kwargs):
        return _named(super().get_student_notebook_submissions(*args, **kwargs))


def install() -> None:
    """Make the formgrader's handlers build :class:`NamedStudentsAPI` (one per request)."""
    from nbgrader.server_extensions.formgrader import base

    base.NbGraderAPI = NamedStudentsAPI
