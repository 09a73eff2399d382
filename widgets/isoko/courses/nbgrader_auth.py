"""nbgrader's JupyterHub plugin, for a grader service that is not itself a hub user.

nbgrader asks the hub for the groups of ``$JUPYTERHUB_USER`` to learn which courses
an account may see. A formgrader runs as a hub *service* under its course's grader
account, which has no hub user record, so the question ends in a 404 and the
formgrader in a server error. The grader service serves exactly one course, named
in ``ISOKO_COURSE``; every other question goes to the hub as before (adding a
learner to ``nbgrader-<course>`` from "Manage Students" included).
"""

from __future__ import annotations

import os

from nbgrader.auth import JupyterHubAuthPlugin


class GraderServiceAuthPlugin(JupyterHubAuthPlugin):
    def get_student_courses(self, student_id: str) -> list | None:
        course = os.environ.get("ISOKO_COURSE")
        if student_id == "*" and course:
            return [course]
        return super().get_student_courses(student_id)
