"""The operator's config file, ``isoko.yaml`` in the state directory, and its overrides.

What an operator changes (ports, the public URL, timeouts, password rules, idle limits,
the courses served, each learner's share of the machine) is written in ``isoko.yaml``
and merged over the defaults of ``isoko.platform.settings.Settings``; an ``ISOKO_*``
variable, where a key has one, wins over the file. The file is checked against the
JSON schema shipped beside this module (``isoko.schema.json``, no unknown keys), and
every problem is reported with the file, the line, the key as a dotted path and what
was expected, so a typo stops ``isoko hub`` before anything starts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from jsonschema import ValidationError

FILE_NAME = "isoko.yaml"
SCHEMA_FILE = Path(__file__).with_name("isoko.schema.json")


class ConfigFileError(ValueError):
    """``isoko.yaml`` or an ``ISOKO_*`` variable cannot be used; the message says where."""


@dataclass(frozen=True)
class Key:
    """One setting: its dotted path in the file, its field of ``Settings``, its variable."""

    dotted: str
    field: str
    variable: str | None = None
    #: A path: relative ones in the file are taken from the state directory.
    is_path: bool = False


KEYS = (
    Key("network.ip", "ip", "ISOKO_IP"),
    Key("network.port", "port", "ISOKO_PORT"),
    Key("network.public_url", "public_url", "ISOKO_PUBLIC_URL"),
    Key("network.hub_port", "hub_port", "ISOKO_HUB_PORT"),
    Key("network.proxy_api_port", "proxy_api_port", "ISOKO_PROXY_API_PORT"),
    Key("network.service_port_base", "service_port_base", "ISOKO_SERVICE_PORT_BASE"),
    Key("https.ssl_cert", "ssl_cert", "ISOKO_SSL_CERT", is_path=True),
    Key("https.ssl_key", "ssl_key", "ISOKO_SSL_KEY", is_path=True),
    Key("https.behind_proxy", "behind_https_proxy", "ISOKO_BEHIND_HTTPS_PROXY"),
    Key("accounts.system_dir", "system_dir", "ISOKO_SYSTEM_DIR", is_path=True),
    Key("accounts.unix_prefix", "unix_prefix", "ISOKO_UNIX_PREFIX"),
    Key("timeouts.server_start", "server_start_timeout"),
    Key("timeouts.server_http", "server_http_timeout"),
    Key("timeouts.content_copy", "content_copy_timeout"),
    Key("password.min_length", "password_min_length"),
    Key("password.reject_common", "password_reject_common"),
    Key("password.failed_logins_before_wait", "failed_logins_before_wait"),
    Key("password.wait_seconds", "login_wait_seconds"),
    Key("idle.timeout", "idle_timeout"),
    Key("idle.max_age", "idle_max_age"),
    Key("courses.enabled", "courses_enabled"),
    Key("learners.memory_mb", "learner_memory_mb", "ISOKO_LEARNER_MEMORY_MB"),
    Key(
        "learners.process_memory_mb", "learner_process_memory_mb", "ISOKO_LEARNER_PROCESS_MEMORY_MB"
    ),
    Key("learners.processes", "learner_processes", "ISOKO_LEARNER_PROCESSES"),
    Key("learners.kernels", "learner_kernels", "ISOKO_LEARNER_KERNELS"),
    Key("learners.nice", "learner_nice", "ISOKO_LEARNER_NICE"),
    Key("deployment.mode", "deployment", "ISOKO_DEPLOYMENT"),
    Key("deployment.learner_image", "learner_image", "ISOKO_LEARNER_IMAGE"),
    Key("deployment.docker_network", "docker_network", "ISOKO_DOCKER_NETWORK"),
    Key("database.hub_url", "hub_db_url", "ISOKO_DB_URL"),
    Key("database.gradebook_url", "gradebook_db_url", "ISOKO_GRADEBOOK_DB_URL"),
    Key("gallery.enabled", "gallery_enabled", "ISOKO_GALLERY"),
    Key("gallery.port", "gallery_port", "ISOKO_GALLERY_PORT"),
    Key("gallery.preheated_per_app", "gallery_preheated_per_app", "ISOKO_GALLERY_PREHEATED"),
    Key("gallery.max_kernels", "gallery_max_kernels", "ISOKO_GALLERY_MAX_KERNELS"),
)
KEYS_BY_PATH = {key.dotted: key for key in KEYS}

#: Where a value came from, when it is neither in the file nor in a variable.
DEFAULT = "default"


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def key_schema(dotted: str) -> dict:
    section, name = dotted.split(".")
    return schema()["properties"][section]["properties"][name]


# --- reading the file ---------------------------------------------------------------


def _not_yaml(path: Path, err: yaml.YAMLError) -> ConfigFileError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(err, "problem", None) or str(err)
    return ConfigFileError(f"{path} line {line}: not YAML: {problem}")


def _lines(node: yaml.Node, path: tuple = (), found: dict | None = None) -> dict[tuple, tuple]:
    """``{(section, key, ...): (line of the key, line of the value)}``, lines from 1."""
    found = {} if found is None else found
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            where = (*path, str(key_node.value))
            found.setdefault(where, (key_node.start_mark.line + 1, value_node.start_mark.line + 1))
            _lines(value_node, where, found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found[(*path, str(index))] = (item.start_mark.line + 1,) * 2
            _lines(item, (*path, str(index)), found)
    return found


def _twice(node: yaml.Node, path: tuple = ()) -> list[tuple[int, str]]:
    """Keys given twice in one section: YAML keeps the last silently, hiding a mistake."""
    problems = []
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            where = (*path, str(key_node.value))
            if key_node.value in seen:
                problems.append((key_node.start_mark.line + 1, f"{dotted(where)}: given twice"))
            seen.add(key_node.value)
            problems += _twice(value_node, where)
    return problems


def dotted(path) -> str:
    return ".".join(str(part) for part in path)


def shown(value: object) -> str:
    """A value as the operator wrote it, near enough: ``"six"``, ``8``, ``true``, ``null``."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def expected(sub: dict) -> str:
    """What a part of the schema accepts, in words."""
    if "expected" in sub:
        return sub["expected"]
    kind = sub.get("type")
    if kind == "integer":
        low, high = sub.get("minimum"), sub.get("maximum")
        if low is not None and high is not None:
            return f"an integer from {low} to {high}"
        if low is not None:
            return f"an integer of at least {low}"
        return "an integer"
    if kind == "boolean":
        return "true or false"
    if kind == "object":
        return f"a section with the keys {', '.join(sub.get('properties', {}))}"
    if kind == "string":
        return "a string"
    return json.dumps(sub)


def _problem(err: ValidationError, lines: dict[tuple, tuple]) -> list[tuple[int, str]]:
    path = tuple(str(part) for part in err.absolute_path)
    if err.validator == "additionalProperties":
        known = list(err.schema.get("properties", {}))
        section = f"of {dotted(path)}" if path else "at the top"
        return [
            (
                lines.get((*path, str(name)), (1, 1))[0],
                f"{dotted((*path, name))}: unknown key; the keys {section} are {', '.join(known)}",
            )
            for name in err.instance
            if name not in known
        ]
    line = lines.get(path, (1, 1))[1]
    if not path:
        return [(line, f"expected a mapping of settings (key: value), got {shown(err.instance)}")]
    return [(line, f"{dotted(path)}: expected {expected(err.schema)}, got {shown(err.instance)}")]


def read(path: Path) -> tuple[dict[str, object], dict[str, int]]:
    """What ``path`` sets, as ``{dotted key: value}``, and the line of each key.

    Raises ``ConfigFileError`` listing every problem, each as
    ``<file> line <n>: <dotted key>: expected <what>, got <value>``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ConfigFileError(f"{path}: not UTF-8 text ({err.reason})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise _not_yaml(path, err) from None
    if node is None:
        return {}, {}  # an empty file, or comments only: every default
    # Imported here: it takes a second, and servers that import settings never read the file.
    from jsonschema import Draft202012Validator

    if isinstance(data, dict):
        # A section whose keys are all commented out holds nothing, not a mistake.
        data = {name: {} if entries is None else entries for name, entries in data.items()}
    lines = _lines(node)
    problems = _twice(node)
    for err in Draft202012Validator(schema()).iter_errors(data):
        problems += _problem(err, lines)
    if problems:
        raise ConfigFileError("\n".join(f"{path} line {n}: {what}" for n, what in sorted(problems)))
    values = {
        f"{section}.{name}": value
        for section, entries in data.items()
        for name, value in entries.items()
    }
    return values, {key: lines[tuple(key.split("."))][0] for key in values}


# --- the ISOKO_* variables --------------------------------------------------------------


def _parsed(key: Key, text: str) -> object:
    from jsonschema import Draft202012Validator

    sub = key_schema(key.dotted)
    kinds = sub["type"] if isinstance(sub["type"], list) else [sub["type"]]
    value: object = text
    if "integer" in kinds:
        try:
            value = int(text)
        except ValueError:
            value = text  # the schema says what was expected
    elif "boolean" in kinds:
        words = {"0": False, "no": False, "false": False, "1": True, "yes": True, "true": True}
        value = words.get(text.strip().lower(), text)
    for err in Draft202012Validator(sub).iter_errors(value):
        raise ConfigFileError(f"{key.variable}: expected {expected(err.schema)}, got {text!r}")
    return value


def resolve(
    state_dir: Path, environ: Mapping[str, str]
) -> tuple[dict[str, object], dict[str, str]]:
    """The values set by ``isoko.yaml`` then the variables, and where each came from.

    Returns ``({dotted key: value}, {dotted key: origin})``: an origin is
    ``"isoko.yaml line <n>"`` or the variable's name. Keys set by neither are absent.
    An empty variable counts as not set.
    """
    path = state_dir / FILE_NAME
    values, lines = read(path) if path.is_file() else ({}, {})
    for key in KEYS:
        if key.is_path and values.get(key.dotted) is not None:
            values[key.dotted] = state_dir / str(values[key.dotted])
    origins = {dotted_key: f"{FILE_NAME} line {line}" for dotted_key, line in lines.items()}
    for key in KEYS:
        text = environ.get(key.variable or "")
        if key.variable and text:
            values[key.dotted] = Path(text) if key.is_path else _parsed(key, text)
            origins[key.dotted] = key.variable
    return values, origins
