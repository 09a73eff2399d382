"""Feedback that tells a learner how they did without handing out the hidden tests.

nbgrader makes feedback from the autograded notebook, in which autograde restored every
test cell in full so that it could run: hidden tests included. Released as they are,
they reach every learner, who can pass them on to classmates still working or
submitting late. ``HideHiddenTests`` removes each hidden region (as nbgrader does when it
releases an assignment), says so in the cell, and keeps the cell's verdict without the
traceback, which would quote the failing hidden line. The message of a check that failed
in the hidden region goes too: a hidden check of ``isoko.checks.answers`` says how far
off an answer is and names the hidden inputs it tried. A check above the hidden region
keeps its message, which the learner already saw in Validate.
"""

from __future__ import annotations

import nbformat
from nbgrader.preprocessors import ClearHiddenTests

from isoko.grading.hidden import HIDDEN_NOTE, hidden_line_numbers, raised_in


class HideHiddenTests(ClearHiddenTests):
    """Drop hidden test regions from feedback; keep only the verdict of their cells."""

    def preprocess_cell(self, cell, resources, cell_index):
        hidden = hidden_line_numbers(cell.source) if cell.cell_type == "code" else set()
        if cell.cell_type == "code" and self._remove_hidden_test_region(cell):
            cell.source = f"{cell.source.rstrip()}\n{HIDDEN_NOTE}".lstrip("\n")
            cell.outputs = [
                verdict_only(output, raised_in(output, hidden))
                for output in cell.outputs
                if is_error(output)
            ]
        return cell, resources


def is_error(output) -> bool:
    return output.get("output_type") == "error"


def verdict_only(output, hidden: bool = True):
    """An error output that names the error, and its message unless it came from a
    hidden check, without the traceback."""
    ename = output.get("ename", "Error")
    evalue = "" if hidden else output.get("evalue", "")
    return nbformat.v4.new_output(
        "error",
        ename=ename,
        evalue=evalue,
        traceback=[f"{ename}: {evalue}" if evalue else f"{ename} (in a hidden test)"],
    )


def feedback_preprocessors() -> list[str]:
    """nbgrader's own ``GenerateFeedback.preprocessors``, then ``HideHiddenTests``."""
    from nbgrader.converters import GenerateFeedback

    stock = GenerateFeedback.class_traits()["preprocessors"].default()
    return [pp if isinstance(pp, str) else f"{pp.__module__}.{pp.__qualname__}" for pp in stock] + [
        f"{HideHiddenTests.__module__}.HideHiddenTests"
    ]
