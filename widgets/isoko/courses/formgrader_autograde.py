"""The formgrader's Autograde buttons run ``isoko grade``, the same pipeline as the command.

nbgrader 0.9.6's "Manage Submissions" page autogrades one learner through
``POST /formgrader/api/submission/<assignment>/<student>/autograde``, which runs
nbgrader's Autograde inside the formgrader's own process, one notebook at a time. This
extension, loaded by grader services only, takes that route over (Isoko's extensions load
before nbgrader's, so their routes are matched first) and adds a whole-assignment run:

- per learner: ``isoko grade <course> <assignment> --student <id> --force --course-dir
  <the formgrader's course folder> --report <temporary file> --quiet`` runs as a child
  process, and the answer keeps nbgrader's shape (``{"success", "log", "error"}``, as
  text, which the page parses itself) so nbgrader's page keeps working; a rejected
  submission is ``success: false`` with the reason as the error the page shows.
  ``--force`` because nbgrader's button regrades a graded submission too.
- whole assignment: ``POST /formgrader/api/isoko/autograde/<assignment>`` starts
  ``isoko grade <course> <assignment>`` in a session of its own, so neither a closed tab
  nor a restarted formgrader stops it; ``GET`` on the same address tells how it is going,
  from the progress file ``isoko grade`` rewrites at least every second. A second start
  while one runs starts nothing and answers with the running one. The run itself, and
  what its progress file says, are ``isoko.courses.autograde_run``'s.
- an "Autograde all" panel, a script and a style sheet served by the service itself and
  added to the Manage Submissions page before the page's Content-Security-Policy
  transform, so the script carries the page's nonce like the formgrader's own.

Every assignment and student id is checked before any process starts: it must look like
an id a course can have (letters, digits, ``_ . -``), so that neither a path (``../x``)
nor anything a shell would read (``a01;rm``) reaches a command line or the disk.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from nbgrader.server_extensions.formgrader.base import (
    BaseApiHandler,
    check_notebook_dir,
    check_xsrf,
)
from tornado import web
from tornado.web import OutputTransform, StaticFileHandler

from isoko.courses.autograde_run import (
    EXIT_BUSY,
    EXIT_DONE,
    REJECTED_ADVICE,
    isoko_command,
    progress_file,
    progress_sentence,
    read_progress,
    start_unless_running,
    whole_run_status,
)

STATIC_DIR = Path(__file__).with_name("static")
SCRIPT = "autograde-all.js"
STYLE = "autograde-all.css"
MANAGE_SUBMISSIONS_PAGE = re.compile(r"^(.*/formgrader)/manage_submissions/[^/]+/?$")

#: What a course, assignment or student id may look like: nbgrader makes folders of them
#: and ``isoko grade`` takes them as arguments. Hub names and the courses' assignments
#: all fit.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")

#: One learner's notebooks are bounded by the sandbox's own limits; this only keeps a
#: stuck grader from holding the request for ever (seconds).
ONE_LEARNER_TIMEOUT = 1800
#: How much of nbgrader's log of one learner's run the page shows (bytes).
LOG_LIMIT = 64_000


def is_safe_id(value: str) -> bool:
    return SAFE_ID.fullmatch(value) is not None and ".." not in value


class AutogradeAllHandler(BaseApiHandler):
    """``POST`` starts grading the whole assignment; ``GET`` tells how it goes."""

    def _checked(self, assignment: str) -> tuple[str, Path]:
        course = self.coursedir.course_id
        if not is_safe_id(assignment) or not is_safe_id(course):
            raise web.HTTPError(400, "not an assignment id")
        return course, Path(self.coursedir.root)

    @web.authenticated
    @check_xsrf
    @check_notebook_dir
    def get(self, assignment: str) -> None:
        course, course_dir = self._checked(assignment)
        self.set_header("Cache-Control", "no-store")
        self.finish({**whole_run_status(course_dir, assignment), "course": course})

    @web.authenticated
    @check_xsrf
    @check_notebook_dir
    def post(self, assignment: str) -> None:
        course, course_dir = self._checked(assignment)
        if assignment not in self._assignments():
            raise web.HTTPError(404, f"{course} has no assignment {assignment}")
        status, started = start_unless_running(course, course_dir, assignment, self.log)
        self.set_status(202 if started else 200)
        self.finish({**status, "course": course, "started": started})

    def _assignments(self) -> set[str]:
        return {a.name for a in self.gradebook.assignments}


def nbgrader_log_file(course_dir: Path, assignment: str) -> Path:
    """Where ``isoko grade`` keeps nbgrader's own log of an assignment's runs."""
    return progress_file(course_dir, assignment).with_name("nbgrader.log")


def log_since(path: Path, offset: int) -> str:
    """What was added to ``path`` after ``offset`` bytes, at most ``LOG_LIMIT`` of it."""
    try:
        with path.open("rb") as log:
            log.seek(max(offset, log.seek(0, os.SEEK_END) - LOG_LIMIT))
            return log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


#: The start of each record of nbgrader's log as ``isoko grade`` writes it.
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ", re.M)


def without_library_noise(log: str) -> str:
    """nbgrader's log without SQLAlchemy's warnings about nbgrader's own session use.

    They say nothing about a submission, and a warning in this log should mean one: a
    normal autograde shows none (nbgrader's in-process Autograde never logged them).
    """
    starts = [m.start() for m in LOG_RECORD.finditer(log)]
    if not starts:
        return log
    records = [log[: starts[0]]] + [
        log[start:end] for start, end in zip(starts, [*starts[1:], len(log)], strict=True)
    ]
    return "".join(record for record in records if "SAWarning:" not in record)


async def grade_one(course: str, course_dir: Path, assignment: str, student: str) -> dict:
    """Grade one learner's submission with ``isoko grade``; nbgrader's answer shape."""
    nbgrader_log = nbgrader_log_file(course_dir, assignment)
    try:
        log_start = nbgrader_log.stat().st_size
    except OSError:
        log_start = 0
    with tempfile.TemporaryDirectory(prefix="isoko-autograde-") as folder:
        report_path = Path(folder) / "report.json"
        process = await asyncio.create_subprocess_exec(
            isoko_command(),
            "grade",
            course,
            assignment,
            "--student",
            student,
            "--force",
            "--course-dir",
            str(course_dir),
            "--report",
            str(report_path),
            "--quiet",
            cwd=course_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), ONE_LEARNER_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            return {
                "success": False,
                "log": "",
                "error": f"Grading {student} took more than {ONE_LEARNER_TIMEOUT} s and was "
                "stopped.",
            }
        report = read_progress(report_path)
    # The page shows nbgrader's log of the run, as nbgrader's own Autograde did (the
    # warnings about changed test cells are in it), after what isoko grade printed.
    log = output.decode("utf-8", errors="replace")
    nbgrader_said = without_library_noise(log_since(nbgrader_log, log_start)).strip()
    if nbgrader_said:
        log = f"{log.rstrip()}\n\nnbgrader's log:\n{nbgrader_said}".lstrip()
    return one_learner_answer(process.returncode, report, log, assignment, student, course_dir)


def one_learner_answer(
    exit_code: int | None,
    report: dict | None,
    log: str,
    assignment: str,
    student: str,
    course_dir: Path,
) -> dict:
    """nbgrader's ``{"success", "log", "error"}`` for one learner's ``isoko grade`` run."""
    if exit_code == EXIT_BUSY:
        running = read_progress(progress_file(course_dir, assignment))
        where = progress_sentence(running, True) if running else "Autograding is running"
        return {
            "success": False,
            "log": log,
            "error": f"{where}. Another autograde of {assignment} is running: it grades "
            f"{student} too, or autograde {student} again when it has finished.",
        }
    if exit_code != EXIT_DONE or report is None:
        return {
            "success": False,
            "log": log,
            "error": f"isoko grade could not grade {student} (exit code {exit_code}).\n{log}",
        }
    mine = [p for p in report.get("problems") or [] if p.get("student") == student]
    rejected = [p for p in mine if p.get("outcome") == "rejected"]
    notes = [_problem_line(p) for p in mine]
    if rejected:
        return {
            "success": False,
            "log": "\n".join([*notes, REJECTED_ADVICE, "", log]).strip(),
            "error": "\n".join(_problem_line(p) for p in rejected),
        }
    if not report.get("done") and not report.get("skipped"):
        return {
            "success": False,
            "log": log,
            "error": f"{student} has no collected submission of {assignment} to grade: "
            "collect it first.",
        }
    graded = f"Graded {student}'s {assignment} in {float(report.get('seconds') or 0):.1f} s."
    return {"success": True, "log": "\n".join([graded, *notes, "", log]).strip(), "error": ""}


def _problem_line(problem: dict) -> str:
    notebook = problem.get("notebook") or "the submission"
    return f"{notebook}: {problem.get('outcome')}: {problem.get('reason')}"


class AutogradeOneHandler(BaseApiHandler):
    """nbgrader's per-learner Autograde, through ``isoko grade``."""

    @web.authenticated
    @check_xsrf
    @check_notebook_dir
    async def post(self, assignment: str, student: str) -> None:
        course = self.coursedir.course_id
        if not (is_safe_id(assignment) and is_safe_id(student) and is_safe_id(course)):
            self.set_status(400)
            self.write(
                json.dumps(
                    {
                        "success": False,
                        "log": "",
                        "error": "That is not an assignment and student id a course can have.",
                    }
                )
            )
            return
        self.log.info("Autograde: isoko grade %s %s --student %s", course, assignment, student)
        answer = await grade_one(course, Path(self.coursedir.root), assignment, student)
        # As nbgrader's own handler answers: JSON as text, which its page parses.
        self.write(json.dumps(answer))


class AutogradeAllScript(OutputTransform):
    """Adds the Autograde all panel's script and style sheet to Manage Submissions.

    It runs before the page's Content-Security-Policy transform, which gives the tag the
    page's nonce like the formgrader's own.
    """

    def __init__(self, request) -> None:
        self.page = MANAGE_SUBMISSIONS_PAGE.match(request.path)

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if (
            self.page is None
            or status_code != 200
            or not finishing
            or not headers.get("Content-Type", "").startswith("text/html")
        ):
            return status_code, headers, chunk
        static = f"{self.page.group(1)}/isoko/static"
        style = f'<link rel="stylesheet" href="{static}/{STYLE}" />\n</head>'.encode()
        script = f'<script src="{static}/{SCRIPT}"></script>\n</body>'.encode()
        chunk = chunk.replace(b"</head>", style, 1).replace(b"</body>", script, 1)
        if "Content-Length" in headers:
            headers["Content-Length"] = str(len(chunk))
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    base_url = serverapp.web_app.settings["base_url"].rstrip("/")
    # Loaded before nbgrader's formgrader (extensions load in name order), so this
    # route is matched before nbgrader's AutogradeHandler for the same address.
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (
                f"{base_url}/formgrader/api/submission/([^/]+)/([^/]+)/autograde",
                AutogradeOneHandler,
            ),
            (f"{base_url}/formgrader/api/isoko/autograde/([^/]+)", AutogradeAllHandler),
            (
                f"{base_url}/formgrader/isoko/static/(.*)",
                StaticFileHandler,
                {"path": str(STATIC_DIR)},
            ),
        ],
    )


async def _start_jupyter_server_extension(serverapp) -> None:
    # Every extension has loaded by now, the policy's transform included: go before it.
    serverapp.web_app.transforms.insert(0, AutogradeAllScript)
