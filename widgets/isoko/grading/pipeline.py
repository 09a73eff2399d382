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
import os
import shutil
import signal
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter

from isoko.grading import intake
from isoko.grading.execute import MergePoolReply, SandboxedExecute, cells_digest, is_execute_step
from isoko.grading.journal import (
    DONE,
    FAILED,
    STARTED,
    Journal,
    RunLock,
    state_dir,
)
from isoko.grading.nbgrader_app import CannotGrade, check_assignment, load_nbgrader
from isoko.grading.nbgrader_speedups import nbgrader_speedups
from isoko.grading.problems import NotebookWarnings, Problem, reason_from_warning, wall_problems
from isoko.grading.report import Progress, RunState, print_result
from isoko.grading.sandbox import Limits, SandboxError

__all__ = [
    "EXIT_ALREADY_GRADING",
    "EXIT_CANNOT_GRADE",
    "EXIT_OK",
    "EXIT_STOPPED",
    "EXIT_USAGE",
    "CannotGrade",
    "grade_assignment",
    "make_pool",
    "print_result",
]

#: Exit codes of `isoko grade` (contract 2).
EXIT_OK, EXIT_CANNOT_GRADE, EXIT_USAGE, EXIT_ALREADY_GRADING, EXIT_STOPPED = 0, 1, 2, 3, 130


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
                self._after_autograde(conv, sub, name, dest / Path(path).name)
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

    def _after_autograde(self, conv, sub: Submission, name: str, path: Path) -> None:
        """What nbgrader does not do by itself, on the autograded notebook at ``path``."""
        nb = nbformat.read(path, as_version=4)
        reasons = self._zero_deleted_grade_cells(conv, sub, name, nb)
        self._add_reasons(sub, name, reasons + wall_problems(nb))

    def _zero_deleted_grade_cells(self, conv, sub: Submission, name: str, nb) -> list[str]:
        """A grade cell the learner deleted scores zero, with that reason (nbgrader would
        leave its score empty, waiting for a manual grade that has nothing to grade)."""
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
        return [f"the grade cell {cell} was deleted; it scores zero" for cell in deleted]

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
