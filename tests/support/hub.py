"""Start the real hub the way ``make hub`` does, on loopback, in temporary directories."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from isoko.platform.ports import free_port, free_port_run

REPO = Path(__file__).resolve().parents[2]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass
class Hub:
    """A hub process plus where its state lives; ``start``/``stop`` may be repeated."""

    root: Path
    unix_prefix: str = field(default_factory=lambda: f"t{secrets.token_hex(2)}-")
    port: int = field(default_factory=free_port)
    hub_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    service_port_base: int = field(default_factory=lambda: free_port_run(4))
    #: The public gallery preheats a kernel per app and language at start, which costs a
    #: hub start on 2 cores several seconds of CPU: only the gallery's tests turn it on.
    gallery: bool = False
    gallery_port: int = field(default_factory=free_port)
    #: The gallery's sizes (``None``: from the machine, as ``make hub``).
    gallery_preheated_per_app: int | None = None
    gallery_max_kernels: int | None = None
    checkout: Path = REPO
    #: Run the hub as this Unix account instead of the current one (a trial as non-root).
    account: str | None = None
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def system_dir(self) -> Path:
        return self.root / "system"

    @property
    def log_file(self) -> Path:
        return self.root / f"hub-{self.starts}.log"

    @property
    def demo_accounts(self) -> dict:
        import json

        return json.loads((self.state_dir / "demo-accounts.json").read_text())

    def environ(self) -> dict[str, str]:
        return {
            **os.environ,
            "ISOKO_STATE_DIR": str(self.state_dir),
            "ISOKO_SYSTEM_DIR": str(self.system_dir),
            "ISOKO_UNIX_PREFIX": self.unix_prefix,
            "ISOKO_PORT": str(self.port),
            "ISOKO_HUB_PORT": str(self.hub_port),
            "ISOKO_PROXY_API_PORT": str(self.proxy_api_port),
            "ISOKO_SERVICE_PORT_BASE": str(self.service_port_base),
            "ISOKO_GALLERY": "1" if self.gallery else "0",
            "ISOKO_GALLERY_PORT": str(self.gallery_port),
            **(
                {"ISOKO_GALLERY_PREHEATED": str(self.gallery_preheated_per_app)}
                if self.gallery_preheated_per_app is not None
                else {}
            ),
            **(
                {"ISOKO_GALLERY_MAX_KERNELS": str(self.gallery_max_kernels)}
                if self.gallery_max_kernels is not None
                else {}
            ),
            **({"HOME": str(self.root / "home"), "USER": self.account} if self.account else {}),
        }

    def start(self, timeout: float = 240) -> None:
        self.starts += 1
        isoko = Path(sys.executable).with_name("isoko")
        log = self.log_file.open("w")
        if self.account:
            os.chown(self.log_file, pwd.getpwnam(self.account).pw_uid, -1)
        as_account = {}
        if self.account:
            entry = pwd.getpwnam(self.account)
            as_account = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        self.proc = subprocess.Popen(
            [str(isoko), "hub", "--checkout", str(self.checkout)],
            env=self.environ(),
            **as_account,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            # Start it the way a shell starts a background job, with SIGINT ignored:
            # the hub must still stop every server it started when interrupted.
            preexec_fn=_ignore_sigint,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the hub exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok and self._services_up():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the hub did not answer within {timeout} s:\n{self.log_tail()}")

    def _services_up(self) -> bool:
        # The formgrader services start after the hub answers; wait for the first one.
        try:
            reply = requests.get(
                f"{self.url}/services/pricing/api/status", timeout=2, allow_redirects=False
            )
        except requests.RequestException:
            return False
        return reply.status_code in (200, 302, 401, 403)

    def stop(self, timeout: float = 30) -> None:
        """Stop as Ctrl-C would: the hub stops the proxy and every server it started."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_file.read_text().splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def unix_accounts(self) -> list[str]:
        return [p.pw_name for p in pwd.getpwall() if p.pw_name.startswith(self.unix_prefix)]

    def remove_unix_accounts(self) -> None:
        Path(f"/etc/sudoers.d/{self.unix_prefix}grading").unlink(missing_ok=True)
        for name in self.unix_accounts():
            # Anything still running as a test account would keep userdel from working.
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
            subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)


def servers_run_by(account: str) -> list[tuple[int, str]]:
    """(pid, command) of every single-user server process running as Unix ``account``."""
    uid = pwd.getpwnam(account).pw_uid
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
        if "jupyterhub-singleuser" in cmdline or "isoko.hub.singleuser" in cmdline:
            found.append((int(entry.name), cmdline))
    return found


@contextmanager
def running_hub(
    artifacts_dir: Path,
    name: str,
    own_checkout: bool = False,
    before_start: Callable[[Hub], None] | None = None,
) -> Iterator[Hub]:
    """A hub started as root in a fresh folder, stopped and cleaned up after.

    Not under pytest's tmp_path: that is private to root, and learner and grader
    accounts must reach the system directory. ``own_checkout`` runs it from a copy of
    the checkout's courses, config and proxy; ``before_start`` may write into its state
    directory first (an ``isoko.yaml``). Its logs are kept as ``<name>hub-N.log``.
    """
    import pytest

    if os.geteuid() != 0:
        pytest.skip("needs root: the hub creates a real Unix account per learner")
    root = Path(tempfile.mkdtemp(prefix=f"isoko-{name or 'hub-'}"))
    os.chmod(root, 0o755)
    checkout = REPO
    if own_checkout:
        checkout = root / "checkout"
        for folder in ("courses", "hub_config", "node_modules"):
            shutil.copytree(REPO / folder, checkout / folder, symlinks=True)
    hub = Hub(root=root, checkout=checkout)
    try:
        if before_start is not None:
            before_start(hub)
        hub.start()
        yield hub
    finally:
        hub.stop()
        hub.remove_unix_accounts()
        # Keep the hub's logs: they are what explains a failure.
        for log in root.glob("hub-*.log"):
            shutil.copy(log, artifacts_dir / f"{name}{log.name}")
        shutil.rmtree(root, ignore_errors=True)
