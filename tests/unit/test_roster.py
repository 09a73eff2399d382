"""Reading, checking, planning and writing course rosters, with no hub."""

from __future__ import annotations

import pytest

from isoko.courses.roster import (
    CourseMembers,
    Names,
    RosterRow,
    export_rows,
    format_roster,
    parse_roster,
    plan_import,
)
from isoko.hub.config import USERNAME_PATTERN

GOOD = """\
username,first name,last name,email,role
amina,Amina,Uwase,amina@example.rw,learner
jean-paul,Jean-Paul,Habimana,,learner
claudine,Claudine,Mukamana,claudine@example.rw,grader
eric,Éric,Niyonzima,eric@example.rw,instructor
"""


def parse(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return parse_roster(data, USERNAME_PATTERN)


def test_a_good_file_gives_one_row_per_person():
    rows, problems = parse(GOOD)
    assert problems == []
    assert [r.username for r in rows] == ["amina", "jean-paul", "claudine", "eric"]
    assert rows[3] == RosterRow("eric", "Éric", "Niyonzima", "eric@example.rw", "instructor")
    assert rows[1].email == ""


def test_header_spellings_and_order_and_a_byte_order_mark_are_accepted():
    text = "\ufeffEmail, First_Name ,LAST NAME,Role,Username\nx@y.rw,A,B,Learner,amina\n"
    rows, problems = parse(text)
    assert problems == []
    assert rows == [RosterRow("amina", "A", "B", "x@y.rw", "learner")]


def test_blank_lines_and_spaces_around_values_are_harmless():
    rows, problems = parse("username,first name,last name,email,role\n\n  amina , A ,B,, learner\n")
    assert problems == []
    assert rows == [RosterRow("amina", "A", "B", "", "learner")]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("username,first name,last name,role\namina,A,B,learner\n", 1, "missing column(s): email"),
        ("username,first name,last name,e-mail address,role\n", 1, "unknown column"),
        ("username,first name,last name,email,role,role\n", 1, "given twice: role"),
    ],
    ids=["empty", "missing-column", "unknown-column", "column-twice"],
)
def test_a_bad_header_is_refused_on_line_1(text, line, words):
    rows, problems = parse(text)
    assert rows == []
    assert len(problems) == 1
    assert problems[0][0] == line
    assert words in problems[0][1]


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_returned():
    text = (
        "username,first name,last name,email,role\n"  # 1
        "amina,Amina,Uwase,,learner\n"  # 2 good
        "bob,Bob,B,,teacher\n"  # 3 unknown role
        "amina,Amina,Again,,grader\n"  # 4 duplicate
        "Bad Name,X,Y,,learner\n"  # 5 invalid username
        "grader-pricing,X,Y,,learner\n"  # 6 reserved name
        ",X,Y,,learner\n"  # 7 no username
        "carl,Carl,C,not-an-address,learner\n"  # 8 bad e-mail
        "dina,Dina,D,learner\n"  # 9 a field short
        "eve,Eve,E,,\n"  # 10 no role
    )
    rows, problems = parse(text)
    assert rows == []
    lines = dict(problems)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "unknown role 'teacher'" in lines[3]
    assert "'amina' is already on line 2" in lines[4]
    assert "'Bad Name' is not a valid username" in lines[5]
    assert "'grader-pricing' is not a valid username" in lines[6]
    assert "no username" in lines[7]
    assert "not an e-mail address" in lines[8]
    assert "4 field(s) where the header has 5" in lines[9]
    assert "unknown role none" in lines[10]


def test_a_file_in_another_encoding_is_refused_saying_so_on_each_line():
    latin1 = GOOD.encode("latin-1")  # É of Éric on line 5
    rows, problems = parse(latin1)
    assert rows == []
    assert problems == [(5, problems[0][1])]
    assert "not UTF-8" in problems[0][1] and "another encoding" in problems[0][1]


def test_a_quoted_line_break_keeps_line_numbers_true():
    text = (
        "username,first name,last name,email,role\n"
        'amina,"Amina\nMarie",Uwase,,learner\n'  # lines 2-3
        "bob,Bob,B,,teacher\n"  # line 4
    )
    _, problems = parse(text)
    assert [line for line, _ in problems] == [4]


def test_export_then_import_is_the_same_rows():
    rows, _ = parse(GOOD)
    again, problems = parse(format_roster(rows))
    assert problems == []
    assert sorted(again, key=lambda r: r.username) == sorted(rows, key=lambda r: r.username)


def test_a_course_that_matches_the_file_plans_nothing():
    rows, _ = parse(GOOD)
    members = CourseMembers(
        learners=frozenset({"amina", "jean-paul"}),
        graders=frozenset({"claudine", "eric"}),
        instructors=frozenset({"eric"}),
    )
    accounts = {row.username: True for row in rows}
    gradebook = {r.username: r.names for r in rows if r.role == "learner"}
    staff = {r.username: r.names for r in rows if r.role != "learner"}
    plan = plan_import(rows, members, accounts, gradebook, staff)
    assert not plan
    assert plan.summary() == "nothing to change"
    exported = export_rows(members, gradebook, staff)
    assert sorted(exported, key=lambda r: r.username) == sorted(rows, key=lambda r: r.username)


def test_a_new_class_creates_accounts_and_enrols():
    rows, _ = parse(GOOD)
    plan = plan_import(rows, CourseMembers(), {"eric": False}, {}, {})
    assert plan.new_accounts == ["amina", "jean-paul", "claudine"]
    assert plan.approve == ["eric"]
    assert plan.add_learners == ["amina", "jean-paul"]
    assert plan.add_graders == ["claudine", "eric"]
    assert plan.add_instructors == ["eric"]
    assert set(plan.gradebook) == {"amina", "jean-paul"}
    assert plan.summary() == (
        "created 3 account(s), approved 1 sign-up(s), enrolled 2, made 1 grader(s), "
        "made 1 instructor(s)"
    )


def test_a_learner_row_takes_away_grading_rights_but_staff_rows_never_unenrol():
    rows = [
        RosterRow("amina", "", "", "", "learner"),
        RosterRow("claudine", "", "", "", "grader"),
    ]
    members = CourseMembers(
        learners=frozenset({"claudine"}),
        graders=frozenset({"amina", "claudine"}),
        instructors=frozenset({"amina", "claudine"}),
    )
    accounts = {"amina": True, "claudine": True}
    plan = plan_import(rows, members, accounts, {"amina": Names()}, {"claudine": Names()})
    assert plan.remove_graders == ["amina"]
    assert plan.remove_instructors == ["amina", "claudine"]
    assert plan.add_learners == ["amina"]
    assert plan.gradebook == {}  # claudine stays a learner: her grades are kept


def test_a_changed_name_is_an_update():
    rows = [RosterRow("amina", "Amina", "Uwase", "", "learner")]
    members = CourseMembers(learners=frozenset({"amina"}))
    plan = plan_import(rows, members, {"amina": True}, {"amina": Names("A", "U", "")}, {})
    assert plan.gradebook == {"amina": Names("Amina", "Uwase", "")}
    assert plan.summary() == "updated 1 name(s)"
