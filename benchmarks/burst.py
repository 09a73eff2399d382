"""Fifty visitors open gallery apps at once: how many got a chart, how many the busy page.

Fifty browsers do not fit on a 2-core machine beside the gallery they measure, so most
visitors are what a browser does on the network, without drawing: they GET the app page
(HTTP), then open the page's kernel WebSocket and ask the widgets for their state, as
the widget manager does (``request_states`` on ``jupyter.widget.control``), and count a
chart when a widget with the ``isoko-chart`` class holds an SVG. A few visitors (5 by
default) are real Chromium pages, opened at the same moment, that count a chart when
``.isoko-chart svg`` is drawn. A visitor turned away gets HTTP 503 with a
``data-isoko-busy`` page. Anything else (another status, a page without a chart, a
timeout) is an error. Every visitor has a timeout, so the burst always ends.

While it runs, other URLs (the hub, a learner's server) are asked every second; the
result says whether each always answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import statistics
import struct
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CONFIG_DATA = re.compile(
    r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S
)
BUSY_MARK = "data-isoko-busy"
CHART_CLASS = "isoko-chart"


@dataclass
class VisitorResult:
    how: str  # "http" or "chromium"
    url: str
    outcome: str  # "chart", "busy" or "error"
    seconds: float
    detail: str = ""


@dataclass
class BurstResult:
    visitors: int
    results: list[VisitorResult]
    seconds: float
    #: URL -> (answers, failures) of the URLs asked during the burst.
    watched: dict[str, tuple[int, int]] = field(default_factory=dict)
    where: str = "the gallery alone"

    def count(self, outcome: str, how: str | None = None) -> int:
        return sum(1 for r in self.results if r.outcome == outcome and how in (None, r.how))

    @property
    def charts(self) -> int:
        return self.count("chart")

    @property
    def busy(self) -> int:
        return self.count("busy")

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def still_answering(self) -> bool | None:
        if not self.watched:
            return None
        return all(failures == 0 and answers > 0 for answers, failures in self.watched.values())


#: The widget control protocol of ipywidgets 8, which the kernel checks.
CONTROL_PROTOCOL = "1.0.0"


def _message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> str:
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "username": "bench",
                "session": session,
                "date": "",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


def decode(raw: str | bytes) -> dict:
    """A kernel message from the WebSocket: JSON text, or (with buffers) Jupyter's binary
    frame: a count n, n offsets (32-bit big-endian), the JSON from the first offset."""
    if isinstance(raw, str):
        return json.loads(raw)
    (count,) = struct.unpack("!I", raw[:4])
    offsets = struct.unpack(f"!{count}I", raw[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(raw)
    return json.loads(raw[offsets[0] : end])


def has_chart(states: dict) -> bool:
    """Whether one widget of an ``update_states`` reply is a chart holding an SVG."""
    for model in states.values():
        state = model.get("state", {})
        if CHART_CLASS in state.get("_dom_classes", ()) and "<svg" in str(state.get("value", "")):
            return True
    return False


async def widget_states(ws_url: str, timeout_s: float) -> dict:
    """The states of a kernel's widgets, asked for as the widget manager asks."""
    from tornado.websocket import websocket_connect

    connection = await asyncio.wait_for(websocket_connect(ws_url), timeout_s)
    try:
        session, comm_id = uuid.uuid4().hex, uuid.uuid4().hex
        control = {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}
        version = {"version": CONTROL_PROTOCOL}
        await connection.write_message(_message("comm_open", control, session, version))
        ask = {"comm_id": comm_id, "data": {"method": "request_states"}}
        await connection.write_message(_message("comm_msg", ask, session))
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            raw = await asyncio.wait_for(connection.read_message(), left)
            if raw is None:
                raise ConnectionError("the kernel's WebSocket closed")
            msg = decode(raw)
            data = msg.get("content", {}).get("data", {})
            if msg.get("msg_type") == "comm_msg" and data.get("method") == "update_states":
                return data.get("states", {})
        raise TimeoutError("no widget states")
    finally:
        connection.close()


async def http_visitor(url: str, timeout_s: float) -> VisitorResult:
    """A visitor without a browser: the page, then its kernel's widgets."""
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError

    started = time.monotonic()

    def result(outcome: str, detail: str = "") -> VisitorResult:
        return VisitorResult("http", url, outcome, time.monotonic() - started, detail)

    try:
        try:
            reply = await AsyncHTTPClient().fetch(
                url, request_timeout=timeout_s, connect_timeout=timeout_s
            )
        except HTTPClientError as error:
            body = error.response.body.decode(errors="replace") if error.response else ""
            if error.code == 503 and BUSY_MARK in body:
                return result("busy")
            return result("error", f"HTTP {error.code}")
        page = reply.body.decode(errors="replace")
        found = CONFIG_DATA.search(page)
        if not found:
            return result("error", "HTTP 200 without a kernel in the page")
        config = json.loads(found.group(1))
        base = config.get("baseUrl", "/")
        host = url.split("://", 1)[1].split("/", 1)[0]
        ws_url = f"ws://{host}{base}api/kernels/{config['kernelId']}/channels"
        left = max(1.0, timeout_s - (time.monotonic() - started))
        states = await widget_states(ws_url, left)
        return result("chart") if has_chart(states) else result("error", "no chart in widgets")
    except Exception as error:  # a visitor's failure is counted, never raised
        return result("error", f"{type(error).__name__}: {error}"[:160])


async def browser_visitor(browser: Any, url: str, timeout_s: float) -> VisitorResult:
    """A Chromium visitor at 360x740: a chart drawn, or the busy page."""
    started = time.monotonic()
    context = await browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = await context.new_page()
        reply = await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        status = reply.status if reply else 0
        found = page.locator(f".{CHART_CLASS} svg, [{BUSY_MARK}]").first
        await found.wait_for(state="attached", timeout=timeout_s * 1000)
        busy = await page.locator(f"[{BUSY_MARK}]").count()
        outcome = "busy" if busy and status == 503 else "chart" if not busy else "error"
        detail = "" if outcome != "error" else f"busy page with HTTP {status}"
        return VisitorResult("chromium", url, outcome, time.monotonic() - started, detail)
    except Exception as error:  # counted, never raised
        detail = f"{type(error).__name__}: {error}".splitlines()[0][:160]
        return VisitorResult("chromium", url, "error", time.monotonic() - started, detail)
    finally:
        await context.close()


async def watch(
    urls: dict[str, dict[str, str]], stop: asyncio.Event, tally: dict[str, list[int]]
) -> None:
    """Ask each URL (with its headers) every second until ``stop``: answers and failures
    (5xx, no answer)."""
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError

    client = AsyncHTTPClient()
    while not stop.is_set():
        for url, headers in urls.items():
            try:
                await client.fetch(url, headers=headers, request_timeout=10, follow_redirects=False)
                tally[url][0] += 1
            except HTTPClientError as error:
                # A redirect or 4xx (login) is an answer; a 5xx or no answer (599) is not.
                answered = error.code < 500
                tally[url][0 if answered else 1] += 1
            except Exception:
                tally[url][1] += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1)


async def _burst(
    app_urls: list[str],
    visitors: int,
    browsers: int,
    timeout_s: float,
    watch_urls: dict[str, dict[str, str]],
    chromium: Callable[[], Any] | None,
) -> tuple[list[VisitorResult], dict[str, tuple[int, int]]]:
    from tornado.httpclient import AsyncHTTPClient

    # Every visitor at once: no queue of Tornado's own (its default is 10 at a time).
    AsyncHTTPClient.configure(None, max_clients=visitors + 10)
    stop = asyncio.Event()
    tally = {url: [0, 0] for url in watch_urls}
    watcher = asyncio.ensure_future(watch(watch_urls, stop, tally))
    urls = [app_urls[k % len(app_urls)] for k in range(visitors)]
    playwright = browser = None
    try:
        if chromium is not None and browsers:
            playwright, browser = await chromium()
        tasks = [
            browser_visitor(browser, url, timeout_s)
            if browser is not None and k < browsers
            else http_visitor(url, timeout_s)
            for k, url in enumerate(urls)
        ]
        results = list(await asyncio.gather(*tasks))
    finally:
        stop.set()
        await watcher
        if browser is not None:
            await browser.close()
        if playwright is not None:
            await playwright.stop()
    return results, {url: (a, f) for url, (a, f) in tally.items()}


def burst(
    app_urls: list[str],
    visitors: int = 50,
    *,
    browsers: int = 5,
    timeout_s: float = 120,
    watch_urls: list[str] | dict[str, dict[str, str]] = (),
    chromium: Callable[[], Any] | None = None,
    where: str = "the gallery alone",
) -> BurstResult:
    """``visitors`` visitors at once on ``app_urls`` (round robin), ``browsers`` in Chromium.

    ``watch_urls`` (a list, or URLs with the headers to send) are asked during the burst.
    """
    watched_urls = watch_urls if isinstance(watch_urls, dict) else dict.fromkeys(watch_urls, {})
    started = time.monotonic()
    results, watched = asyncio.run(
        _burst(list(app_urls), visitors, browsers, timeout_s, watched_urls, chromium)
    )
    return BurstResult(visitors, results, time.monotonic() - started, watched, where)


def launch_chromium() -> Callable[[], Any]:
    """An async starter of Debian's Chromium, as the tests start it."""
    from playwright.async_api import async_playwright

    from support.browser import CHROMIUM, CHROMIUM_ARGS

    async def start() -> tuple[Any, Any]:
        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        return playwright, browser

    return start


def print_burst(result: BurstResult) -> None:
    print()
    print(f"{result.visitors} visitors opening gallery apps at once ({result.where}, loopback)")
    sample = sum(1 for r in result.results if r.how == "chromium")
    print(
        f"  {result.visitors - sample} over HTTP and the kernel WebSocket, {sample} in Chromium; "
        f"{result.seconds:.0f} s in all"
    )
    for how in ("http", "chromium"):
        rows = [r for r in result.results if r.how == how]
        if not rows:
            continue
        charts = [r.seconds for r in rows if r.outcome == "chart"]
        median = f", chart in {statistics.median(charts):.1f} s (median)" if charts else ""
        print(
            f"  {how:<8}: {result.count('chart', how)} got a chart, "
            f"{result.count('busy', how)} the busy page, {result.count('error', how)} errors"
            f"{median}"
        )
    print(f"  total   : {result.charts} charts, {result.busy} busy pages, {result.errors} errors")
    for r in [r for r in result.results if r.outcome == "error"][:8]:
        print(f"    error ({r.how}): {r.detail}  {r.url}")
    for url, (answers, failures) in result.watched.items():
        print(f"  during the burst, {url}: {answers} answers, {failures} failures")


def run_burst(
    running_gallery: Callable[..., Any], visitors: int, *, behind_hub: bool
) -> BurstResult:
    """The burst on every app of the catalog (in English): behind a real hub started as
    ``make hub`` starts it (as root), watching the hub and a learner's server; or on the
    gallery run alone."""
    import tempfile
    from pathlib import Path

    from isoko.sims import catalog

    ids = [entry.id for entry in catalog()]
    if behind_hub:
        with hub_with_gallery() as (hub, learner_url, token):
            urls = [f"{hub.url}/services/gallery/en/{app}" for app in ids]
            watched = {
                f"{hub.url}/hub/api/": {},
                learner_url: {"Authorization": f"token {token}"},
            }
            result = burst(
                urls, visitors, chromium=launch_chromium(), watch_urls=watched,
                where="the gallery behind the hub",
            )  # fmt: skip
    else:
        with (
            tempfile.TemporaryDirectory(prefix="isoko-burst-") as tmp,
            running_gallery(Path(tmp)) as gallery,
        ):
            urls = [gallery.app_url(app) for app in ids]
            result = burst(urls, visitors, chromium=launch_chromium(), watch_urls=[gallery.url])
    print_burst(result)
    return result


def gallery_kernels(account: str) -> int:
    """Kernel processes of the gallery's account (its preheated pools)."""
    import pwd
    from pathlib import Path

    uid = pwd.getpwnam(account).pw_uid
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += b"ipykernel_launcher" in (entry / "cmdline").read_bytes()
        except OSError:
            continue
    return count


@contextlib.contextmanager
def hub_with_gallery(timeout_s: float = 300):
    """The real hub with its gallery (sizes from the machine, as ``make hub``), its pools
    filled; a demo learner's server started. Yields (hub, learner status URL, token)."""
    from pathlib import Path

    import requests

    from isoko.platform.settings import Settings
    from support.client import signed_in
    from support.hub import REPO, running_hub

    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)

    def with_gallery(hub: Any) -> None:
        hub.gallery = True

    with running_hub(artifacts, "bench-burst-", before_start=with_gallery) as hub:
        account = Settings.from_environ(
            checkout=Path(REPO), environ=hub.environ(), as_root=True
        ).gallery_unix_name
        deadline, last, since = time.monotonic() + timeout_s, -1, time.monotonic()
        while time.monotonic() < deadline:
            try:
                up = requests.get(f"{hub.url}/services/gallery/", timeout=5).ok
                count = gallery_kernels(account) if up else 0
            except (requests.RequestException, KeyError):
                count = 0
            if count != last:
                last, since = count, time.monotonic()
            elif count and time.monotonic() - since > 15:
                break  # the pools are full: no new kernel for 15 s
            time.sleep(1)
        learner = signed_in(hub.url, hub.demo_accounts["learners"][0])
        name = learner.username
        token = learner.hub_api("POST", f"/users/{name}/tokens", json={"note": "bench"})
        token.raise_for_status()
        yield hub, f"{hub.url}/user/{name}/api/status", token.json()["token"]
