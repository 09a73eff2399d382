"""Running a coroutine from a test, whatever ran before it in the session."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_alone(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` on a loop of its own, in a thread of its own: the browser tests,
    run earlier in the same session, keep an event loop running in the main thread, where
    ``asyncio.run`` would refuse."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
