"""nbgrader's execution step, moved into the grading sandbox.

``SandboxedExecute`` takes the place of nbgrader's ``Execute`` in ``Autograde``
(``sandboxed_autograde_preprocessors``): the same configuration (``Execute.timeout``,
``ExecutePreprocessor.timeout``), the same outputs, but the notebook runs in
``isoko.grading.sandbox`` and only the outputs come back. The grader keeps its own copy
of every cell's source and metadata, so nothing the learner's code sends back can
change a test, its points or its grade id; a notebook that could not be run to the end
gets an error output on each cell that did not run, so its tests earn nothing and the
reason is in the feedback, while the rest of the class is graded as usual.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode
from nbformat.validator import NotebookValidationError
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

from isoko.grading.sandbox import Limits, SandboxError, run_notebook

SANDBOXED = "isoko.grading.execute.SandboxedExecute"
#: Runs right after nbgrader saved the scores (see ``isoko.grading.tampering``).
ZERO_TAMPERED = "isoko.grading.tampering.ZeroTamperedTests"


def sandboxed_autograde_preprocessors() -> list[str]:
    """nbgrader's own ``Autograde.autograde_preprocessors``, with ``Execute`` replaced
    and ``ZeroTamperedTests`` after ``SaveAutoGrades``."""
    from nbgrader.converters import Autograde

    names = []
    for pp in Autograde.class_traits()["autograde_preprocessors"].default():
        name = pp if isinstance(pp, str) else f"{pp.__module__}.{pp.__qualname__}"
        names.append(SANDBOXED if name.rsplit(".", 1)[-1] == "Execute" else name)
        if name.rsplit(".", 1)[-1] == "SaveAutoGrades":
            names.append(ZERO_TAMPERED)
    if SANDBOXED not in names or ZERO_TAMPERED not in names:
        raise RuntimeError(
            "nbgrader's autograde has no Execute step to put in the sandbox, or no "
            "SaveAutoGrades step to follow"
        )
    return names


class SandboxedExecute(Execute):
    """Execute a submission in the grading sandbox; keep only the outputs it sends back."""

    sandbox_account = Unicode(
        "",
        help="Unix account the learner's code runs as (through sudo). Empty: the caller's "
        "own account, in a trial run by a non-root hub.",
    ).tag(config=True)
    notebook_timeout = Integer(
        Limits.notebook_timeout_seconds, help="Seconds for a whole notebook."
    ).tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU seconds of each process.").tag(config=True)
    memory_bytes = Integer(Limits.memory_bytes, help="Address space of each process.").tag(
        config=True
    )
    processes = Integer(Limits.processes, help="Processes and threads in the sandbox.").tag(
        config=True
    )
    output_bytes = Integer(Limits.output_bytes, help="Largest reply the sandbox may send.").tag(
        config=True
    )

    def limits(self) -> Limits:
        return Limits(
            cell_timeout_seconds=int(self.timeout or Limits.cell_timeout_seconds),
            notebook_timeout_seconds=self.notebook_timeout,
            cpu_seconds=self.cpu_seconds,
            memory_bytes=self.memory_bytes,
            processes=self.processes,
            output_bytes=self.output_bytes,
        )

    def preprocess(self, nb: NotebookNode, resources: dict, km=None):
        workdir = Path(resources.get("metadata", {}).get("path") or ".")
        try:
            reply = run_notebook(nb, workdir, self.limits(), self.sandbox_account or None)
        except SandboxError as err:
            if err.detail:
                self.log.warning("Grading sandbox said: %s", err.detail)
            reply = {"cells": [], "error": str(err)}
        problem = merge_outputs(nb, reply)
        if problem:
            self.log.warning("Grading sandbox: %s", problem)
        return nb, resources


def merge_outputs(nb: NotebookNode, reply: dict) -> str | None:
    """Copy outputs from ``reply`` onto ``nb``'s code cells; return what went wrong, if any.

    Only ``outputs`` and ``execution_count`` are taken, each checked against the notebook
    format. A code cell with nothing valid to take gets an error output saying why, so a
    test that did not run never passes.
    """
    cells = reply.get("cells") if isinstance(reply.get("cells"), list) else []
    problem = reply.get("error") if isinstance(reply.get("error"), str) else None
    if cells and len(cells) != len(nb.cells):
        cells, problem = [], "the sandbox sent back a notebook of another shape"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        result = cells[index] if index < len(cells) else None
        outputs = _valid_outputs(result)
        if outputs is None:
            cell.outputs = [_not_run(problem or "the grading sandbox did not run this cell")]
            cell.execution_count = None
            continue
        cell.outputs = outputs
        count = result.get("execution_count")
        cell.execution_count = count if isinstance(count, int) and count >= 0 else None
    return problem


def _valid_outputs(result) -> list[NotebookNode] | None:
    if not isinstance(result, dict) or not isinstance(result.get("outputs"), list):
        return None
    outputs = [nbformat.from_dict(output) for output in result["outputs"]]
    try:
        # Building the cell checks every output against the notebook format.
        nbformat.v4.new_code_cell(outputs=outputs)
    except (nbformat.ValidationError, NotebookValidationError):
        return None
    return outputs


def _not_run(reason: str) -> NotebookNode:
    return nbformat.v4.new_output(
        "error",
        ename="GradingSandboxError",
        evalue=reason,
        traceback=[f"GradingSandboxError: {reason}"],
    )


class MergePoolReply(Preprocessor):
    """Takes ``Execute``'s place in the autograde pass: the pool's outputs, merged in.

    The pool ran the sanitized notebook this converter wrote; the notebook read back for
    the autograde pass must be that one, cell for cell, or nothing is merged.
    """

    def __init__(self, reply: dict, digest: str, **kwargs):
        # nbconvert skips a preprocessor that is not enabled: the tests would then pass
        # on a notebook without outputs.
        super().__init__(enabled=True, **kwargs)
        self.reply = reply
        self.digest = digest

    def preprocess(self, nb, resources):
        reply = self.reply
        if cells_digest(nb) != self.digest:
            reply = {"cells": [], "error": "the notebook changed after it was run; not graded"}
        problem = merge_outputs(nb, reply)
        if problem:
            self.log.warning("Grading sandbox: %s", problem)
        return nb, resources


def cells_digest(nb) -> str:
    cells = [[cell.get("cell_type"), cell.get("source")] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def is_execute_step(pp) -> bool:
    name = pp if isinstance(pp, str) else getattr(pp, "__name__", type(pp).__name__)
    return name.rsplit(".", 1)[-1] in ("Execute", "SandboxedExecute")
