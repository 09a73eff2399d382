"""Benchmarks: how fast the simulators answer, and how light their Voilà pages are.

``python -m isoko.bench`` (or ``make bench``) prints, in one run:

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

The Voilà servers here (:func:`isoko_voila`, :func:`stock_voila`) are also what the
browser tests start. Both are isolated from any Jupyter configuration of the machine or
the person running them: their own temporary home and Jupyter directories.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import isoko
from isoko.hub.server_config import write_voila_config
from isoko.sims import SimEntry, catalog

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
#: What "the first chart" is, in every simulator and in the stock notebook.
CHART_SVG = ".isoko-chart svg"
#: CSS classes of a simulator's main control, in order of preference.
MAIN_CONTROL_CLASSES = ("isoko-main-control", "isoko-price")
#: A phone on a slow mobile link, emulated by Chromium for one measurement.
SLOW_LINK = {"down_kbit": 1600, "up_kbit": 750, "latency_ms": 150}
#: The stock notebook's place under both servers' roots.
STOCK_APP = "stock/slider-and-chart.ipynb"

STOCK_SOURCE = '''\
import ipywidgets as widgets
from IPython.display import HTML, display


def chart(price=10.0):
    """Profit at each price, with the chosen price marked."""
    xs = [4 + i * 0.5 for i in range(43)]
    ys = [(x - 5) * 2000 * (10 / x) ** 2.5 for x in xs]
    top = max(ys)
    points = " ".join(f"{(x - 4) * 16:.1f},{190 - 170 * y / top:.1f}" for x, y in zip(xs, ys))
    now = (price - 4) * 16
    display(HTML(
        '<div class="isoko-chart"><svg xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 340 200" width="100%">'
        f'<polyline points="{points}" fill="none" stroke="#1f6f8b" stroke-width="2"/>'
        f'<line x1="{now:.1f}" y1="0" x2="{now:.1f}" y2="200" stroke="#c0392b"/>'
        "</svg></div>"
    ))


widgets.interact(chart, price=widgets.FloatSlider(value=10, min=4, max=25, step=0.1));
'''


# --- 1. recomputation, no browser -------------------------------------------------------


def main_control(sim: Any) -> Any:
    """The widget in ``sim.view`` that carries a main-control CSS class."""
    found: dict[str, Any] = {}

    def walk(widget: Any) -> None:
        for css in MAIN_CONTROL_CLASSES:
            if css in getattr(widget, "_dom_classes", ()):
                found.setdefault(css, widget)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(sim.view)
    for css in MAIN_CONTROL_CLASSES:
        if css in found:
            return found[css]
    raise LookupError(f"no widget with a CSS class in {MAIN_CONTROL_CLASSES}")


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


def bench_inventory(paths: int = 10_000, days: int = 180, repeat: int = 5) -> float | str:
    """Median milliseconds of one inventory simulation, or why it was skipped."""
    try:
        from isoko.econ import stock
    except ImportError as error:
        return f"skipped: isoko.econ.stock is not importable yet ({error})"
    simulate = getattr(stock, "simulate_stock", None)
    if simulate is None:
        return "skipped: isoko.econ.stock has no simulate_stock yet"
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


# --- 3. Voilà servers and pages ---------------------------------------------------------


def stock_notebook() -> Any:
    """A plain slider-and-chart notebook: an ``interact`` slider and an SVG in its Output."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STOCK_SOURCE)])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return notebook


def write_stock_notebook(root: Path) -> Path:
    import nbformat

    path = root / STOCK_APP
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(stock_notebook(), path)
    return path


@dataclass
class VoilaServer:
    """A running Voilà server: ``url`` ends with ``/``; ``log`` holds its output."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def app_url(self, path: str) -> str:
        """The Voilà page of the notebook at ``path`` (relative to the server's root)."""
        return f"{self.url}voila/render/{path}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(workdir: Path, pythonpath: str | None = None) -> dict[str, str]:
    """The environment of a server that reads no Jupyter config of this machine or user."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "JPY_", "IPYTHON")) and key != "PYTHONPATH"
    }
    for name in ("home", "jupyter-config", "jupyter-data", "jupyter-runtime", "ipython"):
        (workdir / name).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(workdir / "home"),
        JUPYTER_CONFIG_DIR=str(workdir / "jupyter-config"),
        JUPYTER_DATA_DIR=str(workdir / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(workdir / "jupyter-runtime"),
        IPYTHONDIR=str(workdir / "ipython"),
        JUPYTER_PLATFORM_DIRS="0",
    )
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def _wait_until_up(server: VoilaServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the {server.name} server exited ({server.process.returncode}):\n"
                + server.log.read_text(errors="replace")[-3000:]
            )
        try:
            urllib.request.urlopen(server.url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(
        f"the {server.name} server did not answer within {timeout:.0f} s:\n"
        + server.log.read_text(errors="replace")[-3000:]
    )


@contextlib.contextmanager
def _server(
    name: str, command: list[str], env: dict[str, str], cwd: Path, log: Path, url: str
) -> Iterator[VoilaServer]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = VoilaServer(name, url, process, log)
    try:
        _wait_until_up(server, timeout=120)
        yield server
    finally:
        server.stop()


def _isoko_pythonpath() -> str:
    """Where this ``isoko`` comes from, so the servers' kernels import the same code."""
    return str(Path(isoko.__file__).resolve().parents[1])


@contextlib.contextmanager
def isoko_voila(root: Path, workdir: Path) -> Iterator[VoilaServer]:
    """Voilà inside a Jupyter server, as on learners' servers, with Isoko's config.

    The config file is the one the hub writes for learners
    (:func:`isoko.hub.server_config.write_voila_config`); ``root`` is what it serves.
    """
    port = _free_port()
    config = workdir / "isoko-config"
    config.mkdir(parents=True, exist_ok=True)
    write_voila_config(config)
    env = isolated_env(workdir, _isoko_pythonpath())
    env["JUPYTER_CONFIG_PATH"] = str(config)
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        # Loopback only, for one test run: no token to pass around.
        "--IdentityProvider.token=",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    url = f"http://127.0.0.1:{port}/"
    with _server("Isoko Voila", command, env, root, workdir / "isoko-voila.log", url) as server:
        yield server


@contextlib.contextmanager
def stock_voila(root: Path, workdir: Path) -> Iterator[VoilaServer]:
    """Plain ``voila`` with its default configuration, serving ``root``."""
    port = _free_port()
    env = isolated_env(workdir)
    env["JUPYTER_NO_CONFIG"] = "1"  # not even the Python environment's own config
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        str(root),
    ]
    url = f"http://127.0.0.1:{port}/"
    with _server("stock Voila", command, env, workdir, workdir / "stock-voila.log", url) as server:
        yield server


@dataclass
class PageLoad:
    """One page load, as the browser saw it.

    ``requests`` and ``bytes`` count what went over the network (not what came from
    the browser's cache): ``bytes`` is Chromium's ``encodedDataLength`` (headers and
    body as received, compressed if the server compressed). ``failed`` requests got no
    answer (a CDN with no internet, for example). The kernel's WebSocket is not counted.
    ``first_chart_ms`` is ``performance.now()`` when the first chart had a size on screen.
    ``websocket_compressed`` says whether the kernel's WebSocket agreed on compression.
    """

    url: str
    requests: int
    bytes: int
    failed: int
    from_cache: int
    first_chart_ms: float
    urls: tuple[str, ...] = ()
    failed_urls: tuple[str, ...] = ()
    websocket_compressed: bool | None = None


def load_page(
    context: Any,
    url: str,
    *,
    slow_link: bool = False,
    timeout_ms: float = 180_000,
    quiet_ms: float = 2_500,
) -> PageLoad:
    """Open ``url`` in a new page of ``context``; wait for the first chart, then quiet."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if slow_link:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": SLOW_LINK["latency_ms"],
                "downloadThroughput": SLOW_LINK["down_kbit"] * 1000 / 8,
                "uploadThroughput": SLOW_LINK["up_kbit"] * 1000 / 8,
            },
        )
    items: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}  # a redirect reuses its id: the latest hop
    last_event = [time.monotonic()]

    def on_request(event: dict) -> None:
        last_event[0] = time.monotonic()
        if event["request"]["url"].startswith(("data:", "blob:")):
            return
        item = {"url": event["request"]["url"], "bytes": 0, "done": False}
        items.append(item)
        by_id[event["requestId"]] = item

    def entry(event: dict) -> dict[str, Any] | None:
        last_event[0] = time.monotonic()
        return by_id.get(event["requestId"])

    def on_cache(event: dict) -> None:
        if (item := entry(event)) is not None:
            item["cache"] = True

    def on_response(event: dict) -> None:
        item = entry(event)
        response = event["response"]
        if item is not None and (
            response.get("fromDiskCache") or response.get("fromPrefetchCache")
        ):
            item["cache"] = True

    def on_finished(event: dict) -> None:
        if (item := entry(event)) is not None:
            item.update(done=True, bytes=int(event["encodedDataLength"]))

    def on_failed(event: dict) -> None:
        if (item := entry(event)) is not None:
            item.update(done=True, failed=event.get("errorText", "failed"))

    websocket: dict[str, bool] = {}

    def on_handshake(event: dict) -> None:
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        websocket["compressed"] = "permessage-deflate" in headers.get(
            "sec-websocket-extensions", ""
        )

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.requestServedFromCache", on_cache)
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.loadingFailed", on_failed)
    cdp.on("Network.webSocketHandshakeResponseReceived", on_handshake)
    try:
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        first_chart = page.wait_for_function(
            """selector => {
                const svg = document.querySelector(selector);
                if (!svg) return false;
                const box = svg.getBoundingClientRect();
                return box.width > 0 && box.height > 0 ? performance.now() : false;
            }""",
            arg=CHART_SVG,
            polling="raf",
            timeout=timeout_ms,
        ).json_value()
        # Pages keep loading what they need lazily: wait until the network is quiet.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page.wait_for_timeout(200)
            busy = any(not item["done"] for item in items)
            if not busy and (time.monotonic() - last_event[0]) * 1000 > quiet_ms:
                break
    finally:
        page.close()
    network = [item for item in items if not item.get("cache")]
    failed = [item for item in network if item.get("failed")]
    return PageLoad(
        url=url,
        requests=len(network),
        bytes=sum(item["bytes"] for item in network),
        failed=len(failed),
        from_cache=len(items) - len(network),
        first_chart_ms=float(first_chart),
        urls=tuple(item["url"] for item in network),
        failed_urls=tuple(item["url"] for item in failed),
        websocket_compressed=websocket.get("compressed"),
    )


@dataclass
class PageBench:
    """A page measured cold (fresh browser profile), on a slow link, and on a repeat visit."""

    name: str
    server: str
    cold: PageLoad
    cold_ms: list[float]
    slow: PageLoad | None
    repeat: PageLoad


#: A page that has drawn no chart by then is stuck: now and then Voilà starts a kernel
#: and never finishes running the notebook (voila-dashboards/voila#1395), whatever the
#: configuration; stock Voilà does it too. Such a load is made again, once.
STUCK_MS = 60_000
#: On the emulated slow link a stock page takes about 30 s.
STUCK_SLOW_MS = 300_000
PHONE = {"width": 360, "height": 740}


def fresh_load(
    browser: Any, url: str, *, viewport: dict | None = None, again: bool = False, **kwargs: Any
) -> tuple[PageLoad, PageLoad | None]:
    """Load ``url`` in a fresh browser profile and, with ``again``, once more in it.

    A load stuck in Voilà's intermittent hang is made again (a new profile for the first
    load, so it stays cold), and said on stderr.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    kwargs.setdefault("timeout_ms", STUCK_SLOW_MS if kwargs.get("slow_link") else STUCK_MS)
    for attempt in (1, 2):
        context = browser.new_context(viewport=viewport or PHONE)
        try:
            try:
                first = load_page(context, url, **kwargs)
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
                print(f"  (stuck page, loading it again: {url})", file=sys.stderr)
                continue
            second = None
            if again:
                try:
                    second = load_page(context, url, **kwargs)
                except PlaywrightTimeout:
                    print(f"  (stuck page, loading it again: {url})", file=sys.stderr)
                    second = load_page(context, url, **kwargs)
            return first, second
        finally:
            context.close()
    raise AssertionError("unreachable")


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
    """The courses folder: ``./courses``, or the one beside this checkout's code."""
    for candidate in (
        Path.cwd() / "courses",
        Path(isoko.__file__).resolve().parents[2] / "courses",
    ):
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
        prog="python -m isoko.bench", description=__doc__.splitlines()[0]
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
