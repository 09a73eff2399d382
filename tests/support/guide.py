"""The contributor guide's example simulator, taken from the guide itself.

``CONTRIBUTING.md`` shows a complete small simulator and its catalog entry; the tests
build exactly that text, so the guide cannot drift from what works. Each example is a
fenced Python block whose first line is a comment naming where it goes.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

from isoko.sims.registry import SimEntry

GUIDE = Path(__file__).resolve().parents[2] / "CONTRIBUTING.md"
MODULE_HEADER = "# widgets/isoko/sims/break_even.py"
ENTRY_HEADER = "# widgets/isoko/sims/registry.py, in SIMULATORS"


def block(header: str) -> str:
    """The Python block of the guide that starts with the comment ``header``."""
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    (found,) = [text for text in blocks if text.splitlines()[0] == header]
    return found


def module_source() -> str:
    return block(MODULE_HEADER)


def module(name: str = "break_even") -> types.ModuleType:
    """The guide's simulator module, imported as ``name`` (once per process)."""
    if name not in sys.modules:
        made = types.ModuleType(name)
        made.__file__ = str(GUIDE)
        sys.modules[name] = made
        exec(compile(module_source(), str(GUIDE), "exec"), made.__dict__)
    return sys.modules[name]


def entry() -> SimEntry:
    """The guide's catalog entry."""
    text = block(ENTRY_HEADER).split("\n", 1)[1].strip().rstrip(",")
    made = eval(text, {"SimEntry": SimEntry})
    assert isinstance(made, SimEntry)
    return made
