"""Where a learner's feedback hides tests: the text of it, without nbgrader.

A learner's Jupyter server reads feedback and Validate's tracebacks through these at
start, and must not import nbgrader until a learner first needs it (it costs the start
about a second); ``isoko.grading.feedback`` builds nbgrader's preprocessor on them.
"""

from __future__ import annotations

import re

#: Where a hidden region was, the learner reads this instead.
HIDDEN_NOTE = "# More tests ran here; they stay hidden."
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.DOTALL)
#: The first frame of an IPython traceback that is a notebook cell: the test cell itself.
_CELL_FRAME = re.compile(r"^Cell In\[\d*\], line (?P<line>\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def hidden_line_numbers(source: str) -> set[int]:
    """The line numbers (from 1) of a cell's hidden regions, their markers included."""
    lines: set[int] = set()
    for region in HIDDEN_REGION.finditer(source):
        first = source[: region.start()].count("\n") + 1
        lines.update(range(first, first + region.group().count("\n") + 1))
    return lines


def plain_traceback(lines: list[str] | tuple[str, ...] | str) -> list[str]:
    """A traceback's lines without IPython's colour codes."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    return [_ANSI.sub("", line) for line in text.splitlines()]


def raised_in(output, hidden: set[int]) -> bool:
    """Whether the error came from one of the ``hidden`` lines of its cell; a traceback
    that does not say which line of the cell raised counts as hidden."""
    for line in plain_traceback(output.get("traceback", [])):
        frame = _CELL_FRAME.match(line.strip())
        if frame:
            return int(frame["line"]) in hidden
    return True
