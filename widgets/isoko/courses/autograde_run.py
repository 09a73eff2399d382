"""A whole-assignment ``isoko grade`` run started from the formgrader, and what it tells.

``start_whole_run`` starts ``isoko grade <course> <assignment>`` in a session of its own,
so neither a closed tab nor a restarted formgrader stops it; ``whole_run_status`` reads
the progress file it rewrites at least every second and says, in the instructor's words,
how it is going. The formgrader's handlers (``isoko.courses.formgrader_autograde``) serve
both.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

#: ``isoko grade`` exit codes (its contract): finished, could not grade, usage, busy.
EXIT_DONE, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3
#: How much of a failed run's output the instructor is shown (characters).
OUTPUT_TAIL = 4000

REJECTED_ADVICE = (
    "A rejected notebook was not run: it scores zero, as a missing one would. Ask the "
    "learner to submit again, collect, then autograde that learner (the flash icon on "
    "their row)."
)


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


def start_unless_running(course: str, course_dir: Path, assignment: str, log) -> tuple[dict, bool]:
    """Start a whole-assignment run unless one is running; its status, and whether it
    was started now (a second start while one runs starts nothing)."""
    key = (str(course_dir), assignment)
    with _launches_lock:
        status = whole_run_status(course_dir, assignment)
        started = not status["running"]
        if started:
            log.info("Autograde all: isoko grade %s %s", course, assignment)
            _launches[key] = start_whole_run(course, course_dir, assignment)
            status = whole_run_status(course_dir, assignment)
    return status, started
