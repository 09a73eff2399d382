"""Debian's Chromium, started the same way by the browser tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

#: Debian's Chromium, started as the browser tests start it.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    # As root Chromium refuses to start inside its sandbox.
    "--no-sandbox",
    "--disable-gpu",
    # The machine may have no internet: keep Chromium from dialling out and waiting.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: A learner's first server start on 2 cores, under a loaded test run.
SPAWN_TIMEOUT_MS = 180_000


def log_in_learner(context, hub, account: dict):
    """Sign in through the hub's form in a new page of ``context`` and wait for the
    learner's server to answer; the page."""
    import re

    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", account["username"])
    page.fill("#password_input", account["password"])
    page.click("#login_submit")
    server = re.compile(rf"^{re.escape(hub.url)}/user/{re.escape(account['username'])}/")
    page.wait_for_url(server, timeout=SPAWN_TIMEOUT_MS)
    return page
