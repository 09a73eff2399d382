"""Unix accounts for learners and graders, made and reused the way the hub does."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest

from isoko.platform.unix import ensure_account, ensure_system_account, remove_account, run_as

pytestmark = pytest.mark.integration


@pytest.fixture
def account():
    if os.geteuid() != 0:
        pytest.skip("needs root to make Unix accounts")
    name = f"t{secrets.token_hex(2)}-acct"
    root = Path(tempfile.mkdtemp(prefix="isoko-accounts-"))
    os.chmod(root, 0o755)
    yield name, root
    remove_account(name)
    shutil.rmtree(root, ignore_errors=True)


def test_new_account_gets_a_private_home_and_is_never_root(account):
    name, root = account
    entry = ensure_account(name, root / "one" / name)
    assert entry.pw_uid != 0 and entry.pw_dir == str(root / "one" / name)
    home = Path(entry.pw_dir)
    assert home.stat().st_uid == entry.pw_uid and home.stat().st_mode & 0o777 == 0o700
    assert run_as(name, ["id", "-u"]).stdout.strip() == str(entry.pw_uid)


def test_account_from_another_system_dir_moves_to_this_one(account):
    name, root = account
    ensure_account(name, root / "old" / name)
    (root / "old" / name / "work.ipynb").write_text("{}")
    entry = ensure_account(name, root / "new" / name)
    assert entry.pw_dir == str(root / "new" / name) == pwd.getpwnam(name).pw_dir
    assert Path(entry.pw_dir).stat().st_uid == entry.pw_uid
    assert (root / "old" / name / "work.ipynb").exists(), "the old home must be left as it was"


def test_the_sandbox_account_has_no_home_and_no_login(account):
    name, _ = account
    entry = ensure_system_account(name)
    assert entry.pw_uid != 0 and entry.pw_shell == "/usr/sbin/nologin"
    assert not Path(entry.pw_dir).exists()
    assert ensure_system_account(name) == entry, "made once, then reused"
