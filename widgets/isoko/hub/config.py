"""The hub's configuration, built by small functions that only *set* values.

Each ``update_*`` function takes a traitlets ``Config`` and what it needs, and sets the
values of one concern; ``configure`` applies them all. Tests call them on a bare
``Config()`` and check one value at a time.

Who may do what (``update_roles``; a hub user may hold several of these):

================  ======================  ==============================================
role              held by                 scopes, and what they allow
================  ======================  ==============================================
operator          the ``admin`` account   JupyterHub's ``admin`` role (every hub scope:
                                          users, servers, groups, ``/hub/authorize``)
                                          plus Isoko's custom scopes unfiltered: every
                                          course page and every sign-up
instructor of C   group instructors-C     ``custom:isoko:enrolment:read!group=nbgrader-C``
                                          (the course page: code, waiting sign-ups,
                                          learners) and ``custom:isoko:signups:approve
                                          !group=nbgrader-C`` (approve, which enrols, or
                                          reject a sign-up that gave C's code)
grader of C       group formgrade-C       ``access:services!service=C``: open C's
                  (instructors too)       formgrader, nothing else of the hub
learner           every user              JupyterHub's ``user`` role (``self``): their
                                          own server, their own model and groups;
                                          joining a course with its code
================  ======================  ==============================================

No role but the operator's reaches another user's server, the admin API or the list of
every sign-up.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from traitlets.config import Config

from isoko.courses.catalog import Course, load_courses
from isoko.hub import deployment
from isoko.hub.deployment import COMPOSE, KUBERNETES
from isoko.hub.gallery import gallery_service
from isoko.names import RESERVED_HUB_NAME_PATTERN, formgrade_group, instructor_group, student_group
from isoko.platform.demo import ADMIN
from isoko.platform.settings import Settings

#: Hub user names become Unix account names, so keep them to what both allow, and never
#: one that would land on Isoko's own accounts (``<prefix>grader-<course>``,
#: ``<prefix>sandbox``): signing up as ``grader-pricing`` must not become the grader.
USERNAME_PATTERN = rf"^(?!{RESERVED_HUB_NAME_PATTERN}$)[a-z][a-z0-9_-]{{1,23}}$"

#: Scopes of the token each learner's server holds, each the least that works. A server's
#: token can hold only what its user holds (the hub drops the rest, with a warning), so
#: every scope here is filtered to the user (``!user``) or the server (``!server``).
SERVER_SCOPES = [
    # The server reports its user's activity, which the idle culler reads (hub default).
    "users:activity!user",
    # The server's own token may reach its own server and no other (hub default).
    "access:servers!server",
    # nbgrader lists, fetches and submits only the courses of the user's hub groups
    # (nbgrader-<course>): it reads GET /hub/api/users/<self> for its ``groups``.
    "read:users:groups!user",
]

#: Isoko's own permissions, checked by its hub pages (``isoko.hub.enrolment``). Each is
#: filtered to a course by its student group, ``!group=nbgrader-<course>``: JupyterHub
#: filters only by user, server, group or service, and the student group is the course.
APPROVE_SIGNUPS = "custom:isoko:signups:approve"
READ_ENROLMENT = "custom:isoko:enrolment:read"
CUSTOM_SCOPES = {
    APPROVE_SIGNUPS: {
        "description": "Approve (and so enrol) or reject sign-ups that gave a course's code.",
    },
    READ_ENROLMENT: {
        "description": "See a course's enrolment code, its waiting sign-ups and its learners.",
    },
}

MIB = 2**20


def update_network(c: Config, s: Settings) -> None:
    if s.public_url:
        # Links the hub writes (OAuth redirects, the services' URLs) use the address
        # browsers reach, when a proxy or a name stands in front of the hub.
        c.JupyterHub.public_url = s.public_url
    if s.deployment == KUBERNETES:
        # The chart places the hub, its proxy (another pod) and their Services.
        return
    c.JupyterHub.ip = s.ip
    c.JupyterHub.port = s.port
    # The hub's own API and the proxy's API stay on loopback whatever the public ip.
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = s.hub_port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
    if s.deployment == COMPOSE:
        deployment.update_compose_network(c)


def update_tls(c: Config, s: Settings) -> None:
    if s.ssl_cert is not None:
        c.JupyterHub.ssl_cert = str(s.ssl_cert)
        c.JupyterHub.ssl_key = str(s.ssl_key)


def cookie_options(s: Settings) -> dict:
    """Attributes of every login and XSRF cookie: of the hub, learner servers, formgraders.

    ``SameSite=Lax``: a browser sends them with no request that another site starts
    except a top-level navigation, so another site's page can neither post to the hub
    as the admin nor load an image with the admin's session; the OAuth redirects between
    the hub and the servers are top-level navigations on one site, so login still works.
    ``Secure`` when browsers come over HTTPS: such a cookie never travels in clear text
    (served plain, a browser would refuse to store it, so it is off then).
    """
    options: dict = {"samesite": "Lax"}
    if s.served_over_https:
        options["secure"] = True
    return options


def update_cookies(c: Config, s: Settings) -> None:
    # The hub passes these on to its XSRF cookie and to every spawner (learner servers'
    # OAuth cookies); grader services take them from their environment (grader_service).
    c.JupyterHub.tornado_settings = {"cookie_options": cookie_options(s)}


def update_state(c: Config, s: Settings, proxy_token: str | None) -> None:
    if s.deployment == KUBERNETES:
        # The chart owns the database (hub.db), the cookie secret and the proxy's token,
        # and keeps learners' pods running while the hub pod restarts.
        c.JupyterHub.cleanup_servers = False
        return
    c.JupyterHub.db_url = s.db_url
    c.JupyterHub.cookie_secret_file = str(s.cookie_secret_file)
    c.JupyterHub.pid_file = str(s.hub_pid_file)
    if proxy_token is not None:
        c.ConfigurableHTTPProxy.auth_token = proxy_token
    c.ConfigurableHTTPProxy.command = [str(s.proxy_command)]
    c.ConfigurableHTTPProxy.pid_file = str(s.proxy_pid_file)
    # Ctrl-C must stop the proxy and every user server: nothing may outlive the hub.
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True


def update_authenticator(c: Config, s: Settings) -> None:
    c.JupyterHub.authenticator_class = "isoko.hub.auth.IsokoAuthenticator"
    # Sign-up is open to anyone; the operator, or for a sign-up that gave a course's code
    # that course's instructors, approves each account before it can log in.
    c.IsokoAuthenticator.open_signup = False
    # Approval is the gate, so everyone approved may use the hub (JupyterHub 5+ asks).
    c.Authenticator.allow_all = True
    # The operator is the only admin; the admin role (update_roles) lists them, so no
    # one else stays admin from an older database.
    c.Authenticator.username_pattern = USERNAME_PATTERN
    c.IsokoAuthenticator.minimum_password_length = s.password_min_length
    c.IsokoAuthenticator.check_common_password = s.password_reject_common
    # Slow down password guessing without locking a learner out for long.
    c.IsokoAuthenticator.allowed_failed_logins = s.failed_logins_before_wait
    c.IsokoAuthenticator.seconds_before_next_try = s.login_wait_seconds


def server_command(s: Settings) -> list[str]:
    """JupyterHub's single-user server for learners and formgraders, without an unused
    import that costs each server 0.7 s of CPU and 16 MiB (``isoko.hub.singleuser``)."""
    return [str(s.bin_dir / "python"), "-m", "isoko.hub.singleuser"]


def learner_environment(s: Settings) -> dict[str, str]:
    return {
        "PATH": f"{s.bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_CONFIG_PATH": str(s.learner_config_dir),
        "LANG": "C.UTF-8",
    }


#: The first page of every learner's server: their courses (the ``isoko.learner`` extension).
LEARNER_HOME = "/learn"


def update_spawner(c: Config, s: Settings, courses: list[Course] | None = None) -> None:
    if s.in_containers:
        update_container_spawner(c, s, courses or [])
        return
    if s.as_root:
        c.JupyterHub.spawner_class = "isoko.hub.spawner.IsokoUnixSpawner"
        c.IsokoUnixSpawner.unix_prefix = s.unix_prefix
        c.IsokoUnixSpawner.homes_dir = str(s.homes_dir)
        # One learner must not be able to take the machine from the others.
        c.IsokoUnixSpawner.mem_limit = s.learner_memory_mb * MIB
        c.IsokoUnixSpawner.process_mem_limit = s.learner_process_memory_mb * MIB
        c.IsokoUnixSpawner.process_limit = s.learner_processes
        c.IsokoUnixSpawner.nice = s.learner_nice
        c.IsokoUnixSpawner.content_sync_timeout = s.content_copy_timeout
    else:
        c.JupyterHub.spawner_class = "isoko.hub.spawner.IsokoTrialSpawner"
        c.IsokoTrialSpawner.home_dir_template = str(s.homes_dir / "{username}")
        c.IsokoTrialSpawner.content_sync_timeout = s.content_copy_timeout
    c.Spawner.content_dir = str(s.content_dir)
    c.Spawner.cmd = server_command(s)
    # Learners land on their course page, made for a phone (isoko.learner); JupyterLab
    # is one link away from it.
    c.Spawner.default_url = LEARNER_HOME
    c.Spawner.environment = learner_environment(s)
    # A cold JupyterLab start with nbgrader and Voilà takes a while on 2 cores.
    c.Spawner.start_timeout = s.server_start_timeout
    c.Spawner.http_timeout = s.server_http_timeout


def update_container_spawner(c: Config, s: Settings, courses: list[Course]) -> None:
    """Learner containers (compose) or pods (kubernetes): ``isoko.hub.deployment``."""
    if s.deployment == COMPOSE:
        deployment.update_compose_spawner(c, s, courses)
    else:
        deployment.update_kubernetes_spawner(c, s, courses)
    deployment.update_container_server(c, s)
    # The same first page and timeouts as on one machine.
    c.Spawner.default_url = LEARNER_HOME
    c.Spawner.start_timeout = s.server_start_timeout
    c.Spawner.http_timeout = s.server_http_timeout


def grader_service(s: Settings, course: Course, port: int) -> dict:
    service = {
        "name": course.slug,
        "display": True,
        "info": {"title": f"Formgrader: {course.title}"},
        "url": f"http://127.0.0.1:{port}",
        "command": server_command(s),
        "cwd": str(s.grader_home(course.slug)),
        "environment": {
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "ISOKO_COURSE": course.slug,
            "JUPYTER_CONFIG_PATH": str(s.grader_config_dir),
            "PATH": f"{s.bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            # The hub hands its cookie options to user servers but not to services.
            "JUPYTERHUB_COOKIE_OPTIONS": json.dumps(cookie_options(s)),
            **s.service_owner_environ,
        },
        "oauth_no_confirm": True,
    }
    if s.as_root:
        service["user"] = s.grader_unix_name(course.slug)
    return service


def idle_culler_service(s: Settings) -> dict:
    return {
        "name": "idle-culler",
        "command": [
            str(s.bin_dir / "python"),
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={s.idle_timeout}",
            # 0: a server is never stopped for its age alone (the culler's own default).
            f"--max-age={s.idle_max_age}",
        ],
        "environment": s.service_owner_environ,
    }


#: The hub service ``isoko roster`` acts as: no process, no URL, only an API token.
ROSTER_SERVICE = "roster"


def roster_service(token: str) -> dict:
    # The token is made at first start and kept 0600 in the state directory, which only
    # root (who runs `isoko roster`) can read.
    return {"name": ROSTER_SERVICE, "api_token": token, "display": False}


def grader_services(
    s: Settings, courses: list[Course], environ: Mapping[str, str] | None = None
) -> list[dict]:
    """One formgrader per course: started by the hub on one machine; in containers, each
    its own container or pod of the grader image, which the hub only registers."""
    if s.in_containers:
        env = os.environ if environ is None else environ
        return [deployment.external_grader_service(course, env) for course in courses]
    return [grader_service(s, course, s.service_port_base + i) for i, course in enumerate(courses)]


def update_services(
    c: Config,
    s: Settings,
    courses: list[Course],
    roster_token: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    # The public gallery runs beside the hub on one machine (in containers: not yet).
    gallery = s.gallery_enabled and not s.in_containers
    c.JupyterHub.services = [
        *grader_services(s, courses, environ),
        idle_culler_service(s),
        *([roster_service(roster_token)] if roster_token else []),
        *([gallery_service(s)] if gallery else []),
    ]


def update_groups(c: Config, courses: list[Course]) -> None:
    """Every course's three groups exist, their members are the hub database's own.

    Without ``users`` the hub only creates a missing group and never changes who is in
    it: members come from enrolment (codes, approvals, rosters, the demo's start).
    """
    groups = {}
    for course in courses:
        for group in (formgrade_group, instructor_group, student_group):
            groups[group(course.slug)] = {}
    c.JupyterHub.load_groups = groups


def instructor_scopes(course: str) -> list[str]:
    """What an instructor of ``course`` may do beyond grading: that course only."""
    return [
        f"{READ_ENROLMENT}!group={student_group(course)}",
        f"{APPROVE_SIGNUPS}!group={student_group(course)}",
    ]


def grader_scopes(course: str) -> list[str]:
    """Scopes of a formgrader's token: its own course group and its own service, no more."""
    return [
        # "Manage Students" (and `nbgrader db student add|remove` run by the grader)
        # enrols or removes a learner: nbgrader lists the groups (GET /groups, to find
        # nbgrader-<course>), then POST|DELETE /groups/nbgrader-<course>/users.
        # ``groups`` is the only scope that changes membership; filtered, it reaches
        # this course's group and lists only it. No read of any user is needed.
        f"groups!group={student_group(course)}",
        # The Courses tab of the grader's JupyterLab finds its formgrader's URL in
        # GET /services (``prefix`` needs read:services); only its own service is shown.
        f"list:services!service={course}",
        f"read:services!service={course}",
    ]


def roster_scopes(courses: list[Course]) -> list[str]:
    """Scopes of the roster service's token: accounts, and the courses' three groups."""
    return [
        # A roster's new accounts need a hub user record before they can join a group
        # (POST /users/<name>), and only ``admin:users`` creates one. The hub still lets
        # no one but an admin make an admin, and the token never leaves root's state dir.
        "admin:users",
        # Each course's learners, graders and instructors, read for export and changed
        # by import; no other group.
        *(
            f"groups!group={group(course.slug)}"
            for course in courses
            for group in (student_group, formgrade_group, instructor_group)
        ),
    ]


def update_roles(c: Config, courses: list[Course]) -> None:
    roles = [
        # Partial: JupyterHub keeps the admin role's scopes. The list is exact, so anyone
        # else who was admin (the demo instructor, before the operator existed) is not.
        {"name": "admin", "users": [ADMIN]},
        {
            "name": "operator",
            "description": "Every course page and every sign-up",
            "scopes": list(CUSTOM_SCOPES),
            "users": [ADMIN],
        },
        {"name": "server", "scopes": SERVER_SCOPES},
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        },
        {
            "name": ROSTER_SERVICE,
            "description": "What `isoko roster` asks of the hub",
            "scopes": roster_scopes(courses),
            "services": [ROSTER_SERVICE],
        },
    ]
    for course in courses:
        roles.append(
            {
                "name": formgrade_group(course.slug),
                "description": f"Open the {course.title} formgrader",
                "scopes": [f"access:services!service={course.slug}"],
                "groups": [formgrade_group(course.slug)],
            }
        )
        roles.append(
            {
                "name": instructor_group(course.slug),
                "description": f"Approve sign-ups for and see enrolment in {course.title}",
                "scopes": instructor_scopes(course.slug),
                "groups": [instructor_group(course.slug)],
            }
        )
        roles.append(
            {
                "name": f"grader-{course.slug}",
                "description": f"What the {course.title} formgrader asks of the hub",
                "scopes": grader_scopes(course.slug),
                "services": [course.slug],
            }
        )
    c.JupyterHub.load_roles = roles


def update_course_pages(c: Config, s: Settings, courses: list[Course]) -> None:
    """Isoko's hub pages: joining with a code, each course's page, the home page's notes."""
    from isoko.hub.enrolment import TEMPLATES, HomeNotes

    c.JupyterHub.custom_scopes = CUSTOM_SCOPES
    c.JupyterHub.template_paths = [str(TEMPLATES)]
    titles = {course.slug: course.title for course in courses}
    c.JupyterHub.template_vars = {"isoko": HomeNotes(titles)}
    c.IsokoAuthenticator.enrolment_codes_file = str(s.enrolment_codes_file)
    c.IsokoAuthenticator.course_titles = titles


def configure(c: Config, s: Settings | None = None) -> Settings:
    """Apply every part of the configuration to ``c``; return the settings used."""
    s = s or Settings.from_environ()
    courses = s.select_courses(load_courses(s.courses_dir))
    # On Kubernetes the chart holds the proxy's token; elsewhere `isoko hub` made it.
    proxy_token = None if s.deployment == KUBERNETES else s.proxy_token_file.read_text().strip()
    roster_token = s.roster_token_file.read_text().strip() if s.roster_token_file.exists() else None
    update_network(c, s)
    update_tls(c, s)
    update_cookies(c, s)
    update_state(c, s, proxy_token)
    update_authenticator(c, s)
    update_spawner(c, s, courses)
    update_services(c, s, courses, roster_token)
    update_groups(c, courses)
    update_roles(c, courses)
    update_course_pages(c, s, courses)
    return s
