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
survive restarts like any account made through the sign-up form.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

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


def ensure_in_hub_db(db_url: str, accounts: DemoAccounts) -> None:
    """Create (or re-approve and re-key) the demo accounts in NativeAuthenticator's table.

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
    finally:
        session.close()
