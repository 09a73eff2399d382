"""Counting the gallery's kernels: the cap, and stopping kernels whose page has gone.

Voilà keeps a pool of preheated kernels per app notebook; a visitor takes one and the
pool starts another. The cap counts visitors' kernels (all kernels but the pool's) plus
pages being served right now, so a burst of visitors cannot start more kernels than the
machine can carry: past it, each gets the busy page, and nothing is started.
"""

from __future__ import annotations

import datetime
from typing import Any

#: A visitor's kernel no page has been connected to for this long is stopped: the page
#: was closed without telling the server (a phone's browser killed, a lost connection).
ABANDONED_AFTER_SECONDS = 60
#: A kernel whose page stays open but is not used for this long is stopped too
#: (Jupyter's own culler, which counts connected kernels as well).
IDLE_AFTER_SECONDS = 600


class KernelCap:
    """How many visitors' kernels may run at once, and how many do."""

    def __init__(self, kernel_manager: Any, max_kernels: int) -> None:
        self.kernel_manager = kernel_manager
        self.max_kernels = max_kernels
        #: Pages admitted whose rendering has not finished.
        self.pages_in_flight = 0

    def pooled_kernel_ids(self) -> set[str]:
        """Kernels waiting, preheated, in Voilà's pools (not yet a visitor's)."""
        ids = set()
        for pool in getattr(self.kernel_manager, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    ids.add(task.result()["kernel_id"])
        return ids

    def visitor_kernel_ids(self) -> set[str]:
        return set(self.kernel_manager.list_kernel_ids()) - self.pooled_kernel_ids()

    def in_use(self) -> int:
        """Visitors' kernels plus pages being served (whose kernel may not exist yet)."""
        return len(self.visitor_kernel_ids()) + self.pages_in_flight

    def admit(self) -> bool:
        """Whether one more visitor may have a kernel; if so, they are counted in."""
        if self.in_use() >= self.max_kernels:
            return False
        self.pages_in_flight += 1
        return True

    def served(self) -> None:
        self.pages_in_flight = max(0, self.pages_in_flight - 1)

    async def stop_abandoned(self, now: datetime.datetime | None = None) -> list[str]:
        """Stop visitors' kernels with no page connected for ``ABANDONED_AFTER_SECONDS``."""
        now = now or datetime.datetime.now(datetime.UTC)
        connections = getattr(self.kernel_manager, "_kernel_connections", {})
        stopped = []
        for kernel_id in self.visitor_kernel_ids():
            if connections.get(kernel_id, 0) > 0:
                continue
            try:
                kernel = self.kernel_manager.get_kernel(kernel_id)
            except KeyError:
                continue
            last = getattr(kernel, "last_activity", None)
            if last is None or (now - last).total_seconds() < ABANDONED_AFTER_SECONDS:
                continue
            await self.kernel_manager.shutdown_kernel(kernel_id)
            stopped.append(kernel_id)
        return stopped
