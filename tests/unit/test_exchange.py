"""The hardened exchange without a hub: who owns a submission, its time, the layout.

Ownership needs another account, so the tests that hand files to one run as root.
"""

from __future__ import annotations

import os
import pwd
import stat
import time
from pathlib import Path

import pytest
from nbgrader.utils import parse_utc

from isoko.courses import exchange
from isoko.courses.exchange import CopyRules, SubmissionRefused, check_and_copy

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="handing files to another uid needs root")


@pytest.fixture
def other_uid() -> int:
    return pwd.getpwnam("nobody").pw_uid


def make_submission(folder: Path, uid: int | None = None) -> Path:
    (folder / "sub").mkdir(parents=True)
    (folder / "answer.ipynb").write_text("{}")
    (folder / "sub" / "data.csv").write_text("a,b\n")
    (folder / "timestamp.txt").write_text("2000-01-01 00:00:00.000000 UTC")
    if uid is not None:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, uid, -1, follow_symlinks=False)
    return folder


def test_an_own_submission_is_copied_with_its_latest_change_time(tmp_path):
    src = make_submission(tmp_path / "amina+a01+2000-01-01 00:00:00 UTC+xyz")
    time.sleep(0.01)
    (src / "sub" / "data.csv").write_text("a,b\n1,2\n")
    ctime = check_and_copy(src, os.getuid(), dest=tmp_path / "out")
    assert ctime == os.stat(src / "sub" / "data.csv").st_ctime_ns
    assert (tmp_path / "out" / "sub" / "data.csv").read_text() == "a,b\n1,2\n"
    assert (tmp_path / "out" / "answer.ipynb").read_text() == "{}"


@needs_root
def test_a_folder_owned_by_someone_else_is_refused(tmp_path, other_uid):
    src = make_submission(tmp_path / "amina+a01+t+r", uid=other_uid)
    with pytest.raises(SubmissionRefused, match="the folder is owned by nobody, not root"):
        check_and_copy(src, os.getuid())


@needs_root
def test_one_file_swapped_in_by_someone_else_is_refused(tmp_path, other_uid):
    src = make_submission(tmp_path / "amina+a01+t+r")
    os.chown(src / "sub" / "data.csv", other_uid, -1)
    with pytest.raises(SubmissionRefused, match="sub/data.csv is owned by nobody"):
        check_and_copy(src, os.getuid(), dest=tmp_path / "out")


def test_a_link_to_a_file_the_grader_may_read_is_refused(tmp_path):
    secret = tmp_path / "solution.ipynb"
    secret.write_text("the instructor's answers")
    src = make_submission(tmp_path / "amina+a01+t+r")
    (src / "answer.ipynb").unlink()
    (src / "answer.ipynb").symlink_to(secret)
    with pytest.raises(SubmissionRefused, match="answer.ipynb is a link"):
        check_and_copy(src, os.getuid(), dest=tmp_path / "out")
    assert not (tmp_path / "out" / "answer.ipynb").exists()


def test_a_link_to_a_folder_is_refused(tmp_path):
    (tmp_path / "private").mkdir()
    src = make_submission(tmp_path / "amina+a01+t+r")
    (src / "more").symlink_to(tmp_path / "private")
    with pytest.raises(SubmissionRefused, match="more is not a folder"):
        check_and_copy(src, os.getuid())


def test_a_named_pipe_neither_hangs_nor_passes(tmp_path):
    src = make_submission(tmp_path / "amina+a01+t+r")
    os.mkfifo(src / "answer2.ipynb")
    with pytest.raises(SubmissionRefused, match="not a regular file"):
        check_and_copy(src, os.getuid(), dest=tmp_path / "out")


def test_the_submission_itself_being_a_link_is_refused(tmp_path):
    real = make_submission(tmp_path / "real")
    (tmp_path / "amina+a01+t+r").symlink_to(real)
    with pytest.raises(SubmissionRefused, match="not a folder"):
        check_and_copy(tmp_path / "amina+a01+t+r", os.getuid())


def test_ignored_files_are_checked_but_not_copied(tmp_path):
    src = make_submission(tmp_path / "amina+a01+t+r")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "answer-checkpoint.ipynb").write_text("{}")
    rules = CopyRules(exclude=[".ipynb_checkpoints"], include=["*"], max_file_size_kb=100000)
    check_and_copy(src, os.getuid(), dest=tmp_path / "out", rules=rules)
    assert not (tmp_path / "out" / ".ipynb_checkpoints").exists()
    assert (tmp_path / "out" / "answer.ipynb").exists()


def test_the_written_time_reads_back_as_the_same_instant():
    ctime_ns = 1_780_000_000_123_456_789
    text = exchange.timestamp_text(ctime_ns, "UTC", "%Y-%m-%d %H:%M:%S.%f %Z")
    assert parse_utc(text) == exchange._platform_time(ctime_ns)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@needs_root
def test_the_layout_is_roots_and_the_graders_and_keeps_submissions(tmp_path, other_uid):
    root = tmp_path / "exchange"
    exchange.ensure_exchange_root(root)
    grader = pwd.getpwnam("daemon")
    exchange.ensure_course_exchange(root, "pricing", grader.pw_uid, grader.pw_gid, log=print)
    course = root / "pricing"
    assert (os.lstat(root).st_uid, mode(root)) == (0, 0o755)
    assert (os.lstat(course).st_uid, mode(course)) == (0, 0o755)
    assert mode(course / "outbound") == 0o755 and mode(course / "feedback") == 0o711
    assert mode(course / "inbound") == 0o3733
    for name in ("outbound", "feedback", "inbound"):
        assert os.lstat(course / name).st_uid == grader.pw_uid
    submission = course / "inbound" / "amina+a01+t+r"
    submission.mkdir()
    before = os.lstat(submission).st_ctime_ns
    exchange.ensure_course_exchange(root, "pricing", grader.pw_uid, grader.pw_gid, log=print)
    assert os.lstat(submission).st_ctime_ns == before, "a restart must not touch submissions"


@needs_root
def test_a_planted_course_folder_is_set_aside(tmp_path, other_uid):
    root = tmp_path / "exchange"
    exchange.ensure_exchange_root(root)
    planted = root / "pricing"
    (planted / "outbound" / "a01").mkdir(parents=True)
    os.chown(planted, other_uid, -1)
    grader = pwd.getpwnam("daemon")
    exchange.ensure_course_exchange(root, "pricing", grader.pw_uid, grader.pw_gid, log=print)
    assert os.lstat(planted).st_uid == 0
    assert not (planted / "outbound" / "a01").exists()
    (untrusted,) = root.glob(f"{exchange.UNTRUSTED}-*")
    assert mode(untrusted) == 0o700 and os.lstat(untrusted).st_uid == 0
    (aside,) = untrusted.iterdir()
    assert (aside / "outbound" / "a01").is_dir()


@needs_root
def test_a_planted_set_aside_folder_is_not_followed(tmp_path, other_uid):
    root = tmp_path / "exchange"
    exchange.ensure_exchange_root(root)
    victim = tmp_path / "system-folder"
    victim.mkdir(mode=0o755)
    for name in (exchange.UNTRUSTED, f"{exchange.UNTRUSTED}-x"):
        (root / name).symlink_to(victim)
    (root / "pricing").mkdir()
    os.chown(root / "pricing", other_uid, -1)
    grader = pwd.getpwnam("daemon")
    exchange.ensure_course_exchange(root, "pricing", grader.pw_uid, grader.pw_gid, log=print)
    assert mode(victim) == 0o755 and not any(victim.iterdir())


@needs_root
def test_a_link_planted_as_the_inbound_folder_is_not_followed(tmp_path):
    root = tmp_path / "exchange"
    exchange.ensure_exchange_root(root)
    grader = pwd.getpwnam("daemon")
    (root / "pricing").mkdir()
    os.chown(root / "pricing", grader.pw_uid, -1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "pricing" / "inbound").symlink_to(elsewhere)
    exchange.ensure_course_exchange(root, "pricing", grader.pw_uid, grader.pw_gid, log=print)
    assert (root / "pricing" / "inbound").is_dir()
    assert not (root / "pricing" / "inbound").is_symlink()
    assert os.lstat(elsewhere).st_uid == 0 and mode(elsewhere) == 0o755


def test_a_folder_vanishing_while_read_refuses_only_that_submission(tmp_path, monkeypatch):
    src = make_submission(tmp_path / "amina+a01+t+r")
    real_lstat = os.lstat

    def vanishing(path, *args, **kwargs):
        if path == "sub":
            raise FileNotFoundError(2, "No such file or directory", "sub")
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(exchange.os, "lstat", vanishing)
    with pytest.raises(SubmissionRefused, match="changed or could not be read"):
        check_and_copy(src, os.getuid())


# --- fetching feedback -------------------------------------------------------------------


def fetch_feedback(tmp_path: Path, assignment: str = "a01"):
    """Isoko's fetch-feedback step for course c1 on an exchange and cache in ``tmp_path``."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.Exchange.root = str(tmp_path / "exchange")
    config.Exchange.cache = str(tmp_path / "cache")
    config.Exchange.path_includes_course = True
    config.Exchange.assignment_dir = str(tmp_path / "home")
    config.CourseDirectory.course_id = "c1"
    config.CourseDirectory.assignment_id = assignment
    (tmp_path / "exchange" / "c1" / "feedback").mkdir(parents=True, exist_ok=True)
    (tmp_path / "home").mkdir(exist_ok=True)
    step = exchange.ExchangeFetchFeedback(coursedir=CourseDirectory(config=config), config=config)
    step.start()


def cache_submission(tmp_path: Path, assignment: str = "a01") -> Path:
    folder = tmp_path / "cache" / "c1" / f"amina+{assignment}+2026-01-01 10:00:00.000000 UTC"
    folder.mkdir(parents=True)
    (folder / "answer.ipynb").write_text("{}")
    (folder / "submission_secret.txt").write_text("s3cret")
    return folder


def test_fetching_feedback_before_grading_says_none_is_released_yet(tmp_path):
    from nbgrader.exchange import ExchangeError

    cache_submission(tmp_path)
    with pytest.raises(ExchangeError, match="No feedback released yet for a01"):
        fetch_feedback(tmp_path)


def test_fetching_feedback_of_an_assignment_never_submitted_says_so(tmp_path):
    from nbgrader.exchange import ExchangeError

    cache_submission(tmp_path, "a02")
    with pytest.raises(ExchangeError, match="You have not submitted a01 yet"):
        fetch_feedback(tmp_path)


def test_released_feedback_is_fetched_without_a_word(tmp_path):
    from nbgrader.utils import notebook_hash

    cache_submission(tmp_path)
    released = tmp_path / "exchange" / "c1" / "feedback"
    released.mkdir(parents=True)
    name = notebook_hash(secret="s3cret", notebook_id="answer")
    (released / f"{name}.html").write_text("<p>well done</p>")
    fetch_feedback(tmp_path)
    fetched = list((tmp_path / "home" / "c1" / "a01" / "feedback").glob("*/answer.html"))
    assert [p.read_text() for p in fetched] == ["<p>well done</p>"]
