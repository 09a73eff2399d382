"""Secrets and demo credentials: made once, kept, and readable only by their owner."""

import json

from isoko.platform import demo
from isoko.platform.secrets import ensure_secret


def test_secret_is_made_once_and_private(tmp_path):
    path = tmp_path / "cookie"
    first = ensure_secret(path)
    assert len(first) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    assert ensure_secret(path) == first


def test_demo_credentials_file_has_the_documented_shape(tmp_path):
    path = tmp_path / "demo-accounts.json"
    accounts = demo.ensure_credentials(path)
    data = json.loads(path.read_text())
    assert path.stat().st_mode & 0o777 == 0o600
    assert data["admin"]["username"] == "admin"
    assert data["instructor"]["username"] == "instructor"
    assert [x["username"] for x in data["learners"]] == ["learner1", "learner2", "learner3"]
    everyone = [data["admin"], data["instructor"], *data["learners"]]
    assert len({x["password"] for x in everyone}) == 5
    assert demo.ensure_credentials(path) == accounts, "a restart must keep the passwords"


def test_an_older_credentials_file_gains_the_operator_and_keeps_the_rest(tmp_path):
    path = tmp_path / "demo-accounts.json"
    before = demo.ensure_credentials(path).as_dict()
    del before["admin"]
    path.write_text(json.dumps(before))
    after = demo.ensure_credentials(path)
    assert after.admin["username"] == "admin"
    assert after.instructor == before["instructor"]
    assert after.learners == before["learners"]


def test_demo_accounts_are_approved_in_the_hub_database(tmp_path):
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    accounts = demo.ensure_credentials(tmp_path / "demo.json")
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    demo.ensure_in_hub_db(url, accounts)
    demo.ensure_in_hub_db(url, accounts)  # idempotent
    session = orm.new_session_factory(url)()
    rows = UserInfo.all_users(session)
    assert sorted(r.username for r in rows) == [
        "admin",
        "instructor",
        "learner1",
        "learner2",
        "learner3",
    ]
    learner = UserInfo.find(session, "learner1")
    assert learner.is_authorized
    assert learner.is_valid_password(accounts.learners[0]["password"])
    assert not learner.is_valid_password("wrong")


def test_the_demo_instructor_teaches_every_course_and_the_learners_take_them(tmp_path):
    from jupyterhub import orm

    accounts = demo.ensure_credentials(tmp_path / "demo.json")
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    courses = ["pricing", "logistics"]
    demo.ensure_in_hub_db(url, accounts, courses)
    demo.ensure_in_hub_db(url, accounts, courses)  # idempotent
    session = orm.new_session_factory(url)()

    def groups_of(name: str) -> set[str]:
        return {group.name for group in orm.User.find(session, name).groups}

    assert groups_of("instructor") == {
        "formgrade-pricing",
        "instructors-pricing",
        "formgrade-logistics",
        "instructors-logistics",
    }
    for name in ("learner1", "learner2", "learner3"):
        assert groups_of(name) == {"nbgrader-pricing", "nbgrader-logistics"}
        # As the hub would make them: each may use their own server.
        assert [role.name for role in orm.User.find(session, name).roles] == ["user"]
    # The operator teaches and takes nothing.
    admin = orm.User.find(session, "admin")
    assert admin is None or not admin.groups
