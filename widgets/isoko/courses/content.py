"""Course content in learners' homes: published once, synced on every server start.

The hub publishes each course's learner folders (lessons, apps, data) to a
world-readable content directory. When a learner's server starts, a sync run *as the
learner* copies that content into ``~/<course>/``. A manifest in ``~/.isoko/`` records
the digest of every file as it was delivered, so a later sync can tell an untouched
file (safe to update) from one the learner changed (kept; the new version is put
beside it as ``<name>.updated<suffix>``). Files the learner deleted come back.

Every notebook that is still as the platform delivered it is then trusted with the
learner's own notebook notary (what ``jupyter trust`` does): the content is the
course's, not a stranger's, and JupyterLab would otherwise call it untrusted and warn
before rendering an app with Voilà. A notebook the learner changed is left as it is.

Run as the learner: ``python -m isoko.courses.content SOURCE HOME``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from isoko.courses.catalog import INSTRUCTOR_GUIDE, Course

MANIFEST = Path(".isoko") / "content-manifest.json"
# The instructor guide lives beside the learner folders, not in them; skipped anyway, so
# a guide put in the wrong folder still never reaches a learner.
SKIP_NAMES = {".ipynb_checkpoints", "__pycache__", ".nbgrader.log", INSTRUCTOR_GUIDE}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _learner_files(root: Path):
    for path in sorted(root.rglob("*")):
        if path.is_file() and not SKIP_NAMES.intersection(path.relative_to(root).parts):
            yield path


def publish(courses: list[Course], content_dir: Path) -> None:
    """Copy every course's learner folders to ``content_dir/<slug>/``, world-readable.

    Each course is swapped in whole, so a learner's sync never sees half a course.
    """
    content_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(content_dir, 0o755)
    for course in courses:
        staging = Path(tempfile.mkdtemp(prefix=f".{course.slug}-", dir=content_dir))
        for folder in course.learner_folders():
            for src in _learner_files(folder):
                dest = staging / folder.name / src.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                os.chmod(dest, 0o644)
        for dirpath, _dirs, _files in os.walk(staging):
            os.chmod(dirpath, 0o755)
        target = content_dir / course.slug
        old = content_dir / f".{course.slug}.old"
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.kept)} kept as the learner changed them"
        )


def updated_name(path: Path) -> Path:
    return path.with_name(f"{path.stem}.updated{path.suffix}")


def sync_home(content_dir: Path, home: Path) -> SyncReport:
    """Bring ``home`` up to date with ``content_dir`` without losing a learner's change."""
    manifest_file = home / MANIFEST
    try:
        delivered: dict[str, str] = json.loads(manifest_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        delivered = {}
    report = SyncReport()
    for src in _learner_files(content_dir):
        rel = src.relative_to(content_dir).as_posix()
        dest = home / rel
        new = digest(src)
        if dest.is_symlink() or (dest.exists() and not dest.is_file()):
            report.kept.append(rel)
            continue
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            delivered[rel] = new
            report.added.append(rel)
            continue
        current = digest(dest)
        if current == new:
            delivered[rel] = new
        elif current == delivered.get(rel):
            shutil.copyfile(src, dest)
            delivered[rel] = new
            report.updated.append(rel)
        else:
            # The learner changed it (or it predates the manifest): theirs stays.
            beside = updated_name(dest)
            if not beside.exists() or digest(beside) != new:
                shutil.copyfile(src, beside)
            report.kept.append(rel)
    manifest_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = manifest_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(delivered, indent=1, sort_keys=True))
    tmp.replace(manifest_file)
    return report


def trust_delivered(home: Path) -> int:
    """Sign, for the account running this, every delivered notebook still as delivered.

    Signatures go to the running account's notary (its Jupyter data folder), the one
    its own Jupyter server checks. Returns how many notebooks were newly signed.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    try:
        delivered: dict[str, str] = json.loads((home / MANIFEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return 0
    notary = NotebookNotary()
    signed = 0
    for rel, delivered_digest in sorted(delivered.items()):
        path = home / rel
        if path.suffix != ".ipynb" or path.is_symlink() or not path.is_file():
            continue
        if digest(path) != delivered_digest:
            continue
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - a broken notebook stays untrusted, the rest go on
            continue
        if not notary.check_signature(notebook):
            notary.sign(notebook)
            signed += 1
    return signed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sync published course content into a home.")
    parser.add_argument("content_dir", type=Path)
    parser.add_argument("home", type=Path)
    args = parser.parse_args(argv)
    if not args.content_dir.is_dir():
        print(f"no course content at {args.content_dir}", file=sys.stderr)
        return 1
    # The hub runs this before every learner's server starts, a hundred at nine o'clock:
    # nbformat's schema checks would otherwise compile an IRI grammar nobody uses
    # (0.7 s of CPU of the 1 s this takes).
    from isoko.unused_imports import keep_out_unused_imports

    keep_out_unused_imports()
    report = sync_home(args.content_dir, args.home)
    trusted = trust_delivered(args.home)
    print(f"{report.summary()}, {trusted} notebooks trusted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
