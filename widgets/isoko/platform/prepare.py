"""Steps of preparing the machine before the hub starts, each idempotent.

``isoko.startup`` runs them in order, with the hub's and the courses' parts between
them. Running them again on the same state changes nothing that exists: secrets,
accounts, learners' homes, submissions and grades are all kept.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from isoko.grading.sandbox import BWRAP, SUDO, sudoers_rule
from isoko.names import GALLERY_SERVICE
from isoko.platform import unix
from isoko.platform.checkout import CheckoutExposedError, inside, make_private
from isoko.platform.settings import Settings


class SetupError(RuntimeError):
    """The machine is not ready for the hub; the message says what to do."""


def check_reachable_by_others(path: Path, what: str) -> None:
    """Other accounts must be able to enter every folder up to ``path``."""
    for folder in [path, *path.parents]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            raise SetupError(
                f"{what} at {path} cannot be reached by learner accounts: {folder} is private.\n"
                f"Put it in a system location (for example with ISOKO_ENV=/opt/isoko/env make hub)."
            )


def prepare_grading_sandbox(s: Settings, graders: list[str]) -> None:
    """The sandbox account, and the one sudo rule that lets graders start the sandbox."""
    if not shutil.which(BWRAP):
        raise SetupError(
            f"grading needs bubblewrap at {BWRAP}: install the Debian package bubblewrap "
            "(make hub does it when run as root)."
        )
    if not s.as_root:
        return
    if not shutil.which(SUDO):
        raise SetupError(f"grading as root needs sudo at {SUDO}: install the Debian package sudo.")
    unix.ensure_system_account(s.sandbox_unix_name)
    target = s.sandbox_sudoers_file
    if not graders:
        target.unlink(missing_ok=True)
        return
    # sudo ignores files whose name has a dot, so the draft is inert until checked.
    draft = target.with_name(f".{target.name}.draft")
    draft.write_text(sudoers_rule(graders, s.sandbox_unix_name))
    os.chmod(draft, 0o440)
    checked = subprocess.run(["visudo", "-cf", str(draft)], capture_output=True, text=True)
    if checked.returncode != 0:
        draft.unlink()
        raise SetupError(f"the grading sandbox's sudo rule is invalid: {checked.stdout.strip()}")
    os.replace(draft, target)


def keep_checkout_private(s: Settings, log=print) -> None:
    """Close the checkout (solutions, hidden tests, git history) to learner accounts."""
    for what, path, variable in (
        ("The system directory", s.system_dir, "ISOKO_SYSTEM_DIR"),
        ("The Python environment", s.env_prefix, "ISOKO_ENV"),
    ):
        if inside(path, s.checkout):
            raise SetupError(
                f"{what} at {path} is inside the checkout, which must stay private to keep "
                f"course solutions from learners: set {variable} to a system location."
            )
    try:
        make_private(s.checkout, log=log)
    except CheckoutExposedError as err:
        raise SetupError(str(err)) from None


def _ancestors() -> set[int]:
    """This process and every process above it."""
    found, pid = set(), os.getpid()
    while pid > 1 and pid not in found:
        found.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as stat_file:
                pid = int(stat_file.read().rpartition(")")[2].split()[1])
        except (OSError, IndexError, ValueError):
            break
    return found


def _started_by_hub_of(s: Settings, pid: int) -> bool:
    """``pid`` runs with this state's hub environment (the hub itself, or its proxy)."""
    environ = unix.environ_of(pid) or {}
    return environ.get("ISOKO_STATE_DIR") == str(s.state_dir) and pid not in _ancestors()


def refuse_if_hub_running(s: Settings) -> None:
    """Two hubs on one state would fight over the proxy, the ports and the database."""
    try:
        pid = int(s.hub_pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return
    if str(s.hub_config_file).encode() in command and _started_by_hub_of(s, pid):
        raise SetupError(
            f"a hub is already running on {s.state_dir} (pid {pid}): stop it (Ctrl-C, or "
            f"kill {pid}) before starting another."
        )


def forget_stale_proxy_pid(s: Settings, log=print) -> None:
    """Keep the hub from killing a process that took the pid of a proxy long gone.

    The hub stops the process named in the proxy's pid file before it starts its own
    proxy. After a power cut or a reboot that pid may belong to anything, in a trial to
    another program of the person running Isoko: only a proxy of this state is stopped.
    """
    try:
        pid = int(s.proxy_pid_file.read_text().strip())
    except (OSError, ValueError):
        s.proxy_pid_file.unlink(missing_ok=True)
        return
    environ = unix.environ_of(pid)
    if environ is not None and "CONFIGPROXY_AUTH_TOKEN" in environ and _started_by_hub_of(s, pid):
        return  # the proxy of a hub killed outright: the hub replaces it
    s.proxy_pid_file.unlink()
    if environ is not None:
        log(f"The proxy's pid file names pid {pid}, which is not Isoko's proxy: left alone")


def stop_leftover_services(s: Settings, log=print) -> None:
    """Stop the services a hub on this state left running when it was killed outright.

    The hub stops its formgraders and idle culler when it is interrupted, but a hub
    killed (``kill -9``, out of memory) leaves them running, holding their ports: the
    next hub's own would then fail to start. They, and only they, carry the marker.
    """
    [(name, value)] = s.service_owner_environ.items()
    ours = _ancestors()
    leftovers = {
        pid: environ
        for pid, environ in unix.processes_started_with(name, value).items()
        if pid not in ours
    }
    if not leftovers:
        return
    services = sorted({env.get("JUPYTERHUB_SERVICE_NAME", "?") for env in leftovers.values()})
    log(
        f"A hub on this state stopped without cleaning up: stopping its services "
        f"{', '.join(services)} ({len(leftovers)} process(es))"
    )
    unix.stop_processes(list(leftovers))


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        # As the services' own servers do, so a port in TIME_WAIT counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def check_service_ports(services: list[dict]) -> None:
    """Refuse to start when another program holds a service's port, and say which.

    ``services`` are the hub's services, as in ``JupyterHub.services``. The hub would
    start, see that service's process exit, log only "Service ... exited with status 1"
    and stop again.
    """
    listening = [service for service in services if "url" in service]
    problems = []
    for service in listening:
        address = urlparse(service["url"])
        if _port_free(address.hostname, address.port):
            continue
        holders = "; ".join(
            f"pid {pid}: {command[:100]}" for pid, command in unix.listeners_on(address.port)
        )
        title = service.get("info", {}).get("title", service["name"])
        problems.append(
            f"port {address.port} of the service {service['name']!r} ({title}) is taken by "
            f"another program ({holders or 'not visible to this account'})"
        )
    if problems:
        # The gallery has a port of its own; the formgraders take consecutive ones.
        graders = [service for service in listening if service["name"] != GALLERY_SERVICE]
        raise SetupError(
            "\n".join(problems) + "\nStop that program, or set ISOKO_SERVICE_PORT_BASE to the "
            f"first of {len(graders)} consecutive free ports (ISOKO_GALLERY_PORT: the "
            "gallery's port)."
        )
