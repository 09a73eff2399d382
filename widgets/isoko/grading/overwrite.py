"""Autograde warns about a changed test cell only when the learner really changed it.

nbgrader keeps each locked cell as the instructor wrote it, hidden tests and mark
schemes included, and releases it with those regions removed. At autograde its
``OverwriteCells`` compares the submitted cell with the kept one, finds them different
in every cell that holds hidden tests, and warns "Attribute 'checksum' ... has changed"
for every learner at every autograde. A warning that is always there teaches the
instructor to ignore the one that means a learner edited a test.

``HonestOverwriteCells`` first asks whether the submitted cell is exactly what was
released (the kept cell with its hidden and mark-scheme regions removed, by nbgrader's
own preprocessors and the course's delimiters). If so, it is no change: the kept cell is
restored silently, as nbgrader would restore it anyway. Anything else (a test edited,
removed or added) goes through nbgrader's check and still warns.
"""

from __future__ import annotations

from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import (
    ClearHiddenTests,
    ClearMarkScheme,
    DeduplicateIds,
    OverwriteCells,
)

HONEST = "isoko.grading.overwrite.HonestOverwriteCells"


def released_source(source: str, cell_type: str, clear_hidden, clear_mark_scheme) -> str:
    """The source of a kept cell as the release shows it, with hidden regions removed."""
    cell = new_code_cell(source) if cell_type == "code" else new_markdown_cell(source)
    cell.metadata["nbgrader"] = {}
    if cell_type == "code":
        clear_hidden._remove_hidden_test_region(cell)
    else:
        clear_mark_scheme._remove_mark_scheme_region(cell)
    return cell.source


class HonestOverwriteCells(OverwriteCells):
    """nbgrader's ``OverwriteCells`` without the warning every hidden test caused."""

    def preprocess_cell(self, cell: NotebookNode, resources, cell_index: int):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            self._restore_if_as_released(cell, grade_id)
        return super().preprocess_cell(cell, resources, cell_index)

    def _restore_if_as_released(self, cell: NotebookNode, grade_id: str) -> None:
        try:
            kept = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
        except MissingEntry:
            return
        if not kept.locked or cell.cell_type != kept.cell_type or cell.source == kept.source:
            return
        # Configured like the release was (the course's delimiters), never run on a notebook.
        try:
            released = released_source(
                kept.source,
                kept.cell_type,
                ClearHiddenTests(parent=self),
                ClearMarkScheme(parent=self),
            )
        except RuntimeError:
            # Unbalanced delimiters: the release could not have been made from it.
            return
        if cell.source == released:
            cell.source = kept.source


class DeduplicateIdsKeepingSchema(DeduplicateIds):
    """nbgrader's ``DeduplicateIds``, leaving the copy a plain cell.

    nbgrader empties the copy's nbgrader metadata, and its own metadata check then
    refuses the empty metadata ("Outdated schema version: 0"): the whole submission
    failed over a copied cell. Removing the metadata makes the copy an ordinary cell,
    which is what nbgrader meant; its warning stays.
    """

    def preprocess_cell(self, cell: NotebookNode, resources, cell_index: int):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.metadata.get("nbgrader") == {}:
            del cell.metadata["nbgrader"]
        return cell, resources


DEDUPLICATE = "isoko.grading.overwrite.DeduplicateIdsKeepingSchema"


def honest_sanitize_preprocessors() -> list[str]:
    """nbgrader's own ``Autograde.sanitize_preprocessors``, ``OverwriteCells`` and
    ``DeduplicateIds`` replaced."""
    from nbgrader.converters import Autograde

    replaced = {"OverwriteCells": HONEST, "DeduplicateIds": DEDUPLICATE}
    names = []
    for pp in Autograde.class_traits()["sanitize_preprocessors"].default():
        name = pp if isinstance(pp, str) else f"{pp.__module__}.{pp.__qualname__}"
        names.append(replaced.get(name.rsplit(".", 1)[-1], name))
    if HONEST not in names:
        raise RuntimeError("nbgrader's autograde has no OverwriteCells step to replace")
    return names
