"""What the formgrader's pages get for a student with no name."""

from __future__ import annotations

from isoko.courses.formgrader_names import with_names


def test_a_student_with_no_name_is_shown_by_username():
    assert with_names({"id": "learner1", "first_name": None, "last_name": None}) == {
        "id": "learner1",
        "first_name": "",
        "last_name": "learner1",
    }


def test_a_submission_with_no_name_is_shown_by_its_student():
    shown = with_names({"student": "amina", "first_name": None, "last_name": None, "score": 3})
    assert (shown["last_name"], shown["first_name"], shown["score"]) == ("amina", "", 3)


def test_a_known_name_is_kept_even_if_half_empty():
    record = {"id": "amina", "first_name": "Amina", "last_name": None}
    assert with_names(record) == record


def test_records_without_names_pass_untouched():
    assert with_names({"name": "a01"}) == {"name": "a01"}
    assert with_names(None) is None
