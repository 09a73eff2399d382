"""Interactive simulators: one ipywidgets view per seller's question.

Each simulator is a thin view over :mod:`isoko.econ` and is also published as a
one-cell Voilà app under ``courses/<course>/apps/``. :func:`catalog` lists them all
for the gallery; importing this package does not import ipywidgets (each entry's
``factory`` imports its simulator when called).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
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


def _builder(module: str, class_name: str) -> Callable[[], Any]:
    """A factory that imports the simulator's module only when it is called."""

    def build(**kwargs: Any) -> Any:
        return getattr(import_module(module), class_name)(**kwargs)

    build.__qualname__ = f"{class_name}.factory"
    return build


def _entry(id: str, title: str, course: str, question: str, module: str, cls: str) -> SimEntry:
    return SimEntry(
        id=id,
        title=title,
        course=course,
        question=question,
        factory=_builder(f"isoko.sims.{module}", cls),
        app=f"courses/{course}/apps/{id}.ipynb",
    )


def catalog() -> list[SimEntry]:
    """All simulators, in the order the gallery shows them."""
    return [
        _entry(
            "price-and-profit",
            "Price and profit",
            "pricing",
            "What price maximises my profit after commission, payment fees and exchange rate?",
            "pricing",
            "PriceProfitSimulator",
        ),
        _entry(
            "air-or-sea",
            "Air or sea",
            "logistics",
            "Air via Kigali or sea via Dar es Salaam: what lands cheaper, and when?",
            "freight",
            "AirOrSeaSimulator",
        ),
        _entry(
            "stock-and-reorder",
            "Stock and reorder",
            "logistics",
            "When should I reorder, and how much, so I rarely run out?",
            "stock",
            "StockReorderSimulator",
        ),
        _entry(
            "livestream-sale",
            "Livestream sale",
            "selling-online",
            "How much stock should I prepare for a livestream or flash sale?",
            "livestream",
            "LivestreamSaleSimulator",
        ),
        _entry(
            "storefront-and-ads",
            "Storefront and ads",
            "selling-online",
            "How much can I pay to win a customer, and does my shop make money each month?",
            "storefront",
            "StorefrontAdsSimulator",
        ),
        _entry(
            "mobile-money-cash-flow",
            "Mobile-money cash flow",
            "selling-online",
            "With mobile-money fees and slow payouts, on which day does my cash run out?",
            "cashflow",
            "CashFlowSimulator",
        ),
    ]
