"""`isoko restore` trusts no archive: what is not a backup, or reaches outside, is refused."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from isoko.platform.backup import FORMAT, MANIFEST, BackupError, restore
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def archive_with(path: Path, entries: dict[str, bytes], links: dict[str, str] = {}) -> Path:  # noqa: B006
    manifest = {"format": FORMAT, "isoko": "0", "made": "2026-12-03T06:00:00Z", "databases": {}}
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {**entries, MANIFEST: json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in links.items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return path


def settings_for(root: Path):
    environ = {"ISOKO_STATE_DIR": str(root / "state"), "ISOKO_SYSTEM_DIR": str(root / "system")}
    return lambda: Settings.from_environ(checkout=REPO, environ=environ, as_root=False)


def test_an_entry_that_climbs_out_of_its_folder_is_refused_and_nothing_is_written(tmp_path):
    source = archive_with(
        tmp_path / "bad.tar.gz", {"state/isoko.yaml": b"", "state/../../escaped": b"x"}
    )
    with pytest.raises(BackupError, match="refusing entries outside its folders"):
        restore(source, settings_for(tmp_path / "new"), log=lambda line: None)
    assert not (tmp_path / "new").exists()
    assert not (tmp_path / "escaped").exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    plain = tmp_path / "notes.tar.gz"
    plain.write_bytes(b"not an archive")
    with pytest.raises(BackupError, match="is not an Isoko backup"):
        restore(plain, settings_for(tmp_path / "new"), log=lambda line: None)


def test_a_link_out_of_the_backup_is_skipped_and_said(tmp_path):
    source = archive_with(
        tmp_path / "links.tar.gz",
        {"state/isoko.yaml": b"", "system/homes/ana/notes.txt": b"mine"},
        links={"system/homes/ana/etc": "/etc", "system/homes/ana/up": "../../x"},
    )
    said: list[str] = []
    restore(source, settings_for(tmp_path / "new"), log=said.append)
    home = tmp_path / "new" / "system" / "homes" / "ana"
    assert (home / "notes.txt").read_bytes() == b"mine"
    assert not (home / "etc").is_symlink() and not (home / "up").is_symlink()
    assert any("skipped system/homes/ana/etc: a link to /etc" in line for line in said)
