"""Translations through gettext: English in the code, other languages in catalogues.

Each simulator has its own gettext domain (``isoko-<module>``), so a catalogue is
short and one translator can own it. Catalogues live beside the code as
``locale/<lang>/LC_MESSAGES/<domain>.po`` and are compiled to ``.mo`` with
``python -m isoko.i18n`` (a test fails when a ``.mo`` is older than its ``.po``).
English needs no catalogue: the message ids are the English text.
"""

from __future__ import annotations

import ast
import gettext
import struct
import sys
from collections.abc import Callable
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("en", "fr")


def translator(domain: str, language: str = "en") -> Callable[[str], str]:
    """The ``_`` function for ``domain`` in ``language``; a clear error for others."""
    if language not in LANGUAGES:
        raise ValueError(f"no labels for language {language!r}; choose one of {LANGUAGES}")
    if language == "en":
        return str
    return gettext.translation(domain, LOCALE_DIR, languages=[language], fallback=True).gettext


def read_po(path: Path) -> dict[str, str]:
    """``msgid -> msgstr`` of a .po file (single and multi-line strings; no plurals)."""
    messages: dict[str, str] = {}
    key, current = None, None
    parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}

    def flush() -> None:
        msgid, msgstr = "".join(parts["msgid"]), "".join(parts["msgstr"])
        if parts["msgid"] or parts["msgstr"]:
            if msgid in messages:
                raise ValueError(f"{path}: {msgid!r} is translated twice")
            messages[msgid] = msgstr
        parts["msgid"], parts["msgstr"] = [], []

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            if current == "msgstr":
                flush()
            key, current = "msgid", "msgid"
            line = line[len("msgid ") :]
        elif line.startswith("msgstr "):
            key, current = "msgstr", "msgstr"
            line = line[len("msgstr ") :]
        if key is None or not line.startswith('"'):
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        parts[key].append(ast.literal_eval(line))
    flush()
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    """Write a GNU .mo file (the format ``gettext`` reads) for ``messages``."""
    entries = sorted((k, v) for k, v in messages.items() if v)
    ids = [k.encode() for k, _ in entries]
    strs = [v.encode() for _, v in entries]
    header = 7 * 4
    table = header + 2 * 8 * len(entries)
    offsets, data = [], b""
    for blob in ids + strs:
        offsets.append((len(blob), table + len(data)))
        data += blob + b"\0"
    output = struct.pack(
        "Iiiiiii", 0x950412DE, 0, len(entries), header, header + 8 * len(entries), 0, 0
    )
    for length, offset in offsets:
        output += struct.pack("ii", length, offset)
    path.write_bytes(output + data)


def compile_catalogues(root: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        write_mo(read_po(po), mo)
        written.append(mo)
    return written


if __name__ == "__main__":
    for mo in compile_catalogues():
        print(mo.relative_to(LOCALE_DIR.parent))
    sys.exit(0)
