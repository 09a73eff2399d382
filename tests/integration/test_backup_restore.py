"""`isoko backup` then `isoko restore` into a fresh state directory: nothing is lost.

A small class of the pricing course is graded for real (`isoko grade`, the sandbox as a
throwaway account); the state directory holds a hub database with its users, the secrets
and an isoko.yaml; learners' homes and the exchange hold files with their own owners and
modes. After a backup and a restore into new folders, every grade, every submission,
every owner and every mode is found again, and a second restore over them is refused.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from isoko.cli import main
from support.bad_submissions import answered
from support.grading_course import (
    ASSIGNMENT,
    cell_scores,
    grade,
    make_course,
    make_sandbox_account,
    released,
    remove_sandbox_account,
    solutions,
    submit,
    submitted_hashes,
)
from support.grading_course import env as grading_env

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
#: Someone other than root, so a restore that lost owners would show it.
LEARNER_UID, LEARNER_GID = 65534, 65534


@pytest.fixture
def sandbox_account():
    name = make_sandbox_account()
    yield name
    remove_sandbox_account(name)


@pytest.fixture
def learner_account():
    """A learner's Unix account as the hub makes one (prefixed), removed after."""
    prefix = f"t{secrets.token_hex(2)}-"
    name = f"{prefix}ana"
    subprocess.run(["useradd", "--user-group", "--no-create-home", name], check=True)
    yield prefix, name
    subprocess.run(["userdel", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)


def use(monkeypatch, root: Path, prefix: str = "isoko-") -> None:
    monkeypatch.setenv("ISOKO_UNIX_PREFIX", prefix)
    monkeypatch.setenv("ISOKO_STATE_DIR", str(root / "state"))
    monkeypatch.setenv("ISOKO_SYSTEM_DIR", str(root / "system"))
    for name in ("ISOKO_DB_URL", "ISOKO_GRADEBOOK_DB_URL", "ISOKO_CHECKOUT"):
        monkeypatch.delenv(name, raising=False)


def make_install(root: Path, sandbox_account: str | None, learner: str) -> None:
    """A one-machine install after a graded assignment, as `make hub` leaves it."""
    from jupyterhub import orm

    state = root / "state"
    state.mkdir(mode=0o700, parents=True)
    (state / "isoko.yaml").write_text("idle:\n  timeout: 1800\n")
    secret = state / "jupyterhub_cookie_secret"
    secret.write_text(os.urandom(32).hex())
    secret.chmod(0o600)
    session = orm.new_session_factory(f"sqlite:///{state / 'jupyterhub.sqlite'}")()
    for name in ("admin", "instructor", "ana", "ben"):
        session.add(orm.User(name=name))
    session.commit()
    session.close()
    course_dir = make_course(root / "system" / "graders", sandbox_account)
    nb = json.loads(released(course_dir).read_text())
    right = solutions(course_dir)
    wrong = {**right, "best_price_rwf": "def best_price_rwf(*args):\n    return 1.0"}
    for student, answers in (("ana", right), ("ben", wrong)):
        path = submit(course_dir, student, json.dumps(answered(nb, answers)).encode())
        os.chown(path, LEARNER_UID, LEARNER_GID)
        path.chmod(0o640)
    graded = grade(course_dir, ASSIGNMENT, "--quiet")
    assert graded.returncode == 0, graded.stderr
    home = root / "system" / "homes" / "ana"
    home.mkdir(parents=True)
    (home / "notes.ipynb").write_text("{}")
    account = pwd.getpwnam(learner)
    for path in (home, home / "notes.ipynb"):
        os.chown(path, account.pw_uid, account.pw_gid)
    home.chmod(0o700)
    (home / "notes.ipynb").chmod(0o600)
    inbound = root / "system" / "exchange" / "pricing" / "inbound"
    inbound.mkdir(parents=True)
    # Learners drop submissions in but cannot list each other's: the exchange's modes.
    inbound.chmod(0o1733)
    (inbound / "ana+a01+1").mkdir()
    os.chown(inbound / "ana+a01+1", LEARNER_UID, LEARNER_GID)


def owners_and_modes(root: Path) -> dict[str, tuple[int, int, int]]:
    found = {}
    for folder in ("state", "system"):
        for path in [root / folder, *(root / folder).rglob("*")]:
            if path.name.endswith(("-journal", "-wal", "-shm", ".pid")):
                continue
            info = path.lstat()
            found[str(path.relative_to(root))] = (info.st_uid, info.st_gid, info.st_mode)
    return found


def hub_users(state: Path) -> set[str]:
    with sqlite3.connect(state / "jupyterhub.sqlite") as db:
        return {row[0] for row in db.execute("SELECT name FROM users")}


def test_a_backup_restores_into_a_fresh_state_directory_with_every_grade(
    tmp_path, monkeypatch, capsys, sandbox_account, learner_account
):
    if os.geteuid() != 0:
        pytest.skip("needs root: owners are part of what is restored")
    prefix, learner = learner_account
    old, new = tmp_path / "old", tmp_path / "new"
    make_install(old, sandbox_account, learner)
    old_course = old / "system" / "graders" / "pricing"
    scores = cell_scores(old_course)
    assert set(scores) == {"ana", "ben"} and scores["ana"] != scores["ben"]
    archive = tmp_path / "isoko-backup.tar.gz"

    use(monkeypatch, old, prefix)
    assert main(["backup", str(archive), "--checkout", str(REPO)]) == 0
    said = capsys.readouterr().out
    assert "system/graders:" in said and "system/homes:" in said and "Wrote " in said
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    before = owners_and_modes(old)

    # A new machine: the learner's account is not there yet.
    uid = pwd.getpwnam(learner).pw_uid
    subprocess.run(["userdel", learner], check=True)
    use(monkeypatch, new, prefix)
    assert main(["restore", str(archive), "--checkout", str(REPO)]) == 0
    said = capsys.readouterr().out
    assert "Restored." in said and "system/graders: " in said
    assert f"made the account {learner} (uid {uid})" in said
    assert pwd.getpwnam(learner).pw_uid == uid

    new_course = new / "system" / "graders" / "pricing"
    assert cell_scores(new_course) == scores
    assert submitted_hashes(new_course) == submitted_hashes(old_course)
    assert owners_and_modes(new) == before
    assert hub_users(new / "state") == {"admin", "instructor", "ana", "ben"}
    for name in ("isoko.yaml", "jupyterhub_cookie_secret"):
        assert (new / "state" / name).read_bytes() == (old / "state" / name).read_bytes()

    # A second restore would write over what is there now: refused, saying why.
    assert main(["restore", str(archive), "--checkout", str(REPO)]) == 1
    assert "not empty" in capsys.readouterr().err
    # A backup never overwrites one.
    use(monkeypatch, old, prefix)
    assert main(["backup", str(archive), "--checkout", str(REPO)]) == 1


def test_databases_on_a_postgres_server_are_dumped_and_restored(tmp_path, monkeypatch, capsys):
    from jupyterhub import orm
    from nbgrader.api import Gradebook

    from isoko.names import with_driver
    from support.postgres import running_postgres

    # nbgrader makes the gradebook by running ``alembic`` from the PATH.
    monkeypatch.setenv("PATH", grading_env()["PATH"])
    with running_postgres() as server:
        monkeypatch.setenv("ISOKO_DB_URL", server.url("jupyterhub"))
        monkeypatch.setenv("ISOKO_GRADEBOOK_DB_URL", server.url("gradebook_{course}"))
        monkeypatch.setenv("ISOKO_STATE_DIR", str(tmp_path / "old" / "state"))
        monkeypatch.setenv("ISOKO_SYSTEM_DIR", str(tmp_path / "old" / "system"))
        (tmp_path / "old" / "state").mkdir(parents=True)
        (tmp_path / "old" / "system" / "graders" / "pricing").mkdir(parents=True)
        for name in ("jupyterhub", "gradebook_pricing"):
            server.query("postgres", f"CREATE DATABASE {name}")
        session = orm.new_session_factory(with_driver(server.url("jupyterhub")))()
        session.add(orm.User(name="ana"))
        session.commit()
        session.close()
        with Gradebook(with_driver(server.url("gradebook_pricing")), "pricing") as gb:
            gb.add_student("ana", first_name="Ana", last_name="Uwase")
        archive = tmp_path / "backup.tar.gz"
        assert main(["backup", str(archive), "--checkout", str(REPO)]) == 0
        assert "gradebook-pricing: pg_dump" in capsys.readouterr().out

        # The server loses both databases; a restore into a fresh state makes them again.
        for name in ("jupyterhub", "gradebook_pricing"):
            server.query("postgres", f"DROP DATABASE {name} WITH (FORCE)")
        monkeypatch.setenv("ISOKO_STATE_DIR", str(tmp_path / "new" / "state"))
        monkeypatch.setenv("ISOKO_SYSTEM_DIR", str(tmp_path / "new" / "system"))
        assert main(["restore", str(archive), "--checkout", str(REPO)]) == 0
        said = capsys.readouterr().out
        assert "hub: restored" in said and "gradebook-pricing: restored" in said
        assert server.query("jupyterhub", "SELECT name FROM users") == [("ana",)]
        students = server.query("gradebook_pricing", "SELECT id, last_name FROM student")
        assert students == [("ana", "Uwase")]
