"""isoko.econ.logistics against hand-worked examples, closed forms and properties."""

import doctest
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from isoko.econ import logistics
from isoko.econ.logistics import (
    LandedCost,
    air_freight_cost,
    cbec_fits_limits,
    chargeable_weight_kg,
    china_import_rates,
    china_tariff_rate,
    compare_modes,
    container_share_cost,
    critical_ratio,
    door_to_door_days,
    eoq,
    expected_leftover,
    expected_lost_sales,
    expected_sales,
    landed_cost,
    newsvendor_costs,
    newsvendor_expected_profit,
    newsvendor_quantity,
    normal_cdf,
    normal_loss,
    normal_pdf,
    normal_quantile,
    reorder_point,
    safety_stock,
    sellout_probability,
    transit_capital_cost,
    volume_cbm,
)

# The coffee shipment used by several tests: 2,000 packs of 250 g coffee, 0.28 kg each
# with packaging, 40 to a 40 x 30 x 30 cm carton, declared at USD 8 a pack, RWF 1,461
# per USD and RWF 203 per CNY.
COFFEE = (2000, 0.28, 40, 40, 30, 30, 8.0)


def test_econ_package_does_not_import_widgets():
    source_root = Path(logistics.__file__).resolve().parents[2]
    code = (
        "import isoko.econ.logistics, isoko.econ.inventory, sys; print('ipywidgets' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(source_root)},
    )
    assert out.stdout.strip() == "False"


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(logistics)
    assert attempted >= 20
    assert failed == 0


# --- the normal distribution ------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "z"),
    [
        (0.5, 0.0),
        (0.95, 1.6448536269514722),
        (0.975, 1.959963984540054),
        (0.99, 2.3263478740408408),
        (0.999, 3.090232306167813),
        (0.05, -1.6448536269514722),
        (0.025, -1.959963984540054),
        (0.8413447460685429, 1.0),  # Phi(1)
        (1e-10, -6.361340902404056),
    ],
)
def test_normal_quantile_known_values(p, z):
    assert normal_quantile(p) == pytest.approx(z, abs=1e-9)


def test_normal_quantile_is_vectorised_and_symmetric():
    p = np.array([0.001, 0.02, 0.02425, 0.3, 0.5, 0.7, 0.97575, 0.98, 0.999])
    z = normal_quantile(p)
    assert isinstance(z, np.ndarray) and z.shape == p.shape
    np.testing.assert_allclose(z, -normal_quantile(1 - p), atol=1e-12)
    assert np.all(np.diff(z) > 0)
    assert type(normal_quantile(0.9)) is float


@settings(max_examples=300, deadline=None)
@given(st.floats(1e-12, 1 - 1e-12))
def test_normal_quantile_inverts_the_cdf(p):
    z = normal_quantile(p)
    # Phi(z) through math.erfc, from the side that keeps precision
    back = 0.5 * math.erfc(-z / math.sqrt(2)) if z < 0 else 1 - 0.5 * math.erfc(z / math.sqrt(2))
    assert back == pytest.approx(p, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("p", [0, 1, -0.1, 1.5, float("nan")])
def test_normal_quantile_refuses_impossible_probabilities(p):
    with pytest.raises(ValueError):
        normal_quantile(p)


def test_normal_pdf_cdf_and_loss_hand_worked():
    # pdf(0) = 1 / sqrt(2 pi) = 0.398942; cdf(0) = 0.5; cdf(1.959964) = 0.975
    assert normal_pdf(0) == pytest.approx(0.3989422804014327)
    assert normal_cdf(0) == 0.5
    assert normal_cdf(1.959963984540054) == pytest.approx(0.975, abs=1e-15)
    # L(0) = pdf(0) = 0.398942; L(1) = 0.241971 - 1 * 0.158655 = 0.083315
    assert normal_loss(0) == pytest.approx(0.3989422804014327)
    assert normal_loss(1.0) == pytest.approx(0.0833154705876863, rel=1e-12)
    # far below, L(z) = -z (all of Z - z); far above, nothing
    assert normal_loss(-10.0) == pytest.approx(10.0)
    assert normal_loss(10.0) == pytest.approx(0.0, abs=1e-20)


# --- weight, volume, freight --------------------------------------------------------------


def test_chargeable_weight_hand_worked():
    # dense coffee: actual 11.2 kg; volume 40 * 30 * 30 = 36,000 cm3 / 6,000 = 6 kg -> 11.2
    assert chargeable_weight_kg(11.2, 40, 30, 30) == pytest.approx(11.2)
    # a light agaseke basket box: 2 kg; 50 * 50 * 40 = 100,000 / 6,000 = 16.67 kg
    assert chargeable_weight_kg(2, 50, 50, 40) == pytest.approx(100_000 / 6_000)
    # the courier divisor 5,000 makes the same box 100,000 / 5,000 = 20 kg
    assert chargeable_weight_kg(2, 50, 50, 40, divisor=5000) == pytest.approx(20)
    # 3 cartons of 6 kg volume weight each = 18 kg, against 30 kg actual -> 30
    assert chargeable_weight_kg(30, 40, 30, 30, pieces=3) == pytest.approx(30)
    # 50 coffee cartons: 560 kg actual against 50 * 6 = 300 kg volume weight
    assert chargeable_weight_kg(560, 40, 30, 30, pieces=50) == pytest.approx(560)


def test_chargeable_weight_accepts_arrays():
    got = chargeable_weight_kg(np.array([1.0, 10.0]), 40, 30, 30)
    np.testing.assert_allclose(got, [6.0, 10.0])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((-1, 40, 30, 30), "actual_kg cannot be negative"),
        ((1, 0, 30, 30), "length_cm must be greater than zero"),
        ((1, 40, -30, 30), "width_cm must be greater than zero"),
        ((1, 40, 30, 30, 0), "divisor must be greater than zero"),
        ((1, 40, 30, 30, 6000, 1.5), "pieces must be a whole number"),
    ],
)
def test_chargeable_weight_rejects_impossible_input(args, words):
    with pytest.raises(ValueError, match=words):
        chargeable_weight_kg(*args)


def test_freight_helpers_hand_worked():
    # 560 kg at USD 2.5/kg = USD 1,400
    assert air_freight_cost(560, 2.5) == pytest.approx(1400)
    assert air_freight_cost(4, 2.5, minimum_charge=50) == 50
    # 40 x 30 x 30 cm = 0.036 m3
    assert volume_cbm(40, 30, 30) == pytest.approx(0.036)
    # 1.8 CBM of a USD 3,000 container of 67 CBM = 1.8 * 44.776 = USD 80.60
    assert container_share_cost(1.8, 3000) == pytest.approx(1.8 * 3000 / 67)
    # below the 1 CBM minimum: pay for 1 CBM
    assert container_share_cost(0.3, 3000) == pytest.approx(3000 / 67)
    with pytest.raises(ValueError, match="volume_cbm cannot be negative"):
        container_share_cost(-1, 3000)


def test_door_to_door_days():
    assert door_to_door_days("air") == 6
    assert door_to_door_days("courier") == 5
    # Dar: 5 truck + 5 port + 21 sea + 5 delivery; Mombasa: 7 + 5 + 20 + 5
    assert door_to_door_days("sea", "dar") == 36
    assert door_to_door_days("sea", "mombasa") == 37
    with pytest.raises(ValueError, match="mode must be"):
        door_to_door_days("rail")
    with pytest.raises(ValueError, match="route must be one of"):
        door_to_door_days("sea", "beira")


def test_sea_routes_name_what_is_sourced():
    for route in logistics.SEA_ROUTES.values():
        assert "sourced" in route.source and "assumption" in route.source
    assert logistics.SEA_ROUTES["dar"].truck_40ft_usd == 3500  # sourced


def test_transit_capital_cost_hand_worked():
    # RWF 29,031,510.55 in transit for 6 days at 16% a year:
    # 29,031,510.55 * 6 / 365 * 0.16 = 76,356.85
    assert transit_capital_cost(29_031_510.546, 6, 0.16) == pytest.approx(76_356.85, abs=0.01)
    assert transit_capital_cost(1_000, 0, 0.16) == 0
    with pytest.raises(ValueError, match="annual_cost_of_capital is a share"):
        transit_capital_cost(1_000, 10, 1.2)


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


@settings(max_examples=200, deadline=None)
@given(
    light=st.floats(0.01, 5.0),
    extra=st.floats(0.001, 5.0),
    dims=st.tuples(st.floats(5, 80), st.floats(5, 80), st.floats(5, 80)),
    rate=st.floats(0.5, 20),
)
def test_landed_cost_rises_with_weight(light, extra, dims, rate):
    """Air and courier: a heavier unit never lands cheaper; strictly dearer once the
    actual weight is what the carrier charges for."""
    carton = dict(
        zip(["carton_length_cm", "carton_width_cm", "carton_height_cm"], dims, strict=True)
    )
    args = dict(units_per_carton=10, goods_value_usd=5.0, air_rate_usd_per_kg=rate) | carton
    low = compare_modes(100, light, **args)
    high = compare_modes(100, light + extra, **args)
    for mode in ("air", "courier"):
        assert high.quote(mode).landed.total >= low.quote(mode).landed.total
    volume_weight = 10 * dims[0] * dims[1] * dims[2] / 6000  # one carton of 10 units
    if 10 * light > volume_weight:
        assert high.air.landed.total > low.air.landed.total


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


# --- comparing modes --------------------------------------------------------------------


def test_compare_modes_coffee_by_air_hand_worked():
    c = compare_modes(*COFFEE)
    assert c.cartons == 50  # 2,000 / 40
    assert c.actual_kg == pytest.approx(560)  # 2,000 * 0.28
    assert c.volume_cbm == pytest.approx(1.8)  # 50 * 0.036
    assert c.air_volume_weight_kg == pytest.approx(300)  # 1.8 m3 = 1,800,000 cm3 / 6,000
    air = c.air
    # chargeable 560 kg (volume weight only 300 kg) at USD 2.5 = USD 1,400 = RWF 2,045,400
    assert air.billed_quantity == pytest.approx(560) and air.billed_unit == "kg"
    assert air.freight_rwf == pytest.approx(2_045_400)
    lc = air.landed
    assert lc.goods == pytest.approx(11_688)  # USD 8 * 1,461
    assert lc.freight == pytest.approx(1_022.7)  # 2,045,400 / 2,000
    # insurance 0.3% of (11,688 + 1,022.70) = 38.1321
    assert lc.insurance == pytest.approx(38.1321)
    # zero tariff (shipped from 1 Dec 2024); VAT 13% of CIF 12,748.8321 = 1,657.3482
    assert lc.duty == 0
    assert lc.vat == pytest.approx(1_657.348173)
    # fees USD 150 * 1,461 / 2,000 = 109.575
    assert lc.fees == pytest.approx(109.575)
    assert lc.total == pytest.approx(14_515.755273)
    # cash tied up: 14,515.755273 * 2,000 = 29,031,510.55 for 6 days at 16% = 76,356.85
    assert air.value_in_transit_rwf == pytest.approx(29_031_510.546)
    assert air.transit_cost_rwf == pytest.approx(76_356.85, abs=0.01)
    assert air.transit_cost_per_unit_rwf == pytest.approx(38.178, abs=1e-3)
    assert air.days == 6


def test_compare_modes_coffee_by_sea_and_courier_hand_worked():
    c = compare_modes(*COFFEE, route="dar")
    # sea: 1.8 CBM of a USD 3,000 ship and a USD 3,500 truck, 67 CBM each:
    # 1.8 * 6,500 / 67 = USD 174.6269 = RWF 255,129.85; per pack 127.5649
    assert c.sea.freight_rwf == pytest.approx(1.8 * 6_500 / 67 * 1_461)
    assert c.sea.landed.freight == pytest.approx(127.5649, abs=1e-4)
    assert c.sea.billed_quantity == pytest.approx(1.8) and c.sea.billed_unit == "CBM"
    assert c.sea.days == 36
    # courier: volume weight 36,000 / 5,000 = 7.2 kg a carton * 50 = 360 kg < 560 kg;
    # 560 * USD 12 = USD 6,720 = RWF 9,817,920; 4,908.96 a pack; no separate fees
    assert c.courier.freight_rwf == pytest.approx(9_817_920)
    assert c.courier.landed.fees == 0
    # sea is cheapest even after 36 days of cash tied up
    assert c.cheapest == "sea"
    # Mombasa: a dearer truck (USD 4,000) and a day longer
    m = compare_modes(*COFFEE, route="mombasa")
    assert m.sea.freight_rwf == pytest.approx(1.8 * 7_000 / 67 * 1_461)
    assert m.sea.days == 37
    assert m.air == c.air


def test_small_shipments_go_by_air_or_courier():
    # 40 packs: sea pays fees of USD 450 for one carton -> RWF 16,436 a pack in fees alone
    c = compare_modes(40, 0.28, 40, 40, 30, 30, 8.0)
    assert c.sea.landed.fees == pytest.approx(450 * 1461 / 40)
    assert c.cheapest in ("air", "courier")
    assert c.sea.billed_quantity == 1.0  # the 1 CBM minimum


def test_compare_modes_duty_before_the_zero_tariff_and_in_retail_channel():
    before = date(2024, 6, 1)
    general = compare_modes(*COFFEE, shipped_on=before)
    assert general.duty_rate == 0.15 and general.vat_rate == 0.13
    cif = general.air.landed.cif
    assert general.air.landed.duty == pytest.approx(0.15 * cif)
    # 4 packs a buyer order: 4 * 8 * 1,461 / 203 = CNY 230.30 -> within the limits
    retail = compare_modes(*COFFEE, shipped_on=before, cross_border_retail=True, units_per_order=4)
    assert retail.order_value_cny == pytest.approx(4 * 8 * 1461 / 203)
    assert retail.fits_cbec_limits is True
    assert retail.duty_rate == 0 and retail.vat_rate == pytest.approx(0.091)
    assert retail.air.landed.total < general.air.landed.total
    # 100 packs an order: CNY 5,757.64 > 5,000 -> general trade
    big = compare_modes(*COFFEE, shipped_on=before, cross_border_retail=True, units_per_order=100)
    assert big.fits_cbec_limits is False
    assert big.duty_rate == 0.15 and big.vat_rate == 0.13


def test_compare_modes_accepts_arrays_of_shipment_sizes():
    sizes = np.array([40, 400, 4000])
    c = compare_modes(sizes, 0.28, 40, 40, 30, 30, 8.0)
    assert c.air.landed.total.shape == (3,)
    expected = [compare_modes(int(n), 0.28, 40, 40, 30, 30, 8.0).sea.landed.total for n in sizes]
    np.testing.assert_allclose(c.sea.landed.total, expected)
    assert list(c.cheapest) == [
        compare_modes(int(n), 0.28, 40, 40, 30, 30, 8.0).cheapest for n in sizes
    ]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"units": 0}, "units must be a whole number of at least 1"),
        ({"units": 10.5}, "units must be a whole number"),
        ({"unit_weight_kg": -0.1}, "unit_weight_kg cannot be negative"),
        ({"carton_length_cm": 0}, "carton_length_cm|length_cm must be greater than zero"),
        ({"route": "beira"}, "route must be one of"),
        ({"rwf_per_usd": 0}, "rwf_per_usd must be greater than zero"),
        ({"vat_rate": 1.0}, "vat_rate is a share"),
    ],
)
def test_compare_modes_rejects_impossible_input(kwargs, words):
    args = dict(
        zip(
            [
                "units",
                "unit_weight_kg",
                "units_per_carton",
                "carton_length_cm",
                "carton_width_cm",
                "carton_height_cm",
                "goods_value_usd",
            ],
            COFFEE,
            strict=True,
        )
    )
    with pytest.raises(ValueError, match=words):
        compare_modes(**(args | kwargs))


# --- EOQ, safety stock, reorder point ---------------------------------------------------


def test_eoq_hand_worked():
    # the textbook case: sqrt(2 * 1,200 * 100 / 6) = sqrt(40,000) = 200
    assert eoq(1_200, 100, 6) == pytest.approx(200)
    # 20 packs a day = 7,300 a year; RWF 15,000 an order; 25% of RWF 7,000 = 1,750 a year:
    # sqrt(2 * 7,300 * 15,000 / 1,750) = sqrt(125,142.86) = 353.755
    assert eoq(7_300, 15_000, 1_750) == pytest.approx(353.7553634, rel=1e-9)
    np.testing.assert_allclose(eoq(np.array([1_200, 4_800]), 100, 6), [200, 400])
    with pytest.raises(ValueError, match="holding_cost_per_unit_year must be greater than zero"):
        eoq(1_200, 100, 0)


def test_safety_stock_and_reorder_point_hand_worked():
    # z(0.95) = 1.644854; 1.644854 * 8 * sqrt(4) = 26.3177
    assert safety_stock(8, 4, 0.95) == pytest.approx(1.6448536269514722 * 16)
    # z(0.975) = 1.959964; 1.959964 * 10 * sqrt(9) = 58.7989
    assert safety_stock(10, 9, 0.975) == pytest.approx(58.79891953620162)
    # 20 a day for 4 days = 80, plus 26.3177
    assert reorder_point(20, 8, 4, 0.95) == pytest.approx(80 + 1.6448536269514722 * 16)
    # no spread: no safety stock
    assert safety_stock(0, 7, 0.99) == 0
    assert reorder_point(20, 0, 5, 0.9) == pytest.approx(100)
    # 50% service: z = 0, the mean demand during the lead time
    assert reorder_point(20, 8, 5, 0.5) == pytest.approx(100)


@pytest.mark.parametrize("level", [0, 1, 1.2, -0.5])
def test_service_level_must_be_strictly_between_0_and_1(level):
    with pytest.raises(ValueError, match="service_level must be above 0 and below 1"):
        safety_stock(8, 4, level)
    with pytest.raises(ValueError, match="service_level must be above 0 and below 1"):
        reorder_point(20, 8, 4, level)


def test_stock_formulas_reject_negative_input():
    with pytest.raises(ValueError, match="sd_daily_demand cannot be negative"):
        safety_stock(-1, 4, 0.9)
    with pytest.raises(ValueError, match="lead_time_days cannot be negative"):
        reorder_point(20, 8, -4, 0.9)
    with pytest.raises(ValueError, match="mean_daily_demand cannot be negative"):
        reorder_point(-20, 8, 4, 0.9)


@settings(max_examples=200, deadline=None)
@given(
    mean=st.floats(0, 1_000),
    sd=st.floats(0.01, 500),
    lead=st.floats(0.5, 60),
    low=st.floats(0.01, 0.98),
    gap=st.floats(0.001, 0.5),
)
def test_reorder_point_rises_with_service_level(mean, sd, lead, low, gap):
    high = min(low + gap, 0.999)
    assume(high > low)
    assert reorder_point(mean, sd, lead, high) > reorder_point(mean, sd, lead, low)


# --- the newsvendor ---------------------------------------------------------------------


def test_newsvendor_hand_worked():
    # ratio (12 - 7) / (12 - 2) = 0.5: stock the mean
    assert newsvendor_quantity(2_000, 500, 12, 7, 2) == pytest.approx(2_000)
    # ratio (12 - 4) / (12 - 2) = 0.8, z = 0.841621: 2,000 + 0.841621 * 500 = 2,420.81
    assert newsvendor_quantity(2_000, 500, 12, 4, 2) == pytest.approx(2_420.8106, rel=1e-7)
    # livestream default in RWF: (14,610 - 7,000) / (14,610 - 4,000) = 0.717248,
    # z = 0.574685: 2,500 + 0.574685 * 700 = 2,902.28
    q = newsvendor_quantity(2_500, 700, 14_610, 7_000, 4_000)
    assert q == pytest.approx(2_500 + normal_quantile(7_610 / 10_610) * 700)
    assert q == pytest.approx(2_902.28, abs=0.01)
    # no spread: exactly the mean
    assert newsvendor_quantity(2_000, 0, 12, 7) == 2_000


def test_newsvendor_edge_cases():
    # price does not cover the cost: prepare nothing
    assert newsvendor_quantity(2_000, 500, 7, 7) == 0
    assert newsvendor_quantity(2_000, 500, 5, 7) == 0
    # a very low ratio with a wide spread would go below zero: never negative
    assert newsvendor_quantity(100, 500, 10, 9.9, 0) == 0
    # leftovers that cost money to clear (negative salvage) lower the stock
    assert newsvendor_quantity(2_000, 500, 12, 7, -3) < 2_000
    np.testing.assert_allclose(
        newsvendor_quantity(2_000, np.array([0.0, 500.0]), 12, 7, 2), [2_000, 2_000]
    )
    with pytest.raises(ValueError, match="salvage_value must be below unit_cost"):
        newsvendor_quantity(2_000, 500, 12, 7, 7)
    with pytest.raises(ValueError, match="sd_demand cannot be negative"):
        newsvendor_quantity(2_000, -1, 12, 7)


def test_lost_sales_and_leftover_hand_worked():
    # at the mean: sd * L(0) = 500 * 0.398942 = 199.47 of each
    assert expected_lost_sales(2_000, 2_000, 500) == pytest.approx(199.4711402)
    assert expected_leftover(2_000, 2_000, 500) == pytest.approx(199.4711402)
    # one sd above the mean: lost = 500 * L(1) = 41.66; leftover = 500 + 41.66
    assert expected_lost_sales(2_500, 2_000, 500) == pytest.approx(500 * 0.0833154705876863)
    assert expected_leftover(2_500, 2_000, 500) == pytest.approx(500 + 500 * 0.0833154705876863)
    # no spread: plain differences
    assert expected_lost_sales(1_500, 2_000, 0) == 500
    assert expected_leftover(1_500, 2_000, 0) == 0
    assert expected_leftover(2_500, 2_000, 0) == 500
    # no stock: all demand is lost. The normal model lets demand go below zero 4 sd under
    # the mean; E[max(D, 0)] = 2,000 + 500 * L(4) = 2,000 + 500 * 7.145e-6 = 2,000.0036
    np.testing.assert_allclose(
        expected_lost_sales(np.array([0.0, 1e6]), 2_000, 500), [2_000.0035726, 0], atol=1e-6
    )


def test_critical_ratio_sales_and_sellout_hand_worked():
    # one too few loses 12 - 4 = 8; one too many loses 4 - 2 = 2; below cost no margin
    assert newsvendor_costs(12, 4, 2) == (8, 2)
    assert newsvendor_costs(5, 7, 2) == (0, 5)
    # (12 - 4) / (12 - 2) = 0.8; price below cost: 0
    assert critical_ratio(12, 4, 2) == pytest.approx(0.8)
    assert critical_ratio(5, 7, 2) == 0
    np.testing.assert_allclose(critical_ratio(np.array([12, 22]), 7, 2), [0.5, 0.75])
    # at the mean half the time everything sells; sales = 2,000 - 199.47
    assert sellout_probability(2_000, 2_000, 500) == pytest.approx(0.5)
    assert expected_sales(2_000, 2_000, 500) == pytest.approx(2_000 - 199.4711402)
    # one sd above the mean: P(Z >= 1) = 0.158655
    assert sellout_probability(2_500, 2_000, 500) == pytest.approx(0.15865525393145707)
    # no spread: certain
    assert sellout_probability(1_999, 2_000, 0) == 1 and sellout_probability(2_001, 2_000, 0) == 0
    assert expected_sales(2_500, 2_000, 0) == 2_000 and expected_sales(1_500, 2_000, 0) == 1_500
    # at the best stock, the chance of selling out is 1 - the critical ratio
    best = newsvendor_quantity(2_500, 700, 14_610, 7_000, 4_000)
    assert sellout_probability(best, 2_500, 700) == pytest.approx(
        1 - critical_ratio(14_610, 7_000, 4_000)
    )
    with pytest.raises(ValueError, match="salvage_value must be below unit_cost"):
        critical_ratio(12, 4, 5)


def test_closed_forms_match_a_monte_carlo():
    rng = np.random.default_rng(7)
    demand = rng.normal(2_500, 700, size=400_000)
    stock = 2_900
    lost = np.maximum(demand - stock, 0).mean()
    left = np.maximum(stock - demand, 0).mean()
    sold = np.minimum(demand, stock)
    profit = (14_610 * sold + 4_000 * (stock - sold) - 7_000 * stock).mean()
    assert expected_lost_sales(stock, 2_500, 700) == pytest.approx(lost, rel=0.01)
    assert expected_leftover(stock, 2_500, 700) == pytest.approx(left, rel=0.01)
    assert newsvendor_expected_profit(stock, 2_500, 700, 14_610, 7_000, 4_000) == pytest.approx(
        profit, rel=0.002
    )


def test_expected_profit_hand_worked():
    # no spread, stock = demand = 2,000: 2,000 * (12 - 7) = 10,000
    assert newsvendor_expected_profit(2_000, 2_000, 0, 12, 7, 2) == pytest.approx(10_000)
    # no spread, 500 too many: 2,000 * 12 + 500 * 2 - 2,500 * 7 = 24,000 + 1,000 - 17,500
    assert newsvendor_expected_profit(2_500, 2_000, 0, 12, 7, 2) == pytest.approx(7_500)


@settings(max_examples=300, deadline=None)
@given(
    mean=st.floats(100, 10_000),
    cv=st.floats(0.05, 0.6),
    price=st.floats(2, 100),
    margin=st.floats(0.05, 0.95),
    salvage_share=st.floats(-0.5, 0.95),
    step=st.floats(0.002, 0.5),
)
def test_newsvendor_quantity_beats_nearby_quantities(mean, cv, price, margin, salvage_share, step):
    sd = mean * cv
    cost = price * (1 - margin)
    salvage = cost * salvage_share
    best = newsvendor_quantity(mean, sd, price, cost, salvage)
    args = (mean, sd, price, cost, salvage)
    at_best = newsvendor_expected_profit(best, *args)
    nearby = np.array([max(best - step * mean, 0.0), best + step * mean])
    around = newsvendor_expected_profit(nearby, *args)
    assert np.all(around <= at_best + 1e-9 * abs(at_best))
