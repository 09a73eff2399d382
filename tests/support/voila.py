"""Voilà servers and page loads shared by the browser tests and the page benchmark.

:func:`isoko_voila` runs Voilà inside a Jupyter server with Isoko's Voilà configuration
(:func:`isoko.hub.server_config.write_voila_config`, the file learners' servers load);
:func:`stock_voila` runs plain ``voila`` with its default configuration, serving a
slider-and-chart notebook (:data:`STOCK_SOURCE`). Both are isolated from any Jupyter
configuration of the machine or the person running them: their own temporary home and
Jupyter directories; both listen on 127.0.0.1 only. :func:`load_page` and
:func:`fresh_load` open a page in Chromium and count what it fetched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import isoko
from isoko.hub.server_config import write_voila_config
from isoko.platform.ports import free_port

#: What "the first chart" is, in every simulator and in the stock notebook.
CHART_SVG = ".isoko-chart svg"
#: The gallery's picture of an app's chart, in the page until the app is drawn.
PREVIEW_SVG = ".isoko-preview svg"
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


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, as a server's own stop; SIGKILL after 20 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
        stop_process(self.process)


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
    port = free_port()
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
def stock_voila(root: Path, workdir: Path, *, same_isoko: bool = False) -> Iterator[VoilaServer]:
    """Plain ``voila`` with its default configuration, serving ``root``.

    With ``same_isoko`` its kernels import this ``isoko`` (to serve Isoko's own apps).
    """
    port = free_port()
    env = isolated_env(workdir, _isoko_pythonpath() if same_isoko else None)
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


@dataclass(frozen=True)
class Request:
    """One request of a page load: ``wire_bytes`` as received (headers and body, compressed
    if the server compressed), ``body_bytes`` the body once decoded; ``kind`` is Chromium's
    resource type (Document, Script, Stylesheet, Font, Fetch...)."""

    url: str
    kind: str
    wire_bytes: int
    body_bytes: int
    failed: bool = False


@dataclass
class PageLoad:
    """One page load, as the browser saw it.

    ``requests`` and ``bytes`` count what went over the network (not what came from
    the browser's cache): ``bytes`` is Chromium's ``encodedDataLength`` (headers and
    body as received, compressed if the server compressed). ``failed`` requests got no
    answer (a CDN with no internet, for example). The kernel's WebSocket is not counted.
    ``first_chart_ms`` is ``performance.now()`` when the first chart had a size on screen;
    ``first_picture_ms`` when the first chart or the gallery's picture of it (drawn by the
    server, shown while the scripts come: ``.isoko-preview``) had one.
    ``websocket_compressed`` says whether the kernel's WebSocket agreed on compression.
    """

    url: str
    requests: int
    bytes: int
    failed: int
    from_cache: int
    first_chart_ms: float
    first_picture_ms: float | None = None
    urls: tuple[str, ...] = ()
    failed_urls: tuple[str, ...] = ()
    websocket_compressed: bool | None = None
    detail: tuple[Request, ...] = ()

    @property
    def body_bytes(self) -> int:
        """The decoded size of what came over the network."""
        return sum(request.body_bytes for request in self.detail)


def load_page(
    context: Any,
    url: str,
    *,
    slow_link: bool = False,
    timeout_ms: float = 180_000,
    quiet_ms: float = 2_500,
    then: Callable[[Any], None] | None = None,
) -> PageLoad:
    """Open ``url`` in a new page of ``context``; wait for the first chart, then quiet.

    ``then(page)``, if given, runs once the page is loaded and quiet, before it closes
    (what the requests of the load do not count: the kernel's WebSocket is not counted).
    """
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
        item = {
            "url": event["request"]["url"],
            "kind": event.get("type", "Other"),
            "bytes": 0,
            "body": 0,
            "done": False,
        }
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

    def on_data(event: dict) -> None:
        if (item := entry(event)) is not None:
            item["body"] += int(event.get("dataLength", 0))

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
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.loadingFailed", on_failed)
    cdp.on("Network.webSocketHandshakeResponseReceived", on_handshake)
    try:
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        first_picture, first_chart = (
            page.wait_for_function(
                """selector => {
                    const svg = document.querySelector(selector);
                    if (!svg) return false;
                    const box = svg.getBoundingClientRect();
                    return box.width > 0 && box.height > 0 ? performance.now() : false;
                }""",
                arg=selector,
                polling="raf",
                timeout=timeout_ms,
            ).json_value()
            for selector in (f"{PREVIEW_SVG}, {CHART_SVG}", CHART_SVG)
        )
        # Pages keep loading what they need lazily: wait until the network is quiet.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page.wait_for_timeout(200)
            busy = any(not item["done"] for item in items)
            if not busy and (time.monotonic() - last_event[0]) * 1000 > quiet_ms:
                break
        network_done = [dict(item) for item in items]
        if then is not None:
            then(page)
    finally:
        page.close()
    network = [item for item in network_done if not item.get("cache")]
    failed = [item for item in network if item.get("failed")]
    return PageLoad(
        url=url,
        requests=len(network),
        bytes=sum(item["bytes"] for item in network),
        failed=len(failed),
        from_cache=len(items) - len(network),
        first_chart_ms=float(first_chart),
        first_picture_ms=float(first_picture),
        urls=tuple(item["url"] for item in network),
        failed_urls=tuple(item["url"] for item in failed),
        websocket_compressed=websocket.get("compressed"),
        detail=tuple(
            Request(
                item["url"], item["kind"], item["bytes"], item["body"], bool(item.get("failed"))
            )
            for item in network
        ),
    )


#: A page that has drawn no chart by then is stuck: now and then Voilà starts a kernel
#: and never finishes running the notebook (voila-dashboards/voila#1395), whatever the
#: configuration; stock Voilà does it too, and has done it twice in a row here. Such a
#: load is made again, up to ``LOAD_ATTEMPTS`` loads in all.
STUCK_MS = 60_000
#: On the emulated slow link a stock page takes about 30 s.
STUCK_SLOW_MS = 300_000
PHONE = {"width": 360, "height": 740}
LOAD_ATTEMPTS = 3


def fresh_load(
    browser: Any, url: str, *, viewport: dict | None = None, again: bool = False, **kwargs: Any
) -> tuple[PageLoad, PageLoad | None]:
    """Load ``url`` in a fresh browser profile and, with ``again``, once more in it.

    A load stuck in Voilà's intermittent hang is made again (a new profile for the first
    load, so it stays cold), and said on stderr.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    kwargs.setdefault("timeout_ms", STUCK_SLOW_MS if kwargs.get("slow_link") else STUCK_MS)
    for attempt in range(1, LOAD_ATTEMPTS + 1):
        context = browser.new_context(viewport=viewport or PHONE)
        try:
            try:
                first = load_page(context, url, **kwargs)
            except PlaywrightTimeout:
                if attempt == LOAD_ATTEMPTS:
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
