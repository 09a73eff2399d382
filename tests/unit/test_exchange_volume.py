"""The exchange in containers, where every learner runs as the same uid: a learner's
server mounts nothing of another learner's, and collect takes the student from the
folder the hub mounted, not from the name the learner wrote."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath

import pytest
from traitlets.config import Config

from isoko.courses import exchange_volume
from isoko.courses.catalog import load_courses
from isoko.hub import deployment

REPO = Path(__file__).resolve().parents[2]
COURSES = load_courses(REPO / "courses")


def kube_paths(username: str) -> list[tuple[str, bool]]:
    """(path in the shared claim, read-only) of every shared mount of one learner's pod."""
    return [
        (deployment.render(mount["subPath"], username), mount["readOnly"])
        for mount in deployment.kube_volume_mounts(COURSES)
    ]


def docker_paths(username: str) -> list[tuple[str, bool]]:
    return [
        (
            f"{mount['source']}/" + deployment.render(mount.get("subpath", ""), username),
            mount["read_only"],
        )
        for mount in deployment.docker_mounts(COURSES)
    ]


def private_folders(username: str, prefix: str) -> list[PurePosixPath]:
    """Where the grader keeps one learner's submissions and releases their feedback
    (``isoko.courses.exchange_volume``), in the volume."""
    return [
        PurePosixPath(prefix, course.slug, step, username)
        for course in COURSES
        for step in ("inbound", "feedback")
    ]


def reaches(path: str, folder: PurePosixPath) -> bool:
    """A mount of ``path`` shows ``folder`` (it is the folder, or one above it)."""
    mounted = PurePosixPath(path)
    return mounted == folder or mounted in folder.parents


@pytest.mark.parametrize(
    ("paths", "prefix"),
    [(kube_paths, "exchange"), (docker_paths, deployment.COMPOSE_EXCHANGE_VOLUME)],
)
def test_a_learners_server_mounts_nothing_of_another_learner(paths, prefix):
    amina = paths("amina")
    bob_private = private_folders("bob", prefix)
    assert bob_private, "bob has exchange folders of his own"
    for path, _read_only in amina:
        for folder in bob_private:
            assert not reaches(path, folder), f"amina's server mounts {path}, which shows {folder}"
    # The only writable place in the shared volume is amina's own inbound folder per course.
    writable = sorted(path for path, read_only in amina if not read_only)
    assert writable == sorted(f"{prefix}/{course.slug}/inbound/amina" for course in COURSES)
    # The whole exchange, or a course's folder, is mounted by no learner.
    for path, _ in amina:
        mounted = PurePosixPath(path)
        if mounted.is_relative_to(prefix):
            assert len(mounted.relative_to(prefix).parts) >= 2, path


def test_names_that_look_like_paths_cannot_be_hub_users():
    import re

    from isoko.hub.config import USERNAME_PATTERN

    # A learner's subpath holds their hub name: it cannot climb out of the exchange.
    for name in ("..", "../bob", "bob/..", "a/b", ".hidden"):
        assert not re.match(USERNAME_PATTERN, name), name


def test_the_hub_makes_each_learners_folders_before_the_server_starts(tmp_path):
    deployment.make_learner_folders(tmp_path, COURSES, "amina")
    for course in COURSES:
        assert (tmp_path / course.slug / "inbound" / "amina").is_dir()
        assert (tmp_path / course.slug / "feedback" / "amina").is_dir()
        assert (tmp_path / course.slug / "outbound").is_dir()
    assert not list(tmp_path.glob("*/inbound/bob"))


# --- the grader's side ------------------------------------------------------------------


def submit(inbound: Path, folder: str, claimed: str, when: str, answer: str) -> Path:
    submission = inbound / folder / f"{claimed}+a01+{when}"
    submission.mkdir(parents=True)
    (submission / "a01.ipynb").write_text(answer)
    return submission


def grader_config(tmp_path: Path) -> Config:
    config = Config()
    config.Exchange.root = str(tmp_path / "exchange")
    config.Exchange.path_includes_course = True
    config.CourseDirectory.root = str(tmp_path / "course")
    config.CourseDirectory.course_id = "c1"
    config.CourseDirectory.assignment_id = "a01"
    config.ExchangeCollect.learner_uid = os.getuid()
    return config


def collect(tmp_path: Path, caplog, monkeypatch) -> Path:
    from nbgrader.coursedir import CourseDirectory

    # nbgrader makes the gradebook by running ``alembic`` from the PATH.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")

    config = grader_config(tmp_path)
    (tmp_path / "course").mkdir(exist_ok=True)
    step = exchange_volume.ExchangeCollect(coursedir=CourseDirectory(config=config), config=config)
    step.start()
    return tmp_path / "course" / "submitted"


def test_collect_refuses_a_submission_that_names_another_learner(tmp_path, caplog, monkeypatch):
    inbound = tmp_path / "exchange" / "c1" / "inbound"
    submit(inbound, "amina", "amina", "2026-12-01 10:00:00.000000 UTC", "amina's own")
    submit(inbound, "bob", "bob", "2026-12-01 09:00:00.000000 UTC", "bob's own")
    # Amina, in her own folder, hands in a later one in bob's name.
    submit(inbound, "amina", "bob", "2026-12-01 11:00:00.000000 UTC", "forged by amina")
    submitted = collect(tmp_path, caplog, monkeypatch)
    assert (submitted / "amina" / "a01" / "a01.ipynb").read_text() == "amina's own"
    assert (submitted / "bob" / "a01" / "a01.ipynb").read_text() == "bob's own"
    assert "it names 'bob' but was handed in by 'amina'" in caplog.text
    assert "REFUSED" in caplog.text


def test_collect_still_refuses_links(tmp_path, caplog, monkeypatch):
    inbound = tmp_path / "exchange" / "c1" / "inbound"
    secret = tmp_path / "solutions.ipynb"
    secret.write_text("the instructor's solution")
    submission = inbound / "amina" / "amina+a01+2026-12-01 10:00:00.000000 UTC"
    submission.mkdir(parents=True)
    (submission / "a01.ipynb").symlink_to(secret)
    submitted = collect(tmp_path, caplog, monkeypatch)
    assert not (submitted / "amina").exists()
    assert "is a link" in caplog.text


def test_feedback_is_released_into_each_learners_own_folder(tmp_path):
    from nbgrader.coursedir import CourseDirectory

    for student in ("amina", "bob"):
        folder = tmp_path / "course" / "feedback" / student / "a01"
        folder.mkdir(parents=True)
        (folder / "a01.html").write_text(f"feedback for {student}")
        (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(f"secret-{student}")
    (tmp_path / "exchange" / "c1" / "feedback").mkdir(parents=True)
    config = grader_config(tmp_path)
    step = exchange_volume.ExchangeReleaseFeedback(
        coursedir=CourseDirectory(config=config), config=config
    )
    step.start()
    released = tmp_path / "exchange" / "c1" / "feedback"
    for student in ("amina", "bob"):
        files = list((released / student).glob("*.html"))
        assert [f.read_text() for f in files] == [f"feedback for {student}"]
    # Nothing lands where every learner's server could see it.
    assert not list(released.glob("*.html"))
