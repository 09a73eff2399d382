"""The databases of the hub and the gradebooks on a PostgreSQL server, made if missing.

SQLite files appear when first opened; a PostgreSQL database does not. Compose and
Kubernetes start the server with one database (the hub's); each course's gradebook gets
its own, made here at start by the account in the URL, which must be allowed to create
databases (the Postgres image's ``POSTGRES_USER`` is).
"""

from __future__ import annotations

from collections.abc import Callable

from isoko.courses.gradebook_db import hidden_password, sqlite_file, with_driver


def ensure_database(url: str, log: Callable[[str], object] = print) -> bool:
    """Make the database of ``url`` on its server unless it exists; True if it was made.

    SQLite URLs are left alone: the file is made when first opened.
    """
    if sqlite_file(url) is not None or url.startswith("sqlite"):
        return False
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(with_driver(url))
    name = target.database
    # CREATE DATABASE runs outside a transaction, from the server's maintenance database.
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if found:
                return False
            quoted = engine.dialect.identifier_preparer.quote_identifier(name)
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()
    log(f"  made the database {hidden_password(str(target.set(database=name)))}")
    return True
