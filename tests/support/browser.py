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
