"""Everything that must be true before the hub starts, done idempotently.

Running it again on the same state changes nothing that exists: secrets, accounts,
learners' homes, submissions and grades are all kept.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from isoko.courses.catalog import load_courses
from isoko.courses.content import publish
from isoko.courses.exchange import ensure_exchange_root
from isoko.courses.grading import prepare_graders
from isoko.hub.server_config import write_server_configs
from isoko.platform import demo
from isoko.platform.secrets import ensure_private_dir, ensure_secret
from isoko.platform.settings import Settings


class SetupError(RuntimeError):
    """The machine is not ready for the hub; the message says what to do."""


def check_reachable_by_others(path: Path, what: str) -> None:
    """Other accounts must be able to enter every folder up to ``path``."""
    for folder in [path, *path.parents]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            raise SetupError(
                f"{what} at {path} cannot be reached by learner accounts: {folder} is private.\n"
                f"Put it in a system location (for example with ISOKO_ENV=/opt/isoko/env make hub)."
            )


def prepare(s: Settings, log=print) -> demo.DemoAccounts:
    if not s.proxy_command.exists():
        raise SetupError(
            f"configurable-http-proxy is missing at {s.proxy_command}: run `make hub`."
        )
    if s.as_root:
        check_reachable_by_others(s.env_prefix, "The Python environment")
    courses = load_courses(s.courses_dir)

    ensure_private_dir(s.state_dir)
    ensure_secret(s.cookie_secret_file)
    ensure_secret(s.proxy_token_file)
    accounts = demo.ensure_credentials(s.demo_accounts_file)
    demo.ensure_in_hub_db(s.db_url, accounts)
    log(f"State in {s.state_dir} (secrets 0600)")

    s.system_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(s.system_dir, 0o755)
    s.homes_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(s.homes_dir, 0o755)
    ensure_exchange_root(s.exchange_dir)
    write_server_configs(s)
    publish(courses, s.content_dir)
    log(f"Courses: {', '.join(c.slug for c in courses)}; preparing grading")
    prepare_graders(s, courses, log=log)
    return accounts
