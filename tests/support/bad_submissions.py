"""Submissions that try to break grading, each named by what it does.

``BAD_SUBMISSIONS[name].build(released, answers)`` returns the bytes of the file a
learner submits, made from any released notebook of the courses (``released``, a
notebook as a dict) and the right answer of each answer cell (``answers``: grade id ->
source). Runtime fixtures put their bad code in ONE answer cell (the first) and answer
the rest right, so that a test can check cell by cell that only the offending question
scores zero. ``outcome`` is what grading must do ("graded": graded, some cells at zero
for ``reason``; "rejected": not graded) and ``reason`` a fragment of what the instructor
reads.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass

import nbformat


@dataclass(frozen=True)
class BadSubmission:
    build: Callable[[dict, dict[str, str]], bytes]
    outcome: str  # "graded" | "rejected"
    reason: str


def _meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answered(released: dict, answers: dict[str, str]) -> dict:
    nb = copy.deepcopy(released)
    for cell in nb["cells"]:
        if _meta(cell).get("solution") and _meta(cell).get("grade_id") in answers:
            cell["source"] = answers[_meta(cell)["grade_id"]]
    return nb


def _answer_cells(nb: dict) -> list[dict]:
    """Autograded answer cells (code, solution), in order."""
    return [c for c in nb["cells"] if c["cell_type"] == "code" and _meta(c).get("solution")]


def _test_cells(nb: dict) -> list[dict]:
    return [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and _meta(c).get("grade") and not _meta(c).get("solution")
    ]


def _dump(nb: dict) -> bytes:
    return json.dumps(nb, indent=1, ensure_ascii=False).encode()


def _with_first_answer(code: str, keep_answer: bool = True) -> Callable[[dict, dict], bytes]:
    """The bad ``code`` runs first in the first answer cell; the right answer after it
    (never reached when the bad code stops the cell)."""

    def build(released: dict, answers: dict[str, str]) -> bytes:
        nb = answered(released, answers)
        cell = _answer_cells(nb)[0]
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cell["source"] = code + ("\n" + source if keep_answer else "")
        return _dump(nb)

    return build


def malformed_json(released: dict, answers: dict[str, str]) -> bytes:
    data = _dump(answered(released, answers))
    return data[: len(data) // 2]


def empty_file(released: dict, answers: dict[str, str]) -> bytes:
    return b""


def old_notebook_format(released: dict, answers: dict[str, str]) -> bytes:
    nb = nbformat.from_dict(answered(released, answers))
    for cell in nb.cells:
        cell.pop("id", None)
    nb.nbformat_minor = 4
    return nbformat.writes(nbformat.convert(nb, 3), version=3).encode()


def deleted_grade_cell(released: dict, answers: dict[str, str]) -> bytes:
    nb = answered(released, answers)
    nb["cells"].remove(_test_cells(nb)[0])
    return _dump(nb)


def duplicated_grade_id(released: dict, answers: dict[str, str]) -> bytes:
    nb = answered(released, answers)
    test = _test_cells(nb)[0]
    twin = copy.deepcopy(test)
    twin.pop("id", None)
    if "id" in test:
        twin["id"] = test["id"] + "-copy"
    nb["cells"].insert(nb["cells"].index(test) + 1, twin)
    return _dump(nb)


def changed_test_cell(released: dict, answers: dict[str, str]) -> bytes:
    nb = answered(released, answers)
    _test_cells(nb)[0]["source"] = "assert True  # the test, made to pass"
    return _dump(nb)


def code_cell_turned_markdown(released: dict, answers: dict[str, str]) -> bytes:
    nb = answered(released, answers)
    cell = _answer_cells(nb)[0]
    cell["cell_type"] = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return _dump(nb)


def non_utf8_bytes(released: dict, answers: dict[str, str]) -> bytes:
    nb = answered(released, answers)
    cell = _answer_cells(nb)[0]
    cell["source"] = "# Prix payé au café\n" + "".join(cell["source"])
    return json.dumps(nb, indent=1, ensure_ascii=False).encode("latin-1", errors="replace")


READS_COURSE = """\
import glob
found = []
for pattern in ('/srv/**/gradebook.db', '/tmp/**/gradebook.db', '/home/**/gradebook.db',
                '/root/**/gradebook.db', '/srv/**/source/**/*.ipynb'):
    for path in glob.glob(pattern, recursive=True):
        found.append(path)
        print(path, open(path, 'rb').read(200))
print(open('../../source/a01-pricing-basics/pricing-basics.ipynb').read())
print(open('../../gradebook.db', 'rb').read(200))"""

WRITES_OUTSIDE = """\
for path in ('../../autograded-was-here', '/usr/local/was-here', '/home/was-here'):
    open(path, 'w').write('learner code was here')"""

NETWORK = """\
import socket
socket.create_connection(('pypi.org', 443), timeout=3).close()"""

INFINITE_LOOP = "while True:\n    pass"

MEMORY_BOMB = "blocks = []\nwhile True:\n    blocks.append(bytearray(256 * 1024**2))"

FORK_BOMB = """\
import os, time
while True:
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)"""

HUNDRED_MB = "for _ in range(1000):\n    print('x' * 100_000)"

KERNEL_DIES = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"

#: A wrong answer, and the tests' check replaced so that it passes (it would: see
#: test_grading_tampering); every test of the notebook then passes, hidden ones too.
PATCHES_THE_CHECKS = """\
from isoko.checks import answers
vars(answers).update(assert_function=lambda *args, **kwargs: None)


def seller_keeps_rwf(*args):
    return 0.0"""


BAD_SUBMISSIONS: dict[str, BadSubmission] = {
    "malformed-json": BadSubmission(malformed_json, "rejected", "not valid JSON"),
    "empty-file": BadSubmission(empty_file, "rejected", "empty"),
    "old-notebook-format": BadSubmission(
        old_notebook_format, "rejected", "old notebook format (version 3)"
    ),
    "deleted-grade-cell": BadSubmission(deleted_grade_cell, "graded", "was deleted"),
    "duplicated-grade-id": BadSubmission(duplicated_grade_id, "graded", "appears more than once"),
    "changed-test-cell": BadSubmission(changed_test_cell, "graded", "was changed"),
    "code-cell-turned-markdown": BadSubmission(
        code_cell_turned_markdown, "graded", "turned from code into markdown"
    ),
    "infinite-loop": BadSubmission(_with_first_answer(INFINITE_LOOP), "graded", "longer than"),
    "memory-bomb": BadSubmission(_with_first_answer(MEMORY_BOMB), "graded", "memory"),
    "fork-bomb": BadSubmission(_with_first_answer(FORK_BOMB), "graded", "processes"),
    "hundred-megabytes-of-output": BadSubmission(
        _with_first_answer(HUNDRED_MB), "graded", "output"
    ),
    "reads-course-source-and-gradebook": BadSubmission(
        _with_first_answer(READS_COURSE), "graded", "does not give it"
    ),
    "opens-network-connection": BadSubmission(_with_first_answer(NETWORK), "graded", "network"),
    "writes-outside-scratch": BadSubmission(
        _with_first_answer(WRITES_OUTSIDE), "graded", "outside its own folder"
    ),
    "non-utf8-bytes": BadSubmission(non_utf8_bytes, "rejected", "not UTF-8"),
    "kernel-dies-mid-run": BadSubmission(_with_first_answer(KERNEL_DIES), "graded", "kernel"),
    "patches-the-checks": BadSubmission(
        _with_first_answer(PATCHES_THE_CHECKS, keep_answer=False),
        "graded",
        "can change how answers are checked",
    ),
}
