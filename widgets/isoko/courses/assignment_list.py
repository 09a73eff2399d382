"""nbgrader's Assignment List, as learners' servers serve it: their course first, and a
word when there is no feedback yet.

Loaded by learner servers beside nbgrader's own ``assignment_list`` extension, whose
panel and URLs stay; two of its answers change:

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
extensions in name order, and ``isoko`` comes before ``nbgrader``.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Iterable

import requests
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from nbgrader.auth import Authenticator
from nbgrader.auth.jupyterhub import get_jupyterhub_api_url, get_jupyterhub_authorization
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError, ExchangeFactory
from nbgrader.server_extensions.assignment_list.handlers import AssignmentList
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


def hub_groups() -> list[str]:
    """The hub groups of the user this server belongs to (its token may read them)."""
    reply = requests.get(
        f"{get_jupyterhub_api_url()}/user", headers=get_jupyterhub_authorization(), timeout=10
    )
    reply.raise_for_status()
    return list(reply.json().get("groups", []))


class LearnerAssignmentList(AssignmentList):
    """nbgrader's assignment list whose feedback fetch reports what went wrong."""

    def fetch_feedback(self, course_id, assignment_id):
        with self.get_assignment_dir_config():
            # As nbgrader does: the exchange writes into the current folder, which the
            # context manager makes the learner's assignment folder.
            config = self.load_config()
            config.CourseDirectory.course_id = course_id
            config.CourseDirectory.assignment_id = assignment_id
            try:
                ExchangeFactory(config=config).FetchFeedback(
                    coursedir=CourseDirectory(config=config),
                    authenticator=Authenticator(config=config),
                    config=config,
                ).start()
            except ExchangeError as err:
                return {"success": False, "value": str(err)}
            except Exception:
                self.log.error(traceback.format_exc())
                return {
                    "success": False,
                    "value": f"Feedback for {assignment_id} could not "
                    "be fetched; please tell your instructor.",
                }
        return {"success": True}

    def last_worked(self, assignments: list[dict]) -> dict[str, float]:
        """Per course, when a fetched assignment folder of it last changed."""
        latest: dict[str, float] = {}
        for assignment in assignments:
            if assignment.get("status") != "fetched":
                continue
            try:
                changed = os.stat(os.path.join(self.root_dir, assignment["path"])).st_mtime
            except (KeyError, OSError):
                continue
            course = assignment["course_id"]
            latest[course] = max(latest.get(course, 0.0), changed)
        return latest

    def list_courses(self):
        assignments = self.list_assignments()
        if not assignments["success"]:
            return assignments
        listed = {a["course_id"] for a in assignments["value"]}
        try:
            groups = hub_groups()
        except (requests.RequestException, ValueError, KeyError) as err:
            # Without the hub's answer nbgrader's own list is still right, if less helpful.
            self.log.warning("Could not read this user's hub groups: %s", err)
            groups = []
        ordered = courses_in_order(listed, groups, self.last_worked(assignments["value"]))
        return {"success": True, "value": ordered}


class LearnerHandler(JupyterHandler):
    def initialize(self, manager: LearnerAssignmentList) -> None:
        self.manager = manager


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


def _load_jupyter_server_extension(serverapp) -> None:
    manager = LearnerAssignmentList(parent=serverapp)
    manager.root_dir = serverapp.root_dir
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
