"""How Isoko names what several layers share: hub groups of a course, Unix accounts.

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
