"""Compile ``.po`` catalogues into the ``.mo`` files gettext reads, with Babel.

This module imports nothing from :mod:`isoko`: the package build loads it on its own
(see :mod:`isoko.i18n.build_hook`), before the package is installed.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_catalogues(locale_dir: Path, into: Path | None = None) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/<domain>.po`` under ``locale_dir`` into a
    ``.mo`` at the same place under ``into`` (default: beside the ``.po``). Fuzzy
    translations are left out, as gettext tools do. Returns the ``.mo`` files written."""
    into = locale_dir if into is None else into
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        language = po.parent.parent.name
        with po.open("rb") as source:
            catalogue = read_po(source, locale=language, domain=po.stem)
        mo = into / po.relative_to(locale_dir).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as target:
            write_mo(target, catalogue, use_fuzzy=False)
        written.append(mo)
    return written
