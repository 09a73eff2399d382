"""Is a submitted file a notebook nbgrader can grade? Checked before nbgrader reads it.

A file that is not (empty, not UTF-8, not JSON, not a notebook, a format nbgrader cannot
grade, too large) is rejected with a reason an instructor can act on; nbgrader then
treats it as a missing notebook (every cell scores zero) and the file itself is never
touched. Only reads the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

#: Larger than any notebook a learner writes by hand; the pipeline reads it into memory.
MAX_NOTEBOOK_BYTES = 100 * 1024**2
#: The oldest notebook format nbgrader 0.9 grades (its metadata lives in v4 cells).
GRADABLE_FORMAT = 4


def rejection(path: Path, max_bytes: int = MAX_NOTEBOOK_BYTES) -> str | None:
    """Why the notebook at ``path`` cannot be graded, or ``None`` if it can."""
    size = path.stat().st_size
    if size == 0:
        return "the submitted file is empty (0 bytes)"
    if size > max_bytes:
        return (
            f"the submitted file is too large ({size / 1024**2:.0f} MB; "
            f"at most {max_bytes / 1024**2:.0f} MB)"
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"the submitted file is not UTF-8 text (byte {err.start} is not valid UTF-8)"
    try:
        content = json.loads(text)
    except ValueError as err:
        line = getattr(err, "lineno", None)
        where = f" (line {line})" if line else ""
        return f"the submitted file is not valid JSON{where}: it was damaged or is not a notebook"
    if not isinstance(content, dict) or not isinstance(content.get("nbformat"), int):
        return "the submitted file is JSON but not a Jupyter notebook"
    version = content["nbformat"]
    if version < GRADABLE_FORMAT:
        return (
            f"the notebook is in an old notebook format (version {version}); nbgrader grades "
            f"version {GRADABLE_FORMAT}: open it in a current Jupyter, save and submit again"
        )
    if version > GRADABLE_FORMAT:
        return f"the notebook is in a notebook format newer than this nbgrader reads ({version})"
    try:
        nbformat.validate(nbformat.from_dict(content))
    except nbformat.ValidationError as err:
        return f"the submitted file is not a valid notebook ({_short(err.message)})"
    return None


def _short(message: str, limit: int = 160) -> str:
    first = message.strip().splitlines()[0] if message.strip() else "invalid"
    return first if len(first) <= limit else first[: limit - 3] + "..."
