"""Inside the grading sandbox: execute one notebook as nbgrader would, print the outputs.

Run by ``isoko.grading.sandbox`` as ``python -I -m isoko.grading.runner LIMITS_JSON``
with a tar stream on standard input (the notebook, and the submission's files under
``files/``). It applies the limits to itself (the kernel inherits them), executes
every cell with nbgrader's own ``Execute`` preprocessor (same timeouts, same error
outputs, same ``NBGRADER_EXECUTION``), and writes ``{"cells": [...], "error": ...}``
as JSON on standard output. Everything else it or the kernel prints goes to standard
error, so the reply cannot be mixed with the learner's prints.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tarfile
from pathlib import Path, PurePosixPath

import nbformat
from nbgrader.preprocessors import Execute

from isoko.grading.sandbox import FILES_PREFIX, NOTEBOOK_MEMBER, SANDBOX_WORKDIR, Limits


def apply_limits(limits: Limits) -> None:
    """Set soft and hard limits alike: the learner's code cannot raise them again."""
    for which, value in (
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_CORE, 0),
        # No POSIX message queues: they outlive their process, and cannot be listed to
        # be removed before the next submission in a warm sandbox.
        (resource.RLIMIT_MSGQUEUE, 0),
    ):
        resource.setrlimit(which, (value, value))


def inside(workdir: Path, name: str) -> Path:
    """``workdir / name``, refusing names that would leave ``workdir``."""
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"refusing the file name {name!r}")
    return workdir / relative


def unpack_input(stream, workdir: Path) -> dict:
    """Extract the files into ``workdir``; return the notebook (kept in memory only)."""
    notebook = None
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            if member.name == NOTEBOOK_MEMBER:
                notebook = json.load(tar.extractfile(member))
            elif member.name.startswith(FILES_PREFIX) and (member.isfile() or member.isdir()):
                target = inside(workdir, member.name[len(FILES_PREFIX) :])
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    if notebook is None:
        raise ValueError("no notebook in the input")
    return notebook


class TrackingExecute(Execute):
    """nbgrader's ``Execute``, remembering which cell it was running when it stopped."""

    current_index = -1

    def preprocess_cell(self, cell, resources, index):
        self.current_index = index
        return super().preprocess_cell(cell, resources, index)


def verdict(err: BaseException, limits: Limits) -> str:
    """What went wrong, in words for the learner: never the cell's own source."""
    name = type(err).__name__
    if name == "CellTimeoutError":
        return f"a cell ran for longer than {limits.cell_timeout_seconds} s and was stopped"
    if name == "DeadKernelError":
        return "the kernel stopped: it may have used more memory or processes than allowed"
    if isinstance(err, MemoryError):
        return "grading ran out of memory"
    return f"the notebook could not be run to the end ({name})"


#: What one cell may send back, at most: the first megabyte of a long print is plenty
#: to grade and to read, and a learner who prints without end loses only that tail.
CELL_OUTPUT_BYTES = 1024**2
#: Room kept in the reply for everything that is not a cell's outputs.
REPLY_OVERHEAD_BYTES = 64 * 1024


def cell_output_budget(code_cells: int, limits: Limits) -> int:
    """Bytes of outputs each code cell may keep, so that the whole reply fits the limit."""
    share = (limits.output_bytes - REPLY_OVERHEAD_BYTES) // max(1, code_cells)
    return max(4096, min(CELL_OUTPUT_BYTES, share))


def _cut_note(dropped: int, budget: int) -> str:
    return f"\n[{dropped} more bytes of output were cut: a cell keeps at most {budget} bytes]\n"


def cap_outputs(outputs: list, budget: int) -> list:
    """The first ``budget`` bytes (as JSON) of a cell's outputs, and a line saying how
    much was cut. A stream output is cut inside its text; a rich output that does not
    fit is left out whole."""
    kept: list = []
    used = 0
    for index, output in enumerate(outputs):
        size = len(json.dumps(output))
        if used + size <= budget:
            kept.append(output)
            used += size
            continue
        dropped = sum(len(json.dumps(rest)) for rest in outputs[index:])
        left = budget - used - 256
        if output.get("output_type") == "stream" and left > 0:
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else str(text)
            # JSON escapes may make the text longer than its bytes: measure, then trim.
            head = text.encode()[:left].decode(errors="ignore")
            while len(json.dumps(head)) > left and head:
                head = head[: len(head) * 3 // 4]
            kept.append({**output, "text": head + _cut_note(dropped - len(head.encode()), budget)})
        else:
            kept.append(
                {"output_type": "stream", "name": "stderr", "text": _cut_note(dropped, budget)}
            )
        break
    return kept


def execute(
    notebook: dict, workdir: Path, limits: Limits, kernel_manager_class: type | None = None
) -> dict:
    """Run every cell; cells from the one that failed onwards come back as not run.

    Both ways of grading use this one function: the cold runner with nbclient's own
    kernel manager, the warm sandbox with ``kernel_manager_class``, a manager whose
    kernel is forked from already imported modules. Each cell's outputs are capped
    (``cell_output_budget``), so the reply stays under ``limits.output_bytes``.
    """
    nb = nbformat.from_dict(notebook)
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    executor = TrackingExecute(timeout=limits.cell_timeout_seconds)
    if kernel_manager_class is not None:
        executor.kernel_manager_class = kernel_manager_class
    error, stopped_at = None, len(nb.cells)
    try:
        executor.preprocess(nb, {"metadata": {"path": str(workdir)}})
    except Exception as err:  # a cell that never finished, a dead kernel
        error, stopped_at = verdict(err, limits), max(executor.current_index, 0)
    budget = cell_output_budget(sum(c.cell_type == "code" for c in nb.cells), limits)
    cells = [
        {
            "outputs": cap_outputs(cell.get("outputs", []), budget),
            "execution_count": cell.get("execution_count"),
        }
        if cell.cell_type == "code" and index < stopped_at
        else None
        for index, cell in enumerate(nb.cells)
    ]
    return {"cells": cells, "error": error}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    limits = Limits(**json.loads(argv[0])) if argv else Limits()
    # The reply travels on a private copy of standard output; the kernel and anything
    # the runner prints share standard error.
    reply_fd = os.dup(1)
    os.dup2(2, 1)
    apply_limits(limits)
    workdir = Path(SANDBOX_WORKDIR)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        notebook = unpack_input(sys.stdin.buffer, workdir)
        reply = execute(notebook, workdir, limits)
    except Exception as err:
        reply = {"cells": [], "error": verdict(err, limits)}
    with os.fdopen(reply_fd, "w") as out:
        json.dump(reply, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
