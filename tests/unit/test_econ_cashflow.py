"""isoko.econ.cashflow against hand-worked days, fee tables from the facts, and properties."""

import doctest
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from isoko.econ import cashflow
from isoko.econ.cashflow import (
    AIRTEL_MONEY_MERCHANT_2020,
    AIRTEL_MONEY_TRANSFER_2020,
    MTN_MOMOPAY_MERCHANT_2026,
    MTN_MOMOPAY_PAYER_2026,
    FeeTable,
    FeeTier,
    cash_balance,
    first_negative_day,
    marketplace_payouts,
    pay_later,
    periodic,
    restock_purchases,
    shop_cash_flow,
    transaction_fee,
)


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(cashflow)
    assert attempted >= 9
    assert failed == 0


# --- fee tables -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        (1, 10),
        (1_000, 10),  # "up to 1,000" includes 1,000
        (1_001, 50),
        (10_000, 50),
        (10_001, 125),
        (150_000, 125),
        (150_001, 750),
        (2_000_000, 750),
    ],
)
def test_airtel_transfer_tiers_from_the_facts(amount, fee):
    assert transaction_fee(AIRTEL_MONEY_TRANSFER_2020, amount) == fee


def test_who_pays_is_written_on_each_table():
    # facts: MoMoPay free for the payer, 0.5% to the merchant above 4,000; Airtel
    # merchant payments free; Airtel transfers paid by the sender
    assert AIRTEL_MONEY_TRANSFER_2020.paid_by == "payer"
    assert AIRTEL_MONEY_MERCHANT_2020.paid_by == "merchant"
    assert MTN_MOMOPAY_MERCHANT_2026.paid_by == "merchant"
    assert MTN_MOMOPAY_PAYER_2026.paid_by == "payer"
    for table in (AIRTEL_MONEY_TRANSFER_2020, MTN_MOMOPAY_MERCHANT_2026):
        assert "20" in table.source  # dated


def test_momopay_merchant_fee_hand_worked():
    # up to 4,000 free; above it 0.5% of the payment: 6,000 * 0.005 = 30; 100,000 -> 500
    np.testing.assert_allclose(
        transaction_fee(MTN_MOMOPAY_MERCHANT_2026, np.array([500, 4_000, 4_001, 6_000, 100_000])),
        [0, 0, 20.005, 30, 500],
    )
    assert transaction_fee(MTN_MOMOPAY_PAYER_2026, 50_000) == 0
    assert transaction_fee(AIRTEL_MONEY_MERCHANT_2020, 5_000_000) == 0


def test_fee_lookup_is_vectorised_and_keeps_the_shape():
    amounts = np.array([[500, 5_000], [50_000, 500_000]])
    got = transaction_fee(AIRTEL_MONEY_TRANSFER_2020, amounts)
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got, [[10, 50], [125, 750]])
    assert type(transaction_fee(AIRTEL_MONEY_TRANSFER_2020, 500)) is float


def test_no_payment_no_fee_and_impossible_payments_refused():
    assert transaction_fee(AIRTEL_MONEY_TRANSFER_2020, 0) == 0
    with pytest.raises(ValueError, match="covers payments up to RWF 2,000,000"):
        transaction_fee(AIRTEL_MONEY_TRANSFER_2020, 2_000_001)
    with pytest.raises(ValueError, match="amount cannot be negative"):
        transaction_fee(AIRTEL_MONEY_TRANSFER_2020, -5)


def test_a_flat_fee_plus_a_share():
    # tier: up to 1,000 pay 5 + 1%; above pay 20 + 2%: 800 -> 13; 5,000 -> 120
    table = FeeTable("test", "payer", (FeeTier(1_000, 5, 0.01), FeeTier(math.inf, 20, 0.02)))
    np.testing.assert_allclose(transaction_fee(table, [800, 5_000]), [13, 120])
    assert table.largest_payment == math.inf


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"paid_by": "bank"}, "paid_by must be 'payer' or 'merchant'"),
        ({"tiers": ()}, "at least one tier"),
        ({"tiers": (FeeTier(1_000, 10), FeeTier(500, 20))}, "increasing order"),
        ({"tiers": (FeeTier(0, 10),)}, "above zero"),
        ({"tiers": (FeeTier(100, -1),)}, "flat fee cannot be negative"),
        ({"tiers": (FeeTier(100, 0, 1.5),)}, "fee rate is a share"),
    ],
)
def test_fee_tables_are_checked(kwargs, words):
    args = {"name": "t", "paid_by": "payer", "tiers": (FeeTier(100, 1),)} | kwargs
    with pytest.raises(ValueError, match=words):
        FeeTable(**args)


def test_fee_tables_are_frozen():
    with pytest.raises(AttributeError):
        AIRTEL_MONEY_TRANSFER_2020.paid_by = "merchant"


@st.composite
def tiered_tables(draw):
    """Tables whose flat fees and rates never fall from one tier to the next."""
    n = draw(st.integers(1, 6))
    limits = sorted(set(draw(st.lists(st.floats(1, 1e7), min_size=n, max_size=n))))
    flats = sorted(draw(st.lists(st.floats(0, 5_000), min_size=len(limits), max_size=len(limits))))
    rates = sorted(draw(st.lists(st.floats(0, 0.05), min_size=len(limits), max_size=len(limits))))
    tiers = tuple(FeeTier(u, f, r) for u, f, r in zip(limits, flats, rates, strict=True))
    return FeeTable("generated", draw(st.sampled_from(["payer", "merchant"])), tiers)


@settings(max_examples=300, deadline=None)
@given(table=tiered_tables(), a=st.floats(0, 1), b=st.floats(0, 1))
def test_fee_is_monotone_in_the_amount_for_tiered_tables(table, a, b):
    top = table.largest_payment
    low, high = sorted((a * top, b * top))
    fee_low, fee_high = transaction_fee(table, [low, high])
    assert fee_low <= fee_high + 1e-9


@settings(max_examples=200, deadline=None)
@given(a=st.floats(0, 2_000_000), b=st.floats(0, 2_000_000))
def test_real_tables_are_monotone(a, b):
    low, high = sorted((a, b))
    for table in (AIRTEL_MONEY_TRANSFER_2020, MTN_MOMOPAY_MERCHANT_2026):
        assert transaction_fee(table, low) <= transaction_fee(table, high)


# --- money over days --------------------------------------------------------------------


def test_cash_balance_hand_worked():
    # open 100; day 1 +50 -> 150; day 2 -120 -> 30; day 3 +20 -70 -> -20
    np.testing.assert_allclose(cash_balance(100, [50, 0, 20], [0, 120, 70]), [150, 30, -20])
    np.testing.assert_allclose(cash_balance(-10, [5], [0]), [-5])  # an overdraft to start


def test_cash_balance_rejects_bad_input():
    with pytest.raises(ValueError, match="same days"):
        cash_balance(0, [1, 2], [1])
    with pytest.raises(ValueError, match="inflows cannot be negative"):
        cash_balance(0, [-1], [0])
    with pytest.raises(ValueError, match="opening_balance must be one finite number"):
        cash_balance(float("inf"), [1], [0])
    with pytest.raises(ValueError, match="one per day"):
        cash_balance(0, [[1]], [[0]])


def test_first_negative_day_counts_from_one():
    assert first_negative_day([150, 30, -20, 5]) == 3
    assert first_negative_day([-1]) == 1
    assert first_negative_day([0, 0, 10]) is None  # exactly zero is not below zero
    assert first_negative_day([5, -1e-9]) is None  # float dust is not debt
    assert first_negative_day(np.array([], dtype=float)) is None


def test_marketplace_payouts_hand_worked():
    earned = [10, 10, 10, 10, 10, 10, 10]
    # paid daily, 2 days after the sale: day 1's money on day 3, ..., day 5's on day 7;
    # days 6 and 7 are still owed (20)
    np.testing.assert_allclose(marketplace_payouts(earned, 2, 1), [0, 0, 10, 10, 10, 10, 10])
    # paid every 3 days (days 3, 6), no delay: days 1-3 on day 3, days 4-6 on day 6
    np.testing.assert_allclose(marketplace_payouts(earned, 0, 3), [0, 0, 30, 0, 0, 30, 0])
    # 1 day delay, every 3 days: days 1-2 clear by day 3 (20), days 3-5 clear by day 6 (30)
    np.testing.assert_allclose(marketplace_payouts(earned, 1, 3), [0, 0, 20, 0, 0, 30, 0])
    # no delay, daily: paid the same day
    np.testing.assert_allclose(marketplace_payouts(earned, 0, 1), earned)


def test_pay_later_and_periodic_and_restock():
    # stock of 5 delivered on day 1 and 7 on day 3, 2-day terms: paid days 3 and 5
    np.testing.assert_allclose(pay_later([5, 0, 7, 0, 0], 2), [0, 0, 5, 0, 7])
    # rent of 50 on days 1, 31, 61 over 61 days
    rent = periodic(50, 30, 61)
    assert rent.sum() == 150 and list(np.flatnonzero(rent)) == [0, 30, 60]
    # weekly stock for sales of 1..10 a day: days 1-7 cost 28 (bought day 1), days 8-10 cost 27
    np.testing.assert_allclose(
        restock_purchases(np.arange(1.0, 11.0), 7), [28, 0, 0, 0, 0, 0, 0, 27, 0, 0]
    )


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: marketplace_payouts([1], -1), "delay_days must be a whole number of days"),
        (lambda: marketplace_payouts([1], 1.5), "delay_days must be a whole number of days"),
        (lambda: marketplace_payouts([1], 0, 0), "every_days must be at least 1"),
        (lambda: periodic(10, 0, 5), "must be at least 1"),
        (lambda: periodic(-10, 1, 5), "amount cannot be negative"),
        (lambda: restock_purchases([1, 2], 0), "every_days must be at least 1"),
        (lambda: pay_later([1], "soon"), "whole number of days"),
    ],
)
def test_day_functions_reject_impossible_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


# --- a whole shop -----------------------------------------------------------------------

SHOP = {
    "opening_balance": 250_000,
    "orders_per_day": 5,
    "order_value": 8_000,
    "marketplace_share": 0.6,
    "momo_share": 0.7,
    "marketplace_commission_rate": 0.10,
    "payout_delay_days": 14,
    "payout_every_days": 7,
    "cost_of_goods_rate": 0.6,
    "restock_every_days": 7,
    "supplier_terms_days": 0,
    "fixed_costs_per_month": 50_000,
}


def test_shop_day_one_by_hand():
    s = shop_cash_flow(90, **SHOP)
    # 5 orders of 8,000 = 40,000 a day; 40% direct = 2 orders = 16,000 by mobile money
    np.testing.assert_allclose(s.sales, 40_000)
    np.testing.assert_allclose(s.mobile_money_sales, 16_000)
    # MoMoPay: 70% of 2 orders = 1.4 orders * 0.5% of 8,000 (= 40) = 56 a day; Airtel free
    np.testing.assert_allclose(s.momo_fees, 56)
    np.testing.assert_allclose(s.airtel_fees, 0)
    np.testing.assert_allclose(s.mobile_money_receipts, 16_000 - 56)
    # marketplace: 24,000 a day, 10% commission = 2,400, earns 21,600
    np.testing.assert_allclose(s.marketplace_commission, 2_400)
    # stock for 7 days at 60%: 7 * 24,000 = 168,000 on day 1, paid on delivery;
    # rent 50,000 on day 1. Day 1: 250,000 + 15,944 - 168,000 - 50,000 = 47,944
    assert s.stock_deliveries[0] == pytest.approx(168_000)
    assert s.closing[0] == pytest.approx(47_944)
    # day 7: + 6 * 15,944 = 143,608; day 8: next stock 168,000 -> 143,608 + 15,944 - 168,000
    assert s.closing[6] == pytest.approx(143_608)
    assert s.closing[7] == pytest.approx(-8_448)
    assert s.first_negative_day == 8
    # the first payout: sales of day 1 clear on day 15 (14 days), paid on day 21 (every 7),
    # together with days 2..7: 7 * 21,600 = 151,200
    assert np.flatnonzero(s.marketplace_payouts)[0] == 20
    assert s.marketplace_payouts[20] == pytest.approx(151_200)


def test_shop_profit_and_what_is_still_owed():
    s = shop_cash_flow(90, **SHOP)
    # 90 days: sales 3,600,000; MoMo fees 90 * 56 = 5,040; commission 216,000;
    # goods 60% = 2,160,000; rent on days 1, 31, 61 = 150,000
    # profit = 3,600,000 - 5,040 - 216,000 - 2,160,000 - 150,000 = 1,068,960
    assert s.profit == pytest.approx(1_068_960)
    assert s.merchant_fees == pytest.approx(5_040)
    # payouts every 7 days (days 21, 28, ..., 84): money cleared after day 84 is owed;
    # cleared on days 15..90 = sales of days 1..76; paid by day 84 = sales of days 1..70
    # owed = days 71..90 = 20 days * 21,600 = 432,000
    assert s.owed_by_marketplace == pytest.approx(432_000)
    assert s.owed_to_supplier == 0
    # cash and profit tell the same story once money still owed and stock still on the
    # shelf are counted: profit = closing - opening + owed to us - owed by us + stock left
    # (the last delivery, day 85, covers days 85-90 exactly: no stock is left)
    stock_left = s.stock_deliveries.sum() - s.cost_of_sales.sum()
    assert stock_left == pytest.approx(0)
    assert s.closing[-1] - 250_000 + s.owed_by_marketplace - s.owed_to_supplier + stock_left == (
        pytest.approx(s.profit)
    )


def test_better_terms_fix_the_cash():
    # 7-day supplier terms: each week's stock is paid from the week's own sales
    assert shop_cash_flow(90, **(SHOP | {"supplier_terms_days": 7})).first_negative_day is None
    # being paid out on the day of the sale also fixes it
    paid_now = SHOP | {"payout_delay_days": 0, "payout_every_days": 1}
    assert shop_cash_flow(90, **paid_now).first_negative_day is None


def test_payer_fees_do_not_touch_the_shops_cash():
    transfers = SHOP | {"airtel_table": AIRTEL_MONEY_TRANSFER_2020}
    a = shop_cash_flow(30, **SHOP)
    b = shop_cash_flow(30, **transfers)
    np.testing.assert_allclose(a.closing, b.closing)
    # 30% of 2 orders a day = 0.6 transfers of 8,000 at RWF 50 each = 30 a day to buyers
    np.testing.assert_allclose(b.buyer_fees, 30)
    np.testing.assert_allclose(a.buyer_fees, 0)


def test_shop_accepts_sales_that_change_by_day():
    orders = np.zeros(10)
    orders[4] = 10  # a livestream on day 5
    s = shop_cash_flow(
        10, **(SHOP | {"orders_per_day": orders, "order_value": 3_000, "fixed_costs_per_month": 0})
    )
    # 10 * 3,000 = 30,000 sold on day 5; below 4,000 no MoMoPay fee
    assert s.sales.sum() == pytest.approx(30_000)
    assert s.merchant_fees == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"marketplace_share": 1.2}, "marketplace_share must be one share"),
        ({"momo_share": -0.1}, "momo_share must be one share"),
        ({"marketplace_commission_rate": 1.0}, "marketplace_commission_rate is a share"),
        ({"cost_of_goods_rate": -0.5}, "cost_of_goods_rate is a share"),
        ({"orders_per_day": -1}, "orders_per_day cannot be negative"),
        ({"payout_delay_days": 2.5}, "payout_delay_days must be a whole number"),
        ({"opening_balance": float("nan")}, "not NaN"),
        ({"orders_per_day": [1, 2, 3]}, "one number per day \\(30 numbers\\)"),
        ({"order_value": [[8_000]]}, "order_value must be one number or one number per day"),
    ],
)
def test_shop_rejects_impossible_input(change, words):
    with pytest.raises(ValueError, match=words):
        shop_cash_flow(30, **(SHOP | change))


def test_shop_needs_a_day():
    with pytest.raises(ValueError, match="days must be at least 1"):
        shop_cash_flow(0, **SHOP)


shops = st.fixed_dictionaries(
    {
        "opening_balance": st.floats(-100_000, 1_000_000),
        "orders_per_day": st.floats(0, 40),
        "order_value": st.floats(500, 150_000),
        "marketplace_share": st.floats(0, 1),
        "momo_share": st.floats(0, 1),
        "marketplace_commission_rate": st.floats(0, 0.3),
        "payout_delay_days": st.integers(0, 45),
        "payout_every_days": st.integers(1, 30),
        "cost_of_goods_rate": st.floats(0, 0.95),
        "restock_every_days": st.integers(1, 30),
        "supplier_terms_days": st.integers(0, 45),
        "fixed_costs_per_month": st.floats(0, 500_000),
        "airtel_table": st.sampled_from([AIRTEL_MONEY_MERCHANT_2020, AIRTEL_MONEY_TRANSFER_2020]),
    }
)


@settings(max_examples=200, deadline=None)
@given(shop=shops, days=st.integers(1, 120))
def test_cash_balance_identity_every_day(shop, days):
    s = shop_cash_flow(days, **shop)
    scale = 1e-9 * (abs(shop["opening_balance"]) + s.inflows.sum() + s.outflows.sum() + 1)
    np.testing.assert_allclose(s.opening + s.inflows - s.outflows, s.closing, rtol=0, atol=scale)
    np.testing.assert_allclose(s.opening[1:], s.closing[:-1])
    assert s.opening[0] == shop["opening_balance"]
    np.testing.assert_allclose(s.inflows, s.mobile_money_receipts + s.marketplace_payouts)
    np.testing.assert_allclose(s.outflows, s.supplier_payments + s.fixed_costs)
    assert s.day[0] == 1 and s.day[-1] == days and s.closing.shape == (days,)


@settings(max_examples=200, deadline=None)
@given(shop=shops, extra=st.integers(1, 30))
def test_a_longer_payout_delay_never_makes_the_first_negative_day_later(shop, extra):
    sooner = shop_cash_flow(90, **shop)
    later = shop_cash_flow(90, **(shop | {"payout_delay_days": shop["payout_delay_days"] + extra}))
    if sooner.first_negative_day is not None:
        assert later.first_negative_day is not None
        assert later.first_negative_day <= sooner.first_negative_day
    assert np.all(later.closing <= sooner.closing + 1e-6)


@settings(max_examples=200, deadline=None)
@given(
    earned=st.lists(st.floats(0, 1e6), min_size=1, max_size=60),
    delay=st.integers(0, 30),
    extra=st.integers(1, 30),
    every=st.integers(1, 14),
    opening=st.floats(0, 1e6),
    spend=st.floats(0, 1e5),
)
def test_longer_delay_on_the_generic_functions(earned, delay, extra, every, opening, spend):
    outflows = np.full(len(earned), spend)
    days = []
    for d in (delay, delay + extra):
        closing = cash_balance(opening, marketplace_payouts(earned, d, every), outflows)
        days.append(first_negative_day(closing))
    sooner, later = days
    assume(sooner is not None)
    assert later is not None and later <= sooner


@settings(max_examples=100, deadline=None)
@given(
    earned=st.lists(st.floats(0, 1e6), min_size=1, max_size=60),
    delay=st.integers(0, 30),
    every=st.integers(1, 14),
)
def test_payouts_never_pay_more_than_was_earned(earned, delay, every):
    paid = marketplace_payouts(earned, delay, every)
    assert np.all(np.cumsum(paid) <= np.cumsum(earned) * (1 + 1e-12) + 1e-6)
    if delay == 0 and every == 1:
        np.testing.assert_allclose(paid, earned)
