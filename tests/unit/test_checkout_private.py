"""Course solutions in the checkout are closed to learner accounts before the hub starts."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from isoko.platform import checkout as checkout_module
from isoko.platform.checkout import (
    CheckoutExposedError,
    exposed,
    make_private,
    readable_by_others,
)
from isoko.platform.prepare import SetupError, keep_checkout_private
from isoko.platform.settings import Settings


@pytest.fixture
def open_dir():
    """A folder every account can enter, as a clone in a home or /srv would be.

    Not pytest's tmp_path: that sits in a folder private to the test runner, so
    nothing under it would ever count as readable by others.
    """
    root = Path(tempfile.mkdtemp(prefix="isoko-checkout-"))
    os.chmod(root, 0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fake_checkout(root: Path, name: str = "isoko") -> Path:
    checkout = root / name
    source = checkout / "courses" / "pricing" / "source" / "a01"
    source.mkdir(parents=True)
    (source / "a01.ipynb").write_text("{}")
    for folder in (source, *source.parents):
        if folder == root:
            break
        os.chmod(folder, 0o755)
    return checkout


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def commit_all(checkout: Path) -> None:
    git("add", "-A", cwd=checkout)
    git("commit", "-q", "-m", "course", cwd=checkout)


def test_a_clone_in_an_open_folder_is_readable_by_others(open_dir):
    checkout = fake_checkout(open_dir)
    assert readable_by_others(checkout / "courses" / "pricing" / "source")
    assert [e.path for e in exposed(checkout)] == [checkout]


def test_a_private_folder_above_the_checkout_protects_it(open_dir):
    checkout = fake_checkout(open_dir)
    os.chmod(open_dir, 0o700)
    assert not readable_by_others(checkout)
    assert make_private(checkout, log=lambda line: None) == []
    assert mode(checkout) == 0o755, "nothing to change, so nothing is changed"


def test_the_checkout_is_closed_to_others_and_says_so(open_dir):
    checkout = fake_checkout(open_dir)
    git("init", "-q", cwd=checkout)
    commit_all(checkout)
    lines = []
    assert make_private(checkout, log=lines.append) == [checkout]
    assert mode(checkout) == 0o750
    assert not readable_by_others(checkout / "courses" / "pricing" / "source")
    assert not readable_by_others(checkout / ".git" / "objects")
    assert len(lines) == 1 and str(checkout) in lines[0] and "0755 -> 0750" in lines[0]
    assert "course sources" in lines[0]


def test_a_second_start_changes_nothing(open_dir):
    checkout = fake_checkout(open_dir)
    make_private(checkout, log=lambda line: None)
    lines = []
    assert make_private(checkout, log=lines.append) == []
    assert lines == []


def test_history_kept_outside_the_checkout_is_closed_too(open_dir):
    checkout = fake_checkout(open_dir)
    history = open_dir / "history.git"
    git("init", "-q", f"--separate-git-dir={history}", cwd=checkout)
    commit_all(checkout)
    os.chmod(history, 0o755)
    lines = []
    assert make_private(checkout, log=lines.append) == [checkout, history]
    assert not readable_by_others(history / "objects")
    assert "git history" in lines[1]


def test_a_linked_worktree_closes_every_checkout_of_the_repository(open_dir):
    main = fake_checkout(open_dir, "main")
    git("init", "-q", cwd=main)
    commit_all(main)
    git("worktree", "add", "-q", str(open_dir / "feature"), cwd=main)
    git("worktree", "add", "-q", str(open_dir / "other"), cwd=main)
    feature, other = open_dir / "feature", open_dir / "other"
    for path in (main, main / ".git", feature, other):
        os.chmod(path, 0o755)
    assert make_private(feature, log=lambda line: None) == [feature, main, other]
    for path in (main / ".git" / "objects", feature / "courses", other / "courses"):
        assert not readable_by_others(path), path


def test_the_main_checkout_closes_its_linked_worktrees_too(open_dir):
    main = fake_checkout(open_dir, "main")
    git("init", "-q", cwd=main)
    commit_all(main)
    git("worktree", "add", "-q", str(open_dir / "feature"), cwd=main)
    os.chmod(open_dir / "feature", 0o755)
    assert make_private(main, log=lambda line: None) == [main, open_dir / "feature"]


def test_a_folder_that_cannot_be_changed_stops_the_start(open_dir, monkeypatch):
    checkout = fake_checkout(open_dir)

    def refuse(path, new_mode):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(checkout_module.os, "chmod", refuse)
    with pytest.raises(CheckoutExposedError, match=r"chmod o-rwx .*isoko"):
        make_private(checkout, log=lambda line: None)


def test_a_file_system_that_ignores_chmod_stops_the_start(open_dir, monkeypatch):
    checkout = fake_checkout(open_dir)
    monkeypatch.setattr(checkout_module.os, "chmod", lambda path, new_mode: None)
    with pytest.raises(CheckoutExposedError, match="ignored the change"):
        make_private(checkout, log=lambda line: None)


def test_a_system_dir_inside_the_checkout_is_refused(open_dir):
    checkout = fake_checkout(open_dir)
    s = Settings.from_environ(
        checkout=checkout,
        environ={"ISOKO_SYSTEM_DIR": str(checkout / "system")},
        as_root=True,
    )
    with pytest.raises(SetupError, match="ISOKO_SYSTEM_DIR"):
        keep_checkout_private(s, log=lambda line: None)
    assert mode(checkout) == 0o755, "refused before changing anything"


def test_preparing_as_root_makes_the_checkout_private(open_dir):
    checkout = fake_checkout(open_dir)
    s = Settings.from_environ(
        checkout=checkout, environ={"ISOKO_SYSTEM_DIR": str(open_dir / "system")}, as_root=True
    )
    lines = []
    keep_checkout_private(s, log=lines.append)
    assert mode(checkout) == 0o750 and len(lines) == 1
