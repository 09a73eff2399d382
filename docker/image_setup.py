"""Steps the Isoko images run while they are built (``docker/*/Dockerfile``).

``python image_setup.py check-requirements PYPROJECT [EXTRA ...]``
    Every requirement of ``pyproject.toml`` (its dependencies, and the named extras) is
    installed at a version its range allows. pip already resolves them so; this step
    makes a base image that brings its own, older copy of a package (Jupyter Docker
    Stacks ship JupyterLab, Notebook and JupyterHub from conda) fail the build loudly
    instead of giving learners a server the tests never saw. It also names ipywidgets
    and jupyterlab_widgets together, since they must move in lock-step.

``python image_setup.py server-configs``
    Writes the Jupyter configuration of learner servers and formgraders, exactly as
    ``make hub`` writes it at each start (``isoko.hub.server_config``), into the
    system directory of the image (``ISOKO_SYSTEM_DIR``, ``/srv/isoko``): in a
    container no hub writes beside the server, so the image carries it.

Only the standard library and what Isoko installs (``packaging``) are used.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: The widget classes (Python) and their front end (JupyterLab) must be of one release.
LOCK_STEP = ("ipywidgets", "jupyterlab_widgets")


def pyproject_requirements(pyproject: Path, extras: list[str]) -> list[Requirement]:
    """The requirements of the project's dependencies and of ``extras``."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    unknown = [extra for extra in extras if extra not in optional]
    if unknown:
        raise SystemExit(f"{pyproject}: no extra {', '.join(unknown)}")
    lines = list(project["dependencies"])
    for extra in extras:
        lines += optional[extra]
    return [Requirement(line) for line in lines]


def unmet(requirements: list[Requirement]) -> list[str]:
    """One sentence per requirement the installed packages do not meet."""
    problems = []
    for requirement in requirements:
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{requirement.name} is not installed (wanted {requirement})")
            continue
        if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name} {version} is installed, wanted {requirement}")
    names = {canonicalize_name(r.name) for r in requirements}
    unpinned = [n for n in LOCK_STEP if canonicalize_name(n) not in names]
    if unpinned:
        problems.append(
            f"{' and '.join(LOCK_STEP)} must both be pinned (missing: {', '.join(unpinned)})"
        )
    return problems


def check_requirements(argv: list[str]) -> int:
    if not argv:
        print("usage: image_setup.py check-requirements PYPROJECT [EXTRA ...]", file=sys.stderr)
        return 2
    requirements = pyproject_requirements(Path(argv[0]), argv[1:])
    problems = unmet(requirements)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{len(requirements)} requirements of {argv[0]} met")
    return 0


def server_configs() -> int:
    from isoko.hub.server_config import write_server_configs
    from isoko.platform.settings import Settings

    # Not as root: in a container every learner is the image's one user (jovyan), so
    # there are no per-learner Unix accounts for collect to check, and graded code
    # runs in bubblewrap as the grader's own user (isoko.grading.sandbox).
    settings = Settings.from_environ(as_root=False)
    write_server_configs(settings)
    print(f"Server configuration in {settings.learner_config_dir} and {settings.grader_config_dir}")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["check-requirements"]:
        return check_requirements(argv[1:])
    if argv[:1] == ["server-configs"]:
        return server_configs()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
