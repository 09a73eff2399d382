"""The gallery's two sandboxes, both bubblewrap.

The server's: the gallery runs as its own account (when the hub runs as root) and sees
only the operating system's programs, the Python environment and the gallery's folder,
all read-only, and a private ``/tmp``. Learners' homes, the exchange, course sources and
the hub's state are not in it at all, whatever their permissions. It shares the
machine's network, only so that it can listen on loopback for the proxy.

Its kernels' (the one thing a visitor's clicks drive): inside the server's sandbox, each
kernel gets a new network namespace with no interface but its own loopback, so it can
reach nothing, not even the hub on 127.0.0.1. It talks to the server over Unix sockets
in the shared ``/tmp`` (Jupyter's ``ipc`` transport), which need no network.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from isoko.grading.sandbox import BWRAP, python_binds, system_binds
from isoko.names import GALLERY_SERVICE
from isoko.platform.settings import Settings

#: Inside the server's sandbox: its home.
GALLERY_HOME = "/tmp/gallery"


def kernel_spec(python: Path) -> dict:
    """The ``python3`` kernel of the gallery: ipykernel in a sandbox with no network."""
    return {
        "argv": [
            BWRAP,
            # The server's sandbox as it is (already read-only but for /tmp).
            "--bind",
            "/",
            "/",
            "--dev",
            "/dev",
            # No --unshare-pid: ipykernel takes a parent of pid 1 for a dead parent and
            # exits; the server's sandbox already has a process namespace of its own.
            "--unshare-net",
            "--unshare-ipc",
            "--die-with-parent",
            "--new-session",
            "--",
            str(python),
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
        ],
        "display_name": "Python 3 (gallery, no network)",
        "language": "python",
        # bubblewrap does not pass signals on: interrupts go as messages.
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }


def server_command(
    folder: Path, python: Path | None = None, arguments: Sequence[str] = ()
) -> list[str]:
    """The command that runs ``python -m isoko.gallery`` in the server's sandbox."""
    python = python or Path(sys.executable)
    prefixes = [Path(sys.prefix), Path(sys.base_prefix), python.resolve().parent.parent]
    return [
        BWRAP,
        *system_binds(),
        *python_binds(prefixes),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        # After /tmp, so that a folder under /tmp (the tests') is not hidden by it.
        "--ro-bind",
        str(folder),
        str(folder),
        "--dir",
        GALLERY_HOME,
        "--chdir",
        str(folder),
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "gallery",
        "--setenv",
        "HOME",
        GALLERY_HOME,
        "--setenv",
        "TMPDIR",
        "/tmp",
        "--setenv",
        "MPLBACKEND",
        "Agg",
        "--",
        str(python),
        "-I",
        "-m",
        "isoko.gallery",
        "--folder",
        str(folder),
        *arguments,
    ]


#: The gallery runs below learners' priority (5): under a crowd of visitors the hub and
#: the learners' servers keep answering first.
GALLERY_NICE = 10


def gallery_arguments(port: int, preheated_per_app: int | None, max_kernels: int | None) -> list:
    """``python -m isoko.gallery``'s options; sizes not given are taken from the machine."""
    arguments = [f"--port={port}"]
    if preheated_per_app is not None:
        arguments.append(f"--preheated-per-app={preheated_per_app}")
    if max_kernels is not None:
        arguments.append(f"--max-kernels={max_kernels}")
    return arguments


def gallery_service(s: Settings) -> dict:
    """The gallery as a hub service: started and stopped with the hub, public (the
    proxy sends ``/services/gallery/`` to it without asking the hub who the visitor is)."""
    arguments = gallery_arguments(
        s.gallery_port, s.gallery_preheated_per_app, s.gallery_max_kernels
    )
    service = {
        "name": GALLERY_SERVICE,
        "display": True,
        "info": {"title": "Simulator gallery (public)"},
        "url": f"http://127.0.0.1:{s.gallery_port}",
        "command": [
            "/usr/bin/nice",
            "-n",
            str(GALLERY_NICE),
            *server_command(s.gallery_dir, s.bin_dir / "python", arguments),
        ],
        "cwd": str(s.gallery_dir),
        "environment": {
            "PATH": f"{s.bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            **s.service_owner_environ,
        },
    }
    if s.as_root:
        service["user"] = s.gallery_unix_name
    return service
