"""Everything that must be true before the hub starts, done idempotently.

Running it again on the same state changes nothing that exists: secrets, accounts,
learners' homes, submissions and grades are all kept.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from isoko.courses.catalog import load_courses
from isoko.courses.content import publish
from isoko.courses.exchange import ensure_exchange_root
from isoko.courses.grading import prepare_graders
from isoko.grading.sandbox import BWRAP, SUDO, sudoers_rule
from isoko.hub.server_config import write_server_configs
from isoko.platform import demo, unix
from isoko.platform.checkout import CheckoutExposedError, inside, make_private
from isoko.platform.enrolment import ensure_codes
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


def prepare_grading_sandbox(s: Settings, graders: list[str]) -> None:
    """The sandbox account, and the one sudo rule that lets graders start the sandbox."""
    if not shutil.which(BWRAP):
        raise SetupError(
            f"grading needs bubblewrap at {BWRAP}: install the Debian package bubblewrap "
            "(make hub does it when run as root)."
        )
    if not s.as_root:
        return
    if not shutil.which(SUDO):
        raise SetupError(f"grading as root needs sudo at {SUDO}: install the Debian package sudo.")
    unix.ensure_system_account(s.sandbox_unix_name)
    target = s.sandbox_sudoers_file
    if not graders:
        target.unlink(missing_ok=True)
        return
    # sudo ignores files whose name has a dot, so the draft is inert until checked.
    draft = target.with_name(f".{target.name}.draft")
    draft.write_text(sudoers_rule(graders, s.sandbox_unix_name))
    os.chmod(draft, 0o440)
    checked = subprocess.run(["visudo", "-cf", str(draft)], capture_output=True, text=True)
    if checked.returncode != 0:
        draft.unlink()
        raise SetupError(f"the grading sandbox's sudo rule is invalid: {checked.stdout.strip()}")
    os.replace(draft, target)


def keep_checkout_private(s: Settings, log=print) -> None:
    """Close the checkout (solutions, hidden tests, git history) to learner accounts."""
    for what, path, variable in (
        ("The system directory", s.system_dir, "ISOKO_SYSTEM_DIR"),
        ("The Python environment", s.env_prefix, "ISOKO_ENV"),
    ):
        if inside(path, s.checkout):
            raise SetupError(
                f"{what} at {path} is inside the checkout, which must stay private to keep "
                f"course solutions from learners: set {variable} to a system location."
            )
    try:
        make_private(s.checkout, log=log)
    except CheckoutExposedError as err:
        raise SetupError(str(err)) from None


def prepare(s: Settings, log=print) -> demo.DemoAccounts:
    if not s.proxy_command.exists():
        raise SetupError(
            f"configurable-http-proxy is missing at {s.proxy_command}: run `make hub`."
        )
    if s.as_root:
        keep_checkout_private(s, log)
        check_reachable_by_others(s.env_prefix, "The Python environment")
    courses = load_courses(s.courses_dir)

    ensure_private_dir(s.state_dir)
    ensure_secret(s.cookie_secret_file)
    ensure_secret(s.proxy_token_file)
    accounts = demo.ensure_credentials(s.demo_accounts_file)
    demo.ensure_in_hub_db(s.db_url, accounts)
    ensure_codes(s.enrolment_codes_file, [c.slug for c in courses])
    log(f"State in {s.state_dir} (secrets 0600)")

    s.system_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(s.system_dir, 0o755)
    s.homes_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(s.homes_dir, 0o755)
    ensure_exchange_root(s.exchange_dir)
    write_server_configs(s)
    publish(courses, s.content_dir)
    prepare_grading_sandbox(s, [s.grader_unix_name(c.slug) for c in courses])
    log(f"Courses: {', '.join(c.slug for c in courses)}; preparing grading")
    prepare_graders(s, courses, log=log)
    return accounts
