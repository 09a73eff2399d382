"""A real browser against the real hub: Debian's Chromium, driven by Playwright.

Only the system browser is used, never one downloaded by a test tool: it is the one
a Debian machine keeps patched. Without it the browser tests fail, they do not skip,
so a missing browser cannot pass for a green run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

# The browser tests start Chromium exactly as the benchmark does.
from support.browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session", autouse=True)
def chromium() -> Path:
    """Debian's Chromium, checked before anything slow (such as the hub) starts."""
    if not (CHROMIUM.is_file() and CHROMIUM.stat().st_mode & 0o111):
        pytest.fail(
            f"the browser tests need Debian's chromium at {CHROMIUM}: install it with "
            "`make browser` (or `apt-get install chromium`)",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test, laptop-sized."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        context.close()
