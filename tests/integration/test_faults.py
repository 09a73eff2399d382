"""Faults during a class, on the real hub: submissions that meet a collect, a learner's
server killed, the hub killed and started again (as root, and in a trial).

The tests of the root hub share one hub and run in file order; the last one kills it.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from isoko.courses.catalog import load_courses
from support.assignment import (
    ASSIGNMENT,
    COURSE,
    NOTEBOOK,
    collect_and_autograde,
    fetch_and_submit,
    formgrader,
    score,
)
from support.client import HubUser, signed_in
from support.hub import REPO, Hub, running_hub, servers_run_by
from support.signups import can_log_in, sign_up

pytestmark = pytest.mark.integration

ROUNDS = 4


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    with running_hub(artifacts_dir, "faults-") as hub:
        try:
            yield hub
        finally:
            # A failed test may leave a dead hub's services or proxy (running as root,
            # which the account cleanup does not reach): leave the machine clean.
            sweep(processes_of_hub(hub, set(hub.unix_accounts())))


def sweep(pids) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def account(hub: Hub, user: HubUser) -> str:
    return f"{hub.unix_prefix}{user.username}"


def inbound(hub: Hub) -> Path:
    return hub.system_dir / "exchange" / COURSE / "inbound"


def submitted_dir(hub: Hub) -> Path:
    return hub.system_dir / "graders" / COURSE / "submitted"


def save_notebook(user: HubUser, path: str, text: str) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    reply = user.server(
        "PUT",
        f"/api/contents/{path}",
        data=json.dumps({"type": "notebook", "format": "json", "content": notebook}),
    )
    assert reply.ok, reply.text


def notebook_text(user: HubUser, path: str) -> str:
    reply = user.server("GET", f"/api/contents/{path}")
    assert reply.ok, (reply.status_code, reply.text[-300:])
    return reply.json()["content"]["cells"][0]["source"]


def collect(instructor: HubUser) -> None:
    reply = formgrader(instructor, "POST", f"/assignment/{ASSIGNMENT}/collect", timeout=300)
    assert reply.ok and reply.json()["success"], reply.text


# --- two learners submit while the instructor collects -----------------------------------


def submit_marked(learner: HubUser, marker: str) -> None:
    """Write ``marker`` into the fetched notebook, then submit it."""
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    path = f"{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    model = learner.server("GET", f"/api/contents/{path}").json()
    cells = [c for c in model["content"]["cells"] if "submitted by" not in c["source"]]
    model["content"]["cells"] = [*cells, nbformat.v4.new_markdown_cell(marker)]
    saved = learner.server(
        "PUT",
        f"/api/contents/{path}",
        data=json.dumps({"type": "notebook", "format": "json", "content": model["content"]}),
    )
    assert saved.ok, saved.text
    reply = learner.server("POST", "/assignments/submit", data=form, timeout=120)
    assert reply.ok and reply.json()["success"], reply.text


def marker(learner: HubUser, round_number: int) -> str:
    return f"submitted by {learner.username} in round {round_number}"


def all_at_once(*jobs) -> list[BaseException]:
    """Run every job in its own thread, released together; return what they raised."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        start.wait()
        try:
            job()
        except BaseException as err:  # noqa: BLE001 - reported by the test
            errors.append(err)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return errors


def test_two_learners_submit_while_the_instructor_collects(hub):
    learners = [signed_in(hub.url, demo) for demo in hub.demo_accounts["learners"][:2]]
    instructor = signed_in(hub.url, hub.demo_accounts["instructor"], start_server=False)
    instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader"))
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    for learner in learners:
        assert learner.server("POST", "/assignments/fetch", data=form).ok

    for round_number in range(1, ROUNDS + 1):
        errors = all_at_once(
            *(
                lambda learner=learner, n=round_number: submit_marked(learner, marker(learner, n))
                for learner in learners
            ),
            lambda: collect(instructor),
        )
        assert not errors, errors
    collect(instructor)

    # In the exchange: every submission, each once, owned by its learner.
    for learner in learners:
        folders = list(inbound(hub).glob(f"{learner.username}+{ASSIGNMENT}+*"))
        assert len(folders) == ROUNDS, folders
        uid = pwd.getpwnam(account(hub, learner)).pw_uid
        assert {folder.stat().st_uid for folder in folders} == {uid}
    # Collected: one submission per learner, their own, the last one.
    assert sorted(p.name for p in submitted_dir(hub).iterdir()) == sorted(
        learner.username for learner in learners
    )
    for learner in learners:
        collected = submitted_dir(hub) / learner.username / ASSIGNMENT
        assert {NOTEBOOK, "timestamp.txt"} <= {p.name for p in collected.iterdir()}
        text = (collected / NOTEBOOK).read_text()
        assert re.findall(r"submitted by [\w-]+ in round \d+", text) == [marker(learner, ROUNDS)]
    listed = formgrader(instructor, "GET", f"/submissions/{ASSIGNMENT}").json()
    students = [s["student"] for s in listed if s["submitted"]]
    assert sorted(students) == sorted(learner.username for learner in learners), listed
    assert "REFUSED submission" not in hub.log_file.read_text()


# --- a learner's server is killed -----------------------------------------------------


def home_page(user: HubUser) -> str:
    reply = user.session.get(user.url("/hub/home"))
    assert reply.ok, reply.status_code
    return reply.text


def test_a_killed_learner_server_starts_again_from_the_hub_page_with_files_intact(hub):
    learner = signed_in(hub.url, hub.demo_accounts["learners"][2])
    save_notebook(learner, "my-notes.ipynb", "Kimironko market: 42 packs sold")
    [(pid, _)] = servers_run_by(account(hub, learner))

    os.kill(pid, signal.SIGKILL)

    # The hub notices (its home page asks the spawner) and offers to start the server.
    deadline = time.monotonic() + 60
    while 'id="stop"' in (page := home_page(learner)) and time.monotonic() < deadline:
        time.sleep(2)
    assert 'id="stop"' not in page
    start = re.search(r'<a id="start"[^>]*href="([^"]+)"[^>]*>\s*Start\s+My Server', page)
    assert start, page
    # The learner presses it: the hub starts the server again.
    assert learner.session.get(learner.url(start.group(1))).ok
    deadline = time.monotonic() + 180
    while (
        not learner.hub_api("GET", f"/users/{learner.username}")
        .json()["servers"]
        .get("", {})
        .get("ready")
    ):
        assert time.monotonic() < deadline, "the server did not start again"
        time.sleep(1)
    learner.session.get(learner.url(f"/user/{learner.username}/lab"))
    [(new_pid, _)] = servers_run_by(account(hub, learner))
    assert new_pid != pid
    assert notebook_text(learner, "my-notes.ipynb") == "Kimironko market: 42 packs sold"


# --- the hub is killed and started again ----------------------------------------------


def processes_of_hub(hub: Hub, accounts: set[str]) -> dict[int, str]:
    """Every process but this one that belongs to the hub: one of its Unix accounts, or
    a command line or environment naming its folder or its hub's port (services, proxy)."""
    uids = {pwd.getpwnam(name).pw_uid for name in accounts}
    marks = [str(hub.root).encode(), f":{hub.hub_port}/".encode()]
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            uid = entry.stat().st_uid
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue
        if state == "Z":
            continue
        if uid in uids or any(mark in cmdline or mark in environ for mark in marks):
            found[int(entry.name)] = cmdline.replace(b"\0", b" ").decode(errors="replace")
    return found


def is_jupyter_server(command: str) -> bool:
    """Learner servers and formgraders start through Isoko's launcher of the hub's server."""
    return "isoko.hub.singleuser" in command or "jupyterhub-singleuser" in command


def services_of(processes: dict[int, str]) -> dict[int, str]:
    return {
        pid: command
        for pid, command in processes.items()
        if "jupyterhub_idle_culler" in command
        or (is_jupyter_server(command) and "grader-" in _owner(pid))
    }


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie, dead but not yet reaped, holds nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _owner(pid: int) -> str:
    try:
        return pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name
    except (OSError, KeyError):
        return ""


def listener_pid(port: int) -> int | None:
    from isoko.platform.unix import listeners_on

    found = listeners_on(port)
    return found[0][0] if found else None


def test_a_killed_hub_comes_back_owning_its_services_and_losing_nothing(hub):
    learner = signed_in(hub.url, hub.demo_accounts["learners"][0])
    save_notebook(learner, "before-the-crash.ipynb", "Stock counted at 9:00")
    fetch_and_submit(learner)
    instructor = signed_in(hub.url, hub.demo_accounts["instructor"], start_server=False)
    collect_and_autograde(instructor, learner.username)
    grade = score(instructor, learner.username)
    newcomer = sign_up(hub.url, "late-joiner")
    operator = signed_in(hub.url, hub.demo_accounts["admin"], start_server=False)
    approved = operator.session.post(
        operator.url(f"/hub/authorize/{newcomer.username}"),
        data={"_xsrf": operator._xsrf("/hub/")},
        allow_redirects=False,
    )
    assert approved.status_code == 302, approved.text[-300:]
    submitted_before = sorted(str(p) for p in submitted_dir(hub).rglob("*"))
    [(server_pid, _)] = servers_run_by(account(hub, learner))
    old_services = services_of(processes_of_hub(hub, set(hub.unix_accounts())))
    # One formgrader per course, and the idle culler.
    assert len(old_services) == len(load_courses(REPO / "courses")) + 1, old_services

    os.kill(hub.proc.pid, signal.SIGKILL)
    hub.proc.wait(10)

    # The class goes on: the learner's server is still served, with the same cookie.
    assert notebook_text(learner, "before-the-crash.ipynb") == "Stock counted at 9:00"
    # What was measured: the dead hub's services keep running, holding their ports.
    assert all(alive(pid) for pid in old_services)
    # While the hub is down, another program takes the third formgrader's port (its
    # formgrader died too).
    third_port = hub.service_port_base + 2
    os.kill(listener_pid(third_port), signal.SIGKILL)
    squatter = socket.socket()
    squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    deadline = time.monotonic() + 10
    while True:
        try:
            squatter.bind(("127.0.0.1", third_port))
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    squatter.listen()
    try:
        with pytest.raises(RuntimeError, match="exited with 1"):
            hub.start()
    finally:
        squatter.close()
    refused = hub.log_file.read_text()

    # The dead hub's services are stopped, and the program on a service's port is named.
    for name in ("pricing", "logistics", "idle-culler"):
        assert re.search(rf"stopping its services [^\n]*\b{name}\b", refused), refused[:3000]
    assert not [pid for pid in old_services if alive(pid)]
    assert f"port {third_port} of the service 'selling-online'" in refused, refused[-2000:]
    assert f"pid {os.getpid()}: " in refused
    # Meanwhile the old proxy still serves the learner.
    assert notebook_text(learner, "before-the-crash.ipynb") == "Stock counted at 9:00"

    hub.start()
    # The new hub's own formgraders answer on their ports.
    for port in range(hub.service_port_base, hub.service_port_base + len(old_services) - 1):
        assert listener_pid(port) not in (None, *old_services)
    assert instructor.session.get(instructor.url(f"/services/{COURSE}/formgrader/gradebook")).ok
    assert score(instructor, learner.username) == pytest.approx(grade)
    assert sorted(str(p) for p in submitted_dir(hub).rglob("*")) == submitted_before
    # The learner's server was never stopped, and their cookie still opens it.
    assert [pid for pid, _ in servers_run_by(account(hub, learner))] == [server_pid]
    assert notebook_text(learner, "before-the-crash.ipynb") == "Stock counted at 9:00"
    assert can_log_in(newcomer)
    for demo in hub.demo_accounts["learners"]:
        assert can_log_in(HubUser(hub.url, demo["username"], demo["password"]))

    # Ctrl-C now leaves nothing: no server, no service, no proxy.
    accounts = set(hub.unix_accounts())
    hub.proc.send_signal(signal.SIGINT)
    hub.proc.wait(90)
    deadline = time.monotonic() + 20
    while (left := processes_of_hub(hub, accounts)) and time.monotonic() < deadline:
        time.sleep(1)
    assert not left, left


# --- a trial (not root) is killed and started again ------------------------------------


@contextmanager
def trial_operator() -> Iterator[Hub]:
    """An ordinary account with its own checkout, as a trial runs; removed after."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make the unprivileged account that runs the trial")
    name = f"t{secrets.token_hex(2)}-operator"
    root = Path(tempfile.mkdtemp(prefix="isoko-trial-faults-"))
    os.chmod(root, 0o755)
    subprocess.run(
        ["useradd", "--create-home", "--home-dir", str(root / "home"), "--shell", "/bin/bash"]
        + [name],
        check=True,
    )
    checkout = root / "checkout"
    for folder in ("courses", "hub_config", "node_modules"):
        shutil.copytree(REPO / folder, checkout / folder, symlinks=True)
    subprocess.run(["chown", "-R", f"{name}:", str(root)], check=True)
    hub = Hub(root=root, checkout=checkout, account=name)
    try:
        yield hub
    finally:
        hub.stop()
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        subprocess.run(["userdel", "--force", name], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def running_as(name: str) -> set[int]:
    uid = pwd.getpwnam(name).pw_uid
    return {int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _alive_as(p, uid)}


def _alive_as(proc: Path, uid: int) -> bool:
    try:
        return proc.stat().st_uid == uid and alive(int(proc.name))
    except OSError:
        return False


def test_a_restarted_trial_stops_only_what_its_hub_left(artifacts_dir):
    with trial_operator() as hub:
        try:
            hub.start()
            entry = pwd.getpwnam(hub.account)
            # Another program of the person running the trial, started from a shell that
            # set the same state folder.
            other = subprocess.Popen(
                ["sleep", "600"],
                user=entry.pw_uid,
                group=entry.pw_gid,
                env={"ISOKO_STATE_DIR": str(hub.state_dir), "PATH": "/usr/bin:/bin"},
                start_new_session=True,
            )
            old_services = services_of_trial(hub)
            # One formgrader per course, and the idle culler.
            assert len(old_services) == len(load_courses(REPO / "courses")) + 1, old_services
            # A power cut: the hub and its proxy die; once back, the proxy's old pid is
            # taken by the other program.
            proxy_pid = int((hub.state_dir / "jupyterhub-proxy.pid").read_text())
            os.kill(hub.proc.pid, signal.SIGKILL)
            os.kill(proxy_pid, signal.SIGKILL)
            hub.proc.wait(10)
            (hub.state_dir / "jupyterhub-proxy.pid").write_text(str(other.pid))

            hub.start()
            output = hub.log_file.read_text()
            assert other.poll() is None, "the restart killed another program of the operator"
            assert "stopping its services" in output
            assert f"names pid {other.pid}, which is not Isoko's proxy" in output
            assert not [pid for pid in old_services if alive(pid)]

            hub.proc.send_signal(signal.SIGINT)
            hub.proc.wait(90)
            deadline = time.monotonic() + 20
            while (left := running_as(hub.account) - {other.pid}) and time.monotonic() < deadline:
                time.sleep(1)
            assert not left, {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in left}
            assert other.poll() is None
            other.kill()
            other.wait()
        finally:
            hub.stop()
            for log in hub.root.glob("hub-*.log"):
                shutil.copy(log, artifacts_dir / f"trial-faults-{log.name}")


def services_of_trial(hub: Hub) -> dict[int, str]:
    found = {}
    for pid in running_as(hub.account):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        ours = b"JUPYTERHUB_SERVICE_NAME=" in environ and f":{hub.hub_port}/".encode() in environ
        if ours and ("jupyterhub_idle_culler" in command or is_jupyter_server(command)):
            found[pid] = command
    return found
