"""Interactive simulators: one ipywidgets view per seller's question.

Each simulator is a thin view over :mod:`isoko.econ` and is also published as a
one-cell Voilà app under ``courses/<course>/apps/``. :func:`catalog` lists them all
for the gallery; importing this package does not import ipywidgets (each entry's
``factory`` imports its simulator when called).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["SimEntry", "catalog"]


@dataclass(frozen=True)
class SimEntry:
    """One simulator in the gallery.

    ``factory()`` builds a fresh simulator (display its ``.view``); ``app`` is the
    Voilà notebook, relative to the repository root.
    """

    id: str
    title: str
    course: str
    question: str
    factory: Callable[[], Any]
    app: str


def _price_and_profit() -> Any:
    from isoko.sims.pricing import PriceProfitSimulator

    return PriceProfitSimulator()


def catalog() -> list[SimEntry]:
    """All simulators, in the order the gallery shows them."""
    return [
        SimEntry(
            id="price-and-profit",
            title="Price and profit",
            course="pricing",
            question=(
                "What price maximises my profit after commission, payment fees and exchange rate?"
            ),
            factory=_price_and_profit,
            app="courses/pricing/apps/price-and-profit.ipynb",
        ),
    ]
