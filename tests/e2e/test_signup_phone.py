"""Signing up and logging in on a 360x740 phone, in Debian's Chromium, on the real hub.

The cards fit the screen (no sideways scrolling), a refused sign-up names each wrong
field beside it and keeps what was typed (never the passwords), and a right course
code sends the sign-up to that course's instructors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from isoko.courses.catalog import load_courses
from support.hub import REPO
from support.signups import MISSING, PENDING, signup_state

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
TITLES = {course.slug: course.title for course in load_courses(REPO / "courses")}


@pytest.fixture
def phone(browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, has_touch=True)
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        context.close()


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no horizontal scroll)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def card_fits(page: Page) -> bool:
    box = page.locator("#login-main form").bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_login_and_signup_cards_fit_a_phone(hub, phone, artifacts_dir):
    page = phone.new_page()
    for path in ("/hub/login", "/hub/signup"):
        page.goto(hub.url + path)
        page.screenshot(path=str(artifacts_dir / f"phone{path.replace('/', '-')}.png"))
        assert sideways_overflow(page) <= 0, path
        assert card_fits(page), path


def test_a_refused_signup_names_the_wrong_fields_and_keeps_what_was_typed(
    hub, phone, artifacts_dir
):
    page = phone.new_page()
    page.goto(f"{hub.url}/hub/signup")
    page.fill("#username_input", "phone-seller")
    page.fill("#password_input", "short")
    page.fill("#password_confirmation_input", "shorter")
    page.fill("#course_code_input", "NOT-A-CODE")
    page.click("#signup_submit")
    page.wait_for_selector("#signup_result")
    page.screenshot(path=str(artifacts_dir / "phone-signup-refused.png"), full_page=True)

    expect(page.locator("#password_error")).to_contain_text("Password: use at least 8")
    expect(page.locator("#confirmation_error")).to_contain_text("Confirm password: it does not")
    expect(page.locator("#course_code_error")).to_contain_text("Course code: no course has")
    expect(page.locator("#username_error")).to_have_count(0)
    for field in ("#password_input", "#password_confirmation_input", "#course_code_input"):
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
    # What was typed is still there, but the passwords.
    expect(page.locator("#username_input")).to_have_value("phone-seller")
    expect(page.locator("#course_code_input")).to_have_value("NOT-A-CODE")
    expect(page.locator("#password_input")).to_have_value("")
    assert sideways_overflow(page) <= 0 and card_fits(page)
    assert signup_state(hub.state_dir, "phone-seller") == MISSING

    # Put right what was named, with the course code the instructor gave.
    code = json.loads((hub.state_dir / "enrolment-codes.json").read_text())["pricing"]
    page.fill("#password_input", "Kigali-coffee-2026")
    page.fill("#password_confirmation_input", "Kigali-coffee-2026")
    page.fill("#course_code_input", code.upper())
    page.click("#signup_submit")
    expect(page.locator("#signup_result")).to_contain_text(
        f"the instructors of {TITLES['pricing']}"
    )
    assert signup_state(hub.state_dir, "phone-seller") == PENDING


def test_a_taken_username_is_named_as_such(hub, phone):
    page = phone.new_page()
    page.goto(f"{hub.url}/hub/signup")
    page.fill("#username_input", "learner1")
    page.fill("#password_input", "Kigali-coffee-2026")
    page.fill("#password_confirmation_input", "Kigali-coffee-2026")
    page.click("#signup_submit")
    expect(page.locator("#username_error")).to_contain_text("Username: this name is taken")
    expect(page.locator("#username_input")).to_have_value("learner1")
    expect(page.locator("#password_error")).to_have_count(0)


def test_a_refused_login_keeps_the_username(hub, phone):
    page = phone.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", "learner2")
    page.fill("#password_input", "not-the-password")
    page.click("#login_submit")
    expect(page.locator(".login_error")).to_contain_text("Invalid username or password")
    expect(page.locator("#username_input")).to_have_value("learner2")
    assert sideways_overflow(page) <= 0 and card_fits(page)


def test_the_instructor_sees_the_waiting_signup_on_the_phone_and_approves_it(
    hub, phone, artifacts_dir
):
    code = json.loads((hub.state_dir / "enrolment-codes.json").read_text())["pricing"]
    newcomer = phone.new_page()
    newcomer.goto(f"{hub.url}/hub/signup")
    newcomer.fill("#username_input", "waiting-on-phone")
    newcomer.fill("#password_input", "Kigali-coffee-2026")
    newcomer.fill("#password_confirmation_input", "Kigali-coffee-2026")
    newcomer.fill("#course_code_input", code)
    newcomer.click("#signup_submit")
    expect(newcomer.locator("#signup_result")).to_contain_text("Once they approve")
    phone.clear_cookies()

    demo = hub.demo_accounts["instructor"]
    page = phone.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", demo["username"])
    page.fill("#password_input", demo["password"])
    page.click("#login_submit")
    page.wait_for_url(lambda url: "/hub/login" not in url)
    page.goto(f"{hub.url}/hub/home")
    waiting = page.locator(".isoko-waiting a", has_text=f"waiting for {TITLES['pricing']}")
    expect(waiting).to_contain_text("sign-up")
    page.screenshot(path=str(artifacts_dir / "phone-instructor-home.png"), full_page=True)
    waiting.click()
    page.wait_for_url(f"{hub.url}/hub/course/pricing")
    row = page.locator("#signup-waiting-on-phone")
    expect(row).to_be_visible()
    expect(page.locator("#enrolment_code")).to_have_text(f"{code[:5]}-{code[5:]}")
    page.screenshot(path=str(artifacts_dir / "phone-course-page.png"), full_page=True)
    row.get_by_role("button", name="Approve and enrol").click()
    expect(page.locator("#signup-waiting-on-phone")).to_have_count(0)
    expect(page.locator("#enrolled_learners")).to_contain_text("waiting-on-phone")
    assert sideways_overflow(page) <= 0
