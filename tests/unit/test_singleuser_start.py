"""Learner and grader servers start without importing what none of them uses."""

import os
import subprocess
import sys

import pytest

IMPORT_SERVER = """
import sys
{prepare}
import jupyter_server.serverapp  # noqa: F401  (the event schemas, checked with jsonschema)
print(",".join(m for m in ("rfc3987_syntax", "lark") if m in sys.modules and sys.modules[m]))
"""


def loaded_after_server_import(prepare: str) -> str:
    code = IMPORT_SERVER.format(prepare=prepare)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout.strip()


def test_a_plain_server_import_compiles_the_iri_grammar():
    # What the launcher is for: if jsonschema stops importing it, the launcher can go.
    pytest.importorskip("rfc3987_syntax", reason="jsonschema's format-nongpl extra not installed")
    assert "rfc3987_syntax" in loaded_after_server_import("")


def test_the_launcher_keeps_the_iri_grammar_out():
    loaded = loaded_after_server_import(
        "from isoko.hub.singleuser import keep_out_unused_imports\nkeep_out_unused_imports()"
    )
    assert loaded == ""


def test_schemas_are_still_checked_without_it():
    code = """
from isoko.hub.singleuser import keep_out_unused_imports
keep_out_unused_imports()
from jsonschema import Draft7Validator, ValidationError
checker = Draft7Validator.FORMAT_CHECKER
validator = Draft7Validator({"type": "object", "required": ["name"]}, format_checker=checker)
try:
    validator.validate({})
except ValidationError:
    print("refused")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "refused"


def import_lab_with_a_watched_node(tmp_path, code: str) -> bool:
    """Whether importing JupyterLab's server app ran ``node`` (a stand-in that leaves a mark)."""
    mark = tmp_path / "node-ran"
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text(f"#!/bin/sh\ntouch {mark}\necho '{{}}'\n")
    node.chmod(0o755)
    env = {**os.environ, "PATH": f"{node.parent}:{os.environ['PATH']}"}
    subprocess.run([sys.executable, "-c", code], env=env, timeout=120, check=True)
    return mark.exists()


def test_a_plain_lab_import_runs_node(tmp_path):
    # What the launcher is for: JupyterLab asks Node.js for yarn's config on import.
    assert import_lab_with_a_watched_node(tmp_path, "import jupyterlab.labapp")


def test_the_launcher_imports_lab_without_node(tmp_path):
    code = """
import os
path = os.environ["PATH"]
from isoko.hub.singleuser import import_jupyterlab_without_node
import_jupyterlab_without_node()
assert os.environ["PATH"] == path, "PATH must be given back to the server and its terminals"
"""
    assert not import_lab_with_a_watched_node(tmp_path, code)


#: Modules of the hub's database and request handlers that a single-user server never uses.
HUB_ONLY = ("jupyterhub.orm", "jupyterhub.roles", "jupyterhub.handlers", "alembic", "cryptography")


def loaded_after_singleuser_import(prepare: str, then: str = "") -> list[str]:
    code = f"""
import sys
{prepare}
{then}
print(",".join(m for m in {HUB_ONLY!r} if type(sys.modules.get(m)).__name__ == "module"))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return [m for m in result.stdout.strip().split(",") if m]


def test_a_plain_singleuser_import_loads_the_hub_database():
    # What the launcher is for: if JupyterHub stops importing them, this part can go.
    assert loaded_after_singleuser_import("import jupyterhub.singleuser") == list(HUB_ONLY)


def test_the_launcher_keeps_the_hub_database_out():
    loaded = loaded_after_singleuser_import(
        "from isoko.hub.singleuser import import_singleuser_without_the_hub_database\n"
        "import_singleuser_without_the_hub_database()\n"
        "import jupyterhub.singleuser  # the real single-user server is there\n"
        "assert jupyterhub.singleuser.main"
    )
    assert loaded == []


def test_what_was_kept_out_is_the_real_thing_when_used():
    then = """
import jupyterhub.log, jupyterhub.scopes
# The single-user server's own scope check works without a database.
assert jupyterhub.scopes._intersect_expanded_scopes({"read:users"}, {"read:users", "x"}) == {
    "read:users"
}
# The first use of a stand-in brings the real module, and a later import gets it too.
user_class = jupyterhub.scopes.orm.User
import jupyterhub.orm
assert user_class is jupyterhub.orm.User
import jupyterhub.handlers.pages
assert jupyterhub.handlers.pages.HealthCheckHandler.__module__ == "jupyterhub.handlers.pages"
"""
    loaded = loaded_after_singleuser_import(
        "from isoko.hub.singleuser import import_singleuser_without_the_hub_database\n"
        "import_singleuser_without_the_hub_database()",
        then,
    )
    assert "jupyterhub.orm" in loaded and "jupyterhub.handlers" in loaded
