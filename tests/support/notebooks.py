"""Running a lesson or an app notebook top to bottom in a fresh, isolated kernel.

The kernel imports ``isoko`` from this checkout and reads no Jupyter or IPython
configuration of the machine or of the person running the tests: its home and Jupyter
directories are temporary.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
#: The output type of a displayed widget.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def isolated_jupyter_env(root: Path) -> dict[str, str]:
    """Environment variables that keep Jupyter and IPython inside ``root`` (an empty home
    in ``root / "home"``, no configuration read from anywhere else)."""
    home = root / "home"
    home.mkdir(exist_ok=True)
    return {
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(root / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(root / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(root / "jupyter-runtime"),
        "IPYTHONDIR": str(root / "ipython"),
        "JUPYTER_NO_CONFIG": "1",
    }


def isolate_kernel(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Set the environment of kernels started by this test: isolated in ``root``,
    importing ``isoko`` from this checkout. Returns ``root``."""
    for name, value in isolated_jupyter_env(root).items():
        monkeypatch.setenv(name, value)
    # Lessons that plot need no display.
    monkeypatch.setenv("MPLBACKEND", "agg")
    paths = [str(REPO / "widgets"), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    return root


def run_notebook(path: Path, workdir: Path) -> nbformat.NotebookNode:
    """``path`` executed top to bottom in a new python3 kernel working in ``workdir``;
    the first cell that raises fails the test."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=60,
        startup_timeout=60,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    ).execute()
    return nb


def outputs(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Every output of every code cell, in order."""
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
