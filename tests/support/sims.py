"""Reading a simulator in a test: what its widgets show, and which messages it translates."""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as widgets
from babel.messages.extract import extract_from_file

from isoko import i18n
from isoko.i18n import catalogues

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
    """The message ids Babel extracts from a module (``_("...")``, ``N_("...")``), as
    ``make translations`` does."""
    return {
        message
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=catalogues.KEYWORDS
        )
        if isinstance(message, str) and message
    }


def french(domain: str) -> dict[str, str]:
    """msgid -> French translation that a simulator with gettext domain ``domain`` shows:
    its own catalogue first, then the shared one (as ``isoko.i18n.translator``)."""
    folder = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES"
    shown: dict[str, str] = {}
    for name in (i18n.SHARED_DOMAIN, domain):
        catalogue = catalogues.read(folder / f"{name}.po", "fr")
        shown |= {m.id: "" if m.fuzzy else m.string for m in catalogue if m.id}
    return shown


def placeholders(text: str) -> list[str]:
    """The names of the ``{placeholders}`` in a message, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
