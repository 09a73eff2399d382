"""Spawners: one Unix account per learner as root, a clearly labelled trial otherwise.

Both deliver the published course content into the learner's home before the server
starts, so lessons and apps are there on first login and updated on later ones.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import subprocess
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner, set_user_setuid
from traitlets import HasTraits, Integer, Unicode

from isoko.hub.limits import (
    CGROUP_V2_MOUNT,
    LearnerLimits,
    apply_rlimits,
    join_cgroup,
    prepare_learner_cgroup,
)
from isoko.names import learner_account_name
from isoko.platform.unix import ensure_account, kill_processes_of


class ContentSyncMixin(HasTraits):
    """Runs the content sync for the learner before the server starts."""

    content_dir = Unicode(config=True, help="Published course content to copy into homes.")
    content_sync_timeout = Integer(
        120, config=True, help="Seconds the copy of course content into a home may take."
    )

    def _sync_command(self, home: str) -> list[str]:
        return [sys.executable, "-m", "isoko.courses.content", self.content_dir, home]

    def _log_sync(self, result: subprocess.CompletedProcess[str]) -> None:
        if result.returncode == 0:
            self.log.info("Course content for %s: %s", self.user.name, result.stdout.strip())
        else:
            # A failed sync must not keep the learner out of their own server.
            self.log.error(
                "Course content sync failed for %s: %s",
                self.user.name,
                result.stderr.strip()[-2000:],
            )


class IsokoUnixSpawner(ContentSyncMixin, LocalProcessSpawner):
    """Each hub user runs as their own Unix account, created on first spawn.

    Accounts carry a prefix (``isoko-`` by default) so a hub user called ``root`` or
    ``www-data`` can never become that system account.
    """

    unix_prefix = Unicode("isoko-", config=True, help="Prefix of learners' Unix account names.")
    homes_dir = Unicode(config=True, help="Where learners' homes are created.")
    process_mem_limit = Integer(
        0, config=True, help="Bytes of address space each learner process may take; 0: no limit."
    )
    process_limit = Integer(
        0, config=True, help="Processes and threads one learner may run together; 0: no limit."
    )
    nice = Integer(0, config=True, help="How much lower than the hub learners' CPU priority is.")
    cgroup_mount = Unicode(
        str(CGROUP_V2_MOUNT), config=True, help="Where the cgroup v2 hierarchy is, if any."
    )

    _cgroup: Path | None = None

    @property
    def limits(self) -> LearnerLimits:
        return LearnerLimits(
            memory_bytes=self.mem_limit or 0,
            process_memory_bytes=self.process_mem_limit,
            processes=self.process_limit,
            nice=self.nice,
        )

    @property
    def unix_name(self) -> str:
        return learner_account_name(self.unix_prefix, self.user.name)

    def _ensure_account(self) -> pwd.struct_passwd:
        return ensure_account(self.unix_name, Path(self.homes_dir) / self.unix_name)

    def _sync_as_learner(self, entry: pwd.struct_passwd) -> subprocess.CompletedProcess[str]:
        # Run as the learner, so a symlink in their home can only ever hurt themselves.
        return subprocess.run(
            self._sync_command(entry.pw_dir),
            preexec_fn=set_user_setuid(entry.pw_name),
            env={"HOME": entry.pw_dir, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=self.content_sync_timeout,
        )

    async def start(self):
        entry = await asyncio.to_thread(self._ensure_account)
        if self.content_dir:
            self._log_sync(await asyncio.to_thread(self._sync_as_learner, entry))
        try:
            self._cgroup = await asyncio.to_thread(
                prepare_learner_cgroup, self.unix_name, self.limits, Path(self.cgroup_mount)
            )
        except OSError as err:
            # A cgroup tree the hub may not change (some containers): the rlimits still hold.
            self.log.warning("No cgroup for %s, rlimits only: %s", self.user.name, err)
            self._cgroup = None
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        # What the learner started and detached (a loop left in a terminal, a process
        # that left its kernel) would otherwise outlive their server and its limits on
        # kernels, and keep running after the idle culler stopped the server.
        try:
            uid = pwd.getpwnam(self.unix_name).pw_uid
        except KeyError:
            return  # never started: no account, nothing of theirs runs
        killed = await asyncio.to_thread(kill_processes_of, uid)
        if killed:
            self.log.info("Stopped %d leftover process(es) of %s", killed, self.user.name)

    def make_preexec_fn(self, name):
        become_learner = set_user_setuid(self.unix_name)
        limits, cgroup = self.limits, self._cgroup

        def preexec():
            # As root still: a learner can lower these later, never raise them.
            if cgroup is not None:
                join_cgroup(cgroup)
            apply_rlimits(limits)
            become_learner()

        return preexec

    def user_env(self, env):
        entry = pwd.getpwnam(self.unix_name)
        env["USER"] = entry.pw_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell or "/bin/bash"
        return env

    async def move_certs(self, paths):  # pragma: no cover - internal SSL is not used
        raise NotImplementedError("internal SSL is not supported by Isoko's spawner")


class IsokoTrialSpawner(ContentSyncMixin, SimpleLocalProcessSpawner):
    """Every learner runs as the hub's own account: a single-user trial, not isolated."""

    def _sync_in_place(self) -> subprocess.CompletedProcess[str]:
        Path(self.home_dir).mkdir(parents=True, exist_ok=True)
        return subprocess.run(
            self._sync_command(self.home_dir),
            # The server's home: the sync trusts the course's notebooks in its notary.
            env={**os.environ, "HOME": self.home_dir},
            capture_output=True,
            text=True,
            timeout=self.content_sync_timeout,
        )

    async def start(self):
        if self.content_dir:
            self._log_sync(await asyncio.to_thread(self._sync_in_place))
        return await super().start()
