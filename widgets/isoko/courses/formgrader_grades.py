"""The instructor's view of a course inside its formgrader: grades as CSV, and progress.

Loaded by every grader service (a course's formgrader, run as its grader account), so
only that course's graders and instructors reach it: the service lets in no one else.

* ``<service>/isoko/grades.csv`` downloads the course's grades
  (:mod:`isoko.courses.grades`: one row per learner per assignment, with names).
* The formgrader's sidebar gets two more entries, "Export grades (CSV)" and "Progress"
  (the Voilà app :mod:`isoko.courses.progress` draws, placed in the grader's home when
  the hub starts). nbgrader's sidebar is one template block; the entries are added to
  that template's text as it is loaded, so nbgrader itself is not changed.
"""

from __future__ import annotations

import re

from jinja2 import BaseLoader
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from isoko.courses.gradebook_db import with_driver
from isoko.courses.grades import export_course
from isoko.courses.progress_view import PROGRESS_NOTEBOOK

GRADES_PATH = "isoko/grades.csv"
#: nbgrader 0.9's sidebar: a block in ``base.tpl`` that each page fills with its own
#: entries, inside one list. Isoko's entries close the list, on every page.
SIDEBAR = re.compile(r"(\{%-? *block sidebar *-?%\}.*?\{%-? *endblock *-?%\})(\s*)(</ul>)", re.S)
SIDEBAR_ENTRIES = (
    '<li role="presentation"><a href="{{ base_url }}/'
    + GRADES_PATH
    + '" download>Export grades (CSV)</a></li>\n'
    '<li role="presentation"><a href="{{ base_url }}/voila/render/'
    + PROGRESS_NOTEBOOK
    + '" target="_blank">Progress</a></li>\n'
)


def with_isoko_entries(base_template: str) -> str:
    """nbgrader's ``base.tpl`` with Isoko's entries at the end of the sidebar list."""
    return SIDEBAR.sub(lambda m: m[1] + m[2] + SIDEBAR_ENTRIES + m[3], base_template, count=1)


class GradesCSVHandler(JupyterHandler):
    """The course's grades as a CSV file, for the course's graders only."""

    @web.authenticated
    def get(self) -> None:
        formgrader = self.settings.get("nbgrader_formgrader")
        if formgrader is None:
            raise web.HTTPError(404, "this server grades no course")
        course = formgrader.coursedir.course_id
        try:
            text = export_course(with_driver(formgrader.coursedir.db_url), course)
        except FileNotFoundError as err:
            raise web.HTTPError(404, str(err)) from None
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="{course}-grades.csv"')
        # Names and e-mails: never kept by a shared cache.
        self.set_header("Cache-Control", "no-store")
        self.finish(text)


class SidebarLoader(BaseLoader):
    """nbgrader's template loader, with Isoko's entries added to the sidebar."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == "base.tpl":
            source = with_isoko_entries(source)
        return source, filename, uptodate


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    web_app = serverapp.web_app
    pattern = url_path_join(web_app.settings["base_url"], GRADES_PATH)
    web_app.add_handlers(".*$", [(pattern, GradesCSVHandler)])


async def _start_jupyter_server_extension(serverapp) -> None:
    # The formgrader makes its template environment when it loads; by now it has.
    env = serverapp.web_app.settings.get("nbgrader_jinja2_env")
    if env is not None and not isinstance(env.loader, SidebarLoader):
        env.loader = SidebarLoader(env.loader)
        if env.cache is not None:
            env.cache.clear()
