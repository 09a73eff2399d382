"""What NativeAuthenticator recorded about a sign-up, read from the hub's own database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from support.client import HubUser

MISSING = "missing"
PENDING = "pending"
APPROVED = "approved"


def signup_state(state_dir: Path, username: str) -> str:
    """``missing``, ``pending`` or ``approved``: NativeAuthenticator's ``users_info`` row."""
    with sqlite3.connect(state_dir / "jupyterhub.sqlite") as db:
        row = db.execute(
            "SELECT is_authorized FROM users_info WHERE username = ?", (username,)
        ).fetchone()
    if row is None:
        return MISSING
    return APPROVED if row[0] else PENDING


def hub_groups_of(state_dir: Path, username: str) -> set[str]:
    """The hub groups ``username`` is in, read from the hub's database."""
    with sqlite3.connect(state_dir / "jupyterhub.sqlite") as db:
        rows = db.execute(
            "SELECT groups.name FROM user_group_map JOIN groups ON groups.id = group_id "
            "JOIN users ON users.id = user_id WHERE users.name = ?",
            (username,),
        ).fetchall()
    return {name for (name,) in rows}


def sign_up(base_url: str, username: str, password: str = "Kigali-coffee-2026") -> HubUser:
    user = HubUser(base_url, username, password)
    reply = user.signup()
    assert reply.ok and "information has been sent to the admin" in reply.text, reply.text[-500:]
    return user


def can_log_in(user: HubUser) -> bool:
    fresh = HubUser(user.base_url, user.username, user.password)
    reply = fresh.login()
    return reply.ok and "/hub/login" not in reply.url
