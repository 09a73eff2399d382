"""isoko.econ.duties: landed cost and China's duties against hand-worked examples."""

import doctest
import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isoko.econ import duties
from isoko.econ.duties import (
    LandedCost,
    cbec_fits_limits,
    china_import_rates,
    china_tariff_rate,
    landed_cost,
)


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(duties)
    assert attempted >= 7
    assert failed == 0


# --- landed cost ------------------------------------------------------------------------


def test_landed_cost_hand_worked():
    lc = landed_cost(
        10_000, 1_000, packaging=500, insurance_rate=0.01, duty_rate=0.1, vat_rate=0.1, fees=100
    )
    # insurance 1% of (10,000 + 500 + 1,000) = 115; CIF = 11,615
    assert lc.insurance == pytest.approx(115)
    assert lc.cif == pytest.approx(11_615)
    # duty 10% of CIF = 1,161.50; VAT 10% of (11,615 + 1,161.50) = 1,277.65
    assert lc.duty == pytest.approx(1_161.5)
    assert lc.vat == pytest.approx(1_277.65)
    # total 11,615 + 1,161.50 + 1,277.65 + 100 = 14,154.15
    assert lc.total == pytest.approx(14_154.15)
    assert list(lc.as_dict()) == [
        "goods",
        "packaging",
        "freight",
        "insurance",
        "duty",
        "vat",
        "fees",
        "total",
    ]


def test_cross_border_retail_taxes_the_shop_price_not_the_cif_value():
    # A bottle with a CIF value of RWF 4,000 sold for RWF 8,000 to a shopper in China.
    # General trade: 13% of CIF = 520 at the border.
    general = landed_cost(3_000, 1_000, vat_rate=0.13)
    assert general.vat == pytest.approx(520)
    # Cross-border retail: 70% of 13% = 9.1% of the RWF 8,000 price = 728,
    # whatever the CIF value.
    retail = landed_cost(3_000, 1_000, vat_rate=0.091, taxed_price=8_000)
    assert retail.vat == pytest.approx(728)
    assert retail.total == pytest.approx(4_000 + 728)
    assert landed_cost(500, 0, vat_rate=0.091, taxed_price=8_000).vat == pytest.approx(728)
    # per unit, vectorised over prices
    prices = np.array([4_000.0, 8_000.0])
    both = landed_cost(3_000, 1_000, vat_rate=0.091, taxed_price=prices)
    np.testing.assert_allclose(both.vat, [364, 728])
    with pytest.raises(ValueError, match="taxed_price"):
        landed_cost(3_000, 1_000, vat_rate=0.091, taxed_price=-1)


def test_landed_cost_is_frozen_and_vectorised():
    lc = landed_cost(np.array([100.0, 200.0]), 10, vat_rate=0.18)
    # VAT 18% of 110 and 210 = 19.8 and 37.8
    np.testing.assert_allclose(lc.vat, [19.8, 37.8])
    np.testing.assert_allclose(lc.total, [129.8, 247.8])
    assert isinstance(lc, LandedCost)
    with pytest.raises(AttributeError):
        lc.total = 0


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"goods": -1}, "goods cannot be negative"),
        ({"freight": -1}, "freight cannot be negative"),
        ({"duty_rate": 1.0}, "duty_rate is a share of the CIF value"),
        ({"vat_rate": -0.1}, "vat_rate is a share"),
        ({"insurance_rate": 1.5}, "insurance_rate is a share"),
        ({"fees": -5}, "fees cannot be negative"),
    ],
)
def test_landed_cost_rejects_impossible_input(kwargs, words):
    args = {"goods": 100, "freight": 10} | kwargs
    with pytest.raises(ValueError, match=words):
        landed_cost(**args)


money = st.floats(0, 1e7, allow_nan=False)
share = st.floats(0, 0.99)


@settings(max_examples=300, deadline=None)
@given(money, money, money, share, share, share, money)
def test_landed_cost_parts_add_up_exactly_to_the_total(g, f, p, ins, duty, vat, fees):
    lc = landed_cost(g, f, packaging=p, insurance_rate=ins, duty_rate=duty, vat_rate=vat, fees=fees)
    running = 0.0
    for value in lc.parts().values():  # in the documented order
        running += value
    assert running == lc.total
    assert math.fsum(lc.parts().values()) == pytest.approx(lc.total, rel=1e-12)
    assert lc.duty == pytest.approx(duty * lc.cif)
    assert lc.vat == pytest.approx(vat * (lc.cif + lc.duty))


# --- duties in China --------------------------------------------------------------------


def test_china_tariff_dates():
    # roasted coffee paid 15% MFN; zero for LDCs such as Rwanda from 1 Dec 2024
    assert china_tariff_rate(0.15, date(2024, 11, 30)) == 0.15
    assert china_tariff_rate(0.15, date(2024, 12, 1)) == 0.0
    # a non-LDC African partner: zero only from 1 May 2026
    assert china_tariff_rate(0.15, date(2026, 4, 30), least_developed=False) == 0.15
    assert china_tariff_rate(0.15, date(2026, 5, 1), least_developed=False) == 0.0
    # neither: always the MFN rate
    assert (
        china_tariff_rate(0.08, date(2027, 1, 1), least_developed=False, african_partner=False)
        == 0.08
    )
    np.testing.assert_array_equal(china_tariff_rate(np.array([0.1, 0.2]), date(2025, 1, 1)), 0)
    with pytest.raises(ValueError, match="shipped_on must be a date"):
        china_tariff_rate(0.15, "2025-01-01")


def test_cross_border_limits():
    # CNY 5,000 per order and CNY 26,000 per person per year, both inclusive
    assert cbec_fits_limits(5_000) is True
    assert cbec_fits_limits(5_000.01) is False
    assert cbec_fits_limits(2_000, spent_this_year_cny=24_000) is True
    assert cbec_fits_limits(2_000, spent_this_year_cny=24_001) is False
    np.testing.assert_array_equal(cbec_fits_limits(np.array([100, 6000])), [True, False])
    with pytest.raises(ValueError, match="order_value_cny cannot be negative"):
        cbec_fits_limits(-1)


def test_china_import_rates_by_channel():
    before = date(2024, 6, 1)
    # general trade before the zero tariff: 15% duty and 13% VAT (assumed rate)
    assert china_import_rates(0.15, before) == (0.15, 0.13)
    # cross-border retail within the limits: no duty, VAT 70% of 13% = 9.1%
    duty, vat = china_import_rates(0.15, before, cross_border_retail=True, order_value_cny=230)
    assert duty == 0 and vat == pytest.approx(0.091)
    # an order of CNY 5,758 is over the limit: general trade again
    over = china_import_rates(0.15, before, cross_border_retail=True, order_value_cny=5_758)
    assert over == (0.15, 0.13)
    # after 1 Dec 2024 general trade pays no duty, still the full VAT
    assert china_import_rates(0.15, date(2025, 3, 1)) == (0.0, 0.13)
