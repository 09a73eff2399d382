"""How Isoko names what several layers share: hub groups of a course, Unix accounts,
the database URLs of the hub and of a course's gradebook.

The course tooling (the exchange, the formgrader's pages), the hub's configuration and
the platform's accounts and rosters all use these names, so they sit below all of them
and import nothing of Isoko.
"""

from __future__ import annotations

import re

#: Hub names that would land on one of Isoko's own Unix accounts once prefixed (a
#: grader's, the sandbox's); the hub's username pattern is built from it too.
RESERVED_HUB_NAME_PATTERN = r"(?:grader-.*|sandbox)"
RESERVED_HUB_NAMES = re.compile(rf"^{RESERVED_HUB_NAME_PATTERN}$")


def formgrade_group(course: str) -> str:
    """Graders and instructors of the course: they open its formgrader."""
    return f"formgrade-{course}"


def student_group(course: str) -> str:
    """Learners of the course: nbgrader lists, fetches and submits its assignments."""
    return f"nbgrader-{course}"


def instructor_group(course: str) -> str:
    """Instructors of the course: besides grading, they enrol learners and approve sign-ups."""
    return f"instructors-{course}"


def unix_account_name(prefix: str, name: str) -> str:
    """The Unix account for a hub user or grader: prefixed so it never meets a system one."""
    account = f"{prefix}{name}"
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    if not name or not set(name) <= allowed or not account[0].isalpha():
        raise ValueError(
            f"{name!r} cannot be a Unix account name: use lower-case letters, digits, '-' and '_'"
        )
    if len(account) > 32:
        raise ValueError(f"Unix account name {account!r} is longer than 32 characters")
    return account


def learner_account_name(prefix: str, hub_name: str) -> str:
    """A hub user's Unix account, never one of Isoko's own (a grader's, the sandbox's)."""
    if RESERVED_HUB_NAMES.match(hub_name):
        raise ValueError(f"{hub_name!r} is reserved for Isoko's own accounts")
    return unix_account_name(prefix, hub_name)


#: The gradebook file nbgrader keeps in a course folder by default.
GRADEBOOK_FILE = "gradebook.db"
#: The driver Isoko installs (psycopg 3): SQLAlchemy would take psycopg2 for a bare
#: ``postgresql://``, which is not installed.
POSTGRES_DRIVER = "postgresql+psycopg"


def with_driver(url: str) -> str:
    """``url`` with the PostgreSQL driver Isoko installs; other URLs unchanged."""
    for scheme in ("postgresql", "postgres"):
        if url.startswith(f"{scheme}://"):
            return f"{POSTGRES_DRIVER}://{url.removeprefix(f'{scheme}://')}"
    return url


def gradebook_url(course: str, course_dir, template: str | None = None) -> str:
    """The SQLAlchemy URL of ``course``'s gradebook: ``template`` with the course in place
    of ``{course}``, or nbgrader's default, the SQLite file in ``course_dir``."""
    if not template:
        return f"sqlite:///{course_dir}/{GRADEBOOK_FILE}"
    # Not str.format: a password may hold braces.
    return with_driver(template.replace("{course}", course))


#: The public gallery's hub service (``/services/gallery/``), on a port of its own.
GALLERY_SERVICE = "gallery"
