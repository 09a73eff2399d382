"""What a learner calls each graded cell, and what a failed check says in plain words.

nbgrader names a graded cell by its kind ("Test cell", "Written response"); a learner
knows the question by its heading. The name of a graded cell is the nearest heading
above it in the notebook, or failing that the first line of the text just above it.
"""

from __future__ import annotations

import re

from isoko.grading.hidden import plain_traceback

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
#: IPython marks the line that raised with an arrow: ``----> 4 assert ...``.
_RAISING_LINE = re.compile(r"^-*>\s*\d+\s+(?P<line>.*\S)\s*$")
#: The longest name or message a learner's phone shows for one question.
MOST_CHARACTERS = 160


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_graded(cell) -> bool:
    return bool(nbgrader_meta(cell).get("grade"))


def _text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def heading(markdown: str) -> str:
    """The first heading of a markdown text, without its ``#`` marks; "" if none."""
    for line in markdown.splitlines():
        match = _HEADING.match(line)
        if match:
            return _shorten(_plain(match["text"]))
    return ""


def _first_line(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.strip():
            return _shorten(_plain(line.strip().lstrip("#").strip()))
    return ""


def _plain(text: str) -> str:
    """Markdown emphasis and code marks dropped: a name is read, not rendered."""
    return re.sub(r"[*_`]+", "", text).strip()


def _shorten(text: str) -> str:
    return text if len(text) <= MOST_CHARACTERS else text[: MOST_CHARACTERS - 1] + "…"


def question_name(cells: list, index: int) -> str:
    """The name a learner knows the graded cell ``cells[index]`` by.

    A markdown answer cell names itself by its own heading if it has one. Otherwise the
    nearest heading above it; failing that, the first line of the nearest text above it;
    failing that, its grade id.
    """
    cell = cells[index]
    if cell.get("cell_type") == "markdown" and not nbgrader_meta(cell).get("solution"):
        own = heading(_text(cell))
        if own:
            return own
    nearest_text = ""
    for above in reversed(cells[:index]):
        if above.get("cell_type") != "markdown":
            continue
        found = heading(_text(above))
        if found:
            return found
        nearest_text = nearest_text or _first_line(_text(above))
    return nearest_text or nbgrader_meta(cell).get("grade_id", f"cell {index + 1}")


def question_names(cells: list) -> dict[int, str]:
    """The name of every graded cell, by its index in ``cells``."""
    return {i: question_name(cells, i) for i, cell in enumerate(cells) if is_graded(cell)}


def failure_message(
    ename: str, evalue: str, traceback: list[str] | tuple[str, ...] | str = ()
) -> str:
    """What went wrong, in one line: the error and its message.

    An ``assert`` without a message says nothing by itself, so the line that failed (as
    the learner can read it in their own notebook) is added.
    """
    message = f"{ename}: {evalue}" if evalue else ename
    if evalue:
        return _shorten(message)
    raising = [m["line"] for m in map(_RAISING_LINE.match, plain_traceback(traceback)) if m]
    return _shorten(f"{message} in: {raising[-1]}" if raising else message)
