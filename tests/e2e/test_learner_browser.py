"""What a learner and the instructor see in a real browser, through the real hub.

A learner signs in on the login form, waits for their server, opens the price and
profit simulator as a Voilà app, moves the price and sees the profit and chart
follow; the same app must fit a 360 px phone screen. The instructor signs in and
reaches the course formgrader, on its own and inside the grader's JupyterLab.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from isoko.sims.registry import find

pytestmark = pytest.mark.e2e

COURSE = "pricing"
ASSIGNMENT = "a01-pricing-basics"
#: The price-and-profit app, where the hub puts it in a learner's home.
APP = find("price-and-profit").app.removeprefix("courses/")

#: A cold single-user server (JupyterLab, nbgrader, Voilà) takes a while on 2 cores.
SPAWN_TIMEOUT_MS = 180_000
#: A Voilà page runs its notebook in a fresh kernel before the widgets appear.
RENDER_TIMEOUT_MS = 150_000
#: One round trip to the kernel after the learner lets go of the slider.
UPDATE_TIMEOUT_MS = 30_000
#: A page of the formgrader: its table comes from the grader service's API.
PAGE_TIMEOUT_MS = 60_000

SIM = ".isoko-sim"
PROFIT = f"{SIM} .isoko-profit"
CHART_SVG = f"{SIM} .isoko-chart svg"
NOW_MARKER = f'{CHART_SVG} circle[data-label^="now"]'
PRICE_HANDLE = f"{SIM} .isoko-main-control .noUi-handle"
PRICE_READOUT = f"{SIM} .isoko-main-control .widget-readout"


def log_in(page: Page, hub_url: str, username: str, password: str, next_path: str = "") -> None:
    """Sign in through the hub's login form, as a person would."""
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{hub_url}/hub/login{query}")
    page.fill("#username_input", username)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=30_000)


def open_app(page: Page, hub_url: str, username: str) -> None:
    """Open the simulator app and wait until its widgets are drawn."""
    page.goto(
        f"{hub_url}/user/{username}/voila/render/{APP}",
        timeout=RENDER_TIMEOUT_MS,
        wait_until="domcontentloaded",
    )
    page.wait_for_selector(SIM, state="visible", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(CHART_SVG, state="visible")
    page.wait_for_selector(PROFIT, state="visible")
    page.wait_for_selector(NOW_MARKER, state="attached")


def chart_state(page: Page) -> dict[str, str]:
    marker = page.locator(NOW_MARKER)
    return {
        "svg": page.locator(CHART_SVG).evaluate("svg => svg.outerHTML"),
        "label": marker.get_attribute("data-label") or "",
        "x": marker.get_attribute("data-x") or "",
        "y": marker.get_attribute("data-y") or "",
    }


@pytest.fixture
def learner(hub) -> dict:
    # learners[0] and [1] belong to the integration tests.
    return hub.demo_accounts["learners"][2]


@pytest.fixture
def instructor(hub) -> dict:
    return hub.demo_accounts["instructor"]


def test_learner_moves_the_price_and_sees_profit_and_chart_follow(
    context: BrowserContext, hub, learner, artifacts_dir: Path
):
    name = learner["username"]
    page = context.new_page()
    log_in(page, hub.url, name, learner["password"])
    # The hub starts the learner's server, shows its progress page, then their courses.
    home = re.compile(rf"^{re.escape(hub.url)}/user/{re.escape(name)}/learn")
    page.wait_for_url(home, timeout=SPAWN_TIMEOUT_MS)

    open_app(page, hub.url, name)
    profit_before = page.locator(PROFIT).inner_text()
    chart_before = chart_state(page)
    assert "Profit" in profit_before and "RWF" in profit_before, profit_before
    assert chart_before["label"] == "now USD 10.00", chart_before
    page.screenshot(path=artifacts_dir / "e2e-price-before.png")

    # The slider sends its value when released; keys on its handle are a release each.
    handle = page.locator(PRICE_HANDLE)
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    expect(page.locator(PRICE_READOUT)).to_have_text("10.50", timeout=UPDATE_TIMEOUT_MS)

    # Each key press is a new value for the kernel; wait for the last one to come back.
    expect(page.locator(NOW_MARKER)).to_have_attribute("data-x", "10.5", timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator(PROFIT)).to_contain_text("USD 10.50", timeout=UPDATE_TIMEOUT_MS)
    profit_after = page.locator(PROFIT).inner_text()
    chart_after = chart_state(page)
    page.screenshot(path=artifacts_dir / "e2e-price-after.png")

    assert profit_after != profit_before
    assert chart_after["svg"] != chart_before["svg"]
    assert chart_after["label"] == "now USD 10.50", chart_after
    assert float(chart_after["x"]) == pytest.approx(10.5)
    assert float(chart_after["y"]) != pytest.approx(float(chart_before["y"]))

    # The same app on a phone: one column, nothing to scroll sideways.
    page.close()
    phone = context.new_page()
    phone.set_viewport_size({"width": 360, "height": 740})
    open_app(phone, hub.url, name)
    phone.screenshot(path=artifacts_dir / "e2e-app-360.png")
    widths = phone.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " sim: document.querySelector('.isoko-sim').getBoundingClientRect().right})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, widths
    assert widths["sim"] <= widths["inner"] + 1, widths


def test_instructor_opens_the_formgrader(
    context: BrowserContext, hub, instructor, artifacts_dir: Path
):
    # Straight to the hub's home page: the instructor needs no server of their own here.
    page = context.new_page()
    log_in(page, hub.url, instructor["username"], instructor["password"], "/hub/home")
    page.wait_for_url(re.compile(r"/hub/home"))

    tab = context.new_page()
    tab.goto(f"{hub.url}/services/{COURSE}/formgrader")
    heading = tab.get_by_role("heading", name="Manage Assignments")
    expect(heading).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    row = tab.locator("#main-table tr", has=tab.locator("td.name", has_text=ASSIGNMENT))
    expect(row).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
    expect(row.locator("td.status")).to_contain_text("released")
    tab.screenshot(path=artifacts_dir / "e2e-formgrader.png", full_page=True)


def test_instructor_reaches_the_formgrader_inside_jupyterlab(
    context: BrowserContext, hub, instructor, artifacts_dir: Path
):
    page = context.new_page()
    log_in(page, hub.url, instructor["username"], instructor["password"], "/hub/home")
    page.wait_for_url(re.compile(r"/hub/home"))

    # The grader's own JupyterLab; nbgrader's menu opens the formgrader in a tab.
    page.goto(f"{hub.url}/services/{COURSE}/lab", timeout=SPAWN_TIMEOUT_MS)
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click(timeout=RENDER_TIMEOUT_MS)
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Formgrader$")).click()
    frame = page.frame_locator("#formgrader-iframe iframe")
    heading = frame.get_by_role("heading", name="Manage Assignments")
    expect(heading).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    row = frame.locator("#main-table td.name", has_text=ASSIGNMENT)
    expect(row).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.screenshot(path=artifacts_dir / "e2e-formgrader-in-lab.png")
