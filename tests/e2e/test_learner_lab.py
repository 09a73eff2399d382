"""The small things that lose a learner in JupyterLab and Voilà, in Chromium on the real hub.

- The Assignment List opens on the course the learner is enrolled in, even when they
  also grade another course whose name comes first.
- "Fetch Feedback" before the instructor released any says so, in the panel.
- "Render with Voilà" shows the app inside JupyterLab, with no "untrusted" warning;
  a page on another origin still cannot frame the app.
- A missing app is a page that says so and leads back.
- After JupyterLab on a 360x740 phone, the same learner's laptop gets the normal layout.

One hub for the file, and a demo learner per concern: the one whose groups the tests
change through the hub's API as its admin (and put back), one for the app pages, and
one whose JupyterLab workspace starts empty on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from isoko.sims.registry import find
from support.browser import log_in_learner
from support.client import HubUser, signed_in
from support.hub import running_hub
from support.web import static_site

pytestmark = pytest.mark.e2e

#: A cold single-user server (JupyterLab, nbgrader, Voilà) takes a while on 2 cores.
SPAWN_TIMEOUT_MS = 180_000
#: JupyterLab's first load, and a Voilà page running its notebook in a fresh kernel.
LOAD_TIMEOUT_MS = 150_000
ENROLLED = "selling-online"
GRADED = "logistics"
ASSIGNMENT = "a01-channels-and-customers"
#: The price-and-profit app, where the hub puts it in a learner's home.
APP = find("price-and-profit").app.removeprefix("courses/")
SIM = ".isoko-sim"


@pytest.fixture(scope="module")
def hub(artifacts_dir) -> Iterator:
    with running_hub(artifacts_dir, "lab-") as hub:
        yield hub


@pytest.fixture(scope="module")
def admin(hub) -> HubUser:
    # The hub's admin: a separate operator account where there is one.
    accounts = hub.demo_accounts
    return signed_in(hub.url, accounts.get("admin") or accounts["instructor"], start_server=False)


@pytest.fixture(scope="module")
def learner(hub) -> dict:
    return hub.demo_accounts["learners"][2]


@pytest.fixture(scope="module")
def app_learner(hub) -> dict:
    """Another learner for the app pages: their open notebooks and apps hold kernels."""
    return hub.demo_accounts["learners"][1]


@pytest.fixture(scope="module")
def travelling_learner(hub) -> dict:
    """A learner whose JupyterLab workspace starts empty, first on a phone."""
    return hub.demo_accounts["learners"][0]


def open_lab(page: Page, hub, name: str, path: str = "") -> None:
    page.goto(f"{hub.url}/user/{name}/lab{'/tree/' + path if path else ''}")
    page.wait_for_selector(".jp-LabShell", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(".jp-DirListing-item", timeout=LOAD_TIMEOUT_MS)


def set_groups(admin: HubUser, name: str, add: list[str], remove: list[str]) -> None:
    for group in add:
        reply = admin.hub_api("POST", f"/groups/{group}/users", json={"users": [name]})
        assert reply.ok, reply.text
    for group in remove:
        reply = admin.hub_api("DELETE", f"/groups/{group}/users", json={"users": [name]})
        assert reply.ok, reply.text


@pytest.fixture
def enrolled_in_one_grading_another(admin, learner) -> Iterator[dict]:
    """The learner takes selling-online only, and grades logistics."""
    name = learner["username"]
    before = admin.hub_api("GET", f"/users/{name}").json()["groups"]
    taken = [g for g in before if g.startswith("nbgrader-") and g != f"nbgrader-{ENROLLED}"]
    set_groups(admin, name, [f"nbgrader-{ENROLLED}", f"formgrade-{GRADED}"], taken)
    try:
        yield learner
    finally:
        set_groups(admin, name, before, [f"formgrade-{GRADED}"])


def open_assignment_list(page: Page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click(timeout=LOAD_TIMEOUT_MS)
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Assignment List$")).click()
    expect(page.locator("#course_list_default")).not_to_have_text(
        re.compile("Loading"), timeout=60_000
    )


def test_the_assignment_list_opens_on_the_enrolled_course_and_says_when_no_feedback_yet(
    context: BrowserContext, hub, enrolled_in_one_grading_another, artifacts_dir: Path
):
    learner = enrolled_in_one_grading_another
    name = learner["username"]
    # Handed in, not graded yet: the learner's own server fetches and submits.
    user = signed_in(hub.url, learner)
    form = {"course_id": ENROLLED, "assignment_id": ASSIGNMENT}
    assert user.server("POST", "/assignments/fetch", data=form).ok
    submitted = user.server("POST", "/assignments/submit", data=form)
    assert submitted.ok and submitted.json()["success"], submitted.text

    page = log_in_learner(context, hub, learner)
    open_lab(page, hub, name)
    open_assignment_list(page)
    # nbgrader would open on "logistics", the course the learner grades, first by name.
    expect(page.locator("#course_list_default")).to_have_text(ENROLLED)
    submitted_list = page.locator("#submitted_assignments_list")
    row = submitted_list.locator(".list_item", has_text=ASSIGNMENT).first
    expect(row).to_be_visible(timeout=60_000)
    page.screenshot(path=artifacts_dir / "e2e-lab-assignment-list.png")

    row.get_by_role("button", name="Fetch Feedback").click()
    message = submitted_list.locator("#submitted_assignments_list_error")
    expect(message).to_be_visible(timeout=60_000)
    expect(message).to_contain_text(f"No feedback released yet for {ASSIGNMENT}")
    page.screenshot(path=artifacts_dir / "e2e-lab-no-feedback-yet.png")


@pytest.fixture
def other_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web site on another port of 127.0.0.1: (its URL, the folder it serves)."""
    with static_site(tmp_path) as url:
        yield url, tmp_path


def test_render_with_voila_shows_the_app_in_jupyterlab_and_no_other_site_can_frame_it(
    context: BrowserContext, hub, app_learner, other_site, artifacts_dir: Path
):
    name = app_learner["username"]
    page = log_in_learner(context, hub, app_learner)
    open_lab(page, hub, name, APP)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=LOAD_TIMEOUT_MS)
    page.locator(".jp-Toolbar-item.voilaRender button, .voilaRender").first.click()
    frame = page.frame_locator(f"iframe[src*='voila/render/{APP}']")
    expect(frame.locator(SIM)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    expect(frame.locator(f"{SIM} .isoko-chart svg")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    # The course's own notebook is trusted: no "received from a third party" warning.
    expect(page.get_by_text("received from a third party")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "e2e-lab-render-with-voila.png")

    # The same app framed by a page of another origin, in the same logged-in browser:
    # another port of 127.0.0.1 is the same site, so the learner's cookies would go.
    site, folder = other_site
    app_url = f"{hub.url}/user/{name}/voila/render/{APP}"
    (folder / "frame.html").write_text(
        f'<!DOCTYPE html><title>other site</title><iframe id="app" src="{app_url}" '
        'width="800" height="600"></iframe>'
    )
    other = context.new_page()
    responses = []
    other.on("response", lambda r: responses.append(r) if "voila/render" in r.url else None)
    other.goto(f"{site}/frame.html")
    other.wait_for_timeout(5_000)
    assert responses, "the other site's frame never asked for the app"
    framed = [f for f in other.frames if f != other.main_frame]
    assert framed, "the iframe is missing"
    # Chromium replaces a refused frame with its error page; nothing of the app runs.
    assert not framed[0].url.startswith(hub.url), framed[0].url
    assert framed[0].locator(SIM).count() == 0
    assert "frame-ancestors 'self'" in responses[0].headers["content-security-policy"]
    other.screenshot(path=artifacts_dir / "e2e-lab-other-site-frame.png")


def test_a_missing_app_is_a_page_that_leads_back(
    context: BrowserContext, hub, app_learner, artifacts_dir: Path
):
    name = app_learner["username"]
    page = log_in_learner(context, hub, app_learner)
    reply = page.goto(f"{hub.url}/user/{name}/voila/render/pricing/apps/price-and-proft.ipynb")
    assert reply is not None and reply.status == 404
    expect(page.get_by_role("heading", name="App not found")).to_be_visible()
    expect(page.locator("code", has_text="pricing/apps/price-and-proft.ipynb")).to_be_visible()
    # Styled: a white card on a grey page, not the browser's bare text.
    card = page.locator("main").evaluate("m => getComputedStyle(m).backgroundColor")
    assert card == "rgb(255, 255, 255)", card
    page.screenshot(path=artifacts_dir / "e2e-lab-missing-app.png")

    # The course's apps are offered by name, and the learner's home is one click away.
    expect(page.get_by_role("link", name="price-and-profit")).to_be_visible()
    page.get_by_role("link", name="Back to your home").click()
    page.wait_for_url(re.compile(rf"/user/{re.escape(name)}/(?!voila)"), timeout=LOAD_TIMEOUT_MS)
    assert "/voila/" not in page.url


def layout(page: Page) -> dict:
    return page.evaluate(
        """() => ({
            mode: document.querySelector('.jp-LabShell').dataset.shellMode,
            left: document.querySelector('#jp-left-stack').getBoundingClientRect().width,
            main: document.querySelector('#jp-main-dock-panel').getBoundingClientRect().width,
        })"""
    )


def test_a_phones_layout_does_not_follow_the_learner_to_the_laptop(
    browser: Browser, hub, travelling_learner, artifacts_dir: Path
):
    learner = travelling_learner
    name = learner["username"]
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    phone.set_default_timeout(60_000)
    try:
        page = log_in_learner(phone, hub, learner)
        open_lab(page, hub, name)
        # Open a lesson as a learner would; JupyterLab saves the layout in the workspace.
        with page.expect_response(
            lambda r: "/lab/api/workspaces" in r.url and r.request.method == "PUT",
            timeout=60_000,
        ):
            page.goto(f"{hub.url}/user/{name}/lab/tree/pricing/lessons/01-price-after-fees.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_timeout(2_000)
        on_phone = layout(page)
        page.screenshot(path=artifacts_dir / "e2e-lab-phone.png")
    finally:
        phone.close()
    # On the phone the file browser takes most of the 360 px: what would follow.
    assert on_phone["main"] < 180, on_phone

    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    laptop.set_default_timeout(60_000)
    try:
        page = log_in_learner(laptop, hub, learner)
        open_lab(page, hub, name)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_timeout(2_000)
        on_laptop = layout(page)
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        page.screenshot(path=artifacts_dir / "e2e-lab-laptop-after-phone.png")
    finally:
        laptop.close()
    assert not dialogs, dialogs
    assert on_laptop["mode"] == "multiple-document", on_laptop
    # JupyterLab's normal layout: the lesson (still open) has most of the window.
    assert on_laptop["main"] > 800 and on_laptop["left"] < 400, on_laptop
