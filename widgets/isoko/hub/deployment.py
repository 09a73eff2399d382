"""One hub configuration, three places: one machine, Docker Compose, Kubernetes.

``deployment.mode`` (``ISOKO_DEPLOYMENT``) says where the hub runs, and the functions
here set what differs: the spawner, where learners' files live, how formgraders are
reached, and what the surrounding tool (the Zero to JupyterHub chart) already owns.
Everything else (authentication, services, groups, roles) is the same in every mode.

=============  ==================================  =========================================
mode           learner servers                     the hub
=============  ==================================  =========================================
local          one Unix account each (as root),    ``isoko hub`` on the machine: its own
               ``isoko.hub.spawner``               proxy; the database of ``database.*``
compose        a container each (DockerSpawner),   a container with its proxy; learners
               image ``ISOKO_LEARNER_IMAGE`` on    reach its API at ``hub:8081``;
               network ``ISOKO_DOCKER_NETWORK``    Postgres (``database.*``)
kubernetes     a pod each (KubeSpawner), storage,  inside the Zero to JupyterHub chart
               limits and guarantees below         (``hub_config/z2jh-values.yaml``), which
                                                   owns the proxy, network and database
=============  ==================================  =========================================

Paths inside containers are the images' (``docker/``): homes at ``/home/jovyan`` (the
Docker Stacks user, uid 1000), course content at ``/srv/isoko/courses``, the exchange
at ``/srv/isoko/exchange``. In containers every learner runs as that same uid, so the
exchange cannot tell learners apart by file owner as it does on one machine: each
learner's server mounts only its own submission and feedback folders
(:func:`learner_mounts`, ``isoko.courses.exchange_volume``). DockerSpawner and
KubeSpawner are named as strings and imported only by a hub that uses them (the
``deploy`` extra).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config

from isoko.courses.catalog import Course

LOCAL, COMPOSE, KUBERNETES = "local", "compose", "kubernetes"
MODES = (LOCAL, COMPOSE, KUBERNETES)

#: The Docker Stacks user every learner container runs as, and its group.
LEARNER_UID, LEARNER_GID = 1000, 100
HOME = "/home/jovyan"
COURSES_DIR = "/srv/isoko/courses"
EXCHANGE_DIR = "/srv/isoko/exchange"
#: The learner image's own server command (``isoko.hub.singleuser``) after the copy of
#: course content into the home, which the local spawner does from the hub instead.
CONTAINER_SERVER_COMMAND = ["python", "-m", "isoko.hub.container_start"]
#: The hub's name on the learners' network: the compose service, the chart's Service.
HUB_HOST = "hub"
#: The port each formgrader listens on in its own container or pod (the grader image).
GRADER_PORT = 8888

#: Named volumes of the compose file (``docker/compose.yaml``, project ``isoko``).
COMPOSE_EXCHANGE_VOLUME = "isoko_exchange"
COMPOSE_COURSES_VOLUME = "isoko_courses"
COMPOSE_HOME_VOLUME = "isoko-home-{username}"

#: Kubernetes: the ReadWriteMany claim holding ``exchange/`` and ``courses/`` (made by
#: the operator, ``hub_config/z2jh-values.yaml``), and each learner's own home claim.
KUBE_SHARED_CLAIM = "isoko-shared"
KUBE_HOME_CLAIM = "claim-{username}"
KUBE_HOME_CAPACITY = "2Gi"

#: What one learner's server was measured to use, as RSS since pods share no pages: a
#: started and a visited server from ``make bench-class`` (README, "A nine o'clock
#: start"); a kernel that has run a simulator's app notebook (the stock and reorder
#: app, the largest of two measured; price and profit: 76 MiB) on the same machine.
IDLE_SERVER_MIB = 96
VISITED_SERVER_MIB = 122
SIMULATOR_KERNEL_MIB = 82
#: Guaranteed to each pod: a visited server with one simulator open, rounded up. The
#: limit is ``learners.memory_mb``: room for the few kernels ``learners.kernels`` allows.
LEARNER_MEM_GUARANTEE_MIB = 256
#: A learner mostly reads and moves a slider: a twentieth of a core each is guaranteed,
#: a whole core at most (a Monte Carlo or a pandas cell), so one learner cannot take a node.
LEARNER_CPU_GUARANTEE = 0.05
LEARNER_CPU_LIMIT = 1.0

MIB = 2**20


def mode_of(environ: Mapping[str, str] | None = None) -> str:
    """The deployment mode a process was started in (grader and learner containers)."""
    env = os.environ if environ is None else environ
    return env.get("ISOKO_DEPLOYMENT") or LOCAL


# --- what a learner's server mounts in containers ----------------------------------------


@dataclass(frozen=True)
class Mount:
    """A folder of a shared volume seen by a learner's server.

    ``subpath`` is inside the volume and may hold ``{username}``, the hub user's name
    (safe as a path: ``config.USERNAME_PATTERN``).
    """

    volume: str
    subpath: str
    target: str
    read_only: bool


def learner_mounts(courses: list[Course]) -> list[Mount]:
    """The course content, read-only, and for each course the three exchange folders a
    learner's nbgrader uses, each cut to what is that learner's.

    * ``outbound/`` (released assignments): read-only; the same for every learner.
    * ``inbound/<name>/`` as ``inbound/``: where their submissions go. Whatever name a
      learner writes on a submission, it lands in their own folder, and collect takes
      the student from the folder (``isoko.courses.exchange_volume``).
    * ``feedback/<name>/`` as ``feedback/``: read-only; only their own feedback.
    """
    mounts = [Mount("courses", "", COURSES_DIR, True)]
    for course in courses:
        base = course.slug
        at = f"{EXCHANGE_DIR}/{course.slug}"
        mounts += [
            Mount("exchange", f"{base}/outbound", f"{at}/outbound", True),
            Mount("exchange", f"{base}/inbound/{{username}}", f"{at}/inbound", False),
            Mount("exchange", f"{base}/feedback/{{username}}", f"{at}/feedback", True),
        ]
    return mounts


def learner_folders(courses: list[Course], username: str) -> list[str]:
    """The exchange folders of one learner, relative to the exchange, made before a start.

    Docker refuses a subpath that does not exist, and Kubernetes would make it as root,
    where the learner could not write.
    """
    return [
        mount.subpath.format(username=username)
        for mount in learner_mounts(courses)
        if mount.volume == "exchange"
    ]


def make_learner_folders(exchange: Path, courses: list[Course], username: str) -> None:
    """Make ``learner_folders`` under ``exchange`` (the hub's view of the volume)."""
    for folder in learner_folders(courses, username):
        (exchange / folder).mkdir(mode=0o755, parents=True, exist_ok=True)


def exchange_pre_spawn_hook(exchange: Path, courses: list[Course]):
    """A ``Spawner.pre_spawn_hook`` that makes the learner's exchange folders."""

    def hook(spawner) -> None:
        make_learner_folders(exchange, courses, spawner.user.name)

    return hook


def docker_mounts(courses: list[Course]) -> list[dict]:
    """``DockerSpawner.mounts`` (``docker.types.Mount`` arguments; subpaths need Docker 26)."""
    volumes = {"courses": COMPOSE_COURSES_VOLUME, "exchange": COMPOSE_EXCHANGE_VOLUME}
    mounts = []
    for mount in learner_mounts(courses):
        spec = {
            "type": "volume",
            "source": volumes[mount.volume],
            "target": mount.target,
            "read_only": mount.read_only,
        }
        if mount.subpath:
            spec["subpath"] = mount.subpath
        mounts.append(spec)
    return mounts


def kube_volume_mounts(courses: list[Course]) -> list[dict]:
    """``KubeSpawner.volume_mounts`` of the shared claim (``{unescaped_username}``: the
    hub name as it is, which KubeSpawner's ``{username}`` would turn into a slug)."""
    volumes = {"courses": "courses", "exchange": "exchange"}
    return [
        {
            "name": KUBE_SHARED_CLAIM,
            "mountPath": mount.target,
            "subPath": "/".join(
                part for part in (volumes[mount.volume], _kube_template(mount.subpath)) if part
            ),
            "readOnly": mount.read_only,
        }
        for mount in learner_mounts(courses)
    ]


def _kube_template(subpath: str) -> str:
    return subpath.replace("{username}", "{unescaped_username}")


def render(template: str, username: str) -> str:
    """A mount's path for one learner, as KubeSpawner and DockerSpawner expand it."""
    return template.replace("{unescaped_username}", username).replace("{username}", username)


# --- the spawner of each container mode ------------------------------------------------


def _set_limits(spawner: Config, s) -> None:
    # 0 in isoko.yaml means no limit, which the container spawners write as None.
    spawner.mem_limit = s.learner_memory_mb * MIB or None
    spawner.cpu_limit = LEARNER_CPU_LIMIT


def update_compose_spawner(c: Config, s, courses: list[Course]) -> None:
    """One container per learner from the learner image, on the compose network."""
    c.JupyterHub.spawner_class = "isoko.hub.docker_spawner.IsokoDockerSpawner"
    docker = c.DockerSpawner
    docker.image = s.learner_image
    docker.network_name = s.docker_network
    # Learners' containers reach the hub, and the proxy them, by their address on it.
    docker.use_internal_ip = True
    # A stopped server's container goes; its home volume, and so the learner's work, stays.
    docker.remove = True
    docker.volumes = {COMPOSE_HOME_VOLUME: HOME}
    docker.mounts = docker_mounts(courses)
    docker.notebook_dir = HOME
    # Never root, whatever the image says: the Docker Stacks user.
    docker.extra_create_kwargs = {"user": f"{LEARNER_UID}:{LEARNER_GID}"}
    # Processes and threads of the whole container, as RLIMIT_NPROC does for an account.
    docker.extra_host_config = {"pids_limit": s.learner_processes or -1}
    _set_limits(docker, s)
    c.Spawner.pre_spawn_hook = exchange_pre_spawn_hook(s.exchange_dir, courses)


def update_kubernetes_spawner(c: Config, s, courses: list[Course]) -> None:
    """One pod per learner: its own home claim, the shared claim cut per learner, limits."""
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    kube = c.KubeSpawner
    kube.image = s.learner_image
    kube.uid = LEARNER_UID
    kube.fs_gid = LEARNER_GID
    kube.allow_privilege_escalation = False
    # Per-user storage: the chart's dynamic home claim (singleuser.storage), kept here too
    # so the configuration is whole without the chart; the values file says the same.
    kube.storage_pvc_ensure = True
    kube.pvc_name_template = KUBE_HOME_CLAIM
    kube.storage_capacity = KUBE_HOME_CAPACITY
    kube.storage_access_modes = ["ReadWriteOnce"]
    kube.volumes = [
        {"name": "home", "persistentVolumeClaim": {"claimName": KUBE_HOME_CLAIM}},
        {"name": KUBE_SHARED_CLAIM, "persistentVolumeClaim": {"claimName": KUBE_SHARED_CLAIM}},
    ]
    kube.volume_mounts = [
        {"name": "home", "mountPath": HOME},
        *kube_volume_mounts(courses),
    ]
    _set_limits(kube, s)
    kube.mem_guarantee = LEARNER_MEM_GUARANTEE_MIB * MIB
    kube.cpu_guarantee = LEARNER_CPU_GUARANTEE
    c.Spawner.pre_spawn_hook = exchange_pre_spawn_hook(s.exchange_dir, courses)


def update_container_server(c: Config, s) -> None:
    """What every learner container runs: the image's environment, content copied first."""
    c.Spawner.cmd = CONTAINER_SERVER_COMMAND
    c.Spawner.notebook_dir = HOME
    # The learner image sets PATH and JUPYTER_CONFIG_PATH (its own learner config).
    c.Spawner.environment = {"LANG": "C.UTF-8", "ISOKO_DEPLOYMENT": s.deployment}
    # The image's configuration was written when it was built: the operator's kernel cap
    # (learners.kernels) reaches the server on its command line.
    c.Spawner.args = [f"--CappedKernelManager.max_kernels={s.learner_kernels}"]


# --- the hub's own place ----------------------------------------------------------------


def update_compose_network(c: Config) -> None:
    """The hub container: the proxy on every interface of the container (compose
    publishes it on the host's loopback), the API reachable by learner containers."""
    c.JupyterHub.ip = "0.0.0.0"
    c.JupyterHub.hub_ip = "0.0.0.0"
    c.JupyterHub.hub_connect_ip = HUB_HOST


# --- formgraders in their own containers ------------------------------------------------


def grader_token_variable(course: str) -> str:
    """The variable holding a course's formgrader token: ``ISOKO_GRADER_TOKEN_PRICING``."""
    return "ISOKO_GRADER_TOKEN_" + course.upper().replace("-", "_")


def grader_host(course: str) -> str:
    """The formgrader's name on the network: the compose service, the Kubernetes Service."""
    return f"grader-{course}"


def external_grader_service(course: Course, environ: Mapping[str, str]) -> dict:
    """A course's formgrader as an external service: its own container or pod (the grader
    image), which the hub does not start, with a token the operator made."""
    variable = grader_token_variable(course.slug)
    token = environ.get(variable)
    if not token:
        raise ValueError(
            f"{variable} is not set: the {course.slug} formgrader's hub token "
            "(the env file of compose, the isoko-graders Secret on Kubernetes)"
        )
    return {
        "name": course.slug,
        "display": True,
        "info": {"title": f"Formgrader: {course.title}"},
        "url": f"http://{grader_host(course.slug)}:{GRADER_PORT}",
        "api_token": token,
        "oauth_no_confirm": True,
    }
