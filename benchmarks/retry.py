"""Bounded retries, so that the benchmark always finishes.

Now and then a Voilà page never draws its chart: Voilà starts a kernel and never
finishes running the notebook (voila-dashboards/voila#1395; stock Voilà does it too,
and has stuck twice in a row here). Every page load of the benchmark goes through
:func:`with_retries`: each attempt has a timeout (the loader is given it and must keep
it, as Playwright's waits do), a stuck or failed attempt is counted and made again, at
most ``attempts`` times, and a load that never succeeds is reported, never raised.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


def is_timeout(error: BaseException) -> bool:
    """A timeout of ours or of the browser driver (Playwright's ``TimeoutError`` is its own)."""
    return isinstance(error, TimeoutError) or type(error).__name__ == "TimeoutError"


@dataclass
class Outcome(Generic[T]):
    """What came of a load made up to ``attempts`` times.

    ``value`` is the first attempt's result that succeeded (None if none did);
    ``stuck`` counts attempts that timed out, ``errors`` the other failures.
    """

    what: str
    value: T | None = None
    attempts: int = 0
    stuck: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.value is not None

    @property
    def retried(self) -> int:
        return self.attempts - 1 if self.ok else self.attempts

    def note(self) -> str:
        """A short account of the failed attempts ("" when the first attempt worked)."""
        parts = []
        if self.stuck:
            parts.append(f"{self.stuck} stuck")
        if self.errors:
            parts.append(f"{len(self.errors)} failed ({self.errors[-1][:80]})")
        if not parts:
            return ""
        tail = "" if self.ok else f", gave up after {self.attempts}"
        return ", ".join(parts) + tail


def with_retries(
    what: str,
    load: Callable[[float], T],
    *,
    timeout_s: float,
    attempts: int = 3,
    log: Callable[[str], None] | None = None,
) -> Outcome[T]:
    """Call ``load(timeout_s)`` until it returns, at most ``attempts`` times.

    ``load`` must give up by itself after ``timeout_s`` seconds (raising a timeout);
    any exception is counted (a timeout as stuck) and the load is made again. Nothing
    is raised but ``KeyboardInterrupt`` and ``SystemExit``.
    """
    if attempts < 1:
        raise ValueError("at least one attempt")
    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    outcome: Outcome[T] = Outcome(what)
    for attempt in range(1, attempts + 1):
        outcome.attempts = attempt
        try:
            outcome.value = load(timeout_s)
            return outcome
        except Exception as error:  # a benchmark counts a failed load and goes on
            if is_timeout(error):
                outcome.stuck += 1
                kind = f"stuck for {timeout_s:.0f} s"
            else:
                outcome.errors.append(f"{type(error).__name__}: {error}".splitlines()[0])
                kind = f"failed ({outcome.errors[-1][:120]})"
            again = "loading it again" if attempt < attempts else "giving up"
            say(f"  ({what}: attempt {attempt} {kind}; {again})")
    return outcome
