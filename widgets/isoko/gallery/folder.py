"""The gallery's folder, written at every hub start from the simulator catalog.

::

    <folder>/apps/<lang>/<id>.ipynb    one app per simulator and language (Voilà's root)
    <folder>/pictures/<lang>/<id>.html  the app's chart at its starting values (the index)
    <folder>/jupyter/kernels/python3/   the kernel the apps run in: no network

Everything is written by root (or the trial's account) and only read by the gallery.
Writing is idempotent; files of simulators no longer in the catalog are removed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from isoko.courses.apps import app_notebook_text
from isoko.gallery import messages
from isoko.hub.gallery import kernel_spec
from isoko.sims.registry import SimEntry, catalog


def apps_dir(folder: Path) -> Path:
    return folder / "apps"


def pictures_dir(folder: Path) -> Path:
    return folder / "pictures"


def jupyter_dir(folder: Path) -> Path:
    """Put first on the gallery's ``JUPYTER_PATH``: its ``python3`` kernel is the sandboxed one."""
    return folder / "jupyter"


def language_switch(entry: SimEntry, language: str, languages: Sequence[str]) -> str:
    """The Markdown line above an app: every language (this one in bold), and the index.

    Links are relative to ``<base><lang>/<id>``, so the page works under any prefix."""
    _ = messages.translator(language)
    parts = []
    for other in languages:
        name = messages.language_name(other)
        parts.append(f"**{name}**" if other == language else f"[{name}](../{other}/{entry.id})")
    index = "./" if language != languages[0] else "../"
    return f"{' · '.join(parts)} · [{_(messages.ALL_SIMULATORS)}]({index})\n"


def picture_html(entry: SimEntry, language: str) -> str:
    """The app's main chart at its starting values (an SVG), or its readout if it has none."""
    simulator = entry.factory(language=language)
    chart = getattr(simulator, "chart_svg", None)
    return chart if chart else simulator.figure_html


def write_gallery(
    folder: Path,
    languages: Sequence[str],
    python: Path,
    entries: Sequence[SimEntry] | None = None,
) -> list[Path]:
    """Write the gallery's apps, pictures and kernel; returns the app notebooks."""
    entries = list(catalog() if entries is None else entries)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    for stale in (apps_dir(folder), pictures_dir(folder), jupyter_dir(folder)):
        shutil.rmtree(stale, ignore_errors=True)
    notebooks = []
    for language in languages:
        _ = messages.translator(language)
        for entry in entries:
            header = language_switch(entry, language, languages)
            text = app_notebook_text(entry, language, header, title=_(entry.title))
            notebooks.append(_write(apps_dir(folder) / language / f"{entry.id}.ipynb", text))
            picture = pictures_dir(folder) / language / f"{entry.id}.html"
            _write(picture, picture_html(entry, language))
    spec = jupyter_dir(folder) / "kernels" / "python3" / "kernel.json"
    _write(spec, json.dumps(kernel_spec(python), indent=1) + "\n")
    return notebooks


def _write(path: Path, text: str) -> Path:
    for parent in reversed(path.parents):
        if not parent.exists():
            parent.mkdir()
            os.chmod(parent, 0o755)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o644)
    return path
