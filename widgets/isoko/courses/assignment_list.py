"""nbgrader's Assignment List, as learners' servers serve it: their course first, and a
word when there is no feedback yet.

Loaded by learner servers beside nbgrader's own Assignment List (which they load on
first use, :mod:`isoko.courses.nbgrader_on_first_use`), whose panel and URLs stay; two
of its answers change:

- ``GET /courses``. nbgrader lists, in name order, every course with assignments in
  which the user is a learner *or a grader*, and the panel opens on the first: a
  learner enrolled in ``selling-online`` who also grades ``logistics`` opened on
  ``logistics``; the demo learners, in every course, on ``logistics`` while the
  walk-through is in ``pricing``. Here the courses the learner is enrolled in
  (``nbgrader-<course>``, the one truth of enrolment) come first, the one whose
  assignment folder they changed last at the top; then the courses they only grade.
  A course they are enrolled in is listed before it has any assignment, so the panel
  says "There are no assignments to fetch" under it, not "No courses found".
- ``POST /assignments/fetch_feedback``. nbgrader ignores what fetching said and
  answers with the list, so "Fetch Feedback" before grading changed nothing on screen.
  Here a fetch that failed answers with its message (Isoko's exchange says "No
  feedback released yet for <assignment>"), which the panel shows in place of the
  lists until the learner refreshes them.

Handlers of extensions loaded earlier win for the same URL; Jupyter Server loads
extensions in name order, and ``isoko.courses.assignment_list`` comes before
``isoko.courses.nbgrader_on_first_use`` (and ``nbgrader``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

LEARNER_GROUP = "nbgrader-"
GRADER_GROUP = "formgrade-"


def courses_in_order(
    listed: Iterable[str], groups: Iterable[str], last_worked: dict[str, float]
) -> list[str]:
    """The Assignment List's courses, the one it opens on first.

    ``listed``: courses nbgrader found assignments of for this user; ``groups``: the
    user's hub groups; ``last_worked``: per course, when the learner last changed one of
    its fetched assignments (seconds since the epoch).
    """
    enrolled = {g.removeprefix(LEARNER_GROUP) for g in groups if g.startswith(LEARNER_GROUP)}
    enrolled.discard("")
    courses = set(listed) | enrolled
    return sorted(courses, key=lambda c: (c not in enrolled, -last_worked.get(c, 0.0), c))


class LearnerHandler(JupyterHandler):
    def initialize(self, manager: Callable) -> None:
        self._manager = manager

    @property
    def manager(self):
        return self._manager()


class CourseListHandler(LearnerHandler):
    @web.authenticated
    def get(self):
        self.finish(json.dumps(self.manager.list_courses()))


class FetchFeedbackHandler(LearnerHandler):
    @web.authenticated
    def post(self):
        try:
            course_id = self.get_argument("course_id")
            assignment_id = self.get_argument("assignment_id")
        except web.MissingArgumentError:
            body = self.get_json_body() or {}
            course_id, assignment_id = body.get("course_id"), body.get("assignment_id")
        if not course_id or not assignment_id:
            raise web.HTTPError(400, "course_id and assignment_id are required")
        fetched = self.manager.fetch_feedback(course_id, assignment_id)
        if not fetched["success"]:
            self.finish(json.dumps(fetched))
            return
        self.finish(json.dumps(self.manager.list_assignments(course_id=course_id)))


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


@functools.cache
def learner_assignment_list(serverapp):
    """The server's one ``LearnerAssignmentList``, made (and nbgrader imported) on first
    use, as nbgrader's own handlers are (:mod:`isoko.courses.nbgrader_on_first_use`)."""
    from isoko.courses.learner_assignment_list import LearnerAssignmentList

    manager = LearnerAssignmentList(parent=serverapp)
    manager.root_dir = serverapp.root_dir
    return manager


def _load_jupyter_server_extension(serverapp) -> None:
    manager = functools.partial(learner_assignment_list, serverapp)
    base_url = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, "/courses"), CourseListHandler, {"manager": manager}),
            (
                url_path_join(base_url, "/assignments/fetch_feedback"),
                FetchFeedbackHandler,
                {"manager": manager},
            ),
        ],
    )
