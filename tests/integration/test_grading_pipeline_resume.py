"""`isoko grade` killed mid-run and started again; one run at a time; part of a class.

A real course folder and the installed `isoko grade`, as in
``test_grading_pipeline_class``. Learner code runs as a throwaway sandbox account.
"""

from __future__ import annotations

import json
import os
import pwd
import signal
import subprocess
import time

import pytest

from isoko.platform.unix import processes_of
from support.bad_submissions import BAD_SUBMISSIONS, answered
from support.grading_course import (
    ASSIGNMENT,
    BIN,
    cell_scores,
    env,
    grade,
    grade_rows,
    make_course,
    make_sandbox_account,
    progress,
    released,
    remove_sandbox_account,
    solutions,
    start_grade,
    submit,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sandbox_account():
    name = make_sandbox_account()
    yield name
    remove_sandbox_account(name)


def fill_class(course_dir) -> list[str]:
    """Eight learners: right, partly right, and two whose endless loop takes a while."""
    nb = json.loads(released(course_dir).read_text())
    right = solutions(course_dir)
    loop = BAD_SUBMISSIONS["infinite-loop"].build(nb, right)
    students = []
    for index in range(8):
        answers = dict(right)
        if index % 3 == 1:
            answers["break_even_packs"] = "break_even_packs = 1000"
        data = loop if index in (2, 5) else json.dumps(answered(nb, answers)).encode()
        student = f"learner{index}"
        submit(course_dir, student, data)
        students.append(student)
    return students


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def sandbox_processes(account) -> list[int]:
    return processes_of(pwd.getpwnam(account).pw_uid) if account else []


@pytest.mark.parametrize("pool", [[], ["--cold"]], ids=["warm", "cold"])
def test_a_killed_run_resumes_where_it_stopped(tmp_path, sandbox_account, pool):
    whole = make_course(tmp_path / "whole", sandbox_account)
    fill_class(whole)
    uninterrupted = grade(whole, ASSIGNMENT, "--quiet", "--workers", "1", *pool)
    assert uninterrupted.returncode == 0, uninterrupted.stderr

    course = make_course(tmp_path / "killed", sandbox_account)
    students = fill_class(course)
    first = start_grade(course, ASSIGNMENT, "--quiet", "--workers", "1", *pool)
    try:
        wait_for(lambda: (progress(course) or {}).get("done", 0) >= 2, 300, "2 graded")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed_at = progress(course)
    assert killed_at["state"] == "running" and killed_at["done"] < len(students)
    # The sandboxes of the killed run end with their notebook (at most a cell timeout
    # per cell), never to be left behind.
    wait_for(lambda: not sandbox_processes(sandbox_account), 120, "sandboxes gone")

    report_file = tmp_path / "report.json"
    second = grade(course, ASSIGNMENT, "--quiet", "--report", str(report_file), *pool)
    assert second.returncode == 0, second.stderr
    report = json.loads(report_file.read_text())
    assert report["state"] == "done"
    assert report["skipped"] >= 2 and report["skipped"] + report["done"] == len(students)
    assert f"; {report['skipped']} already graded; 0 left alone" in second.stdout
    assert cell_scores(course) == cell_scores(whole)
    assert grade_rows(course) == len(students) * 4  # no grade row twice


def test_one_run_at_a_time_and_a_stopped_run_says_so(tmp_path, sandbox_account):
    course = make_course(tmp_path, sandbox_account)
    students = fill_class(course)
    first = start_grade(course, ASSIGNMENT, "--quiet", "--workers", "1")
    try:
        wait_for(lambda: (progress(course) or {}).get("total"), 120, "the first run to start")
        second = grade(course, ASSIGNMENT, "--quiet")
        assert second.returncode == 3
        assert f"already grading {ASSIGNMENT} (process {first.pid}, started 20" in second.stderr
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 130, err
    stopped = progress(course)
    assert stopped["state"] == "stopped" and stopped["done"] < len(students)
    wait_for(lambda: not sandbox_processes(sandbox_account), 60, "sandboxes stopped")
    again = grade(course, ASSIGNMENT, "--quiet")
    assert again.returncode == 0, again.stderr
    assert set(cell_scores(course)) == set(students)
    assert grade_rows(course) == len(students) * 4


def test_only_the_learners_asked_for_and_what_nbgrader_graded_is_left_alone(
    tmp_path, sandbox_account
):
    course = make_course(tmp_path, sandbox_account)
    fill_class(course)
    plain = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--student", "learner7"],
        cwd=course,
        capture_output=True,
        text=True,
        env=env(),
        timeout=300,
    )
    assert plain.returncode == 0, plain.stderr
    by_nbgrader = cell_scores(course)["learner7"]

    run = grade(course, ASSIGNMENT, "--quiet", "--student", "learner0", "--student", "learner1")
    assert run.returncode == 0, run.stderr
    assert set(cell_scores(course)) == {"learner0", "learner1", "learner7"}
    assert "Graded 2 submissions" in run.stdout

    rest = grade(course, ASSIGNMENT, "--quiet")
    assert rest.returncode == 0, rest.stderr
    assert "Graded 5 submissions" in rest.stdout
    assert "; 2 already graded; 1 left alone" in rest.stdout
    assert cell_scores(course)["learner7"] == by_nbgrader

    forced = grade(course, ASSIGNMENT, "--quiet", "--force", "--student", "learner7")
    assert forced.returncode == 0, forced.stderr
    assert "Graded 1 submission in" in forced.stdout
    assert cell_scores(course)["learner7"] == by_nbgrader  # the same scores as nbgrader's
    assert grade_rows(course) == 8 * 4


def test_what_cannot_be_graded_is_said(tmp_path, sandbox_account):
    course = make_course(tmp_path, None if os.geteuid() else sandbox_account)
    empty = grade(course, ASSIGNMENT)
    assert empty.returncode == 1
    assert (
        f"Nothing to grade: no submissions collected for {ASSIGNMENT} "
        "(collect them in the formgrader first)" in empty.stderr
    )
    unknown = grade(course, "a99-nothing")
    assert unknown.returncode == 1
    assert f"no assignment 'a99-nothing' in this course: the assignments are {ASSIGNMENT}" in (
        unknown.stderr
    )
    nowhere = grade(tmp_path / "missing", ASSIGNMENT)
    assert nowhere.returncode == 1 and "no course folder at" in nowhere.stderr
