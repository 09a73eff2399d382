"""Every simulator in French: each message it shows is translated (in its own catalogue
or the shared one), with the same placeholders; and a clear refusal of other languages.

Price and profit checks its catalogue in its own tests: its French legend may leave a
placeholder out, which these rules would refuse. Stale entries and templates are checked
for every catalogue in test_i18n.
"""

from importlib import import_module
from pathlib import Path

import pytest

from isoko.sims.cashflow import CashFlowSimulator
from isoko.sims.freight import AirOrSeaSimulator
from isoko.sims.livestream import LivestreamSaleSimulator
from isoko.sims.pricing import PriceProfitSimulator
from isoko.sims.seasons import SeasonPricingSimulator
from isoko.sims.stock import StockReorderSimulator
from isoko.sims.storefront import StorefrontAdsSimulator
from support.sims import french, messages_in_code, placeholders, texts

#: Module in isoko.sims -> its simulator; each module's gettext domain is isoko-<module>.
SIMULATORS = {
    "freight": AirOrSeaSimulator,
    "livestream": LivestreamSaleSimulator,
    "stock": StockReorderSimulator,
    "storefront": StorefrontAdsSimulator,
    "cashflow": CashFlowSimulator,
    "seasons": SeasonPricingSimulator,
}


@pytest.mark.parametrize("module", SIMULATORS)
def test_every_message_has_a_french_translation(module):
    code = import_module(f"isoko.sims.{module}")
    catalogue = french(f"isoko-{module}")
    # A simulator's words may be split off into ``_<module>_view.py`` beside it.
    files = [Path(code.__file__), *Path(code.__file__).parent.glob(f"_{module}_view.py")]
    in_code = SIMULATORS[module].messages()
    for file in files:
        in_code |= messages_in_code(file)
    # Extraction found the simulator's words (the smallest, season pricing, has 27).
    assert len(in_code) > 20
    assert code.SOURCES in in_code
    assert sorted(in_code - catalogue.keys()) == []  # untranslated
    for msgid in in_code:
        msgstr = catalogue[msgid]
        assert msgstr, f"empty translation of {msgid!r}"
        assert set(placeholders(msgstr)) == set(placeholders(msgid)), msgid


@pytest.mark.parametrize("simulator", [PriceProfitSimulator, *SIMULATORS.values()])
def test_shared_labels_show_in_french(simulator):
    """The label "assumption" is translated once, in the shared catalogue, for all."""
    shown = texts(simulator(language="fr").view)
    assert "hypothèse" in shown and "assumption" not in shown


@pytest.mark.parametrize("simulator", [PriceProfitSimulator, *SIMULATORS.values()])
def test_unknown_language_is_refused(simulator):
    with pytest.raises(ValueError, match="no labels for language 'rw'"):
        simulator(language="rw")
