"""The images in docker/, checked without a Docker engine.

What would break a build or a deployment on the operator's first try: a base image that
moves (``latest``, no tag), an image that ends as root, a COPY of a file the repository
does not have, Python packages other than pyproject.toml's, a grader image built on
something else than the learner image. The images' own build steps (image_setup.py)
are run here against this environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from support import dockerfile

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
IMAGES = ("learner", "grader", "hub")
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PROJECT["version"]


def instructions(image: str) -> list[dockerfile.Instruction]:
    return dockerfile.read(DOCKER / image / "Dockerfile")


def pinned_problem(image: str) -> str | None:
    """Why ``image`` is not pinned to one build, or None when it is."""
    if "$" in image:
        return f"{image}: a variable without a default"
    if "@sha256:" in image:
        return None
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return f"{image}: no tag, so it means 'latest'"
    if tag == "latest":
        return f"{image}: 'latest' moves"
    return None


def test_the_parser_joins_continuation_lines_and_skips_their_comments():
    parsed = dockerfile.parse(
        "# syntax comment\nARG BASE=python:3.11.9\nFROM ${BASE}\n"
        "RUN apt-get update \\\n# why\n && pip install --no-cache-dir 'a>=1' -r x.txt b\n"
        'COPY --chown=1000:100 ["a b", "c", "/dest/"]\nUSER 1000:100\n'
    )
    assert [i.keyword for i in parsed] == ["ARG", "FROM", "RUN", "COPY", "USER"]
    assert parsed[2].args == "apt-get update && pip install --no-cache-dir 'a>=1' -r x.txt b"
    assert parsed[2].line == 4
    assert dockerfile.base_images(parsed) == ["python:3.11.9"]
    assert dockerfile.pip_installs(parsed) == [(4, ["a>=1", "b"])]
    (copy,) = dockerfile.copies(parsed)
    assert (copy.sources, copy.destination) == (["a b", "c"], "/dest/")
    assert dockerfile.last_user(parsed) == "1000:100"


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("quay.io/jupyter/minimal-notebook:2024-05-27", True),
        ("postgres@sha256:" + "0" * 64, True),
        ("localhost:5000/isoko-learner", False),
        ("python", False),
        ("python:latest", False),
        ("${BASE}", False),
    ],
)
def test_what_counts_as_pinned(image, pinned):
    assert (pinned_problem(image) is None) is pinned


@pytest.mark.parametrize("image", IMAGES)
def test_every_base_image_is_pinned(image):
    bases = dockerfile.base_images(instructions(image))
    assert bases
    assert [pinned_problem(base) for base in bases if pinned_problem(base)] == []


def test_the_learner_image_starts_from_a_dated_docker_stacks_tag():
    (base,) = dockerfile.base_images(instructions("learner"))
    name, _, tag = base.rpartition(":")
    assert name.startswith("quay.io/jupyter/")
    # A date (YYYY-MM-DD): Docker Stacks' tags of one build, never rebuilt later.
    assert len(tag) == 10 and tag[4] == tag[7] == "-" and tag.replace("-", "").isdigit()


def test_the_grader_image_is_built_from_the_learner_image_of_this_version():
    (base,) = dockerfile.base_images(instructions("grader"))
    assert base == f"isoko-learner:{VERSION}"


@pytest.mark.parametrize("image", IMAGES)
def test_no_image_ends_as_root(image):
    # The learner and grader images run learners' code; the hub needs only the Docker
    # socket's group (compose) or its API token (Kubernetes). Numeric, so Kubernetes'
    # runAsNonRoot can check it without reading /etc/passwd.
    user = dockerfile.last_user(instructions(image))
    assert user is not None, f"docker/{image}/Dockerfile names no USER in its last stage"
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, f"docker/{image}/Dockerfile ends as {user!r}"


@pytest.mark.parametrize("image", IMAGES)
def test_every_file_an_image_copies_is_in_the_repository(image):
    # The build context is the repository root (compose.yaml: context "..").
    missing = [
        f"line {copy.line}: {source}"
        for copy in dockerfile.copies(instructions(image))
        if copy.from_stage is None
        for source in copy.sources
        if not list(REPO.glob(source))
    ]
    assert missing == []


def test_the_build_context_leaves_out_local_state_and_secrets():
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # The one-machine state (cookie secret, tokens, passwords) and the Compose secrets.
    assert {".isoko/", "docker/.env", ".venv/", "node_modules/"} <= ignored


def pyproject_specs(extras: list[str]) -> dict[str, Requirement]:
    lines = list(PROJECT["dependencies"])
    for extra in extras:
        lines += PROJECT["optional-dependencies"][extra]
    return {canonicalize_name(r.name): r for r in map(Requirement, lines)}


@pytest.mark.parametrize("image", IMAGES)
def test_the_python_packages_installed_are_pyproject_s(image):
    parsed = instructions(image)
    # Where pyproject.toml is copied to is the project the image installs.
    project_dirs = {
        copy.destination.rstrip("/")
        for copy in dockerfile.copies(parsed)
        if "pyproject.toml" in copy.sources
    }
    installs = dockerfile.pip_installs(parsed)
    assert installs, f"docker/{image}/Dockerfile installs nothing with pip"
    installs_project = False
    for line, requirements in installs:
        for requirement in requirements:
            path, _, extras = requirement.partition("[")
            if path in project_dirs:
                installs_project = True
                wanted = [e for e in extras.rstrip("]").split(",") if e]
                unknown = set(wanted) - set(PROJECT.get("optional-dependencies", {}))
                assert not unknown, f"line {line}: extras {unknown} are not in pyproject.toml"
                continue
            # Anything named on its own must be pyproject.toml's, with the same range.
            spec = Requirement(requirement)
            specs = pyproject_specs(list(PROJECT.get("optional-dependencies", {})))
            declared = specs.get(canonicalize_name(spec.name))
            assert declared is not None, f"line {line}: {spec.name} is not in pyproject.toml"
            assert spec.specifier == declared.specifier, f"line {line}: {spec} vs {declared}"
    assert installs_project, f"docker/{image}/Dockerfile does not install Isoko's project"


def installed_extras(image: str) -> list[str]:
    return [
        extra
        for _, requirements in dockerfile.pip_installs(instructions(image))
        for requirement in requirements
        if "[" in requirement
        for extra in requirement.partition("[")[2].rstrip("]").split(",")
    ]


def test_the_hub_image_has_both_spawners_and_the_postgres_driver():
    hub = pyproject_specs(installed_extras("hub"))
    assert {"dockerspawner", "jupyterhub-kubespawner", "psycopg"} <= set(hub)
    # The grader writes the gradebook, so it needs the driver too; learners do not.
    assert "psycopg" in pyproject_specs(installed_extras("grader"))
    assert installed_extras("learner") == []


def run_setup(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DOCKER / "image_setup.py"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "widgets"), **(env or {})},
        check=False,
    )


def test_the_build_time_requirements_check_passes_here_and_names_what_is_off(tmp_path):
    ok = run_setup("check-requirements", str(REPO / "pyproject.toml"))
    assert ok.returncode == 0, ok.stderr
    assert "requirements of" in ok.stdout
    stale = tmp_path / "pyproject.toml"
    stale.write_text(
        '[project]\nname = "x"\ndependencies = ["ipywidgets>=99", "jupyterlab_widgets>=3"]\n'
    )
    off = run_setup("check-requirements", str(stale))
    assert off.returncode == 1
    assert "ipywidgets" in off.stderr and "wanted ipywidgets>=99" in off.stderr
    half = tmp_path / "half.toml"
    half.write_text('[project]\nname = "x"\ndependencies = ["ipywidgets>=8.1,<8.2"]\n')
    lone = run_setup("check-requirements", str(half))
    assert lone.returncode == 1 and "missing: jupyterlab_widgets" in lone.stderr
    unknown = run_setup("check-requirements", str(stale), "nope")
    assert unknown.returncode != 0 and "no extra nope" in unknown.stderr


def test_the_images_server_configuration_is_what_make_hub_gives_learners(tmp_path):
    system = tmp_path / "srv"
    done = run_setup(
        "server-configs",
        env={
            "ISOKO_SYSTEM_DIR": str(system),
            "ISOKO_STATE_DIR": str(tmp_path / "state"),
            "ISOKO_CHECKOUT": str(REPO),
        },
    )
    assert done.returncode == 0, done.stderr
    learner = system / "etc" / "learner"
    server = (learner / "jupyter_server_config.json").read_text()
    assert '"isoko.learner": true' in server
    assert "voila_settings" in (learner / "jupyter_server_config.py").read_text()
    nbgrader = (learner / "nbgrader_config.py").read_text()
    assert f"c.Exchange.root = {str(system / 'exchange')!r}" in nbgrader
    grader = (system / "etc" / "grader" / "nbgrader_config.py").read_text()
    # Every learner container is the same user: no per-learner account to check.
    assert "learner_unix_prefix" not in grader
    assert oct((learner / "nbgrader_config.py").stat().st_mode & 0o777) == "0o644"


def docker_engine() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    info = subprocess.run([docker, "info"], capture_output=True, check=False)
    return docker if info.returncode == 0 else None


@pytest.mark.skipif(docker_engine() is None, reason="no Docker engine on this machine")
def test_the_dockerfiles_pass_docker_s_own_build_checks():
    for image in IMAGES:
        checked = subprocess.run(
            [
                "docker",
                "build",
                "--check",
                "-f",
                str(DOCKER / image / "Dockerfile"),
                str(REPO),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def fake_python(tmp_path: Path) -> Path:
    """A `python` that runs the real one, except the server, which only says how it was
    started: the learner's start script is checked without starting Jupyter."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "python"
    shim.write_text(
        "#!/bin/sh\n"
        'if [ "$1 $2" = "-m isoko.hub.singleuser" ]; then shift 2; echo "server: $*"; exit 0; fi\n'
        f'exec {sys.executable} "$@"\n'
    )
    shim.chmod(0o755)
    return bin_dir


def start_learner(tmp_path: Path, content: Path) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [str(DOCKER / "learner" / "start-learner.sh"), "--SingleUserNotebookApp.debug=True"],
        capture_output=True,
        text=True,
        env={
            "PATH": f"{fake_python(tmp_path)}:/usr/bin:/bin",
            "PYTHONPATH": str(REPO / "widgets"),
            "HOME": str(home),
            "ISOKO_CONTENT_DIR": str(content),
            "JUPYTER_PLATFORM_DIRS": "1",
        },
        check=False,
    )


def test_a_learner_container_gets_the_course_content_then_its_server(tmp_path):
    lesson = tmp_path / "content" / "pricing" / "lessons" / "01-price.ipynb"
    lesson.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), lesson)
    started = start_learner(tmp_path, tmp_path / "content")
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "home" / "pricing" / "lessons" / "01-price.ipynb").is_file()
    # The spawner's arguments reach the server.
    assert "server: --SingleUserNotebookApp.debug=True" in started.stdout


def test_a_learner_server_starts_even_without_course_content(tmp_path):
    started = start_learner(tmp_path, tmp_path / "nowhere")
    assert started.returncode == 0
    assert "no course content" in started.stderr
    assert "server: --SingleUserNotebookApp.debug=True" in started.stdout


def test_the_learner_image_runs_what_make_install_runs_after_pip():
    """``make install`` compresses Voilà's pages once (Brotli, one script of its chunks);
    an image without that step would serve heavier pages than `make hub` does."""
    import re

    makefile = (REPO / "Makefile").read_text()
    install = makefile.split("\ninstall:", 1)[1].split("\n\n", 1)[0]
    modules = re.findall(r"\$\(PY\) -m (isoko\.[\w.]+)", install)
    assert "isoko.hub.compression" in modules
    learner = (REPO / "docker" / "learner" / "Dockerfile").read_text()
    for module in modules:
        if module == "isoko.i18n":  # the package build compiles the catalogues itself
            continue
        assert f"python -m {module}" in learner, module
