"""isoko.econ.capacity against closed forms and hand-worked examples."""

import doctest
import math

import numpy as np
import pytest

from isoko.econ import capacity, fx
from isoko.econ.capacity import (
    DEFAULT_SEASONS,
    Season,
    best_price_in_season,
    best_single_price,
    demand_per_day,
    expected_payout_with_cancellations,
    outcome_at_price,
    plan_year,
    price_to_fill,
)

# Two seasons worked by hand. Cost RWF 20,000 a guest, commission 20%, 8 places a day,
# elasticity -2, so the unconstrained best price is 20,000 / 0.8 x (-2) / (-1) = 50,000.
LOW = Season("low", 90, 50_000, 4, -2)
PEAK = Season("peak", 100, 50_000, 32, -2)
PLACES, COST, COMMISSION = 8, 20_000, 0.2


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(capacity)
    assert attempted >= 6
    assert failed == 0


def test_demand_is_the_constant_elasticity_curve():
    # 4 x (100,000 / 50,000) ** -2 = 4 / 4 = 1
    assert demand_per_day(LOW, 100_000) == pytest.approx(1.0)
    assert demand_per_day(LOW, 50_000) == pytest.approx(4.0)
    for price in (10_000, 73_000, 250_000):
        assert demand_per_day(PEAK, price) == pytest.approx(32 * (price / 50_000) ** -2)


def test_price_to_fill_is_the_inverse_of_demand():
    # 50,000 x (8 / 32) ** (1 / -2) = 50,000 x 2 = 100,000
    assert price_to_fill(PEAK, 8) == pytest.approx(100_000)
    assert price_to_fill(LOW, 4) == pytest.approx(50_000)
    for places in (1, 3.5, 12, 40):
        assert demand_per_day(PEAK, price_to_fill(PEAK, places)) == pytest.approx(places)
    # more places, lower price
    assert price_to_fill(PEAK, 16) < price_to_fill(PEAK, 8)


def test_low_season_leaves_places_empty_at_the_unconstrained_price():
    best = best_price_in_season(LOW, PLACES, COST, COMMISSION)
    # p = 50,000 (demand 4 < 8 places); revenue 50,000 x 4 x 90 = 18,000,000;
    # payout x 0.8 = 14,400,000; profit - 20,000 x 4 x 90 = 7,200,000
    assert best.season == "low"
    assert best.price_rwf == pytest.approx(50_000)
    assert best.places_sold_per_day == pytest.approx(4)
    assert best.full is False
    assert best.revenue_rwf == pytest.approx(18_000_000)
    assert best.payout_rwf == pytest.approx(14_400_000)
    assert best.profit_rwf == pytest.approx(7_200_000)


def test_peak_season_raises_the_price_until_the_places_just_fill():
    best = best_price_in_season(PEAK, PLACES, COST, COMMISSION)
    # demand at 50,000 is 32 > 8: the price rises to 100,000 where exactly 8 are asked;
    # revenue 100,000 x 8 x 100 = 80,000,000; payout 64,000,000; profit - 16,000,000
    assert best.price_rwf == pytest.approx(100_000)
    assert best.places_sold_per_day == PLACES
    assert best.full is True
    assert best.revenue_rwf == pytest.approx(80_000_000)
    assert best.payout_rwf == pytest.approx(64_000_000)
    assert best.profit_rwf == pytest.approx(48_000_000)


@pytest.mark.parametrize("season", [LOW, PEAK, *DEFAULT_SEASONS])
def test_no_other_price_earns_more_in_a_season(season):
    best = best_price_in_season(season, PLACES, COST, COMMISSION)
    for step in range(1, 400):
        price = best.price_rwf * step / 100
        other = outcome_at_price(season, price, PLACES, COST, COMMISSION)
        assert other.profit_rwf <= best.profit_rwf * (1 + 1e-12)
    # the unconstrained price is the closed form cost / (1 - c) x e / (1 + e)
    e = season.elasticity
    assert best.price_rwf >= COST / (1 - COMMISSION) * e / (1 + e) - 1e-6


def test_fixed_cost_per_day_lowers_profit_not_price():
    without = best_price_in_season(PEAK, PLACES, COST, COMMISSION)
    with_fixed = best_price_in_season(PEAK, PLACES, COST, COMMISSION, 30_000)
    assert with_fixed.price_rwf == without.price_rwf
    # 30,000 a day x 100 days
    assert without.profit_rwf - with_fixed.profit_rwf == pytest.approx(3_000_000)


def test_a_cost_of_zero_still_fills_the_places():
    best = best_price_in_season(LOW, PLACES, 0, COMMISSION)
    assert best.full is True
    assert best.price_rwf == pytest.approx(price_to_fill(LOW, PLACES))


def test_plan_year_prices_each_season_in_order():
    plan = plan_year([PEAK, LOW], PLACES, COST, COMMISSION)
    assert [item.season for item in plan] == ["peak", "low"]
    assert plan[0] == best_price_in_season(PEAK, PLACES, COST, COMMISSION)
    assert plan[1] == best_price_in_season(LOW, PLACES, COST, COMMISSION)


def test_best_single_price_hand_worked():
    single = best_single_price([LOW, PEAK], PLACES, COST, COMMISSION)
    # Between 50,000 and 100,000 the year's profit rises (slope 640 - 36 RWF per RWF at
    # 100,000) and above it falls (-320 - 36), so the best single price is the peak's
    # 100,000: peak 48,000,000 as above; low sells 1 a day: 9,000,000 x 0.8 - 1,800,000
    # = 5,400,000; year 53,400,000, against 55,200,000 with a price per season.
    assert single.season == "all year"
    assert single.price_rwf == pytest.approx(100_000, abs=1)
    assert single.profit_rwf == pytest.approx(53_400_000, rel=1e-6)
    assert single.revenue_rwf == pytest.approx(89_000_000, rel=1e-6)
    # (8 x 100 + 1 x 90) / 190 days
    assert single.places_sold_per_day == pytest.approx(890 / 190, rel=1e-5)
    assert single.full is False
    seasonal = sum(item.profit_rwf for item in plan_year([LOW, PEAK], PLACES, COST, COMMISSION))
    assert seasonal == pytest.approx(55_200_000)


@pytest.mark.parametrize("places", [2, 5, 8, 12, 30])
def test_single_price_never_beats_the_seasonal_plan_and_is_the_best_single(places):
    single = best_single_price(DEFAULT_SEASONS, places, COST, capacity.BOOKING_COMMISSION)
    plan = plan_year(DEFAULT_SEASONS, places, COST, capacity.BOOKING_COMMISSION)
    assert single.profit_rwf <= sum(item.profit_rwf for item in plan) + 1e-6

    def year(price):
        return sum(
            outcome_at_price(s, price, places, COST, capacity.BOOKING_COMMISSION).profit_rwf
            for s in DEFAULT_SEASONS
        )

    # a brute-force search from RWF 20,000 to 420,000 finds nothing better
    brute = max(year(20_000 + 100 * i) for i in range(4_000))
    assert single.profit_rwf >= brute - 1e-6
    assert single.profit_rwf == pytest.approx(year(single.price_rwf))


def test_one_season_single_price_is_the_seasonal_price():
    single = best_single_price([PEAK], PLACES, COST, COMMISSION)
    assert single.price_rwf == pytest.approx(100_000)
    assert single.profit_rwf == pytest.approx(48_000_000)
    assert single.full is True


def test_the_default_year_fills_six_places_and_leaves_ten_empty_in_the_rains():
    assert sum(season.days for season in DEFAULT_SEASONS) == 365
    assert DEFAULT_SEASONS[0].reference_price_rwf == 100 * fx.RWF_PER_USD_MID_2026
    cost, commission = capacity.DEFAULT_COST_PER_GUEST_RWF, capacity.AIRBNB_EXPERIENCES_COMMISSION
    # unconstrained: 30,000 / 0.8 x 2 = 75,000, where even the long rains ask for
    # 2.5 x (75,000 / 146,100) ** -2 = 9.49 guests a day
    six = plan_year(DEFAULT_SEASONS, capacity.DEFAULT_PLACES_PER_DAY, cost, commission)
    assert all(item.full for item in six)
    # long dry: 146,100 x (6 / 8) ** -0.5 = 168,701.7; long rains: x (6 / 2.5) ** -0.5
    assert six[0].price_rwf == pytest.approx(168_701.7, abs=0.1)
    assert six[3].price_rwf == pytest.approx(146_100 * (6 / 2.5) ** -0.5)
    ten = {item.season: item for item in plan_year(DEFAULT_SEASONS, 10, cost, commission)}
    assert [name for name, item in ten.items() if item.full] == [
        "long dry",
        "short rains",
        "short dry",
    ]
    assert ten["long rains"].price_rwf == pytest.approx(75_000)
    assert ten["long rains"].places_sold_per_day == pytest.approx(2.5 * (75_000 / 146_100) ** -2)


def test_cancellations_hand_worked():
    # 8 honoured x 50,000 = 400,000; 2 cancelled x 30% deposit = 30,000;
    # 430,000 paid, 344,000 after 20% commission
    assert expected_payout_with_cancellations(50_000, 10, 0.2, 0.3, 0.2) == pytest.approx(344_000)


def test_cancellations_with_no_deposit_and_a_full_deposit():
    # no deposit: only the honoured bookings pay
    assert expected_payout_with_cancellations(50_000, 10, 0.2, 0, 0.2) == pytest.approx(
        10 * 0.8 * 50_000 * 0.8
    )
    # a non-refundable full prepayment: cancellations do not matter
    for cancel in (0, 0.2, 1):
        assert expected_payout_with_cancellations(50_000, 10, cancel, 1, 0.2) == pytest.approx(
            400_000
        )
    # no cancellations: deposit does not matter
    assert expected_payout_with_cancellations(50_000, 10, 0, 0.5, 0.15) == pytest.approx(425_000)


@pytest.mark.parametrize("elasticity", [-1, -0.5, 0, 1.5])
def test_elasticity_of_minus_one_or_above_is_refused(elasticity):
    with pytest.raises(ValueError, match="elasticity must be below -1"):
        Season("low", 90, 50_000, 4, elasticity)


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="places_per_day must be greater than zero"):
        best_price_in_season(LOW, -3, COST, COMMISSION)
    with pytest.raises(ValueError, match="places_per_day must be greater than zero"):
        price_to_fill(LOW, 0)
    with pytest.raises(ValueError, match="commission_rate .* below 1"):
        best_price_in_season(LOW, PLACES, COST, 1)
    with pytest.raises(ValueError, match="commission_rate .* below 1"):
        plan_year([LOW], PLACES, COST, 1.2)
    with pytest.raises(ValueError, match="commission_rate .* below 1"):
        expected_payout_with_cancellations(50_000, 10, 0.2, 0.3, 1)
    with pytest.raises(ValueError, match="cost_per_guest_rwf cannot be negative"):
        best_price_in_season(LOW, PLACES, -1, COMMISSION)
    with pytest.raises(ValueError, match="cancel_rate is the share"):
        expected_payout_with_cancellations(50_000, 10, 1.2, 0.3, 0.2)
    with pytest.raises(ValueError, match="deposit_rate is the share"):
        expected_payout_with_cancellations(50_000, 10, 0.2, -0.1, 0.2)
    with pytest.raises(ValueError, match="days must be a whole number"):
        Season("none", 0, 50_000, 4, -2)
    with pytest.raises(ValueError, match="days must be a whole number"):
        Season("none", 90.5, 50_000, 4, -2)
    assert Season("from a table", np.int64(90), 50_000, 4, -2).days == 90
    with pytest.raises(ValueError, match="reference_demand_per_day must be greater"):
        Season("none", 10, 50_000, 0, -2)
    with pytest.raises(ValueError, match="price_rwf must be a number, not NaN"):
        demand_per_day(LOW, math.nan)
    with pytest.raises(ValueError, match="at least one season"):
        best_single_price([], PLACES, COST, COMMISSION)
