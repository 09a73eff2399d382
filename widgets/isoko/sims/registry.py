"""The simulator catalog: every simulator, registered once, as plain data.

(A module named ``catalog`` would be hidden by the function :func:`catalog` that
``isoko.sims`` exports, hence ``registry``.)

Each entry says which course a simulator belongs to, its title and question for the
gallery, the task a learner does with it (a number to find, shown under the app's title
and under the question in the gallery), and where its class lives (``"module:Class"``).
Everything else is derived from it: the one-cell Voilà app
``courses/<course>/apps/<id>.ipynb`` (written by ``isoko apps``), the simulator ids a
``course.yaml`` may list, and the simulators the tests and benchmarks go through.
Importing this module does not import ipywidgets: an entry imports its simulator's
module only when asked to build one.

Adding a simulator is its module plus one entry in :data:`SIMULATORS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from isoko.i18n import N_

__all__ = ["SIMULATORS", "SimEntry", "catalog", "find"]


@dataclass(frozen=True)
class SimEntry:
    """One simulator of the gallery.

    ``target`` is where its class lives, ``"package.module:ClassName"``.
    ``app_variable``, when set, is the name the app notebook binds the simulator to
    before showing its view (otherwise the app shows ``ClassName().view``). ``title``,
    ``question`` and ``task`` are English, translated where shown. ``task`` is what a
    learner does with the app, from what the course's lessons teach: concrete, with a
    number to find.
    """

    id: str
    course: str
    title: str
    question: str
    target: str
    app_variable: str = ""
    task: str = ""

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    @property
    def class_name(self) -> str:
        return self.target.partition(":")[2]

    @property
    def app(self) -> str:
        """The Voilà app notebook, relative to the repository root."""
        return f"courses/{self.course}/apps/{self.id}.ipynb"

    def simulator_class(self) -> type:
        """The simulator's class (imports its module, and so ipywidgets)."""
        return getattr(import_module(self.module), self.class_name)

    def factory(self, **kwargs: Any) -> Any:
        """A fresh simulator (display its ``.view``); ``kwargs`` go to its constructor."""
        return self.simulator_class()(**kwargs)


#: Every simulator, in the order the gallery shows them.
SIMULATORS: tuple[SimEntry, ...] = (
    SimEntry(
        id="price-and-profit",
        course="pricing",
        title=N_("Price and profit"),
        question=N_(
            "What price maximises my profit after commission, payment fees and exchange rate?"
        ),
        target="isoko.sims.pricing:PriceProfitSimulator",
        app_variable="simulator",
        task=N_("Find how far the best price moves when the commission rises from 5% to 15%."),
    ),
    SimEntry(
        id="air-or-sea",
        course="logistics",
        title=N_("Air or sea"),
        question=N_(
            "Air via Kigali or sea via Dar es Salaam: what lands a bottle of chili oil "
            "cheaper, and when?"
        ),
        target="isoko.sims.freight:AirOrSeaSimulator",
        task=N_(
            "Find the number of bottles from which sea via Dar es Salaam costs Aline less "
            "a bottle than air via Kigali, cash tied up on the way included."
        ),
    ),
    SimEntry(
        id="stock-and-reorder",
        course="logistics",
        title=N_("Stock and reorder"),
        question=N_(
            "When should I send the next shipment of bottles, and how many, so I rarely run out?"
        ),
        target="isoko.sims.stock:StockReorderSimulator",
        task=N_(
            "Find the reorder point at which 95 of Aline's shipments in 100 arrive before "
            "her bottles run out, and what her stock then costs a year."
        ),
    ),
    SimEntry(
        id="livestream-sale",
        course="selling-online",
        title=N_("Livestream sale"),
        question=N_("How much stock should I prepare for a livestream or flash sale?"),
        target="isoko.sims.livestream:LivestreamSaleSimulator",
        task=N_(
            "Find how many coffee packs Divine should prepare at the starting numbers: "
            "more or fewer than the 2,500 buyers want on average? Then lower what a "
            "leftover pack sells for and say why the best stock moves."
        ),
    ),
    SimEntry(
        id="storefront-and-ads",
        course="selling-online",
        title=N_("Storefront and ads"),
        question=N_(
            "How much can I pay to win a customer, and does my shop make money each month?"
        ),
        target="isoko.sims.storefront:StorefrontAdsSimulator",
        task=N_(
            "Find the highest cost of one ad click at which Aline's ads still pay for themselves."
        ),
    ),
    SimEntry(
        id="mobile-money-cash-flow",
        course="selling-online",
        title=N_("Mobile-money cash flow"),
        question=N_("With mobile-money fees and slow payouts, on which day does my cash run out?"),
        target="isoko.sims.cashflow:CashFlowSimulator",
        task=N_(
            "Find the day Aline's cash runs out, then the smallest starting cash "
            "(RWF) that keeps her above zero."
        ),
    ),
    SimEntry(
        id="season-pricing",
        course="tourism",
        title=N_("Tour prices across the seasons"),
        question=N_("How should I price my tour across the seasons with a fixed number of places?"),
        target="isoko.sims.seasons:SeasonPricingSimulator",
        task=N_(
            "Find how much more profit a year prices by season earn than one price all "
            "year with 6 places a day, then with 10: does the gap grow or shrink?"
        ),
    ),
)


def catalog() -> list[SimEntry]:
    """All simulators, in the order the gallery shows them."""
    return list(SIMULATORS)


def find(sim_id: str) -> SimEntry:
    """The entry of ``sim_id``; a KeyError naming the known ids if there is none."""
    for entry in SIMULATORS:
        if entry.id == sim_id:
            return entry
    known = ", ".join(entry.id for entry in SIMULATORS)
    raise KeyError(f"no simulator {sim_id!r} in the catalog (it has: {known})")
