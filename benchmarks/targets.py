"""The issue's targets for the gallery's app, and whether one run met them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pages import Row, find_row, first_chart, percentile

#: (what, limit, unit) of issue 12.
FIRST_CHART_LOOPBACK_S = 1.0
FIRST_CHART_SLOW_S = 4.0
FIRST_LOAD_KB = 1000
CONTROL_P95_MS = 100
BURST_ERRORS = 0


@dataclass
class Target:
    what: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run


def check(rows: list[Row], burst: Any | None, subject: str = "gallery") -> list[Target]:
    """The targets, measured on ``subject``'s rows (the gallery's app) and the burst."""
    loop, slow = find_row(rows, subject, "loopback"), find_row(rows, subject, "slow link")
    out = []

    def limit(what: str, goal: str, value: float | None, bound: float, fmt: str) -> None:
        if value is None:
            out.append(Target(what, goal, "not measured", None))
        else:
            out.append(Target(what, goal, fmt.format(value), value <= bound))

    fc_loop = first_chart(loop)
    limit(
        "first chart, loopback",
        f"<= {FIRST_CHART_LOOPBACK_S:.1f} s",
        None if fc_loop is None else fc_loop / 1000,
        FIRST_CHART_LOOPBACK_S,
        "{:.2f} s",
    )
    fc_slow = first_chart(slow)
    limit(
        "first chart, slow link",
        f"<= {FIRST_CHART_SLOW_S:.0f} s",
        None if fc_slow is None else fc_slow / 1000,
        FIRST_CHART_SLOW_S,
        "{:.2f} s",
    )
    cold = loop.visit.cold if loop and loop.visit else None
    limit(
        "first load (on the wire)",
        f"<= {FIRST_LOAD_KB:,} kB",
        None if cold is None else cold.bytes / 1000,
        FIRST_LOAD_KB,
        "{:,.0f} kB" + (f" ({cold.body_bytes / 1000:,.0f} kB decoded)" if cold else ""),
    )
    latencies = loop.visit.latency_ms if loop and loop.visit else []
    limit(
        "control -> chart p95, loopback",
        f"<= {CONTROL_P95_MS} ms",
        percentile(latencies, 95) if latencies else None,
        CONTROL_P95_MS,
        "{:.0f} ms",
    )
    if burst is None:
        out.append(Target("errors in the burst", "0", "not measured", None))
    else:
        out.append(
            Target(
                f"errors in the {burst.visitors}-visitor burst",
                f"{BURST_ERRORS}",
                f"{burst.errors}"
                + {None: "", True: "; others answered", False: "; others FAILED"}[
                    burst.still_answering
                ],
                burst.errors <= BURST_ERRORS and burst.still_answering is not False,
            )
        )
    return out


def print_targets(found: list[Target]) -> None:
    print()
    print("Targets (issue 12), for the gallery's app")
    width = max(len(t.what) for t in found)
    for t in found:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[t.met]
        print(f"  {t.what:<{width}}  {t.goal:>12}  {t.measured:<28} {verdict}")
