"""The formgrader's "Manage Students" enrols a learner in the hub course group too.

nbgrader 0.9.6's formgrader builds its gradebook with no authenticator (and never
makes one), so adding a student there records them in the gradebook only: the learner
never joins the hub group ``nbgrader-<course>``, which is what lets them list, fetch
and submit the course's assignments. This server extension, enabled in grader services
only, gives the formgrader a gradebook that enrols through the authenticator of the
grader's nbgrader config (Isoko's grader plugin, whose token may change the course's
own group and no other). It runs once every extension has loaded, because the
formgrader resets the gradebook when it loads.
"""

from __future__ import annotations

from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "isoko.courses.formgrader_enrolment"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Names first; enrolment waits until the formgrader has loaded (the start hook)."""
    from isoko.courses.formgrader_names import install

    install()


async def _start_jupyter_server_extension(serverapp) -> None:
    settings = serverapp.web_app.settings
    formgrader = settings.get("nbgrader_formgrader")
    if formgrader is None or settings.get("nbgrader_gradebook") is not None:
        return
    authenticator = Authenticator(config=formgrader.load_config())
    settings["nbgrader_gradebook"] = Gradebook(
        settings["nbgrader_db_url"], formgrader.coursedir.course_id, authenticator=authenticator
    )
    serverapp.log.info("Manage Students enrols learners in the hub course group too")
