"""The real grading sandbox, without a hub: bubblewrap as a throwaway account.

As root (the usual test run) learner code runs as an account made for the test, as
the hub makes one; otherwise as the caller, inside the same namespaces. Notebooks are
named by what they do: use data, reach the network, loop forever, print without end,
kill the runner.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import subprocess
from pathlib import Path

import nbformat
import pytest

from isoko.grading.sandbox import BWRAP, Limits, SandboxError, run_notebook

pytestmark = pytest.mark.integration


def notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A title")]
        + [nbformat.v4.new_code_cell(source) for source in sources]
    )
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def sandbox_account():
    """A throwaway account that owns nothing, as the hub makes (as root); else none."""
    if not Path(BWRAP).exists():
        pytest.fail(f"bubblewrap is missing at {BWRAP}: `make install` installs it")
    if os.geteuid() != 0:
        yield None
        return
    name = f"t{secrets.token_hex(2)}-sandbox"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
    )
    try:
        yield name
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        subprocess.run(["userdel", name], capture_output=True)


def run(nb, folder: Path, account, **limits) -> dict:
    merged = {"cell_timeout_seconds": 10, "notebook_timeout_seconds": 120, **limits}
    return run_notebook(nb, folder, Limits(**merged), account)


def outputs_text(reply: dict) -> str:
    return json.dumps(reply["cells"])


def test_a_submission_runs_with_its_data_and_nothing_else(tmp_path, sandbox_account):
    (tmp_path / "orders.csv").write_text("qty\n3\n4\n")
    (tmp_path / "answers.ipynb").write_text("{}")
    reply = run(
        notebook(
            "import os, pandas\nprint(pandas.read_csv('orders.csv').qty.sum())",
            "print(sorted(os.listdir('.')), os.getuid())",
            "print(sorted(k for k in os.environ if 'TOKEN' in k or 'JUPYTERHUB' in k))",
        ),
        tmp_path,
        sandbox_account,
    )
    assert reply["error"] is None, reply
    texts = [c["outputs"][0]["text"] for c in reply["cells"][1:]]
    assert texts[0] == "7\n"
    assert texts[1].startswith("['orders.csv']")
    if sandbox_account:
        assert texts[1].split()[-1] == str(pwd.getpwnam(sandbox_account).pw_uid)
    assert texts[2] == "[]\n"


def test_no_network_inside(tmp_path, sandbox_account):
    reply = run(
        notebook(
            "import socket\n"
            "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
            "except OSError as err:\n    print('refused', type(err).__name__)"
        ),
        tmp_path,
        sandbox_account,
    )
    assert "refused" in outputs_text(reply)


def test_an_endless_loop_that_ignores_interrupts_is_stopped(tmp_path, sandbox_account):
    reply = run(
        notebook(
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
            "print('after')",
        ),
        tmp_path,
        sandbox_account,
        cell_timeout_seconds=3,
    )
    assert "longer than 3 s" in reply["error"]
    assert reply["cells"][1] is None and reply["cells"][2] is None


def test_huge_output_is_cut_off(tmp_path, sandbox_account):
    # The cell keeps the head of what it printed and a line saying how much was cut;
    # the cells after it run, and the whole reply stays under the limit.
    reply = run(
        notebook("for _ in range(200_000):\n    print('x' * 100)", "print('after')"),
        tmp_path,
        sandbox_account,
        output_bytes=1_000_000,
    )
    assert reply["error"] is None, reply
    flood = reply["cells"][1]["outputs"][0]["text"]
    assert flood.startswith("x" * 100 + "\n")
    assert "more bytes of output were cut" in flood.splitlines()[-1]
    # Under load the kernel may send one print in two stream messages: read them together.
    after = reply["cells"][2]["outputs"]
    assert "".join(o.get("text", "") for o in after if o.get("name") == "stdout") == "after\n"
    assert len(json.dumps(reply)) <= 1_000_000


def test_a_killed_runner_is_a_verdict_not_a_crash(tmp_path, sandbox_account):
    nb = notebook(
        "import os, signal\n"
        "for pid in os.listdir('/proc'):\n"
        "    if pid.isdigit() and int(pid) not in (1, os.getpid()):\n"
        "        try:\n            os.kill(int(pid), signal.SIGKILL)\n"
        "        except OSError:\n            pass",
    )
    with pytest.raises(SandboxError, match="before sending back a result"):
        run(nb, tmp_path, sandbox_account)
