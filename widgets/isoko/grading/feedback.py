"""Feedback that tells a learner how they did without handing out the hidden tests.

nbgrader makes feedback from the autograded notebook, in which autograde restored every
test cell in full so that it could run: hidden tests included. Released as they are,
they reach every learner, who can pass them on to classmates still working or
submitting late. ``HideHiddenTests`` removes each hidden region (as nbgrader does when it
releases an assignment), says so in the cell, and keeps the cell's verdict without the
traceback, which would quote the failing hidden line.
"""

from __future__ import annotations

import nbformat
from nbgrader.preprocessors import ClearHiddenTests

#: Where a hidden region was, the learner reads this instead.
HIDDEN_NOTE = "# More tests ran here; they stay hidden."


class HideHiddenTests(ClearHiddenTests):
    """Drop hidden test regions from feedback; keep only the verdict of their cells."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and self._remove_hidden_test_region(cell):
            cell.source = f"{cell.source.rstrip()}\n{HIDDEN_NOTE}".lstrip("\n")
            cell.outputs = [verdict_only(output) for output in cell.outputs if is_error(output)]
        return cell, resources


def is_error(output) -> bool:
    return output.get("output_type") == "error"


def verdict_only(output):
    """An error output that names the error and its message, without the traceback."""
    ename, evalue = output.get("ename", "Error"), output.get("evalue", "")
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
