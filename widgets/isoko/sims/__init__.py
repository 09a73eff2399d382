"""Interactive simulators: one ipywidgets view per seller's question.

Each simulator is a thin view over :mod:`isoko.econ`, registered once in
:mod:`isoko.sims.registry` and published as a one-cell Voilà app under
``courses/<course>/apps/`` (generated from the catalog by ``isoko apps``). Importing
this package does not import ipywidgets (an entry imports its simulator when asked).
"""

from __future__ import annotations

from isoko.sims.registry import SimEntry, catalog

__all__ = ["SimEntry", "catalog"]
