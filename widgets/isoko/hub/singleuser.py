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

The hub's database code: ``jupyterhub.singleuser`` imports ``jupyterhub.log`` (for one
``isinstance`` test against the hub's health-check page), which imports the hub's
request handlers, and with them its ORM, Alembic with Mako and Pygments, SQLAlchemy's
ORM, the user and spawner classes and ``cryptography``; ``jupyterhub.metrics`` and
``jupyterhub.scopes`` import the ORM too, but use it only inside functions given a
database, which a single-user server never has. About 26 MiB per server, and 0.3 s of
CPU. The launcher imports ``jupyterhub.singleuser`` with stand-ins for those modules
(:func:`import_singleuser_without_the_hub_database`): a health-check class no handler of
a single-user server is, and modules that import the real one on first use. After the
import nothing of them is left in ``sys.modules``: anything imported later gets the real
modules as usual.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from isoko.unused_imports import keep_out_unused_imports


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


#: Imported by ``jupyterhub.singleuser`` (through ``jupyterhub.metrics`` and
#: ``jupyterhub.scopes``) but used only inside functions that a single-user server
#: never calls: their import waits for their first use. (SQLAlchemy's core stays:
#: ``jupyterhub.utils`` needs one of its exception classes.)
DEFERRED_MODULES = ("jupyterhub.orm", "jupyterhub.roles")
#: Imported by ``jupyterhub.log`` only for ``HealthCheckHandler``, the hub's own
#: health-check page, which a single-user server does not serve.
HUB_PAGES = "jupyterhub.handlers.pages"


class ModuleOnFirstUse(types.ModuleType):
    """A stand-in for a module: the first attribute asked of it imports the real module."""

    def __getattr__(self, attribute: str):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attribute)


def hub_pages_stand_in() -> types.ModuleType:
    from tornado.web import RequestHandler

    pages = types.ModuleType(HUB_PAGES)

    class HealthCheckHandler(RequestHandler):
        """Never instantiated: ``jupyterhub.log`` only asks whether a handler is one."""

    pages.HealthCheckHandler = HealthCheckHandler
    return pages


@contextmanager
def stand_ins(modules: dict[str, types.ModuleType]) -> Iterator[None]:
    """``sys.modules`` holds ``modules`` (where nothing real is yet) inside the block only."""
    placed = {name: m for name, m in modules.items() if name not in sys.modules}
    sys.modules.update(placed)
    try:
        yield
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def import_singleuser_without_the_hub_database() -> None:
    """Import ``jupyterhub.singleuser`` without the hub's ORM, handlers and SQLAlchemy."""
    modules = {name: ModuleOnFirstUse(name) for name in DEFERRED_MODULES}
    modules[HUB_PAGES] = hub_pages_stand_in()
    with stand_ins(modules):
        import jupyterhub.singleuser  # noqa: F401


def main() -> int:
    keep_out_unused_imports()
    import_jupyterlab_without_node()
    import_singleuser_without_the_hub_database()
    from jupyterhub.singleuser import main as singleuser_main

    return singleuser_main()


if __name__ == "__main__":
    sys.exit(main())
