"""Modules no Isoko process uses, kept from being imported at all.

``jsonschema``'s format checker imports ``rfc3987_syntax`` if it is installed, which
compiles Earley parsers for the whole IRI grammar (about 0.7 s of CPU and 16 MiB) to
check formats no schema of the Jupyter server, JupyterLab, nbformat, nbgrader or Voilà
uses; without it ``jsonschema`` simply does not check them. Learners' and formgraders'
servers (``isoko.hub.singleuser``) and the content sync before each server starts
(``isoko.courses.content``) both call :func:`keep_out_unused_imports` first.
"""

from __future__ import annotations

import sys

#: Modules each process need not import; ``jsonschema`` imports them inside
#: ``suppress(ImportError)`` and does without.
NOT_IMPORTED = ("rfc3987_syntax",)


def keep_out_unused_imports() -> None:
    """Make ``import`` of each unused module fail at once (``None`` in ``sys.modules``)."""
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)
