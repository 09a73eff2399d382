"""Jupyter configuration of learner servers and grader services, written at hub start.

They live in the system directory (not the checkout) because learner and grader
accounts must read them; the spawner points ``JUPYTER_CONFIG_PATH`` at them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from isoko.platform.settings import Settings

NBGRADER_CONFIG = """\
# Written by Isoko at every hub start.
c = get_config()  # noqa
c.Exchange.root = {exchange!r}
# Several courses share one exchange, each under its own name (nbgrader's multi-course setup).
c.Exchange.path_includes_course = True
# Courses come from the hub groups nbgrader-<course> and formgrade-<course>.
c.Authenticator.plugin_class = {auth_plugin!r}
"""
LEARNER_AUTH_PLUGIN = "nbgrader.auth.JupyterHubAuthPlugin"
GRADER_AUTH_PLUGIN = "isoko.courses.nbgrader_auth.GraderServiceAuthPlugin"

#: Learners run as prefixed Unix accounts; submissions must carry the hub name the
#: instructor knows (and that "Manage Students" enrols), not the Unix one.
LEARNER_IDENTITY = """\
import os
c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")
"""

#: Learners get the Assignments tab and validation, not the instructor's tools.
LEARNER_SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
}
#: Nobody on an offline classroom hub should be asked to fetch news from the internet.
NO_NEWS = {"@jupyterlab/apputils-extension:announcements": True}
LEARNER_DISABLED_LAB_PLUGINS = {
    **NO_NEWS,
    "@jupyter/nbgrader:formgrader": True,
    "@jupyter/nbgrader:course-list": True,
    "@jupyter/nbgrader:create-assignment": True,
}

#: The formgrader opens inside JupyterLab in an iframe of the same origin; the
#: singleuser default ``frame-ancestors 'none'`` would blank it.
GRADER_HEADERS = {"Content-Security-Policy": "frame-ancestors 'self'"}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, 0o644)


def write_server_configs(s: Settings) -> None:
    learner, grader = s.learner_config_dir, s.grader_config_dir
    exchange = str(s.exchange_dir)
    _write(
        learner / "nbgrader_config.py",
        NBGRADER_CONFIG.format(exchange=exchange, auth_plugin=LEARNER_AUTH_PLUGIN)
        + LEARNER_IDENTITY,
    )
    _write(
        learner / "jupyter_server_config.json",
        json.dumps({"ServerApp": {"jpserver_extensions": LEARNER_SERVER_EXTENSIONS}}, indent=2),
    )
    _write(
        learner / "labconfig" / "page_config.json",
        json.dumps({"disabledExtensions": LEARNER_DISABLED_LAB_PLUGINS}, indent=2),
    )
    _write(
        grader / "nbgrader_config.py",
        NBGRADER_CONFIG.format(exchange=exchange, auth_plugin=GRADER_AUTH_PLUGIN),
    )
    _write(
        grader / "jupyter_server_config.json",
        json.dumps({"ServerApp": {"tornado_settings": {"headers": GRADER_HEADERS}}}, indent=2),
    )
    _write(
        grader / "labconfig" / "page_config.json",
        json.dumps({"disabledExtensions": NO_NEWS}, indent=2),
    )
    for path in (
        s.system_dir,
        s.system_dir / "etc",
        learner,
        learner / "labconfig",
        grader,
        grader / "labconfig",
    ):
        os.chmod(path, 0o755)


def ensure_exchange(s: Settings) -> None:
    # nbgrader wants its exchange root writable by every account (it checks 0777 itself);
    # each course's inbound folder inside it is write-only for learners.
    s.exchange_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(s.exchange_dir, 0o777)
