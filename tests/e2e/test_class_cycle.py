"""One class, start to end, in Chromium: a learner on a phone, the instructor on a laptop.

A newcomer signs up on the phone with the course's enrolment code and the instructor
approves them from the course page. The learner (360x740) logs in and lands on their
course page, opens a lesson in Notebook 7 and runs a cell, fetches the first pricing
assignment, answers it, sees Validate name the question they got wrong, fixes it in the
notebook, validates again and submits; asking for feedback before it is released says
so. The instructor (1280x800) collects, autogrades, marks the written answer and
releases feedback in the formgrader's own pages. The learner then reads their feedback
on the phone: each question named with its score, no hidden test. No learner page
scrolls sideways. Screenshots of every step land in ``test-artifacts/class-cycle/``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from support.assignment import (
    ASSIGNMENT,
    COURSE,
    HIDDEN_ANSWER,
    NOTEBOOK,
    answered,
    assertion_lines,
    solutions,
)
from support.hub import running_hub

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
#: A cold single-user server (JupyterLab, Notebook, nbgrader, Voilà) on 2 cores.
SPAWN_TIMEOUT_MS = 180_000
#: Validate and autograde run the whole notebook in a fresh kernel.
RUN_TIMEOUT_MS = 300_000
PAGE_TIMEOUT_MS = 60_000
LESSON = "Lesson 1: What you keep from a sale"
SECTION = f"#a-{COURSE}-{ASSIGNMENT}"
#: Question 1 answered without the fees: its visible test fails, naming the question.
WRONG_Q1 = (
    "def seller_keeps_rwf(price, rwf_per_unit, commission_rate, payment_fee_rate):\n"
    "    return price * rwf_per_unit\n"
)
#: Question 3 answered with a whole number one short: the visible tests pass, a hidden
#: one fails, and the feedback must say so without showing it.
NEAR_Q3 = "break_even_packs = 1958\n"
#: The written answer (question 4), marked by the instructor with a comment.
WRITTEN_ANSWER = "written_exchange_rate"
WRITTEN_ANSWER_START = "The best price in francs is"
TEACHER_COMMENT = "Good: you named a risk. Say which way the dollar price moves."


@pytest.fixture(scope="module")
def hub(artifacts_dir: Path):
    """A hub of this file's own: the cycle changes the gradebook and the exchange."""
    with running_hub(artifacts_dir, "class-cycle-") as hub:
        yield hub


@pytest.fixture(scope="module")
def shots(artifacts_dir: Path) -> Path:
    folder = artifacts_dir / "class-cycle"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture(scope="module")
def laptop(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=LAPTOP)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture(scope="module")
def learner(hub, phone, laptop, shots) -> dict:
    """A new learner joins the class: signs up on the phone with the pricing course's
    enrolment code, and the instructor approves them from the course page on a laptop.
    """
    account = {"username": "uwase", "password": "Kigali-chili-2026"}
    code = json.loads((hub.state_dir / "enrolment-codes.json").read_text())[COURSE]
    page = phone.new_page()
    page.goto(f"{hub.url}/hub/signup")
    page.fill("#username_input", account["username"])
    page.fill("#password_input", account["password"])
    page.fill("#password_confirmation_input", account["password"])
    page.fill("#course_code_input", code)
    page.click("#signup_submit")
    expect(page.locator("#signup_result")).to_contain_text("Once they approve")
    snap(page, shots, "00a-learner-signed-up")
    assert_fits(page)
    page.close()

    teacher = laptop.new_page()
    demo = hub.demo_accounts["instructor"]
    log_in(teacher, hub.url, demo["username"], demo["password"], "/hub/home")
    teacher.goto(f"{hub.url}/hub/home")
    teacher.locator(".isoko-waiting a", has_text="waiting for").first.click()
    teacher.wait_for_url(f"{hub.url}/hub/course/{COURSE}")
    row = teacher.locator(f"#signup-{account['username']}")
    snap(teacher, shots, "00b-instructor-course-page")
    row.get_by_role("button", name="Approve and enrol").click()
    expect(teacher.locator("#enrolled_learners")).to_contain_text(account["username"])
    snap(teacher, shots, "00c-instructor-approved")
    teacher.close()
    laptop.clear_cookies()
    return account


def log_in(page: Page, hub_url: str, username: str, password: str, next_path: str = "") -> None:
    page.goto(f"{hub_url}/hub/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#username_input", username)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=30_000)


def assert_fits(page: Page) -> None:
    """Nothing to scroll sideways: the page is no wider than the screen."""
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"


def snap(page: Page, shots: Path, name: str) -> None:
    page.screenshot(path=shots / f"{name}.png", full_page=True)


def note(page: Page):
    return page.locator("#note")


def press(page: Page, button: str, timeout: float = PAGE_TIMEOUT_MS) -> None:
    """One of the assignment's buttons on the course page; wait for the page after it."""
    with page.expect_navigation(timeout=timeout):
        page.locator(SECTION).get_by_role("button", name=button, exact=True).click()


def save_through_the_server(page: Page, hub_url: str, user: str, content: dict) -> None:
    """Save a notebook as the learner's browser does: its cookies, its XSRF token."""
    xsrf = next(
        c["value"]
        for c in page.context.cookies(f"{hub_url}/user/{user}/")
        if c["name"] == "_xsrf" and c["path"].startswith(f"/user/{user}")
    )
    path = f"{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    reply = page.request.put(
        f"{hub_url}/user/{user}/api/contents/{path}",
        data=json.dumps({"type": "notebook", "format": "json", "content": content}),
        headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"},
    )
    assert reply.ok, reply.text()


def wait_for_kernel(page: Page, hub_url: str, user: str, path: str) -> None:
    """Until the notebook's kernel is connected and idle, as a learner waits for the
    kernel indicator; a run pressed before that is dropped by Notebook 7."""
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        sessions = page.request.get(f"{hub_url}/user/{user}/api/sessions").json()
        kernels = [s["kernel"] for s in sessions if s["path"] == path and s.get("kernel")]
        if kernels and kernels[0]["connections"] > 0 and kernels[0]["execution_state"] == "idle":
            break
        page.wait_for_timeout(500)
    else:
        raise AssertionError(f"no kernel connected to {path}")
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_attached()


def released_notebook(page: Page, hub_url: str, user: str) -> dict:
    reply = page.request.get(f"{hub_url}/user/{user}/api/contents/{COURSE}/{ASSIGNMENT}/{NOTEBOOK}")
    assert reply.ok, reply.text()
    return reply.json()["content"]


def test_a_class_from_phone_to_feedback(hub, phone, laptop, shots, learner):
    name = learner["username"]
    home = f"{hub.url}/user/{name}/learn"

    # The learner logs in on the phone and lands on their course page.
    page = phone.new_page()
    log_in(page, hub.url, name, learner["password"])
    page.wait_for_url(re.compile(rf"/user/{name}/learn"), timeout=SPAWN_TIMEOUT_MS)
    expect(page.locator(f"#c-{COURSE}")).to_be_visible()
    expect(page.locator(SECTION)).to_contain_text("Ready to fetch")
    snap(page, shots, "01-learner-home")
    assert_fits(page)

    # A lesson opens in Notebook 7's one-notebook view; its run button runs a cell.
    page.get_by_role("link", name=LESSON).click()
    page.wait_for_url(re.compile(r"/notebooks/pricing/lessons/01-price-after-fees\.ipynb"))
    code_cell = page.locator(".jp-Notebook .jp-CodeCell").first
    expect(code_cell).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_for_kernel(page, hub.url, name, "pricing/lessons/01-price-after-fees.ipynb")
    code_cell.locator(".jp-InputArea-prompt").click()
    run = page.locator("jp-button[data-command='notebook:run-cell-and-select-next']")
    expect(run).to_be_in_viewport()
    run.click()
    expect(code_cell.locator(".jp-InputArea-prompt")).to_have_text(
        re.compile(r"\[\d+\]"), timeout=PAGE_TIMEOUT_MS
    )
    snap(page, shots, "02-lesson-ran-a-cell")
    assert_fits(page)

    # Fetch: the assignment arrives in the learner's folder.
    page.goto(home)
    press(page, "Fetch")
    expect(note(page)).to_contain_text(f"{ASSIGNMENT} is in your folder now")
    snap(page, shots, "03-fetched")
    assert_fits(page)

    # The learner answers; question 1 is wrong. Validate names it and says why.
    answers = {**solutions(), "seller_keeps_rwf": WRONG_Q1, "break_even_packs": NEAR_Q3}
    save_through_the_server(
        page, hub.url, name, answered(released_notebook(page, hub.url, name), answers)
    )
    press(page, "Validate", timeout=RUN_TIMEOUT_MS)
    expect(note(page)).to_contain_text("fix these")
    expect(note(page)).to_contain_text("Question 1 (2 points): AssertionError")
    expect(note(page)).not_to_contain_text("Question 2")
    snap(page, shots, "04-validate-names-the-question")
    assert_fits(page)

    # The learner opens the notebook on the phone and fixes question 1 there.
    with page.expect_navigation():
        page.locator(SECTION).get_by_role("link", name="Open").click()
    answer = page.locator(".jp-Notebook .jp-CodeCell", has_text="return price * rwf_per_unit")
    expect(answer).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(solutions()["seller_keeps_rwf"])
    page.keyboard.press("Control+s")
    expect(
        page.locator(
            ".jp-Notebook .jp-CodeCell", has_text="(1 - commission_rate - payment_fee_rate)"
        )
    ).to_be_visible()
    snap(page, shots, "05-fixed-in-the-notebook")
    assert_fits(page)
    # Saved: the server has the fix.
    page.wait_for_function("() => !document.title.startsWith('*')", timeout=PAGE_TIMEOUT_MS)

    page.goto(home)
    press(page, "Validate", timeout=RUN_TIMEOUT_MS)
    expect(note(page)).to_contain_text("passes every test you can see")
    press(page, "Submit")
    expect(note(page)).to_contain_text(f"{ASSIGNMENT} is submitted")
    snap(page, shots, "06-submitted")
    assert_fits(page)

    # Feedback before the instructor released any: a clear answer, not silence.
    press(page, "Feedback")
    expect(note(page)).to_contain_text(f"No feedback for {ASSIGNMENT} yet")
    snap(page, shots, "07-no-feedback-yet")
    assert_fits(page)

    grade_in_the_formgrader(hub, laptop, shots, name)

    # The learner reads the feedback on the phone.
    page.goto(home)
    expect(page.locator(SECTION)).to_contain_text("Feedback is ready")
    with page.expect_response(re.compile(r"/learn/.*/feedback$")) as served:
        press(page, "Feedback")
    policy = served.value.headers.get("content-security-policy", "")
    assert "default-src 'none'" in policy and "script-src" not in policy, policy
    expect(page.locator("main")).to_contain_text("Your score: 6 / 8 points")
    for question, score in [
        ("Question 1 (2 points)", "2 / 2 points"),
        ("Question 2 (2 points)", "2 / 2 points"),
        ("Question 3 (2 points)", "0 / 2 points"),
        ("Question 4 (2 points, marked by your teacher)", "2 / 2 points"),
    ]:
        section = page.locator("section", has=page.locator("h3", has_text=question))
        expect(section.locator(".score")).to_have_text(score)
    written = page.locator("section", has=page.locator("h3", has_text="Question 4"))
    expect(written).to_contain_text(f"Your teacher: {TEACHER_COMMENT}")
    failed = page.locator("section", has=page.locator("h3", has_text="Question 3"))
    expect(failed.locator(".msg")).to_have_text(
        "AssertionError: a test failed; some tests stay hidden. Check your answer."
    )
    text = page.locator("body").inner_text()
    for line in assertion_lines(hidden=True):
        assert line not in text
    assert HIDDEN_ANSWER not in text and "Test cell" not in text and "Trust" not in text
    snap(page, shots, "09-feedback-on-the-phone")
    assert_fits(page)


def grade_in_the_formgrader(hub, laptop: BrowserContext, shots: Path, student: str) -> None:
    """The instructor's part, in the formgrader's own pages on a laptop."""
    instructor = hub.demo_accounts["instructor"]
    page = laptop.new_page()
    log_in(page, hub.url, instructor["username"], instructor["password"], "/hub/home")
    base = f"{hub.url}/services/{COURSE}/formgrader"

    page.goto(f"{base}/manage_assignments")
    row = page.locator("#main-table tr", has=page.locator("td.name", has_text=ASSIGNMENT))
    row.locator("td.collect a").click()
    expect(page.locator("#success-modal")).to_contain_text("Successfully collected")
    page.locator("#success-modal .modal-footer button").click()
    expect(page.locator("#success-modal")).to_have_count(0)

    page.goto(f"{base}/manage_submissions/{ASSIGNMENT}")
    mine = page.locator("#main-table tr", has_text=student)
    mine.locator("td.autograde a").click()
    expect(page.locator("#success-modal")).to_contain_text(
        "Successfully autograded", timeout=RUN_TIMEOUT_MS
    )
    page.locator("#success-modal .modal-footer button").click()
    snap(page, shots, "08a-instructor-autograded")

    # The written answer, marked by hand on the submission's page.
    submissions = page.request.get(
        f"{base}/api/submitted_notebooks/{ASSIGNMENT}/{NOTEBOOK.removesuffix('.ipynb')}"
    )
    (submission,) = [s for s in submissions.json() if s["student"] == student]
    page.goto(f"{base}/submissions/{submission['id']}/")
    written = page.locator(".nbgrader_cell", has_text=WRITTEN_ANSWER_START)
    written.locator("button.full-credit").click()
    expect(written.locator("input.score")).to_have_value("2")
    comment = page.locator(f"#{WRITTEN_ANSWER}-comment")
    comment.fill(TEACHER_COMMENT)
    comment.blur()
    # Both reach the gradebook before feedback is made from it.
    api = f"{base}/api"
    for kind, field, wanted in (
        ("grades", "manual_score", 2),
        ("comments", "manual_comment", TEACHER_COMMENT),
    ):
        deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            rows = page.request.get(f"{api}/{kind}?submission_id={submission['id']}").json()
            if any(r["name"] == WRITTEN_ANSWER and r[field] == wanted for r in rows):
                break
            page.wait_for_timeout(500)
        else:
            raise AssertionError(f"the formgrader did not save the written answer's {kind}")
    snap(page, shots, "08b-instructor-marked-the-written-answer")

    page.goto(f"{base}/manage_assignments")
    row = page.locator("#main-table tr", has=page.locator("td.name", has_text=ASSIGNMENT))
    for column, said in (
        ("generate-feedback", "Successfully generated feedback"),
        ("release-feedback", "Successfully released feedback"),
    ):
        row.locator(f"td.{column} a").click()
        expect(page.locator("#success-modal")).to_contain_text(said, timeout=RUN_TIMEOUT_MS)
        page.locator("#success-modal .modal-footer button").click()
        expect(page.locator("#success-modal")).to_have_count(0)
    snap(page, shots, "08c-instructor-released-feedback")
    page.close()


def test_a_step_posted_without_the_servers_token_is_refused(hub, phone, learner):
    """A form on another site cannot make the learner fetch or submit: every step is a
    POST that must carry the XSRF token of the learner's own server."""
    name = learner["username"]
    page = phone.new_page()
    page.goto(f"{hub.url}/user/{name}/learn")
    other = "a02-price-from-sales-data"
    expect(page.locator(f"#a-{COURSE}-{other}")).to_contain_text("Ready to fetch")
    forged = page.request.post(
        f"{hub.url}/user/{name}/learn/{COURSE}/{other}/fetch",
        form={"course_id": COURSE},
        max_redirects=0,
    )
    assert forged.status == 403, forged.status
    page.reload()
    expect(page.locator(f"#a-{COURSE}-{other}")).to_contain_text("Ready to fetch")
    page.close()


def test_the_feedback_page_serves_only_the_learners_feedback_files(hub, phone, learner):
    name = learner["username"]
    page = phone.new_page()
    feedback = f"{hub.url}/user/{name}/learn/{COURSE}/{ASSIGNMENT}/feedback"
    assert page.goto(feedback).status == 200
    for other in ("../../../../etc/passwd", f"{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"):
        assert page.goto(f"{feedback}?notebook={other}").status == 404, other
    page.close()
