"""A learner's Jupyter server imports nbgrader when a learner first needs it, not at start.

One real Jupyter server with the learner extensions (as a learner server on the hub
loads them), started with ``python -X importtime``, which reports each module as it is
imported: the report shows when nbgrader comes in.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import nbformat
import pytest

from isoko.hub.server_config import LEARNER_SERVER_EXTENSIONS
from support.hub import free_port


def nbgrader_imported(report: str) -> bool:
    """Whether any module of nbgrader's was imported (one report line per module)."""
    modules = (line.rsplit("|", 1)[-1].strip() for line in report.splitlines())
    return any(m == "nbgrader" or m.startswith("nbgrader.") for m in modules)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("learner")
    config = home / "etc"
    config.mkdir()
    # The learner extensions alone: the hub's other settings need a hub.
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": LEARNER_SERVER_EXTENSIONS}})
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 42")])
    nbformat.write(notebook, home / "answer.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    report = home / "imports.txt"
    with report.open("w") as imports:
        process = subprocess.Popen(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                "jupyter_server",
                "--ip=127.0.0.1",
                f"--port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                "--allow-root",
                "--no-browser",
                f"--ServerApp.root_dir={home}",
            ],
            cwd=home,
            env={"PATH": "/usr/bin:/bin", "HOME": str(home), "JUPYTER_CONFIG_PATH": str(config)},
            stdout=subprocess.DEVNULL,
            stderr=imports,
        )
    url = f"http://127.0.0.1:{port}"

    def call(path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {token}"},
            method="GET" if body is None else "POST",
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    try:
        for _ in range(120):
            try:
                call("/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, report.read_text()[-3000:]
                time.sleep(0.5)
        else:
            pytest.fail("the learner server did not start")
        yield call, report
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_started_learner_server_has_not_imported_nbgrader(server):
    call, report = server
    assert call("/api/status")["started"]
    assert not nbgrader_imported(report.read_text())


def test_nbgraders_own_answers_come_on_first_use(server):
    import nbgrader

    call, report = server
    answer = call(f"/nbgrader_version?version={nbgrader.__version__}")
    assert answer == {"success": True}
    assert nbgrader_imported(report.read_text())
    # nbgrader's own Validate, on a notebook of the learner's
    validated = call("/assignments/validate", {"path": "answer.ipynb"})
    assert validated["success"] is True


def test_a_wrong_version_is_still_nbgraders_message(server):
    call, _ = server
    answer = call("/nbgrader_version?version=0.0.1")
    assert answer["success"] is False and "labextension" in answer["message"]
