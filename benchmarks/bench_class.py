"""Benchmark: a whole class starts its servers at nine o'clock.

``make bench-class`` (``N=`` learners; or, from the checkout, ``PYTHONPATH=tests python
benchmarks/bench_class.py``) starts a real hub as root on 127.0.0.1 with its own
temporary state, system folder and Unix account prefix; makes N learner accounts
(approved, enrolled in the first course); asks the hub's REST API to start all their
servers at the same moment; polls until each is ready or has failed; lets them sit idle,
then measures the memory of each idle learner server and each course's formgrader; opens
each learner's course page (``/learn``) once, one learner after the other, and measures
the learner servers again (``visited_server_mib``: servers import some things only when
first used; ``course_page_failed`` counts pages that did not open); and prints ONE line
of JSON.

Memory is measured over the whole process tree of each server (every process its Unix
account runs: an idle server has no kernel). Three measures, from the kernel's
``/proc/<pid>/smaps_rollup``:

* **PSS** (proportional set size): private pages, plus each shared page divided by the
  number of processes that map it. The fair share of one server when a hundred of them
  share the interpreter and its libraries; ``idle_server_mib`` is this.
* **RSS**: every page the server has in memory, shared or not; what ``top`` shows.
* **USS**: pages no other process has; what stopping the server gives back.

Start times run from each spawn request to the hub's API reporting the server ready
(polled every second); a server that fails, or is not ready by ``--deadline``, counts
as failed. Beside them: ``server_cpu_s``, the median CPU time one learner's processes
used (its whole start, as they idle after it); ``hub_cpu_s``, the CPU time of the hub
and of what it ran and waited for (creating accounts, copying course content) during
the start; and ``load_1min_at_start``, how busy the machine was before it began.

Learners' Unix accounts are created by the hub's spawner on their first start, as for
real new learners. Everything (servers, the hub, accounts, homes, the temporary state)
is removed at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from isoko.platform.unix import kill_processes_of, processes_of
from support.hub import Hub

MIB = 2**20
DEFAULT_LEARNERS = 100
#: How long the class may take to start before the stragglers count as failed.
DEFAULT_DEADLINE_S = 600
#: How long servers sit idle after the last one is ready before memory is measured:
#: long enough for start-up work (building caches, first activity reports) to end.
DEFAULT_SETTLE_S = 20
#: Names of the benchmark's learners; short, so the Unix account name stays short.
LEARNER_NAME = "class{:03d}"


# --- the summary: pure, tested without a hub ------------------------------------------


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def median_or_none(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def summarize(
    learners: int,
    start_seconds: Mapping[str, float | None],
    server_memory: Iterable[Mapping[str, int]] = (),
    formgrader_memory: Iterable[Mapping[str, int]] = (),
    extra: Mapping[str, object] | None = None,
    visited_memory: Iterable[Mapping[str, int]] = (),
) -> dict:
    """The one-line result from measured start times (None: failed) and memory.

    ``start_seconds`` maps each learner to the seconds from the spawn request to the
    hub reporting the server ready, or None if it failed or never became ready; a
    learner missing from it failed too. Memory mappings hold ``pss``, ``rss`` and
    ``uss`` in bytes, one per server (its whole process tree); ``visited_memory`` is the
    same servers' after each learner's course page was opened once.
    """
    ready_times = sorted(t for t in start_seconds.values() if t is not None)
    servers, formgraders = list(server_memory), list(formgrader_memory)
    visited = list(visited_memory)

    def mib(items: list[Mapping[str, int]], measure: str) -> float | None:
        found = median_or_none(item[measure] for item in items)
        return _round(None if found is None else found / MIB)

    summary = {
        "learners": learners,
        "ready": len(ready_times),
        "failed": learners - len(ready_times),
        "median_start_s": _round(median_or_none(ready_times)),
        "slowest_start_s": _round(ready_times[-1] if ready_times else None),
        "fastest_start_s": _round(ready_times[0] if ready_times else None),
        "idle_server_mib": mib(servers, "pss"),
        "idle_server_rss_mib": mib(servers, "rss"),
        "idle_server_uss_mib": mib(servers, "uss"),
        "visited_server_mib": mib(visited, "pss"),
        "visited_server_rss_mib": mib(visited, "rss"),
        "idle_formgrader_mib": mib(formgraders, "pss"),
        "idle_formgrader_rss_mib": mib(formgraders, "rss"),
        "formgraders": len(formgraders),
        "memory_measure": "pss of each server's process tree, median",
    }
    summary.update(extra or {})
    return summary


def learner_count(arg: int | None, environ: Mapping[str, str]) -> int:
    """N from the command line, else ``ISOKO_BENCH_LEARNERS``, else 100."""
    if arg is not None:
        count = arg
    else:
        text = environ.get("ISOKO_BENCH_LEARNERS") or str(DEFAULT_LEARNERS)
        try:
            count = int(text)
        except ValueError:
            raise ValueError(f"ISOKO_BENCH_LEARNERS must be a whole number, not {text!r}") from None
    if not 1 <= count <= 999:
        raise ValueError(f"the number of learners must be between 1 and 999, not {count}")
    return count


# --- memory of process trees ------------------------------------------------------------


def parse_smaps_rollup(text: str) -> dict[str, int]:
    """RSS, PSS and USS in bytes from the text of ``/proc/<pid>/smaps_rollup``."""
    kib: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "kB":
            kib[parts[0].rstrip(":")] = int(parts[1])
    return {
        "rss": kib.get("Rss", 0) * 1024,
        "pss": kib.get("Pss", 0) * 1024,
        "uss": (kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)) * 1024,
    }


def memory_of(pids: Iterable[int]) -> dict[str, int]:
    """RSS, PSS and USS of these processes together, in bytes."""
    total = {"rss": 0, "pss": 0, "uss": 0}
    for pid in pids:
        try:
            measured = parse_smaps_rollup(Path(f"/proc/{pid}/smaps_rollup").read_text())
        except OSError:
            continue  # gone meanwhile
        for key in total:
            total[key] += measured[key]
    return total


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User and system CPU time of ``pid`` (and its reaped children, if asked)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def account_memory(account: str) -> dict[str, int] | None:
    try:
        uid = pwd.getpwnam(account).pw_uid
    except KeyError:
        return None
    pids = processes_of(uid)
    return memory_of(pids) if pids else None


def account_cpu_seconds(account: str) -> float:
    try:
        uid = pwd.getpwnam(account).pw_uid
    except KeyError:
        return 0.0
    total = 0.0
    for pid in processes_of(uid):
        with contextlib.suppress(OSError, IndexError):  # gone meanwhile
            total += cpu_seconds(pid)
    return total


# --- the hub, on loopback, in a temporary folder ----------------------------------------


@dataclass
class ClassHub(Hub):
    """The tests' hub (``isoko hub`` with its own state, accounts and ports, on loopback),
    plus what a class needs: approved accounts, the admin's API token, a full clean-up."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="isoko-class-")))
    unix_prefix: str = field(default_factory=lambda: f"b{secrets.token_hex(2)}-")
    token: str = ""

    def environ(self) -> dict[str, str]:
        # The benchmark runs with the tests' helpers on its path; the hub must not.
        return {key: value for key, value in super().environ().items() if key != "PYTHONPATH"}

    def add_approved_accounts(self, names: list[str]) -> None:
        """Approved sign-ups in the hub database, as an instructor's approval leaves them.

        Written before the hub starts, through the hub's own schema code. Nobody logs in
        as them (the benchmark starts their servers through the API), so each gets a
        random password hashed with bcrypt's cheapest cost, to keep set-up short.
        """
        import bcrypt
        from jupyterhub import orm
        from nativeauthenticator.orm import UserInfo

        self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        session = orm.new_session_factory(f"sqlite:///{self.state_dir / 'jupyterhub.sqlite'}")()
        try:
            for name in names:
                password = secrets.token_urlsafe(12).encode()
                hashed = bcrypt.hashpw(password, bcrypt.gensalt(rounds=4))
                session.add(UserInfo(username=name, password=hashed, is_authorized=True))
            session.commit()
        finally:
            session.close()

    def start(self, timeout: float = 300) -> None:
        os.chmod(self.root, 0o755)  # learner and grader accounts reach the system folder
        super().start(timeout)

    def admin_token(self) -> str:
        """An API token of the hub's admin, made by logging in through the real form."""
        import requests

        accounts = json.loads((self.state_dir / "demo-accounts.json").read_text())
        # The operator (``admin``) is the hub's only admin; instructors cannot create users.
        admin = accounts["admin"]
        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=30)
        xsrf = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf", "")
        reply = session.post(
            f"{self.url}/hub/login",
            data={"username": admin["username"], "password": admin["password"], "_xsrf": xsrf},
            timeout=60,
        )
        if "/hub/login" in reply.url:
            raise RuntimeError(f"could not log in as {admin['username']}")
        xsrf = session.cookies.get("_xsrf", path="/hub/") or xsrf
        reply = session.post(
            f"{self.url}/hub/api/users/{admin['username']}/tokens",
            json={"note": "class benchmark", "expires_in": 3600},
            headers={"X-XSRFToken": xsrf},
            timeout=60,
        )
        reply.raise_for_status()
        self.token = reply.json()["token"]
        return self.token

    def api(self, method: str, path: str, body: object = None, timeout: float = 120):
        """(status, JSON or None) of one hub API call with the admin's token."""
        import requests

        reply = requests.request(
            method,
            f"{self.url}/hub/api{path}",
            json=body,
            headers={"Authorization": f"token {self.token}"},
            timeout=timeout,
        )
        try:
            data = reply.json()
        except ValueError:
            data = None
        return reply.status_code, data, reply.headers

    def stop(self, timeout: float = 120) -> None:
        """Ctrl-C for the hub: it stops the proxy, the formgraders and every server."""
        super().stop(timeout)

    def remove(self) -> None:
        """Leave the machine as it was: accounts, their processes, sudo rule, folders."""
        self.stop()
        Path(f"/etc/sudoers.d/{self.unix_prefix}grading").unlink(missing_ok=True)
        for name in self.unix_accounts():
            try:
                uid = pwd.getpwnam(name).pw_uid
            except KeyError:
                continue
            kill_processes_of(uid)
            subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
            cgroup = Path("/sys/fs/cgroup/isoko") / name
            if cgroup.is_dir():
                with contextlib.suppress(OSError):
                    cgroup.rmdir()
        shutil.rmtree(self.root, ignore_errors=True)


# --- the class starts -------------------------------------------------------------------


def enrol(hub: ClassHub, names: list[str], group: str) -> None:
    status, data, _ = hub.api("POST", "/users", {"usernames": names})
    if status not in (200, 201):
        raise RuntimeError(f"creating the learners failed: {status} {data}")
    status, data, _ = hub.api("POST", f"/groups/{group}/users", {"users": names})
    if status != 200:
        raise RuntimeError(f"enrolling the learners in {group} failed: {status} {data}")


def request_spawn(hub: ClassHub, name: str, deadline: float) -> str | None:
    """Ask for ``name``'s server; retry while the hub says it is busy (429).

    A learner's browser does the same: the hub's spawn page retries. Returns None when
    the hub accepted, else why not.
    """
    while time.monotonic() < deadline:
        try:
            status, data, headers = hub.api("POST", f"/users/{name}/server")
        except Exception as err:  # noqa: BLE001 - any failure of the request is a failure
            return f"request failed: {err}"
        if status in (201, 202):
            return None
        if status == 429:
            time.sleep(float(headers.get("Retry-After", "1") or 1))
            continue
        return f"{status} {data}"
    return "no answer before the deadline"


def servers_state(hub: ClassHub) -> dict[str, dict]:
    """Each user's default server model (empty if it has none), from the user list."""
    found: dict[str, dict] = {}
    offset = 0
    while True:
        status, data, _ = hub.api("GET", f"/users?offset={offset}&limit=200")
        if status != 200 or not isinstance(data, list):
            raise RuntimeError(f"listing users failed: {status} {data}")
        for user in data:
            found[user["name"]] = (user.get("servers") or {}).get("", {})
        if len(data) < 200:
            return found
        offset += len(data)


def open_course_pages(hub: ClassHub, names: list[str]) -> int:
    """Each learner's first page (``/learn``), once, one after the other, as learners
    arriving in class open it: servers load some things only on first use. Returns how
    many pages did not open."""
    import requests

    failed = 0
    for name in names:
        try:
            reply = requests.get(
                f"{hub.url}/user/{name}/learn",
                headers={"Authorization": f"token {hub.token}"},
                timeout=120,
            )
            failed += reply.status_code != 200
        except requests.RequestException:
            failed += 1
    return failed


def start_class(hub: ClassHub, names: list[str], deadline_s: float) -> dict[str, float | None]:
    """Start every server at once; seconds from the request to ready (None: failed)."""
    deadline = time.monotonic() + deadline_s
    barrier = threading.Barrier(len(names) + 1)
    requested: dict[str, float] = {}
    refused: dict[str, str] = {}

    def spawn(name: str) -> None:
        barrier.wait()
        requested[name] = time.monotonic()
        why = request_spawn(hub, name, deadline)
        if why:
            refused[name] = why

    threads = [threading.Thread(target=spawn, args=(n,), name=n, daemon=True) for n in names]
    for thread in threads:
        thread.start()
    barrier.wait()  # every thread is at the line: go
    ready: dict[str, float | None] = {}
    while len(ready) < len(names) and time.monotonic() < deadline:
        time.sleep(1)
        now = time.monotonic()
        state = servers_state(hub)
        for name in names:
            if name in ready or name not in requested:
                continue
            server = state.get(name, {})
            if server.get("ready"):
                ready[name] = now - requested[name]
            elif name in refused:
                ready[name] = None
            elif (
                not server
                and now - requested[name] > 5
                and not any(t.is_alive() for t in threads if t.name == name)
            ):
                # Accepted, then gone without being ready: the spawn failed.
                ready[name] = None
    for name in names:
        ready.setdefault(name, None)
    for name, why in refused.items():
        print(f"{name}: spawn refused: {why}", file=sys.stderr)
    return ready


def run(
    checkout: Path,
    learners: int,
    deadline_s: float,
    settle_s: float,
    hub_log: Path | None = None,
    log=print,
) -> dict[str, object]:
    from isoko.courses.catalog import load_courses
    from isoko.hub.config import student_group

    courses = load_courses(checkout / "courses")
    course = courses[0].slug
    names = [LEARNER_NAME.format(i) for i in range(1, learners + 1)]
    hub = ClassHub(checkout=checkout.resolve())
    # Other work on the machine slows every start: say how busy it was.
    load_at_start = os.getloadavg()[0]
    try:
        log(f"preparing a hub in {hub.root} (accounts {hub.unix_prefix}*)")
        hub.add_approved_accounts(names)
        started = time.monotonic()
        hub.start()
        log(f"the hub answers after {time.monotonic() - started:.0f} s; enrolling {learners}")
        hub.admin_token()
        enrol(hub, names, student_group(course))
        hub_cpu_before = cpu_seconds(hub.proc.pid, children=True)
        log(f"starting {learners} servers at once")
        start_s = start_class(hub, names, deadline_s)
        hub_cpu = cpu_seconds(hub.proc.pid, children=True) - hub_cpu_before
        ready = [n for n, t in start_s.items() if t is not None]
        log(f"{len(ready)} ready; idle for {settle_s:.0f} s, then measuring memory")
        time.sleep(settle_s)
        server_cpu = [account_cpu_seconds(hub.unix_prefix + n) for n in ready]
        servers = [m for n in ready if (m := account_memory(hub.unix_prefix + n))]
        formgraders = [
            m for c in courses if (m := account_memory(f"{hub.unix_prefix}grader-{c.slug}"))
        ]
        log(f"opening each learner's course page once; idle for {settle_s:.0f} s, measuring")
        unopened = open_course_pages(hub, ready)
        time.sleep(settle_s)
        visited = [m for n in ready if (m := account_memory(hub.unix_prefix + n))]
        return summarize(
            learners,
            start_s,
            servers,
            formgraders,
            visited_memory=visited,
            extra={
                "course_page_failed": unopened,
                "server_cpu_s": _round(median_or_none(server_cpu), 2),
                "hub_cpu_s": _round(hub_cpu),
                "cores": os.cpu_count(),
                "load_1min_at_start": round(load_at_start, 1),
            },
        )
    finally:
        log("stopping the hub and removing its accounts and folders")
        hub.stop()
        if hub_log is not None and hub.log_file.exists():
            hub_log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(hub.log_file, hub_log)
            log(f"the hub's log: {hub_log}")
        hub.remove()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/bench_class.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "-n",
        "--learners",
        type=int,
        help=f"learners (default: ISOKO_BENCH_LEARNERS, else {DEFAULT_LEARNERS})",
    )
    parser.add_argument(
        "--checkout", type=Path, default=Path.cwd(), help="the Isoko checkout (default: here)"
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=DEFAULT_DEADLINE_S,
        help=f"seconds before a server not yet ready counts as failed ({DEFAULT_DEADLINE_S})",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=DEFAULT_SETTLE_S,
        help=f"idle seconds before memory is measured ({DEFAULT_SETTLE_S})",
    )
    parser.add_argument("--hub-log", type=Path, help="keep the hub's log in this file")
    args = parser.parse_args(argv)
    try:
        learners = learner_count(args.learners, os.environ)
    except ValueError as err:
        parser.error(str(err))
    if os.geteuid() != 0:
        print("bench_class: run as root: every learner is a real Unix account", file=sys.stderr)
        return 2

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # A terminated benchmark cleans up as an interrupted one does.
    signal.signal(signal.SIGTERM, interrupted)
    progress = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        summary = run(
            args.checkout, learners, args.deadline, args.settle, args.hub_log, log=progress
        )
    except KeyboardInterrupt:
        progress("interrupted; cleaned up")
        return 130
    print(json.dumps(summary), flush=True)
    return 0 if summary["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
