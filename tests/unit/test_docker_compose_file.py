"""docker/compose.yaml and its env file, checked without a Docker engine.

The file is validated against the Compose schema (a committed copy, so a fresh clone
checks it too), then for what an operator would trip over: an image that moves, a
volume used but not declared, a variable the env file example does not list, a secret
written into the file, the hub published beyond loopback by default, a course without
its formgrader.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
COMPOSE = DOCKER / "compose.yaml"
ENV_EXAMPLE = DOCKER / ".env.example"
SCHEMA_COPY = REPO / "tests" / "fixtures" / "schemas" / "compose" / "compose-spec.json"
SHARED_SCHEMA = REPO.parent / "shared" / "data" / "compose" / "compose-spec.json"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
COURSES = sorted(p.parent.name for p in (REPO / "courses").glob("*/course.yaml"))

#: ``$$``, ``${NAME}``, ``${NAME:-default}`` (and ``-``, ``?``, ``:?``, ``+``, ``:+``), ``$NAME``.
VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>\w+)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|(?P<bare>\w+))"
)


def variables_in(text: str) -> set[str]:
    return {m.group("braced") or m.group("bare") for m in VARIABLE.finditer(text)} - {None}


def interpolate(text: str, env: dict[str, str]) -> str:
    """The file as Compose reads it with ``env``: its variables replaced."""

    def value(m: re.Match) -> str:
        if m.group("escaped"):
            return "$"
        name = m.group("braced") or m.group("bare")
        op, arg = m.group("op") or "", m.group("arg") or ""
        current = env.get(name)
        unset = current is None or (op.startswith(":") and current == "")
        if op.endswith("-"):
            return arg if unset else current
        if op.endswith("?"):
            if unset:
                raise KeyError(f"{name} is required: {arg}")
            return current
        if op.endswith("+"):
            return "" if unset else arg
        return current or ""

    return VARIABLE.sub(value, text)


def env_example() -> dict[str, str]:
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value
    return pairs


def as_deployed(env: dict[str, str] | None = None) -> dict:
    """compose.yaml as an operator's ``docker compose`` reads it, after make_env.py."""
    example = {**env_example(), "DOCKER_GID": "998"}
    return yaml.safe_load(interpolate(COMPOSE.read_text(), example if env is None else env))


def compose_schema() -> dict:
    if not SCHEMA_COPY.exists():
        pytest.fail(
            f"The Compose schema is missing: {SCHEMA_COPY.relative_to(REPO)} must hold a copy "
            "of compose-spec/compose-spec's schema/compose-spec.json (with its LICENSE)"
        )
    return json.loads(SCHEMA_COPY.read_text())


def test_the_committed_schema_is_the_shared_one_with_its_licence():
    compose_schema()
    assert "Apache License" in (SCHEMA_COPY.parent / "LICENSE").read_text()
    if SHARED_SCHEMA.exists():
        assert filecmp.cmp(SCHEMA_COPY, SHARED_SCHEMA, shallow=False), (
            f"{SCHEMA_COPY.relative_to(REPO)} differs from {SHARED_SCHEMA}: copy it again"
        )


def test_compose_file_is_valid_for_the_compose_schema():
    validator = jsonschema.Draft7Validator(compose_schema())
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(as_deployed())
    ]
    assert errors == []


def test_the_schema_check_would_catch_a_mistyped_key():
    broken = as_deployed()
    broken["services"]["hub"]["restart_policy"] = "always"  # `restart` is the key
    assert not jsonschema.Draft7Validator(compose_schema()).is_valid(broken)


def test_every_image_is_pinned_and_isoko_s_are_this_version():
    services = as_deployed()["services"]
    for name, service in services.items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest", f"{name}: {image}"
        if repository.startswith("isoko-"):
            assert tag == VERSION, f"{name}: {image} is not the project's version {VERSION}"
        else:
            assert re.fullmatch(r"\d+(\.\d+)+(-\w+)?", tag), f"{name}: {image} is not a release"
    # The graders are built on the learner image the hub starts for learners.
    hub_env = services["hub"]["environment"]
    for course in COURSES:
        args = services[f"grader-{course}"]["build"]["args"]
        assert args["LEARNER_IMAGE"] == hub_env["ISOKO_LEARNER_IMAGE"]
    assert services["learner"]["image"] == hub_env["ISOKO_LEARNER_IMAGE"]


def test_every_named_volume_is_declared():
    compose = as_deployed()
    declared = set(compose.get("volumes") or {})
    mounts = [
        volume.split(":")[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
    ]
    used = {mount for mount in mounts if not mount.startswith(("/", ".", "~"))}
    # Files of the repository mounted into a service (relative to compose.yaml) exist.
    for mount in mounts:
        if mount.startswith("."):
            assert (DOCKER / mount).exists(), mount
    assert used - declared == set()
    assert {"hub-state", "exchange", "graders", "courses", "db-data"} <= used
    # Named without the project's prefix, so the hub can mount them into learner containers.
    names = {volume: spec["name"] for volume, spec in compose["volumes"].items()}
    assert names == {volume: f"isoko-{volume}" for volume in declared}


def test_the_env_file_example_lists_every_variable_compose_uses():
    used = variables_in(COMPOSE.read_text())
    assert used - set(env_example()) == set()
    assert "POSTGRES_PASSWORD" in used


SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$")


def test_no_secret_is_written_in_the_compose_file():
    raw = yaml.safe_load(COMPOSE.read_text())
    for name, service in raw["services"].items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{\w+\}", value), f"{name}: {key} is not from the env file"
            # A password inside a URL (user:password@host) comes from the env file too.
            for password in re.findall(r"://[^:/@]+:([^@]+)@", value):
                assert re.fullmatch(r"\$\{\w+\}", password), f"{name}: {key} holds a password"
    # The example holds no secret either: each is generated on first use.
    for key, value in env_example().items():
        if SECRET_NAME.search(key):
            assert value == "generate", f"docker/.env.example: {key}"


def test_the_hub_is_published_on_loopback_only_by_default():
    # With no env file at all, and with the example's values.
    for compose in (as_deployed({}), as_deployed()):
        published = {
            name: service["ports"]
            for name, service in compose["services"].items()
            if service.get("ports")
        }
        assert set(published) == {"hub"}
        for port in published["hub"]:
            assert str(port).startswith("127.0.0.1:"), port


def test_every_course_has_its_formgrader_gradebook_and_token():
    compose = as_deployed()
    services = compose["services"]
    assert COURSES
    databases = services["db"]["environment"]["ISOKO_GRADEBOOK_DATABASES"].split()
    for course in COURSES:
        grader = services[f"grader-{course}"]
        assert grader["environment"]["ISOKO_COURSE"] == course
        assert grader["environment"]["JUPYTERHUB_SERVICE_PREFIX"] == f"/services/{course}/"
        assert grader["working_dir"] == f"/srv/isoko/graders/{course}"
        token = f"ISOKO_GRADER_TOKEN_{course.upper().replace('-', '_')}"
        assert env_example()[token] == "generate"
        hub_env = services["hub"]["environment"]
        assert hub_env[token] == grader["environment"]["JUPYTERHUB_API_TOKEN"]
        gradebook = hub_env["ISOKO_GRADEBOOK_DB_URL"]
        assert gradebook.replace("{course}", course).endswith(f"/gradebook_{course}")
        assert f"gradebook_{course}" in databases


def test_the_hub_runs_learners_with_dockerspawner_on_the_compose_network():
    compose = as_deployed()
    hub = compose["services"]["hub"]
    assert hub["environment"]["ISOKO_DEPLOYMENT"] == "compose"
    network = hub["environment"]["ISOKO_DOCKER_NETWORK"]
    assert compose["networks"]["isoko"]["name"] == network
    assert "/var/run/docker.sock:/var/run/docker.sock" in hub["volumes"]
    assert hub["group_add"] == ["998"]  # the socket's group, not root
    assert hub["environment"]["ISOKO_DB_URL"].startswith("postgresql+psycopg://isoko:")
    for service in compose["services"].values():
        assert service.get("restart") in ("unless-stopped", None)
        if "profiles" not in service:
            assert service["restart"] == "unless-stopped" and "healthcheck" in service


def test_only_the_graders_may_run_bubblewrap():
    # Without these the sandbox cannot start, and every autograde fails; with them
    # anywhere else a learner's container would be less confined than Docker's default.
    sandbox = {"seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"}
    for name, service in as_deployed()["services"].items():
        options = set(service.get("security_opt", []))
        assert options == (sandbox if name.startswith("grader-") else set()), name


def make_env(tmp_path: Path, socket: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(DOCKER / "make_env.py"),
            "--env-file",
            str(tmp_path / ".env"),
            "--docker-socket",
            str(socket),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_env_writes_new_secrets_0600_once(tmp_path):
    socket = tmp_path / "docker.sock"
    socket.touch()
    first = make_env(tmp_path, socket)
    assert first.returncode == 0, first.stderr
    env_file = tmp_path / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    values = dict(
        line.split("=", 1)
        for line in env_file.read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(values) == set(env_example())
    secrets = [values[key] for key in values if SECRET_NAME.search(key)]
    assert len(secrets) == len(set(secrets)) == 1 + len(COURSES)
    assert all(re.fullmatch(r"[0-9a-f]{64}", secret) for secret in secrets)
    assert values["DOCKER_GID"] == str(os.stat(socket).st_gid)
    assert values["ISOKO_BIND"] == "127.0.0.1"
    # A second run keeps the secrets a running deployment already uses.
    again = make_env(tmp_path, socket)
    assert again.returncode == 0 and "kept" in again.stdout
    assert (
        dict(
            line.split("=", 1)
            for line in env_file.read_text().splitlines()
            if line and not line.startswith("#")
        )
        == values
    )


def test_make_env_says_when_there_is_no_docker(tmp_path):
    done = make_env(tmp_path, tmp_path / "no-docker.sock")
    assert done.returncode != 0
    assert "no Docker socket" in done.stderr
    assert not (tmp_path / ".env").exists()


def test_git_ignores_the_env_file():
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", "docker/.env"], cwd=REPO, check=False
    )
    assert ignored.returncode == 0, "docker/.env (secrets) is not git-ignored"
    tracked = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", "docker/.env.example"],
        cwd=REPO,
        check=False,
    )
    assert tracked.returncode == 1
