"""The formgrader's Autograde buttons: what the instructor reads, and which ids get through.

The runs themselves (``isoko grade`` on a real class) are tested on the real hub in
``tests/integration/test_formgrader_autograde.py``; here are the words and the checks.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from tornado.httputil import HTTPHeaders

from isoko.courses import autograde_run, formgrader_csp
from isoko.courses import formgrader_autograde as autograde

PAGE = (
    '<html><head><script src="/x/jquery.js"></script></head>'
    "<body><table><tbody id='main-table'></tbody></table></body></html>"
)
STATIC = "/services/pricing/formgrader/isoko/static"


def served(path: str, status: int = 200) -> tuple[HTTPHeaders, str]:
    """PAGE as it leaves the grader server: the panel's tags first, then the policy."""
    headers = HTTPHeaders(
        {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(PAGE))}
    )
    chunk = PAGE.encode()
    for transform in (autograde.AutogradeAllScript, formgrader_csp.FormgraderPolicy):
        status, headers, chunk = transform(SimpleNamespace(path=path)).transform_first_chunk(
            status, headers, chunk, True
        )
    return headers, chunk.decode()


def test_manage_submissions_loads_the_panel_from_the_service_under_the_pages_policy():
    headers, page = served("/services/pricing/formgrader/manage_submissions/a01-pricing-basics")
    policy = headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}" src="{STATIC}/autograde-all.js"></script>' in page
    assert f'<link rel="stylesheet" href="{STATIC}/autograde-all.css" />' in page
    # The policy lets the style sheet and the status requests through, from the service only.
    assert "style-src 'self'" in policy and "connect-src 'self'" in policy
    assert headers["Content-Length"] == str(len(page.encode()))


def test_other_pages_and_errors_do_not_get_the_panel():
    for path in (
        "/services/pricing/formgrader/manage_assignments",
        "/services/pricing/formgrader/manage_students",
        "/services/pricing/lab",
    ):
        assert "autograde-all" not in served(path)[1], path
    page = served("/services/pricing/formgrader/manage_submissions/a01", status=500)[1]
    assert "autograde-all" not in page


def test_the_script_and_style_sheet_are_installed_with_the_package():
    assert (autograde.STATIC_DIR / autograde.SCRIPT).is_file()
    assert (autograde.STATIC_DIR / autograde.STYLE).is_file()


@pytest.mark.parametrize("good", ["a01-pricing-basics", "learner1", "ps_1.2", "A9"])
def test_ids_a_course_can_have_pass(good):
    assert autograde.is_safe_id(good)


@pytest.mark.parametrize(
    "bad",
    [
        "../x",
        "..",
        ".hidden",
        "a01;rm",
        "a01 rm",
        "a/b",
        "-rf",
        "",
        "a$(id)",
        "a..b",
        "é",
        "x" * 101,
    ],
)
def test_paths_and_shell_words_are_refused(bad):
    assert not autograde.is_safe_id(bad)


def progress(**changes) -> dict:
    now = datetime.now(UTC).isoformat()
    return {
        "course": "pricing",
        "assignment": "a01",
        "state": "running",
        "pid": os.getpid(),
        "started_at": now,
        "updated_at": now,
        "total": 60,
        "done": 23,
        "skipped": 0,
        "eta_seconds": 13.2,
        "seconds": 9.0,
        "problems": [],
        "message": None,
        **changes,
    }


def test_a_running_count_says_how_many_and_the_time_left():
    assert (
        autograde_run.progress_sentence(progress(), running=True)
        == "Autograding: 23 of 60 done, about 14 s left"
    )
    assert autograde_run.progress_sentence(progress(eta_seconds=None), running=True).endswith(
        "working out the time left"
    )
    assert autograde_run.progress_sentence(progress(eta_seconds=125), running=True).endswith(
        "about 3 min left"
    )
    assert autograde_run.progress_sentence(None, running=True) == "Autograding: starting ..."


def test_the_end_says_how_it_went():
    done = progress(state="done", done=60, seconds=41.6, skipped=2)
    assert autograde_run.progress_sentence(done, running=False) == (
        "Autograded 60 of 60 in 42 s; 2 already graded, left as they were. No problems."
    )
    problem = {"student": "a", "notebook": "n.ipynb", "outcome": "rejected", "reason": "empty"}
    with_problem = progress(state="done", done=60, problems=[problem])
    assert autograde_run.progress_sentence(with_problem, running=False).endswith(
        "1 did not grade cleanly (below)."
    )
    failed = progress(state="failed", message="no such assignment")
    assert "failed after 23 of 60: no such assignment" in autograde_run.progress_sentence(
        failed, running=False
    )
    stopped = autograde_run.progress_sentence(progress(state="stopped"), running=False)
    assert stopped.startswith("Autograding stopped after 23 of 60.")


def test_a_run_whose_process_is_gone_is_not_running(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    assert autograde_run.is_running(progress())
    assert not autograde_run.is_running(progress(pid=gone.pid))
    assert not autograde_run.is_running(progress(state="done"))
    path = autograde_run.progress_file(tmp_path, "a01")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(progress(pid=gone.pid)))
    status = autograde_run.whole_run_status(tmp_path, "a01")
    assert status["running"] is False
    assert status["sentence"].startswith("Autograding stopped after 23 of 60.")


def test_the_status_lists_the_problems_and_what_to_do_with_a_rejected_one(tmp_path):
    problems = [
        {"student": "amina", "notebook": "p.ipynb", "outcome": "rejected", "reason": "empty file"},
        {"student": "jean", "notebook": "p.ipynb", "outcome": "graded", "reason": "timed out"},
    ]
    path = autograde_run.progress_file(tmp_path, "a01")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(progress(state="done", done=60, problems=problems)))
    status = autograde_run.whole_run_status(tmp_path, "a01")
    assert status["problems"] == problems
    assert "Ask the learner to submit again, collect, then autograde" in status["advice"]
    path.write_text(json.dumps(progress(state="done", done=60, problems=problems[1:])))
    assert autograde_run.whole_run_status(tmp_path, "a01")["advice"] is None


def report(**changes) -> dict:
    return progress(
        **{"state": "done", "total": 1, "done": 1, "eta_seconds": 0, "seconds": 2.5, **changes}
    )


def test_one_learner_graded_answers_success_in_nbgraders_shape(tmp_path):
    answer = autograde.one_learner_answer(0, report(), "", "a01", "amina", tmp_path)
    assert answer == {"success": True, "log": "Graded amina's a01 in 2.5 s.", "error": ""}
    said = "[AutogradeApp | WARNING] Attribute 'checksum' for cell t has changed!"
    logged = autograde.one_learner_answer(0, report(), said, "a01", "amina", tmp_path)
    assert logged["log"].endswith(said)


def test_the_page_gets_nbgraders_log_of_this_run_only(tmp_path):
    log = autograde.nbgrader_log_file(tmp_path, "a01")
    log.parent.mkdir(parents=True)
    log.write_text("an earlier run\n")
    start = log.stat().st_size
    with log.open("a") as more:
        more.write("this run\n")
    assert autograde.log_since(log, start) == "this run\n"
    assert autograde.log_since(tmp_path / "none.log", 0) == ""


def test_one_learner_rejected_answers_failure_with_the_reason(tmp_path):
    problems = [
        {"student": "amina", "notebook": "p.ipynb", "outcome": "rejected", "reason": "empty file"}
    ]
    answer = autograde.one_learner_answer(
        0, report(done=0, problems=problems), "", "a01", "amina", tmp_path
    )
    assert answer["success"] is False
    assert answer["error"] == "p.ipynb: rejected: empty file"
    assert "submit again" in answer["log"]


def test_one_learner_while_the_whole_assignment_grades_says_so(tmp_path):
    path = autograde_run.progress_file(tmp_path, "a01")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(progress()))
    answer = autograde.one_learner_answer(3, None, "", "a01", "amina", tmp_path)
    assert answer["success"] is False
    assert answer["error"].startswith("Autograding: 23 of 60 done")
    assert "Another autograde of a01 is running" in answer["error"]


def test_one_learner_with_nothing_collected_or_a_failed_run_is_a_failure(tmp_path):
    nothing = autograde.one_learner_answer(0, report(done=0), "", "a01", "amina", tmp_path)
    assert nothing["success"] is False and "collect it first" in nothing["error"]
    failed = autograde.one_learner_answer(1, None, "no such assignment", "a01", "x", tmp_path)
    assert failed["success"] is False and "no such assignment" in failed["error"]


def test_sqlalchemys_warnings_about_nbgraders_session_are_left_out_of_the_log():
    log = (
        "2026-12-03 01:00:34,966 INFO Creating/updating student with ID 'learner1': {}\n"
        "2026-12-03 01:00:35,033 WARNING /x/nbgrader/api.py:2229: SAWarning: Object of type "
        "<SubmittedAssignment> not in session\n  for notebook in submission.assignment.notebooks:"
        "\n\n"
        "2026-12-03 01:00:35,051 WARNING Attribute 'checksum' for cell t has changed!\n"
    )
    kept = autograde.without_library_noise(log)
    assert "SAWarning" not in kept and "submission.assignment.notebooks" not in kept
    assert "Creating/updating student" in kept and "'checksum' for cell t" in kept
    assert autograde.without_library_noise("no records at all") == "no records at all"


def test_a_run_that_cannot_grade_shows_why_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    """The installed ``isoko grade``, on a folder that is no nbgrader course."""
    monkeypatch.setattr(autograde_run, "_launches", {})
    launch = autograde_run.start_whole_run("pricing", tmp_path, "a01")
    autograde_run._launches[(str(tmp_path), "a01")] = launch
    launch.process.wait(timeout=300)
    deadline = time.monotonic() + 30
    while launch.exit_code is None and time.monotonic() < deadline:
        time.sleep(0.1)
    status = autograde_run.whole_run_status(tmp_path, "a01")
    assert status["running"] is False
    assert status["sentence"] == "Autograding a01 failed."
    assert status["error"].startswith("isoko grade stopped with exit code 1: isoko grade:")
    assert not launch.output.parent.exists()
