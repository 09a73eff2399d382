"""The Zero to JupyterHub values (hub_config/z2jh-values.yaml) and what they need beside
the chart (hub_config/k8s-isoko.yaml): valid for the chart's schema, pinned, loading the
repository's own hub configuration, and saying what the kubernetes mode expects."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator
from jupyterhub.traitlets import ByteSpecification
from traitlets.config import Config

from isoko.courses.catalog import load_courses
from isoko.hub import config as hubconfig
from isoko.hub import deployment
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]
VALUES_FILE = REPO / "hub_config" / "z2jh-values.yaml"
MANIFEST_FILE = REPO / "hub_config" / "k8s-isoko.yaml"
SCHEMA_COPY = REPO / "tests" / "fixtures" / "schemas" / "z2jh"
#: The shared reference data beside the project, when it is there (not in a fresh clone).
SCHEMA_SHARED = REPO.parent / "shared" / "data" / "z2jh"
COURSES = load_courses(REPO / "courses")
CONFIG_D = "/usr/local/etc/jupyterhub/jupyterhub_config.d/"


def values() -> dict:
    return yaml.safe_load(VALUES_FILE.read_text())


def manifest() -> list[dict]:
    return [doc for doc in yaml.safe_load_all(MANIFEST_FILE.read_text()) if doc]


def install_command_files() -> dict[str, Path]:
    """``--set-file hub.extraFiles.<key>.stringData=<file>`` of the documented command."""
    found = re.findall(
        r"--set-file hub\.extraFiles\.([\w-]+)\.stringData=(\S+)", VALUES_FILE.read_text()
    )
    return {key: REPO / path for key, path in found}


def as_installed() -> dict:
    """The values as the documented command hands them to the chart (files set)."""
    installed = copy.deepcopy(values())
    for key, path in install_command_files().items():
        installed["hub"]["extraFiles"][key]["stringData"] = path.read_text()
    return installed


def schema() -> dict:
    path = SCHEMA_COPY / "values.schema.yaml"
    if not path.is_file():
        pytest.fail(
            f"The chart's values schema is missing: {path} (a copy of "
            "zero-to-jupyterhub-k8s jupyterhub/values.schema.yaml with its LICENSE)"
        )
    return yaml.safe_load(path.read_text())


def test_the_schema_copy_is_there_with_its_licence_and_equals_the_shared_one():
    schema()
    assert (SCHEMA_COPY / "LICENSE").is_file(), "the schema's LICENSE must travel with it"
    if SCHEMA_SHARED.is_dir():
        for name in ("values.schema.yaml", "LICENSE"):
            assert (SCHEMA_COPY / name).read_bytes() == (SCHEMA_SHARED / name).read_bytes(), (
                f"{SCHEMA_COPY / name} differs from {SCHEMA_SHARED / name}: copy it again"
            )


def test_the_values_as_installed_are_valid_for_the_charts_schema():
    checked = copy.deepcopy(schema())
    # The chart's own values.yaml gives every top-level section; helm validates the merge,
    # so only the sections this file sets must be whole.
    checked.pop("required")
    errors = sorted(Draft7Validator(checked).iter_errors(as_installed()), key=str)
    assert errors == [], "\n".join(
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )


def test_a_mistake_in_the_values_would_be_caught():
    broken = as_installed()
    broken["hub"]["db"]["type"] = "postgresql"
    checked = {k: v for k, v in schema().items() if k != "required"}
    assert list(Draft7Validator(checked).iter_errors(broken))


def test_the_hub_loads_the_repositorys_own_configuration_through_extra_files():
    extra = values()["hub"]["extraFiles"]
    files = install_command_files()
    assert set(files) == set(extra), "each extra file is set from a file by the command"
    for key, entry in extra.items():
        assert entry["mountPath"].startswith(CONFIG_D) and entry["mountPath"].endswith(".py")
        assert files[key].is_file(), f"{files[key]} does not exist"
        # Nothing of the configuration itself is pasted into the values.
        assert set(entry) == {"mountPath"}
    assert files["isoko-config"] == REPO / "hub_config" / "jupyterhub_config.py"
    assert "configure(c)" in files["isoko-config"].read_text()


def images() -> list[str]:
    v = values()
    found = [
        f"{v[part]['image']['name']}:{v[part]['image']['tag']}" for part in ("hub", "singleuser")
    ]
    found += [container["image"] for container in v["hub"]["initContainers"]]
    for doc in manifest():
        spec = doc.get("spec", {}).get("template", {}).get("spec", {})
        found += [container["image"] for container in spec.get("containers", [])]
    return found


def test_every_image_has_a_pinned_tag():
    assert len(images()) >= 6
    for image in images():
        name, _, tag = image.rpartition(":")
        assert name and tag and tag != "latest" and "/" not in tag, image


def kubernetes_hub(v: dict) -> tuple[Settings, Config]:
    """The kubernetes-mode configuration from the hub's environment in the values."""
    env = v["hub"]["extraEnv"]
    plain = {name: value for name, value in env.items() if isinstance(value, str)}
    # Not this machine's state: an isoko.yaml there would change what is compared.
    plain["ISOKO_STATE_DIR"] = str(REPO / "tests" / "fixtures" / "no-state")
    tokens = {
        name: "token" for name, value in env.items() if name.startswith("ISOKO_GRADER_TOKEN_")
    }
    s = Settings.from_environ(checkout=REPO, environ=plain, as_root=False)
    c = Config()
    hubconfig.update_spawner(c, s, COURSES)
    hubconfig.update_services(c, s, COURSES, "roster", tokens)
    return s, c


def bytes_of(text: str) -> int:
    return ByteSpecification().validate(None, text)


def test_the_values_say_what_the_kubernetes_mode_configures():
    v = values()
    s, c = kubernetes_hub(v)
    assert s.deployment == "kubernetes"
    kube, user = c.KubeSpawner, v["singleuser"]
    assert kube.image == f"{user['image']['name']}:{user['image']['tag']}"
    assert (kube.uid, kube.fs_gid) == (user["uid"], user["fsGid"])
    assert kube.mem_limit == bytes_of(user["memory"]["limit"])
    assert kube.mem_guarantee == bytes_of(user["memory"]["guarantee"])
    assert (kube.cpu_limit, kube.cpu_guarantee) == (user["cpu"]["limit"], user["cpu"]["guarantee"])
    storage = user["storage"]
    assert storage["type"] == "dynamic"
    assert storage["capacity"] == kube.storage_capacity
    assert storage["dynamic"]["pvcNameTemplate"] == kube.pvc_name_template
    assert {
        "name": storage["dynamic"]["volumeNameTemplate"],
        "mountPath": storage["homeMountPath"],
    } in kube.volume_mounts
    assert user["cmd"] == c.Spawner.cmd and user["defaultUrl"] == c.Spawner.default_url
    # Isoko runs the idle culler and registers the services: the chart's would be more.
    assert v["cull"]["enabled"] is False
    assert "idle-culler" in {service["name"] for service in c.JupyterHub.services}
    assert not v["hub"]["services"] and not v["hub"]["loadRoles"]


def test_the_hub_database_is_postgres_with_its_password_from_a_secret():
    hub = values()["hub"]
    assert hub["db"]["type"] == "postgres"
    assert hub["db"]["url"].startswith("postgresql")
    assert ":" not in hub["db"]["url"].split("//", 1)[1].split("@")[0], "no password in the URL"
    assert "password" not in hub["db"]
    assert hub["extraEnv"]["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "isoko-postgres"
    # Isoko's own steps, in the hub and before it, use the database the hub uses.
    assert hub["extraEnv"]["ISOKO_DB_URL"] == hub["db"]["url"]
    prepare = {item["name"]: item for item in hub["initContainers"][0]["env"]}
    assert prepare["ISOKO_DB_URL"]["value"] == hub["db"]["url"]
    assert prepare["PGPASSWORD"]["valueFrom"] == hub["extraEnv"]["PGPASSWORD"]["valueFrom"]


def test_isoko_is_prepared_in_the_hubs_image_with_the_hubs_settings_and_volumes():
    hub = values()["hub"]
    prepare = hub["initContainers"][0]
    assert prepare["image"] == f"{hub['image']['name']}:{hub['image']['tag']}"
    assert prepare["command"][:3] == ["isoko", "hub", "--prepare-only"]
    env = {item["name"]: item.get("value") for item in prepare["env"]}
    for name in ("ISOKO_DEPLOYMENT", "ISOKO_LEARNER_IMAGE", "ISOKO_STATE_DIR", "ISOKO_SYSTEM_DIR"):
        assert env[name] == hub["extraEnv"][name], name
    assert prepare["volumeMounts"] == hub["extraVolumeMounts"]


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifest() if doc["kind"] == kind}


def test_each_course_has_a_formgrader_pod_where_the_hub_looks_for_it():
    v = values()
    _, c = kubernetes_hub(v)
    services = {service["name"]: service for service in c.JupyterHub.services}
    deployments, k8s_services = by_kind("Deployment"), by_kind("Service")
    for course in COURSES:
        host = deployment.grader_host(course.slug)
        assert services[course.slug]["url"] == f"http://{host}:{deployment.GRADER_PORT}"
        assert k8s_services[host]["spec"]["ports"][0]["port"] == deployment.GRADER_PORT
        pod = deployments[host]["spec"]["template"]
        container = pod["spec"]["containers"][0]
        env = {item["name"]: item for item in container["env"]}
        variable = deployment.grader_token_variable(course.slug)
        # The pod and the hub read the same key of the same Secret.
        assert (
            env["JUPYTERHUB_API_TOKEN"]["valueFrom"] == v["hub"]["extraEnv"][variable]["valueFrom"]
        )
        assert env["ISOKO_COURSE"]["value"] == course.slug
        assert env["JUPYTERHUB_SERVICE_PREFIX"]["value"] == f"/services/{course.slug}/"
        assert k8s_services[host]["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert len(deployments) == len(COURSES)


def test_the_claims_the_hub_and_learners_mount_are_made_and_shared_ones_are_rwx():
    v = values()
    _, c = kubernetes_hub(v)
    claims = by_kind("PersistentVolumeClaim")
    assert claims[deployment.KUBE_SHARED_CLAIM]["spec"]["accessModes"] == ["ReadWriteMany"]
    for volume in [*v["hub"]["extraVolumes"], *c.KubeSpawner.volumes]:
        name = volume["persistentVolumeClaim"]["claimName"]
        assert name in claims or name == deployment.KUBE_HOME_CLAIM, name
    # The hub makes each learner's exchange folders where their pods' subPaths point.
    hub_mounts = {m["mountPath"]: m.get("subPath") for m in v["hub"]["extraVolumeMounts"]}
    assert hub_mounts[deployment.EXCHANGE_DIR] == "exchange"
    for mount in c.KubeSpawner.volume_mounts:
        if mount["name"] == deployment.KUBE_SHARED_CLAIM and mount["mountPath"].startswith(
            deployment.EXCHANGE_DIR
        ):
            assert mount["subPath"].startswith("exchange/")
