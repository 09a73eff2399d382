"""Unix accounts for learners and graders, and running commands as them.

Only used when the hub runs as root. Accounts are made with the distribution's own
``useradd``/``groupadd`` so that they are ordinary, auditable system accounts.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def ensure_account(name: str, home: Path) -> pwd.struct_passwd:
    """Create ``name`` with a private home at ``home`` unless it exists; return its entry.

    The account gets no password (it is never logged into directly) and its own group.
    """
    if not account_exists(name):
        home.parent.mkdir(parents=True, exist_ok=True)
    entry = _add_account(name, str(home), "/bin/bash", "Isoko account", "--create-home")
    if Path(entry.pw_dir) != home:
        # The account is from an install with another system directory: point it at
        # this one. Its old home stays where it was, untouched.
        subprocess.run(["usermod", "--home", str(home), name], check=True, capture_output=True)
        entry = pwd.getpwnam(name)
    home_path = Path(entry.pw_dir)
    home_path.mkdir(parents=True, exist_ok=True)
    os.chown(home_path, entry.pw_uid, entry.pw_gid)
    # Learners must not read each other's work, and graders' course files are private.
    os.chmod(home_path, 0o700)
    return entry


def ensure_system_account(name: str, comment: str = "Isoko grading sandbox") -> pwd.struct_passwd:
    """Create ``name`` as a system account with no home, no shell and no password.

    Used for the grading sandbox and the public gallery: accounts that own nothing and
    can log in nowhere.
    """
    return _add_account(name, "/nonexistent", "/usr/sbin/nologin", comment, "--system")


def _add_account(name: str, home: str, shell: str, comment: str, *flags: str):
    """``useradd`` with its own group unless ``name`` exists; never root."""
    if not account_exists(name):
        subprocess.run(
            ["useradd", *flags, "--home-dir", home, "--shell", shell]
            + ["--user-group", "--comment", comment, name],
            check=True,
            capture_output=True,
        )
    entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise RuntimeError(f"refusing to use {name!r}: it is root")
    return entry


def remove_account(name: str) -> None:
    """Delete ``name`` and its home; used by tests to leave the machine as they found it."""
    if account_exists(name):
        subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)
    if group_exists(name):
        subprocess.run(["groupdel", name], capture_output=True)


def run_as(
    account: str,
    cmd: Sequence[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` as ``account`` (with its groups), never as root; capture its output."""
    entry = pwd.getpwnam(account)
    if entry.pw_uid == 0:
        raise RuntimeError(f"refusing to run {cmd[0]!r} as root")
    full_env = {
        "HOME": entry.pw_dir,
        "USER": account,
        "LOGNAME": account,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        **(env or {}),
    }
    return subprocess.run(
        list(cmd),
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=os.getgrouplist(account, entry.pw_gid),
        env=full_env,
        cwd=str(cwd or entry.pw_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )


def processes_of(uid: int) -> list[int]:
    """Every process whose real, effective or saved user is ``uid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as status:
                uids = next(line for line in status if line.startswith("Uid:")).split()[1:4]
        except (OSError, StopIteration):
            continue  # gone meanwhile
        if str(uid) in uids:
            found.append(int(entry.name))
    return found


def kill_processes_of(uid: int, rounds: int = 10) -> int:
    """Kill everything ``uid`` runs, including what it detached; return how many.

    Several rounds, because a process may fork while its siblings are being killed.
    """
    if uid == 0:
        raise RuntimeError("refusing to kill every process of root")
    killed = 0
    for _ in range(rounds):
        pids = processes_of(uid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed


def environ_of(pid: int) -> dict[str, str] | None:
    """The environment ``pid`` was started with; None if it is gone or not ours to read."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            raw = environ.read()
    except OSError:
        return None
    pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if item)
    return {name: value for name, _, value in pairs}


def processes_started_with(name: str, value: str) -> dict[int, dict[str, str]]:
    """Every process started with ``name=value`` in its environment, with that environment.

    What a process starts inherits its environment, so a marker set on a service finds
    the service and what it started (kernels, terminals), and nothing else.
    """
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        environ = environ_of(int(entry.name))
        if environ is not None and environ.get(name) == value:
            found[int(entry.name)] = environ
    return found


def stop_processes(pids: Sequence[int], grace_seconds: float = 10) -> None:
    """SIGTERM ``pids``, then SIGKILL whichever is still there after ``grace_seconds``."""
    import time

    if os.getpid() in pids:
        raise RuntimeError("refusing to stop the current process")
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline and any(_running(pid) for pid in pids):
            time.sleep(0.1)


def _running(pid: int) -> bool:
    """``pid`` exists and is not a zombie (a zombie holds no port and no file)."""
    try:
        with open(f"/proc/{pid}/stat") as stat_file:
            state = stat_file.read().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def listeners_on(port: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes we may see that listen on TCP ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rpartition(":")[2], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{inode}]")
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry.name}/fd")
            if not any(os.readlink(f"/proc/{entry.name}/fd/{fd}") in inodes for fd in fds):
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        found.append((int(entry.name), command))
    return found
