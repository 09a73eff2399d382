"""The learner's course page: what each assignment offers, and where a note appears."""

from __future__ import annotations

import re

from isoko.learner.coursework import AssignmentState, CourseState, Item, Note
from isoko.learner.home import home_page

BASE = "/user/amina/"
XSRF = "token-123"


def course(*assignments: AssignmentState) -> CourseState:
    return CourseState(
        "pricing",
        lessons=[Item("Lesson 1: What you keep", "pricing/lessons/01-keep.ipynb")],
        apps=[Item("price and profit", "pricing/apps/price-and-profit.ipynb")],
        assignments=list(assignments),
    )


def buttons(page: str, assignment: str) -> list[str]:
    section = re.search(rf'<section id="a-pricing-{assignment}".*?</section>', page, re.DOTALL)[0]
    return re.findall(r"<button[^>]*>([^<]+)</button>|<a [^>]*>([^<]+)</a>", section)


def test_each_assignment_offers_the_next_steps_only():
    page = home_page(
        BASE,
        XSRF,
        "amina",
        [
            course(
                AssignmentState("pricing", "a01"),
                AssignmentState("pricing", "a02", "fetched", ["pricing/a02/nb.ipynb"]),
                AssignmentState("pricing", "a03", "submitted", ["pricing/a03/nb.ipynb"], "today"),
            )
        ],
        None,
    )
    assert buttons(page, "a01") == [("Fetch", "")]
    assert buttons(page, "a02") == [("", "Open"), ("Validate", ""), ("Submit", "")]
    assert buttons(page, "a03") == [
        ("", "Open"),
        ("Validate", ""),
        ("Submit", ""),
        ("Feedback", ""),
    ]
    assert 'href="/user/amina/notebooks/pricing/a02/nb.ipynb"' in page
    assert 'href="/user/amina/notebooks/pricing/lessons/01-keep.ipynb"' in page
    assert 'href="/user/amina/voila/render/pricing/apps/price-and-profit.ipynb?lang=en"' in page
    assert 'href="/user/amina/lab"' in page


def test_every_step_is_a_post_carrying_the_xsrf_token():
    page = home_page(BASE, XSRF, "amina", [course(AssignmentState("pricing", "a01"))], None)
    forms = re.findall(
        r'<form method="post" action="([^"]+)"><input type="hidden" name="_xsrf" value="([^"]+)">',
        page,
    )
    assert forms == [("/user/amina/learn/pricing/a01/fetch", XSRF)]


def test_a_note_about_an_assignment_appears_in_its_section():
    note = Note("bad", "a01: fix these", ["Question 1: AssertionError"], where="a-pricing-a01")
    page = home_page(BASE, XSRF, "amina", [course(AssignmentState("pricing", "a01"))], note)
    section = re.search(r'<section id="a-pricing-a01".*?</section></section>', page, re.DOTALL)[0]
    assert "Question 1: AssertionError" in section
    assert page.count('id="note"') == 1


def test_a_learner_in_no_course_is_told_what_to_do():
    page = home_page(BASE, XSRF, "amina", [], None)
    assert "You are not in a course yet" in page and "Ask your teacher" in page


def test_names_from_the_learner_are_escaped():
    page = home_page(BASE, XSRF, "<b>amina</b>", [course(AssignmentState("pricing", "a01"))], None)
    assert "<b>amina</b>" not in page and "&lt;b&gt;amina&lt;/b&gt;" in page
