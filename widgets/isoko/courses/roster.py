"""A course roster as a CSV file: read and checked whole, written back in the same shape.

One row per person: ``username, first name, last name, email, role``, where the role is
``learner``, ``grader`` or ``instructor``. Reading is pure: :func:`parse_roster` takes
the file's bytes and returns the rows, or every problem with its line number, so a file
with one bad row can be refused before anything is changed. What importing a roster
would change is worked out here too (:func:`plan_import`), from a snapshot of who is
in the course now; applying it is the platform's job.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LEARNER, GRADER, INSTRUCTOR = "learner", "grader", "instructor"
ROLES = (LEARNER, GRADER, INSTRUCTOR)
#: The header as written by export; import also accepts ``first_name``, ``First Name``...
HEADER = ("username", "first name", "last name", "email", "role")
#: Deliberately loose: the address is a contact, not a login, but a typo such as a
#: missing ``@`` or a space is caught.
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


@dataclass(frozen=True)
class RosterRow:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str

    @property
    def names(self) -> Names:
        return Names(self.first_name, self.last_name, self.email)


@dataclass(frozen=True)
class Names:
    """What the gradebook (for learners) or the staff list keeps about a person."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""


#: ``(line number, what is wrong)``; line 1 is the header.
Problem = tuple[int, str]


def _column_key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def _decode(data: bytes) -> tuple[str, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    problems = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as err:
            byte = line[err.start]
            problems.append(
                (
                    number,
                    f"not UTF-8 (byte 0x{byte:02x}): the file is in another encoding; "
                    "save it as UTF-8 (in a spreadsheet: CSV UTF-8) and import it again",
                )
            )
    return "", problems


def parse_roster(data: bytes, username_pattern: str) -> tuple[list[RosterRow], list[Problem]]:
    """The rows of a roster file, or every problem in it (then the rows mean nothing).

    ``username_pattern`` is the hub's rule for user names: a name it would refuse at
    sign-up is refused here too, with its line.
    """
    text, problems = _decode(data)
    if problems:
        return [], problems
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [(1, f"the file is empty: its first line must be the header {','.join(HEADER)}")]
    except csv.Error as err:
        return [], [(1, f"not a CSV header: {err}")]
    keys = [_column_key(cell) for cell in header]
    missing = [name for name in HEADER if name not in keys]
    unknown = [cell for cell, key in zip(header, keys, strict=True) if key not in HEADER]
    doubled = sorted({key for key in keys if key in HEADER and keys.count(key) > 1})
    header_problems = []
    if missing:
        header_problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        header_problems.append(f"unknown column(s): {', '.join(repr(c) for c in unknown)}")
    if doubled:
        header_problems.append(f"column(s) given twice: {', '.join(doubled)}")
    if header_problems:
        expected = ",".join(HEADER)
        return [], [(1, f"{'; '.join(header_problems)} (the header must be {expected})")]
    index = {key: keys.index(key) for key in HEADER}
    pattern = re.compile(username_pattern)
    rows: list[RosterRow] = []
    first_line: dict[str, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append((reader.line_num, f"not valid CSV: {err}"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are harmless
        if len(cells) != len(header):
            problems.append((line, f"has {len(cells)} field(s) where the header has {len(header)}"))
            continue
        value = {key: cells[i].strip() for key, i in index.items()}
        row_problems = []
        username, role, email = value["username"], value["role"].lower(), value["email"]
        if not username:
            row_problems.append("no username")
        elif not pattern.match(username):
            row_problems.append(
                f"{username!r} is not a valid username: 2 to 24 lower-case letters, digits, "
                "'-' or '_', starting with a letter (not grader-... or sandbox)"
            )
        elif username in first_line:
            row_problems.append(f"username {username!r} is already on line {first_line[username]}")
        else:
            first_line[username] = line
        if role not in ROLES:
            shown = repr(value["role"]) if value["role"] else "none"
            row_problems.append(f"unknown role {shown}: use learner, grader or instructor")
        if email and not EMAIL.match(email):
            row_problems.append(f"{email!r} is not an e-mail address")
        if row_problems:
            problems.append((line, "; ".join(row_problems)))
            continue
        rows.append(RosterRow(username, value["first name"], value["last name"], email, role))
    return ([] if problems else rows), problems


def format_roster(rows: Iterable[RosterRow]) -> str:
    """The CSV text of ``rows``, header first, in the shape :func:`parse_roster` reads."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    order = {INSTRUCTOR: 0, GRADER: 1, LEARNER: 2}
    for row in sorted(rows, key=lambda r: (order[r.role], r.username)):
        writer.writerow([row.username, row.first_name, row.last_name, row.email, row.role])
    return out.getvalue()


@dataclass(frozen=True)
class CourseMembers:
    """Who holds each role of one course now, as the hub's groups say."""

    learners: frozenset[str] = frozenset()
    graders: frozenset[str] = frozenset()  # graders and instructors: they open the formgrader
    instructors: frozenset[str] = frozenset()

    def role_of(self, username: str) -> str | None:
        """The highest role held: someone who grades and also learns exports as a grader."""
        if username in self.instructors:
            return INSTRUCTOR
        if username in self.graders:
            return GRADER
        if username in self.learners:
            return LEARNER
        return None


@dataclass
class ImportPlan:
    """Everything an import changes; empty when the course already matches the file."""

    new_accounts: list[str] = field(default_factory=list)
    approve: list[str] = field(default_factory=list)
    add_learners: list[str] = field(default_factory=list)
    add_graders: list[str] = field(default_factory=list)
    remove_graders: list[str] = field(default_factory=list)
    add_instructors: list[str] = field(default_factory=list)
    remove_instructors: list[str] = field(default_factory=list)
    #: Learners whose gradebook record is missing or holds other names.
    gradebook: dict[str, Names] = field(default_factory=dict)
    #: Graders and instructors whose names differ from the staff list's.
    staff: dict[str, Names] = field(default_factory=dict)
    #: Of the above, people already in the course whose names change.
    renamed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(bool(value) for value in vars(self).values())

    def summary(self) -> str:
        if not self:
            return "nothing to change"
        parts = [
            (len(self.new_accounts), "created {} account(s)"),
            (len(self.approve), "approved {} sign-up(s)"),
            (len(self.add_learners), "enrolled {}"),
            (len(set(self.add_graders) - set(self.add_instructors)), "made {} grader(s)"),
            (len(self.add_instructors), "made {} instructor(s)"),
            (len(self.remove_instructors), "removed instructor rights of {}"),
            (len(self.remove_graders), "removed grading rights of {}"),
            (len(self.renamed), "updated {} name(s)"),
        ]
        done = [text.format(count) for count, text in parts if count]
        return ", ".join(done) or "updated the gradebook"


def plan_import(
    rows: Iterable[RosterRow],
    members: CourseMembers,
    accounts: Mapping[str, bool],
    gradebook: Mapping[str, Names],
    staff: Mapping[str, Names],
) -> ImportPlan:
    """What importing ``rows`` changes, given the course now.

    ``accounts`` maps every existing hub account to whether it is approved. A learner
    row adds to the learners (and the gradebook) and takes away any grading rights in
    this course; a grader or instructor row sets the staff groups and never removes a
    learner, since that would delete their grades: an import never removes anyone
    from a course's learners (the formgrader does that).
    """
    plan = ImportPlan()
    for row in rows:
        name = row.username
        if name not in accounts:
            plan.new_accounts.append(name)
        elif not accounts[name]:
            plan.approve.append(name)
        if row.role == LEARNER:
            if name not in members.learners:
                plan.add_learners.append(name)
            if name in members.graders:
                plan.remove_graders.append(name)
            if name in members.instructors:
                plan.remove_instructors.append(name)
            if gradebook.get(name) != row.names:
                plan.gradebook[name] = row.names
                if name in gradebook:
                    plan.renamed.append(name)
        else:
            if name not in members.graders:
                plan.add_graders.append(name)
            if row.role == INSTRUCTOR and name not in members.instructors:
                plan.add_instructors.append(name)
            if row.role == GRADER and name in members.instructors:
                plan.remove_instructors.append(name)
            if staff.get(name, Names()) != row.names:
                plan.staff[name] = row.names
                if name in staff:
                    plan.renamed.append(name)
    return plan


def export_rows(
    members: CourseMembers, gradebook: Mapping[str, Names], staff: Mapping[str, Names]
) -> list[RosterRow]:
    """Every member of the course with their highest role and known names."""
    everyone = members.learners | members.graders | members.instructors
    rows = []
    for name in everyone:
        role = members.role_of(name)
        assert role is not None
        known = gradebook.get(name) if role == LEARNER else staff.get(name)
        known = known or Names()
        rows.append(RosterRow(name, known.first_name, known.last_name, known.email, role))
    return rows
