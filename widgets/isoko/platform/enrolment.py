"""Enrolment codes: one per course, which an instructor shares with the class.

A code is made on first start and kept in ``enrolment-codes.json`` (0600) in the state
directory, so a restart keeps it and only the hub (and whoever runs it) reads it. Codes
are typed on phones: lowercase letters and digits only, without the look-alikes
``0 o 1 l i``, shown in two groups of five (``k7m2q-9xwbt``). Ten characters from 31
give about 2^49 codes; with wrong codes slowed down (``AttemptLimiter``), guessing one
is out of reach. What a learner types is forgiven its case, spaces and dashes.
"""

from __future__ import annotations

import hmac
import secrets
import time
from pathlib import Path

from isoko.names import student_group
from isoko.platform.secrets import read_json, write_private_json

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
GROUP_LENGTH = 5


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What a learner typed, as it is stored: lowercase, without spaces or dashes."""
    return "".join(ch for ch in typed.lower() if ch not in " -\t")


def display_code(code: str) -> str:
    """The code as an instructor reads it out or writes it on the board."""
    return "-".join(code[i : i + GROUP_LENGTH] for i in range(0, len(code), GROUP_LENGTH))


def read_codes(path: Path) -> dict[str, str]:
    """``{course slug: code}``; empty if the file does not exist yet."""
    return dict(read_json(path)) if path.exists() else {}


def ensure_codes(path: Path, courses: list[str]) -> dict[str, str]:
    """Give every course a code, keeping the codes that exist (file written 0600)."""
    known = read_codes(path)
    codes = {course: known.get(course) or new_code() for course in courses}
    # Keep codes of courses no longer listed: a course taken away and brought back
    # keeps the code its learners were given.
    merged = {**known, **codes}
    if merged != known:
        write_private_json(path, merged)
    return codes


def join_group(db, user, name: str) -> bool:
    """Put the hub user ``user`` (``jupyterhub.orm.User``) in the hub group ``name``,
    made if missing; False if they already were in it. ``db`` is a hub database session."""
    from jupyterhub import orm

    group = orm.Group.find(db, name)
    if group is None:
        group = orm.Group(name=name)
        db.add(group)
    if group in user.groups:
        return False
    user.groups.append(group)
    db.commit()
    return True


def enrol(db, user, course: str) -> bool:
    """Put ``user`` in the course's student group; False if they already were in it.

    The one way onto a course inside the hub's database: joining with a code, an
    approved sign-up that gave one, and the demo's learners at every start.
    """
    return join_group(db, user, student_group(course))


def course_for_code(codes: dict[str, str], typed: str) -> str | None:
    """The course whose code was typed, compared in constant time; None if none is."""
    wanted = normalise_code(typed).encode()
    found = None
    for course, code in codes.items():
        if hmac.compare_digest(code.encode(), wanted) and found is None:
            found = course
    return found


class AttemptLimiter:
    """Slows down guessing: after ``free_failures`` wrong tries, each further wrong try
    makes its key wait ``wait_seconds`` before the next one is even looked at.

    Kept in the hub's memory: a restart forgives, which costs a guesser a hub restart
    per few tries. A right answer clears the key.
    """

    def __init__(self, free_failures: int = 5, wait_seconds: float = 60, clock=time.monotonic):
        self.free_failures = free_failures
        self.wait_seconds = wait_seconds
        self.clock = clock
        self._failures: dict[str, int] = {}
        self._blocked_until: dict[str, float] = {}

    def retry_after(self, key: str) -> int:
        """Whole seconds ``key`` must still wait; 0 if it may try now."""
        left = self._blocked_until.get(key, 0) - self.clock()
        return max(0, int(left + 0.999))

    def failed(self, key: str) -> None:
        count = self._failures.get(key, 0) + 1
        self._failures[key] = count
        if count >= self.free_failures:
            self._blocked_until[key] = self.clock() + self.wait_seconds

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
        self._blocked_until.pop(key, None)
