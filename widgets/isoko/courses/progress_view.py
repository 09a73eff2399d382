"""The progress app of a course, as the course's graders open it in their formgrader service.

``progress.ipynb`` (written into each grader's home at hub start by
:func:`write_progress_notebook`) calls :func:`show_progress`; Voilà renders it at
``/services/<course>/voila/render/progress.ipynb``. It runs as the course's grader
account, in the course folder, and reads the gradebook there (read-only) and the
course's learner group on the hub (the grader service's token may read that group).
Charts are small SVGs (:mod:`isoko.sims._svg`): nothing is fetched from anywhere.
"""

from __future__ import annotations

import json
import os
import urllib.request
from html import escape
from pathlib import Path

import nbformat

from isoko.courses.gradebook_db import course_db_url, sqlite_file
from isoko.courses.grades import open_gradebook
from isoko.courses.progress import (
    enrolled_from,
    not_started,
    read_gradebook,
    score_distributions,
    submissions_per_assignment,
)
from isoko.sims._svg import bar_chart

PROGRESS_NOTEBOOK = "progress.ipynb"


def hub_group_members(group: str) -> list[str] | None:
    """Members of hub ``group``, or None if the hub cannot be asked from here."""
    api, token = os.environ.get("JUPYTERHUB_API_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    if not api or not token:
        return None
    request = urllib.request.Request(
        f"{api.rstrip('/')}/groups/{group}", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return list(json.load(reply).get("users", []))
    except (OSError, ValueError):
        return None


def _points(value: float) -> str:
    text = f"{value:g}"
    return f"{text} point" if value == 1 else f"{text} points"


def progress_html(course: str, course_dir: Path, service_prefix: str) -> str:
    """The whole page below the title, as HTML."""
    from isoko.names import student_group

    database = course_db_url(course_dir)
    if sqlite_file(database) is not None and not sqlite_file(database).is_file():
        return "<p>Nothing has been graded in this course yet: no gradebook.</p>"
    with open_gradebook(database, course) as gradebook:
        book = read_gradebook(gradebook)
        students = [s.id for s in gradebook.students]
    members = hub_group_members(student_group(course))
    enrolled = enrolled_from(members, students)
    source = (
        f"the hub group <code>{escape(student_group(course))}</code>"
        if members is not None
        else "the gradebook (the hub could not be asked)"
    )
    export = f"{service_prefix.rstrip('/')}/isoko/grades.csv"
    parts = [
        f"<p><strong>{len(enrolled)}</strong> learners enrolled (from {source}). "
        f'<a href="{escape(export)}" download>Download the grades (CSV)</a></p>',
        "<h2>Submissions per assignment</h2>",
    ]
    progress = submissions_per_assignment(book, enrolled)
    if progress:
        parts.append(
            bar_chart(
                [p.assignment for p in progress],
                [p.submitted for p in progress],
                title="Submissions per assignment",
                value_format=lambda v: f"{v:.0f} of {len(enrolled)}",
            )
        )
        parts.append('<table class="isoko-progress"><tr><th>assignment</th>')
        parts.append("<th>submitted</th><th>not yet</th></tr>")
        for p in progress:
            missing = ", ".join(escape(name) for name in p.missing) or "nobody"
            parts.append(
                f"<tr><td>{escape(p.assignment)}</td><td>{p.submitted} of {p.enrolled}</td>"
                f"<td>{missing}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>No assignment yet.</p>")
    waiting = not_started(book, enrolled)
    parts.append("<h2>Learners who have not started</h2>")
    parts.append(
        "<p>Enrolled, and nothing handed in yet: "
        + (", ".join(f"<strong>{escape(n)}</strong>" for n in waiting) or "nobody")
        + "</p>"
    )
    parts.append("<h2>Scores per question</h2>")
    for dist in score_distributions(book, enrolled):
        q = dist.question
        mean = "" if dist.mean_points is None else f", mean {dist.mean_points:.2g}"
        parts.append(
            f"<h3>{escape(q.assignment)} · {escape(q.label)} ({_points(q.max_points)}; "
            f"{dist.graded} graded{mean})</h3>"
        )
        labels = [_points(points) for points in dist.counts]
        values = [float(n) for n in dist.counts.values()]
        if dist.ungraded:
            labels.append("not graded yet")
            values.append(float(dist.ungraded))
        parts.append(
            bar_chart(
                labels,
                values,
                title=f"Learners per score, {q.label}",
                value_format=lambda v: f"{v:.0f}",
            )
        )
    return "\n".join(parts)


def show_progress() -> None:
    """Display the progress page (called by ``progress.ipynb``)."""
    from IPython.display import HTML, display

    course = os.environ.get("ISOKO_COURSE", "")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    display(HTML(progress_html(course, Path.cwd(), prefix)))


def progress_notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "# Course progress\n\nFrom the gradebook: reload the page after collecting "
                "and autograding."
            ),
            nbformat.v4.new_code_cell(
                "from isoko.courses.progress_view import show_progress\n\nshow_progress()"
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def write_progress_notebook(course_dir: Path) -> Path:
    """Write the progress app into a grader's home (it is Isoko's, rewritten at each start)."""
    path = course_dir / PROGRESS_NOTEBOOK
    nbformat.write(progress_notebook(), path)
    return path
