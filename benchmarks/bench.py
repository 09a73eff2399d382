"""Benchmarks: how fast the simulators answer, and how an app page does in a browser.

``make bench`` (or, from the checkout, ``PYTHONPATH=tests python benchmarks/bench.py``)
prints, in one run:

1. for every simulator in :func:`isoko.sims.catalog`, the median time of one
   recomputation after its main control changes (model and view, no browser);
2. the inventory Monte Carlo (10,000 paths x 180 days);
3. one app (price and profit) in Debian's Chromium at 360x740, served side by side by
   the gallery (preheated kernels), by stock Voilà and by Voilà inside a Jupyter server
   with Isoko's configuration (a learner's server today), on loopback and on an emulated
   slow link: requests, bytes, time to the first chart, control -> chart latency, a
   repeat visit, and the ratios (:mod:`pages`);
4. a burst of 50 visitors opening gallery apps at once (:mod:`burst`);
5. the issue's targets, met or not (:mod:`targets`).

Timings depend on the machine and its load; request counts and bytes do not. Every page
load has a timeout and a stuck one is made again, counted and reported (:mod:`retry`).

The Voilà servers and page loads (:mod:`support.voila`, with the tests' other helpers)
are also what the browser tests start and measure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pages
import targets

from isoko.sims import SimEntry, catalog
from support.browser import CHROMIUM, CHROMIUM_ARGS
from support.voila import isoko_voila, stock_voila

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


# --- 3. one app served three ways ------------------------------------------------------


def courses_dir() -> Path:
    """The courses folder: ``./courses``, or the one of the checkout these benchmarks are in."""
    for candidate in (Path.cwd() / "courses", Path(__file__).resolve().parents[1] / "courses"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no courses/ folder here: run from the repository, or pass --courses")


def gallery_server() -> Callable[..., Any] | None:
    """``running_gallery`` of the tests' helpers, if this checkout has the gallery."""
    try:
        from support.gallery import running_gallery
    except ImportError:
        return None
    return running_gallery


def run_pages(entry: SimEntry, courses: Path, args: argparse.Namespace) -> list[pages.Row]:
    """Serve ``entry``'s app three ways side by side and measure each; print the rows."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        raise SystemExit(f"the page benchmark needs Debian's chromium at {CHROMIUM} (make browser)")
    app = entry.app.removeprefix("courses/")
    running_gallery = gallery_server()
    with tempfile.TemporaryDirectory(prefix="isoko-bench-") as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        # Both Voila servers serve the same copy of the courses; the gallery its own.
        root = work / "root"
        shutil.copytree(
            courses,
            root / "courses",
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        urls: dict[str, str] = {}
        if running_gallery is not None and not args.no_gallery:
            gallery = stack.enter_context(
                running_gallery(work / "gallery", pool_per_app=2, apps=[entry.id])
            )
            urls["gallery"] = gallery.app_url(entry.id)
        stock = stack.enter_context(stock_voila(root, work / "stock", same_isoko=True))
        urls["stock"] = stock.app_url(f"courses/{app}")
        isoko = stack.enter_context(isoko_voila(root, work / "isoko"))
        urls["in-server"] = isoko.app_url(f"courses/{app}")
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        rows: list[pages.Row] = []
        for server, url in urls.items():
            rows += pages.bench_server(
                browser,
                server,
                url,
                loads=args.repeat,
                moves=args.moves,
                slow_link=not args.no_slow_link,
            )
            sys.stdout.flush()
        pages.print_rows(rows, moves=args.moves, loads=args.repeat)
        subject = "gallery" if "gallery" in urls else "in-server"
        pages.print_ratios(rows, subject, [s for s in urls if s != subject])
        if args.list_requests:
            for row in rows:
                if row.link == "loopback" and row.visit is not None:
                    pages.print_requests(row.server, row.visit.cold)
        if running_gallery is None:
            print("  gallery: not measured (no support.gallery in this checkout)")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/bench.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--changes", type=int, default=30, help="control changes per simulator (30)"
    )
    parser.add_argument("--sim", action="append", help="only this simulator id (repeatable)")
    parser.add_argument("--app", default="price-and-profit", help="the app of the page parts")
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per page (3)")
    parser.add_argument("--moves", type=int, default=30, help="moves of the main control (30)")
    parser.add_argument("--visitors", type=int, default=50, help="visitors of the burst (50)")
    parser.add_argument("--no-browser", action="store_true", help="skip the pages and the burst")
    parser.add_argument("--no-slow-link", action="store_true", help="skip the slow-link visits")
    parser.add_argument("--no-gallery", action="store_true", help="skip the gallery")
    parser.add_argument("--no-burst", action="store_true", help="skip the visitor burst")
    parser.add_argument(
        "--burst-alone", action="store_true", help="the burst on the gallery alone, no hub"
    )
    parser.add_argument(
        "--list-requests", action="store_true", help="list every request of each first load"
    )
    parser.add_argument("--courses", type=Path, help="the courses folder (default ./courses)")
    args = parser.parse_args(argv)

    entries = [e for e in catalog() if not args.sim or e.id in args.sim]
    if args.sim and len(entries) != len(set(args.sim)):
        parser.error(f"unknown simulator id; have {[e.id for e in catalog()]}")
    app = next((e for e in catalog() if e.id == args.app), None)
    if app is None:
        parser.error(f"unknown app {args.app!r}; have {[e.id for e in catalog()]}")

    results = bench_recompute(entries, args.changes)
    print_recompute(results, args.changes)
    print()
    inventory = bench_inventory() if not args.sim else "skipped (--sim given)"
    if isinstance(inventory, float):
        print(f"Inventory Monte Carlo, 10,000 paths x 180 days: {inventory:.0f} ms (median of 5)")
    else:
        print(f"Inventory Monte Carlo, 10,000 paths x 180 days: {inventory}")
    sys.stdout.flush()

    if args.no_browser:
        return 1 if any(r.failed for r in results) else 0
    courses = (args.courses or courses_dir()).resolve()
    rows = run_pages(app, courses, args)
    burst = None
    if not args.no_burst and not args.no_gallery and gallery_server() is not None:
        from burst import run_burst

        burst = run_burst(
            gallery_server(), args.visitors, behind_hub=os.geteuid() == 0 and not args.burst_alone
        )
    targets.print_targets(targets.check(rows, burst))
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
