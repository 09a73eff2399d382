"""Demo accounts: the operator, one instructor and three learners, approved, random passwords.

The passwords are generated on first start and written to ``demo-accounts.json``
(0600) in the state directory, in the shape newcomers and tests read::

    {"admin": {"username": ..., "password": ...},
     "instructor": {"username": ..., "password": ...},
     "learners": [{"username": ..., "password": ...}, ...]}

``admin`` is the operator: the only hub admin, who runs the platform and teaches
nothing. ``instructor`` teaches every demo course and is no admin (see
``isoko.hub.config.update_roles``).

The accounts live in NativeAuthenticator's table inside the hub database, so they
survive restarts like any account made through the sign-up form. Their courses are
given the way a real class's are: the learners are enrolled in each course's student
group (``isoko.platform.enrolment.enrol``, as joining with a code does), the instructor
joins each course's grader and instructor groups, at every start. The hub's
configuration names none of them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from isoko.names import formgrade_group, instructor_group
from isoko.platform.enrolment import enrol, join_group
from isoko.platform.secrets import read_json, write_private_json

ADMIN = "admin"
INSTRUCTOR = "instructor"
LEARNERS = ("learner1", "learner2", "learner3")


@dataclass(frozen=True)
class DemoAccounts:
    admin: dict[str, str]
    instructor: dict[str, str]
    learners: list[dict[str, str]]

    @property
    def learner_names(self) -> list[str]:
        return [learner["username"] for learner in self.learners]

    def as_dict(self) -> dict:
        return {"admin": self.admin, "instructor": self.instructor, "learners": self.learners}


def _new_account(username: str) -> dict[str, str]:
    return {"username": username, "password": secrets.token_urlsafe(12)}


def ensure_credentials(path: Path) -> DemoAccounts:
    """Read the demo credentials, creating any that are missing (file written 0600)."""
    data = read_json(path) if path.exists() else {}
    admin = data.get("admin") or _new_account(ADMIN)
    instructor = data.get("instructor") or _new_account(INSTRUCTOR)
    known = {learner["username"]: learner for learner in data.get("learners", [])}
    learners = [known.get(name) or _new_account(name) for name in LEARNERS]
    accounts = DemoAccounts(admin=admin, instructor=instructor, learners=learners)
    if accounts.as_dict() != data:
        write_private_json(path, accounts.as_dict())
    return accounts


def ensure_in_hub_db(db_url: str, accounts: DemoAccounts, courses: Sequence[str] = ()) -> None:
    """Create (or re-approve and re-key) the demo accounts in NativeAuthenticator's table,
    and give them their ``courses`` (slugs): the instructor teaches each, the learners
    take each.

    Uses the hub's own schema code, so a fresh database is created and stamped exactly
    as JupyterHub would, and an existing one is left as it is but for these rows.
    """
    import bcrypt
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo  # registers users_info on the hub's Base

    session = orm.new_session_factory(db_url)()
    try:
        for account in [accounts.admin, accounts.instructor, *accounts.learners]:
            info = UserInfo.find(session, account["username"])
            if info is None:
                info = UserInfo(username=account["username"], password=b"")
                session.add(info)
            if not info.password or not info.is_valid_password(account["password"]):
                info.password = bcrypt.hashpw(account["password"].encode(), bcrypt.gensalt())
            info.is_authorized = True
        session.commit()
        if courses:
            instructor = hub_user(session, accounts.instructor["username"])
            learners = [hub_user(session, name) for name in accounts.learner_names]
            for course in courses:
                join_group(session, instructor, formgrade_group(course))
                join_group(session, instructor, instructor_group(course))
                for learner in learners:
                    enrol(session, learner, course)
    finally:
        session.close()


def hub_user(session, name: str):
    """The hub's user ``name`` (``jupyterhub.orm.User``), made as the hub makes one for a
    name its configuration lists: with the default roles (``user``: their own server)."""
    from jupyterhub import orm, roles

    user = orm.User.find(session, name)
    if user is not None:
        return user
    for role in roles.get_default_roles():
        if orm.Role.find(session, role["name"]) is None:
            roles.create_role(session, role)
    user = orm.User(name=name)
    session.add(user)
    roles.assign_default_roles(session, entity=user)
    session.commit()
    return user
