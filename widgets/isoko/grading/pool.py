"""Warm grading sandboxes: the cold start is paid once per sandbox, not per submission.

``WarmSandboxPool`` keeps ``workers`` sandboxes, each the same bubblewrap sandbox as
``sandbox.run_notebook`` starts (same binds, namespaces, clean environment, sandbox
account) but running ``isoko.grading.zygote``: Python, nbgrader, ipykernel and the
course's libraries are imported once, and each submission runs in processes forked
from that, one submission at a time per sandbox, with everything of the previous one
killed and wiped first (see the zygote's docstring). A thread per sandbox feeds it
submissions from one queue; ``submit`` returns a future that resolves to the same reply
as ``run_notebook`` or raises ``SandboxError`` as it would.

A sandbox that stops (a learner's code may kill its zygote: same account) fails only
the submission it was running, and a new one takes its place.
"""

from __future__ import annotations

import ast
import collections
import contextlib
import importlib.util
import json
import os
import queue
import selectors
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from itertools import count
from pathlib import Path

from isoko.grading.sandbox import (
    BWRAP,
    Limits,
    SandboxError,
    pack_input,
    parse_reply,
    sandbox_command,
)
from isoko.grading.zygote import READY, RETIRE

#: Imported in advance in every sandbox, when installed.
DEFAULT_PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot")
#: How long a sandbox may take to start and import everything (a loaded machine).
START_TIMEOUT_SECONDS = 180
#: The zygote stops a notebook at its time limit; past this margin, the whole sandbox is.
BACKSTOP_MARGIN_SECONDS = 30
#: What the grader keeps of a sandbox's standard error, for its log.
STDERR_TAIL_BYTES = 16 * 1024

STOPPED = "the grading sandbox stopped before sending back a result"
NO_ANSWER = "the grading sandbox did not answer in time"


def course_preload(notebooks: Iterable[Path]) -> list[str]:
    """Modules worth importing in advance: the defaults, and the modules the instructor's
    ``notebooks`` import at their top level, kept when their package is installed.

    Only ever called on the course's own notebooks (source or release), never on
    learners' submissions: what a zygote imports runs in every later job's memory.
    """
    wanted = list(DEFAULT_PRELOAD)
    for path in notebooks:
        try:
            nb = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
            if cell.get("cell_type") == "code":
                wanted += _imported_modules(cell.get("source", ""))
    kept: list[str] = []
    for name in wanted:
        if name in kept:
            continue
        try:
            # The top-level package only: finding a submodule would import its parents
            # here, in the grader.
            found = importlib.util.find_spec(name.split(".")[0]) is not None
        except (ImportError, ValueError):
            found = False
        if found:
            kept.append(name)
    return kept


def _imported_modules(source) -> list[str]:
    source = "".join(source) if isinstance(source, list) else str(source)
    # IPython magics and shell lines are not Python.
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    names = []
    for node in tree.body:  # top level only: imports inside functions may never run
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


class _Retired(Exception):
    """The sandbox will take no more jobs (it could not be wiped, or it stopped between
    jobs): the job goes to a new one, as if nothing had happened."""


class _Sandbox:
    """One warm sandbox: its zygote process, and the framing to talk to it."""

    def __init__(self, limits: Limits, account: str | None, preload: Sequence[str]):
        self.limits = limits
        command = sandbox_command(
            limits, account, module="isoko.grading.zygote", extra_args=[json.dumps(list(preload))]
        )
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.stderr_tail: collections.deque[bytes] = collections.deque()
        self._stderr_size = 0
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()
        self._buffer = b""
        self._ready = False
        self.reusable = True
        try:
            self.wait_ready()
        except (SandboxError, _Retired):
            self.kill()
            detail = self.detail()
            raise SandboxError("the grading sandbox could not start", detail=detail) from None

    def wait_ready(self) -> None:
        """Wait for the zygote's READY (after its start, or its wipe of the last job)."""
        if self._ready:
            return
        try:
            line = self._read_line(time.monotonic() + START_TIMEOUT_SECONDS)
        except SandboxError:
            raise _Retired from None
        if line != READY:
            if line != RETIRE:
                self.reusable = False
            raise _Retired
        self._ready = True

    def _drain_stderr(self) -> None:
        # Read always, keep the tail: a sandbox that writes a lot must not block on it.
        for chunk in iter(lambda: self.proc.stderr.read1(65536), b""):
            self.stderr_tail.append(chunk)
            self._stderr_size += len(chunk)
            while self._stderr_size > STDERR_TAIL_BYTES and len(self.stderr_tail) > 1:
                self._stderr_size -= len(self.stderr_tail.popleft())

    def detail(self) -> str:
        return b"".join(self.stderr_tail).decode(errors="replace")[-4000:]

    def _fill(self, deadline: float) -> None:
        """Read what the zygote has sent into the buffer; TimeoutError, EOFError."""
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                if selector.select(timeout=min(left, 1.0)):
                    break
        data = os.read(fd, 1024 * 1024)
        if not data:
            raise EOFError
        self._buffer += data

    def _read(self, size: int, deadline: float) -> bytes:
        """Exactly ``size`` bytes of the zygote's standard output, by ``deadline``."""
        while len(self._buffer) < size:
            self._fill(deadline)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _read_line(self, deadline: float) -> bytes:
        while b"\n" not in self._buffer:
            if len(self._buffer) > 200:
                raise SandboxError(STOPPED, detail="bad framing from the grading sandbox")
            try:
                self._fill(deadline)
            except EOFError:
                raise SandboxError(STOPPED, detail=self.detail()) from None
            except TimeoutError:
                raise SandboxError(NO_ANSWER, detail=self.detail()) from None
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line + b"\n"

    def run(self, job_id: int, payload: bytes) -> dict:
        """Grade one payload; raises ``SandboxError``, after which the sandbox is unusable
        unless ``reusable`` says otherwise."""
        limits = self.limits
        self.wait_ready()
        self._ready = self.reusable = False
        deadline = time.monotonic() + limits.notebook_timeout_seconds + BACKSTOP_MARGIN_SECONDS
        try:
            self.proc.stdin.write(f"JOB {job_id} {len(payload)}\n".encode() + payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SandboxError(STOPPED, detail=self.detail()) from None
        try:
            header = self._read_line(deadline)
        except SandboxError as err:
            if err.args[0] == NO_ANSWER:
                raise SandboxError(
                    f"grading took longer than {limits.notebook_timeout_seconds} s and was stopped"
                ) from None
            raise
        try:
            word, got_id, status, size = header.decode().split()
            size = int(size)
        except ValueError:
            raise SandboxError(STOPPED, detail=f"bad reply header {header[:100]!r}") from None
        if word != "REPLY" or got_id != str(job_id) or size > limits.output_bytes:
            raise SandboxError(STOPPED, detail=f"bad reply header {header[:100]!r}")
        try:
            body = self._read(size, deadline)
        except EOFError:
            raise SandboxError(STOPPED, detail=self.detail()) from None
        except TimeoutError:
            raise SandboxError(STOPPED, detail="the reply stopped halfway") from None
        self.reusable = True
        if status == "timeout":
            raise SandboxError(
                f"grading took longer than {limits.notebook_timeout_seconds} s and was stopped"
            )
        if status == "toolarge":
            raise SandboxError(f"the notebook's output is larger than {limits.output_bytes} bytes")
        if status != "ok":
            raise SandboxError(STOPPED, detail=f"status {status}")
        return parse_reply(body, b"", 0)

    def stop(self, wait_seconds: float = 10) -> None:
        """End of input: the zygote kills its jobs and exits; past ``wait_seconds``, kill."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=wait_seconds)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        # sudo, then bubblewrap, dies; bubblewrap's --die-with-parent takes the rest.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.proc.kill()
        self.proc.wait()


class WarmSandboxPool:
    """``workers`` warm sandboxes grading submitted notebooks, one each at a time."""

    def __init__(
        self,
        limits: Limits,
        account: str | None,
        workers: int,
        preload: Sequence[str] = (),
    ):
        if not shutil.which(BWRAP):
            raise SandboxError(
                f"the grading sandbox needs bubblewrap at {BWRAP} (Debian package bubblewrap)"
            )
        # The same refusal as the cold path: never learner code as root.
        sandbox_command(limits, account)
        self.limits = limits
        self.account = account
        self.preload = list(preload)
        self._jobs: queue.Queue = queue.Queue()
        self._ids = count(1)
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"grading-sandbox-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, notebook: dict, workdir: Path) -> Future:
        """Grade ``notebook`` with ``workdir``'s files; the future holds the reply."""
        if self._closed:
            raise RuntimeError("the grading pool is closed")
        future: Future = Future()
        try:
            payload = pack_input(notebook, Path(workdir), self.limits)
        except SandboxError as err:
            future.set_exception(err)
            return future
        self._jobs.put((future, payload))
        return future

    def _work(self) -> None:
        sandbox: _Sandbox | None = None
        try:
            try:  # started before the first job comes: the imports overlap the packing
                sandbox = _Sandbox(self.limits, self.account, self.preload)
            except SandboxError:
                sandbox = None  # tried again, and reported, with the first job
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                future, payload = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if sandbox is None:
                        sandbox = _Sandbox(self.limits, self.account, self.preload)
                    try:
                        reply = sandbox.run(next(self._ids), payload)
                    except _Retired:
                        sandbox.kill()
                        sandbox = None
                        sandbox = _Sandbox(self.limits, self.account, self.preload)
                        reply = sandbox.run(next(self._ids), payload)
                except SandboxError as err:
                    if sandbox is not None and not getattr(sandbox, "reusable", False):
                        sandbox.kill()
                        sandbox = None  # the next job gets a new one
                    future.set_exception(err)
                except BaseException as err:  # never leave a future unresolved
                    if sandbox is not None:
                        sandbox.kill()
                        sandbox = None
                    future.set_exception(SandboxError(STOPPED, detail=repr(err)))
                else:
                    future.set_result(reply)
        finally:
            if sandbox is not None:
                sandbox.stop()

    def close(self) -> None:
        """Finish the submitted jobs, then stop every sandbox."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> WarmSandboxPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
