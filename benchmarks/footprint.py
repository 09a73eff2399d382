"""Memory of one learner for capacity planning: idle server, active server, simulator kernel.

``make footprint`` (as root; or ``PYTHONPATH=tests python benchmarks/footprint.py
--checkout .``) starts the real hub on 127.0.0.1 in a temporary folder, starts one demo
learner's server and measures every process of that learner's Unix account (PSS, RSS and
USS from ``/proc/<pid>/smaps_rollup``, as ``bench_class`` does):

1. ``idle``: the server started, nothing opened, after ``--settle`` seconds;
2. ``active``: after *My courses* (``/learn``), JupyterLab and the file tree have
   been opened once (the server imports nbgrader and the course tooling then);
3. ``app``: with the pricing course's *price-and-profit* app rendered by Voilà, whose
   kernel stays up while the page is open; ``app_kernel_*`` is that kernel process alone.

Beside them, what a hub costs whatever the number of learners: ``hub_*``, the hub's own
processes (JupyterHub, the proxy, the idle culler: the root processes of its tree), and
``formgraders_*``, every course's formgrader (the grader accounts' processes).

Prints one line of JSON, in MiB. Everything is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import pwd
import sys
import time
from pathlib import Path

from bench_class import MIB, memory_of
from isoko.platform.unix import processes_of
from support.client import signed_in
from support.hub import running_hub

APP = "/voila/render/pricing/apps/price-and-profit.ipynb"


def mib(measured: dict[str, int], prefix: str) -> dict[str, float]:
    return {f"{prefix}_{kind}_mib": round(value / MIB, 1) for kind, value in measured.items()}


def kernels_of(uid: int) -> list[int]:
    found = []
    for pid in processes_of(uid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "ipykernel" in cmdline:
            found.append(pid)
    return found


def parents() -> dict[int, tuple[int, int]]:
    """``{pid: (parent pid, uid)}`` of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                found[int(entry.name)] = (int(fields[1]), entry.stat().st_uid)
            except OSError:
                continue
    return found


def root_tree(top: int) -> list[int]:
    """``top`` and its descendants that run as root (the hub's own, not users' servers)."""
    table = parents()
    tree, grew = {top}, True
    while grew:
        more = {pid for pid, (ppid, _) in table.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return [pid for pid in tree if table.get(pid, (0, 0))[1] == 0]


def grader_processes(prefix: str) -> list[int]:
    pids = []
    for entry in pwd.getpwall():
        if entry.pw_name.startswith(f"{prefix}grader-"):
            pids += processes_of(entry.pw_uid)
    return pids


def measure(checkout: Path, settle: float) -> dict:
    artifacts = checkout / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with running_hub(artifacts, "footprint-") as hub:
        learner_demo = hub.demo_accounts["learners"][0]
        learner = signed_in(hub.url, learner_demo)
        uid = pwd.getpwnam(f"{hub.unix_prefix}{learner.username}").pw_uid
        time.sleep(settle)
        result = mib(memory_of(processes_of(uid)), "idle")
        for path in ("/learn", "/lab", "/tree", "/api/contents/pricing"):
            reply = learner.session.get(learner.url(f"/user/{learner.username}{path}"))
            reply.raise_for_status()
        time.sleep(settle)
        result |= mib(memory_of(processes_of(uid)), "active")
        page = learner.session.get(learner.url(f"/user/{learner.username}{APP}"), timeout=300)
        page.raise_for_status()
        time.sleep(settle)
        kernels = kernels_of(uid)
        result |= mib(memory_of(processes_of(uid)), "app")
        result |= mib(memory_of(kernels), "app_kernel")
        result["app_kernels"] = len(kernels)
        result |= mib(memory_of(root_tree(hub.proc.pid)), "hub")
        result |= mib(memory_of(grader_processes(hub.unix_prefix)), "formgraders")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=Path.cwd())
    parser.add_argument("--settle", type=float, default=15, help="seconds before each measure")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.checkout.resolve(), args.settle)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
