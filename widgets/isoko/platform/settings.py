"""Every setting of Isoko, with its default: the defaults here, then the operator's
``isoko.yaml`` in the state directory, then ``ISOKO_*`` variables (``config_file``).

Two kinds of directory matter. The *state directory* holds what only the hub (and
its operator) may read: the database, the cookie secret, the proxy token and the demo
credentials. The *system directory* holds what other Unix accounts must reach when
the hub runs as root: the learners' homes, the course content they receive, the
nbgrader exchange, the graders' course directories and the Jupyter configuration of
learner and grader servers. A checkout may sit in a private directory, so when the hub
runs as root the system directory defaults to a system location, like The Littlest
JupyterHub does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from isoko.names import gradebook_url, learner_account_name, unix_account_name, with_driver
from isoko.platform import config_file

DEFAULT_PORT = 8000
DEFAULT_SYSTEM_DIR_AS_ROOT = Path("/srv/isoko")
DEFAULT_UNIX_PREFIX = "isoko-"
SUDOERS_DIR = Path("/etc/sudoers.d")

#: Each learner's share of a 2-core, 24 GiB machine serving a class of about 30. Not
#: everyone computes at once, so the shares add up to more than the machine.
#: Memory for all of a learner's processes together (enforced with cgroups v2).
DEFAULT_LEARNER_MEMORY_MB = 3072
#: Memory (address space) of each learner process: a kernel with numpy and pandas
#: reserves well under 1 GiB; JupyterLab's server about as much.
DEFAULT_LEARNER_PROCESS_MEMORY_MB = 2048
#: Processes and threads of one learner together: JupyterLab and a few kernels use
#: well under 100 (each kernel runs about ten threads, two more for OpenBLAS).
DEFAULT_LEARNER_PROCESSES = 256
#: Kernels one learner may run at once (open notebooks and app pages together).
DEFAULT_LEARNER_KERNELS = 4
#: Learners run a little below the hub's priority, so the hub answers under load.
DEFAULT_LEARNER_NICE = 5
#: Set, to the hub's state directory, in the environment of every service the hub starts
#: (formgraders, the idle culler): a hub killed outright leaves its services running, and
#: the next ``isoko hub`` on the same state finds them by it, and only them.
SERVICE_OWNER_VARIABLE = "ISOKO_SERVICE_OF"


@dataclass(frozen=True)
class Settings:
    """Everything the hub configuration and the start-up steps need to know."""

    checkout: Path
    state_dir: Path
    system_dir: Path
    env_prefix: Path
    ip: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    hub_port: int = 8081
    proxy_api_port: int = 8001
    service_port_base: int = 8101
    as_root: bool = False
    unix_prefix: str = DEFAULT_UNIX_PREFIX
    #: The hub serves HTTPS itself with this certificate and key.
    ssl_cert: Path | None = None
    ssl_key: Path | None = None
    #: A proxy in front of the hub serves HTTPS and forwards plain HTTP on loopback.
    behind_https_proxy: bool = False
    learner_memory_mb: int = DEFAULT_LEARNER_MEMORY_MB
    learner_process_memory_mb: int = DEFAULT_LEARNER_PROCESS_MEMORY_MB
    learner_processes: int = DEFAULT_LEARNER_PROCESSES
    learner_kernels: int = DEFAULT_LEARNER_KERNELS
    learner_nice: int = DEFAULT_LEARNER_NICE
    #: The address browsers use, when a proxy or a name stands in front of the hub.
    public_url: str | None = None
    #: Seconds a learner's server may take to start (a cold JupyterLab with nbgrader and
    #: Voila takes a while on 2 cores), then to answer HTTP once started.
    server_start_timeout: int = 120
    server_http_timeout: int = 90
    #: Seconds the copy of course content into a learner's home may take before a start.
    content_copy_timeout: int = 120
    #: Password rules at sign-up and password change; logins refused ``failed_logins_
    #: before_wait`` times in a row wait ``login_wait_seconds`` (slows guessing without
    #: locking a learner out for long).
    password_min_length: int = 8
    password_reject_common: bool = True
    failed_logins_before_wait: int = 10
    login_wait_seconds: int = 60
    #: A learner's server idle this many seconds is stopped; ``idle_max_age`` (0: never)
    #: stops any server that old.
    idle_timeout: int = 3600
    idle_max_age: int = 0
    #: The courses of the checkout that are served; ``None``: every one.
    courses_enabled: tuple[str, ...] | None = None
    #: Where the hub runs: ``local`` (one machine, learners as Unix accounts), ``compose``
    #: (learner containers by DockerSpawner) or ``kubernetes`` (learner pods by KubeSpawner,
    #: the hub inside the Zero to JupyterHub chart); ``isoko.hub.deployment``.
    deployment: str = "local"
    #: The image of learner servers in compose and kubernetes, ``name:tag`` (pinned).
    learner_image: str | None = None
    #: The Docker network the hub and learner containers share (compose).
    docker_network: str = "isoko"
    #: The hub's database (an SQLAlchemy URL); ``None``: the SQLite file in the state dir.
    hub_db_url: str | None = None
    #: Every course's gradebook, a URL with ``{course}`` in it; ``None``: the SQLite
    #: ``gradebook.db`` in each course folder, nbgrader's default.
    gradebook_db_url: str | None = None
    #: The public gallery of simulator apps, at /services/gallery/ with no login
    #: (``isoko.gallery``), served on this loopback port; how many kernels it keeps
    #: warm per app and allows at once (``None``: sized from the machine).
    gallery_enabled: bool = True
    gallery_port: int = 8100
    gallery_preheated_per_app: int | None = None
    gallery_max_kernels: int | None = None
    #: Where each value set by the file or a variable came from, by dotted key.
    origins: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def served_over_https(self) -> bool:
        """Browsers reach the hub over HTTPS, so its cookies may say ``Secure``."""
        return self.ssl_cert is not None or self.behind_https_proxy

    @classmethod
    def from_environ(
        cls,
        checkout: Path | None = None,
        environ: Mapping[str, str] | None = None,
        as_root: bool | None = None,
    ) -> Settings:
        """The defaults, then ``isoko.yaml`` in the state directory, then ``ISOKO_*``."""
        env = os.environ if environ is None else environ
        # An installed package cannot know its checkout: the command line passes it in
        # (and hands it on to the hub process), else the current folder is taken.
        checkout = Path(env.get("ISOKO_CHECKOUT") or checkout or Path.cwd()).resolve()
        as_root = (os.geteuid() == 0) if as_root is None else as_root
        state_dir = Path(env.get("ISOKO_STATE_DIR") or checkout / ".isoko").resolve()
        values, origins = config_file.resolve(state_dir, env)
        chosen = {
            config_file.KEYS_BY_PATH[key].field: value
            for key, value in values.items()
            if value is not None
        }
        for name in ("system_dir", "ssl_cert", "ssl_key"):
            if name in chosen:
                chosen[name] = Path(chosen[name]).resolve()
        if "courses_enabled" in chosen:
            chosen["courses_enabled"] = tuple(chosen["courses_enabled"])
        if bool(chosen.get("ssl_cert")) != bool(chosen.get("ssl_key")):
            raise ValueError(
                "ISOKO_SSL_CERT and ISOKO_SSL_KEY (https.ssl_cert and https.ssl_key in "
                f"{config_file.FILE_NAME}) must be set together"
            )
        if chosen.get("deployment", "local") != "local" and not chosen.get("learner_image"):
            raise ValueError(
                f"deployment.mode {chosen['deployment']} needs the learner image: set "
                f"ISOKO_LEARNER_IMAGE (deployment.learner_image in {config_file.FILE_NAME}) "
                "to a pinned name:tag"
            )
        default_system = DEFAULT_SYSTEM_DIR_AS_ROOT if as_root else state_dir / "system"
        return cls(
            checkout=checkout,
            state_dir=state_dir,
            env_prefix=Path(sys.prefix),
            as_root=as_root,
            **{"system_dir": default_system, **chosen},
            origins=origins,
        )

    def to_environ(self) -> dict[str, str]:
        """The variables that let a child process (the hub) rebuild these settings.

        Settings without a variable reach it through ``isoko.yaml``, which it reads again.
        """
        return {
            "ISOKO_CHECKOUT": str(self.checkout),
            "ISOKO_STATE_DIR": str(self.state_dir),
            "ISOKO_SYSTEM_DIR": str(self.system_dir),
            "ISOKO_IP": self.ip,
            "ISOKO_PORT": str(self.port),
            "ISOKO_PUBLIC_URL": self.public_url or "",
            "ISOKO_HUB_PORT": str(self.hub_port),
            "ISOKO_PROXY_API_PORT": str(self.proxy_api_port),
            "ISOKO_SERVICE_PORT_BASE": str(self.service_port_base),
            "ISOKO_UNIX_PREFIX": self.unix_prefix,
            "ISOKO_SSL_CERT": str(self.ssl_cert or ""),
            "ISOKO_SSL_KEY": str(self.ssl_key or ""),
            # "0", not empty: an empty variable would let the file's value back in.
            "ISOKO_BEHIND_HTTPS_PROXY": "1" if self.behind_https_proxy else "0",
            "ISOKO_LEARNER_MEMORY_MB": str(self.learner_memory_mb),
            "ISOKO_LEARNER_PROCESS_MEMORY_MB": str(self.learner_process_memory_mb),
            "ISOKO_LEARNER_PROCESSES": str(self.learner_processes),
            "ISOKO_LEARNER_KERNELS": str(self.learner_kernels),
            "ISOKO_LEARNER_NICE": str(self.learner_nice),
            "ISOKO_DEPLOYMENT": self.deployment,
            "ISOKO_LEARNER_IMAGE": self.learner_image or "",
            "ISOKO_DOCKER_NETWORK": self.docker_network,
            # Empty when not set: the hub then reads the file's value (or the default).
            "ISOKO_DB_URL": self.hub_db_url or "",
            "ISOKO_GRADEBOOK_DB_URL": self.gradebook_db_url or "",
            "ISOKO_GALLERY": "1" if self.gallery_enabled else "0",
            "ISOKO_GALLERY_PORT": str(self.gallery_port),
        }

    def origin(self, key: str) -> str:
        """Where the value of a dotted key came from: the file's line, a variable, or default."""
        return self.origins.get(key, config_file.DEFAULT)

    @property
    def config_file(self) -> Path:
        """The operator's settings (``isoko.yaml``); absent means every default."""
        return self.state_dir / config_file.FILE_NAME

    @property
    def hub_config_dir(self) -> Path:
        """Extra JupyterHub configuration, loaded after Isoko's own, in name order."""
        return self.state_dir / "jupyterhub_config.d"

    def select_courses(self, courses: list) -> list:
        """The courses of the checkout that ``courses.enabled`` serves (all by default)."""
        if self.courses_enabled is None:
            return list(courses)
        slugs = [course.slug for course in courses]
        for slug in self.courses_enabled:
            if slug not in slugs:
                where = self.origin("courses.enabled")
                raise config_file.ConfigFileError(
                    f"{self.state_dir / where}: courses.enabled: no course {slug!r} in "
                    f"{self.courses_dir}; the courses are {', '.join(slugs)}"
                )
        return [course for course in courses if course.slug in self.courses_enabled]

    # --- the state directory (hub only, 0700) -------------------------------------
    @property
    def db_url(self) -> str:
        """The hub's database: ``database.hub_url``, else SQLite in the state directory."""
        if self.hub_db_url:
            return with_driver(self.hub_db_url)
        return f"sqlite:///{self.state_dir / 'jupyterhub.sqlite'}"

    def gradebook_url(self, course: str) -> str:
        """``course``'s gradebook: ``database.gradebook_url`` for it, else the SQLite file
        in its grader's course folder."""
        return gradebook_url(course, self.grader_home(course), self.gradebook_db_url)

    @property
    def cookie_secret_file(self) -> Path:
        return self.state_dir / "jupyterhub_cookie_secret"

    @property
    def proxy_token_file(self) -> Path:
        return self.state_dir / "proxy_auth_token"

    @property
    def demo_accounts_file(self) -> Path:
        return self.state_dir / "demo-accounts.json"

    @property
    def roster_token_file(self) -> Path:
        """The hub API token of the roster service, which ``isoko roster`` uses."""
        return self.state_dir / "roster_api_token"

    @property
    def first_passwords_dir(self) -> Path:
        """First passwords of accounts made by ``isoko roster import`` (files 0600)."""
        return self.state_dir / "first-passwords"

    @property
    def staff_names_file(self) -> Path:
        """Names and e-mails of graders and instructors (learners' are in the gradebook)."""
        return self.state_dir / "staff-names.json"

    @property
    def hub_pid_file(self) -> Path:
        return self.state_dir / "jupyterhub.pid"

    @property
    def service_owner_environ(self) -> dict[str, str]:
        """What marks a service as started by the hub of this state directory."""
        return {SERVICE_OWNER_VARIABLE: str(self.state_dir)}

    @property
    def enrolment_codes_file(self) -> Path:
        return self.state_dir / "enrolment-codes.json"

    @property
    def proxy_pid_file(self) -> Path:
        return self.state_dir / "jupyterhub-proxy.pid"

    # --- the checkout (read by root only) -----------------------------------------
    @property
    def courses_dir(self) -> Path:
        return self.checkout / "courses"

    @property
    def hub_config_file(self) -> Path:
        return self.checkout / "hub_config" / "jupyterhub_config.py"

    @property
    def proxy_command(self) -> Path:
        return self.checkout / "node_modules" / ".bin" / "configurable-http-proxy"

    # --- the system directory (reached by learner and grader accounts) ------------
    @property
    def homes_dir(self) -> Path:
        return self.system_dir / "homes"

    @property
    def in_containers(self) -> bool:
        """Learner servers run in containers (compose, kubernetes), not as Unix accounts."""
        return self.deployment != "local"

    @property
    def content_dir(self) -> Path:
        """Published lessons and apps, world-readable, copied into learners' homes.

        In containers it is the course content volume, ``/srv/isoko/courses``.
        """
        return self.system_dir / ("courses" if self.in_containers else "content")

    @property
    def course_sources_dir(self) -> Path:
        """Instructor-only assignment sources, readable by each course's grader group."""
        return self.system_dir / "course-sources"

    @property
    def graders_dir(self) -> Path:
        """One nbgrader course directory per course, the home of its grader account."""
        return self.system_dir / "graders"

    @property
    def exchange_dir(self) -> Path:
        return self.system_dir / "exchange"

    @property
    def learner_config_dir(self) -> Path:
        """Jupyter config path entry for learner servers."""
        return self.system_dir / "etc" / "learner"

    @property
    def grader_config_dir(self) -> Path:
        """Jupyter config path entry for grader (formgrader) services."""
        return self.system_dir / "etc" / "grader"

    @property
    def bin_dir(self) -> Path:
        return self.env_prefix / "bin"

    def grader_home(self, course: str) -> Path:
        return self.graders_dir / course

    def unix_name(self, hub_name: str) -> str:
        return learner_account_name(self.unix_prefix, hub_name)

    def grader_unix_name(self, course: str) -> str:
        return unix_account_name(self.unix_prefix, f"grader-{course}")

    @property
    def gallery_dir(self) -> Path:
        """The gallery's apps, pictures and kernel (``isoko.gallery.folder``)."""
        return self.system_dir / "gallery"

    @property
    def gallery_unix_name(self) -> str:
        """The account the public gallery runs as (when the hub runs as root)."""
        return f"{self.unix_prefix}gallery"

    @property
    def sandbox_unix_name(self) -> str:
        """The account learner code runs as when it is graded: it owns nothing."""
        return unix_account_name(self.unix_prefix, "sandbox")

    @property
    def sandbox_account(self) -> str:
        """Who graded code runs as: the sandbox account as root; the caller in a trial."""
        return self.sandbox_unix_name if self.as_root else ""

    @property
    def sandbox_sudoers_file(self) -> Path:
        """The one sudo rule that lets graders start the sandbox (no dot: sudo skips those)."""
        return SUDOERS_DIR / f"{self.unix_prefix}grading"
