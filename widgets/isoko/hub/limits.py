"""How much of the machine one learner may take: memory, processes and CPU.

Every learner is one Unix account, so limits are per account. Two layers:

* **rlimits**, everywhere: set by root on the learner's server process just before it
  becomes the learner, inherited by everything it starts (kernels, terminals, nbgrader)
  and, being hard limits, not raisable by the learner. ``RLIMIT_NPROC`` counts every
  thread of the account, so it caps a learner's processes as a whole; ``RLIMIT_AS``
  bounds each process's memory. The kernel cap (``isoko.hub.kernels``) bounds how
  many kernels hold that much.
* **cgroups v2**, where the machine has them: one cgroup per learner with a memory
  ceiling for all their processes together, a process cap and an equal CPU weight, so
  a learner with many processes gets no more CPU than one with a single kernel.

The hub and its services run at the default priority and learners a little below, so
the hub keeps answering while learners compete for the CPU; learner processes are also
the first the kernel's out-of-memory killer picks.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

#: Where the unified (v2) cgroup hierarchy is mounted on a systemd machine.
CGROUP_V2_MOUNT = Path("/sys/fs/cgroup")
#: The controllers Isoko sets limits with.
CGROUP_CONTROLLERS = ("cpu", "memory", "pids")
#: Every learner weighs the same, whatever number of processes they run.
CPU_WEIGHT = 100
#: Learner processes go first when the machine runs out of memory (the hub stays at 0).
OOM_SCORE_ADJ = 500


@dataclass(frozen=True)
class LearnerLimits:
    """What each learner may use; ``0`` means no limit for that resource."""

    memory_bytes: int = 0
    process_memory_bytes: int = 0
    processes: int = 0
    nice: int = 0


def rlimits(limits: LearnerLimits) -> dict[int, int]:
    """The resource limits (soft = hard) a learner's server starts with."""
    wanted = {
        resource.RLIMIT_AS: limits.process_memory_bytes,
        resource.RLIMIT_NPROC: limits.processes,
        # A crashing kernel must not fill the disk with a core the size of its memory.
        resource.RLIMIT_CORE: 0,
    }
    return {
        which: value for which, value in wanted.items() if value or which == resource.RLIMIT_CORE
    }


def apply_rlimits(limits: LearnerLimits) -> None:
    """Lower this process's limits and priority; run as root just before becoming the learner."""
    for which, value in rlimits(limits).items():
        resource.setrlimit(which, (value, value))
    if limits.nice:
        os.nice(limits.nice)
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write(str(OOM_SCORE_ADJ))


# --- cgroups v2 -----------------------------------------------------------------------


def cgroup_v2_controllers(mount: Path = CGROUP_V2_MOUNT) -> set[str]:
    """The v2 controllers available at ``mount``; empty on a cgroup v1 (or hybrid) machine."""
    try:
        return set((mount / "cgroup.controllers").read_text().split())
    except OSError:
        return set()


def cgroup_files(limits: LearnerLimits, controllers: set[str]) -> dict[str, str]:
    """The control files of one learner's cgroup and what goes in each."""
    files = {}
    if "memory" in controllers and limits.memory_bytes:
        files["memory.max"] = str(limits.memory_bytes)
        # No swap: a learner over their memory is stopped, not paged out to slow everyone.
        files["memory.swap.max"] = "0"
    if "pids" in controllers and limits.processes:
        files["pids.max"] = str(limits.processes)
    if "cpu" in controllers:
        files["cpu.weight"] = str(CPU_WEIGHT)
    return files


def _enable_controllers(group: Path, controllers: set[str]) -> None:
    wanted = " ".join(f"+{name}" for name in CGROUP_CONTROLLERS if name in controllers)
    if wanted:
        (group / "cgroup.subtree_control").write_text(wanted)


def prepare_learner_cgroup(
    account: str, limits: LearnerLimits, mount: Path = CGROUP_V2_MOUNT, parent: str = "isoko"
) -> Path | None:
    """Make ``<mount>/<parent>/<account>`` with the learner's limits; ``None`` without v2.

    The parent holds no process, only learners' cgroups (cgroups v2 lets only leaves
    hold processes once controllers are handed down). Returns the learner's cgroup,
    whose ``cgroup.procs`` the server process joins before it starts.
    """
    controllers = cgroup_v2_controllers(mount) & set(CGROUP_CONTROLLERS)
    if not controllers:
        return None
    _enable_controllers(mount, controllers)
    isoko = mount / parent
    isoko.mkdir(exist_ok=True)
    _enable_controllers(isoko, controllers)
    learner = isoko / account
    learner.mkdir(exist_ok=True)
    for name, value in cgroup_files(limits, controllers).items():
        (learner / name).write_text(value)
    return learner


def join_cgroup(cgroup: Path) -> None:
    """Move this process into ``cgroup``; its children are born there."""
    with open(cgroup / "cgroup.procs", "w") as f:
        f.write(str(os.getpid()))
