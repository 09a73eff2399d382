"""The format rules of a course's notebooks, checked by ``isoko course check``.

A learner reads a lesson on a phone and learns by doing, so every lesson:

1. opens with a markdown cell ``# Lesson N: Title``, then the line
   ``**By the end of this lesson you can:**`` and at least two ``- `` outcomes;
2. has at least two exercises: a markdown cell whose first line starts with
   ``## Your turn``, followed by a code cell that calls ``check_number``,
   ``check_function`` or ``check_choice`` with a ``...`` placeholder (in that cell or the
   code cell before it) for the learner to replace;
3. keeps every line of code to 70 characters (also apps and assignments);
4. links each simulator of the course (``../apps/<id>.ipynb``) from a lesson;
5. (assignments) puts a ``**Rubric (N points)**`` with ``- 1 point: ...`` bullets adding
   up to N in the question cell before each manually graded answer or task;
6. has an instructor guide (``instructor-guide.md``) with, per assignment, a
   ``## <assignment-id>`` section holding ``### Model answers``, ``### Rubric`` and
   ``### Common mistakes``;
7. is stored with its outputs (``isoko course outputs``), none of them an error, so
   a learner reads the results before running anything.

Each function reports through ``report(notebook, cell, reason)``; the reason says what
to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from isoko.courses.catalog import INSTRUCTOR_GUIDE

Report = Callable[[str, str, str], None]

MAX_CODE_LINE = 70
MIN_EXERCISES = 2
MIN_OUTCOMES = 2
GUIDE_PARTS = ("### Model answers", "### Rubric", "### Common mistakes")
OUTCOMES_LINE = "**By the end of this lesson you can:**"
TITLE = re.compile(r"^# Lesson \d+: \S")
CHECK_CALL = re.compile(r"\bcheck_(?:number|function|choice)\s*\(")
PLACEHOLDER = re.compile(r"(?<![\w.])\.\.\.(?![\w.])")
RUBRIC = re.compile(r"\*\*Rubric \((\d+(?:\.\d+)?) points?\)\*\*")
RUBRIC_ITEM = re.compile(r"^\s*[-*] (\d+(?:\.\d+)?) points?: \S", re.MULTILINE)
OUTPUTS_COMMAND = "run `isoko course outputs {slug}` to store them"


def cell_name(index: int) -> str:
    return f"cell {index}"


def first_line(cell) -> str:
    return cell.source.lstrip().split("\n", 1)[0].strip()


def check_opening(rel: str, nb, report: Report) -> None:
    """Rule 1: a title ``# Lesson N: Title`` and the outcomes, in the first cell."""
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown":
        report(rel, cell_name(1), "the first cell must be markdown: '# Lesson N: Title'")
        return
    lines = [line.strip() for line in cells[0].source.strip().splitlines()]
    if not TITLE.match(lines[0] if lines else ""):
        report(rel, cell_name(1), "the first line must be '# Lesson N: Title'")
    if OUTCOMES_LINE not in lines:
        report(rel, cell_name(1), f"add the line '{OUTCOMES_LINE}' and the outcomes")
        return
    after = lines[lines.index(OUTCOMES_LINE) + 1 :]
    outcomes = [line for line in after if line.startswith("- ")]
    if len(outcomes) < MIN_OUTCOMES:
        report(
            rel,
            cell_name(1),
            f"list at least {MIN_OUTCOMES} outcomes ('- ...') under '{OUTCOMES_LINE}' "
            f"(found {len(outcomes)})",
        )


def exercise_cells(cells, start: int) -> list[tuple[int, object]]:
    """The code cells of the exercise whose heading is cell ``start`` (0-based)."""
    found = []
    for index in range(start + 1, len(cells)):
        cell = cells[index]
        if cell.cell_type == "markdown" and first_line(cell).startswith("#"):
            break  # the next section
        if cell.cell_type == "code":
            found.append((index, cell))
    return found


def check_exercises(rel: str, nb, report: Report) -> None:
    """Rule 2: at least two "Your turn" exercises, each checked, each with a ``...``."""
    cells = nb.cells
    complete = 0
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown" or not first_line(cell).startswith("## Your turn"):
            continue
        code = exercise_cells(cells, index)
        checked = [pos for pos, (_, c) in enumerate(code) if CHECK_CALL.search(c.source)]
        if not checked:
            report(
                rel,
                cell_name(index + 1),
                "this exercise needs a code cell after it that calls check_number, "
                "check_function or check_choice",
            )
            continue
        pos = checked[0]
        near = [code[pos][1]] + ([code[pos - 1][1]] if pos > 0 else [])
        if not any(PLACEHOLDER.search(c.source) for c in near):
            report(
                rel,
                cell_name(code[pos][0] + 1),
                "the exercise needs a ... placeholder for the learner to replace "
                "(in the checking cell or the code cell before it)",
            )
            continue
        complete += 1
    if complete < MIN_EXERCISES:
        report(
            rel,
            "",
            f"has {complete} exercise(s), needs at least {MIN_EXERCISES}: a markdown "
            "cell '## Your turn ...' followed by a code cell that checks the answer",
        )


def check_code_lines(rel: str, nb, report: Report) -> None:
    """Rule 3: no line of code over 70 characters: it would wrap on a phone."""
    for index, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        long = [
            (number, len(line))
            for number, line in enumerate(cell.source.splitlines(), 1)
            if len(line) > MAX_CODE_LINE
        ]
        if long:
            number, width = long[0]
            more = f" (and {len(long) - 1} more)" if len(long) > 1 else ""
            report(
                rel,
                cell_name(index),
                f"line {number} is {width} characters{more}; keep code lines to "
                f"{MAX_CODE_LINE} so they fit a phone",
            )


def check_stored_outputs(rel: str, nb, slug: str, report: Report) -> None:
    """Rule 7: the lesson is stored with its outputs, and none is an error."""
    code = [(index, cell) for index, cell in enumerate(nb.cells, 1) if cell.cell_type == "code"]
    errors = [
        index
        for index, cell in code
        if any(out.get("output_type") == "error" for out in cell.get("outputs", []))
    ]
    for index in errors:
        report(
            rel,
            cell_name(index),
            "a stored output is an error; " + OUTPUTS_COMMAND.format(slug=slug),
        )
    if not any(cell.get("outputs") for _, cell in code):
        report(rel, "", "has no stored outputs; " + OUTPUTS_COMMAND.format(slug=slug))


def check_lesson(rel: str, nb, slug: str, report: Report) -> None:
    """Rules 1, 2, 3 and 7 for one lesson, as stored in the course."""
    check_opening(rel, nb, report)
    check_exercises(rel, nb, report)
    check_code_lines(rel, nb, report)
    check_stored_outputs(rel, nb, slug, report)


def check_app_links(lessons: dict[str, object], simulators: list[str], report: Report) -> None:
    """Rule 4: each simulator's app is linked from a lesson, where its task is asked."""
    text = "\n".join(
        cell.source for nb in lessons.values() for cell in nb.cells if cell.cell_type == "markdown"
    )
    for sim_id in simulators:
        link = f"../apps/{sim_id}.ipynb"
        if link not in text:
            report(
                "course.yaml",
                "",
                f"no lesson links the simulator {sim_id!r}: add a markdown link to "
                f"'{link}' next to the app's task",
            )


def is_manual_answer(cell) -> bool:
    """A task, or a graded written answer: what a person marks."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    written = cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution")
    return bool(meta.get("task") or written)


def check_rubrics(rel: str, nb, report: Report) -> None:
    """Rule 5: the question before each manually graded cell carries its rubric."""
    for index, cell in enumerate(nb.cells):
        if not is_manual_answer(cell):
            continue
        meta = cell.metadata["nbgrader"]
        where = meta.get("grade_id") or cell_name(index + 1)
        points = float(meta.get("points", 0) or 0)
        question = nb.cells[index - 1].source if index > 0 else ""
        if meta.get("task") and not RUBRIC.search(question):
            question = cell.source  # a task cell may carry its own question
        found = RUBRIC.search(question)
        if not found:
            report(
                rel,
                where,
                f"the question cell before it needs '**Rubric ({points:g} points)**' and "
                "bullets '- 1 point: <criterion>'",
            )
            continue
        total = float(found.group(1))
        if total != points:
            report(rel, where, f"the rubric is for {total:g} points, the cell is worth {points:g}")
        items = sum(float(item) for item in RUBRIC_ITEM.findall(question[found.end() :]))
        if items != total:
            report(
                rel,
                where,
                f"the rubric's bullets ('- N point(s): ...') add up to {items:g}, not {total:g}",
            )


def check_guide(course_path: Path, assignment_ids: list[str], report: Report) -> None:
    """Rule 6: the instructor guide has a full section for every assignment."""
    path = course_path / INSTRUCTOR_GUIDE
    if not path.is_file():
        report(
            INSTRUCTOR_GUIDE,
            "",
            "missing: write it with a '## <assignment-id>' section per assignment, each "
            "with " + ", ".join(f"'{part}'" for part in GUIDE_PARTS),
        )
        return
    sections = re.split(r"^(?=## )", path.read_text(), flags=re.MULTILINE)
    by_id = {}
    for section in sections:
        heading = section.split("\n", 1)[0]
        words = heading[3:].split()
        if heading.startswith("## ") and words:
            # "## a01-fees" or "## a01-fees: Fees and margins"
            by_id[words[0].rstrip(":")] = section
    for aid in assignment_ids:
        section = by_id.get(aid)
        if section is None:
            report(INSTRUCTOR_GUIDE, "", f"no '## {aid}' section")
            continue
        headings = {line.strip() for line in section.splitlines()}
        for part in GUIDE_PARTS:
            if part not in headings:
                report(INSTRUCTOR_GUIDE, f"## {aid}", f"missing '{part}'")
