"""What `isoko grade` keeps on disk, under ``<course dir>/.isoko/grading/<assignment>/``.

- ``journal.jsonl``: one JSON line per step of each submission, "started" before it is
  prepared and "done" once nbgrader's gradebook commit is made, with the submission's
  timestamp. Lines are appended and flushed to disk one by one, so a run killed at any
  moment leaves every complete line readable (a torn last line is ignored).
- ``progress.json``: the state of the run for the formgrader and the command line,
  rewritten whole through a temporary file and a rename, never seen half-written.
- ``lock``: one run per assignment holds an exclusive ``flock`` on it, and writes there
  who it is for the message a second run prints.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

STARTED, DONE, FAILED = "started", "done", "failed"


def state_dir(course_dir: Path, assignment: str) -> Path:
    return course_dir / ".isoko" / "grading" / assignment


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Entry:
    student: str
    timestamp: str
    state: str


class Journal:
    """The append-only record of which submissions were started and finished."""

    def __init__(self, path: Path):
        self.path = path
        self.latest: dict[str, Entry] = {}
        if path.exists():
            for line in path.read_bytes().splitlines():
                try:
                    record = json.loads(line)
                    entry = Entry(record["student"], record["timestamp"], record["state"])
                except (ValueError, KeyError, TypeError):
                    continue  # the torn last line of a killed run
                self.latest[entry.student] = entry

    def is_done(self, student: str, timestamp: str) -> bool:
        entry = self.latest.get(student)
        return entry is not None and entry.state == DONE and entry.timestamp == timestamp

    def was_interrupted(self, student: str) -> bool:
        """Started by a run that never finished it: its destination may be half-written."""
        entry = self.latest.get(student)
        return entry is not None and entry.state != DONE

    def record(self, student: str, timestamp: str, state: str) -> None:
        line = json.dumps(
            {"student": student, "timestamp": timestamp, "state": state, "at": utc_now()}
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            # A torn line from a killed run must not swallow this one.
            os.write(fd, ("\n" + line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        self.latest[student] = Entry(student, timestamp, state)


def write_atomically(path: Path, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".progress-", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class AlreadyGrading(RuntimeError):
    """Another run holds the assignment's lock; the message names it."""


class RunLock:
    """The exclusive lock of one assignment's grading, held while the process lives."""

    def __init__(self, path: Path, assignment: str):
        self.path = path
        self.assignment = assignment
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode(errors="replace")
            os.close(fd)
            try:
                who = json.loads(holder)
                detail = f"process {who['pid']}, started {who['started_at']}"
            except (ValueError, KeyError, TypeError):
                detail = "another process"
            raise AlreadyGrading(f"already grading {self.assignment} ({detail})") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started_at": utc_now()}).encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the flock
            self._fd = None
