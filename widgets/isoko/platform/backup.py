"""``isoko backup`` and ``isoko restore``: everything a one-machine install cannot lose.

One gzipped tar archive, written 0600 (it holds the secrets and every learner's work):

- ``state/``: the state directory (``isoko.yaml``, the cookie secret, the proxy and
  roster tokens, demo accounts, enrolment codes, first passwords, extra hub config);
  its SQLite hub database as a consistent copy (SQLite's backup API), so a running hub
  may be backed up;
- ``system/graders``: every course folder (sources, submissions, autograded notebooks,
  feedback) with its SQLite gradebook copied the same way; ``system/exchange`` and
  ``system/homes``: the exchange and the learners' homes;
- ``databases/<name>.dump``: a database on a PostgreSQL server (the hub's, each
  gradebook), from ``pg_dump --format=custom``;
- ``manifest.json``: what is in it, last.

Owners and modes are kept (tar records both; a restore as root sets them back, by
account name, else by number). A restore goes into a fresh state directory (and the
system directory its settings name) and refuses to write over one that holds anything
unless forced.
"""

from __future__ import annotations

import copy
import grp
import io
import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from isoko import __version__
from isoko.platform.databases import ensure_database
from isoko.platform.settings import Settings

MANIFEST = "manifest.json"
FORMAT = 1
#: Folders of the system directory that hold learners' and graders' work.
SYSTEM_PARTS = ("graders", "exchange", "homes")
#: Written by a running hub or SQLite and meaningless in another place.
SKIPPED_SUFFIXES = (".pid", "-journal", "-wal", "-shm")
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class Counts:
    files: int = 0
    bytes: int = 0


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _consistent_copy(database: Path, into: Path) -> None:
    """A copy of a live SQLite database as of one moment (SQLite's online backup)."""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(into)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _walk(root: Path) -> Iterator[Path]:
    """``root`` and everything under it, parents before children, links not followed."""
    yield root
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted([*dirnames, *filenames]):
            yield Path(dirpath) / name


def _add_tree(archive: tarfile.TarFile, root: Path, prefix: str, scratch: Path) -> Counts:
    counts = Counts()
    for path in _walk(root):
        if path.name.endswith(SKIPPED_SUFFIXES):
            continue
        name = str(PurePosixPath(prefix) / path.relative_to(root))
        info = archive.gettarinfo(str(path), arcname=name)
        if info is None:
            continue  # a socket or a device: nothing a restore could use
        if info.islnk():
            # A second name of a file: stored whole, so a restore never follows links.
            info.type, info.linkname, info.size = tarfile.REGTYPE, "", path.stat().st_size
        if info.isreg() and _is_sqlite(path):
            copy = scratch / "copy.sqlite"
            copy.unlink(missing_ok=True)
            _consistent_copy(path, copy)
            info.size = copy.stat().st_size
            with copy.open("rb") as handle:
                archive.addfile(info, handle)
        elif info.isreg():
            with path.open("rb") as handle:
                archive.addfile(info, handle)
        else:
            archive.addfile(info)
        if info.isreg():
            counts.files += 1
            counts.bytes += info.size
    return counts


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if versions:
        return str(versions[-1])
    raise BackupError(f"{name} is needed for a database on a PostgreSQL server: install postgresql")


def _libpq(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore; the password in the environment,
    where other accounts cannot read it (a command line they can)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    args = [f"--host={parsed.host or 'localhost'}", f"--port={parsed.port or 5432}"]
    if parsed.username:
        args.append(f"--username={parsed.username}")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password  # else libpq's own: PGPASSWORD, ~/.pgpass
    return [*args, f"--dbname={parsed.database}"], env


def _dump(url: str, into: Path) -> None:
    args, env = _libpq(url)
    cmd = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={into}", *args]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def _server_databases(s: Settings) -> dict[str, str]:
    """``{name in the archive: URL}`` of the databases on a server, hub's first."""
    found = {}
    if not s.db_url.startswith("sqlite"):
        found["hub"] = s.db_url
    if s.gradebook_db_url and s.graders_dir.is_dir():
        for course_dir in sorted(p for p in s.graders_dir.iterdir() if p.is_dir()):
            found[f"gradebook-{course_dir.name}"] = s.gradebook_url(course_dir.name)
    return found


def backup(s: Settings, dest: Path, log: Callable[[str], object] = print) -> dict:
    """Write the archive ``dest`` (0600); returns its manifest."""
    if dest.exists():
        raise BackupError(f"{dest} exists: give a new file name (backups are never overwritten)")
    if not s.state_dir.is_dir():
        raise BackupError(f"no state directory at {s.state_dir}: nothing to back up")
    partial = dest.with_name(dest.name + ".partial")
    manifest: dict = {
        "format": FORMAT,
        "isoko": __version__,
        "made": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "state_dir": str(s.state_dir),
        "system_dir": str(s.system_dir),
        "parts": {},
        "databases": {},
    }
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as archive,
            tempfile.TemporaryDirectory(prefix="isoko-backup-") as scratch,
        ):
            log(f"Backing up {s.state_dir} (state) and {s.system_dir} (system)")
            parts = [("state", s.state_dir)] + [
                (f"system/{part}", s.system_dir / part) for part in SYSTEM_PARTS
            ]
            for name, folder in parts:
                if not folder.exists():
                    log(f"  {name}: not there, skipped")
                    continue
                counts = _add_tree(archive, folder, name, Path(scratch))
                manifest["parts"][name] = {"files": counts.files, "bytes": counts.bytes}
                log(f"  {name}: {counts.files} files, {counts.bytes / 1e6:.1f} MB")
            for name, url in _server_databases(s).items():
                dump = Path(scratch) / f"{name}.dump"
                _dump(url, dump)
                archive.add(str(dump), arcname=f"databases/{name}.dump")
                manifest["databases"][name] = {"dump": f"databases/{name}.dump"}
                log(f"  {name}: pg_dump, {dump.stat().st_size / 1e6:.1f} MB")
            manifest["accounts"] = _accounts(archive.getmembers(), s.unix_prefix)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(dest)
    log(f"Wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB, readable by its owner only)")
    return manifest


def _accounts(members: list[tarfile.TarInfo], prefix: str) -> dict[str, list[int]]:
    """``{account: [uid, gid]}`` of Isoko's own accounts that own something backed up."""
    return {m.uname: [m.uid, m.gid] for m in members if m.uname.startswith(prefix)}


# --- restore ------------------------------------------------------------------------


def _make_missing_accounts(accounts: dict[str, list[int]], log) -> None:
    """Isoko's accounts of the backup that this machine lacks, with the same numbers when
    they are free, so that every file comes back to its owner (a new machine)."""
    for name, (uid, gid) in sorted(accounts.items()):
        try:
            pwd.getpwnam(name)
            continue
        except KeyError:
            pass
        group_flags = ["--user-group"]
        try:
            grp.getgrgid(gid)
        except KeyError:
            subprocess.run(["groupadd", "--gid", str(gid), name], check=True, capture_output=True)
            group_flags = ["--gid", str(gid)]
        try:
            pwd.getpwuid(uid)
            uid_flags = []
        except KeyError:
            uid_flags = ["--uid", str(uid)]
        subprocess.run(
            [
                "useradd",
                *uid_flags,
                *group_flags,
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/bin/bash",
                "--comment",
                "Isoko account",
                name,
            ],
            check=True,
            capture_output=True,
        )
        log(f"  made the account {name} (uid {pwd.getpwnam(name).pw_uid})")


def _safe(member: tarfile.TarInfo) -> bool:
    """Inside the archive's own folders: no absolute path, no ``..``, no hard link or
    device (no backup writes one)."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or path.parts[0] not in ("state", "system"):
        return False
    return not (member.islnk() or member.isdev())


def _points_out(member: tarfile.TarInfo) -> bool:
    """A symbolic link that could lead a later entry outside the restored folder."""
    target = PurePosixPath(member.linkname)
    return member.issym() and (target.is_absolute() or ".." in target.parts)


def _holds_anything(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def _targets(s: Settings) -> dict[str, Path]:
    return {"state": s.state_dir, **{f"system/{p}": s.system_dir / p for p in SYSTEM_PARTS}}


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, root: Path, inner: str) -> None:
    member = copy.copy(member)
    member.name = inner or "."
    root.mkdir(parents=True, exist_ok=True)
    # As root, owners come back by account name (by number if the name is unknown).
    archive.extract(member, path=str(root), set_attrs=True, numeric_owner=False)


def restore(
    source: Path,
    settings_for: Callable[[], Settings],
    force: bool = False,
    log: Callable[[str], object] = print,
) -> dict:
    """Restore ``source`` into the state directory, then the system directory, that
    ``settings_for()`` names (read after the state, whose ``isoko.yaml`` may name it)."""
    try:
        archive = tarfile.open(source, mode="r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as err:
        raise BackupError(f"{source} is not an Isoko backup: {err}") from None
    with archive:
        members = archive.getmembers()
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except (KeyError, ValueError) as err:
            raise BackupError(f"{source} has no readable {MANIFEST}: not an Isoko backup") from err
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{source}: backup format {manifest.get('format')}, not {FORMAT}")
        s = settings_for()
        busy = [str(path) for path in _targets(s).values() if _holds_anything(path)]
        if busy and not force:
            raise BackupError(
                "not empty: " + ", ".join(busy) + ". Restore into a fresh state directory "
                "(ISOKO_STATE_DIR, ISOKO_SYSTEM_DIR), or give --force to write over them."
            )
        files = [m for m in members if m.name != MANIFEST and not m.name.startswith("databases/")]
        unsafe = [m.name for m in files if not _safe(m)]
        if unsafe:
            raise BackupError(f"{source}: refusing entries outside its folders: {unsafe[:5]}")
        log(f"Restoring {source} (made {manifest['made']} by Isoko {manifest['isoko']})")
        if os.geteuid() == 0:
            # The hub points each account at its home when it next starts the account.
            _make_missing_accounts(manifest.get("accounts", {}), log)
        for member in [m for m in files if _points_out(m)]:
            log(f"  skipped {member.name}: a link to {member.linkname}, outside the backup")
        files = [m for m in files if not _points_out(m)]
        # The state first: its isoko.yaml may say where the system directory is.
        restored: dict[str, int] = {}
        for phase in ("state", "system"):
            targets = _targets(s)
            for member in files:
                for part, root in targets.items():
                    if not part.startswith(phase):
                        continue
                    if member.name == part or member.name.startswith(part + "/"):
                        _extract(archive, member, root, member.name[len(part) + 1 :])
                        restored[part] = restored.get(part, 0) + member.isreg()
            if phase == "state":
                s = settings_for()
        for part, root in _targets(s).items():
            if part in restored:
                log(f"  {part}: {restored[part]} files into {root}")
        for name, entry in manifest.get("databases", {}).items():
            url = s.db_url if name == "hub" else s.gradebook_url(name.removeprefix("gradebook-"))
            if url.startswith("sqlite"):
                raise BackupError(
                    f"{name} was on a database server: set its URL (database.* in isoko.yaml or "
                    "ISOKO_DB_URL / ISOKO_GRADEBOOK_DB_URL) before restoring"
                )
            ensure_database(url, log)
            with tempfile.TemporaryDirectory(prefix="isoko-restore-") as scratch:
                dump = Path(scratch) / "db.dump"
                with archive.extractfile(entry["dump"]) as data, dump.open("wb") as out:
                    shutil.copyfileobj(data, out)
                args, env = _libpq(url)
                cmd = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", *args]
                result = subprocess.run(
                    [*cmd, str(dump)], env=env, capture_output=True, text=True, timeout=3600
                )
            if result.returncode != 0:
                raise BackupError(f"pg_restore of {name} failed: {result.stderr.strip()}")
            log(f"  {name}: restored into its database with pg_restore")
    log("Restored. Start the hub on it: isoko hub (or make hub) with the same settings.")
    return manifest


# --- the commands -------------------------------------------------------------------


def _settings(args) -> Settings:
    return Settings.from_environ(checkout=args.checkout)


def backup_command(args) -> int:
    try:
        backup(_settings(args), args.dest)
    except (BackupError, OSError, sqlite3.Error) as err:
        print(f"isoko backup: {err}", file=sys.stderr)
        return 1
    return 0


def restore_command(args) -> int:
    try:
        restore(args.source, lambda: _settings(args), force=args.force)
    except (BackupError, OSError) as err:
        print(f"isoko restore: {err}", file=sys.stderr)
        return 1
    return 0


def add_commands(sub) -> None:
    """``isoko backup DEST`` and ``isoko restore SRC [--force]``."""
    p_backup = sub.add_parser(
        "backup",
        help="back up the hub database, gradebooks, exchange, homes, secrets and isoko.yaml",
        description="Writes one gzipped tar archive, readable by its owner only. SQLite "
        "databases are copied consistently, so the hub may be running. Run as root to "
        "read every learner's files. Exit codes: 0 written, 1 not written (why is printed).",
    )
    p_backup.add_argument("dest", type=Path, help="the archive to write, such as isoko.tar.gz")
    p_backup.set_defaults(func=backup_command)
    p_restore = sub.add_parser(
        "restore",
        help="restore a backup into a fresh state directory (and its system directory)",
        description="Restores into ISOKO_STATE_DIR (default .isoko in the checkout) and the "
        "system directory its settings name, owners and modes included (as root). Stop the "
        "hub first. Exit codes: 0 restored, 1 refused or failed (why is printed).",
    )
    p_restore.add_argument("source", type=Path, help="an archive written by isoko backup")
    p_restore.add_argument(
        "--force", action="store_true", help="write over a state or system directory in use"
    )
    p_restore.set_defaults(func=restore_command)
    for parser in (p_backup, p_restore):
        parser.add_argument(
            "--checkout",
            type=Path,
            default=Path.cwd(),
            help="the Isoko checkout (default: the current folder)",
        )
