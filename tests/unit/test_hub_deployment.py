"""One configuration, three places: what the hub configuration sets in each deployment mode,
on a bare traitlets Config."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config

from isoko.courses.catalog import load_courses
from isoko.hub import config as hubconfig
from isoko.hub import deployment
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COURSES = load_courses(REPO / "courses")
IMAGE = "registry.example.org/isoko-learner:2026.12.1"
TOKENS = {deployment.grader_token_variable(course.slug): f"t-{course.slug}" for course in COURSES}


def settings(tmp_path: Path, mode: str, **env) -> Settings:
    environ = {"ISOKO_STATE_DIR": str(tmp_path / "state"), "ISOKO_DEPLOYMENT": mode, **env}
    if mode != "local":
        environ.setdefault("ISOKO_LEARNER_IMAGE", IMAGE)
        environ.setdefault("ISOKO_SYSTEM_DIR", "/srv/isoko")
    return Settings.from_environ(checkout=REPO, environ=environ, as_root=mode == "local")


def hub(s: Settings, environ: dict | None = None) -> Config:
    """Everything ``configure`` sets that depends on the mode, without prepared secrets."""
    c = Config()
    hubconfig.update_network(c, s)
    hubconfig.update_state(c, s, None if s.deployment == "kubernetes" else "proxy-token")
    hubconfig.update_spawner(c, s, COURSES)
    hubconfig.update_services(c, s, COURSES, "roster-token", TOKENS if environ is None else environ)
    hubconfig.update_roles(c, COURSES)
    return c


def services(c: Config) -> dict:
    return {service["name"]: service for service in c.JupyterHub.services}


def test_local_is_one_unix_account_per_learner_and_sqlite_in_the_state(tmp_path):
    s = settings(tmp_path, "local")
    c = hub(s)
    assert c.JupyterHub.spawner_class == "isoko.hub.spawner.IsokoUnixSpawner"
    assert c.JupyterHub.db_url == f"sqlite:///{tmp_path / 'state' / 'jupyterhub.sqlite'}"
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.cleanup_servers is True
    pricing = services(c)["pricing"]
    # The hub starts the formgrader itself, as the course's grader account.
    assert pricing["url"].startswith("http://127.0.0.1:")
    assert pricing["user"] == "isoko-grader-pricing"
    assert "DockerSpawner" not in c and "KubeSpawner" not in c


def test_compose_starts_a_learner_container_from_the_pinned_image_on_the_network(tmp_path):
    s = settings(tmp_path, "compose", ISOKO_DOCKER_NETWORK="classroom", ISOKO_LEARNER_KERNELS="2")
    c = hub(s)
    assert c.JupyterHub.spawner_class == "isoko.hub.docker_spawner.IsokoDockerSpawner"
    docker = c.DockerSpawner
    assert docker.image == IMAGE and docker.network_name == "classroom"
    # A home volume of its own per learner, on the Docker Stacks user's home.
    assert docker.volumes == {"isoko-home-{username}": "/home/jovyan"}
    assert docker.extra_create_kwargs == {"user": "1000:100"}
    mounts = {mount["target"]: mount for mount in docker.mounts}
    assert mounts["/srv/isoko/courses"] == {
        "type": "volume",
        "source": "isoko_courses",
        "target": "/srv/isoko/courses",
        "read_only": True,
    }
    inbound = mounts["/srv/isoko/exchange/pricing/inbound"]
    assert inbound["source"] == "isoko_exchange"
    assert inbound["subpath"] == "pricing/inbound/{username}" and not inbound["read_only"]
    # learners.* sizes each container as it sizes each Unix account.
    assert docker.mem_limit == s.learner_memory_mb * 2**20
    assert docker.extra_host_config == {"pids_limit": s.learner_processes}
    # The hub's API is reachable by learner containers; the proxy is the hub's own.
    assert c.JupyterHub.hub_ip == "0.0.0.0" and c.JupyterHub.hub_connect_ip == "hub"
    assert c.JupyterHub.db_url == s.db_url
    assert c.ConfigurableHTTPProxy.auth_token == "proxy-token"
    assert c.Spawner.cmd == ["python", "-m", "isoko.hub.container_start"]
    # The image was built with the default cap; the operator's reaches the server.
    assert c.Spawner.args == [f"--CappedKernelManager.max_kernels={s.learner_kernels}"]
    assert c.Spawner.default_url == "/learn"


def test_kubernetes_starts_a_pod_with_its_own_storage_and_measured_resources(tmp_path):
    s = settings(tmp_path, "kubernetes")
    c = hub(s)
    assert c.JupyterHub.spawner_class == "kubespawner.KubeSpawner"
    kube = c.KubeSpawner
    assert kube.image == IMAGE and kube.uid == 1000 and kube.fs_gid == 100
    assert kube.allow_privilege_escalation is False
    assert kube.storage_pvc_ensure is True and kube.pvc_name_template == "claim-{username}"
    assert {"name": "home", "mountPath": "/home/jovyan"} in kube.volume_mounts
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in kube.volumes}
    assert claims == {"home": "claim-{username}", "isoko-shared": "isoko-shared"}
    # Guaranteed: a visited server (122 MiB) with one simulator kernel (82 MiB) open.
    assert kube.mem_guarantee == 256 * 2**20
    footprint = deployment.VISITED_SERVER_MIB + deployment.SIMULATOR_KERNEL_MIB
    assert kube.mem_guarantee >= footprint * 2**20
    assert kube.mem_limit == s.learner_memory_mb * 2**20
    assert kube.cpu_guarantee == 0.05 and kube.cpu_limit == 1.0


def test_kubernetes_leaves_database_proxy_and_network_to_the_chart(tmp_path):
    c = hub(settings(tmp_path, "kubernetes"))
    for name in ("db_url", "cookie_secret_file", "ip", "port", "hub_ip", "pid_file"):
        assert name not in c.JupyterHub, name
    assert "ConfigurableHTTPProxy" not in c
    # A hub pod that restarts keeps learners' pods running, as the chart does.
    assert c.JupyterHub.cleanup_servers is False


@pytest.mark.parametrize("mode", ["compose", "kubernetes"])
def test_in_containers_each_formgrader_is_its_own_registered_service(tmp_path, mode):
    c = hub(settings(tmp_path, mode))
    pricing = services(c)["pricing"]
    assert pricing["url"] == "http://grader-pricing:8888"
    assert pricing["api_token"] == "t-pricing"
    assert "command" not in pricing and "user" not in pricing
    assert services(c)["selling-online"]["api_token"] == "t-selling-online"


def test_a_missing_formgrader_token_names_its_variable(tmp_path):
    with pytest.raises(ValueError, match="ISOKO_GRADER_TOKEN_SELLING_ONLINE is not set"):
        hub(settings(tmp_path, "compose"), {**TOKENS, "ISOKO_GRADER_TOKEN_SELLING_ONLINE": ""})


def test_containers_need_the_learner_image(tmp_path):
    with pytest.raises(ValueError, match="ISOKO_LEARNER_IMAGE"):
        settings(tmp_path, "kubernetes", ISOKO_LEARNER_IMAGE="")


def test_the_same_services_and_roles_in_every_mode(tmp_path):
    built = {mode: hub(settings(tmp_path, mode)) for mode in deployment.MODES}
    # The public gallery runs beside the hub on one machine only, for now.
    assert "gallery" in services(built["local"])
    assert "gallery" not in services(built["compose"]) | services(built["kubernetes"])
    names = {mode: sorted(set(services(c)) - {"gallery"}) for mode, c in built.items()}
    assert names["local"] == names["compose"] == names["kubernetes"]
    assert "idle-culler" in names["kubernetes"] and "roster" in names["kubernetes"]
    roles = {mode: c.JupyterHub.load_roles for mode, c in built.items()}
    assert roles["local"] == roles["compose"] == roles["kubernetes"]
    for mode, c in built.items():
        for role in c.JupyterHub.load_roles:
            assert set(role.get("services", [])) <= set(services(c)), (mode, role["name"])
