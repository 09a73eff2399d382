"""Cash flow day by day: mobile-money fees, marketplace payouts and supplier terms.

A shop can make a profit and still run out of cash: the marketplace pays out weeks
after the sale while the supplier wants paying on delivery. These models follow the
cash, one day at a time, as numpy arrays over days.

Conventions
-----------
- Money is in Rwandan francs (RWF).
- Days are numbered from 1: index ``i`` of every array over days is day ``i + 1``.
  A day's money moves during the day; the closing balance is what is left at its
  end, and the next day opens with it.
- Fee tables are data (:class:`FeeTable`): tiers of a flat fee plus a share of the
  payment, each up to an upper limit, and who pays the fee: the ``"payer"`` (the
  buyer, on top of the price) or the ``"merchant"`` (the seller, out of the price).
- Money due after the last day (a payout or a supplier bill beyond the horizon) is
  not in the arrays; :class:`ShopCashFlow` reports it as still owed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from isoko.econ._checks import (
    FloatArray,
    as_float_array,
    non_negative,
    out,
    rate,
    single_share,
    whole_days,
)

__all__ = [
    "AIRTEL_MONEY_MERCHANT_2020",
    "AIRTEL_MONEY_TRANSFER_2020",
    "DAYS_PER_MONTH",
    "MTN_MOMOPAY_MERCHANT_2026",
    "MTN_MOMOPAY_PAYER_2026",
    "FeeTable",
    "FeeTier",
    "ShopCashFlow",
    "cash_balance",
    "first_negative_day",
    "marketplace_payouts",
    "pay_later",
    "periodic",
    "restock_purchases",
    "shop_cash_flow",
    "transaction_fee",
]

IntArray = npt.NDArray[np.int64]

#: Fixed costs "per month" fall due every 30 days (days 1, 31, 61, ...).
DAYS_PER_MONTH = 30

#: A balance this far below zero or less (RWF) counts as zero: float rounding, not debt.
_ROUNDING_RWF = 1e-6


# --- fee tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeTier:
    """One tier: payments up to ``up_to`` RWF (inclusive) pay ``flat + rate * amount``.

    ``flat`` is RWF per payment, ``rate`` a share of the payment (0.005 is 0.5%).
    ``up_to`` may be ``math.inf`` for a top tier without a limit.
    """

    up_to: float
    flat: float = 0.0
    rate: float = 0.0


@dataclass(frozen=True)
class FeeTable:
    """A mobile-money tariff: tiers in increasing order of ``up_to``.

    A payment of ``a`` RWF falls in the first tier whose ``up_to`` is at least ``a``.
    Payments above the last tier's ``up_to`` are not allowed. ``paid_by`` says who
    pays: ``"payer"`` (the buyer, on top of the price; the seller receives the full
    price) or ``"merchant"`` (the seller, out of the price).
    """

    name: str
    paid_by: Literal["payer", "merchant"]
    tiers: tuple[FeeTier, ...]
    source: str = ""
    _limits: FloatArray = field(init=False, repr=False, compare=False)
    _flat: FloatArray = field(init=False, repr=False, compare=False)
    _rate: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.paid_by not in ("payer", "merchant"):
            raise ValueError(f"paid_by must be 'payer' or 'merchant', got {self.paid_by!r}")
        if not self.tiers:
            raise ValueError(f"fee table {self.name!r} needs at least one tier")
        limits = np.array([t.up_to for t in self.tiers], dtype=np.float64)
        flat = non_negative("flat fee", [t.flat for t in self.tiers])
        share = rate("fee rate", [t.rate for t in self.tiers])
        if np.any(np.isnan(limits)) or np.any(limits <= 0):
            raise ValueError(f"fee table {self.name!r}: every up_to must be above zero")
        if np.any(np.diff(limits) <= 0):
            raise ValueError(f"fee table {self.name!r}: tiers must be in increasing order of up_to")
        for array in (limits, flat, share):  # a table is a constant: nothing may change it
            array.setflags(write=False)
        object.__setattr__(self, "_limits", limits)
        object.__setattr__(self, "_flat", flat)
        object.__setattr__(self, "_rate", share)

    @property
    def largest_payment(self) -> float:
        """The largest payment the table covers, RWF (``inf`` if unlimited)."""
        return float(self._limits[-1])


def transaction_fee(table: FeeTable, amount: ArrayLike) -> float | FloatArray:
    """The fee (RWF) on one payment of ``amount`` RWF, for each amount given.

    Looks each amount up in ``table`` with ``numpy.searchsorted`` (vectorised over
    an array of amounts). A payment of 0 is no payment and costs nothing. Who pays
    the fee is ``table.paid_by``.

    >>> transaction_fee(AIRTEL_MONEY_TRANSFER_2020, [1_000, 1_001, 150_000])
    array([ 10.,  50., 125.])
    >>> transaction_fee(MTN_MOMOPAY_MERCHANT_2026, 6_000)
    30.0
    """
    amounts = non_negative("amount", amount)
    if np.any(amounts > table._limits[-1]):
        raise ValueError(
            f"{table.name} covers payments up to RWF {table._limits[-1]:,.0f}; "
            f"got {float(np.max(amounts)):,.0f}: split it into smaller payments"
        )
    tier = np.searchsorted(table._limits, amounts, side="left")
    fee = table._flat[tier] + table._rate[tier] * amounts
    return out(np.where(amounts == 0, 0.0, fee))


#: Airtel Money person-to-person transfers, tariff of Aug 2020: the sender (payer)
#: pays RWF 10 up to 1,000; 50 up to 10,000; 125 up to 150,000; 750 up to 2,000,000.
AIRTEL_MONEY_TRANSFER_2020 = FeeTable(
    name="Airtel Money transfer",
    paid_by="payer",
    tiers=(
        FeeTier(1_000, flat=10),
        FeeTier(10_000, flat=50),
        FeeTier(150_000, flat=125),
        FeeTier(2_000_000, flat=750),
    ),
    source="Airtel Money tariff, Aug 2020 (imenanews; The New Times)",
)

#: Airtel Money merchant payments: free (Aug 2020). No limit was published with it.
AIRTEL_MONEY_MERCHANT_2020 = FeeTable(
    name="Airtel Money merchant payment",
    paid_by="merchant",
    tiers=(FeeTier(math.inf),),
    source="Airtel Money tariff, Aug 2020: merchant payments free (imenanews; The New Times)",
)

#: MTN MoMoPay: the merchant pays 0.5% of payments above RWF 4,000 (1% before 2020).
MTN_MOMOPAY_MERCHANT_2026 = FeeTable(
    name="MTN MoMoPay",
    paid_by="merchant",
    tiers=(FeeTier(4_000), FeeTier(math.inf, rate=0.005)),
    source="MTN MoMoPay merchant fee (momocalc 2026; The New Times 2021)",
)

#: MTN MoMoPay is free for the payer.
MTN_MOMOPAY_PAYER_2026 = FeeTable(
    name="MTN MoMoPay (payer)",
    paid_by="payer",
    tiers=(FeeTier(math.inf),),
    source="MTN MoMoPay: free for the payer (momocalc 2026)",
)


# --- money over days --------------------------------------------------------------------


def _over_days(name: str, value: Any, check: Any = non_negative) -> FloatArray:
    array = check(name, value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat list of amounts, one per day")
    return array


def cash_balance(opening_balance: float, inflows: ArrayLike, outflows: ArrayLike) -> FloatArray:
    """Closing balance (RWF) at the end of each day.

    ``closing[i] = opening_balance + sum of inflows[: i + 1] - sum of outflows[: i + 1]``,
    so that every day ``opening + inflows - outflows = closing`` and each day opens
    with the previous day's closing balance. ``inflows`` and ``outflows`` are RWF per
    day, 0 or more, of the same length. The opening balance may be negative (an
    overdraft).

    >>> cash_balance(100, [50, 0, 20], [0, 120, 70]).tolist()
    [150.0, 30.0, -20.0]
    """
    opening = as_float_array("opening_balance", opening_balance)
    if opening.ndim != 0 or not np.isfinite(opening):
        raise ValueError("opening_balance must be one finite number")
    ins = _over_days("inflows", inflows)
    outs = _over_days("outflows", outflows)
    if ins.shape != outs.shape:
        raise ValueError(
            f"inflows and outflows must cover the same days, got {ins.size} and {outs.size}"
        )
    return float(opening) + np.cumsum(ins - outs)


def first_negative_day(closing_balance: ArrayLike) -> int | None:
    """The first day (numbered from 1) that ends with less than zero cash, or ``None``.

    A balance within a millionth of a franc below zero counts as zero: that is float
    rounding in the sums, not debt.

    >>> first_negative_day([150, 30, -20, 5])
    3
    >>> first_negative_day([0, 10]) is None
    True
    """
    balance = as_float_array("closing_balance", closing_balance)
    if balance.ndim != 1:
        raise ValueError("closing_balance must be a flat list of amounts, one per day")
    below = np.flatnonzero(balance < -_ROUNDING_RWF)
    return int(below[0]) + 1 if below.size else None


def marketplace_payouts(
    earnings: ArrayLike, delay_days: ArrayLike = 0, every_days: ArrayLike = 1
) -> FloatArray:
    """When a marketplace pays you (RWF per day) for what you earned each day.

    Money earned on day ``s`` clears on day ``s + delay_days`` and is paid on the first
    payout day on or after that; payout days are every ``every_days`` days (days
    ``every_days``, ``2 * every_days``, ...; ``every_days=1`` pays daily). Payouts
    after the last day are left out (the difference is still owed to you).

    >>> marketplace_payouts([10, 10, 10, 10, 10, 10], delay_days=1, every_days=3).tolist()
    [0.0, 0.0, 20.0, 0.0, 0.0, 30.0]
    """
    earned = _over_days("earnings", earnings)
    delay = whole_days("delay_days", delay_days)
    every = whole_days("every_days", every_days)
    if every < 1:
        raise ValueError("every_days must be at least 1 (1 means a payout every day)")
    horizon = earned.size
    cleared = np.arange(1, horizon + 1) + delay  # day numbers
    paid_on = -(-cleared // every) * every  # first multiple of `every` on or after
    inside = paid_on <= horizon
    return np.bincount(paid_on[inside] - 1, weights=earned[inside], minlength=horizon).astype(
        np.float64
    )


def pay_later(amounts: ArrayLike, days: ArrayLike) -> FloatArray:
    """Amounts due on each day, paid ``days`` days later (RWF per day).

    For supplier terms: stock delivered on day ``s`` with 14-day terms is paid on day
    ``s + 14``. Payments after the last day are left out (still owed).

    >>> pay_later([5, 0, 7, 0], 2).tolist()
    [0.0, 0.0, 5.0, 0.0]
    """
    return marketplace_payouts(amounts, delay_days=days, every_days=1)


def periodic(
    amount: ArrayLike, every_days: ArrayLike, horizon_days: ArrayLike, first_day: ArrayLike = 1
) -> FloatArray:
    """``amount`` (RWF) due on ``first_day`` and every ``every_days`` days after it.

    >>> periodic(50, every_days=30, horizon_days=61).nonzero()[0].tolist()
    [0, 30, 60]
    """
    value = as_float_array("amount", amount)
    if value.ndim != 0:
        raise ValueError("amount must be a single number")
    value = non_negative("amount", value)
    every = whole_days("every_days", every_days)
    horizon = whole_days("horizon_days", horizon_days)
    first = whole_days("first_day", first_day)
    if every < 1 or first < 1:
        raise ValueError("every_days and first_day must be at least 1")
    due = np.zeros(horizon)
    due[first - 1 :: every] = float(value)
    return due


def restock_purchases(cost_of_sales: ArrayLike, every_days: ArrayLike) -> FloatArray:
    """Stock bought every ``every_days`` days (RWF per day), starting on day 1.

    Each delivery covers exactly the cost of the goods you sell until the next one
    (``cost_of_sales``, RWF per day): a seller who knows their sales and starts with
    an empty shelf.

    >>> restock_purchases([1, 2, 3, 4, 5], every_days=2).tolist()
    [3.0, 0.0, 7.0, 0.0, 5.0]
    """
    cost = _over_days("cost_of_sales", cost_of_sales)
    every = whole_days("every_days", every_days)
    if every < 1:
        raise ValueError("every_days must be at least 1")
    purchases = np.zeros(cost.size)
    if cost.size:
        starts = np.arange(0, cost.size, every)
        purchases[starts] = np.add.reduceat(cost, starts)
    return purchases


# --- a whole shop -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShopCashFlow:
    """Day by day cash of :func:`shop_cash_flow`: RWF per day, 1-D arrays, day 1 first.

    Every day ``opening + inflows - outflows == closing``; ``inflows`` are
    ``mobile_money_receipts + marketplace_payouts`` and ``outflows`` are
    ``supplier_payments + fixed_costs``. ``buyer_fees`` were paid by buyers on top of
    the price and never pass through the shop's cash.
    """

    day: IntArray
    sales: FloatArray
    mobile_money_sales: FloatArray
    marketplace_sales: FloatArray
    momo_fees: FloatArray
    airtel_fees: FloatArray
    buyer_fees: FloatArray
    mobile_money_receipts: FloatArray
    marketplace_commission: FloatArray
    marketplace_payouts: FloatArray
    cost_of_sales: FloatArray
    stock_deliveries: FloatArray
    supplier_payments: FloatArray
    fixed_costs: FloatArray
    inflows: FloatArray
    outflows: FloatArray
    opening: FloatArray
    closing: FloatArray
    first_negative_day: int | None
    lowest_day: int
    lowest_balance: float
    owed_by_marketplace: float
    owed_to_supplier: float
    profit: float

    @property
    def merchant_fees(self) -> float:
        """Mobile-money fees the shop paid over the whole period, RWF."""
        return float(self.momo_fees.sum() + self.airtel_fees.sum())


def shop_cash_flow(
    days: int,
    *,
    opening_balance: float,
    orders_per_day: ArrayLike,
    order_value: ArrayLike,
    marketplace_share: float,
    momo_share: float,
    marketplace_commission_rate: float,
    payout_delay_days: int = 0,
    payout_every_days: int = 1,
    cost_of_goods_rate: float,
    restock_every_days: int = 7,
    supplier_terms_days: int = 0,
    fixed_costs_per_month: float = 0,
    momo_table: FeeTable = MTN_MOMOPAY_MERCHANT_2026,
    airtel_table: FeeTable = AIRTEL_MONEY_MERCHANT_2020,
) -> ShopCashFlow:
    """A shop's cash over ``days`` days: who pays it, when, and what it keeps.

    Each day ``orders_per_day`` orders of ``order_value`` RWF come in (one number, or
    one per day). A share ``marketplace_share`` of them is placed on a marketplace,
    which keeps ``marketplace_commission_rate`` and pays the rest out with
    :func:`marketplace_payouts` (``payout_delay_days``, ``payout_every_days``). The
    other orders are paid straight to the shop by mobile money on the day: a share
    ``momo_share`` by MTN MoMoPay (``momo_table``), the rest by Airtel Money
    (``airtel_table``). The fee is charged per payment (per order); a table paid by
    the merchant comes out of the shop's receipts, one paid by the payer is added on
    top by the buyer and shows only in ``buyer_fees``.

    Stock for the goods sold costs ``cost_of_goods_rate`` of the order value; it is
    delivered every ``restock_every_days`` days from day 1 (:func:`restock_purchases`)
    and paid ``supplier_terms_days`` later (0: on delivery). ``fixed_costs_per_month``
    (RWF) fall due on day 1 and every :data:`DAYS_PER_MONTH` days after.

    ``profit`` is what the period earned, whenever the cash moves: sales minus the
    shop's fees, commission, cost of the goods sold and the fixed costs due.
    """
    horizon = whole_days("days", days)
    if horizon < 1:
        raise ValueError("days must be at least 1")
    opening_cash = as_float_array("opening_balance", opening_balance)
    if opening_cash.ndim != 0 or not np.isfinite(opening_cash):
        raise ValueError("opening_balance must be one finite number")
    orders = _per_day("orders_per_day", orders_per_day, horizon)
    value = _per_day("order_value", order_value, horizon)
    market = single_share("marketplace_share", marketplace_share)
    momo = single_share("momo_share", momo_share)
    commission = float(rate("marketplace_commission_rate", marketplace_commission_rate))
    goods = float(rate("cost_of_goods_rate", cost_of_goods_rate))
    delay = whole_days("payout_delay_days", payout_delay_days)
    every = whole_days("payout_every_days", payout_every_days)
    restock = whole_days("restock_every_days", restock_every_days)
    terms = whole_days("supplier_terms_days", supplier_terms_days)
    if every < 1 or restock < 1:
        raise ValueError("payout_every_days and restock_every_days must be at least 1")

    sales = orders * value
    direct_orders = orders * (1 - market)
    mobile_sales = direct_orders * value
    market_sales = sales - mobile_sales

    fees: dict[str, FloatArray] = {}
    buyer_fees = np.zeros(horizon)
    for key, table, share in (("momo", momo_table, momo), ("airtel", airtel_table, 1 - momo)):
        per_order = np.broadcast_to(np.asarray(transaction_fee(table, value)), (horizon,))
        paid = direct_orders * share * per_order
        if table.paid_by == "merchant":
            fees[key] = paid
        else:
            fees[key] = np.zeros(horizon)
            buyer_fees = buyer_fees + paid
    receipts = mobile_sales - fees["momo"] - fees["airtel"]

    kept_by_market = market_sales * commission
    earned = market_sales - kept_by_market
    payouts = marketplace_payouts(earned, delay, every)

    cost_of_sales = sales * goods
    deliveries = restock_purchases(cost_of_sales, restock)
    supplier = pay_later(deliveries, terms)
    fixed = periodic(fixed_costs_per_month, DAYS_PER_MONTH, horizon)

    inflows = receipts + payouts
    outflows = supplier + fixed
    closing = cash_balance(float(opening_cash), inflows, outflows)
    opening = np.concatenate([[float(opening_cash)], closing[:-1]])
    lowest = int(np.argmin(closing))
    profit = (
        sales.sum()
        - fees["momo"].sum()
        - fees["airtel"].sum()
        - kept_by_market.sum()
        - cost_of_sales.sum()
        - fixed.sum()
    )
    return ShopCashFlow(
        day=np.arange(1, horizon + 1),
        sales=sales,
        mobile_money_sales=mobile_sales,
        marketplace_sales=market_sales,
        momo_fees=fees["momo"],
        airtel_fees=fees["airtel"],
        buyer_fees=buyer_fees,
        mobile_money_receipts=receipts,
        marketplace_commission=kept_by_market,
        marketplace_payouts=payouts,
        cost_of_sales=cost_of_sales,
        stock_deliveries=deliveries,
        supplier_payments=supplier,
        fixed_costs=fixed,
        inflows=inflows,
        outflows=outflows,
        opening=opening,
        closing=closing,
        first_negative_day=first_negative_day(closing),
        lowest_day=lowest + 1,
        lowest_balance=float(closing[lowest]),
        owed_by_marketplace=float(earned.sum() - payouts.sum()),
        owed_to_supplier=float(deliveries.sum() - supplier.sum()),
        profit=float(profit),
    )


def _per_day(name: str, value: Any, horizon: int) -> FloatArray:
    """One number for every day, or one number per day."""
    array = non_negative(name, value)
    if array.ndim > 1 or (array.ndim == 1 and array.size != horizon):
        raise ValueError(
            f"{name} must be one number or one number per day ({horizon} numbers), "
            f"got shape {array.shape}"
        )
    return np.broadcast_to(array, (horizon,))
