"""The assignment list of learners' servers (:mod:`isoko.courses.assignment_list`):
nbgrader's, with a course order and a feedback fetch that says what went wrong.

A module of its own because it imports nbgrader, which learner servers import only
when first used (:mod:`isoko.courses.nbgrader_on_first_use`).
"""

from __future__ import annotations

import os
import traceback

import requests
from nbgrader.auth import Authenticator
from nbgrader.auth.jupyterhub import get_jupyterhub_api_url, get_jupyterhub_authorization
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError, ExchangeFactory
from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

from isoko.courses.assignment_list import courses_in_order


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
