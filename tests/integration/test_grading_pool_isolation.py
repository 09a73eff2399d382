"""Warm grading sandboxes, attacked: nothing of one submission reaches the next one
graded in the same sandbox, and nothing a submission does stops the others.

As root (the usual test run) learner code runs as a throwaway account made for the
test; otherwise as the caller, in the same namespaces. Most tests use one pool with one
sandbox, so that "the next job" really is the next job in the SAME sandbox.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from isoko.grading.pool import WarmSandboxPool
from isoko.grading.sandbox import BWRAP, Limits, SandboxError

pytestmark = pytest.mark.integration

LIMITS = Limits(cell_timeout_seconds=10, notebook_timeout_seconds=90, output_bytes=4 * 1024**2)


def notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def texts(reply: dict) -> list[str]:
    """Each code cell's printed text (stdout and stderr), '' for a cell that did not run."""
    return [
        "".join(o.get("text", "") for o in cell["outputs"] if o["output_type"] == "stream")
        if cell
        else ""
        for cell in reply["cells"]
    ]


def errors(reply: dict) -> list[str]:
    return [
        " ".join(
            f"{o['ename']}: {o['evalue']}" for o in c["outputs"] if o["output_type"] == "error"
        )
        if c
        else ""
        for c in reply["cells"]
    ]


@pytest.fixture(scope="module")
def sandbox_account():
    """A throwaway account that owns nothing, as the hub makes (as root); else none."""
    if not Path(BWRAP).exists():
        pytest.fail(f"bubblewrap is missing at {BWRAP}: `make install` installs it")
    if os.geteuid() != 0:
        yield None
        return
    name = f"t{secrets.token_hex(2)}-pool"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
    )
    try:
        yield name
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        subprocess.run(["userdel", name], capture_output=True)


@pytest.fixture(scope="module")
def pool(sandbox_account):
    with WarmSandboxPool(LIMITS, sandbox_account, workers=1, preload=["numpy"]) as pool:
        yield pool


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "orders.csv").write_text("qty\n3\n4\n")
    return tmp_path


def grade(pool, folder, *sources: str) -> dict:
    return pool.submit(notebook(*sources), folder).result(timeout=300)


HEALTHY = "import pandas\nprint('healthy', pandas.read_csv('orders.csv').qty.sum())"


def assert_healthy(pool, folder) -> None:
    reply = grade(pool, folder, HEALTHY)
    assert reply["error"] is None and texts(reply) == ["healthy 7\n"], reply


def test_a_job_leaves_nothing_behind_for_the_next_one(pool, folder):
    leave = grade(
        pool,
        folder,
        # files in /tmp, in the home, in /dev/shm, and in bubblewrap's own folders
        "import os\n"
        "for path in ('/tmp/left.txt', os.path.expanduser('~/left.txt'),\n"
        "             '/dev/shm/left.txt', '/etc/left.txt', '/left.txt'):\n"
        "    try:\n        open(path, 'w').write('left')\n"
        "    except OSError as err:\n        print('cannot write', path, err)",
        # a System V shared-memory segment
        "import ctypes\nlibc = ctypes.CDLL(None)\n"
        "print('shm id', libc.shmget(0x150C0, 4096, 0o1666))",
        # a daemon: double fork, its own session, writing on and on
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        while True:\n"
        "            with open('/tmp/daemon.log', 'a') as log:\n"
        "                log.write('alive\\n')\n"
        "            time.sleep(0.05)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\nprint('daemon started', os.path.exists('/tmp/daemon.log'))",
    )
    assert leave["error"] is None, leave
    assert "cannot write" not in texts(leave)[0], "the job could not even try"
    assert "shm id -1" not in texts(leave)[1]
    assert texts(leave)[2] == "daemon started True\n"

    look = grade(
        pool,
        folder,
        "import os, time\ntime.sleep(0.5)\n"
        "paths = ['/tmp/left.txt', os.path.expanduser('~/left.txt'), '/dev/shm/left.txt',\n"
        "         '/etc/left.txt', '/left.txt', '/tmp/daemon.log']\n"
        "print('found', [p for p in paths if os.path.exists(p)])",
        "print('segments', open('/proc/sysvipc/shm').read().splitlines()[1:])",
        "import os\nme = {os.getpid(), os.getppid(), 1}\n"
        "others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) not in me]\n"
        "print('others', len(others))",
    )
    assert look["error"] is None, look
    assert texts(look)[0] == "found []\n"
    assert texts(look)[1] == "segments []\n"
    # Besides the sandbox's init and the job's own runner and kernel: the zygote alone.
    assert texts(look)[2] == "others 1\n"


def test_a_job_cannot_find_the_previous_learners_notebook_in_its_memory(pool, folder):
    marker = f"ISOKO-LEAK-{secrets.token_hex(8)}"
    # Larger than the next job's, so that the next job's input does not simply take the
    # place of this one in memory that was freed, if it was ever read there.
    padding = "# " + "padding " * 5000
    first = grade(pool, folder, padding, f"secret = '{marker}'\nprint(secret)")
    assert texts(first) == ["", marker + "\n"]
    # The pattern is written so that it does not match itself in the job's memory.
    scan = grade(
        pool,
        folder,
        "import re\nfound = set()\nown = 'ISOKO-LEAK-' + 'ab' * 8\n"
        "pattern = re.compile(rb'ISOKO-LEAK-[0-9a-f]{16}')\n"
        "with open('/proc/self/maps') as maps, open('/proc/self/mem', 'rb', 0) as mem:\n"
        "    for line in maps:\n"
        "        fields = line.split()\n"
        "        if 'r' not in fields[1] or line.rstrip().endswith(('[vvar]', '[vsyscall]')):\n"
        "            continue\n"
        "        start, end = (int(x, 16) for x in fields[0].split('-'))\n"
        "        try:\n"
        "            mem.seek(start)\n"
        "            found.update(m.decode() for m in pattern.findall(mem.read(end - start)))\n"
        "        except (OSError, ValueError, OverflowError):\n"
        "            pass\n"
        "print('scanned', sorted(found))",
    )
    assert scan["error"] is None, scan
    assert texts(scan)[0].startswith("scanned"), scan
    # The scan works: it finds what this job itself holds, and nothing of the last one.
    assert "ISOKO-LEAK-" + "ab" * 8 in texts(scan)[0]
    assert marker not in texts(scan)[0]


def test_a_job_cannot_look_into_the_zygote_or_its_runner(pool, folder):
    reply = grade(
        pool,
        folder,
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "runner = os.getppid()\n"
        "zygote = int(open(f'/proc/{runner}/stat').read().rsplit(')', 1)[1].split()[1])\n"
        "for name, pid in (('zygote', zygote), ('runner', runner)):\n"
        "    results = []\n"
        "    for what in ('fd', 'mem', 'environ'):\n"
        "        try:\n"
        "            if what == 'fd':\n"
        "                os.listdir(f'/proc/{pid}/fd')\n"
        "            else:\n"
        "                open(f'/proc/{pid}/{what}', 'rb').read(1)\n"
        "            results.append(what + ' open')\n"
        "        except OSError as err:\n"
        "            results.append(what + ' denied')\n"
        "    attached = libc.ptrace(0x4206, pid, 0, 0) == 0\n"  # PTRACE_SEIZE: no stop
        "    results.append('ptrace attached' if attached else 'ptrace denied')\n"
        "    print(name, pid, *results)",
    )
    assert reply["error"] is None, reply
    lines = texts(reply)[0].splitlines()
    assert [line.split()[0] for line in lines] == ["zygote", "runner"], lines
    for line in lines:
        assert line.split()[2:] == [
            "fd",
            "denied",
            "mem",
            "denied",
            "environ",
            "denied",
            "ptrace",
            "denied",
        ], line


def test_a_job_that_kills_everything_it_sees_gets_an_error_and_the_next_is_graded(pool, folder):
    with pytest.raises(SandboxError, match="stopped before sending back a result"):
        grade(pool, folder, "import os\nos.kill(-1, 9)", "print('not reached')")
    assert_healthy(pool, folder)
    with pytest.raises(SandboxError, match="stopped before sending back a result"):
        grade(
            pool,
            folder,
            "import os\nrunner = os.getppid()\n"
            "zygote = int(open(f'/proc/{runner}/stat').read().rsplit(')', 1)[1].split()[1])\n"
            "os.kill(zygote, 9)\nimport time\ntime.sleep(5)",
        )
    assert_healthy(pool, folder)


def test_a_fork_bomb_is_stopped_and_the_next_job_is_graded(pool, folder):
    reply = grade(
        pool,
        folder,
        "import os\nstarted = 0\n"
        "try:\n"
        "    while True:\n"
        "        if os.fork() == 0:\n"
        "            import time\n"
        "            time.sleep(600)\n"
        "            os._exit(0)\n"
        "        started += 1\n"
        "except OSError as err:\n"
        "    print('stopped after', started, type(err).__name__)",
        "print('after')",
    )
    assert reply["error"] is None, reply
    assert texts(reply)[0].startswith("stopped after"), reply
    assert int(texts(reply)[0].split()[2]) < LIMITS.processes
    assert texts(reply)[1] == "after\n"
    assert_healthy(pool, folder)


def test_a_memory_bomb_fails_its_cell_only(pool, folder):
    reply = grade(pool, folder, "hog = bytearray(8 * 1024**3)", "print('after')")
    assert "MemoryError" in errors(reply)[0], reply
    assert texts(reply)[1] == "after\n"
    assert_healthy(pool, folder)


def test_an_endless_loop_is_interrupted_and_the_rest_runs(pool, folder):
    reply = pool.submit(notebook("while True:\n    pass", "print('after')"), folder).result(
        timeout=300
    )
    assert "KeyboardInterrupt" in errors(reply)[0], reply
    assert texts(reply)[1] == "after\n"
    assert_healthy(pool, folder)


def test_a_notebook_that_runs_past_its_time_is_stopped_and_the_next_is_graded(
    sandbox_account, folder
):
    limits = Limits(cell_timeout_seconds=30, notebook_timeout_seconds=4)
    with WarmSandboxPool(limits, sandbox_account, workers=1) as pool:
        slow = pool.submit(
            notebook(
                "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    time.sleep(1)"
            ),
            folder,
        )
        with pytest.raises(SandboxError, match="longer than 4 s"):
            slow.result(timeout=120)
        assert_healthy(pool, folder)


def test_a_flood_of_output_is_trimmed_to_its_first_megabyte(pool, folder):
    reply = grade(
        pool,
        folder,
        "import sys\nchunk = 'x' * 1023 + '\\n'\n"
        "for _ in range(100 * 1024):\n    sys.stdout.write(chunk)",
        "print('after')",
    )
    assert reply["error"] is None, reply
    flood = texts(reply)[0]
    assert flood.startswith("x" * 1023 + "\n")
    assert 512 * 1024 < len(flood) <= 1024**2
    assert "more bytes of output were cut" in flood.splitlines()[-1]
    assert texts(reply)[1] == "after\n"
    assert len(json.dumps(reply)) <= LIMITS.output_bytes
    assert_healthy(pool, folder)


def test_no_network_no_grader_files_no_writing_outside_tmp(pool, folder, tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    secret = course / "source" / "a01" / "answers.ipynb"
    secret.parent.mkdir(parents=True)
    secret.write_text("hidden tests")
    reply = grade(
        pool,
        folder,
        "import socket\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
        "    print('connected')\n"
        "except OSError as err:\n    print('refused', type(err).__name__)",
        f"print(open({str(secret)!r}).read())",
        "open('/usr/lib/written-by-a-learner', 'w')",
        "print('after')",
    )
    assert texts(reply)[0].startswith("refused"), reply
    assert "FileNotFoundError" in errors(reply)[1], reply
    assert "Read-only file system" in errors(reply)[2], reply
    assert not Path("/usr/lib/written-by-a-learner").exists()
    assert texts(reply)[3] == "after\n"
    assert_healthy(pool, folder)


def test_a_kernel_that_exits_mid_run_is_a_reason_and_the_next_job_is_graded(pool, folder):
    reply = grade(pool, folder, "print('before')", "import os\nos._exit(3)", "print('after')")
    assert texts(reply)[0] == "before\n"
    assert "kernel stopped" in reply["error"], reply
    assert reply["cells"][1] is None and reply["cells"][2] is None
    assert_healthy(pool, folder)


def test_a_job_runs_as_the_sandbox_account_with_its_files_only(pool, folder, sandbox_account):
    (folder / "helpers.py").write_text("ANSWER = 42\n")
    (folder / "other.ipynb").write_text("{}")
    reply = grade(
        pool,
        folder,
        "import os, helpers\nprint(sorted(os.listdir('.')), os.getuid(), helpers.ANSWER)",
    )
    assert reply["error"] is None, reply
    listing, uid, answer = texts(reply)[0].rsplit(" ", 2)
    assert listing == "['helpers.py', 'orders.csv']"
    assert answer == "42\n"
    if sandbox_account:
        assert uid == str(pwd.getpwnam(sandbox_account).pw_uid)


GRADER = """
import sys, time, nbformat
from pathlib import Path
from isoko.grading.pool import WarmSandboxPool
from isoko.grading.sandbox import Limits
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\\ntime.sleep(300)")])
nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
limits = Limits(cell_timeout_seconds=600, notebook_timeout_seconds=900)
pool = WarmSandboxPool(limits, sys.argv[1], workers=2)
pool.submit(nb, Path(sys.argv[2]))
print("grading", flush=True)
time.sleep(600)
"""


def test_a_killed_grader_leaves_no_sandbox_behind(sandbox_account, folder):
    if not sandbox_account:
        pytest.skip("as root only: the sandbox's processes are told apart by their account")

    def sandbox_processes() -> list[str]:
        found = subprocess.run(
            ["ps", "-u", sandbox_account, "-o", "pid=,args="], capture_output=True, text=True
        )
        return found.stdout.splitlines()

    assert sandbox_processes() == []
    grader = subprocess.Popen(
        [sys.executable, "-c", GRADER, sandbox_account, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert grader.stdout.readline() == "grading\n"
        # One sandbox busy with a job (zygote, job, kernel), one idle: both must go.
        for _ in range(600):
            if sum("isoko.grading.zygote" in p for p in sandbox_processes()) >= 4:
                break
            time.sleep(0.2)
        assert sum("isoko.grading.zygote" in p for p in sandbox_processes()) >= 4
    finally:
        grader.kill()
        grader.wait()
    for _ in range(300):
        if not sandbox_processes():
            break
        time.sleep(0.1)
    assert sandbox_processes() == []
