"""Grading a class: nbgrader's own Autograde, with the sandboxed runs done in parallel.

``grade_assignment`` loads the course's nbgrader configuration as ``nbgrader autograde``
does and runs ``PipelineAutograde``: nbgrader's ``Autograde`` converter, whose
``convert_notebooks`` keeps a few submissions in flight. For each one, in this process's
main thread:

1. prepare: nbgrader's ``init_destination`` and ``init_assignment`` (the gradebook's
   student, submission and timestamp), the sanitize pass of every notebook (the course's
   ``sanitize_preprocessors``, written to ``autograded/``); then each sanitized notebook
   goes to the sandbox pool, with the destination folder's files;
2. finish, as its runs come back (in the order they finish, so one endless loop holds
   up no one else): the autograde pass, the course's ``autograde_preprocessors`` with
   the execution step replaced by ``MergePoolReply`` (the pool's outputs merged exactly
   as ``SandboxedExecute`` merges them), so ``SaveAutoGrades``, late penalties and the
   rest run as configured; then ``set_permissions``.

Only this thread writes the gradebook. A journal (``isoko.grading.journal``) makes a
killed run resumable, and the progress file says how far it got.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter

from isoko.grading import intake
from isoko.grading.execute import SandboxedExecute, merge_outputs
from isoko.grading.journal import (
    DONE,
    FAILED,
    STARTED,
    Journal,
    RunLock,
    state_dir,
    utc_now,
    write_atomically,
)
from isoko.grading.nbgrader_speedups import nbgrader_speedups
from isoko.grading.sandbox import Limits, SandboxError

#: Exit codes of `isoko grade` (contract 2).
EXIT_OK, EXIT_CANNOT_GRADE, EXIT_USAGE, EXIT_ALREADY_GRADING, EXIT_STOPPED = 0, 1, 2, 3, 130


class CannotGrade(RuntimeError):
    """No such course folder or assignment, nothing collected, or nbgrader refused."""


def make_pool(limits: Limits, account: str | None, workers: int, cold: bool, course_dir: Path):
    """The sandbox pool the pipeline runs notebooks in (the one place to choose it).

    Warm (a zygote per sandbox that has imported the course's libraries) unless ``cold``:
    then a fresh sandbox and kernel for every notebook, as plain nbgrader pays.
    """
    if cold:
        from isoko.grading.cold_pool import ColdSandboxPool

        return ColdSandboxPool(limits, account, workers)
    from isoko.grading.pool import WarmSandboxPool, course_preload

    # The instructor's notebooks only, never a submission: see course_preload.
    preload = course_preload(sorted((course_dir / "source").glob("*/*.ipynb")))
    return WarmSandboxPool(limits, account, workers, preload)


def close_pool(pool, stopping: bool, futures: list[Future]) -> None:
    """Close ``pool``; when stopping, cancel what has not started, and stop what runs
    where the pool can (the cold one kills its sandboxes; the warm one finishes them)."""
    if stopping:
        for future in futures:
            future.cancel()
    from isoko.grading.cold_pool import ColdSandboxPool

    if isinstance(pool, ColdSandboxPool):
        pool.close(stop_running=stopping)
    else:
        pool.close()


# --------------------------------------------------------------------------- problems


@dataclass
class Problem:
    """One submission's notebook that did not grade cleanly (contract 3's shape)."""

    student: str
    notebook: str | None
    outcome: str  # "rejected" | "graded"
    reason: str


#: Errors in a learner's cell that mean it hit one of grading's walls, and what to say.
TIME = "a cell ran for longer than the time allowed and was stopped"
WALL_ERRORS = {
    "CellTimeoutError": TIME,
    "TimeoutError": TIME,
    "KeyboardInterrupt": TIME,  # how the kernel stops a cell at its time limit
    "MemoryError": "a cell used more memory than grading allows",
    "gaierror": "a cell tried to reach the network (grading has no network)",
    "ConnectionRefusedError": "a cell tried to reach the network (grading has no network)",
}
#: An ``OSError``'s words, by what its message says.
OS_ERRORS = {
    "Resource temporarily unavailable": "a cell started more processes than grading allows",
    "Network is unreachable": "a cell tried to reach the network (grading has no network)",
    "name resolution": "a cell tried to reach the network (grading has no network)",
    "Read-only file system": "a cell tried to write outside its own folder",
    "Permission denied": "a cell tried to write outside its own folder",
    "No such file or directory": "a cell tried to read a file grading does not give it",
}


#: What the sandbox (per cell) and nbgrader's LimitOutput write where they cut output.
OUTPUT_CUT_MARKS = ("more bytes of output were cut", "... Output truncated ...")
OUTPUT_CUT = "a cell printed more output than grading keeps; the rest was cut"


def _was_cut(text) -> bool:
    text = "".join(text) if isinstance(text, list) else str(text)
    return any(mark in text for mark in OUTPUT_CUT_MARKS)


def wall_words(ename: str, evalue: str) -> str | None:
    if ename in WALL_ERRORS:
        return WALL_ERRORS[ename]
    if ename.endswith("Error"):
        for fragment, words in OS_ERRORS.items():
            if fragment in evalue:
                return words
    return None


def wall_problems(nb) -> list[str]:
    """What grading's walls stopped in ``nb``'s cells, without quoting any test."""
    found: dict[tuple[str, str], str] = {}  # one line per wall and cell
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        is_test = meta.get("grade") and not meta.get("solution")
        where = f"cell {meta['grade_id']}" if meta.get("grade_id") else f"cell {index + 1}"
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and _was_cut(output.get("text", "")):
                found.setdefault(("cut", where), f"{OUTPUT_CUT} ({where})")
            if output.get("output_type") != "error":
                continue
            ename = str(output.get("ename", ""))
            evalue = " ".join(str(output.get("evalue", "")).split())
            words = wall_words(ename, "" if is_test else evalue)
            if not words:
                continue
            if is_test or not evalue:
                # A test's own message may quote a hidden test: name the error only.
                found.setdefault((words, where), f"{words} ({where}: {ename})")
            else:
                found.setdefault((words, where), f"{words} ({where}: {ename}: {evalue[:120]})")
    return list(found.values())


def reason_from_warning(message: str) -> str | None:
    """nbgrader's (and the sandbox's) warning for one notebook, in an instructor's words."""
    import re

    if m := re.match(r"Attribute 'checksum' for cell (\S+) has changed", message):
        return f"the test cell {m[1]} was changed; the instructor's version was graded"
    if m := re.match(
        r"Attribute 'cell_type' for cell (\S+) has changed! \(should be: (\w+), got: (\w+)\)",
        message,
    ):
        return f"cell {m[1]} was turned from {m[2]} into {m[3]}; it was graded as {m[2]}"
    if m := re.match(r"Attribute '(\w+)' for cell (\S+) has changed", message):
        return f"the {m[1]} of cell {m[2]} was changed; the instructor's was used"
    if m := re.match(r"Cell with id '(.+)' exists multiple times", message):
        return f"cell {m[1]} appears more than once; only its last copy was graded"
    if m := re.match(r"Cell '(.+)' does not exist in the database", message):
        return f"cell {m[1]} is not part of the assignment and was not graded"
    if m := re.match(r"Missing grade cell (\S+) encountered", message):
        return f"the grade cell {m[1]} was deleted; nbgrader put it back"
    if m := re.match(r"Grading sandbox: (.*)", message, re.S):
        return m[1]
    return None


class NotebookWarnings(logging.Handler):
    """Collects the warnings logged while one notebook is being processed."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.current: list[str] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.current is not None:
            # A badly formatted record must not stop grading.
            with contextlib.suppress(Exception):
                self.current.append(record.getMessage())


# --------------------------------------------------------------------------- the run


@dataclass
class RunState:
    """Everything the progress file says (contract 3)."""

    course: str
    assignment: str
    pid: int = field(default_factory=os.getpid)
    state: str = "running"
    started_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    total: int = 0
    done: int = 0
    skipped: int = 0
    eta_seconds: float | None = None
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    message: str | None = None
    #: Not in the file: how the skipped ones split, for the summary line.
    skipped_done: int = 0
    left_alone: int = 0

    def as_dict(self) -> dict:
        data = asdict(self)
        for private in ("skipped_done", "left_alone"):
            data.pop(private)
        return data


class Progress:
    """Keeps ``progress.json`` fresh (at least every second) and the bar moving."""

    def __init__(self, path: Path, state: RunState, bar=None):
        self.path = path
        self.state = state
        self.bar = bar
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep_fresh, daemon=True)

    def start(self) -> None:
        self.write()
        self._thread.start()

    def _keep_fresh(self) -> None:
        while not self._stop.wait(0.5):
            self.write()

    def write(self) -> None:
        with self._lock:
            state = self.state
            state.seconds = round(time.monotonic() - self._started, 2)
            state.updated_at = utc_now()
            if state.done and state.total > state.done:
                state.eta_seconds = round(
                    state.seconds / state.done * (state.total - state.done), 1
                )
            elif state.total and state.done >= state.total:
                state.eta_seconds = 0.0
            else:
                state.eta_seconds = None
            data = state.as_dict()
        write_atomically(self.path, data)

    def changed(self, advanced: int = 0) -> None:
        if self.bar is not None and advanced:
            self.bar.update(advanced)
        self.write()

    def finish(self, state: str, message: str | None = None) -> dict:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.state.state = state
        self.state.message = message
        if self.bar is not None:
            self.bar.close()
        self.write()
        return self.state.as_dict()


# --------------------------------------------------------------------------- nbgrader


class MergePoolReply(Preprocessor):
    """Takes ``Execute``'s place in the autograde pass: the pool's outputs, merged in.

    The pool ran the sanitized notebook this converter wrote; the notebook read back for
    the autograde pass must be that one, cell for cell, or nothing is merged.
    """

    def __init__(self, reply: dict, digest: str, **kwargs):
        # nbconvert skips a preprocessor that is not enabled: the tests would then pass
        # on a notebook without outputs.
        super().__init__(enabled=True, **kwargs)
        self.reply = reply
        self.digest = digest

    def preprocess(self, nb, resources):
        reply = self.reply
        if cells_digest(nb) != self.digest:
            reply = {"cells": [], "error": "the notebook changed after it was run; not graded"}
        problem = merge_outputs(nb, reply)
        if problem:
            self.log.warning("Grading sandbox: %s", problem)
        return nb, resources


def cells_digest(nb) -> str:
    cells = [[cell.get("cell_type"), cell.get("source")] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def is_execute_step(pp) -> bool:
    name = pp if isinstance(pp, str) else getattr(pp, "__name__", type(pp).__name__)
    return name.rsplit(".", 1)[-1] in ("Execute", "SandboxedExecute")


@dataclass
class Submission:
    student: str
    folder: str  # submitted/<student>/<assignment>, as nbgrader's glob found it
    notebooks: list[str]
    timestamp: str
    #: notebook path in submitted/ -> reason it was rejected
    rejected: dict[str, str] = field(default_factory=dict)
    #: notebook name -> (future, digest)
    runs: dict[str, tuple[Future, str]] = field(default_factory=dict)


class PipelineAutograde(Autograde):
    """nbgrader's ``Autograde``, sandboxed runs in a pool, gradebook writes in one thread."""

    def __init__(self, *args, run: GradingRunner, **kwargs):
        super().__init__(*args, **kwargs)
        self.pipeline_run = run
        self._reply: MergePoolReply | None = None

    def _init_preprocessors(self) -> None:
        if self._sanitizing or self._reply is None:
            return super()._init_preprocessors()
        self.exporter._preprocessors = []
        for pp in self.autograde_preprocessors:
            self.exporter.register_preprocessor(self._reply if is_execute_step(pp) else pp)

    def convert_notebooks(self) -> None:
        self.pipeline_run.grade_all(self)


def submitted_timestamp(folder: Path) -> str:
    path = folder / "timestamp.txt"
    return path.read_text().strip() if path.is_file() else ""


class GradingRunner:
    """One `isoko grade` run of one assignment: what to grade, the loop, the outcome."""

    def __init__(
        self,
        course: str,
        course_dir: Path,
        assignment: str,
        students: list[str],
        workers: int,
        force: bool,
        cold: bool,
        state: RunState,
        progress_bar_factory=None,
    ):
        self.course = course
        self.course_dir = course_dir
        self.assignment = assignment
        self.students = set(students)
        self.workers = workers
        self.force = force
        self.cold = cold
        self.state = state
        self.bar_factory = progress_bar_factory
        self.folder = state_dir(course_dir, assignment)
        self.journal = Journal(self.folder / "journal.jsonl")
        self.progress: Progress | None = None
        self.stopping = threading.Event()
        self.warnings = NotebookWarnings()

    # -- the loop ------------------------------------------------------------------

    def grade_all(self, conv: PipelineAutograde) -> None:
        conv.log.addHandler(self.warnings)
        try:
            self._grade_all(conv)
        finally:
            conv.log.removeHandler(self.warnings)

    def _plan(self, conv: PipelineAutograde) -> list[Submission]:
        planned = []
        for folder in sorted(conv.assignments):
            student = Path(folder).parent.name
            if self.students and student not in self.students:
                continue
            timestamp = submitted_timestamp(Path(folder))
            dest = Path(conv._format_dest(self.assignment, student))
            if not self.force:
                if self.journal.is_done(student, timestamp) and dest.exists():
                    self.state.skipped += 1
                    self.state.skipped_done += 1
                    continue
                if self.journal.was_interrupted(student):
                    # Half-written by a killed run: from a clean destination, as --force.
                    if dest.exists():
                        shutil.rmtree(dest)
                elif dest.exists() and student not in self.journal.latest:
                    old = submitted_timestamp(dest)
                    if not (timestamp and old and _newer(conv, Path(folder), dest)):
                        # Graded earlier by plain nbgrader: left alone, as nbgrader does.
                        self.state.skipped += 1
                        self.state.left_alone += 1
                        continue
            notebooks = sorted(conv.assignments[folder])
            planned.append(Submission(student, folder, notebooks, timestamp))
        return planned

    def _grade_all(self, conv: PipelineAutograde) -> None:
        waiting = deque(self._plan(conv))
        self.state.total = len(waiting)
        if self.bar_factory and self.state.total:
            self.progress.bar = self.bar_factory(self.state.total, self.state.skipped)
        self.progress.changed()
        if not waiting:
            return
        settings = SandboxedExecute(parent=conv)
        limits = settings.limits()
        pool = make_pool(
            limits, settings.sandbox_account or None, self.workers, self.cold, self.course_dir
        )
        in_flight: dict[str, Submission] = {}
        try:
            while (waiting or in_flight) and not self.stopping.is_set():
                while waiting and len(in_flight) < self.workers + 2 and not self.stopping.is_set():
                    sub = waiting.popleft()
                    if self._prepare(conv, sub, pool):
                        in_flight[sub.student] = sub
                    else:
                        self.progress.changed(1)
                if not in_flight:
                    continue
                futures = [f for sub in in_flight.values() for f, _ in sub.runs.values()]
                pending = [f for f in futures if not f.done()]
                if pending:
                    wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for student in [s for s, sub in in_flight.items() if _all_done(sub)]:
                    if self.stopping.is_set():
                        break
                    self._finish(conv, in_flight.pop(student))
                    self.progress.changed(1)
        finally:
            futures = [f for sub in in_flight.values() for f, _ in sub.runs.values()]
            close_pool(pool, self.stopping.is_set(), futures)
        # Stopped: what was in flight stays "started" in the journal, regraded next time.

    # -- one submission ------------------------------------------------------------

    def _fail(self, conv, sub: Submission, err: BaseException) -> None:
        """nbgrader's own handling of a failed submission: its destination is removed."""
        import traceback

        conv.log.error("There was an error processing assignment: %s", sub.folder)
        conv.log.error(traceback.format_exc())
        dest = os.path.normpath(conv._format_dest(self.assignment, sub.student))
        if os.path.exists(dest):
            conv.log.warning("Removing failed assignment: %s", dest)
            shutil.rmtree(dest)
        self.state.problems.append(
            Problem(
                sub.student, None, "rejected", f"nbgrader could not grade it: {_last_line(err)}"
            )
        )
        self.journal.record(sub.student, sub.timestamp, FAILED)
        self.state.done += 1

    def _prepare(self, conv: PipelineAutograde, sub: Submission, pool) -> bool:
        """Main thread: gradebook entries, sanitize, send to the pool. True if sent."""
        self.journal.record(sub.student, sub.timestamp, STARTED)
        conv.notebooks = list(sub.notebooks)
        conv._sanitizing = True
        try:
            if not conv.init_destination(self.assignment, sub.student):
                self.state.done += 1
                self.journal.record(sub.student, sub.timestamp, DONE)
                return False
            conv.run_pre_convert_hook()
            for path in sub.notebooks:
                reason = intake.rejection(Path(path))
                if reason:
                    sub.rejected[path] = reason
            conv.init_assignment(self.assignment, sub.student)
            sub.notebooks = [p for p in conv.notebooks if p not in sub.rejected]
            self._zero_rejected(conv, sub)
            dest = Path(conv._format_dest(self.assignment, sub.student))
            for path in sub.notebooks:
                name = Path(path).stem
                conv._sanitizing = True
                conv._init_preprocessors()
                with self._collecting(sub, name):
                    BaseConverter.convert_single_notebook(conv, path)
                sanitized = nbformat.read(dest / Path(path).name, as_version=4)
                future = pool.submit(sanitized, dest)
                sub.runs[name] = (future, cells_digest(sanitized))
        except Exception as err:
            self._fail(conv, sub, err)
            return False
        if not sub.runs:
            # Every notebook rejected: nothing to run, the gradebook already says zero.
            self._finish(conv, sub)
            return False
        return True

    def _finish(self, conv: PipelineAutograde, sub: Submission) -> None:
        """Main thread: the autograde pass with the pool's outputs; the gradebook commit."""
        dest = Path(conv._format_dest(self.assignment, sub.student))
        conv.notebooks = list(sub.notebooks)
        try:
            for path in sub.notebooks:
                name = Path(path).stem
                future, digest = sub.runs[name]
                try:
                    reply = future.result()
                except SandboxError as err:
                    if err.detail:
                        conv.log.warning("Grading sandbox said: %s", err.detail)
                    reply = {"cells": [], "error": str(err)}
                except Exception as err:  # the pool itself broke: the cells say so
                    reply = {"cells": [], "error": f"the grading sandbox failed ({err})"}
                conv._sanitizing = False
                conv._reply = MergePoolReply(reply, digest, parent=conv)
                try:
                    conv._init_preprocessors()
                    with self._collecting(sub, name), utils.setenv(NBGRADER_EXECUTION="autograde"):
                        BaseConverter.convert_single_notebook(conv, str(dest / Path(path).name))
                finally:
                    conv._sanitizing = True
                    conv._reply = None
                self._zero_deleted_grade_cells(conv, sub, name, dest / Path(path).name)
            conv.set_permissions(self.assignment, sub.student)
            conv.run_post_convert_hook()
        except Exception as err:
            self._fail(conv, sub, err)
            return
        self.journal.record(sub.student, sub.timestamp, DONE)
        self.state.done += 1

    # -- what nbgrader does not do by itself ---------------------------------------

    def _zero_rejected(self, conv, sub: Submission) -> None:
        """A rejected notebook scores as nbgrader scores a missing one: zero everywhere."""
        if not sub.rejected:
            return
        with Gradebook(conv.coursedir.db_url, conv.coursedir.course_id) as gb:
            for path, reason in sub.rejected.items():
                name = Path(path).stem
                try:
                    notebook = gb.find_submission_notebook(name, self.assignment, sub.student)
                except MissingEntry:
                    continue
                for grade in notebook.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                gb.db.commit()
                conv.log.warning("Rejected %s: %s", path, reason)
                self.state.problems.append(Problem(sub.student, name, "rejected", reason))

    def _zero_deleted_grade_cells(self, conv, sub: Submission, name: str, path: Path) -> None:
        """A grade cell the learner deleted scores zero, with that reason (nbgrader would
        leave its score empty, waiting for a manual grade that has nothing to grade)."""
        nb = nbformat.read(path, as_version=4)
        present = {
            cell.metadata.get("nbgrader", {}).get("grade_id")
            for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade")
        }
        deleted = []
        with Gradebook(conv.coursedir.db_url, conv.coursedir.course_id) as gb:
            notebook = gb.find_submission_notebook(name, self.assignment, sub.student)
            for grade in notebook.grades:
                if grade.cell.name not in present:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                    deleted.append(grade.cell.name)
            if deleted:
                gb.db.commit()
        reasons = [f"the grade cell {cell} was deleted; it scores zero" for cell in deleted]
        reasons += wall_problems(nb)
        self._add_reasons(sub, name, reasons)

    def _collecting(self, sub: Submission, name: str):
        runner = self

        class Collect:
            def __enter__(self):
                runner.warnings.current = []

            def __exit__(self, *exc):
                found = runner.warnings.current or []
                runner.warnings.current = None
                reasons = [r for r in (reason_from_warning(m) for m in found) if r]
                runner._add_reasons(sub, name, reasons)

        return Collect()

    def _add_reasons(self, sub: Submission, name: str, reasons: list[str]) -> None:
        if not reasons:
            return
        for problem in self.state.problems:
            if problem.student == sub.student and problem.notebook == name:
                known = problem.reason.split("; ")
                problem.reason = "; ".join(known + [r for r in reasons if r not in known])
                return
        unique = list(dict.fromkeys(reasons))
        self.state.problems.append(Problem(sub.student, name, "graded", "; ".join(unique)))


def _all_done(sub: Submission) -> bool:
    return all(future.done() for future, _ in sub.runs.values())


def _newer(conv, src: Path, dest: Path) -> bool:
    new = conv.coursedir.get_existing_timestamp(str(src))
    old = conv.coursedir.get_existing_timestamp(str(dest))
    return new is not None and old is not None and new > old


def _last_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return (text[-1] if text else type(err).__name__)[:200]


# --------------------------------------------------------------------------- entry


def load_nbgrader(course_dir: Path, assignment: str, log_file: Path):
    """nbgrader's autograde app, configured from the course folder as nbgrader does it."""
    from nbgrader.apps import AutogradeApp

    os.chdir(course_dir)
    # nbgrader's gradebook runs ``alembic`` from the PATH: this environment's own.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "/usr/bin:/bin")])
    app = AutogradeApp()
    app.initialize([assignment, f"--Autograde.force={False}"])
    app.coursedir.assignment_id = assignment
    # The console belongs to the progress bar; nbgrader's own log goes to a file.
    for handler in list(app.log.handlers):
        app.log.removeHandler(handler)
    handler = logging.FileHandler(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    app.log.addHandler(handler)
    app.log.setLevel(logging.INFO)
    app.log.propagate = False
    # nbgrader's gradebook warns through SQLAlchemy about its own session use; into the log.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").addHandler(handler)
    logging.getLogger("py.warnings").propagate = False
    return app


def check_assignment(course_dir: Path, assignment: str) -> None:
    if not (course_dir / "nbgrader_config.py").is_file():
        raise CannotGrade(f"{course_dir} is not an nbgrader course folder (no nbgrader_config.py)")
    if not (course_dir / "source" / assignment).is_dir():
        known = sorted(p.name for p in (course_dir / "source").glob("*") if p.is_dir())
        raise CannotGrade(
            f"no assignment {assignment!r} in this course"
            + (f": the assignments are {', '.join(known)}" if known else "")
        )
    if not list((course_dir / "submitted").glob(f"*/{assignment}/*.ipynb")):
        raise CannotGrade(
            f"Nothing to grade: no submissions collected for {assignment} "
            "(collect them in the formgrader first)"
        )


def grade_assignment(
    course: str,
    course_dir: Path,
    assignment: str,
    students: list[str] | None = None,
    workers: int | None = None,
    force: bool = False,
    cold: bool = False,
    progress_bar_factory=None,
) -> tuple[int, dict, int]:
    """Grade ``assignment``; return the exit code, the final progress dict, and how many
    submissions graded earlier by plain nbgrader were left alone.

    Raises ``CannotGrade`` (exit 1) before anything is written when there is nothing
    to grade, and ``AlreadyGrading`` (exit 3) when another run holds the lock.
    """
    course_dir = course_dir.resolve()
    check_assignment(course_dir, assignment)
    folder = state_dir(course_dir, assignment)
    lock = RunLock(folder / "lock", assignment)
    lock.acquire()
    state = RunState(course=course, assignment=assignment)
    progress = Progress(folder / "progress.json", state)
    runner = GradingRunner(
        course,
        course_dir,
        assignment,
        students or [],
        workers or os.cpu_count() or 1,
        force,
        cold,
        state,
        progress_bar_factory,
    )
    runner.progress = progress
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def stop(signum, frame):
        runner.stopping.set()

    for sig in previous:
        signal.signal(sig, stop)
    cwd = os.getcwd()
    try:
        progress.start()
        app = load_nbgrader(course_dir, assignment, folder / "nbgrader.log")
        converter = PipelineAutograde(coursedir=app.coursedir, parent=app, run=runner)
        converter.force = force
        converter.coursedir.student_id = "*"
        try:
            with nbgrader_speedups():
                converter.start()
        except Exception as err:
            final = progress.finish("failed", f"nbgrader could not grade: {_last_line(err)}")
            return EXIT_CANNOT_GRADE, final, state.left_alone
        if runner.stopping.is_set():
            final = progress.finish("stopped", "stopped before the end; run again to go on")
            return EXIT_STOPPED, final, state.left_alone
        return EXIT_OK, progress.finish("done"), state.left_alone
    finally:
        with contextlib.suppress(OSError):
            os.chdir(cwd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        lock.release()


def summary(report: dict, left_alone: int | None = None) -> str:
    done, seconds = report["done"], report["seconds"]
    rate = done / seconds if seconds else 0.0
    attention = len({(p["student"], p["notebook"]) for p in report["problems"]})
    line = (
        f"Graded {done} submission{'s' if done != 1 else ''} in {seconds:.0f} s "
        f"({rate:.1f} per second); {attention} need{'s' if attention == 1 else ''} "
        f"your attention"
    )
    if left_alone is not None:
        line += f"; {report['skipped'] - left_alone} already graded; {left_alone} left alone"
    return line


def problems_table(problems: list[dict]) -> str:
    if not problems:
        return ""
    rows = [("Learner", "Notebook", "Outcome", "Reason")] + [
        (p["student"], p["notebook"] or "-", p["outcome"], p["reason"]) for p in problems
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3])
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(lines)


def print_result(report: dict, left_alone: int, out=sys.stdout) -> None:
    table = problems_table(report["problems"])
    if table:
        print(table, file=out)
    print(summary(report, left_alone), file=out)
