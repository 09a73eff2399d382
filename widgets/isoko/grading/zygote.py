"""Inside a warm grading sandbox: import once, then grade one submission after another.

Run by ``isoko.grading.pool`` as ``python -I -m isoko.grading.zygote LIMITS_JSON
PRELOAD_JSON``, in the same bubblewrap sandbox as ``isoko.grading.runner``. It imports
nbgrader, nbclient, jupyter_client, ipykernel, IPython and the course's libraries once
(never creating a zmq context, a thread or an event loop: they do not survive a fork),
makes itself non-dumpable, says it is ready, and then, for each job on standard input:

1. reads a header line ``JOB <id> <bytes>`` and moves the payload (the tar stream of
   ``sandbox.pack_input``) into a job file with ``os.splice``: the zygote never holds a
   learner's notebook in its own memory, which every later job is forked from;
2. forks a job process that sets the limits, unpacks the job file into the work folder,
   forks the kernel (ipykernel from the already imported modules) and executes the
   notebook with ``runner.execute``, nbclient driving that kernel through
   ``ForkedKernelManager`` exactly as it drives a stock one; the reply goes to a file;
3. waits for it at most the notebook's time limit, then kills every process of the
   sandbox but itself (daemons and fork bombs included), sends ``REPLY <id> <status>
   <bytes>`` and the reply file with ``os.sendfile``, and makes the sandbox as new:
   /tmp and /dev/shm emptied, whatever was added to the other writable folders (/,
   /etc, /opt: bubblewrap's own) removed, System V IPC objects and the account's keys
   removed, home and work folders recreated; then says ``READY`` again, or ``RETIRE``
   and exits when something could not be undone.

End of standard input: it kills everything and exits. Status words: ``ok``, ``timeout``
(the notebook's time ran out), ``died`` (the job stopped without a reply),
``toolarge`` (the reply is larger than ``limits.output_bytes``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from isoko.grading.forked_kernel import (
    PreforkedKernel,
    forked_kernel_manager_class,
    libc,
    set_dumpable,
)
from isoko.grading.sandbox import SANDBOX_HOME, SANDBOX_WORKDIR, Limits

#: Sent when the zygote is ready for a job (started, or the last job wiped away), and
#: when it will take no more (the sandbox could not be made as new).
READY = b"ISOKO-ZYGOTE READY\n"
RETIRE = b"ISOKO-ZYGOTE RETIRE\n"
#: Always imported: what executing a notebook needs, on both sides of the kernel.
BASE_MODULES = (
    "nbformat",
    "nbclient",
    "jupyter_client",
    "jupyter_client.provisioning.local_provisioner",
    "nbgrader.preprocessors",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "isoko.grading.runner",
)
#: The job's own files, inside the sandbox's private /tmp, wiped after each job.
JOB_DIR = "/tmp/.isoko-job"
JOB_INPUT = f"{JOB_DIR}/input.tar"
JOB_REPLY = f"{JOB_DIR}/reply.json"
#: Where the sandbox's other writable places are; /tmp holds the home and work folders.
WIPED_DIRS = ("/tmp", "/dev/shm")
HEADER_MAX_BYTES = 200
#: How long the processes of a job may take to die once killed, before the zygote
#: gives up the sandbox (a process stuck in the kernel cannot be waited for).
KILL_SECONDS = 20

_SYS_KEYCTL = 250  # x86_64
_KEYCTL_JOIN_SESSION_KEYRING = 1
_KEYCTL_CLEAR = 7
_KEY_SPEC_USER_KEYRING = -4
_KEY_SPEC_USER_SESSION_KEYRING = -5


def _keyctl(*args: int) -> None:
    if os.uname().machine == "x86_64":
        libc.syscall(_SYS_KEYCTL, *[ctypes.c_long(a) for a in args])


# --- one job ------------------------------------------------------------------------------


def run_job(limits: Limits) -> None:
    """In the job process: grade the job file, write the reply file. Never returns."""
    from isoko.grading import runner

    code = 1
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)  # nothing of the learner's reaches the grader's log
        os.close(null)
        os.setsid()
        # A keyring of its own: keys the learner's code adds die with this job.
        _keyctl(_KEYCTL_JOIN_SESSION_KEYRING, 0)
        runner.apply_limits(limits)
        workdir = Path(SANDBOX_WORKDIR)
        os.chdir(workdir)
        try:
            with open(JOB_INPUT, "rb") as stream:
                notebook = runner.unpack_input(stream, workdir)
            os.unlink(JOB_INPUT)
            kernel = PreforkedKernel(workdir)
            reply = runner.execute(notebook, workdir, limits, forked_kernel_manager_class(kernel))
        except Exception as err:
            reply = {"cells": [], "error": runner.verdict(err, limits)}
        with open(JOB_REPLY + ".part", "w") as out:
            json.dump(reply, out)
        os.rename(JOB_REPLY + ".part", JOB_REPLY)
        code = 0
    finally:
        os._exit(code)


class GraderGone(Exception):
    """The grader closed the zygote's standard input: it stopped, or was killed."""


def wait_for(pid: int, seconds: float) -> bool:
    """Wait for child ``pid`` at most ``seconds``; True when it ended.

    Watches standard input meanwhile: the grader writes nothing during a job, so input
    that ends means the grader is gone (``GraderGone``), and nothing should run on for
    it until the notebook's time is up."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        pidfd = None
    watch = select.poll()
    watch.register(0, select.POLLIN | select.POLLHUP | select.POLLERR)
    if pidfd is not None:
        watch.register(pidfd, select.POLLIN)
    deadline = time.monotonic() + seconds
    try:
        while True:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            wait_ms = left * 1000 if pidfd is not None else min(left, 0.05) * 1000
            for fd, events in watch.poll(wait_ms):
                if fd == 0 and events & (select.POLLHUP | select.POLLERR | select.POLLIN):
                    raise GraderGone
    finally:
        if pidfd is not None:
            os.close(pidfd)


# --- between jobs: the sandbox as new -----------------------------------------------------


def other_processes() -> list[int]:
    mine = {1, os.getpid()}
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) not in mine]


def kill_everyone_else(seconds: float = KILL_SECONDS) -> bool:
    """SIGKILL every process of the sandbox but its init and this one, until none is left;
    False if some are still there after ``seconds``.

    ``kill(-1)`` reaches every process the zygote may signal: the whole sandbox, as it
    is one account in its own pid namespace; repeated, since a fork bomb forks on."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        while True:  # reap our own children; the sandbox's init reaps the orphans
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                break
        if not other_processes():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)


def _remove(path: str) -> None:
    def allow_and_retry(function, name, _exc):
        # The learner's code may have taken away its own rights on what it made.
        parent = os.path.dirname(name)
        os.chmod(parent, stat.S_IRWXU)
        if os.path.isdir(name) and not os.path.islink(name):
            os.chmod(name, stat.S_IRWXU)
        function(name)

    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, onerror=allow_and_retry)
    else:
        os.unlink(path)


class WipeFailed(RuntimeError):
    """The sandbox could not be made as new: it must not grade anyone else."""


Places = dict[str, tuple[int, dict[str, tuple[int, int]]]]


def _identities(folder: str) -> dict[str, tuple[int, int]]:
    """Each entry of ``folder``: its device and inode, that change if it is replaced."""
    identities = {}
    for name in os.listdir(folder):
        info = os.lstat(os.path.join(folder, name))
        identities[name] = (info.st_dev, info.st_ino)
    return identities


def writable_places() -> Places:
    """Every folder the account may write to outside /tmp, /dev/shm and /proc (the
    folders bubblewrap made to hold its mounts: /, /etc, /opt...), with its mode and
    entries, as the sandbox starts: after each job, anything else there goes."""
    found: Places = {}

    def visit(folder: str) -> None:
        if folder in ("/proc", "/sys", *WIPED_DIRS) or not os.access(folder, os.W_OK):
            return
        entries = _identities(folder)
        found[folder] = (os.lstat(folder).st_mode, entries)
        for name in entries:
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                visit(path)

    visit("/")
    return found


def restore_writable_places(places: Places) -> None:
    """Remove what was added; what was replaced or removed cannot be put back here."""
    for folder, (mode, entries) in places.items():
        try:
            os.chmod(folder, stat.S_IMODE(mode))
            now = _identities(folder)
        except OSError as err:
            raise WipeFailed(f"{folder}: {err}") from err
        changed = [name for name, identity in entries.items() if now.get(name) != identity]
        if changed:
            raise WipeFailed(f"{folder}: {sorted(changed)} replaced or removed")
        for name in set(now) - set(entries):
            try:
                _remove(os.path.join(folder, name))
            except OSError as err:
                raise WipeFailed(f"{folder}/{name}: {err}") from err


def make_sandbox_as_new(places: Places) -> None:
    """Empty what the last job could write to, and remove what outlives a process."""
    restore_writable_places(places)
    for folder in WIPED_DIRS:
        if not os.path.isdir(folder):
            continue
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IRWXU)
        for entry in os.listdir(folder):
            _remove(os.path.join(folder, entry))
    subprocess.run(["ipcrm", "--all"], stdin=subprocess.DEVNULL, capture_output=True)
    _keyctl(_KEYCTL_CLEAR, _KEY_SPEC_USER_KEYRING)
    _keyctl(_KEYCTL_CLEAR, _KEY_SPEC_USER_SESSION_KEYRING)
    for folder in (SANDBOX_HOME, SANDBOX_WORKDIR, JOB_DIR):
        os.makedirs(folder, mode=0o755)


# --- the loop -----------------------------------------------------------------------------


def read_header(fd: int) -> bytes | None:
    """One line from ``fd``, byte by byte (nothing after it is read); None at its end."""
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            return None
        line += byte
        if len(line) > HEADER_MAX_BYTES:
            raise ValueError("header line too long")
    return line


def receive_payload(fd: int, size: int) -> None:
    """Move ``size`` bytes of ``fd`` (a pipe) into the job file, inside the kernel."""
    out = os.open(JOB_INPUT, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        left = size
        while left:
            moved = os.splice(fd, out, left)
            if not moved:
                raise EOFError("the payload ended early")
            left -= moved
    finally:
        os.close(out)


def send_reply(reply_fd: int, job_id: str, status: str, limits: Limits) -> None:
    size = 0
    if status == "ok":
        try:
            size = os.stat(JOB_REPLY).st_size
        except FileNotFoundError:
            status = "died"
        else:
            if size > limits.output_bytes:
                status, size = "toolarge", 0
    os.write(reply_fd, f"REPLY {job_id} {status} {size}\n".encode())
    if size:
        source = os.open(JOB_REPLY, os.O_RDONLY)
        try:
            offset = 0
            while offset < size:
                sent = os.sendfile(reply_fd, source, offset, size - offset)
                if not sent:
                    raise EOFError("the reply file shrank")
                offset += sent
        finally:
            os.close(source)


def serve(limits: Limits, reply_fd: int) -> None:
    places = writable_places()
    make_sandbox_as_new(places)
    os.write(reply_fd, READY)
    while True:
        header = read_header(0)
        if header is None:
            return
        word, job_id, size = header.decode().split()
        if word != "JOB":
            raise ValueError(f"unknown request {word!r}")
        receive_payload(0, int(size))
        pid = os.fork()
        if pid == 0:
            os.close(reply_fd)
            run_job(limits)
        try:
            ended = wait_for(pid, limits.notebook_timeout_seconds)
        except GraderGone:
            return  # main kills everything on the way out
        all_gone = kill_everyone_else()
        send_reply(reply_fd, job_id, "ok" if ended else "timeout", limits)
        try:
            if not all_gone:
                raise WipeFailed("some processes of the last job would not die")
            make_sandbox_as_new(places)
        except (WipeFailed, OSError) as err:
            print(f"zygote: retiring, the sandbox could not be wiped: {err}", file=sys.stderr)
            os.write(reply_fd, RETIRE)
            return
        os.write(reply_fd, READY)


class ZMQInteractiveShell:
    """Seen by libraries that ask, as they are imported, whether they run in a Jupyter
    kernel (``get_ipython()``, its class name, its ``kernel`` and ``config``): pandas,
    for one, shows fewer columns in a kernel than in a terminal."""

    kernel = True
    config = {"IPKernelApp": {}}


def preload_modules(names: list[str]) -> None:
    """Import ``names`` as a kernel would: libraries that look for IPython find a kernel."""
    import builtins
    import importlib

    shell = ZMQInteractiveShell()
    builtins.get_ipython = lambda: shell
    try:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception as err:  # a library that fails here fails in the kernel too
                print(f"zygote: could not preload {name}: {err!r}", file=sys.stderr)
    finally:
        del builtins.get_ipython


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    limits = Limits(**json.loads(argv[0]))
    preload = json.loads(argv[1]) if len(argv) > 1 else []
    # The framing travels on a private copy of standard output; prints go to stderr.
    reply_fd = os.dup(1)
    os.dup2(2, 1)
    preload_modules([*BASE_MODULES, *preload])
    set_dumpable(False)
    try:
        serve(limits, reply_fd)
    finally:
        kill_everyone_else()
    return 0


if __name__ == "__main__":
    sys.exit(main())
