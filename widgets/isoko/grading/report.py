"""How a grading run reports: its progress file and bar while it runs, its table at the end.

``progress.json`` (contract 3) is kept fresh at least every second, for the formgrader's
panel and for anyone watching; the terminal gets the problems table and one summary line.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from isoko.grading.journal import utc_now, write_atomically
from isoko.grading.problems import Problem


@dataclass
class RunState:
    """Everything the progress file says (contract 3)."""

    course: str
    assignment: str
    pid: int = field(default_factory=os.getpid)
    state: str = "running"
    started_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    total: int = 0
    done: int = 0
    skipped: int = 0
    eta_seconds: float | None = None
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    message: str | None = None
    #: Not in the file: how the skipped ones split, for the summary line.
    skipped_done: int = 0
    left_alone: int = 0

    def as_dict(self) -> dict:
        data = asdict(self)
        for private in ("skipped_done", "left_alone"):
            data.pop(private)
        return data


class Progress:
    """Keeps ``progress.json`` fresh (at least every second) and the bar moving."""

    def __init__(self, path: Path, state: RunState, bar=None):
        self.path = path
        self.state = state
        self.bar = bar
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep_fresh, daemon=True)

    def start(self) -> None:
        self.write()
        self._thread.start()

    def _keep_fresh(self) -> None:
        while not self._stop.wait(0.5):
            self.write()

    def write(self) -> None:
        with self._lock:
            state = self.state
            state.seconds = round(time.monotonic() - self._started, 2)
            state.updated_at = utc_now()
            if state.done and state.total > state.done:
                state.eta_seconds = round(
                    state.seconds / state.done * (state.total - state.done), 1
                )
            elif state.total and state.done >= state.total:
                state.eta_seconds = 0.0
            else:
                state.eta_seconds = None
            data = state.as_dict()
        write_atomically(self.path, data)

    def changed(self, advanced: int = 0) -> None:
        if self.bar is not None and advanced:
            self.bar.update(advanced)
        self.write()

    def finish(self, state: str, message: str | None = None) -> dict:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.state.state = state
        self.state.message = message
        if self.bar is not None:
            self.bar.close()
        self.write()
        return self.state.as_dict()


def summary(report: dict, left_alone: int | None = None) -> str:
    done, seconds = report["done"], report["seconds"]
    rate = done / seconds if seconds else 0.0
    attention = len({(p["student"], p["notebook"]) for p in report["problems"]})
    line = (
        f"Graded {done} submission{'s' if done != 1 else ''} in {seconds:.0f} s "
        f"({rate:.1f} per second); {attention} need{'s' if attention == 1 else ''} "
        f"your attention"
    )
    if left_alone is not None:
        line += f"; {report['skipped'] - left_alone} already graded; {left_alone} left alone"
    return line


def problems_table(problems: list[dict]) -> str:
    if not problems:
        return ""
    rows = [("Learner", "Notebook", "Outcome", "Reason")] + [
        (p["student"], p["notebook"] or "-", p["outcome"], p["reason"]) for p in problems
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3])
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(lines)


def print_result(report: dict, left_alone: int, out=sys.stdout) -> None:
    table = problems_table(report["problems"])
    if table:
        print(table, file=out)
    print(summary(report, left_alone), file=out)
