"""The Remove button of the formgrader's Manage Students page, clicked in Chromium.

Its own hub: removing a learner would change what the other browser tests share.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from test_learner_browser import PAGE_TIMEOUT_MS, log_in

from support.assignment import COURSE
from support.assignment import formgrader as formgrader_api
from support.client import HubUser, signed_in
from support.hub import running_hub

pytestmark = pytest.mark.e2e

LEARNER = "learner3"


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "remove-browser-") as hub:
        yield hub


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def enrolled(hub) -> HubUser:
    """The learner, added in Manage Students with a name, as the instructor would."""
    instructor = signed_in(hub.url, hub.demo_accounts["instructor"], start_server=False)
    instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader"))
    saved = formgrader_api(
        instructor,
        "PUT",
        f"/student/{LEARNER}",
        json={"first_name": "Aline", "last_name": "Uwera", "email": None},
    )
    assert saved.ok, saved.text
    # Someone else stays on the list.
    assert formgrader_api(instructor, "PUT", "/student/learner2", json={}).ok
    return instructor


def in_course(hub, username: str) -> bool:
    hub_db = sqlite3.connect(hub.state_dir / "jupyterhub.sqlite")
    rows = hub_db.execute(
        "SELECT 1 FROM user_group_map JOIN groups ON groups.id = group_id "
        "JOIN users ON users.id = user_id WHERE users.name = ? AND groups.name = ?",
        (username, f"nbgrader-{COURSE}"),
    ).fetchall()
    hub_db.close()
    return bool(rows)


def test_remove_asks_first_then_the_row_goes_and_access_ends(
    context: BrowserContext, hub, enrolled, artifacts_dir: Path
):
    assert in_course(hub, LEARNER)
    demo = hub.demo_accounts["instructor"]
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    log_in(page, hub.url, demo["username"], demo["password"], "/hub/home")
    page.goto(f"{hub.url}/services/{COURSE}/formgrader/manage_students")
    row = page.locator("#main-table tr", has=page.locator("td.id", has_text=LEARNER))
    expect(row).to_contain_text("Uwera, Aline")
    row.get_by_role("button", name="Remove").click()

    dialog = page.locator("#isoko-remove-modal")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Remove {LEARNER} from this course?")
    expect(dialog).to_contain_text("They lose access to it at once")
    expect(dialog).to_contain_text("grades are kept in the gradebook")
    page.wait_for_timeout(500)  # the dialog's fade-in, for the picture
    page.screenshot(path=str(artifacts_dir / "formgrader-remove-confirm.png"))
    # Cancel changes nothing.
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert in_course(hub, LEARNER)
    expect(row).to_have_count(1)

    row.get_by_role("button", name="Remove").click()
    page.locator("#isoko-remove-modal").get_by_role("button", name=f"Remove {LEARNER}").click()
    result = page.locator("#isoko-remove-modal .isoko-remove-result")
    expect(result).to_contain_text(f"{LEARNER} no longer has access to {COURSE}.")
    expect(row).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "formgrader-remove-done.png"))
    page.locator("#isoko-remove-modal").get_by_role("button", name="OK").click()
    expect(page.locator("#isoko-remove-modal")).to_have_count(0)
    assert not in_course(hub, LEARNER)
    # Still gone after a reload: the gradebook no longer lists them.
    page.reload()
    expect(page.locator("#main-table td.id", has_text="learner2")).to_have_count(1)
    expect(page.locator("#main-table td.id", has_text=LEARNER)).to_have_count(0)
    assert blocked == [], blocked
