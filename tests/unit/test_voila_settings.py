"""Isoko's Voilà settings: one function, written for learners' servers, loadable by Jupyter."""

from pathlib import Path

import pytest
from traitlets.config import Config, PyFileConfigLoader

from isoko.hub import server_config
from isoko.hub.server_config import VOILA_EXTENSIONS, voila_settings, write_voila_config
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def load(path: Path) -> Config:
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def test_settings_make_pages_light():
    settings = voila_settings("/user/ama/")
    server = settings["ServerApp"]
    assert server["tornado_settings"]["compress_response"] is True
    # No MathJax from a CDN: Voila's own, served by the hub.
    assert server["tornado_settings"]["mathjax_url"] is None
    assert server["static_immutable_cache"] == ["/user/ama/voila/labextensions/"]
    assert server["websocket_compression_options"] == {}
    voila = settings["VoilaConfiguration"]
    assert voila["extension_allowlist"] == VOILA_EXTENSIONS
    assert "@jupyter-widgets/jupyterlab-manager" in VOILA_EXTENSIONS
    assert voila["strip_sources"] is True


@pytest.mark.parametrize(
    ("prefix", "cache"), [("/", "/voila/labextensions/"), ("/x", "/x/voila/labextensions/")]
)
def test_immutable_cache_follows_the_server_prefix(prefix, cache):
    assert voila_settings(prefix)["ServerApp"]["static_immutable_cache"] == [cache]


def test_written_config_loads_the_settings_for_the_learner_prefix(tmp_path, monkeypatch):
    path = write_voila_config(tmp_path)
    assert path == tmp_path / "jupyter_server_config.py"
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/learner1/")
    config = load(path)
    expected = voila_settings("/user/learner1/")
    assert config.ServerApp.tornado_settings == expected["ServerApp"]["tornado_settings"]
    assert config.ServerApp.static_immutable_cache == ["/user/learner1/voila/labextensions/"]
    assert config.VoilaConfiguration.extension_allowlist == VOILA_EXTENSIONS


def test_written_config_without_a_hub_serves_from_the_root(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    config = load(write_voila_config(tmp_path))
    assert config.ServerApp.static_immutable_cache == ["/voila/labextensions/"]


def test_learner_config_dir_gets_the_voila_config(tmp_path, monkeypatch):
    monkeypatch.setattr(server_config.os, "chmod", lambda *_: None)
    s = Settings.from_environ(
        checkout=REPO, environ={"ISOKO_SYSTEM_DIR": str(tmp_path / "system")}, as_root=True
    )
    server_config.write_server_configs(s)
    learner = s.learner_config_dir
    assert (learner / "jupyter_server_config.py").read_text() == server_config.VOILA_CONFIG
    # the learner JSON config keeps its own job
    assert "jpserver_extensions" in (learner / "jupyter_server_config.json").read_text()
    # Grader services serve the progress app with the same light, CDN-free settings.
    assert (
        s.grader_config_dir / "jupyter_server_config.py"
    ).read_text() == server_config.VOILA_CONFIG
