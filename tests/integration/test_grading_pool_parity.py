"""Warm sandboxes grade as the cold path does, and two of them grade at the same time."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from isoko.grading.pool import WarmSandboxPool, course_preload
from isoko.grading.sandbox import BWRAP, Limits, run_notebook

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SALES = REPO / "courses" / "pricing" / "source" / "a02-price-from-sales-data"
LIMITS = Limits(cell_timeout_seconds=30, notebook_timeout_seconds=180)


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


def chart_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Sales"),
            nbformat.v4.new_code_cell(
                "import pandas as pd\nfrom IPython.display import HTML\n"
                "from isoko.sims._svg import line_chart\n"
                "orders = pd.read_csv('orders.csv')\norders.head(3)"
            ),
            nbformat.v4.new_code_cell(
                "by_channel = orders.groupby('channel')['packs'].sum()\nprint(by_channel)"
            ),
            nbformat.v4.new_code_cell(
                "daily = orders.groupby('date')['packs'].sum()\n"
                "HTML(line_chart(range(len(daily)), daily, x_label='day', y_label='packs'))"
            ),
            nbformat.v4.new_code_cell("import random\nrandom.random() != random.random()"),
            nbformat.v4.new_code_cell("import sys\nprint('x', file=sys.stderr)\n1 / 0"),
        ]
    )
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def comparable(reply: dict) -> list:
    """What a grade and its feedback depend on: counts, kinds and texts of the outputs."""
    cells = []
    for cell in reply["cells"]:
        if cell is None:
            cells.append(None)
            continue
        outputs = []
        for output in cell["outputs"]:
            data = output.get("data", {})
            outputs.append(
                (
                    output["output_type"],
                    output.get("name"),
                    output.get("text"),
                    output.get("ename"),
                    output.get("evalue"),
                    data.get("text/plain"),
                    data.get("text/html"),
                    sorted(data),
                )
            )
        cells.append((cell["execution_count"], outputs))
    return cells


def test_the_warm_pool_gives_the_cold_paths_outputs(sandbox_account, tmp_path):
    sales = tmp_path / "sales"
    shutil.copytree(SALES, sales)
    solution = nbformat.read(next(SALES.glob("*.ipynb")), as_version=4)
    preload = course_preload(SALES.glob("*.ipynb"))
    with WarmSandboxPool(LIMITS, sandbox_account, workers=1, preload=preload) as pool:
        warm = [pool.submit(nb, sales).result(timeout=600) for nb in (solution, chart_notebook())]
    cold = [run_notebook(nb, sales, LIMITS, sandbox_account) for nb in (solution, chart_notebook())]
    for warm_reply, cold_reply in zip(warm, cold, strict=True):
        assert warm_reply["error"] == cold_reply["error"]
        assert comparable(warm_reply) == comparable(cold_reply)
    # The chart came back as a picture, and the solution passed its own tests.
    assert "<svg" in json.dumps(warm[1]["cells"][3])
    assert "ZeroDivisionError" in json.dumps(warm[1]["cells"][5])
    assert not any(
        output["output_type"] == "error"
        for cell in warm[0]["cells"]
        if cell
        for output in cell["outputs"]
    )


def test_two_workers_grade_two_notebooks_at_the_same_time(sandbox_account, tmp_path):
    timed = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import os, time\nstart = time.time()\ntime.sleep(4)\n"
                "print(os.readlink('/proc/self/ns/pid'), start, time.time())"
            )
        ]
    )
    timed.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
    with WarmSandboxPool(LIMITS, sandbox_account, workers=2) as pool:
        # Both sandboxes started and warm, before the two timed jobs.
        warmups = [pool.submit(nbformat.v4.new_notebook(), tmp_path) for _ in range(4)]
        for future in warmups:
            future.result(timeout=600)
        futures = [pool.submit(timed, tmp_path) for _ in range(2)]
        lines = [f.result(timeout=600)["cells"][0]["outputs"][0]["text"].split() for f in futures]
    (sandbox_a, start_a, end_a), (sandbox_b, start_b, end_b) = lines
    assert sandbox_a != sandbox_b, "two jobs, two sandboxes"
    assert float(start_a) < float(end_b) and float(start_b) < float(end_a), lines
