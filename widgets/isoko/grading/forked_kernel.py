"""The kernel of a warm grading sandbox, forked from the job process, and its client.

``isoko.grading.zygote`` imports ipykernel once; each job forks a ``PreforkedKernel``
before nbclient starts (no event loop, zmq context or thread in it yet), and nbclient
drives it through ``forked_kernel_manager_class`` exactly as it drives a stock kernel
started by ``python -m ipykernel_launcher``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

_PR_SET_DUMPABLE = 4

libc = ctypes.CDLL(None, use_errno=True)


def set_dumpable(dumpable: bool) -> None:
    """Not dumpable: no process of the same account may ptrace this one, or open its
    /proc files (mem, fd, environ); children forked from it inherit this until they exec.
    The kernel is made dumpable again: it holds nothing but its own learner's work, and
    a stock kernel may read its own /proc/self/mem."""
    if libc.prctl(_PR_SET_DUMPABLE, int(dumpable), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl(PR_SET_DUMPABLE, {int(dumpable)}) failed")


class PreforkedKernel:
    """A kernel process forked before nbclient starts (no event loop nor zmq context in
    it yet), that starts ipykernel once it is handed its connection file.

    Looks like the ``subprocess.Popen`` that jupyter_client's local provisioner keeps:
    ``pid``, ``poll``, ``wait``, ``send_signal``, ``kill``, ``terminate``.
    """

    stdin = stdout = stderr = None

    def __init__(self, cwd: Path):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(write_end)
                _kernel_main(read_end, cwd)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(1)
        os.close(read_end)
        self.pid = pid
        self.returncode: int | None = None
        self._go = write_end

    def start(self, kernel_args: list[str]) -> None:
        """Start ipykernel with ``kernel_args``, as after ``python -m ipykernel_launcher``."""
        os.write(self._go, json.dumps(kernel_args).encode())
        os.close(self._go)
        self._go = -1

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -signal.SIGKILL
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _kernel_main(go_fd: int, cwd: Path) -> None:
    """In the kernel process: wait for the connection file, then be ipykernel."""
    os.setsid()  # its own process group, as a launched kernel: interrupts reach it alone
    set_dumpable(True)
    os.chdir(cwd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    chunks = []
    while chunk := os.read(go_fd, 4096):
        chunks.append(chunk)
    os.close(go_fd)
    if not chunks:
        os._exit(0)  # nbclient never started it
    kernel_args = json.loads(b"".join(chunks))
    # As a kernel started by `python -m ipykernel_launcher -f FILE ...`.
    import importlib.util

    launcher = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *kernel_args]
    sys.dont_write_bytecode = True
    _working_folder_importable()
    _reseed_random()
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance(argv=kernel_args)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    else:
        code = 0
    _exit_as_python_does(code)


def _working_folder_importable() -> None:
    """As in a launched kernel, the learner's own modules in the working folder import.

    IPython adds '' to ``sys.path`` (before site-packages) unless Python runs with a safe
    path, as the zygote does (``-I``): add it the same way here."""
    if "" in sys.path:
        return
    for index, path in enumerate(sys.path):
        if os.path.basename(path) in ("site-packages", "dist-packages"):
            sys.path.insert(index, "")
            return
    sys.path.insert(0, "")


def _reseed_random() -> None:
    """Every kernel forked from one zygote would otherwise share numpy's random state."""
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _exit_as_python_does(code: int) -> None:
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def kernel_arguments(cmd: list[str], connection_file: str) -> list[str]:
    """The arguments ``cmd`` (the kernel spec's command) gives ipykernel's app."""
    for index, word in enumerate(cmd):
        if word == "ipykernel_launcher" and index and cmd[index - 1] == "-m":
            return list(cmd[index + 1 :])
    return ["-f", connection_file]


def _ready_kernel_client_class() -> type:
    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyKernelClient(AsyncKernelClient):
        """jupyter_client's client, told the kernel is ready without idling.

        The stock ``wait_for_ready`` waits for 0.2 s of silence on IOPub after the
        kernel_info reply, to be sure nothing of that request is left there: in a warm
        sandbox that silence was a third of a notebook's time. Here the kernel is ready
        once the reply to our kernel_info request has come on the shell channel and its
        ``idle`` status on IOPub (so IOPub is connected, and every message of the
        requests before it has been read: the kernel sends them in order). A kernel that
        has not connected IOPub yet misses that status; then, as the stock client does,
        ask again.
        """

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                msg_id = self.kernel_info()
                reply = await self._message_of(self.shell_channel, msg_id, "kernel_info_reply")
                if reply is not None and await self._message_of(self.iopub_channel, msg_id):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

        @staticmethod
        async def _message_of(channel, msg_id: str, msg_type: str = "status", seconds=1.0):
            """The ``msg_type`` message answering ``msg_id`` (for a status: ``idle``),
            or None after ``seconds`` without it."""
            from queue import Empty

            end = time.monotonic() + seconds
            while (left := end - time.monotonic()) > 0:
                try:
                    msg = await channel.get_msg(timeout=left)
                except Empty:
                    return None
                if msg["parent_header"].get("msg_id") != msg_id or msg["msg_type"] != msg_type:
                    continue
                if msg_type != "status" or msg["content"].get("execution_state") == "idle":
                    return msg
            return None

    return ReadyKernelClient


def forked_kernel_manager_class(kernel: PreforkedKernel) -> type:
    """An nbclient kernel manager class whose one kernel is ``kernel``."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner
    from traitlets import default

    ready_client = _ready_kernel_client_class()

    class ForkedProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, launching by handing the connection file
        to the pre-forked kernel: poll, signals, kill and wait act on its pid."""

        async def launch_kernel(self, cmd, **kwargs):
            kernel.start(kernel_arguments(cmd, self.parent.connection_file))
            self.process = kernel
            self.pid = self.pgid = kernel.pid
            self.cwd = kwargs.get("cwd") or os.getcwd()
            return self.connection_info

    class ForkedKernelManager(AsyncKernelManager):
        @default("client_factory")
        def _ready_client(self):
            return ready_client

        async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            """``now`` (the warm sandbox's immediate shutdown): SIGKILL and go on. The
            stock manager then polls every 0.1 s until the process is gone; the zygote
            kills and reaps every process of the job right after anyway."""
            if not now:
                return await super().shutdown_kernel(now=now, restart=restart)
            kernel.kill()
            await self._async_cleanup_resources(restart=restart)

        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.provisioner = ForkedProvisioner(
                    kernel_id=self.kernel_id or "forked",
                    kernel_spec=self.kernel_spec,
                    parent=self,
                )
            return await super()._async_pre_start_kernel(**kw)

    return ForkedKernelManager
