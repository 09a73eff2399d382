"""Per-learner limits: the rlimits a server starts with, the cgroup v2 files, the kernel cap."""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from tornado import web

from isoko.hub.kernels import CappedKernelManager
from isoko.hub.limits import (
    LearnerLimits,
    cgroup_files,
    cgroup_v2_controllers,
    prepare_learner_cgroup,
    rlimits,
)
from support.aio import run_alone

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"
GIB = 2**30
LIMITS = LearnerLimits(memory_bytes=3 * GIB, process_memory_bytes=2 * GIB, processes=256, nice=5)


def test_each_process_gets_a_memory_and_a_process_cap_and_no_core_dumps():
    assert rlimits(LIMITS) == {
        resource.RLIMIT_AS: 2 * GIB,
        resource.RLIMIT_NPROC: 256,
        resource.RLIMIT_CORE: 0,
    }


def test_zero_means_no_limit():
    assert rlimits(LearnerLimits()) == {resource.RLIMIT_CORE: 0}


def test_limits_are_hard_so_the_learner_cannot_raise_them():
    # In a child process, as the spawner's preexec does before becoming the learner.
    code = (
        "import resource, os\n"
        "from isoko.hub.limits import LearnerLimits, apply_rlimits\n"
        "apply_rlimits(LearnerLimits(process_memory_bytes=2**31, processes=4000, nice=3))\n"
        "print(resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_NPROC),"
        " os.nice(0), open('/proc/self/oom_score_adj').read().strip())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(WIDGETS)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["(2147483648,", "2147483648)", "(4000,", "4000)", "3", "500"]


@pytest.fixture
def fake_cgroup_mount(tmp_path):
    """A cgroup v2 mount as a plain folder: its files are what would be written."""
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory hugetlb pids rdma\n")
    return tmp_path


def test_no_cgroup_v2_means_rlimits_only(tmp_path):
    assert cgroup_v2_controllers(tmp_path) == set()
    assert prepare_learner_cgroup("isoko-amina", LIMITS, mount=tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_each_learner_gets_a_cgroup_with_their_limits(fake_cgroup_mount):
    group = prepare_learner_cgroup("isoko-amina", LIMITS, mount=fake_cgroup_mount)
    assert group == fake_cgroup_mount / "isoko" / "isoko-amina"
    assert (group / "memory.max").read_text() == str(3 * GIB)
    assert (group / "memory.swap.max").read_text() == "0"
    assert (group / "pids.max").read_text() == "256"
    assert (group / "cpu.weight").read_text() == "100"


def test_controllers_are_handed_down_to_learners_cgroups(fake_cgroup_mount):
    prepare_learner_cgroup("isoko-amina", LIMITS, mount=fake_cgroup_mount)
    for level in (fake_cgroup_mount, fake_cgroup_mount / "isoko"):
        assert (level / "cgroup.subtree_control").read_text() == "+cpu +memory +pids"


def test_only_the_controllers_the_machine_has_are_used(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("cpu pids\n")
    group = prepare_learner_cgroup("isoko-amina", LIMITS, mount=tmp_path)
    assert sorted(p.name for p in group.iterdir()) == ["cpu.weight", "pids.max"]
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+cpu +pids"


def test_a_limit_of_zero_writes_no_file():
    files = cgroup_files(LearnerLimits(), {"cpu", "memory", "pids"})
    assert files == {"cpu.weight": "100"}


class FakeKernels(CappedKernelManager):
    """The cap on top of a parent that only pretends to start kernels."""


@pytest.fixture
def kernels(monkeypatch):
    started: list[str] = []

    async def start(self, *, kernel_id=None, path=None, **kwargs):
        await asyncio.sleep(0.05)
        started.append(f"k{len(started)}")
        return started[-1]

    parent = CappedKernelManager.__mro__[1]
    monkeypatch.setattr(parent, "start_kernel", start)
    monkeypatch.setattr(CappedKernelManager, "list_kernel_ids", lambda self: list(started))
    monkeypatch.setattr(CappedKernelManager, "__contains__", lambda self, k: k in started)
    return FakeKernels(max_kernels=2), started


def test_the_kernel_after_the_cap_is_refused_with_a_clear_message(kernels):
    manager, started = kernels

    async def run():
        await manager.start_kernel()
        await manager.start_kernel()
        with pytest.raises(web.HTTPError) as refused:
            await manager.start_kernel()
        return refused.value

    refused = run_alone(run())
    assert refused.status_code == 429
    message = "You have 2 kernels running: close a notebook or app first."
    assert refused.log_message == refused.reason == message
    assert started == ["k0", "k1"]


def test_a_burst_of_requests_cannot_slip_past_the_cap(kernels):
    manager, started = kernels

    async def run():
        return await asyncio.gather(
            *(manager.start_kernel() for _ in range(5)), return_exceptions=True
        )

    results = run_alone(run())
    assert len(started) == 2
    assert sum(isinstance(r, web.HTTPError) for r in results) == 3


def test_reconnecting_to_a_running_kernel_is_not_a_new_kernel(kernels):
    manager, started = kernels

    async def run():
        await manager.start_kernel()
        await manager.start_kernel()
        return await manager.start_kernel(kernel_id="k0")

    run_alone(run())
    assert started == ["k0", "k1", "k2"], "the parent was asked, so no refusal"
