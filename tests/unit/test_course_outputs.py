"""`isoko course outputs` stores each lesson with its outputs, the way the course check
runs it; a lesson that fails is reported and left as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from isoko.courses.outputs import store_outputs


def make_course(root: Path) -> Path:
    course = root / "fees"
    (course / "lessons").mkdir(parents=True)
    (course / "data").mkdir()
    (course / "data" / "fee.txt").write_text("0.005\n")
    meta = {
        "slug": "fees",
        "title": "Fees",
        "lessons": ["lessons/01-fees.ipynb", "lessons/02-broken.ipynb"],
    }
    (course / "course.yaml").write_text(yaml.safe_dump(meta))
    good = new_notebook(
        cells=[
            new_markdown_cell("# Lesson 1: Fees"),
            # Read beside the course's data, as a learner's copy would.
            new_code_cell("rate = float(open('../data/fee.txt').read())\nprint(20000 * rate)"),
            new_code_cell(
                "from isoko.checks.self_check import check_number\n"
                "fee = ...\ncheck_number('the fee', fee, 100)"
            ),
            # One line printed in two pieces, which the kernel may send as two messages.
            new_code_cell(
                "import sys, time\nsys.stdout.write('RWF ')\nsys.stdout.flush()\n"
                "time.sleep(0.2)\nprint(100)"
            ),
        ]
    )
    broken = new_notebook(cells=[new_code_cell("print('before')"), new_code_cell("1 / 0")])
    nbformat.write(good, course / "lessons" / "01-fees.ipynb")
    nbformat.write(broken, course / "lessons" / "02-broken.ipynb")
    return course


def test_lessons_are_stored_with_outputs_and_a_broken_one_is_left_alone(tmp_path):
    course = make_course(tmp_path)
    broken_before = (course / "lessons" / "02-broken.ipynb").read_bytes()
    ids_before = [c.id for c in nbformat.read(course / "lessons" / "01-fees.ipynb", 4).cells]

    problems = store_outputs([course], log=lambda _line: None)

    assert [str(p) for p in problems] == [
        "fees/lessons/02-broken.ipynb: cell 2: raised ZeroDivisionError: division by zero"
    ]
    assert (course / "lessons" / "02-broken.ipynb").read_bytes() == broken_before
    nb = nbformat.read(course / "lessons" / "01-fees.ipynb", 4)
    nbformat.validate(nb)
    assert [c.id for c in nb.cells] == ids_before
    first, check = nb.cells[1].outputs, nb.cells[2].outputs
    assert [out.text for out in first] == ["100.0\n"]
    # The learner reads the feedback line alone, without a stray "False" under it.
    assert [out.get("text") for out in check] == [
        "… the fee: replace ... with your answer and run the cell again.\n"
    ]
    # However the kernel split it, a cell's printed text is stored as one output.
    assert [out.text for out in nb.cells[3].outputs] == ["RWF 100\n"]
    # Nothing that changes from one run to the next: a second run changes no byte.
    for cell in nb.cells:
        assert "execution" not in cell.metadata
    assert "widgets" not in nb.metadata
    stored = (course / "lessons" / "01-fees.ipynb").read_bytes()
    store_outputs([course], log=lambda _line: None)
    assert (course / "lessons" / "01-fees.ipynb").read_bytes() == stored


def test_the_command_reports_the_failed_lesson_and_fails(tmp_path):
    course = make_course(tmp_path)
    isoko = Path(sys.executable).with_name("isoko")
    result = subprocess.run(
        [str(isoko), "course", "outputs", str(course)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "fees/lessons/01-fees.ipynb: outputs stored" in result.stdout
    assert "FAIL fees/lessons/02-broken.ipynb: cell 2: raised ZeroDivisionError" in result.stdout
    assert "Lesson outputs: 1 lesson(s) failed to run" in result.stdout
