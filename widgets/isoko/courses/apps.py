"""Simulator apps generated from the catalog: one one-cell Voilà notebook per simulator.

``isoko apps`` writes ``<courses>/<course>/apps/<id>.ipynb`` for every entry of
:mod:`isoko.sims.registry`; ``isoko apps --check`` says which app notebooks are stale,
missing or orphans (an app notebook no catalog entry makes), without writing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from isoko.sims.registry import SimEntry, catalog

#: What fixes whatever the check finds.
FIX_COMMAND = "isoko apps"


def app_source(entry: SimEntry, language: str | None = None) -> str:
    """The app's one cell: import the simulator's class and show its view, in
    ``language`` when one is given (the gallery's apps), else the simulator's default."""
    name = entry.class_name
    lines = [f"from {entry.module} import {name}", ""]
    made = f"{name}(language={language!r})" if language else f"{name}()"
    if entry.task:  # shown under the app's title
        made += f'.with_task("{entry.id}")'
    if entry.app_variable:
        lines += [f"{entry.app_variable} = {made}", f"{entry.app_variable}.view"]
    else:
        lines.append(f"{made}.view")
    return "\n".join(lines)


def app_notebook_text(
    entry: SimEntry, language: str | None = None, header_markdown: str = "", title: str = ""
) -> str:
    """The app notebook as committed: nbformat 4.5's layout (one-space indent, sorted keys).

    ``header_markdown``, when given, is a Markdown cell above the app (the gallery's
    language switch); ``title``, the page's title (default: the catalog's)."""
    cells = []
    if header_markdown:
        cells.append(
            {
                "cell_type": "markdown",
                "id": f"{entry.id}-header",
                "metadata": {},
                "source": header_markdown.splitlines(keepends=True),
            }
        )
    cells.append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"{entry.id}-00",
            "metadata": {},
            "outputs": [],
            "source": app_source(entry, language).splitlines(keepends=True),
        }
    )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
            "title": title or entry.title,
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def expected_apps(courses_dir: Path) -> dict[Path, str]:
    """Every app notebook the catalog makes under ``courses_dir``, with its text."""
    return {
        courses_dir / entry.course / "apps" / f"{entry.id}.ipynb": app_notebook_text(entry)
        for entry in catalog()
    }


@dataclass(frozen=True)
class AppProblem:
    """An app notebook that is not what the catalog makes: stale, missing or orphan."""

    path: Path
    kind: str

    @property
    def reason(self) -> str:
        """The kind, and what it means."""
        why = {
            "stale": "differs from what the catalog makes",
            "missing": "is in the catalog but has no app notebook",
            "orphan": "is an app notebook of no simulator in the catalog",
        }[self.kind]
        return f"{self.kind}: {why}"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def check_apps(courses_dir: Path) -> list[AppProblem]:
    """What ``write_apps`` would change under ``courses_dir``; nothing is written."""
    expected = expected_apps(courses_dir)
    problems = []
    for path, text in expected.items():
        if not path.is_file():
            problems.append(AppProblem(path, "missing"))
        elif path.read_text(encoding="utf-8") != text:
            problems.append(AppProblem(path, "stale"))
    for path in sorted(courses_dir.glob("*/apps/*.ipynb")):
        if path not in expected:
            problems.append(AppProblem(path, "orphan"))
    return problems


def write_apps(courses_dir: Path) -> list[AppProblem]:
    """Make every app notebook what the catalog says; returns what was fixed.

    An orphan app notebook is removed. A catalog entry whose course has no folder under
    ``courses_dir`` is refused (a ValueError naming both) before anything is written.
    """
    expected = expected_apps(courses_dir)
    for path in expected:
        course_dir = path.parents[1]
        if not (course_dir / "course.yaml").is_file():
            sim_id = path.stem
            raise ValueError(
                f"the catalog puts simulator {sim_id!r} in course {course_dir.name!r}, "
                f"which has no {course_dir / 'course.yaml'}"
            )
    problems = check_apps(courses_dir)
    for problem in problems:
        if problem.kind == "orphan":
            problem.path.unlink()
        else:
            problem.path.parent.mkdir(parents=True, exist_ok=True)
            problem.path.write_text(expected[problem.path], encoding="utf-8")
    return problems
