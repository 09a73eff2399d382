"""Jupyter configuration of learner servers and grader services, written at hub start.

They live in the system directory (not the checkout) because learner and grader
accounts must read them; the spawner points ``JUPYTER_CONFIG_PATH`` at them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from isoko.courses.exchange_volume import STEPS as CONTAINER_EXCHANGE_STEPS
from isoko.grading.config import grading_config
from isoko.hub import voila_bundle
from isoko.hub.compression import TRANSFORMS
from isoko.platform.settings import Settings

NBGRADER_CONFIG = """\
# Written by Isoko at every hub start.
c = get_config()  # noqa
c.Exchange.root = {exchange!r}
# Several courses share one exchange, each under its own name (nbgrader's multi-course setup).
c.Exchange.path_includes_course = True
# Courses come from the hub groups nbgrader-<course> and formgrade-<course>.
c.Authenticator.plugin_class = {auth_plugin!r}
# nbgrader's exchange trusts names and wants a world-writable root; Isoko's steps use
# the root-owned layout the hub prepares and check who submitted, and when.
""" + "".join(
    f"c.ExchangeFactory.{step} = 'isoko.courses.exchange.{name}'\n"
    for step, name in {
        "exchange": "Exchange",
        "fetch_assignment": "ExchangeFetchAssignment",
        "fetch_feedback": "ExchangeFetchFeedback",
        "release_assignment": "ExchangeReleaseAssignment",
        "release_feedback": "ExchangeReleaseFeedback",
        "list": "ExchangeList",
        "submit": "ExchangeSubmit",
        "collect": "ExchangeCollect",
    }.items()
)
#: Collect accepts the submission of student x only if Unix account <prefix>x owns it.
#: Without it (a trial, where everybody is the hub's account) the collector's own is.
GRADER_LEARNER_ACCOUNTS = """\
c.ExchangeCollect.learner_unix_prefix = {prefix!r}
"""
#: In containers every learner runs as one uid, so collect and feedback go by the folders
#: the hub mounts for each learner (isoko.courses.exchange_volume). Chosen when the grader
#: starts: one grader image serves compose and Kubernetes.
GRADER_IN_CONTAINERS = """\
import os
if os.environ.get("ISOKO_DEPLOYMENT", "local") != "local":
""" + "".join(
    f"    c.ExchangeFactory.{step} = {name!r}\n" for step, name in CONTAINER_EXCHANGE_STEPS.items()
)
LEARNER_AUTH_PLUGIN = "nbgrader.auth.JupyterHubAuthPlugin"
GRADER_AUTH_PLUGIN = "isoko.courses.nbgrader_auth.GraderServiceAuthPlugin"

#: Learners run as prefixed Unix accounts; submissions must carry the hub name the
#: instructor knows (and that "Manage Students" enrols), not the Unix one.
LEARNER_IDENTITY = """\
import os
c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")
"""

#: Learners get the Assignments tab and validation, not the instructor's tools; and
#: their course page for a phone, which drives those same nbgrader steps.
LEARNER_SERVER_EXTENSIONS = {
    "isoko.learner": True,
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    # nbgrader's Assignment List and Validate, with nbgrader imported on first use rather
    # than by every server at start (16 MiB each; isoko.courses.nbgrader_on_first_use).
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.validate_assignment": False,
    "isoko.courses.nbgrader_on_first_use": True,
    # The Assignment List opens on a course the learner is enrolled in, and says when
    # there is no feedback yet (isoko.courses.assignment_list).
    "isoko.courses.assignment_list": True,
    # JupyterLab may frame the learner's apps; a missing app is a page with a way back;
    # a phone's panel sizes do not follow the learner to a laptop (isoko.hub.learner_lab).
    "isoko.hub.learner_lab": True,
}
#: Nobody on an offline classroom hub should be asked to fetch news from the internet.
NO_NEWS = {"@jupyterlab/apputils-extension:announcements": True}
#: Neither learners nor graders can rebuild JupyterLab (its environment belongs to root),
#: so the page does not ask the server whether a build is needed: each such check runs a
#: Node.js process on the server (yarn's config, 0.3 s CPU), on every page load.
NO_BUILD = {"buildCheck": False, "buildAvailable": False}
#: Voilà cannot shut its kernel down when a learner closes an app inside a Jupyter
#: server (voila#1458), so every visit would leave a kernel running. Kernels nobody
#: is connected to are stopped after a while; open notebooks keep theirs.
LEARNER_KERNEL_CULLING = {
    "cull_idle_timeout": 1200,
    "cull_interval": 120,
    "cull_connected": False,
}
#: Kernels (notebooks and apps) are started by this manager, which caps them per learner.
LEARNER_KERNEL_MANAGER = "isoko.hub.kernels.CappedKernelManager"
LEARNER_DISABLED_LAB_PLUGINS = {
    **NO_NEWS,
    "@jupyter/nbgrader:formgrader": True,
    "@jupyter/nbgrader:course-list": True,
    "@jupyter/nbgrader:create-assignment": True,
}


#: The formgrader opens inside JupyterLab in an iframe of the same origin; the
#: singleuser default ``frame-ancestors 'none'`` would blank it. This is the base
#: policy of every page of a grader server; the formgrader's own pages get a strict
#: one on top (``GRADER_SERVER_EXTENSIONS``).
GRADER_HEADERS = {"Content-Security-Policy": "frame-ancestors 'self'"}
#: Grader services load three extensions of Isoko's: "Manage Students" enrols learners in
#: the hub course group (nbgrader's formgrader alone records them in its gradebook); and
#: a learner's script must not run in the formgrader: a Content-Security-Policy with a
#: nonce per page on the formgrader's pages, a sandbox on the files learners hand in;
#: and "Manage Students" gets a Remove button that ends a learner's access.
GRADER_SERVER_EXTENSIONS = {
    "isoko.courses.formgrader_enrolment": True,
    "isoko.courses.formgrader_csp": True,
    "isoko.courses.formgrader_remove": True,
    # Grades as CSV with names, and the course's progress app, from the formgrader.
    "isoko.courses.formgrader_grades": True,
    # Autograde (per learner, and "Autograde all") runs `isoko grade`: in parallel, in
    # the sandbox, with a count that moves and the problems at the end.
    "isoko.courses.formgrader_autograde": True,
}
#: A terminal opened in a grader's JupyterLab is a plain interactive shell with the
#: service's environment. The default login shell reads /etc/profile, which resets PATH
#: and so drops the Python environment: `nbgrader` was "command not found" there.
GRADER_TERMINAL = {"shell_command": ["/bin/bash"]}

#: Learners' notebooks become HTML for the instructor (the formgrader's submission
#: page, nbgrader's feedback) with their scripts and script-capable outputs removed.
GRADER_EXPORTER = """\
# A learner's notebook is shown to the instructor without its scripts; the settings
# and the reason for each are in isoko.courses.learner_html.
from traitlets.config import Config

from isoko.courses.learner_html import grader_exporter_config

c.merge(Config({"HTMLExporter": grader_exporter_config()}))
"""

#: The only JupyterLab extensions a Voilà page needs to draw ipywidgets: the widget
#: classes, and Voilà's own widget manager (its ipywidgets 7 twin is dropped by Voilà).
#: Everything else installed for JupyterLab (nbgrader, notebook, pygments...) would be
#: downloaded by every app page and never used.
VOILA_EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]

#: Isoko's Voila page template (installed with the package into the environment's
#: ``share/jupyter/voila/templates``): Voila's lab page, nothing from a CDN.
VOILA_TEMPLATE = "isoko"

#: Learner servers load :func:`voila_settings` for their own URL prefix at start.
VOILA_CONFIG = """\
# Written by Isoko at every hub start: light Voila pages for phones on slow links.
# The settings and the reason for each are in isoko.hub.server_config.voila_settings.
import os

from traitlets.config import Config

from isoko.hub.server_config import voila_settings

c = get_config()  # noqa
c.merge(Config(voila_settings(os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"))))
"""


def voila_settings(base_url: str = "/") -> dict:
    """Jupyter server and Voilà config that make a simulator page light on a slow link.

    The one place for it: learner servers on the hub (``VOILA_CONFIG``), and the Voilà
    servers of the benchmark and the browser tests, load it. ``base_url`` is the
    server's URL prefix (``/user/<name>/`` on the hub).
    """
    return {
        "ServerApp": {
            "tornado_settings": {
                # gzip: the JavaScript and CSS of a page shrink about four times.
                "compress_response": True,
                # Brotli, compressed at install, for scripts and stylesheets where the
                # browser offers it (HTTPS): 190 kB less than gzip (isoko.hub.compression).
                # Replaces compress_response's gzip, which it keeps for the rest.
                "transforms": list(TRANSFORMS),
                # Without these, Voilà inside a Jupyter server sends every page to a CDN
                # for MathJax: a failed request on an offline classroom network, a
                # download from abroad on a connected one. With them it uses the MathJax
                # it bundles: about 15 requests and 220 kB more from the hub, cached
                # after the first visit, and maths works offline.
                "mathjax_url": None,
                "mathjax_config": None,
            },
            # Every file a page loads from there is named by its content hash, so a
            # phone may keep it for a year; Voilà otherwise asks to revalidate each one.
            "static_immutable_cache": [f"{base_url.rstrip('/')}/voila/labextensions/"],
            # Compress kernel messages too: each move of a control brings a new chart.
            "websocket_compression_options": {},
        },
        "VoilaConfiguration": {
            # Voila's lab page without the stylesheets it links from a CDN. (The gallery,
            # which shows only apps, uses Isoko's own app page: isoko.hub.app_page.)
            "template": VOILA_TEMPLATE,
            "extension_allowlist": list(VOILA_EXTENSIONS),
            # Voilà's default, said here because code cells would add weight and noise.
            "strip_sources": True,
            # The page template loads Voilà's chunks as one script, if it is installed.
            "resources": {"isoko_preload": voila_bundle.bundle_path().is_file()},
        },
    }


def standalone_tornado_settings(base_url: str = "/") -> dict:
    """:func:`voila_settings`' server part as Tornado settings, for Voilà run alone (the
    gallery), which has no Jupyter ``ServerApp`` to read its ``static_immutable_cache``
    and ``websocket_compression_options``.

    Voilà alone builds its Tornado application before it reads these settings, so their
    ``transforms`` (Brotli, gzip) must also be set on the application
    (:func:`apply_transforms`), or its pages go out uncompressed.
    """
    server = voila_settings(base_url)["ServerApp"]
    return {
        **server["tornado_settings"],
        "static_immutable_cache": server["static_immutable_cache"],
        "websocket_compression_options": server["websocket_compression_options"],
    }


def apply_transforms(application: Any, tornado_settings: dict) -> None:
    """Compress an already built Tornado application's responses as ``tornado_settings`` say."""
    application.transforms = list(tornado_settings["transforms"])


def _json_tornado_settings() -> dict:
    """Voilà's Tornado settings that a JSON config can hold: not the transforms (Python
    classes), so gzip alone (``compress_response``) for the grader's pages."""
    settings = dict(voila_settings()["ServerApp"]["tornado_settings"])
    settings.pop("transforms")
    return settings


def write_voila_config(directory: Path) -> Path:
    """Write the Voilà settings as a Jupyter server config file that a server loads."""
    path = directory / "jupyter_server_config.py"
    _write(path, VOILA_CONFIG)
    return path


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
        json.dumps(
            {
                "ServerApp": {
                    "jpserver_extensions": LEARNER_SERVER_EXTENSIONS,
                    "kernel_manager_class": LEARNER_KERNEL_MANAGER,
                },
                "MappingKernelManager": LEARNER_KERNEL_CULLING,
                "CappedKernelManager": {"max_kernels": s.learner_kernels},
            },
            indent=2,
        ),
    )
    _write(
        learner / "labconfig" / "page_config.json",
        json.dumps({"disabledExtensions": LEARNER_DISABLED_LAB_PLUGINS, **NO_BUILD}, indent=2),
    )
    write_voila_config(learner)
    _write(
        grader / "nbgrader_config.py",
        NBGRADER_CONFIG.format(exchange=exchange, auth_plugin=GRADER_AUTH_PLUGIN)
        + GRADER_EXPORTER
        + grading_config(s.sandbox_account)
        + GRADER_IN_CONTAINERS
        + (GRADER_LEARNER_ACCOUNTS.format(prefix=s.unix_prefix) if s.as_root else ""),
    )
    _write(
        grader / "jupyter_server_config.json",
        json.dumps(
            {
                "ServerApp": {
                    "jpserver_extensions": GRADER_SERVER_EXTENSIONS,
                    # Whole here: this file is read after jupyter_server_config.py and
                    # its tornado_settings would otherwise replace Voila's (no MathJax
                    # from a CDN for the progress app, gzip).
                    "tornado_settings": {
                        **_json_tornado_settings(),
                        "headers": GRADER_HEADERS,
                    },
                    "terminado_settings": GRADER_TERMINAL,
                }
            },
            indent=2,
        ),
    )
    # The progress app is a Voila page of the grader service: light, and nothing from a CDN.
    write_voila_config(grader)
    _write(
        grader / "labconfig" / "page_config.json",
        json.dumps({"disabledExtensions": NO_NEWS, **NO_BUILD}, indent=2),
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
