"""What went wrong with a submission's notebook, in words an instructor reads.

Grading's walls (time, memory, processes, network, files, output) found in a graded
notebook's error outputs, and nbgrader's and the sandbox's warnings about a notebook,
each turned into a short reason, without quoting a hidden test. ``isoko grade`` lists
them in its table and progress file (``isoko.grading.report``).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass


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
    if m := re.match(r"Tampering: (.*)", message, re.S):  # tampering.WARNING_PREFIX
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
