"""What ``isoko hub`` does about a hub on the same state that died: with real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isoko.courses.catalog import load_courses
from isoko.platform.prepare import (
    SetupError,
    check_service_ports,
    forget_stale_proxy_pid,
    refuse_if_hub_running,
    stop_leftover_services,
)
from isoko.platform.settings import Settings
from isoko.startup import listening_services

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def state(tmp_path) -> Settings:
    from support.hub import free_port_run

    environ = {
        "ISOKO_STATE_DIR": str(tmp_path / "state"),
        "ISOKO_SERVICE_PORT_BASE": str(free_port_run(3)),
    }
    (tmp_path / "state").mkdir()
    return Settings.from_environ(checkout=REPO, environ=environ, as_root=False)


@pytest.fixture
def started():
    """Start long-running processes with a given environment; kill them after."""
    procs = []

    def start(environ: dict[str, str], *argv: str) -> subprocess.Popen:
        command = list(argv) or ["sleep", "300"]
        proc = subprocess.Popen(command, env={"PATH": "/usr/bin:/bin", **environ})
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def wait_for_environ(proc: subprocess.Popen) -> None:
    """Until the child's own environment can be read.

    Before exec it has the parent's environment; during exec, for a moment after its
    program is already the new one, the kernel has not yet placed the new environment
    and reading it gives nothing.
    """
    deadline = time.monotonic() + 10
    while (
        Path(f"/proc/{proc.pid}/exe").resolve().name == Path(sys.executable).resolve().name
        or not Path(f"/proc/{proc.pid}/environ").read_bytes()
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_only_the_dead_hubs_services_are_stopped(state, started):
    service = started({"ISOKO_SERVICE_OF": str(state.state_dir), "JUPYTERHUB_SERVICE_NAME": "x"})
    other_hubs = started({"ISOKO_SERVICE_OF": str(state.state_dir) + "-other"})
    # A program started from a shell that set the same state folder is the operator's own.
    operators = started({"ISOKO_STATE_DIR": str(state.state_dir)})
    for proc in (service, other_hubs, operators):
        wait_for_environ(proc)
    said = []
    stop_leftover_services(state, log=said.append)
    assert service.wait(15) is not None
    assert other_hubs.poll() is None and operators.poll() is None
    assert said == [
        "A hub on this state stopped without cleaning up: stopping its services x (1 process(es))"
    ]


def test_nothing_to_stop_says_nothing(state):
    said = []
    stop_leftover_services(state, log=said.append)
    assert said == []


def test_a_proxy_pid_taken_by_another_program_is_forgotten(state, started):
    other = started({"ISOKO_STATE_DIR": str(state.state_dir)})
    wait_for_environ(other)
    state.proxy_pid_file.write_text(f"{other.pid}\n")
    said = []
    forget_stale_proxy_pid(state, log=said.append)
    assert not state.proxy_pid_file.exists()
    assert said == [
        f"The proxy's pid file names pid {other.pid}, which is not Isoko's proxy: left alone"
    ]
    assert other.poll() is None


def test_the_proxy_of_this_state_is_left_to_the_hub(state, started):
    proxy = started({"ISOKO_STATE_DIR": str(state.state_dir), "CONFIGPROXY_AUTH_TOKEN": "t"})
    wait_for_environ(proxy)
    state.proxy_pid_file.write_text(str(proxy.pid))
    forget_stale_proxy_pid(state, log=print)
    assert state.proxy_pid_file.read_text() == str(proxy.pid)


def test_a_running_hub_on_the_same_state_is_not_started_twice(state, started):
    # A program whose command line is the hub's: ``... -f <the hub config>``.
    hub = started(
        {"ISOKO_STATE_DIR": str(state.state_dir)},
        *(
            "bash",
            "-c",
            "while :; do sleep 1; done",
            "jupyterhub",
            "-f",
            str(state.hub_config_file),
        ),
    )
    wait_for_environ(hub)
    state.hub_pid_file.write_text(str(hub.pid))
    with pytest.raises(SetupError, match=f"already running .* \\(pid {hub.pid}\\)"):
        refuse_if_hub_running(state)
    hub.kill()
    hub.wait()
    refuse_if_hub_running(state)  # a hub that died is no reason to refuse


def test_a_service_port_held_by_another_program_is_named(state):
    courses = load_courses(REPO / "courses")
    check_service_ports(listening_services(state, courses))  # all free
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", state.service_port_base + 1))
    squatter.listen()
    try:
        with pytest.raises(SetupError) as refused:
            check_service_ports(listening_services(state, courses))
    finally:
        squatter.close()
    message = str(refused.value)
    assert f"port {state.service_port_base + 1} of the service '{courses[1].slug}'" in message
    assert f"pid {os.getpid()}: " in message
    assert f"first of {len(courses)} consecutive free ports" in message
