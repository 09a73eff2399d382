"""Numbers, money and shares as each language writes them, from Babel's locale data.

The simulators call these through ``isoko.sims._base`` (``number_in``, ``money_in``...).
"""

import ipywidgets as widgets
import pytest

from isoko.i18n import numbers
from isoko.sims import _base

NBSP = "\u00a0"


def test_english_is_written_as_before():
    assert _base.number_in(14_610.5, "en", 1) == "14,610.5"
    assert _base.money_in(14_610, "RWF", "en") == "RWF 14,610"
    assert _base.money_in(8.49, "USD", "en", 2) == "USD 8.49"
    assert _base.money(-14_610.4, "RWF") == "\u2212RWF 14,610"
    assert _base.share_in(0.025, "en", 1) == "2.5%"
    assert _base.compact_in(1_500, "en") == "1.5k"


def test_french_groups_with_no_break_spaces_and_puts_the_currency_after():
    assert _base.number_in(14_610.5, "fr", 1) == f"14{NBSP}610,5"
    assert _base.money_in(14_610, "RWF", "fr") == f"14{NBSP}610{NBSP}RWF"
    assert _base.money_in(8.49, "USD", "fr", 2) == f"8,49{NBSP}USD"
    assert _base.money_in(-14_610, "RWF", "fr") == f"\u221214{NBSP}610{NBSP}RWF"
    assert _base.share_in(0.025, "fr", 1) == f"2,5{NBSP}%"
    assert _base.compact_in(1_500, "fr") == "1,5k"
    assert _base.with_decimal_mark("8.5", "fr") == "8,5"


def test_swahili_writes_numbers_as_english_does_not_as_french():
    assert _base.number_in(14_610.5, "sw", 1) == "14,610.5"
    assert _base.money_in(14_610, "RWF", "sw") == f"RWF{NBSP}14,610"  # code, never "RF"
    assert _base.money_in(8.49, "USD", "sw", 2) == f"USD{NBSP}8.49"  # never "$"
    assert _base.share_in(0.025, "sw", 1) == "2.5%"
    assert _base.with_decimal_mark("8.5", "sw") == "8.5"


def test_rounding_is_pythons_whatever_the_language():
    # 2.675 is stored just below 2.675: Python writes 2.67, and so does every language
    assert _base.number_in(2.675, "en", 2) == "2.67"
    assert _base.number_in(2.675, "fr", 2) == "2,67"
    assert _base.number_in(-0.3, "en") == "-0"  # as Python's format, as before


def slider_readouts(language):
    controls = {
        "rate": _base.float_slider(1_461.0, 1_000.0, 2_000.0, 1.0, ",.0f"),
        "units": _base.int_slider(2_000, 100, 10_000, 100),
    }
    _base.ungrouped_readouts(controls, language)
    return [control.readout_format for control in controls.values()]


@pytest.mark.parametrize(
    ("language", "formats"),
    [("en", [",.0f", ",d"]), ("sw", [",.0f", ",d"]), ("fr", [".0f", "d"]), ("rw", [".0f", "d"])],
)
def test_slider_readouts_lose_thousands_commas_where_a_comma_is_the_decimal_mark(language, formats):
    """The browser draws readouts with commas between thousands: "1,461" reads as 1.461
    in French and Kinyarwanda, not in English or Swahili."""
    assert slider_readouts(language) == formats
    assert isinstance(_base.float_slider(1.0, 0.0, 2.0, 0.1, ".1f"), widgets.FloatSlider)


def test_a_language_babel_does_not_know_is_a_clear_error():
    with pytest.raises(ValueError, match="no number formats for language 'xx'"):
        numbers.number(1.0, "xx")
