"""nbgrader's learner endpoints (Assignment List and Validate), importing nbgrader when
first asked.

nbgrader's own ``assignment_list`` and ``validate_assignment`` server extensions import
all of nbgrader's applications when the server starts: its gradebook (SQLAlchemy's ORM),
its converters and their plugins, about 16 MiB in every learner server, most of which
sits idle all day. Learner servers load this extension instead. It answers the same
URLs with the same handlers, nbgrader's own, but imports them, and makes the assignment
list they share, on the first request that needs one: the first visit to the course
page or the Assignments tab, a fraction of a second once, and only for the learners who
open them.

:func:`assignment_list_manager` gives that assignment list to Isoko's handlers (the
learner's course page, the Assignment List's course order).
"""

from __future__ import annotations

import functools
import importlib

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join

#: The extensions this one stands in for; learner servers disable them.
REPLACED_EXTENSIONS = (
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.validate_assignment",
)
ASSIGNMENT_LIST = "nbgrader.server_extensions.assignment_list.handlers"
VALIDATE = "nbgrader.server_extensions.validate_assignment.handlers"

#: nbgrader's routes, as its two extensions register them (the Assignment List's
#: ``/nbgrader_version`` wins over Validate's, as it does when nbgrader loads them).
ACTIONS = "(?P<action>fetch|submit|fetch_feedback)"
ROUTES = (
    ("/assignments", ASSIGNMENT_LIST, "AssignmentListHandler"),
    (f"/assignments/{ACTIONS}", ASSIGNMENT_LIST, "AssignmentActionHandler"),
    ("/courses", ASSIGNMENT_LIST, "CourseListHandler"),
    ("/nbgrader_version", ASSIGNMENT_LIST, "NbGraderVersionHandler"),
    ("/assignments/validate", VALIDATE, "ValidateAssignmentHandler"),
)

#: Where nbgrader's handlers (and Isoko's) find the assignment list in the app settings.
MANAGER = "assignment_list_manager"
#: Makes it, in the app settings until then.
MAKE_MANAGER = "isoko_make_assignment_list_manager"


def assignment_list_manager(settings: dict):
    """nbgrader's assignment list of this server, made on first use; ``None`` if neither
    this extension nor nbgrader's own is loaded."""
    manager = settings.get(MANAGER)
    if manager is None and MAKE_MANAGER in settings:
        manager = settings[MANAGER] = settings[MAKE_MANAGER]()
    return manager


def make_manager(serverapp):
    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

    # As nbgrader's extension makes it.
    manager = AssignmentList(parent=serverapp)
    manager.root_dir = serverapp.root_dir
    return manager


class NbgraderOnFirstUse(JupyterHandler):
    """Stands for one of nbgrader's handlers: each request is served by a handler of
    nbgrader's class, imported on the first. Defines no methods of its own, so Jupyter
    Server's authentication check of routes has nothing to flag; nbgrader's handlers
    require a logged-in user themselves."""

    def __new__(cls, application, request, module: str, name: str, **kwargs):
        assignment_list_manager(application.settings)
        handler_class = getattr(importlib.import_module(module), name)
        # Not an instance of this class, so Python hands it back as built.
        return handler_class(application, request, **kwargs)


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    settings = serverapp.web_app.settings
    settings[MAKE_MANAGER] = functools.partial(make_manager, serverapp)
    # nbgrader's Validate reads the notebooks' folder from here.
    settings["root_dir"] = serverapp.root_dir
    base_url = settings["base_url"]
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, path), NbgraderOnFirstUse, {"module": module, "name": name})
            for path, module, name in ROUTES
        ],
    )
