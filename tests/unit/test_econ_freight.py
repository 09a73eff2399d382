"""isoko.econ.freight against hand-worked examples, closed forms and properties."""

import doctest
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isoko.econ import freight
from isoko.econ.freight import (
    air_freight_cost,
    chargeable_weight_kg,
    compare_modes,
    container_share_cost,
    door_to_door_days,
    transit_capital_cost,
    volume_cbm,
)

# A made-up shipment used by several hand-worked tests (not a course's: the courses'
# coffee pack is 500 g): 2,000 small packs of 250 g coffee, 0.28 kg each
# with packaging, 40 to a 40 x 30 x 30 cm carton, declared at USD 8 a pack, RWF 1,461
# per USD and RWF 203 per CNY.
COFFEE = (2000, 0.28, 40, 40, 30, 30, 8.0)


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(freight)
    assert attempted >= 9
    assert failed == 0


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
    for route in freight.SEA_ROUTES.values():
        assert "sourced" in route.source and "assumption" in route.source
    assert freight.SEA_ROUTES["dar"].truck_40ft_usd == 3500  # sourced


def test_transit_capital_cost_hand_worked():
    # RWF 29,031,510.55 in transit for 6 days at 16% a year:
    # 29,031,510.55 * 6 / 365 * 0.16 = 76,356.85
    assert transit_capital_cost(29_031_510.546, 6, 0.16) == pytest.approx(76_356.85, abs=0.01)
    assert transit_capital_cost(1_000, 0, 0.16) == 0
    with pytest.raises(ValueError, match="annual_cost_of_capital is a share"):
        transit_capital_cost(1_000, 10, 1.2)


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
    # the retail channel taxes the price paid (USD 8 a pack), not the CIF value:
    # 9.1% of 8 * 1,461 = RWF 1,063.61 a pack, by air, sea or courier alike
    for mode in ("air", "sea", "courier"):
        assert retail.quote(mode).landed.vat == pytest.approx(0.091 * 8 * 1461)
    assert general.air.landed.vat == pytest.approx(0.13 * (cif + 0.15 * cif))
    # 100 packs an order: CNY 5,757.64 > 5,000 -> general trade
    big = compare_modes(*COFFEE, shipped_on=before, cross_border_retail=True, units_per_order=100)
    assert big.fits_cbec_limits is False
    assert big.duty_rate == 0.15 and big.vat_rate == 0.13


def test_retail_channel_taxes_the_shop_price_not_the_customs_value():
    # Aline's bottle (logistics lesson 1): customs value USD 1.81, shop price CNY 39.
    # Retail VAT 9.1% of CNY 39 x RWF 203 = 9.1% of RWF 7,917 = RWF 720.45 a bottle,
    # whatever the mode; on the customs value it would be only RWF 240.65.
    bottle = (1_200, 0.42, 24, 35, 25, 22, 1.81)
    retail = compare_modes(*bottle, cross_border_retail=True, units_per_order=4, shop_price_cny=39)
    for mode in ("air", "sea", "courier"):
        assert retail.quote(mode).landed.vat == pytest.approx(0.091 * 39 * 203)
    assert retail.order_value_cny == pytest.approx(4 * 39)
    general = compare_modes(*bottle, shop_price_cny=39)  # general trade ignores the shop price
    assert general.air.landed.vat == pytest.approx(0.13 * general.air.landed.cif)
    # an order of 4 bottles at CNY 1,300 is CNY 5,200: over the limit, general trade
    dear = compare_modes(*bottle, cross_border_retail=True, units_per_order=4, shop_price_cny=1_300)
    assert dear.fits_cbec_limits is False and dear.vat_rate == 0.13


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
