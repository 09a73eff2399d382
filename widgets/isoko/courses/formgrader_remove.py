"""A Remove button on the formgrader's Manage Students page: one truth for enrolment.

nbgrader 0.9.6's Manage Students page can add a student (which, with
:mod:`isoko.courses.formgrader_enrolment`, also enrols them in the hub group
``nbgrader-<course>``) but not remove one, and its API has no route for it. This
extension, loaded by grader services only, adds both:

- ``DELETE /formgrader/api/isoko/student/<id>``, behind the same login as every other
  formgrader route (the course's graders and instructors; the hub refuses anyone else a
  session or token for the service), with the server's XSRF check;
- a small script, served by the service itself and added to the Manage Students page,
  so the page's Content-Security-Policy nonce covers it: a Remove button per row that
  asks for confirmation, saying what happens, before it calls the route.

Removing always ends access: the learner leaves the hub group, so the course drops out
of their assignment list and they can no longer fetch or submit. Grades are never
deleted from the page: a learner with no submission also leaves the gradebook (there is
nothing to lose, and the row disappears), while a learner who has handed work in keeps
their gradebook row, submissions and grades, and stays listed. nbgrader itself deletes
a student's submissions with their row (``Gradebook.remove_student``), which its own
command allows only with ``--force``; that stays a deliberate act in a terminal.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.server_extensions.formgrader.base import (
    BaseApiHandler,
    check_notebook_dir,
    check_xsrf,
)
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.web import OutputTransform, StaticFileHandler

from isoko.names import student_group

STATIC_DIR = Path(__file__).with_name("static")
SCRIPT = "remove-student.js"
MANAGE_STUDENTS_PAGE = re.compile(r"^(.*/formgrader)/manage_students/?$")


class HubGroupError(Exception):
    """The hub would not take the learner out of the course group."""


async def end_access(course: str, student_id: str) -> bool:
    """Take ``student_id`` out of the course's hub group; False if the hub has no such user.

    Asked of the hub directly, with the service's own token (which may change this
    course's student group and no other), so a refusal is seen: nbgrader's plugin only
    logs one.
    """
    api_url = os.environ["JUPYTERHUB_API_URL"].rstrip("/")
    request = HTTPRequest(
        f"{api_url}/groups/{student_group(course)}/users",
        method="DELETE",
        headers={
            "Authorization": f"token {os.environ['JUPYTERHUB_API_TOKEN']}",
            "Content-Type": "application/json",
        },
        body=json.dumps({"users": [student_id]}),
        allow_nonstandard_methods=True,
        request_timeout=30,
    )
    try:
        await AsyncHTTPClient().fetch(request)
    except HTTPClientError as error:
        body = error.response.body.decode(errors="replace") if error.response else ""
        if error.code == 400 and "No such user" in body:
            return False
        raise HubGroupError(f"the hub answered {error.code}: {body[:200]}") from error
    return True


def removal_message(student_id: str, course: str, submissions: int) -> str:
    """What the instructor is told once ``student_id`` was removed from ``course``."""
    ended = f"{student_id} no longer has access to {course}."
    if submissions:
        return (
            f"{ended} Their work ({submissions} submission(s)) and grades stay in the "
            "gradebook, so they stay on this list."
        )
    return f"{ended} They had handed nothing in and are no longer in the gradebook."


class RemoveStudentHandler(BaseApiHandler):
    """``DELETE``: end a learner's access to the course, keeping any work and grades."""

    @web.authenticated
    @check_xsrf
    @check_notebook_dir
    async def delete(self, student_id: str) -> None:
        course = self.coursedir.course_id
        gradebook = self.gradebook
        try:
            student = gradebook.find_student(student_id)
        except MissingEntry:
            student = None
        handed_in = student_id in self.api.get_submitted_students("*")
        if student is None and not handed_in:
            raise web.HTTPError(404, f"{student_id} is not a student of {course}")
        try:
            await end_access(course, student_id)
        except HubGroupError as error:
            self.log.error("Could not take %s out of %s: %s", student_id, course, error)
            self.set_status(502)
            self.finish(
                {
                    "removed": False,
                    "message": f"{student_id} still has access: the hub refused the change.",
                }
            )
            return
        submissions = len(student.submissions) if student is not None else 0
        kept = bool(submissions or handed_in)
        if student is not None and not kept:
            gradebook.db.delete(student)
            gradebook.db.commit()
        self.log.info(
            "%s removed from %s (gradebook row %s)", student_id, course, "kept" if kept else "gone"
        )
        self.finish(
            {
                "removed": True,
                "student": student_id,
                "course": course,
                "gradebook_row_kept": kept,
                "message": removal_message(student_id, course, max(submissions, int(handed_in))),
            }
        )


class RemoveButtonScript(OutputTransform):
    """Adds the Remove script, from the service itself, to the Manage Students page.

    It runs before the page's Content-Security-Policy transform, which gives this tag
    the page's nonce like the formgrader's own.
    """

    def __init__(self, request) -> None:
        self.page = MANAGE_STUDENTS_PAGE.match(request.path)

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if (
            self.page is None
            or status_code != 200
            or not finishing
            or not headers.get("Content-Type", "").startswith("text/html")
        ):
            return status_code, headers, chunk
        src = f"{self.page.group(1)}/isoko/static/{SCRIPT}"
        tag = f'<script src="{src}"></script>\n</body>'.encode()
        chunk = chunk.replace(b"</body>", tag, 1)
        if "Content-Length" in headers:
            headers["Content-Length"] = str(len(chunk))
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    base_url = serverapp.web_app.settings["base_url"].rstrip("/")
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (f"{base_url}/formgrader/api/isoko/student/([^/]+)", RemoveStudentHandler),
            (
                f"{base_url}/formgrader/isoko/static/(.*)",
                StaticFileHandler,
                {"path": str(STATIC_DIR)},
            ),
        ],
    )


async def _start_jupyter_server_extension(serverapp) -> None:
    # Every extension has loaded by now, the policy's transform included: go before it.
    serverapp.web_app.transforms.insert(0, RemoveButtonScript)
