"""One simulator app in Chromium at 360x740, served three ways, side by side in one run.

The same app notebook (price and profit unless told) is opened from:

- **gallery**: the public gallery service, run alone, with its preheated kernels;
- **stock**: plain ``voila`` with its default configuration;
- **in-server**: Voilà inside a Jupyter server with Isoko's configuration, as in a
  learner's own server today;

each on loopback and on an emulated slow mobile link. A visit is a fresh browser profile:
the cold load (requests, bytes, time to the first chart), then 30 moves of the app's main
control (``.isoko-main-control``), each timed from the input event to the frame where a
chart has changed, then a repeat visit in the same profile (warm cache). Every visit goes
through :func:`retry.with_retries`: it has a timeout, and a stuck one is made again,
counted and reported.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from retry import Outcome, with_retries

from support.voila import CHART_SVG, PHONE, PREVIEW_SVG, SLOW_LINK, PageLoad, load_page

#: The main control of every simulator.
MAIN_CONTROL = ".isoko-sim .isoko-main-control"
#: Loopback: a page without a chart by then is stuck (Voilà's own hang; see retry).
LOOPBACK_TIMEOUT_S = 60
#: The slow link: a stock Voilà page takes about 30 s there.
SLOW_TIMEOUT_S = 240
#: One move of the control: a chart that has not changed by then counts as not redrawn.
MOVE_TIMEOUT_MS = 10_000

# The first input event after arming is the start of a move (keyboard or pointer).
ARM_JS = """() => {
  if (!window.__isokoBench) {
    window.__isokoBench = {armed: false, t0: null};
    for (const type of ["keydown", "pointerdown", "mousedown", "change"]) {
      document.addEventListener(type, () => {
        const bench = window.__isokoBench;
        if (bench.armed) { bench.armed = false; bench.t0 = performance.now(); }
      }, true);
    }
  }
  window.__isokoBench.armed = true;
  window.__isokoBench.t0 = null;
}"""
# Milliseconds from that event to the animation frame where the charts differ.
CHANGED_JS = """([selector, before]) => {
  const now = [...document.querySelectorAll(selector)].map(s => s.outerHTML).join("\\n");
  const t0 = window.__isokoBench.t0;
  return now !== before && t0 !== null ? performance.now() - t0 : false;
}"""
CHARTS_JS = """selector => [...document.querySelectorAll(selector)]
  .map(s => s.outerHTML).join("\\n")"""


@dataclass
class Visit:
    """A cold load, the moves of the main control, and a repeat visit, in one profile."""

    cold: PageLoad
    latency_ms: list[float] = field(default_factory=list)
    not_redrawn: int = 0
    repeat: PageLoad | None = None


def percentile(values: list[float], percent: float) -> float:
    """The ``percent`` percentile, interpolated between the nearest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _move_once(page: Any, control: Any, forward: bool, keys: list[str]) -> None:
    """One change of the control, as a person makes it; ``keys`` is [up, down] for sliders."""
    handle = control.locator(".noUi-handle")
    if handle.count():
        handle.first.press(keys[0] if forward else keys[1])
        return
    select = control.locator("select")
    if select.count():
        count = select.locator("option").count()
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=(current + 1) % count)
        return
    buttons = control.locator("button:not(.mod-active)")
    if buttons.count():
        buttons.first.click()
        return
    choice = control.locator("input[type=radio]:not(:checked), input[type=checkbox]")
    if choice.count():
        choice.first.click()
        return
    raise LookupError("do not know how to move this main control")


def _slider_keys(page: Any, control: Any) -> list[str]:
    """Keys that move a slider one notch up then down from where it is (at its top: reversed)."""
    handle = control.locator(".noUi-handle")
    if not handle.count():
        return ["", ""]
    readout = control.locator(".widget-readout")
    before = readout.inner_text()
    for up, down in (("PageUp", "PageDown"), ("ArrowRight", "ArrowLeft")):
        handle.first.press(up)
        if readout.inner_text() != before:
            handle.first.press(down)
            return [up, down]
        handle.first.press(down)
        if readout.inner_text() != before:
            handle.first.press(up)
            return [down, up]
    raise LookupError("the main control's slider does not move with its keys")


def _wait_still(page: Any, quiet_ms: int = 300, limit_ms: int = 3000) -> None:
    """Let the charts settle (the kernel may send more than one update per move)."""
    last = page.evaluate(CHARTS_JS, CHART_SVG)
    still = waited = 0
    while still < quiet_ms and waited < limit_ms:
        page.wait_for_timeout(100)
        waited += 100
        now = page.evaluate(CHARTS_JS, CHART_SVG)
        still = still + 100 if now == last else 0
        last = now


def measure_moves(page: Any, moves: int) -> tuple[list[float], int]:
    """Milliseconds from input to a changed chart, for ``moves`` moves; and those not redrawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    control = page.locator(MAIN_CONTROL).first
    keys = _slider_keys(page, control)
    _wait_still(page)
    latencies: list[float] = []
    not_redrawn = 0
    for k in range(moves):
        before = page.evaluate(CHARTS_JS, CHART_SVG)
        page.evaluate(ARM_JS)
        _move_once(page, control, forward=k % 2 == 0, keys=keys)
        try:
            latency = page.wait_for_function(
                CHANGED_JS, arg=[CHART_SVG, before], polling="raf", timeout=MOVE_TIMEOUT_MS
            ).json_value()
            latencies.append(float(latency))
        except PlaywrightTimeout:
            not_redrawn += 1
        _wait_still(page)
    return latencies, not_redrawn


def visit(browser: Any, url: str, *, slow_link: bool, moves: int, timeout_s: float) -> Visit:
    """A cold load with ``moves`` moves, then a repeat visit, in one fresh profile."""
    context = browser.new_context(viewport=PHONE)
    timeout_ms = timeout_s * 1000
    try:
        measured: dict[str, Any] = {}

        def then(page: Any) -> None:
            if moves:
                measured["latency"], measured["not_redrawn"] = measure_moves(page, moves)

        cold = load_page(context, url, slow_link=slow_link, timeout_ms=timeout_ms, then=then)
        repeat = load_page(context, url, slow_link=slow_link, timeout_ms=timeout_ms)
        return Visit(
            cold, measured.get("latency", []), measured.get("not_redrawn", 0), repeat=repeat
        )
    finally:
        context.close()


def cold_load(browser: Any, url: str, *, timeout_s: float) -> Visit:
    """A cold load alone (for more samples of the time to the first chart)."""
    context = browser.new_context(viewport=PHONE)
    try:
        return Visit(load_page(context, url, timeout_ms=timeout_s * 1000))
    finally:
        context.close()


@dataclass
class Row:
    """One server on one link: a full visit, and the first-chart times of every cold load."""

    server: str
    link: str
    full: Outcome[Visit]
    first_chart_ms: list[float]
    extra: list[Outcome[Visit]] = field(default_factory=list)

    @property
    def visit(self) -> Visit | None:
        return self.full.value

    @property
    def stuck(self) -> int:
        return self.full.stuck + sum(o.stuck for o in self.extra)

    @property
    def failed(self) -> int:
        return len(self.full.errors) + sum(len(o.errors) for o in self.extra)

    @property
    def gave_up(self) -> int:
        return sum(1 for o in (self.full, *self.extra) if not o.ok)


def bench_server(
    browser: Any,
    server: str,
    url: str,
    *,
    loads: int,
    moves: int,
    slow_link: bool,
    attempts: int = 3,
    visit_fn: Callable[..., Visit] = visit,
    cold_fn: Callable[..., Visit] = cold_load,
) -> list[Row]:
    """The rows of one server: loopback (``loads`` cold loads), and the slow link if asked."""
    rows = []
    links = [("loopback", False, LOOPBACK_TIMEOUT_S)]
    if slow_link:
        links.append(("slow link", True, SLOW_TIMEOUT_S))
    for link, slow, timeout_s in links:
        full = with_retries(
            f"{server}, {link}",
            lambda t, slow=slow: visit_fn(browser, url, slow_link=slow, moves=moves, timeout_s=t),
            timeout_s=timeout_s,
            attempts=attempts,
        )
        extra = []
        if not slow:
            for _ in range(max(loads, 1) - 1):
                extra.append(
                    with_retries(
                        f"{server}, {link}, cold load",
                        lambda t: cold_fn(browser, url, timeout_s=t),
                        timeout_s=timeout_s,
                        attempts=attempts,
                    )
                )
        firsts = [o.value.cold.first_chart_ms for o in (full, *extra) if o.value is not None]
        rows.append(Row(server, link, full, firsts, extra))
    return rows


# --- printing ---------------------------------------------------------------------------


def _kb(value: float | None) -> str:
    return "-" if value is None else f"{value / 1000:,.0f}"


def _s(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.2f}"


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


#: A picture drawn this much before the chart is the gallery's, not the chart itself
#: measured twice.
PICTURE_AHEAD_MS = 100


def print_rows(rows: list[Row], *, moves: int, loads: int) -> None:
    print()
    print("One app in Chromium at 360x740: gallery, stock Voila, in-server app (Isoko's config)")
    print("  kB wire: encoded bytes received, headers included (Chromium's encodedDataLength);")
    print("  kB body: the same bodies decoded; the kernel's WebSocket is not counted.")
    print(f"  first chart: performance.now() when `{CHART_SVG}` is drawn; loopback: median of")
    print(f"  {loads} cold loads. control->chart: {moves} moves of the main control, from the")
    print("  input event to the frame where a chart changed. repeat: the page again, same profile.")
    print(
        f"  slow link: Chromium emulating {SLOW_LINK['down_kbit'] / 1000:g} Mbit/s down, "
        f"{SLOW_LINK['up_kbit']} kbit/s up, {SLOW_LINK['latency_ms']} ms latency."
    )
    header = (
        f"  {'server':<10} {'link':<9} {'req':>4} {'kB wire':>8} {'kB body':>8} "
        f"{'1st chart s':>11} {'ctl->chart med/p95 ms':>22} "
        f"{'repeat: req':>11} {'kB':>5} {'1st chart s':>11}  retries"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for row in rows:
        v = row.visit
        note = row.full.note() or ""
        extra_notes = [o.note() for o in row.extra if o.note()]
        retries = "; ".join([n for n in [note, *extra_notes] if n]) or "none"
        if v is None:
            print(f"  {row.server:<10} {row.link:<9} {'no chart':>4}  ({retries})")
            continue
        if v.latency_ms:
            lat = f"{statistics.median(v.latency_ms):.0f} / {percentile(v.latency_ms, 95):.0f}"
        else:
            lat = "-"
        if v.not_redrawn:
            lat += f" ({v.not_redrawn} not redrawn)"
        rep = v.repeat
        print(
            f"  {row.server:<10} {row.link:<9} {v.cold.requests:4d} {_kb(v.cold.bytes):>8} "
            f"{_kb(v.cold.body_bytes):>8} {_s(median_or_none(row.first_chart_ms)):>11} "
            f"{lat:>22} {rep.requests if rep else '-':>11} {_kb(rep.bytes if rep else None):>5} "
            f"{_s(rep.first_chart_ms if rep else None):>11}  {retries}"
        )
    pictures = [
        f"{row.server} {row.link} {_s(row.visit.cold.first_picture_ms)} s"
        for row in rows
        # Only pages with a picture: elsewhere the first picture is the chart itself.
        if row.visit
        and row.visit.cold.first_picture_ms is not None
        and row.visit.cold.first_chart_ms - row.visit.cold.first_picture_ms > PICTURE_AHEAD_MS
    ]
    if pictures:
        print("  First picture (the app's chart drawn by the server, shown while the scripts")
        print(f"  come; `{PREVIEW_SVG}`), first cold load: {'; '.join(pictures)}")
    failed = sorted({u for r in rows if r.visit for u in r.visit.cold.failed_urls})
    if failed:
        print("  Requests that got no answer:")
        for url in failed:
            print(f"    {url}")


def find_row(rows: list[Row], server: str, link: str) -> Row | None:
    return next((r for r in rows if r.server == server and r.link == link), None)


def first_chart(row: Row | None) -> float | None:
    return median_or_none(row.first_chart_ms) if row else None


def print_ratios(rows: list[Row], subject: str, others: list[str]) -> None:
    print()
    print(f"  Ratios, {subject} / other (below 1: {subject} is lighter or sooner)")
    print(
        f"  {'against':<10} {'link':<9} {'requests':>8} {'kB wire':>8} {'1st chart':>10} "
        f"{'ctl->chart p95':>15}"
    )
    for other in others:
        for link in ("loopback", "slow link"):
            a, b = find_row(rows, subject, link), find_row(rows, other, link)
            if not (a and b and a.visit and b.visit):
                continue

            def ratio(x: float | None, y: float | None) -> str:
                return f"{x / y:.2f}x" if x is not None and y else "-"

            p95 = [
                percentile(v.latency_ms, 95) if v.latency_ms else None for v in (a.visit, b.visit)
            ]
            print(
                f"  {other:<10} {link:<9} {ratio(a.visit.cold.requests, b.visit.cold.requests):>8} "
                f"{ratio(a.visit.cold.bytes, b.visit.cold.bytes):>8} "
                f"{ratio(first_chart(a), first_chart(b)):>10} {ratio(p95[0], p95[1]):>15}"
            )


def print_requests(name: str, load: PageLoad) -> None:
    """Every request of a first load: type, bytes on the wire and decoded, largest first."""
    print()
    print(
        f"  Every request of the first load, {name}: {load.requests} requests, "
        f"{load.bytes / 1000:,.0f} kB on the wire, {load.body_bytes / 1000:,.0f} kB decoded"
    )
    print(f"  {'type':<11} {'wire B':>8} {'body B':>8}  path")
    for request in sorted(load.detail, key=lambda r: -r.wire_bytes):
        parts = urlsplit(request.url)
        where = parts.path if parts.hostname == "127.0.0.1" else request.url
        flag = "  FAILED" if request.failed else ""
        print(
            f"  {request.kind:<11} {request.wire_bytes:8d} {request.body_bytes:8d}  {where}{flag}"
        )
