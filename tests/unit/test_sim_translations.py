"""Every simulator's French catalogue against its code: each message translated, none
stale, the same placeholders; and a clear refusal of other languages.

Price and profit checks its catalogue in its own tests: its French legend may leave a
placeholder out, which these rules would refuse.
"""

from importlib import import_module
from pathlib import Path

import pytest

from isoko import i18n
from isoko.sims.cashflow import CashFlowSimulator
from isoko.sims.freight import AirOrSeaSimulator
from isoko.sims.livestream import LivestreamSaleSimulator
from isoko.sims.pricing import PriceProfitSimulator
from isoko.sims.stock import StockReorderSimulator
from isoko.sims.storefront import StorefrontAdsSimulator
from support.sims import messages_in_code, placeholders

#: Module in isoko.sims -> its simulator; each module's gettext domain is isoko-<module>.
SIMULATORS = {
    "freight": AirOrSeaSimulator,
    "livestream": LivestreamSaleSimulator,
    "stock": StockReorderSimulator,
    "storefront": StorefrontAdsSimulator,
    "cashflow": CashFlowSimulator,
}


def french_catalogue(module: str):
    return i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / f"isoko-{module}.po"


@pytest.mark.parametrize("module", SIMULATORS)
def test_catalogue_starts_with_its_header(module):
    assert (
        french_catalogue(module)
        .read_text(encoding="utf-8")
        .startswith('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n')
    )


@pytest.mark.parametrize("module", SIMULATORS)
def test_every_message_has_a_french_translation_and_none_is_stale(module):
    code = import_module(f"isoko.sims.{module}")
    catalogue = i18n.read_po(french_catalogue(module))
    # A simulator's words may be split off into ``_<module>_view.py`` beside it.
    files = [Path(code.__file__), *Path(code.__file__).parent.glob(f"_{module}_view.py")]
    in_code = {code.SOURCES} | SIMULATORS[module].messages()
    for file in files:
        in_code |= messages_in_code(file)
    assert len(in_code) > 30
    assert sorted(in_code - catalogue.keys()) == []  # untranslated
    assert sorted(catalogue.keys() - in_code - {""}) == []  # stale
    for msgid, msgstr in catalogue.items():
        if msgid:
            assert msgstr, f"empty translation of {msgid!r}"
            assert set(placeholders(msgstr)) == set(placeholders(msgid)), msgid


@pytest.mark.parametrize("simulator", [PriceProfitSimulator, *SIMULATORS.values()])
def test_unknown_language_is_refused(simulator):
    with pytest.raises(ValueError, match="no labels for language 'rw'"):
        simulator(language="rw")
