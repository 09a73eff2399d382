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
  while one runs starts nothing and answers with the running one.
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
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nbgrader.server_extensions.formgrader.base import (
    BaseApiHandler,
    check_notebook_dir,
    check_xsrf,
)
from tornado import web
from tornado.web import OutputTransform, StaticFileHandler

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
#: ``isoko grade`` exit codes (its contract): finished, could not grade, usage, busy.
EXIT_DONE, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3
#: How much of a failed run's output the instructor is shown (characters).
OUTPUT_TAIL = 4000
#: How much of nbgrader's log of one learner's run the page shows (bytes).
LOG_LIMIT = 64_000

REJECTED_ADVICE = (
    "A rejected notebook was not run: it scores zero, as a missing one would. Ask the "
    "learner to submit again, collect, then autograde that learner (the flash icon on "
    "their row)."
)


def is_safe_id(value: str) -> bool:
    return SAFE_ID.fullmatch(value) is not None and ".." not in value


def isoko_command() -> str:
    """The ``isoko`` command of the environment this server runs in."""
    return str(Path(sys.executable).with_name("isoko"))


def progress_file(course_dir: Path, assignment: str) -> Path:
    """Where ``isoko grade`` keeps the progress of ``assignment`` in a course folder."""
    return Path(course_dir) / ".isoko" / "grading" / assignment / "progress.json"


def read_progress(path: Path) -> dict | None:
    """The progress file's content; None if there is none (yet) or it cannot be read."""
    try:
        progress = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return progress if isinstance(progress, dict) else None


def process_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_running(progress: dict | None) -> bool:
    """Whether the run a progress file describes is still grading.

    A run killed hard cannot write that it stopped; its file still says "running", but
    its process is gone.
    """
    return (
        bool(progress) and progress.get("state") == "running" and process_alive(progress.get("pid"))
    )


def time_left(seconds: float | None) -> str:
    """``seconds`` said the way a person would, rounded up: "about 14 s left"."""
    if seconds is None or not math.isfinite(seconds):
        return "working out the time left"
    seconds = max(0, math.ceil(seconds))
    if seconds < 60:
        return f"about {seconds} s left"
    minutes = math.ceil(seconds / 60)
    return f"about {minutes} min left"


def progress_sentence(progress: dict | None, running: bool) -> str:
    """The line the instructor reads about a run ("Autograding: 23 of 60 done, ...")."""
    if not progress:
        return "Autograding: starting ..." if running else ""
    done, total = int(progress.get("done") or 0), int(progress.get("total") or 0)
    skipped = int(progress.get("skipped") or 0)
    already = f"; {skipped} already graded, left as they were" if skipped else ""
    state = progress.get("state")
    if running:
        return f"Autograding: {done} of {total} done, {time_left(progress.get('eta_seconds'))}"
    problems = progress.get("problems") or []
    if state == "done":
        seconds = float(progress.get("seconds") or 0)
        ending = f"{len(problems)} did not grade cleanly (below)." if problems else "No problems."
        return f"Autograded {done} of {total} in {seconds:.0f} s{already}. {ending}"
    if state == "failed":
        reason = progress.get("message") or "see the formgrader's log"
        return f"Autograding failed after {done} of {total}: {reason}"
    # "stopped", or a "running" file whose process is gone.
    return (
        f"Autograding stopped after {done} of {total}. Autograde all again grades "
        "the rest; nothing graded is lost."
    )


@dataclass
class Launch:
    """One whole-assignment run this server started, and how its process ended."""

    process: subprocess.Popen
    output: Path
    started: float = field(default_factory=time.time)
    exit_code: int | None = None
    #: The end of what the process printed, kept once it has exited.
    said: str = ""

    def output_tail(self) -> str:
        if self.exit_code is not None:
            return self.said
        try:
            with self.output.open("rb") as text:
                text.seek(0, os.SEEK_END)
                text.seek(max(0, text.tell() - OUTPUT_TAIL))
                return text.read().decode("utf-8", errors="replace")
        except OSError:
            return ""


#: The runs started by this server, by (course folder, assignment).
_launches: dict[tuple[str, str], Launch] = {}
_launches_lock = threading.Lock()


def start_whole_run(course: str, course_dir: Path, assignment: str) -> Launch:
    """Start ``isoko grade`` for every submission of ``assignment``, detached."""
    folder = Path(tempfile.mkdtemp(prefix="isoko-autograde-"))
    output = folder / "output.txt"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [
                isoko_command(),
                "grade",
                course,
                assignment,
                "--course-dir",
                str(course_dir),
                "--quiet",
            ],
            cwd=course_dir,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            # Its own session: no signal meant for the formgrader reaches it, and it
            # outlives the request, the tab and the formgrader itself.
            start_new_session=True,
        )
    launch = Launch(process=process, output=output)

    def reap() -> None:
        code = process.wait()
        launch.said = launch.output_tail()
        # Nothing of a run stays in the temporary folder once it has ended.
        shutil.rmtree(folder, ignore_errors=True)
        launch.exit_code = code

    threading.Thread(target=reap, name=f"isoko-grade-{assignment}", daemon=True).start()
    return launch


def whole_run_status(course_dir: Path, assignment: str) -> dict:
    """What the Autograde all panel shows: the sentence, the numbers, the problems."""
    progress = read_progress(progress_file(course_dir, assignment))
    launch = _launches.get((str(course_dir), assignment))
    running = is_running(progress)
    if launch is not None and not running and not _tells_of(progress, launch):
        if launch.exit_code is None:
            # Started, but not grading yet: the file still tells of an earlier run.
            running, progress = True, None
        elif launch.exit_code not in (EXIT_DONE, EXIT_BUSY):
            progress = None
    problems = (progress or {}).get("problems") or []
    status: dict = {
        "assignment": assignment,
        "running": running,
        "progress": progress,
        "sentence": progress_sentence(progress, running),
        "problems": problems,
        "advice": REJECTED_ADVICE
        if any(p.get("outcome") == "rejected" for p in problems)
        else None,
        "error": None,
    }
    failed = launch is not None and launch.exit_code not in (None, EXIT_DONE, EXIT_BUSY)
    if failed and (progress is None or progress.get("state") == "failed"):
        status["sentence"] = status["sentence"] or f"Autograding {assignment} failed."
        status["error"] = f"isoko grade stopped with exit code {launch.exit_code}: " + (
            launch.output_tail().strip() or "no output"
        )
    return status


def _tells_of(progress: dict | None, launch: Launch) -> bool:
    """Whether ``progress`` is the file of the run ``launch`` started."""
    if not progress:
        return False
    if progress.get("pid") == launch.process.pid:
        return True
    try:
        started = datetime.fromisoformat(str(progress.get("started_at")).replace("Z", "+00:00"))
    except ValueError:
        return False
    # The file's clock and ours are the same machine's; a second covers rounding.
    return started.timestamp() >= launch.started - 1


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
        key = (str(course_dir), assignment)
        with _launches_lock:
            status = whole_run_status(course_dir, assignment)
            started = not status["running"]
            if started:
                self.log.info("Autograde all: isoko grade %s %s", course, assignment)
                _launches[key] = start_whole_run(course, course_dir, assignment)
                status = whole_run_status(course_dir, assignment)
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
