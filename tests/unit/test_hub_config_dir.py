"""jupyterhub_config.d/: the operator's own hub configuration, run after Isoko's."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from traitlets.config import Config

from isoko.hub.config_dir import ConfigDirError, load_config_dir


def write(folder: Path, name: str, text: str, mode: int = 0o644) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_files_run_in_name_order_on_the_same_config(tmp_path, caplog):
    folder = tmp_path / "jupyterhub_config.d"
    write(folder, "50-later.py", "c.JupyterHub.template_vars['order'].append('50')\n")
    write(folder, "10-first.py", "c.JupyterHub.template_vars['order'].append('10')\n")
    write(folder, "notes.txt", "c.JupyterHub.template_vars['order'].append('txt')\n")
    write(folder, "20-get-config.py", "get_config().JupyterHub.port = 9000\n")
    c = Config()
    # What Isoko set before is there to change or extend.
    c.JupyterHub.template_vars = {"order": []}
    with caplog.at_level(logging.INFO, logger="JupyterHub"):
        loaded = load_config_dir(c, folder)
    assert [path.name for path in loaded] == ["10-first.py", "20-get-config.py", "50-later.py"]
    assert c.JupyterHub.template_vars["order"] == ["10", "50"]
    assert c.JupyterHub.port == 9000
    # The hub's log names every file it ran.
    for name in ("10-first.py", "20-get-config.py", "50-later.py"):
        assert f"Loaded extra hub configuration {folder / name}" in caplog.text


def test_no_folder_runs_nothing_and_says_so(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="JupyterHub"):
        assert load_config_dir(Config(), tmp_path / "jupyterhub_config.d") == []
    assert "No extra hub configuration" in caplog.text


def test_a_file_others_may_change_is_refused(tmp_path):
    folder = tmp_path / "jupyterhub_config.d"
    write(folder, "10-open.py", "c.JupyterHub.port = 1\n", mode=0o666)
    c = Config()
    with pytest.raises(ConfigDirError, match="10-open.py may be changed by another account"):
        load_config_dir(c, folder)
    assert "port" not in c.JupyterHub


def test_an_error_in_a_file_names_the_file_and_line(tmp_path):
    folder = tmp_path / "jupyterhub_config.d"
    write(folder, "10-typo.py", "\nc.JupyterHub.port = undefined_name\n")
    with pytest.raises(NameError) as caught:
        load_config_dir(Config(), folder)
    frame = caught.traceback[-1]
    assert frame.path == folder / "10-typo.py" and frame.lineno + 1 == 2
