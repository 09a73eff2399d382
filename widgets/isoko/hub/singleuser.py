"""The Jupyter server of a learner or a formgrader: ``jupyterhub-singleuser``, started lighter.

``python -m isoko.hub.singleuser`` runs exactly JupyterHub's single-user server, after
skipping two pieces of start-up work that every server pays for and none uses. When a
hundred learners start at nine o'clock on two cores, each second of CPU per server is
almost a minute of waiting for the last of them.

``rfc3987_syntax``: the Jupyter server checks its event schemas with ``jsonschema``,
whose format checker imports ``rfc3987_syntax`` if it is installed (``jsonschema``'s
``format-nongpl`` extra, required by ``jupyter_events``) to check the ``iri`` and
``iri-reference`` formats. Importing it compiles Earley parsers for the whole IRI
grammar: about 0.7 s of CPU and 16 MiB in every server. No schema of the Jupyter
server, JupyterLab, nbformat, nbgrader or Voila uses those formats; without the module
``jsonschema`` simply does not check them (its documented behaviour when it is absent).

Node.js: importing ``jupyterlab.labapp`` reads JupyterLab's version through its build
tooling, which runs ``node yarn.js config --json`` to learn yarn's package registry:
a Node.js process of 0.3 s CPU and 90 MiB per server start, only useful to build or
install JupyterLab extensions, which these servers never do (the environment belongs
to root). When Node.js is not on ``PATH`` JupyterLab skips it, so ``PATH`` holds only
the Python environment's own folder during that import, and is restored after.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Modules each server need not import; ``jsonschema`` imports them inside
#: ``suppress(ImportError)`` and does without.
NOT_IMPORTED = ("rfc3987_syntax",)


def keep_out_unused_imports() -> None:
    """Make ``import`` of each unused module fail at once (``None`` in ``sys.modules``)."""
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)


@contextmanager
def path_without_node() -> Iterator[None]:
    """``PATH`` is only the Python environment's folder (no Node.js) inside the block."""
    saved = os.environ.get("PATH")
    os.environ["PATH"] = str(Path(sys.executable).parent)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = saved


def import_jupyterlab_without_node() -> None:
    """Import JupyterLab's server app without it starting Node.js to read yarn's config."""
    with path_without_node():
        import jupyterlab.labapp  # noqa: F401


def main() -> int:
    keep_out_unused_imports()
    import_jupyterlab_without_node()
    from jupyterhub.singleuser import main as singleuser_main

    return singleuser_main()


if __name__ == "__main__":
    sys.exit(main())
