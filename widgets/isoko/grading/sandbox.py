"""The grading sandbox: one notebook's execution, cut off from everything else.

``sandbox_command`` builds the command line; ``run_notebook`` sends the notebook and
the submission's files in, and reads the executed outputs back. Inside runs
``isoko.grading.runner``.

What the learner's code gets, and why:

- an unprivileged Unix account that owns nothing (``sandbox_account``), reached from
  the grader account through one sudo rule (``sudoers_rule``); in a trial run (the hub
  not root) the grader's own account, still inside the namespaces below;
- bubblewrap: new user, pid, network, ipc, uts and cgroup namespaces (no network at
  all, no other process visible), no capabilities, no further user namespaces, a new
  terminal session, a clean environment with no token or secret;
- a filesystem of the operating system and the Python environment, read-only, and a
  private, size-limited /tmp that holds a copy of the submission's files (never its
  notebooks: the one being graded holds the hidden tests). Nothing of the grader's, the
  course's or another learner's is mounted;
- limits on CPU time, memory, processes, open files and file size (``Limits``), and a
  cap on what it may send back.
"""

from __future__ import annotations

import io
import json
import os
import selectors
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

BWRAP = "/usr/bin/bwrap"
SUDO = "/usr/bin/sudo"
#: Inside the sandbox: the private home, and where the submission's files are copied.
SANDBOX_HOME = "/tmp/home"
SANDBOX_WORKDIR = "/tmp/work"
#: Member names of the stream sent in: the notebook, and the files under a folder.
NOTEBOOK_MEMBER = "notebook.ipynb"
FILES_PREFIX = "files/"
#: The whole system, read-only: programs and libraries, nothing of anyone's.
SYSTEM_TOP_LEVEL = ("usr", "bin", "lib", "lib32", "lib64", "sbin")
#: The few files under /etc that Python and its libraries read.
SYSTEM_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/mime.types")


class SandboxError(RuntimeError):
    """The sandbox could not run, or what came back was not a result.

    The message is shown to the learner in their feedback, so it never quotes what the
    sandbox printed (the learner's code could print anything there, hidden tests it saw
    included); that goes to ``detail``, for the grader's log.
    """

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    """What one notebook's grading may use. Defaults fit a 2-core, 24 GiB machine."""

    #: Each cell, as nbgrader's own ``Execute.timeout``.
    cell_timeout_seconds: int = 30
    #: The whole notebook, from the sandbox's start to its last byte of output.
    notebook_timeout_seconds: int = 600
    #: CPU time of each process (RLIMIT_CPU): a busy loop is stopped even if hidden.
    cpu_seconds: int = 300
    #: Address space of each process (RLIMIT_AS): pandas and numpy fit in 2 GiB.
    memory_bytes: int = 2 * 1024**3
    #: Processes and threads (RLIMIT_NPROC), counted in the sandbox's own user namespace.
    processes: int = 128
    #: Open files of each process (RLIMIT_NOFILE).
    open_files: int = 256
    #: Largest file it may write (RLIMIT_FSIZE), and the size of its private /tmp.
    file_bytes: int = 64 * 1024**2
    tmp_bytes: int = 256 * 1024**2
    #: The executed outputs it may send back; nbgrader trims them further (LimitOutput).
    output_bytes: int = 32 * 1024**2
    #: What the submission's files may weigh when copied in.
    input_bytes: int = 128 * 1024**2


def system_binds() -> list[str]:
    """bubblewrap arguments that show the operating system read-only, as on the host."""
    args: list[str] = []
    for name in SYSTEM_TOP_LEVEL:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for path in SYSTEM_ETC_FILES:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def python_binds(prefixes: list[Path]) -> list[str]:
    """The Python environment (and the interpreter it was made from), read-only."""
    args: list[str] = []
    seen: list[Path] = []
    for prefix in sorted({p.resolve() for p in prefixes}, key=lambda p: len(p.parts)):
        if any(prefix.is_relative_to(done) for done in [*seen, Path("/usr")]):
            continue
        seen.append(prefix)
        args += ["--ro-bind", str(prefix), str(prefix)]
    return args


def sandbox_command(
    limits: Limits,
    account: str | None = None,
    python: Path | None = None,
    module: str = "isoko.grading.runner",
    extra_args: Sequence[str] = (),
) -> list[str]:
    """The command that runs ``module`` (``isoko.grading.runner``) in a fresh sandbox.

    ``account`` is the sandbox's Unix account, reached through sudo; without one (a
    trial run by an ordinary account), bubblewrap runs as the caller. ``module`` gets
    the limits as JSON, then ``extra_args``.
    """
    python = python or Path(sys.executable)
    env_prefix = Path(sys.prefix)
    prefixes = [env_prefix, Path(sys.base_prefix), python.resolve().parent.parent]
    bwrap = [
        BWRAP,
        *system_binds(),
        *python_binds(prefixes),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(limits.tmp_bytes),
        "--tmpfs",
        "/tmp",
        "--dir",
        SANDBOX_HOME,
        "--dir",
        SANDBOX_WORKDIR,
        "--chdir",
        SANDBOX_WORKDIR,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "grading",
        "--clearenv",
        *_setenv(
            {
                "HOME": SANDBOX_HOME,
                "USER": "learner",
                "LOGNAME": "learner",
                "PATH": f"{env_prefix / 'bin'}:/usr/bin:/bin",
                "LANG": "C.UTF-8",
                "TMPDIR": "/tmp",
                # One thread each: a learner's numpy must not take every core.
                "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1",
                "MPLBACKEND": "Agg",
                "PYTHONDONTWRITEBYTECODE": "1",
                "JUPYTER_PLATFORM_DIRS": "1",
            }
        ),
        "--",
        str(python),
        "-I",  # nothing from the working folder shadows the runner's own imports
        "-m",
        module,
        json.dumps(asdict(limits)),
        *extra_args,
    ]
    if account:
        return [SUDO, "--non-interactive", "--user", account, "--", *bwrap]
    if os.geteuid() == 0:
        raise SandboxError(
            "refusing to grade as root without a sandbox account: learner code would run as root"
        )
    return bwrap


def _setenv(variables: dict[str, str]) -> list[str]:
    args: list[str] = []
    for name, value in variables.items():
        args += ["--setenv", name, value]
    return args


def sudoers_rule(graders: list[str], account: str) -> str:
    """The only thing a grader may do through sudo: start bubblewrap as the sandbox."""
    users = ",".join(graders)
    return (
        "# Written by Isoko: graders may start the grading sandbox as its account, nothing else.\n"
        f"Defaults:{users} !use_pty, !lecture\n"
        f"{users} ALL=({account}) NOPASSWD: {BWRAP}\n"
    )


def pack_input(notebook: dict, workdir: Path, limits: Limits) -> bytes:
    """The notebook and the submission's files (no notebooks) as a tar stream."""
    buffer = io.BytesIO()
    total = 0
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = json.dumps(notebook).encode()
        info = tarfile.TarInfo(NOTEBOOK_MEMBER)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for path in sorted(workdir.rglob("*")):
            relative = path.relative_to(workdir)
            # Every notebook stays out: the one being graded holds the hidden tests,
            # and other notebooks of the assignment hold theirs.
            if path.suffix == ".ipynb" or ".ipynb_checkpoints" in relative.parts:
                continue
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                continue
            if path.is_file():
                total += path.stat().st_size
                if total > limits.input_bytes:
                    raise SandboxError(
                        f"the submission's files weigh more than {limits.input_bytes} bytes"
                    )
            info = tar.gettarinfo(str(path), FILES_PREFIX + str(relative))
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o755 if path.is_dir() else 0o644
            if path.is_file():
                with path.open("rb") as handle:
                    tar.addfile(info, handle)
            else:
                tar.addfile(info)
    return buffer.getvalue()


def run_notebook(
    notebook: dict,
    workdir: Path,
    limits: Limits,
    account: str | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
) -> dict:
    """Execute ``notebook`` in a sandbox with ``workdir``'s files; return the runner's reply.

    The reply is ``{"cells": [...], "error": str | None}``: for each cell, its outputs
    and execution count (``None`` for cells that are not code). Raises ``SandboxError``
    when the sandbox cannot start, runs out of time, or sends back no result.
    ``on_start`` gets the sandbox's process as soon as it runs, for a caller that may
    have to stop it (killing it takes the whole sandbox down: ``--die-with-parent``).
    """
    if not shutil.which(BWRAP):
        raise SandboxError(
            f"the grading sandbox needs bubblewrap at {BWRAP} (Debian package bubblewrap)"
        )
    command = sandbox_command(limits, account)
    payload = pack_input(notebook, workdir, limits)
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if on_start is not None:
        on_start(proc)
    try:
        out, err = _communicate_capped(proc, payload, limits)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return parse_reply(out, err, proc.returncode)


def _communicate_capped(
    proc: subprocess.Popen, payload: bytes, limits: Limits
) -> tuple[bytes, bytes]:
    """Send ``payload``, read both streams, stop at the time or size limit."""
    deadline = time.monotonic() + limits.notebook_timeout_seconds
    chunks: dict[int, list[bytes]] = {proc.stdout.fileno(): [], proc.stderr.fileno(): []}
    sizes = dict.fromkeys(chunks, 0)
    caps = {proc.stdout.fileno(): limits.output_bytes, proc.stderr.fileno(): 64 * 1024}
    try:
        proc.stdin.write(payload)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # it died at once; its exit code and stderr say why
    with selectors.DefaultSelector() as selector:
        for stream in (proc.stdout, proc.stderr):
            selector.register(stream, selectors.EVENT_READ)
        open_streams = 2
        while open_streams:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError(
                    f"grading took longer than {limits.notebook_timeout_seconds} s and was stopped"
                )
            for key, _ in selector.select(timeout=min(left, 1.0)):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                sizes[key.fd] += len(data)
                if key.fd == proc.stdout.fileno() and sizes[key.fd] > caps[key.fd]:
                    raise SandboxError(
                        f"the notebook's output is larger than {limits.output_bytes} bytes"
                    )
                if sizes[key.fd] <= caps[key.fd]:
                    chunks[key.fd].append(data)
    proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    return b"".join(chunks[proc.stdout.fileno()]), b"".join(chunks[proc.stderr.fileno()])


def parse_reply(out: bytes, err: bytes, returncode: int | None) -> dict:
    try:
        reply = json.loads(out)
    except ValueError:
        reply = None
    if not isinstance(reply, dict) or not isinstance(reply.get("cells"), list):
        raise SandboxError(
            f"the grading sandbox stopped (exit code {returncode}) before sending back a result",
            detail=err.decode(errors="replace")[-4000:],
        )
    return reply
