"""The operator's escape hatch: ``jupyterhub_config.d/*.py`` in the state directory.

``isoko.yaml`` holds what operators usually change. Anything else JupyterHub can do
goes in a Python file of this folder: each is run after Isoko's own configuration, in
name order (``10-announcement.py`` before ``50-ldap.py``), with the same ``c``, as a
``jupyterhub_config.py`` would be, so it can change or extend what Isoko set.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from traitlets.config import Config


class ConfigDirError(RuntimeError):
    """A file of the folder that the hub must not run; the message says why."""


def config_files(folder: Path) -> list[Path]:
    """The ``*.py`` files of ``folder`` in name order; none when it does not exist."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("*.py") if p.is_file()), key=lambda p: p.name)


def check_owner(path: Path) -> None:
    """The hub runs these files as itself (root, when it runs as root): only the hub's
    own account may be able to change them."""
    info = path.stat()
    if info.st_uid not in (0, os.geteuid()) or info.st_mode & 0o022:
        raise ConfigDirError(
            f"{path} may be changed by another account (owner uid {info.st_uid}, mode "
            f"{info.st_mode & 0o777:o}): the hub runs it as itself. Make it the hub's and "
            "writable by its owner only (chmod 644)."
        )


def load_config_dir(c: Config, folder: Path, log: logging.Logger | None = None) -> list[Path]:
    """Run every ``*.py`` of ``folder`` on ``c``, in name order; return the files run."""
    log = log or logging.getLogger("JupyterHub")
    files = config_files(folder)
    for path in files:
        check_owner(path)
        code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
        # What traitlets gives a config file: ``c`` (the same object) and get_config().
        exec(code, {"c": c, "get_config": lambda: c, "__file__": str(path), "__name__": path.stem})
        log.info("Loaded extra hub configuration %s", path)
    if not files:
        log.info("No extra hub configuration in %s", folder)
    return files
