"""The public gallery run alone (no hub), the way the hub runs it: in its sandbox.

``running_gallery`` writes a gallery folder for some apps and languages, starts
``python -m isoko.gallery`` through :func:`isoko.gallery.sandbox.server_command` on a
free loopback port, and waits until every preheated kernel is ready.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from isoko.gallery.folder import write_gallery
from isoko.hub.gallery import server_command
from isoko.platform.ports import free_port
from isoko.sims.registry import SimEntry, catalog, find


@dataclass
class GalleryServer:
    """A running gallery: ``url`` is its base URL (ending in ``/``)."""

    url: str
    process: subprocess.Popen
    log: Path
    folder: Path
    languages: tuple[str, ...]
    entries: tuple[SimEntry, ...]

    def app_url(self, app_id: str, lang: str = "en") -> str:
        return f"{self.url}{lang}/{app_id}"

    def index_url(self, lang: str = "en") -> str:
        return self.url if lang == self.languages[0] else f"{self.url}{lang}/"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_until_ready(server: GalleryServer, pools: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    answered = False
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the gallery exited ({server.process.returncode}):\n{server.log_text()[-3000:]}"
            )
        if not answered:
            try:
                urllib.request.urlopen(server.url, timeout=2).close()
                answered = True
            except (OSError, urllib.error.HTTPError):
                pass
        if answered and server.log_text().count("is filled with") >= pools:
            return
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(
        f"the gallery was not ready within {timeout:.0f} s:\n{server.log_text()[-3000:]}"
    )


@contextlib.contextmanager
def running_gallery(
    workdir: Path,
    *,
    pool_per_app: int = 1,
    max_kernels: int = 8,
    languages: Sequence[str] = ("en",),
    apps: Sequence[str] | None = None,
    timeout: float = 180,
) -> Iterator[GalleryServer]:
    """A gallery serving ``apps`` (simulator ids; default every one) in ``languages``."""
    entries = tuple(find(app) for app in apps) if apps else tuple(catalog())
    workdir.mkdir(parents=True, exist_ok=True)
    folder = workdir / "gallery"
    write_gallery(folder, list(languages), Path(sys.executable), entries)
    port = free_port()
    command = server_command(
        folder,
        arguments=[
            f"--port={port}",
            "--base-url=/",
            f"--preheated-per-app={pool_per_app}",
            f"--max-kernels={max_kernels}",
            f"--languages={','.join(languages)}",
            f"--apps={','.join(entry.id for entry in entries)}",
        ],
    )
    log = workdir / "gallery.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = GalleryServer(
        f"http://127.0.0.1:{port}/", process, log, folder, tuple(languages), entries
    )
    try:
        _wait_until_ready(server, len(entries) * len(languages) if pool_per_app else 0, timeout)
        yield server
    finally:
        server.stop()
