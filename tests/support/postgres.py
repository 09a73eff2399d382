"""A throwaway PostgreSQL server on 127.0.0.1 for the tests, from Debian's binaries.

``initdb`` refuses to run as root, so the cluster belongs to an unprivileged account
(Debian's ``postgres``, else ``nobody``) in a temporary folder; one superuser ``isoko``
with a random password; TCP on a free loopback port only, its socket in that folder.
Stopped (``pg_ctl stop -m immediate``) and removed after.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from isoko.platform.ports import free_port

USER = "isoko"


def postgres_bin_dir() -> Path | None:
    """Debian's newest PostgreSQL binaries (``/usr/lib/postgresql/<version>/bin``)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


def _owner() -> str:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name).pw_name
        except KeyError:
            continue
    raise RuntimeError("no unprivileged account to run PostgreSQL as")


@dataclass
class Postgres:
    bin_dir: Path
    root: Path
    port: int
    password: str
    account: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def query(self, database: str, sql: str, *args) -> list[tuple]:
        import psycopg

        # Autocommit: CREATE and DROP DATABASE run outside a transaction.
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(sql, args or None)
            return list(cursor.fetchall()) if cursor.description else []

    def databases(self) -> list[str]:
        return [row[0] for row in self.query("postgres", "SELECT datname FROM pg_database")]


def _run_as(account: str, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    entry = pwd.getpwnam(account)
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(
        cmd,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        cwd="/",
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        **kwargs,
    )


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """A started server; skips the test (saying why) if Debian's postgresql is absent."""
    import pytest

    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("Debian's postgresql is not installed (make test installs it: make postgres)")
    if os.geteuid() != 0:
        pytest.skip("needs root: the server runs as an unprivileged account of its own")
    account = _owner()
    root = Path(tempfile.mkdtemp(prefix="isoko-postgres-"))
    entry = pwd.getpwnam(account)
    os.chown(root, entry.pw_uid, entry.pw_gid)
    os.chmod(root, 0o700)
    server = Postgres(bin_dir, root, free_port(), secrets.token_urlsafe(16), account)
    password_file = root / "password"
    password_file.write_text(server.password + "\n")
    os.chown(password_file, entry.pw_uid, entry.pw_gid)
    data = root / "data"
    made = _run_as(
        account,
        [
            str(bin_dir / "initdb"),
            f"--pgdata={data}",
            f"--username={USER}",
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-instructions",
        ],
        timeout=120,
    )
    if made.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{made.stdout}\n{made.stderr}")
    options = f"-c listen_addresses=127.0.0.1 -p {server.port} -c unix_socket_directories={root}"
    started = _run_as(
        account,
        [
            str(bin_dir / "pg_ctl"),
            f"--pgdata={data}",
            f"--log={root / 'server.log'}",
            f"--options={options}",
            "--wait",
            "start",
        ],
        timeout=120,
    )
    try:
        if started.returncode != 0:
            log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{started.stderr}\n{log}")
        yield server
    finally:
        _run_as(
            account,
            [str(bin_dir / "pg_ctl"), f"--pgdata={data}", "--mode=immediate", "--wait", "stop"],
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)
