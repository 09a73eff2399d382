"""isoko.yaml: each key reaches the hub's configuration, and each mistake names key and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

from isoko.courses.catalog import load_courses
from isoko.courses.gradebook_db import course_db_url
from isoko.courses.grading import prepare_course_dir
from isoko.hub import config as hubconfig
from isoko.hub import deployment
from isoko.hub.server_config import write_server_configs
from isoko.platform import config_file
from isoko.platform.config_file import ConfigFileError
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "isoko.yaml.example"
COURSES = load_courses(REPO / "courses")
IMAGE = "registry.example.org/isoko-learner:2026.12.1"


def settings_with(state: Path, text: str | None, as_root: bool = True, **env) -> Settings:
    state.mkdir(exist_ok=True)
    if text is not None:
        (state / "isoko.yaml").write_text(text)
    return Settings.from_environ(
        checkout=REPO, environ={"ISOKO_STATE_DIR": str(state), **env}, as_root=as_root
    )


def hub_config(s: Settings) -> Config:
    """What ``configure`` builds, without the secrets that ``prepare`` writes."""
    c = Config()
    courses = s.select_courses(COURSES)
    hubconfig.update_network(c, s)
    hubconfig.update_tls(c, s)
    hubconfig.update_cookies(c, s)
    hubconfig.update_authenticator(c, s)
    hubconfig.update_spawner(c, s, courses)
    tokens = {deployment.grader_token_variable(course.slug): "token" for course in courses}
    hubconfig.update_services(c, s, courses, environ=tokens)
    return c


def services(c: Config) -> dict:
    return {service["name"]: service for service in c.JupyterHub.services}


def hub_db_url(s: Settings) -> str:
    c = Config()
    hubconfig.update_state(c, s, proxy_token="not-a-secret")
    return c.JupyterHub.db_url


def course_gradebook(s: Settings, tmp: Path) -> str:
    """The gradebook URL nbgrader's apps read from the pricing course folder's config."""
    course_dir, sources = tmp / "graders" / "pricing", tmp / "sources"
    course_dir.mkdir(parents=True, exist_ok=True)
    sources.mkdir(exist_ok=True)
    prepare_course_dir("pricing", sources, course_dir, tmp / "exchange", "", s.gradebook_db_url)
    return course_db_url(course_dir)


def max_kernels(s: Settings) -> int:
    write_server_configs(s)
    learner = json.loads((s.learner_config_dir / "jupyter_server_config.json").read_text())
    return learner["CappedKernelManager"]["max_kernels"]


#: Each key of isoko.yaml: a value other than its default, and where the hub's
#: configuration shows it.
REACHES = {
    "network.ip": ("0.0.0.0", lambda s, c: c.JupyterHub.ip),
    "network.port": (8300, lambda s, c: c.JupyterHub.port),
    "network.public_url": (
        "https://isoko.example.org/",
        lambda s, c: c.JupyterHub.public_url,
    ),
    "network.hub_port": (8381, lambda s, c: c.JupyterHub.hub_port),
    "network.proxy_api_port": (
        8382,
        lambda s, c: int(c.ConfigurableHTTPProxy.api_url.rsplit(":", 1)[1]),
    ),
    "network.service_port_base": (
        9200,
        lambda s, c: int(services(c)[COURSES[0].slug]["url"].rsplit(":", 1)[1]),
    ),
    "https.ssl_cert": ("/etc/isoko/cert.pem", lambda s, c: c.JupyterHub.ssl_cert),
    "https.ssl_key": ("/etc/isoko/key.pem", lambda s, c: c.JupyterHub.ssl_key),
    "https.behind_proxy": (
        True,
        lambda s, c: c.JupyterHub.tornado_settings["cookie_options"].get("secure", False),
    ),
    "accounts.system_dir": ("/srv/elsewhere", lambda s, c: c.IsokoUnixSpawner.homes_dir[:-6]),
    "accounts.unix_prefix": ("shop-", lambda s, c: c.IsokoUnixSpawner.unix_prefix),
    "timeouts.server_start": (300, lambda s, c: c.Spawner.start_timeout),
    "timeouts.server_http": (200, lambda s, c: c.Spawner.http_timeout),
    "timeouts.content_copy": (240, lambda s, c: c.IsokoUnixSpawner.content_sync_timeout),
    "password.min_length": (12, lambda s, c: c.IsokoAuthenticator.minimum_password_length),
    "password.reject_common": (False, lambda s, c: c.IsokoAuthenticator.check_common_password),
    "password.failed_logins_before_wait": (
        3,
        lambda s, c: c.IsokoAuthenticator.allowed_failed_logins,
    ),
    "password.wait_seconds": (600, lambda s, c: c.IsokoAuthenticator.seconds_before_next_try),
    "idle.timeout": (
        1800,
        lambda s, c: int(services(c)["idle-culler"]["command"][3].split("=")[1]),
    ),
    "idle.max_age": (
        28800,
        lambda s, c: int(services(c)["idle-culler"]["command"][4].split("=")[1]),
    ),
    "courses.enabled": (
        ["pricing"],
        lambda s, c: [name for name in services(c) if name in {x.slug for x in COURSES}],
    ),
    "learners.memory_mb": (1024, lambda s, c: c.IsokoUnixSpawner.mem_limit // 2**20),
    "learners.process_memory_mb": (
        512,
        lambda s, c: c.IsokoUnixSpawner.process_mem_limit // 2**20,
    ),
    "learners.processes": (64, lambda s, c: c.IsokoUnixSpawner.process_limit),
    "learners.kernels": (2, lambda s, c: max_kernels(s)),
    "learners.nice": (10, lambda s, c: c.IsokoUnixSpawner.nice),
    "deployment.mode": ("compose", lambda s, c: c.DockerSpawner.network_name and s.deployment),
    "deployment.learner_image": (IMAGE, lambda s, c: c.KubeSpawner.image),
    "deployment.docker_network": ("classroom", lambda s, c: c.DockerSpawner.network_name),
    "database.hub_url": (
        "postgresql+psycopg://isoko@db:5432/jupyterhub",
        lambda s, c: hub_db_url(s),
    ),
    # The pricing course's gradebook, with the course's name put back as the template had it.
    "database.gradebook_url": (
        "postgresql+psycopg://isoko@db:5432/gradebook_{course}",
        lambda s, c: course_gradebook(s, s.system_dir).replace("pricing", "{course}"),
    ),
    "gallery.enabled": (False, lambda s, c: "gallery" in services(c)),
    "gallery.port": (9123, lambda s, c: int(services(c)["gallery"]["url"].rsplit(":", 1)[1])),
    "gallery.preheated_per_app": (3, lambda s, c: gallery_option(c, "--preheated-per-app")),
    "gallery.max_kernels": (40, lambda s, c: gallery_option(c, "--max-kernels")),
}


def gallery_option(c, option: str) -> int | None:
    """The value of one of the gallery command's options, or None when not given."""
    for argument in services(c)["gallery"]["command"]:
        if argument.startswith(f"{option}="):
            return int(argument.split("=", 1)[1])
    return None


#: What a key needs beside it in the file to reach the hub's configuration.
TOGETHER = {
    "https.ssl_cert": {"ssl_key": "/etc/isoko/key.pem"},
    "https.ssl_key": {"ssl_cert": "/etc/isoko/cert.pem"},
    # Containers need the learner image; the image and the network reach only their mode.
    "deployment.mode": {"learner_image": IMAGE},
    "deployment.learner_image": {"mode": "kubernetes"},
    "deployment.docker_network": {"mode": "compose", "learner_image": IMAGE},
}


def test_every_key_of_the_schema_has_a_setting_and_a_test():
    schema = config_file.schema()["properties"]
    in_schema = {
        f"{section}.{name}" for section in schema for name in schema[section]["properties"]
    }
    assert in_schema == set(config_file.KEYS_BY_PATH) == set(REACHES)
    fields = Settings.__dataclass_fields__
    assert all(key.field in fields for key in config_file.KEYS)


@pytest.mark.parametrize("key", sorted(REACHES))
def test_each_key_reaches_the_hub_configuration(tmp_path, key):
    value, read = REACHES[key]
    section, name = key.split(".")
    entries = {name: value, **TOGETHER.get(key, {})}
    # Server configuration is written under the system directory: keep it in tmp_path.
    env = {} if key == "accounts.system_dir" else {"ISOKO_SYSTEM_DIR": str(tmp_path / "sys")}
    plain = settings_with(tmp_path / "plain", None, **env)
    assert read(plain, hub_config(plain)) != value
    s = settings_with(tmp_path / "state", yaml.safe_dump({section: entries}), **env)
    assert read(s, hub_config(s)) == value
    assert s.origin(key) == f"isoko.yaml line {2 + sorted(entries).index(name)}"


def test_the_example_file_lists_every_key_with_its_default(tmp_path):
    values, _ = config_file.read(EXAMPLE)
    assert set(values) == set(config_file.KEYS_BY_PATH)
    plain = settings_with(tmp_path, None)
    from_example = settings_with(tmp_path, EXAMPLE.read_text())
    assert from_example == plain
    # Each key with a variable names it in the line above, so the file documents them.
    text = EXAMPLE.read_text()
    for key in config_file.KEYS:
        if key.variable:
            assert f"[{key.variable}]" in text, key.variable


def test_every_isoko_variable_is_documented_in_the_example_file():
    import re

    used = set()
    for place in [*(REPO / "widgets" / "isoko").rglob("*.py"), REPO / "Makefile"]:
        used |= set(re.findall(r"ISOKO_[A-Z_]+[A-Z]", place.read_text()))
    assert "ISOKO_PORT" in used and "ISOKO_ENV" in used
    assert sorted(name for name in used if name not in EXAMPLE.read_text()) == []


def test_a_variable_wins_over_the_file_and_says_so(tmp_path):
    text = "network:\n  port: 8300\nlearners:\n  kernels: 2\n"
    s = settings_with(tmp_path / "state", text, ISOKO_PORT="8400")
    assert s.port == 8400 and s.origin("network.port") == "ISOKO_PORT"
    assert s.learner_kernels == 2 and s.origin("learners.kernels") == "isoko.yaml line 4"
    assert s.origin("password.min_length") == "default"
    # The hub process rebuilds the same settings from the variables and the file.
    again = Settings.from_environ(environ=s.to_environ(), as_root=True)
    assert again == s


def test_a_file_value_survives_the_trip_to_the_hub_process(tmp_path):
    s = settings_with(tmp_path / "state", "https:\n  behind_proxy: true\n", as_root=False)
    assert s.served_over_https
    # "0" from the command line must not let the file's true back in the hub process.
    off = settings_with(tmp_path / "state", None, as_root=False, ISOKO_BEHIND_HTTPS_PROXY="0")
    assert not off.served_over_https
    assert not Settings.from_environ(environ=off.to_environ(), as_root=False).served_over_https


def test_relative_paths_in_the_file_are_taken_from_the_state_directory(tmp_path):
    s = settings_with(tmp_path / "state", "accounts:\n  system_dir: shared\n")
    assert s.system_dir == tmp_path / "state" / "shared"


def test_a_section_with_every_key_commented_out_keeps_the_defaults(tmp_path):
    s = settings_with(tmp_path / "state", "password:\n  # min_length: 12\n")
    assert s.password_min_length == 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # wrong type
        (
            "network:\n  port: 8000\npassword:\n  min_length: six\n",
            'line 4: password.min_length: expected an integer from 8 to 128, got "six"',
        ),
        # out of range
        (
            "\nidle:\n  timeout: 30\n",
            "line 3: idle.timeout: expected an integer from 60 to 604800, got 30",
        ),
        # unknown key: the message lists the keys there are
        (
            "password:\n  min_lenght: 10\n",
            "line 2: password.min_lenght: unknown key; the keys of password are min_length, "
            "reject_common, failed_logins_before_wait, wait_seconds",
        ),
        (
            "pasword:\n  min_length: 10\n",
            "line 1: pasword: unknown key; the keys at the top are network, https, accounts",
        ),
        # not YAML: the parser's line
        ("network:\n  port: 8000\n  ip: [127.0.0.1\n", "line 4: not YAML"),
        ("network:\n\tport: 8000\n", "line 2: not YAML"),
        # a key given twice, which YAML would silently resolve
        ("idle:\n  timeout: 600\n  timeout: 900\n", "line 3: idle.timeout: given twice"),
        (
            "courses:\n  enabled: [pricing, Logistics]\n",
            'line 2: courses.enabled.1: expected a course slug such as pricing, got "Logistics"',
        ),
        ("- port: 8000\n", "line 1: expected a mapping of settings (key: value)"),
    ],
)
def test_a_bad_file_names_the_file_the_line_and_the_key(tmp_path, text, message):
    with pytest.raises(ConfigFileError) as caught:
        settings_with(tmp_path, text)
    assert str(caught.value).startswith(f"{tmp_path / 'isoko.yaml'} {message}"), str(caught.value)


def test_every_problem_of_a_file_is_listed_in_line_order(tmp_path):
    text = "learners:\n  nice: 40\nnetwork:\n  port: 0\n"
    with pytest.raises(ConfigFileError) as caught:
        settings_with(tmp_path, text)
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["learners.nice", "network.port"]
    assert "line 2" in lines[0] and "line 4" in lines[1]


def test_a_course_that_does_not_exist_is_named_with_its_line(tmp_path):
    s = settings_with(tmp_path, "courses:\n  enabled:\n    - pricing\n    - pricng\n")
    with pytest.raises(ConfigFileError) as caught:
        s.select_courses(COURSES)
    assert str(caught.value).startswith(
        f"{tmp_path / 'isoko.yaml'} line 2: courses.enabled: no course 'pricng'"
    )
    assert "pricing" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ISOKO_PORT", "eighty", "an integer from 1 to 65535"),
        ("ISOKO_LEARNER_NICE", "20", "an integer from 0 to 19"),
        ("ISOKO_PUBLIC_URL", "isoko.example.org", "a URL"),
        ("ISOKO_UNIX_PREFIX", "Shop", "lower-case letters"),
    ],
)
def test_a_bad_variable_names_itself_and_what_was_expected(tmp_path, name, value, expected):
    with pytest.raises(ConfigFileError, match=rf"^{name}: expected .*{expected}.*, got '{value}'"):
        settings_with(tmp_path, None, **{name: value})
