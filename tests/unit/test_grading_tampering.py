"""Learner code that changes how answers are checked is found by reading it.

The tests of an assignment run in the learner's own Python: each cheat below makes a
wrong answer pass them (``test_the_cheats_work_when_nobody_reads_the_code`` shows it on
the pricing course's first question), and each is found. No solution of any course is.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from isoko.grading.tampering import instructors_reason, tampering

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "courses").glob("*/source/*/*.ipynb"))

#: A test cell as the courses write them: it imports the checks and aliases them.
TEST_CELL = """from isoko.checks import answers

answers.assert_function(1, seller_keeps_rwf, [((10, 1461, 0, 0), 14_610)])
### BEGIN HIDDEN TESTS
teacher = answers
teacher.assert_function(1, seller_keeps_rwf, [((12, 1318, 0.15, 0.0), 13_446.6)])
### END HIDDEN TESTS"""

WRONG = "def seller_keeps_rwf(*args):\n    return 0.0\n"

CHEATS = {
    "replaces a check": "answers.assert_function = lambda *a, **k: None",
    "replaces the hidden alias": "teacher.assert_function = print",
    "imports the checks": "from isoko.checks import answers as a\na.number = float",
    "imports them whole": "import isoko.checks.answers as a",
    "setattr": "setattr(answers, 'assert_function', print)",
    "vars": "vars(answers).update(assert_function=print)",
    "deletes a check": "del answers.assert_function",
    "a library's function": "import math\nmath.isclose = lambda *a, **k: True",
    "builtins module": "import builtins\nbuiltins.abs = lambda x: 0",
    "__builtins__": "__builtins__.abs = lambda x: 0",
    "sys.modules": "import sys\nsys.modules['isoko.checks.answers'].number = float",
    "exec": "exec('answers.assert' + '_function = print')",
    "__import__": "m = __import__('isoko.checks.answers')",
    "importlib": "import importlib",
    "a builtin the tests call": "def isinstance(*args):\n    return True",
    "a builtin by assignment": "abs = lambda x: 0",
    "a function's globals": "seller_keeps_rwf.__globals__['x'] = 1",
    "after a magic": "%time x = 1\nimport builtins",
    "the shell's hooks": "get_ipython().events.register('post_run_cell', print)",
    "IPython": "from IPython import get_ipython as shell",
}


def notebook(answer: str, test: str = TEST_CELL) -> nbformat.NotebookNode:
    """A learner's answer cell followed by a test cell, nbgrader's metadata on both."""
    answer_cell = nbformat.v4.new_code_cell(answer)
    answer_cell.metadata["nbgrader"] = {"grade_id": "seller_keeps_rwf", "solution": True}
    test_cell = nbformat.v4.new_code_cell(test)
    test_cell.metadata["nbgrader"] = {"grade_id": "test_q1", "grade": True, "points": 2}
    return nbformat.v4.new_notebook(cells=[answer_cell, test_cell])


@pytest.mark.parametrize("cheat", list(CHEATS.values()), ids=list(CHEATS))
def test_each_cheat_is_found_with_its_cell_and_line(cheat):
    found = tampering(notebook(WRONG + cheat))
    assert found, cheat
    assert found[0].cell == "seller_keeps_rwf"
    assert found[0].line >= 3  # after the two lines of the wrong answer
    reason = instructors_reason(found)
    assert reason.startswith("code that can change how answers are checked (seller_keeps_rwf")
    assert "grade them by hand" in reason


def test_the_cheats_work_when_nobody_reads_the_code():
    """What the finding guards against: run as nbgrader runs it, the wrong answer passes."""
    from isoko.checks import answers

    saved = answers.assert_function
    try:
        for cheat in (CHEATS["replaces a check"], CHEATS["vars"], CHEATS["setattr"]):
            space: dict = {}
            exec(WRONG + "from isoko.checks import answers\n" + cheat, space)
            exec(TEST_CELL, space)  # no AssertionError: the test passed a wrong answer
            answers.assert_function = saved
    finally:
        answers.assert_function = saved
    with pytest.raises(AssertionError, match="Question 1"):
        exec(TEST_CELL, {"seller_keeps_rwf": lambda *args: 0.0})


@pytest.mark.parametrize("path", SOURCES, ids=[p.parent.name for p in SOURCES])
def test_no_solution_of_any_course_is_taken_for_a_cheat(path):
    nb = nbformat.read(path, as_version=4)
    assert tampering(nb) == []


def test_ordinary_code_is_not_a_cheat():
    ordinary = """import math
import numpy as np
import pandas as pd

pd.options.display.max_rows = 20
sales = pd.DataFrame({"price": [1, 2]})
sales.price = sales.price * 2
total = sum(abs(x) for x in [1, -2])


def packs(fee, margin):
    round = 2  # a local name, not the tests' round
    return math.ceil(fee / margin), round


%time packs(10, 3)
"""
    assert tampering(notebook(ordinary)) == []


def test_the_test_cells_themselves_are_not_the_learners():
    # the tests import the checks and alias them; nbgrader restores them anyway
    nb = notebook(WRONG, test=TEST_CELL + "\nimport builtins")
    assert tampering(nb) == []


def test_a_cell_that_is_not_python_is_left_to_fail_when_it_runs():
    assert tampering(notebook("def (:\n    answers.number = float")) == []


def test_an_unchanged_copy_of_a_test_is_not_a_cheat_and_an_edited_one_is():
    released = TEST_CELL.split("### BEGIN HIDDEN TESTS")[0]
    nb = notebook(WRONG)
    nb.cells.append(nbformat.v4.new_code_cell(released))  # duplicated by mistake
    assert tampering(nb) == []
    nb.cells.append(nbformat.v4.new_code_cell(released + "\nanswers.number = float"))
    found = tampering(nb)
    assert {t.cell for t in found} == {"cell 4"}
    assert "answers.number = ..." in [t.what for t in found]
