"""Secrets are made on first start, kept in the state directory, and never readable by others."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make sure only its owner can enter it."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` so that the file is 0600 from the moment it exists."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def ensure_secret(path: Path, nbytes: int = 32) -> str:
    """Return the hex secret in ``path``, creating it (0600) if it is missing or empty."""
    if path.exists():
        value = path.read_text().strip()
        if value:
            os.chmod(path, 0o600)
            return value
    value = secrets.token_hex(nbytes)
    write_private(path, value + "\n")
    return value


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def write_private_json(path: Path, data: Any) -> None:
    write_private(path, json.dumps(data, indent=2) + "\n")
