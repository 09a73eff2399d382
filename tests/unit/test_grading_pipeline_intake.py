"""What `isoko grade` keeps and decides on its own: refusing files nbgrader cannot grade,
the journal a killed run leaves, the one-run lock, and the words an instructor reads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import nbformat
import pytest

from isoko.grading.intake import rejection
from isoko.grading.journal import DONE, STARTED, AlreadyGrading, Journal, RunLock
from isoko.grading.problems import reason_from_warning, wall_problems
from support.bad_submissions import BAD_SUBMISSIONS, answered


def released() -> dict:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("raise NotImplementedError()"),
            nbformat.v4.new_code_cell("assert answer() == 42"),
        ]
    )
    nb.cells[0].metadata["nbgrader"] = {
        "grade": False,
        "solution": True,
        "locked": False,
        "grade_id": "answer",
        "schema_version": 3,
    }
    nb.cells[1].metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "test_answer",
        "points": 1,
        "schema_version": 3,
    }
    return json.loads(nbformat.writes(nb))


ANSWERS = {"answer": "def answer():\n    return 42"}


@pytest.mark.parametrize(
    "name", [n for n, bad in BAD_SUBMISSIONS.items() if bad.outcome == "rejected"]
)
def test_each_rejected_fixture_is_refused_with_its_reason(tmp_path, name):
    path = tmp_path / "submitted.ipynb"
    path.write_bytes(BAD_SUBMISSIONS[name].build(released(), ANSWERS))
    before = path.read_bytes()
    reason = rejection(path)
    assert reason is not None and BAD_SUBMISSIONS[name].reason in reason
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "name", [n for n, bad in BAD_SUBMISSIONS.items() if bad.outcome == "graded"]
)
def test_each_graded_fixture_is_a_notebook_nbgrader_reads(tmp_path, name):
    path = tmp_path / "submitted.ipynb"
    path.write_bytes(BAD_SUBMISSIONS[name].build(released(), ANSWERS))
    assert rejection(path) is None


def test_a_right_answer_and_other_refusals(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(answered(released(), ANSWERS)))
    assert rejection(path) is None
    path.write_text('{"cells": []}')
    assert "not a Jupyter notebook" in rejection(path)
    path.write_text("[1, 2]")
    assert "not a Jupyter notebook" in rejection(path)
    path.write_text(json.dumps(answered(released(), ANSWERS)))
    assert "too large" in rejection(path, max_bytes=100)


def test_the_journal_survives_a_torn_last_line(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.record("ana", "2026-12-01 10:00:00", STARTED)
    journal.record("ana", "2026-12-01 10:00:00", DONE)
    journal.record("ben", "2026-12-01 10:00:00", STARTED)
    with (tmp_path / "journal.jsonl").open("a") as handle:
        handle.write('{"student": "ben", "timest')  # killed while writing
    again = Journal(tmp_path / "journal.jsonl")
    assert again.is_done("ana", "2026-12-01 10:00:00")
    assert not again.is_done("ana", "2026-12-02 09:00:00")  # a resubmission
    assert again.was_interrupted("ben") and not again.was_interrupted("ana")
    again.record("ben", "2026-12-01 10:00:00", DONE)  # a line after the torn one is read
    assert Journal(tmp_path / "journal.jsonl").is_done("ben", "2026-12-01 10:00:00")


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from isoko.grading.journal import RunLock\n"
            "RunLock(Path(sys.argv[1]), 'a01').acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)",
            str(tmp_path / "lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyGrading, match=rf"already grading a01 \(process {holder.pid}, "):
            RunLock(tmp_path / "lock", "a01").acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    lock = RunLock(tmp_path / "lock", "a01")
    lock.acquire()  # the kernel dropped the dead holder's lock
    lock.release()


def test_nbgrader_warnings_become_reasons_without_checksums():
    reason = reason_from_warning(
        "Attribute 'checksum' for cell test_q1 has changed! (should be: abc, got: def)"
    )
    assert reason == "the test cell test_q1 was changed; the instructor's version was graded"
    assert reason_from_warning("Student ana is 30 seconds late") is None


def test_walls_in_test_cells_are_named_without_their_message():
    nb = nbformat.from_dict(json.loads(json.dumps(released())))
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "error", ename="MemoryError", evalue="hidden: assert f(3) == 9", traceback=[]
        )
    ]
    nb.cells[0].outputs = [
        nbformat.v4.new_output(
            "error", ename="OSError", evalue="[Errno 30] Read-only file system: '/usr/x'"
        )
    ]
    found = wall_problems(nb)
    assert "outside its own folder (cell answer: OSError: [Errno 30]" in found[0]
    assert found[1] == "a cell used more memory than grading allows (cell test_answer: MemoryError)"
    assert "hidden" not in " ".join(found)
