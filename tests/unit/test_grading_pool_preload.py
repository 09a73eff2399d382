"""What a warm sandbox imports in advance, and how much of a cell's output comes back."""

from __future__ import annotations

import json

import nbformat

from isoko.grading.pool import DEFAULT_PRELOAD, course_preload
from isoko.grading.runner import cap_outputs, cell_output_budget
from isoko.grading.sandbox import Limits


def write_notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    path.write_text(nbformat.writes(nb))
    return path


def test_preload_is_the_defaults_and_the_instructors_installed_imports(tmp_path):
    notebook = write_notebook(
        tmp_path / "source.ipynb",
        "%matplotlib inline\nimport json, email.mime.text as mime\nfrom csv import reader",
        "from . import sibling\nimport no_such_module_anywhere_x1\n!pip list",
        "def later():\n    import sqlite3\n",
        "this is not python (",
    )
    modules = course_preload([notebook, tmp_path / "missing.ipynb"])
    installed_defaults = [m for m in DEFAULT_PRELOAD if m in modules]
    assert modules[: len(installed_defaults)] == installed_defaults
    assert "pandas" in modules  # installed with Isoko
    assert modules[len(installed_defaults) :] == ["json", "email.mime.text", "csv"]


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def test_small_outputs_come_back_whole():
    outputs = [
        stream("hello\n"),
        {
            "output_type": "execute_result",
            "data": {"text/plain": "2"},
            "metadata": {},
            "execution_count": 1,
        },
    ]
    assert cap_outputs(outputs, 10_000) == outputs


def test_a_long_print_keeps_its_head_and_says_how_much_was_cut():
    text = "".join(f"line {n}\n" for n in range(200_000))
    kept = cap_outputs([stream(text), stream("after\n")], 100_000)
    assert len(kept) == 1
    assert kept[0]["text"].startswith("line 0\nline 1\n")
    assert len(json.dumps(kept)) <= 100_000
    last = kept[0]["text"].splitlines()[-1]
    assert "more bytes of output were cut" in last and "100000" in last
    cut = int(last.strip("[").split()[0])
    assert cut >= len(text) - 100_000


def test_a_rich_output_that_does_not_fit_is_replaced_by_a_note():
    image = {"output_type": "display_data", "data": {"image/png": "A" * 50_000}, "metadata": {}}
    kept = cap_outputs([stream("before\n"), image], 10_000)
    assert kept[0] == stream("before\n")
    assert kept[1]["output_type"] == "stream" and "were cut" in kept[1]["text"]


def test_the_budget_shares_the_reply_between_cells():
    limits = Limits(output_bytes=4 * 1024**2)
    assert cell_output_budget(1, limits) == 1024**2
    assert cell_output_budget(40, limits) * 40 < limits.output_bytes
