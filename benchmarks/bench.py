"""Benchmarks: how fast the simulators answer, and how light their Voilà pages are.

``make bench`` (or, from the checkout, ``PYTHONPATH=tests python benchmarks/bench.py``)
prints, in one run:

1. for every simulator in :func:`isoko.sims.catalog`, the median time of one
   recomputation after its main control changes (model and view, no browser);
2. the inventory Monte Carlo (10,000 paths x 180 days);
3. for every app, opened in Debian's Chromium against a Voilà server on 127.0.0.1
   with Isoko's Voilà configuration (:func:`isoko.hub.server_config.voila_settings`,
   as on the hub): requests, bytes over the wire and the time until the first chart is
   drawn; the same for a stock Voilà page (a plain slider-and-chart notebook served by
   ``voila`` with its default configuration), both servers running side by side; and
   the Isoko/stock ratios.

Timings depend on the machine and its load; request counts and bytes do not.

The Voilà servers and page loads (:mod:`support.voila`, with the tests' other helpers)
are also what the browser tests start and measure.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isoko.sims import SimEntry, catalog
from support.browser import CHROMIUM, CHROMIUM_ARGS
from support.voila import (
    SLOW_LINK,
    STOCK_APP,
    PageLoad,
    VoilaServer,
    fresh_load,
    isoko_voila,
    stock_voila,
    write_stock_notebook,
)

#: The CSS class of every simulator's main control.
MAIN_CONTROL_CLASS = "isoko-main-control"


# --- 1. recomputation, no browser -------------------------------------------------------


def main_control(sim: Any) -> Any:
    """The widget in ``sim.view`` that carries the main-control CSS class."""

    def walk(widget: Any) -> Any:
        if MAIN_CONTROL_CLASS in getattr(widget, "_dom_classes", ()):
            return widget
        for child in getattr(widget, "children", ()):
            if (found := walk(child)) is not None:
                return found
        return None

    found = walk(sim.view)
    if found is None:
        raise LookupError(f"no widget with the CSS class {MAIN_CONTROL_CLASS}")
    return found


def alternate_values(control: Any) -> tuple[Callable[[], None], Callable[[], None]]:
    """Two setters that move ``control`` between its value and a nearby valid one."""
    if getattr(control, "options", None) is not None and hasattr(control, "index"):
        count = len(control.options)
        if count < 2:
            raise ValueError("a selection with fewer than two options cannot change")
        first = control.index if control.index is not None else 0
        second = (first + 1) % count
        return (lambda: setattr(control, "index", first), lambda: setattr(control, "index", second))
    value = control.value
    if isinstance(value, bool):
        return (
            lambda: setattr(control, "value", value),
            lambda: setattr(control, "value", not value),
        )
    if hasattr(control, "min") and hasattr(control, "max"):
        step = getattr(control, "step", None) or 1
        shift = 5 * step
        other = value + shift if value + shift <= control.max else value - shift
        return (lambda: setattr(control, "value", value), lambda: setattr(control, "value", other))
    raise TypeError(f"do not know how to change a {type(control).__name__}")


def time_recompute(entry: SimEntry, changes: int = 30) -> list[float]:
    """Milliseconds for each of ``changes`` changes of the main control (model + view)."""
    sim = entry.factory()
    back, forth = alternate_values(main_control(sim))
    forth()  # warm caches once, outside the timing
    back()
    times = []
    for k in range(changes):
        setter = forth if k % 2 == 0 else back
        start = time.perf_counter()
        setter()
        times.append((time.perf_counter() - start) * 1000)
    return times


@dataclass
class RecomputeResult:
    entry: SimEntry
    median_ms: float | None = None
    skipped: str = ""
    failed: str = ""


def bench_recompute(entries: list[SimEntry], changes: int = 30) -> list[RecomputeResult]:
    results = []
    for entry in entries:
        try:
            times = time_recompute(entry, changes)
        except ImportError as error:
            results.append(RecomputeResult(entry, skipped=f"not importable yet ({error})"))
        except Exception as error:  # a benchmark reports a broken simulator and goes on
            results.append(RecomputeResult(entry, failed=f"{type(error).__name__}: {error}"))
        else:
            results.append(RecomputeResult(entry, median_ms=statistics.median(times)))
    return results


# --- 2. inventory Monte Carlo -----------------------------------------------------------


def bench_inventory(paths: int = 10_000, days: int = 180, repeat: int = 5) -> float:
    """Median milliseconds of one inventory simulation."""
    from isoko.econ.stock import simulate_stock as simulate

    # A coffee seller: about 12 packs a day, reorder at 60, order 150, 5 days' lead time.
    arguments = {
        "reorder_point": 60,
        "order_quantity": 150,
        "mean_daily_demand": 12,
        "sd_daily_demand": 4,
        "paths": paths,
        "days": days,
        "seed": 0,
    }
    simulate(**{**arguments, "paths": 100})  # import-time and first-call costs
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        simulate(**arguments)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --- 3. Voilà pages ----------------------------------------------------------------------


@dataclass
class PageBench:
    """A page measured cold (fresh browser profile), on a slow link, and on a repeat visit."""

    name: str
    server: str
    cold: PageLoad
    cold_ms: list[float]
    slow: PageLoad | None
    repeat: PageLoad


def bench_page(
    browser: Any, name: str, server: VoilaServer, path: str, repeat: int, slow_link: bool
) -> PageBench:
    url = server.app_url(path)
    cold, again = fresh_load(browser, url, again=True)
    assert again is not None
    loads = [cold] + [fresh_load(browser, url)[0] for _ in range(max(repeat, 1) - 1)]
    slow = fresh_load(browser, url, slow_link=True)[0] if slow_link else None
    return PageBench(name, server.name, cold, [load.first_chart_ms for load in loads], slow, again)


def courses_dir() -> Path:
    """The courses folder: ``./courses``, or the one of the checkout these benchmarks are in."""
    for candidate in (Path.cwd() / "courses", Path(__file__).resolve().parents[1] / "courses"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no courses/ folder here: run from the repository, or pass --courses")


# --- printing ---------------------------------------------------------------------------


def _ratio(isoko_value: float, stock_value: float) -> str:
    return f"{isoko_value / stock_value:.2f}x" if stock_value else "-"


def print_recompute(results: list[RecomputeResult], changes: int) -> None:
    print(f"Recompute after one change of the main control (median of {changes})")
    print("  model and view update, no browser")
    width = max(len(r.entry.id) for r in results)
    for r in results:
        if r.median_ms is not None:
            print(f"  {r.entry.id:<{width}}  {r.median_ms:8.2f} ms")
        else:
            why = f"skipped: {r.skipped}" if r.skipped else f"FAILED: {r.failed}"
            print(f"  {r.entry.id:<{width}}  {why}")


def print_pages(benches: list[PageBench], stock: PageBench, repeat: int, slow_link: bool) -> None:
    print()
    print("Voila pages in Chromium at 360x740, cold (a fresh browser profile each time)")
    print("  bytes: encoded bytes over the wire, headers included (CDP Network.loadingFinished")
    print("  encodedDataLength); first chart: performance.now() when `.isoko-chart svg` is drawn;")
    print(f"  loopback time: median of {repeat}; repeat visit: the same page again, cache kept;")
    print("  ws deflate: the kernel's WebSocket (widget messages, new charts) is compressed;")
    if slow_link:
        print(
            f"  slow link: Chromium emulating {SLOW_LINK['down_kbit'] / 1000:g} Mbit/s down, "
            f"{SLOW_LINK['up_kbit']} kbit/s up, {SLOW_LINK['latency_ms']} ms latency."
        )
    header = (
        f"  {'page':<24} {'server':<12} {'requests':>8} {'failed':>6} {'KB':>7} "
        f"{'1st chart ms':>12} {'slow link s':>11}   {'repeat: req':>11} {'KB':>6}  ws deflate"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    rows = [stock, *benches]
    for b in rows:
        slow = f"{b.slow.first_chart_ms / 1000:11.1f}" if b.slow else f"{'-':>11}"
        print(
            f"  {b.name:<24} {b.server.replace(' Voila', ''):<12} {b.cold.requests:8d} "
            f"{b.cold.failed:6d} {b.cold.bytes / 1000:7.0f} "
            f"{statistics.median(b.cold_ms):12.0f} {slow}   "
            f"{b.repeat.requests:11d} {b.repeat.bytes / 1000:6.0f}  "
            f"{'yes' if b.cold.websocket_compressed else 'no'}"
        )
    print()
    print(f"  Isoko / stock (each Isoko page against `{stock.name}` on stock Voila)")
    print(
        f"  {'page':<24} {'requests':>8} {'bytes':>7} {'1st chart':>10} {'slow link':>10} "
        f"{'repeat bytes':>13}"
    )
    for b in benches:
        slow = (
            _ratio(b.slow.first_chart_ms, stock.slow.first_chart_ms)
            if b.slow and stock.slow
            else "-"
        )
        print(
            f"  {b.name:<24} {_ratio(b.cold.requests, stock.cold.requests):>8} "
            f"{_ratio(b.cold.bytes, stock.cold.bytes):>7} "
            f"{_ratio(statistics.median(b.cold_ms), statistics.median(stock.cold_ms)):>10} "
            f"{slow:>10} {_ratio(b.repeat.bytes, stock.repeat.bytes):>13}"
        )
    failed = sorted({url for b in rows for url in b.cold.failed_urls})
    if failed:
        print()
        print("  Requests that got no answer (no internet here):")
        for url in failed:
            print(f"    {url}")


def run_pages(
    entries: list[SimEntry], runnable: set[str], courses: Path, repeat: int, slow_link: bool
) -> list[str]:
    """Measure the stock page and every runnable app; return lines about skipped apps."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        raise SystemExit(f"the page benchmark needs Debian's chromium at {CHROMIUM} (make browser)")
    skipped = []
    apps = []
    for entry in entries:
        if entry.id not in runnable:
            skipped.append(f"  {entry.id}: skipped (its simulator is not importable yet)")
        elif not (courses.parent / entry.app).is_file():
            skipped.append(f"  {entry.id}: skipped (no app notebook at {entry.app} yet)")
        else:
            apps.append(entry)
    with tempfile.TemporaryDirectory(prefix="isoko-bench-") as tmp:
        work = Path(tmp)
        # Isoko's server serves a copy of the courses and the stock notebook (to show the
        # configuration alone at work); the stock server serves the stock notebook.
        isoko_root, stock_root = work / "isoko-root", work / "stock-root"
        shutil.copytree(
            courses,
            isoko_root / "courses",
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        write_stock_notebook(isoko_root)
        write_stock_notebook(stock_root)
        with (
            stock_voila(stock_root, work / "stock") as stock_server,
            isoko_voila(isoko_root, work / "isoko") as isoko_server,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                stock = bench_page(
                    browser, "slider-and-chart", stock_server, STOCK_APP, repeat, slow_link
                )
                benches = [
                    bench_page(
                        browser, "slider-and-chart", isoko_server, STOCK_APP, repeat, slow_link
                    )
                ]
                for entry in apps:
                    benches.append(
                        bench_page(browser, entry.id, isoko_server, entry.app, repeat, slow_link)
                    )
            finally:
                browser.close()
        print_pages(benches, stock, repeat, slow_link)
    return skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/bench.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--changes", type=int, default=30, help="control changes per simulator (30)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per page (3)")
    parser.add_argument("--sim", action="append", help="only this simulator id (repeatable)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Voila pages")
    parser.add_argument("--no-slow-link", action="store_true", help="skip the slow-link loads")
    parser.add_argument("--courses", type=Path, help="the courses folder (default ./courses)")
    args = parser.parse_args(argv)

    entries = [e for e in catalog() if not args.sim or e.id in args.sim]
    if args.sim and len(entries) != len(set(args.sim)):
        parser.error(f"unknown simulator id; have {[e.id for e in catalog()]}")

    results = bench_recompute(entries, args.changes)
    print_recompute(results, args.changes)
    print()
    inventory = bench_inventory() if not args.sim else "skipped (--sim given)"
    if isinstance(inventory, float):
        print(f"Inventory Monte Carlo, 10,000 paths x 180 days: {inventory:.0f} ms (median of 5)")
    else:
        print(f"Inventory Monte Carlo, 10,000 paths x 180 days: {inventory}")
    sys.stdout.flush()

    if not args.no_browser:
        courses = (args.courses or courses_dir()).resolve()
        runnable = {r.entry.id for r in results if r.median_ms is not None}
        for line in run_pages(entries, runnable, courses, args.repeat, not args.no_slow_link):
            print(line)
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
