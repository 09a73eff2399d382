"""Sandboxed notebook runs in parallel, each in a fresh sandbox with a cold kernel.

``ColdSandboxPool`` has the interface of the warm pool (``isoko.grading.pool``):
``submit(notebook, workdir)`` returns a future of ``run_notebook``'s reply. Each run pays
the full cost of starting a sandbox, a kernel and the course's imports; it is kept as the
plain path to compare the warm pool with, and as the fallback when one cannot start.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from isoko.grading.sandbox import Limits, SandboxError, run_notebook


class ColdSandboxPool:
    """``workers`` threads, each running one notebook at a time through ``run_notebook``."""

    def __init__(
        self,
        limits: Limits,
        account: str | None,
        workers: int,
        preload: Sequence[str] = (),
    ):
        # ``preload`` is the warm pool's; a cold sandbox imports what each notebook imports.
        self.limits = limits
        self.account = account
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="sandbox"
        )
        self._running: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, notebook: dict, workdir: Path) -> Future:
        if self._closed:
            raise RuntimeError("the sandbox pool is closed")
        return self._executor.submit(self._run, notebook, Path(workdir))

    def _run(self, notebook: dict, workdir: Path) -> dict:
        if self._closed:
            raise SandboxError("grading was stopped before this notebook ran")
        started: list[subprocess.Popen] = []

        def track(proc: subprocess.Popen) -> None:
            with self._lock:
                self._running.add(proc)
                started.append(proc)
            if self._closed:  # stopped while it was starting
                _stop(proc)

        try:
            return run_notebook(notebook, workdir, self.limits, self.account, on_start=track)
        finally:
            with self._lock:
                self._running.difference_update(started)

    def close(self, stop_running: bool = False) -> None:
        """No more work. With ``stop_running``, the sandboxes still running are killed
        (their futures then fail) instead of waited for."""
        self._closed = True
        if stop_running:
            with self._lock:
                running = list(self._running)
            for proc in running:
                _stop(proc)
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ColdSandboxPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close(stop_running=exc[0] is not None)


def _stop(proc: subprocess.Popen) -> None:
    # The sandbox's bubblewrap dies with this process (--die-with-parent), and every
    # process inside with it (its own pid namespace).
    try:
        proc.kill()
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            proc.terminate()
