"""Every simulator app as a Voilà page in a real browser, on a phone and on a laptop.

One Voilà server for the session, started with Isoko's Voilà configuration (the file
learners' servers load) and isolated from any Jupyter config of the machine, serves the
repository's courses folder. For each app in the catalog, at 360x740 and at 1280x800:
the simulator appears, nothing scrolls sideways, moving its main control redraws its
chart. Then: an app page weighs far less than a stock Voilà page.

An app whose simulator is not written yet fails here (its page shows the import error),
so a missing simulator cannot pass for a green run.
"""

from __future__ import annotations

import shutil
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from isoko.sims import SimEntry, catalog
from support import voila as voila_servers
from support.app_page import (
    CELL_ERROR,
    CHARTS,
    SIM,
    assert_fits,
    charts,
    main_control,
    move,
)

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
COURSES = REPO / "courses"
VIEWPORTS = {"360": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}

#: A Voilà page runs its notebook in a fresh kernel before the widgets appear.
RENDER_TIMEOUT_MS = 120_000
#: One round trip to the kernel after the control moves.
UPDATE_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def voila(artifacts_dir: Path, tmp_path_factory) -> Iterator[voila_servers.VoilaServer]:
    with voila_servers.isoko_voila(COURSES, tmp_path_factory.mktemp("isoko-voila")) as server:
        try:
            yield server
        finally:
            shutil.copy(server.log, artifacts_dir / "apps-voila.log")


@pytest.fixture(scope="session")
def stock_voila(artifacts_dir: Path, tmp_path_factory) -> Iterator[voila_servers.VoilaServer]:
    root = tmp_path_factory.mktemp("stock-root")
    voila_servers.write_stock_notebook(root)
    with voila_servers.stock_voila(root, tmp_path_factory.mktemp("stock-voila")) as server:
        try:
            yield server
        finally:
            shutil.copy(server.log, artifacts_dir / "apps-stock-voila.log")


def app_path(entry: SimEntry) -> str:
    """The app notebook relative to the courses folder the server serves."""
    return entry.app.removeprefix("courses/")


def open_app(page: Page, voila: voila_servers.VoilaServer, entry: SimEntry) -> None:
    """Open the app and wait for its simulator; fail at once on a cell error.

    Now and then Voilà starts the kernel and never finishes running the notebook
    (voila-dashboards/voila#1395; stock Voilà too): such a page is loaded once more,
    with a warning in the test summary.
    """
    assert (REPO / entry.app).is_file(), f"no app notebook at {entry.app}"
    for attempt in (1, 2):
        response = page.goto(
            voila.app_url(app_path(entry)), wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS
        )
        assert response is not None and response.ok, (
            f"{entry.app}: HTTP {response and response.status}"
        )
        try:
            page.locator(f"{SIM}, {CELL_ERROR}").first.wait_for(
                state="visible", timeout=voila_servers.STUCK_MS
            )
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            message = f"{entry.app}: Voila got stuck running the notebook; loaded it again"
            warnings.warn(message, stacklevel=2)
    errors = page.locator(CELL_ERROR)
    if errors.count() and not page.locator(SIM).count():
        pytest.fail(f"{entry.app} did not build its simulator:\n{errors.first.inner_text()}")
    page.locator(CHARTS).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)


def wait_until_still(page: Page, quiet_ms: int = 1000) -> None:
    """Each key press is a new value for the kernel: wait for the last chart to arrive."""
    last, since = charts(page), time.monotonic()
    deadline = since + UPDATE_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        now = charts(page)
        if now != last:
            last, since = now, time.monotonic()
        elif (time.monotonic() - since) * 1000 >= quiet_ms:
            return


def screenshot_whole(page: Page, path: Path) -> None:
    """The whole app: Voilà scrolls inside a column, so grow the window to its height."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
                          document.getElementById('rendered_cells')?.scrollHeight || 0)"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.wait_for_timeout(300)
    page.screenshot(path=path)
    page.set_viewport_size(size)


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
@pytest.mark.parametrize("entry", catalog(), ids=[entry.id for entry in catalog()])
def test_app_draws_fits_and_redraws_its_chart(
    browser: Browser,
    voila: voila_servers.VoilaServer,
    artifacts_dir: Path,
    entry: SimEntry,
    viewport: str,
):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(UPDATE_TIMEOUT_MS)
    page = context.new_page()
    try:
        open_app(page, voila, entry)
        expect(page.locator(SIM)).to_be_visible()
        assert_fits(page)

        before = charts(page)
        assert "<svg" in before
        move(main_control(page))
        page.wait_for_function(
            """([selector, before]) => [...document.querySelectorAll(selector)]
                .map(s => s.outerHTML).join("\\n") !== before""",
            arg=[CHARTS, before],
            timeout=UPDATE_TIMEOUT_MS,
        )
        wait_until_still(page)
        assert charts(page) != before
        assert_fits(page)  # the new chart fits too
        screenshot_whole(page, artifacts_dir / f"apps-{entry.id}-{viewport}.png")
    finally:
        page.close(run_before_unload=True)  # lets Voilà shut the page's kernel down
        context.close()


def test_an_app_page_weighs_far_less_than_a_stock_voila_page(
    browser: Browser, voila: voila_servers.VoilaServer, stock_voila: voila_servers.VoilaServer
):
    """Bytes over the wire are deterministic, unlike time: Isoko's config cuts them."""
    pricing = next(entry for entry in catalog() if entry.id == "price-and-profit")
    stock, stock_again = voila_servers.fresh_load(
        browser, stock_voila.app_url(voila_servers.STOCK_APP), again=True
    )
    isoko, isoko_again = voila_servers.fresh_load(
        browser, voila.app_url(app_path(pricing)), again=True
    )
    assert stock_again is not None and isoko_again is not None

    # gzip and only the two widget extensions: well under half the bytes, fewer requests.
    assert isoko.bytes < 0.4 * stock.bytes, (isoko.bytes, stock.bytes)
    assert isoko.requests < stock.requests, (isoko.requests, stock.requests)
    assert not [url for url in isoko.urls if "nbgrader" in url or "jupyterlab_pygments" in url]
    assert any("nbgrader" in url for url in stock.urls)  # stock loads every lab extension
    # The kernel's messages (each new chart) are compressed too.
    assert isoko.websocket_compressed is True
    # A second visit fetches no widget extension again (cached for a year), where stock
    # Voilà asks for every one of them again.
    assert not [url for url in isoko_again.urls if "/voila/labextensions/" in url]
    assert [url for url in stock_again.urls if "/voila/labextensions/" in url]
    assert isoko_again.bytes < stock_again.bytes
