"""Reading a simulator in a test: what its widgets show, and which messages it translates."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as widgets

#: The SVG namespace, as ElementTree writes it in tag names.
SVG = "{http://www.w3.org/2000/svg}"


def texts(widget: widgets.Widget) -> str:
    """Every HTML and label string shown in a widget tree, joined."""
    own = getattr(widget, "value", "")
    parts = [own] if isinstance(own, str) else []
    for child in getattr(widget, "children", ()):
        parts.append(texts(child))
    return "\n".join(parts)


def html_widgets(widget: widgets.Widget) -> Iterator[widgets.HTML]:
    """Every HTML widget in a widget tree, parents first."""
    if isinstance(widget, widgets.HTML):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from html_widgets(child)


def messages_in_code(path: str | Path) -> set[str]:
    """The message ids a module passes to ``_`` or marks with ``N_`` (literals, or
    module constants)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(
            node.func, "id", getattr(node.func, "attr", None)
        ) in ("_", "N_"):
            (arg,) = node.args
            found.add(arg.value if isinstance(arg, ast.Constant) else constants[arg.id])
    return found


def placeholders(text: str) -> list[str]:
    """The names of the ``{placeholders}`` in a message, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
