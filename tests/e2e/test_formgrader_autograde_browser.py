"""Autograde all on the formgrader's Manage Submissions page, clicked in Chromium.

Its own hub. Three learners hand a01 in (learner2 with Question 3 wrong); after the
instructor collects, learner3's notebook is replaced by an empty file. The instructor
clicks "Autograde all", watches the count reach the end, reads why learner3's was
rejected and what to do, and sees the list of submissions graded with their scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from test_learner_browser import PAGE_TIMEOUT_MS, log_in

from support.assignment import ASSIGNMENT, COURSE, source_points
from support.autograde_class import (
    WRONG_QUESTION_POINTS,
    CollectedClass,
    full_code_points,
    submit_and_collect,
)
from support.bad_submissions import BAD_SUBMISSIONS
from support.hub import running_hub

pytestmark = pytest.mark.e2e

EMPTY = BAD_SUBMISSIONS["empty-file"]
#: Long enough for a cold run of three notebooks on a loaded 2-core machine.
GRADING_TIMEOUT_MS = 600_000


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "autograde-browser-") as hub:
        yield hub


@pytest.fixture(scope="module")
def cls(hub) -> CollectedClass:
    collected = submit_and_collect(hub)
    collected.replace_submission("learner3", b"")
    return collected


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def shots(artifacts_dir: Path) -> Path:
    folder = artifacts_dir / "formgrader-autograde"
    folder.mkdir(exist_ok=True)
    return folder


def score_text(points: float) -> str:
    return f"{points:g} / {source_points(autograded_only=False):g}"


def test_autograde_all_shows_the_count_the_problems_and_the_scores(
    context: BrowserContext, hub, cls, shots: Path
):
    demo = hub.demo_accounts["instructor"]
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    log_in(page, hub.url, demo["username"], demo["password"], "/hub/home")
    page.goto(f"{hub.url}/services/{COURSE}/formgrader/manage_submissions/{ASSIGNMENT}")
    rows = page.locator("#main-table tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#main-table")).to_contain_text("needs autograding")

    panel = page.locator("#isoko-autograde-all")
    button = panel.get_by_role("button", name="Autograde all")
    status = panel.get_by_role("status")
    button.click()
    # While it runs: the button waits, and the count moves towards the end.
    expect(panel.get_by_role("button", name="Autograding...")).to_be_disabled()
    # The count once the run has one (or the end, on a machine fast enough to get there
    # between two looks).
    page.wait_for_function(
        "() => /Autograding: \\d+ of 3 done|Autograded/.test("
        "document.querySelector('.isoko-autograde-status').textContent)",
        timeout=GRADING_TIMEOUT_MS,
    )
    page.screenshot(path=str(shots / "running.png"))
    expect(status).to_have_text(
        re.compile(r"Autograded 3 of 3 in \d+ s"), timeout=GRADING_TIMEOUT_MS
    )

    problems = panel.locator("table.isoko-autograde-problems")
    expect(problems).to_be_visible()
    expect(problems.locator("tbody tr")).to_have_count(1)
    learner3 = problems.locator("tbody tr").first
    expect(learner3.locator(".isoko-problem-student")).to_have_text("learner3")
    expect(learner3.locator(".isoko-problem-outcome")).to_have_text("rejected")
    expect(learner3.locator(".isoko-problem-reason")).to_contain_text(EMPTY.reason)
    expect(panel.locator(".isoko-autograde-advice")).to_contain_text(
        "Ask the learner to submit again, collect, then autograde that learner"
    )

    # The list was refreshed: each graded with what their answers earn.
    def row(student: str):
        return page.locator("#main-table tr", has=page.locator("td.student-id", has_text=student))

    expect(row("learner1").locator("td.score")).to_have_text(score_text(full_code_points()))
    expect(row("learner2").locator("td.score")).to_have_text(
        score_text(full_code_points() - WRONG_QUESTION_POINTS)
    )
    expect(row("learner1").locator("td.status")).to_have_text("needs manual grading")
    # A rejected notebook scores as a missing one would: zero.
    expect(row("learner3").locator("td.score")).to_have_text(score_text(0))
    page.screenshot(path=str(shots / "done-laptop.png"), full_page=True)

    # After a reload the last run's outcome is still there, and the button is ready again.
    page.reload()
    expect(status).to_have_text(re.compile(r"Autograded 3 of 3"))
    expect(panel.get_by_role("button", name="Autograde all")).to_be_enabled()
    expect(row("learner2").locator("td.score")).to_have_text(
        score_text(full_code_points() - WRONG_QUESTION_POINTS)
    )
    # nbgrader's note no longer sends the instructor to `nbgrader autograde`.
    page.get_by_text("Instructions (click to expand)").click()
    expect(page.locator("#collapseOne pre")).to_contain_text(f'isoko grade {COURSE} "{ASSIGNMENT}"')
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "done-phone.png"), full_page=True)
    assert blocked == [], blocked
