"""What ``isoko hub`` makes true before the hub starts, in order, one line each.

:func:`steps` lists every step in the order it runs; each is a small function that
does one thing, idempotently, and returns the line a newcomer reads in the terminal.
This module sits above the hub, the platform and the courses and passes each what it
needs (the courses read here, the hub's services to check their ports), so none of
them reaches into another to prepare itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from traitlets.config import Config

from isoko.courses.catalog import Course, load_courses
from isoko.courses.content import publish
from isoko.courses.exchange import ensure_exchange_root
from isoko.gallery.folder import write_gallery
from isoko.hub.config import update_services
from isoko.hub.server_config import write_server_configs
from isoko.i18n import languages
from isoko.platform import demo, prepare, unix
from isoko.platform.databases import ensure_database
from isoko.platform.enrolment import ensure_codes
from isoko.platform.graders import prepare_graders
from isoko.platform.prepare import SetupError
from isoko.platform.secrets import ensure_private_dir, ensure_secret
from isoko.platform.settings import Settings

__all__ = ["SetupError", "Start", "run", "steps"]


@dataclass
class Start:
    """What the steps share: the settings, where lines go, and what earlier steps found."""

    s: Settings
    log: Callable[[str], object] = print
    courses: list[Course] = field(default_factory=list)
    accounts: demo.DemoAccounts | None = None


def check_tools(start: Start) -> str:
    s = start.s
    if s.deployment == "kubernetes":
        # The chart runs the proxy in a pod of its own.
        return "Tools: the proxy is the chart's (kubernetes)"
    if not s.proxy_command.exists():
        raise SetupError(
            f"configurable-http-proxy is missing at {s.proxy_command}: run `make hub`."
        )
    if not s.as_root:
        return "Tools: the proxy is installed (single-user trial)"
    prepare.keep_checkout_private(s, start.log)
    prepare.check_reachable_by_others(s.env_prefix, "The Python environment")
    return "Tools: the proxy is installed; the checkout is private, the environment readable"


def read_courses(start: Start) -> str:
    start.courses = start.s.select_courses(load_courses(start.s.courses_dir))
    return f"Courses: {', '.join(c.slug for c in start.courses)}"


def listening_services(s: Settings, courses: list[Course]) -> list[dict]:
    """The hub's services as its configuration will declare them, that listen on this
    machine; in containers each formgrader listens in a container of its own."""
    if s.in_containers:
        return []
    c = Config()
    update_services(c, s, courses)
    return list(c.JupyterHub.services)


def clear_leftovers(start: Start) -> str:
    """A hub already running stops us; what a killed one left behind is cleaned up."""
    s = start.s
    ensure_private_dir(s.state_dir)
    prepare.refuse_if_hub_running(s)
    prepare.stop_leftover_services(s, start.log)
    prepare.forget_stale_proxy_pid(s, start.log)
    prepare.check_service_ports(listening_services(s, start.courses))
    return f"State in {s.state_dir}: no other hub on it, the services' ports are free"


def make_secrets(start: Start) -> str:
    s = start.s
    for path in (s.cookie_secret_file, s.proxy_token_file, s.roster_token_file):
        ensure_secret(path)
    return "Secrets: cookie secret, proxy token and roster token (0600)"


def make_demo_accounts(start: Start) -> str:
    s = start.s
    start.accounts = demo.ensure_credentials(s.demo_accounts_file)
    # On a database server, the hub's database must exist before anything is written.
    ensure_database(s.db_url, start.log)
    demo.ensure_in_hub_db(s.db_url, start.accounts, [c.slug for c in start.courses])
    return (
        f"Demo accounts: {start.accounts.admin['username']}, "
        f"{start.accounts.instructor['username']} (teaches every course), "
        f"{', '.join(start.accounts.learner_names)} (take every course)"
    )


def make_enrolment_codes(start: Start) -> str:
    ensure_codes(start.s.enrolment_codes_file, [c.slug for c in start.courses])
    return f"Enrolment codes: one per course, in {start.s.enrolment_codes_file}"


def make_system_folders(start: Start) -> str:
    s = start.s
    for folder in (s.system_dir, s.homes_dir):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
    ensure_exchange_root(s.exchange_dir)
    return f"Folders: the system folder {s.system_dir}, learners' homes and the exchange"


def write_servers_config(start: Start) -> str:
    write_server_configs(start.s)
    return "Jupyter configuration of learners' servers and formgraders written"


def publish_content(start: Start) -> str:
    publish(start.courses, start.s.content_dir)
    return f"Lessons and apps published to {start.s.content_dir}"


def prepare_gallery(start: Start) -> str:
    """The public gallery's apps (every simulator in every language) and its account."""
    s = start.s
    if not s.gallery_enabled:
        return "Gallery: off (gallery.enabled is false)"
    if s.in_containers:
        return "Gallery: not started in containers (run on one machine only, for now)"
    offered = languages()
    apps = write_gallery(s.gallery_dir, offered, s.bin_dir / "python")
    account = ""
    if s.as_root:
        unix.ensure_system_account(s.gallery_unix_name, "Isoko public gallery")
        account = f", run as {s.gallery_unix_name}"
    return (
        f"Gallery: {len(apps)} apps ({', '.join(offered)}) in {s.gallery_dir}{account}, "
        f"public at /services/gallery/"
    )


def prepare_sandbox(start: Start) -> str:
    s = start.s
    if s.in_containers:
        return "Grading sandbox: in each course's grader container, not the hub's"
    prepare.prepare_grading_sandbox(s, [s.grader_unix_name(c.slug) for c in start.courses])
    if s.as_root:
        return "Grading sandbox: bubblewrap, the sandbox account and the graders' sudo rule"
    return "Grading sandbox: bubblewrap (in a trial, graded code runs as you)"


def prepare_grading(start: Start) -> str:
    start.log("Preparing grading: each course's grader generates and releases its assignments")
    prepare_graders(start.s, start.courses, log=start.log)
    return "Grading prepared"


def steps() -> list[Callable[[Start], str]]:
    """Every step before the hub starts, in the order they run."""
    return [
        check_tools,
        read_courses,
        clear_leftovers,
        make_secrets,
        make_demo_accounts,
        make_enrolment_codes,
        make_system_folders,
        write_servers_config,
        publish_content,
        prepare_gallery,
        prepare_sandbox,
        prepare_grading,
    ]


def run(s: Settings, log: Callable[[str], object] = print) -> Start:
    """Run every step in order, logging one line each; a step that cannot be done raises
    :class:`SetupError` with what to do."""
    start = Start(s, log)
    for step in steps():
        log(step(start))
    return start
