"""isoko.econ.stock: EOQ, safety stock and reorder point against hand-worked examples,
and the Monte Carlo stock simulation against hand calculations, a plain loop over paths
and its own properties."""

import doctest

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from isoko.econ import stock
from isoko.econ.stock import (
    StockSimulation,
    daily_holding_cost,
    draw_normals,
    eoq,
    reorder_point,
    safety_stock,
    simulate_stock,
    stock_percentiles,
    suggest_policy,
)


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(stock)
    assert attempted >= 6 and failed == 0


def test_daily_holding_cost_hand_worked():
    # RWF 7,000 a pack at 25% a year: 7,000 * 0.25 / 365 = RWF 4.79 a day
    assert daily_holding_cost(7_000, 0.25) == pytest.approx(4.794520548)
    with pytest.raises(ValueError, match="unit_cost cannot be negative"):
        daily_holding_cost(-1, 0.25)


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


def test_safety_stock_covers_a_lead_time_that_varies_hand_worked():
    # 10 a day (sd 3) over 16 days, the lead time's sd 1.6 days:
    # sqrt(16 * 3**2 + 10**2 * 1.6**2) = sqrt(144 + 256) = 20 units of spread
    z95 = 1.6448536269514722
    varied = safety_stock(3, 16, 0.95, mean_daily_demand=10, sd_lead_time_days=1.6)
    assert varied == pytest.approx(20 * z95)
    # the same lead time, fixed: only the busy days, 3 * sqrt(16) = 12
    assert safety_stock(3, 16, 0.95, mean_daily_demand=10) == pytest.approx(12 * z95)
    # the reorder point adds 160 expected sales to the larger safety stock
    assert reorder_point(10, 3, 16, 0.95, sd_lead_time_days=1.6) == pytest.approx(160 + 20 * z95)
    # steady sales (sd 0): the late days alone, 10 a day x 1.6 days x z
    assert safety_stock(0, 16, 0.95, mean_daily_demand=10, sd_lead_time_days=1.6) == (
        pytest.approx(16 * z95)
    )
    with pytest.raises(ValueError, match="sd_lead_time_days"):
        reorder_point(10, 3, 16, 0.95, sd_lead_time_days=-1)


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


# --- the Monte Carlo ---------------------------------------------------------------------


def test_fixed_demand_and_lead_time_equal_the_hand_calculation():
    # 10 packs a day, delivery 3 days after ordering, order 50 at 30 or below, start 60.
    # End-of-day stock: day 1: 50, 2: 40, 3: 30 -> order (arrives at the start of day 6),
    # 4: 20, 5: 10, 6: 10 + 50 - 10 = 50, 7: 40, 8: 30 -> order (arrives after day 10),
    # 9: 20, 10: 10. Sum 300, so 30 on average; 2 orders; never short.
    r = simulate_stock(
        30,
        50,
        10,
        0,
        lead_time_days=3,
        days=10,
        paths=3,
        initial_stock=60,
        holding_cost_per_unit_day=2,
        order_cost=100,
        lost_sale_cost=1_000,
    )
    assert isinstance(r, StockSimulation)
    assert r.average_stock == pytest.approx(30)
    assert r.orders_per_path == 2
    assert r.fill_rate == 1 and r.stockout_probability == 0 and r.stockout_day_share == 0
    assert r.demand_units == 100 and r.lost_units == 0
    # holding 300 unit-days * 2 = 600; ordering 2 * 100 = 200; no lost sales
    assert (r.holding_cost, r.ordering_cost, r.lost_sales_cost) == (600, 200, 0)
    assert r.total_cost == 800
    for row in r.stock_percentiles:
        np.testing.assert_array_equal(row, [50, 40, 30, 20, 10, 50, 40, 30, 20, 10])
    np.testing.assert_array_equal(r.mean_stock_by_day, [50, 40, 30, 20, 10, 50, 40, 30, 20, 10])


def test_a_late_delivery_loses_sales_as_calculated_by_hand():
    # 10 a day, lead time 4, order 50 at 20 or below, start 40, 8 days:
    # day 1: 30, 2: 20 -> order (arrives day 6), 3: 10, 4: 0, 5: 0 with 10 lost,
    # 6: 50 - 10 = 40, 7: 30, 8: 20 -> order. Stock sum 150 (18.75 a day); 80 asked,
    # 70 sold: fill rate 0.875; one stock-out day in 8, on every path.
    r = simulate_stock(
        20,
        50,
        10,
        0,
        lead_time_days=4,
        days=8,
        paths=5,
        initial_stock=40,
        lost_sale_cost=3_000,
        order_cost=500,
    )
    assert r.average_stock == pytest.approx(18.75)
    assert r.fill_rate == pytest.approx(0.875)
    assert r.lost_units == 10 and r.lost_sales_cost == 30_000
    assert r.stockout_probability == 1 and r.stockout_day_share == pytest.approx(1 / 8)
    assert r.orders_per_path == 2 and r.ordering_cost == 1_000
    np.testing.assert_array_equal(r.stock_percentiles[2], [30, 20, 10, 0, 0, 40, 30, 20])


def test_default_start_is_reorder_point_plus_order_quantity():
    r = simulate_stock(30, 50, 10, 0, days=1, paths=1)
    assert r.stock_percentiles[0, 0] == 30 + 50 - 10


def _loop_reference(s, q, mean, sd, lo, hi, days, paths, start, seed):
    """The same policy one path at a time in plain Python, drawing the same random
    numbers in the same order as the vectorised version."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((days, paths), dtype=np.float32)
    wants = np.maximum(np.rint(z * np.float32(sd) + np.float32(mean)), 0).astype(int)
    on_hand = [start] * paths
    due = [dict() for _ in range(paths)]
    on_order = [0] * paths
    stock = np.zeros((days, paths), dtype=int)
    sold_total = orders = 0
    for t in range(days):
        ordering = []
        for p in range(paths):
            arriving = due[p].pop(t, 0)
            on_hand[p] += arriving
            on_order[p] -= arriving
            sold = min(on_hand[p], int(wants[t, p]))
            sold_total += sold
            on_hand[p] -= sold
            stock[t, p] = on_hand[p]
            if on_hand[p] + on_order[p] <= s:
                ordering.append(p)
        leads = rng.integers(lo, hi + 1, size=len(ordering)) if ordering else []
        for p, lead in zip(ordering, leads, strict=True):
            due[p][t + int(lead)] = due[p].get(t + int(lead), 0) + q
            on_order[p] += q
            orders += 1
    return stock, sold_total / wants.sum(), orders


def test_vectorised_simulation_matches_a_plain_loop_over_paths():
    args = dict(s=40, q=90, mean=12.0, sd=6.0, lo=2, hi=6, days=60, paths=40, start=100, seed=3)
    stock, fill, orders = _loop_reference(**args)
    r = simulate_stock(
        args["s"],
        args["q"],
        args["mean"],
        args["sd"],
        lead_time_days=args["lo"],
        lead_time_max_days=args["hi"],
        days=args["days"],
        paths=args["paths"],
        initial_stock=args["start"],
        seed=args["seed"],
    )
    assert r.fill_rate == pytest.approx(fill)
    assert r.orders_per_path == pytest.approx(orders / args["paths"])
    assert r.average_stock == pytest.approx(stock.mean())
    np.testing.assert_allclose(r.mean_stock_by_day, stock.mean(axis=1))
    np.testing.assert_array_equal(
        r.stock_percentiles, np.percentile(stock, r.percentiles, axis=1, method="inverted_cdf")
    )


def test_same_seed_same_result_and_a_new_seed_differs():
    kwargs = dict(lead_time_days=3, lead_time_max_days=8, paths=500, days=90)
    a = simulate_stock(100, 300, 20, 8, seed=11, **kwargs)
    b = simulate_stock(100, 300, 20, 8, seed=11, **kwargs)
    c = simulate_stock(100, 300, 20, 8, seed=12, **kwargs)
    assert a.fill_rate == b.fill_rate and a.total_cost == b.total_cost
    np.testing.assert_array_equal(a.stock_percentiles, b.stock_percentiles)
    assert not np.array_equal(a.stock_percentiles, c.stock_percentiles)


def test_normals_drawn_once_change_no_result():
    kwargs = dict(lead_time_days=2, lead_time_max_days=9, paths=300, days=40, seed=5)
    fresh = simulate_stock(50, 120, 15, 6, **kwargs)
    normals = draw_normals(5, 40, 300)
    assert not normals.values.flags.writeable
    for _ in range(2):  # the draws and the generator's state are reused, not used up
        again = simulate_stock(50, 120, 15, 6, normals=normals, **kwargs)
        assert again.fill_rate == fresh.fill_rate
        assert again.orders_per_path == fresh.orders_per_path
        np.testing.assert_array_equal(again.stock_percentiles, fresh.stock_percentiles)


@pytest.mark.parametrize(
    ("seed", "days", "paths"), [(6, 40, 300), (5, 41, 300), (5, 40, 299)], ids=str
)
def test_normals_for_another_seed_or_shape_are_refused(seed, days, paths):
    normals = draw_normals(seed, days, paths)
    with pytest.raises(ValueError, match="normals were drawn for seed"):
        simulate_stock(50, 120, 15, 6, paths=300, days=40, seed=5, normals=normals)


def test_a_run_does_not_depend_on_the_runs_before_it():
    """Nothing is kept between calls: a run after others with other seeds and shapes
    equals the same run done first."""
    kwargs = dict(lead_time_days=2, lead_time_max_days=9, paths=300, days=40, seed=5)
    first = simulate_stock(50, 120, 15, 6, **kwargs)
    for seed in range(10, 14):
        simulate_stock(50, 120, 15, 6, **(kwargs | {"seed": seed}))
        simulate_stock(50, 120, 15, 6, **(kwargs | {"paths": 100}))
    again = simulate_stock(50, 120, 15, 6, **kwargs)
    assert again.fill_rate == first.fill_rate and again.orders_per_path == first.orders_per_path
    np.testing.assert_array_equal(again.stock_percentiles, first.stock_percentiles)


def test_fill_rate_rises_with_the_reorder_point():
    fills = [
        simulate_stock(s, 300, 20, 8, lead_time_days=3, lead_time_max_days=8, paths=2_000).fill_rate
        for s in (0, 40, 80, 120, 160, 200)
    ]
    assert all(a < b for a, b in zip(fills, fills[1:], strict=False)), fills
    risks = [
        simulate_stock(
            s, 300, 20, 8, lead_time_days=3, lead_time_max_days=8, paths=2_000
        ).stockout_probability
        for s in (40, 120, 200)
    ]
    assert risks[0] > risks[1] > risks[2]


def test_more_stock_costs_more_to_hold():
    low = simulate_stock(60, 200, 20, 8, paths=1_000, holding_cost_per_unit_day=5)
    high = simulate_stock(160, 200, 20, 8, paths=1_000, holding_cost_per_unit_day=5)
    assert high.average_stock > low.average_stock
    assert high.holding_cost == pytest.approx(5 * high.average_stock * 180)


def test_demand_draws_have_the_stated_means():
    # normal with a small spread: about 20 a day; Poisson: mean 20
    # (no stock at all: every buyer is counted, none served)
    empty = dict(paths=2_000, days=50, initial_stock=0, lead_time_days=100)
    normal = simulate_stock(0, 1, 20, 4, **empty)
    poisson = simulate_stock(0, 1, 20, demand="poisson", **empty)
    assert normal.fill_rate == 0
    assert normal.demand_units / 50 == pytest.approx(20, rel=0.01)
    assert poisson.demand_units / 50 == pytest.approx(20, rel=0.01)
    # a spread as large as the mean: cutting negative days at 0 raises the mean to
    # mu + sd * L(mu / sd) = 20 + 20 * 0.0833 = 21.67 (normal loss function)
    wide = simulate_stock(0, 1, 20, 20, **(empty | {"paths": 4_000}))
    assert wide.demand_units / 50 == pytest.approx(21.67, rel=0.01)


def test_lead_times_stay_in_their_range():
    # order 1 unit every day (the reorder point is never reached): every delivery lands
    # 2 to 5 days later, so nothing arrives on days 1-2 and something by day 6
    timing = dict(lead_time_days=2, lead_time_max_days=5, days=6, paths=200)
    r = simulate_stock(10**6, 1, 0, 0, initial_stock=0, **timing)
    mean = r.mean_stock_by_day
    assert mean[0] == 0 and mean[1] == 0
    assert mean[2] > 0 and mean[5] >= mean[4] >= mean[2]


def test_results_are_read_only():
    r = simulate_stock(30, 50, 10, 3, days=20, paths=10)
    with pytest.raises(ValueError):
        r.stock_percentiles[0, 0] = 1
    with pytest.raises(AttributeError):
        r.fill_rate = 0.5


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"reorder_point": -1}, "reorder_point must be a whole number of at least 0"),
        ({"order_quantity": 0}, "order_quantity must be a whole number of at least 1"),
        ({"order_quantity": 2.5}, "order_quantity must be a whole number"),
        ({"mean_daily_demand": -3}, "mean_daily_demand cannot be negative"),
        ({"sd_daily_demand": -1}, "sd_daily_demand cannot be negative"),
        ({"sd_daily_demand": None}, "normal demand needs sd_daily_demand"),
        ({"demand": "poisson"}, "Poisson demand has no separate spread"),
        ({"demand": "uniform"}, "demand must be 'normal' or 'poisson'"),
        ({"lead_time_days": 0}, "lead_time_days must be a whole number of at least 1"),
        ({"lead_time_days": 5, "lead_time_max_days": 3}, "must be at least lead_time_days"),
        ({"paths": 0}, "paths must be a whole number of at least 1"),
        ({"percentiles": (5, 120)}, "percentiles must be numbers from 0 to 100"),
        ({"order_cost": -1}, "order_cost cannot be negative"),
    ],
)
def test_impossible_input_is_refused(kwargs, words):
    args = {
        "reorder_point": 30,
        "order_quantity": 50,
        "mean_daily_demand": 10,
        "sd_daily_demand": 3,
        "days": 5,
        "paths": 5,
    } | kwargs
    with pytest.raises(ValueError, match=words):
        simulate_stock(**args)


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(
        np.int32,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=40),
        elements=st.integers(0, 300),
    ),
    st.lists(st.floats(0, 100), min_size=1, max_size=6),
)
def test_counted_percentiles_equal_numpy_inverted_cdf(stock, percentiles):
    got = stock_percentiles(stock, percentiles)
    expected = np.percentile(stock, percentiles, axis=1, method="inverted_cdf")
    np.testing.assert_array_equal(got, expected)


def test_a_full_run_is_ten_thousand_paths_of_180_days():
    # Its speed is measured by the benchmark (`make bench`), not asserted here.
    r = simulate_stock(
        100,
        300,
        20,
        8,
        seed=1,
        lead_time_days=3,
        lead_time_max_days=8,
        holding_cost_per_unit_day=4.8,
        order_cost=15_000,
        lost_sale_cost=5_000,
    )
    assert r.paths == 10_000 and r.days == 180


def test_suggested_policy_hand_worked():
    # 20 a day = 7,300 a year; RWF 15,000 an order; 25% of RWF 7,000 = 1,750 a year:
    # EOQ sqrt(2 * 7,300 * 15,000 / 1,750) = 353.76 -> 354.
    # Lead time 3 to 8 whole days (6 of them, evenly): mean 5.5, variance (6**2 - 1) / 12
    # = 2.9167; spread sqrt(5.5 * 8**2 + 20**2 * 2.9167) = sqrt(352 + 1,166.67) = 38.97;
    # safety stock 1.644854 * 38.97 = 64.10; reorder point 110 + 64.10 = 174.10 -> 175.
    s = suggest_policy(20, 8, 3, 8, 0.95, 15_000, 1_750)
    assert s.order_quantity == pytest.approx(353.7553634)
    assert s.lead_time_days == 5.5
    assert s.sd_lead_time_days == pytest.approx((35 / 12) ** 0.5)
    assert s.safety_stock == pytest.approx(1.6448536269514722 * 38.97007398846795)
    assert s.reorder_point == pytest.approx(174.10006754249872)
    assert (s.whole_order_quantity, s.whole_reorder_point) == (354, 175)
    # a fixed lead time of 4 days: 80 + 26.32 = 106.32 -> 107
    assert suggest_policy(20, 8, 4, None, 0.95, 15_000, 1_750).whole_reorder_point == 107
    with pytest.raises(ValueError, match="must be at least lead_time_days"):
        suggest_policy(20, 8, 8, 3, 0.95, 15_000, 1_750)
    with pytest.raises(ValueError, match="service_level must be above 0 and below 1"):
        suggest_policy(20, 8, 3, 8, 1.0, 15_000, 1_750)


def test_the_suggestion_covers_deliveries_that_run_late():
    # Deliveries drawn from 3 to 8 days: a plan for the average lead time alone (5.5 days,
    # reorder at 141) runs out on more days than the suggestion, whose safety stock
    # covers the late deliveries too (reorder at 175).
    s = suggest_policy(20, 8, 3, 8, 0.95, 15_000, 1_750)
    runs = {
        point: simulate_stock(
            point,
            s.whole_order_quantity,
            20,
            8,
            lead_time_days=3,
            lead_time_max_days=8,
            paths=2_000,
        )
        for point in (141, s.whole_reorder_point)
    }
    average_only, suggested = runs[141], runs[s.whole_reorder_point]
    assert suggested.stockout_day_share < average_only.stockout_day_share / 2
    assert suggested.fill_rate > 0.99
