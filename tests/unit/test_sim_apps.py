"""Every simulator in the gallery: its catalog entry, and its one-cell Voilà app run in a
fresh kernel (the browser tests open the same apps in Voilà)."""

import nbformat
import pytest

from isoko.sims import SimEntry, catalog
from isoko.sims.cashflow import CashFlowSimulator
from isoko.sims.freight import AirOrSeaSimulator
from isoko.sims.livestream import LivestreamSaleSimulator
from isoko.sims.pricing import PriceProfitSimulator
from isoko.sims.stock import StockReorderSimulator
from isoko.sims.storefront import StorefrontAdsSimulator
from support.notebooks import REPO, WIDGET_VIEW, outputs, run_notebook

#: Catalog id -> its course, its simulator and the source of its app's one cell.
EXPECTED = {
    "price-and-profit": (
        "pricing",
        PriceProfitSimulator,
        "from isoko.sims.pricing import PriceProfitSimulator\n\n"
        "simulator = PriceProfitSimulator()\nsimulator.view",
    ),
    "air-or-sea": (
        "logistics",
        AirOrSeaSimulator,
        "from isoko.sims.freight import AirOrSeaSimulator\n\nAirOrSeaSimulator().view",
    ),
    "stock-and-reorder": (
        "logistics",
        StockReorderSimulator,
        "from isoko.sims.stock import StockReorderSimulator\n\nStockReorderSimulator().view",
    ),
    "livestream-sale": (
        "selling-online",
        LivestreamSaleSimulator,
        "from isoko.sims.livestream import LivestreamSaleSimulator\n\n"
        "LivestreamSaleSimulator().view",
    ),
    "storefront-and-ads": (
        "selling-online",
        StorefrontAdsSimulator,
        "from isoko.sims.storefront import StorefrontAdsSimulator\n\nStorefrontAdsSimulator().view",
    ),
    "mobile-money-cash-flow": (
        "selling-online",
        CashFlowSimulator,
        "from isoko.sims.cashflow import CashFlowSimulator\n\nCashFlowSimulator().view",
    ),
}


def entry(sim_id: str) -> SimEntry:
    (found,) = [e for e in catalog() if e.id == sim_id]
    return found


def test_catalog_ids_and_apps_are_unique():
    entries = catalog()
    assert len({e.id for e in entries}) == len(entries)
    assert len({e.app for e in entries}) == len(entries)
    assert {e.id for e in entries} == set(EXPECTED)


@pytest.mark.parametrize("sim_id", EXPECTED)
def test_catalog_entry_builds_the_simulator(sim_id):
    course, simulator, _source = EXPECTED[sim_id]
    found = entry(sim_id)
    assert isinstance(found, SimEntry)
    assert found.course == course
    assert found.app == f"courses/{course}/apps/{sim_id}.ipynb"
    assert (REPO / found.app).is_file()
    built = found.factory()
    assert isinstance(built, simulator)
    assert "isoko-sim" in built.view._dom_classes
    assert isinstance(found.factory(language="fr"), simulator)


@pytest.mark.parametrize("sim_id", EXPECTED)
def test_app_is_one_cell_committed_without_outputs(sim_id):
    nb = nbformat.read(REPO / entry(sim_id).app, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    (cell,) = nb.cells
    assert cell.cell_type == "code" and cell.outputs == [] and cell.execution_count is None
    assert cell.source.splitlines() == EXPECTED[sim_id][2].splitlines()


@pytest.mark.parametrize("sim_id", EXPECTED)
def test_app_runs_in_a_fresh_kernel_and_shows_a_widget(sim_id, isolated_kernel_env):
    nb = run_notebook(REPO / entry(sim_id).app, isolated_kernel_env)
    outs = outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    assert not [o for o in outs if o.output_type == "stream"]  # prints nothing
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outs)
