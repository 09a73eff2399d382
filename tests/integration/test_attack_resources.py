"""One learner tries to take the whole machine: a memory bomb, a fork bomb, a pile of kernels.

The real hub runs as root with the default per-learner limits; the attacker is a demo
learner with their own cookies, talking to their kernel as JupyterLab does. Another
learner must keep being served throughout, and the hub must keep answering.
"""

from __future__ import annotations

import pwd
import time
from pathlib import Path

import pytest
import requests

from isoko.platform.settings import DEFAULT_LEARNER_KERNELS, DEFAULT_LEARNER_PROCESSES
from isoko.sims.registry import find
from support.client import HubUser, signed_in
from support.hub import Hub, running_hub, servers_run_by
from support.kernels import Kernel

pytestmark = pytest.mark.integration

GIB = 2**30
#: The price-and-profit app, where the hub puts it in a learner's home.
APP = find("price-and-profit").app.removeprefix("courses/")

#: Allocate and touch memory 64 MiB at a time until refused. Stops at 4 GiB, far past
#: the limit, so that without a limit the test fails instead of exhausting the machine.
#: Holds what it got for a few seconds while the test checks on everyone else.
MEMORY_BOMB = """\
chunks = []
try:
    while len(chunks) < 64:
        chunks.append(b"x" * (64 * 2**20))
    print("allowed", len(chunks) * 64, "MiB", flush=True)
except MemoryError:
    print("MemoryError at", len(chunks) * 64, "MiB", flush=True)
time.sleep(8)
del chunks
"""

#: Fork until refused (at most 1000 children, should no limit hold), each child waiting
#: a while so they all exist at once, then reap them: it stops by itself.
FORK_BOMB = """\
import errno, os, time
until = time.monotonic() + 12
children, refused = [], None
while len(children) < 1000:
    try:
        pid = os.fork()
    except OSError as err:
        refused = errno.errorcode.get(err.errno)
        break
    if pid == 0:
        time.sleep(max(0, until - time.monotonic()))
        os._exit(0)
    children.append(pid)
print("fork refused with", refused, "after", len(children), "children", flush=True)
for pid in children:
    os.waitpid(pid, 0)
print("reaped", flush=True)
"""


@pytest.fixture(scope="module")
def hub(artifacts_dir):
    """A hub with the default limits, from a copy of the checkout in an open folder."""
    with running_hub(artifacts_dir, "limits-", own_checkout=True) as hub:
        yield hub


def logged_in(hub: Hub, index: int) -> HubUser:
    return signed_in(hub.url, hub.demo_accounts["learners"][index])


@pytest.fixture(scope="module")
def attacker(hub):
    return logged_in(hub, 0)


@pytest.fixture(scope="module")
def bystander(hub):
    return logged_in(hub, 1)


@pytest.fixture
def attacker_kernel(attacker):
    kernel = Kernel.start(attacker)
    yield kernel
    kernel.shutdown()


def tasks_of(account: str) -> int:
    """Threads of every process of ``account``: what RLIMIT_NPROC counts."""
    uid = pwd.getpwnam(account).pw_uid
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += len(list((entry / "task").iterdir()))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return count


def everyone_else_is_served(hub: Hub, bystander: HubUser) -> None:
    assert requests.get(f"{hub.url}/hub/api/", timeout=10).ok, "the hub stopped answering"
    kernel = Kernel.start(bystander)
    try:
        assert kernel.run("print(6 * 7)", timeout=60).stdout.strip() == "42"
    finally:
        kernel.shutdown()


def test_memory_bomb_gets_memory_error_and_others_are_served(hub, bystander, attacker_kernel):
    bomb = attacker_kernel.send(MEMORY_BOMB)
    attacker_kernel.wait(bomb, timeout=120, until="MiB")
    assert bomb.stdout.startswith("MemoryError at"), bomb.stdout
    got = int(bomb.stdout.split()[2])
    assert got * 2**20 <= 2 * GIB, f"a learner process got {got} MiB"
    everyone_else_is_served(hub, bystander)
    attacker_kernel.wait(bomb, timeout=60)
    # The attacker's own kernel survived its MemoryError and still works.
    assert attacker_kernel.run("print('alive')").stdout.strip() == "alive"


def test_fork_bomb_gets_eagain_and_others_are_served(hub, attacker, bystander, attacker_kernel):
    bomb = attacker_kernel.send(FORK_BOMB)
    attacker_kernel.wait(bomb, timeout=120, until="children")
    assert "fork refused with EAGAIN" in bomb.stdout, bomb.stdout
    account = f"{hub.unix_prefix}{attacker.username}"
    assert tasks_of(account) <= DEFAULT_LEARNER_PROCESSES
    # While the attacker's children still hold every process slot they may have.
    everyone_else_is_served(hub, bystander)
    attacker_kernel.wait(bomb, timeout=60)
    assert "reaped" in bomb.stdout
    assert attacker_kernel.run("print('alive')").stdout.strip() == "alive"


def test_kernels_past_the_cap_are_refused_with_a_clear_message(attacker):
    running = attacker.server("GET", "/api/kernels").json()
    started = []
    try:
        for _ in range(DEFAULT_LEARNER_KERNELS - len(running)):
            reply = attacker.server("POST", "/api/kernels", json={"name": "python3"}, timeout=120)
            assert reply.status_code == 201, reply.text
            started.append(reply.json()["id"])
        refused = attacker.server("POST", "/api/kernels", json={"name": "python3"}, timeout=120)
        assert refused.status_code == 429
        expected = f"You have {DEFAULT_LEARNER_KERNELS} kernels running: close a notebook"
        assert expected in refused.json()["message"]
        # An app page asks the same manager for its kernel, so it is refused too.
        app = attacker.server("GET", f"/voila/render/{APP}", timeout=120)
        assert app.status_code == 429 and expected in app.text
        assert len(attacker.server("GET", "/api/kernels").json()) == DEFAULT_LEARNER_KERNELS
    finally:
        for kernel_id in started:
            attacker.server("DELETE", f"/api/kernels/{kernel_id}")


def test_the_hub_serves_from_a_checkout_closed_to_learners(hub, bystander):
    # Every other test here runs against this hub: nothing learners or graders need
    # was cut off when the checkout was made private.
    assert f"Made {hub.checkout} private" in hub.log_file.read_text()
    assert hub.checkout.stat().st_mode & 0o007 == 0


def test_learner_servers_start_with_the_limits(hub, bystander):
    (pid, _), *_ = servers_run_by(f"{hub.unix_prefix}{bystander.username}")
    # Soft and hard limit of each resource, as the kernel reports them.
    limits = {
        line[:26].strip(): line[26:].split()[:2]
        for line in Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]
    }
    assert limits["Max address space"] == [str(2 * GIB)] * 2
    assert limits["Max processes"] == [str(DEFAULT_LEARNER_PROCESSES)] * 2
    assert limits["Max core file size"] == ["0", "0"]
    assert int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16]) == 5
    assert Path(f"/proc/{pid}/oom_score_adj").read_text().strip() == "500"


def test_the_learner_cycle_works_under_the_limits(hub, bystander):
    """An app with numpy and pandas, and nbgrader fetch, validate and submit."""
    before = {k["id"] for k in bystander.server("GET", "/api/kernels").json()}
    app = bystander.server("GET", f"/voila/render/{APP}", timeout=120)
    assert app.status_code == 200 and "Traceback" not in app.text, app.text[-2000:]
    kernels = {k["id"] for k in bystander.server("GET", "/api/kernels").json()}
    assert len(kernels - before) == 1, "the app's kernel is counted with the learner's kernels"
    form = {"course_id": "pricing", "assignment_id": "a01-pricing-basics"}
    assert bystander.server("POST", "/assignments/fetch", data=form).ok
    path = "pricing/a01-pricing-basics/pricing-basics.ipynb"
    validated = bystander.server("POST", "/assignments/validate", data={"path": path}, timeout=300)
    assert validated.ok and validated.json()["success"], validated.text[-2000:]
    submitted = bystander.server("POST", "/assignments/submit", data=form)
    assert submitted.ok and submitted.json()["success"], submitted.text[-2000:]
    # JupyterLab, an app kernel and a validation leave plenty of room below the cap.
    used = tasks_of(f"{hub.unix_prefix}{bystander.username}")
    assert used < DEFAULT_LEARNER_PROCESSES / 2, f"{used} tasks for an ordinary session"
    for kernel_id in kernels - before:
        bystander.server("DELETE", f"/api/kernels/{kernel_id}")


def test_what_a_learner_detached_stops_with_their_server(hub, attacker):
    kernel = Kernel.start(attacker)
    detached = kernel.run(
        "import subprocess\nprint(subprocess.Popen(['sleep', '600'], start_new_session=True).pid)"
    )
    pid = int(detached.stdout)
    kernel.close()
    assert Path(f"/proc/{pid}").exists()
    stopped = attacker.hub_api("DELETE", f"/users/{attacker.username}/server")
    assert stopped.status_code in (202, 204), stopped.text
    deadline = time.monotonic() + 60
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not Path(f"/proc/{pid}").exists(), "a detached process outlived its server"
