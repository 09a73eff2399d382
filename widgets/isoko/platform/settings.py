"""Where Isoko keeps things, read once from the environment.

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
from dataclasses import dataclass
from pathlib import Path

from isoko.names import learner_account_name, unix_account_name

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
        env = os.environ if environ is None else environ
        # An installed package cannot know its checkout: the command line passes it in
        # (and hands it on to the hub process), else the current folder is taken.
        checkout = Path(env.get("ISOKO_CHECKOUT") or checkout or Path.cwd()).resolve()
        as_root = (os.geteuid() == 0) if as_root is None else as_root
        state_dir = Path(env.get("ISOKO_STATE_DIR") or checkout / ".isoko").resolve()
        default_system = DEFAULT_SYSTEM_DIR_AS_ROOT if as_root else state_dir / "system"
        system_dir = Path(env.get("ISOKO_SYSTEM_DIR") or default_system).resolve()
        prefix = env.get("ISOKO_UNIX_PREFIX", DEFAULT_UNIX_PREFIX)
        ssl_cert, ssl_key = env.get("ISOKO_SSL_CERT"), env.get("ISOKO_SSL_KEY")
        if bool(ssl_cert) != bool(ssl_key):
            raise ValueError("ISOKO_SSL_CERT and ISOKO_SSL_KEY must be set together")
        return cls(
            checkout=checkout,
            state_dir=state_dir,
            system_dir=system_dir,
            env_prefix=Path(sys.prefix),
            ip=env.get("ISOKO_IP", "127.0.0.1"),
            port=_port(env, "ISOKO_PORT", DEFAULT_PORT),
            hub_port=_port(env, "ISOKO_HUB_PORT", 8081),
            proxy_api_port=_port(env, "ISOKO_PROXY_API_PORT", 8001),
            service_port_base=_port(env, "ISOKO_SERVICE_PORT_BASE", 8101),
            as_root=as_root,
            unix_prefix=prefix,
            ssl_cert=Path(ssl_cert).resolve() if ssl_cert else None,
            ssl_key=Path(ssl_key).resolve() if ssl_key else None,
            behind_https_proxy=_flag(env, "ISOKO_BEHIND_HTTPS_PROXY"),
            learner_memory_mb=_count(env, "ISOKO_LEARNER_MEMORY_MB", DEFAULT_LEARNER_MEMORY_MB),
            learner_process_memory_mb=_count(
                env, "ISOKO_LEARNER_PROCESS_MEMORY_MB", DEFAULT_LEARNER_PROCESS_MEMORY_MB
            ),
            learner_processes=_count(env, "ISOKO_LEARNER_PROCESSES", DEFAULT_LEARNER_PROCESSES),
            learner_kernels=_count(env, "ISOKO_LEARNER_KERNELS", DEFAULT_LEARNER_KERNELS),
            learner_nice=_count(env, "ISOKO_LEARNER_NICE", DEFAULT_LEARNER_NICE, most=19),
        )

    def to_environ(self) -> dict[str, str]:
        """The variables that let a child process (the hub) rebuild these settings."""
        return {
            "ISOKO_CHECKOUT": str(self.checkout),
            "ISOKO_STATE_DIR": str(self.state_dir),
            "ISOKO_SYSTEM_DIR": str(self.system_dir),
            "ISOKO_IP": self.ip,
            "ISOKO_PORT": str(self.port),
            "ISOKO_HUB_PORT": str(self.hub_port),
            "ISOKO_PROXY_API_PORT": str(self.proxy_api_port),
            "ISOKO_SERVICE_PORT_BASE": str(self.service_port_base),
            "ISOKO_UNIX_PREFIX": self.unix_prefix,
            "ISOKO_SSL_CERT": str(self.ssl_cert or ""),
            "ISOKO_SSL_KEY": str(self.ssl_key or ""),
            "ISOKO_BEHIND_HTTPS_PROXY": "1" if self.behind_https_proxy else "",
            "ISOKO_LEARNER_MEMORY_MB": str(self.learner_memory_mb),
            "ISOKO_LEARNER_PROCESS_MEMORY_MB": str(self.learner_process_memory_mb),
            "ISOKO_LEARNER_PROCESSES": str(self.learner_processes),
            "ISOKO_LEARNER_KERNELS": str(self.learner_kernels),
            "ISOKO_LEARNER_NICE": str(self.learner_nice),
        }

    # --- the state directory (hub only, 0700) -------------------------------------
    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.state_dir / 'jupyterhub.sqlite'}"

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
    def content_dir(self) -> Path:
        """Published lessons and apps, world-readable, copied into learners' homes."""
        return self.system_dir / "content"

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


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name) or str(default)
    try:
        port = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a port number, not {text!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"{name} must be between 1 and 65535, not {port}")
    return port


def _flag(env: Mapping[str, str], name: str) -> bool:
    text = env.get(name, "").strip().lower()
    if text in ("", "0", "no", "false"):
        return False
    if text in ("1", "yes", "true"):
        return True
    raise ValueError(f"{name} must be 1 or 0, not {text!r}")


def _count(env: Mapping[str, str], name: str, default: int, most: int | None = None) -> int:
    """A whole number of 0 or more from the environment; 0 means no limit."""
    text = env.get(name) or str(default)
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {text!r}") from None
    if most is not None and not 0 <= value <= most:
        raise ValueError(f"{name} must be between 0 and {most}, not {value}")
    if value < 0:
        raise ValueError(f"{name} must be 0 (no limit) or more, not {value}")
    return value
