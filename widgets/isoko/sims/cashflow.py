"""Mobile-money cash flow: on which day does my cash run out?

The story: a young seller in Kigali sells online. Some buyers order on a marketplace,
which keeps a commission and pays the seller out days or weeks later; the others pay
straight to the seller's phone with MTN MoMoPay or Airtel Money, each with its own fee
table. Meanwhile the supplier wants paying for each week's stock, and rent and data
are due every month. A shop can make a profit and still run out of cash.

This module is only a view: every number comes from :mod:`isoko.econ.cashflow` and
:mod:`isoko.econ.fx`. Fee tables are the published ones (see ``SOURCES``); the shop's
sales, costs and the marketplace's payout terms are illustrative assumptions, each a
control the learner can change.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets

from isoko.econ import cashflow, fx
from isoko.sims import _base, inputs
from isoko.sims._svg import Marker, line_chart
from isoko.sims.inputs import ASSUMPTION, N_, Input

#: gettext domain of this simulator's labels (``locale/<lang>/LC_MESSAGES/isoko-cashflow.po``).
DOMAIN = "isoko-cashflow"

#: Days shown in the chart.
DAYS = 90
# Inputs: illustrative assumptions (all but the Airtel tariff, a published one), each a
# control the learner can change.
#: Assumption: the marketplace pays 14 days after a sale, in a weekly payout.
PAYOUT_DELAY_DAYS = Input(
    "payout_delay_days",
    14,
    N_("The marketplace pays you this many days after a sale"),
    kind="int",
    low=0,
    high=45,
    step=1,
    unit="days",
    note=ASSUMPTION,
    main=True,
    css_class="isoko-payout-delay",
)
PAYOUT_EVERY_DAYS = Input(
    "payout_every_days",
    7,
    N_("Days between two payouts"),
    kind="int",
    low=1,
    high=30,
    step=1,
    unit="days",
    note=ASSUMPTION,
)
#: Assumption: RWF 250,000 (about USD 171) in the shop's mobile-money wallet on day 1.
OPENING_BALANCE_RWF = Input(
    "opening_balance_rwf",
    250_000,
    N_("Cash you start with (RWF)"),
    kind="int",
    low=0,
    high=2_000_000,
    step=10_000,
    unit="RWF",
    note=ASSUMPTION,
)
#: Assumption: 5 orders a day of RWF 8,000.
ORDERS_PER_DAY = Input(
    "orders_per_day",
    5,
    N_("Orders a day"),
    kind="int",
    low=0,
    high=50,
    step=1,
    unit="orders per day",
    note=ASSUMPTION,
)
#: Assumption: 60% of orders come through a marketplace.
MARKETPLACE_SHARE = Input(
    "marketplace_share",
    0.6,
    N_("Orders placed on the marketplace"),
    low=0.0,
    high=1.0,
    step=0.05,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
#: Assumption: of the orders paid to the seller's phone, 70% use MTN MoMoPay.
MOMO_SHARE = Input(
    "momo_share",
    0.7,
    N_("Pay with MTN MoMoPay (the others with Airtel Money)"),
    low=0.0,
    high=1.0,
    step=0.05,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
#: How buyers who use Airtel Money pay (the fee table of each is in ``AIRTEL_TABLES``).
AIRTEL_PAYMENT = Input(
    "airtel_payment",
    "merchant",
    N_("How Airtel Money buyers pay you"),
    kind="choice",
    options=(
        (N_("Merchant payment: free for both"), "merchant"),
        (N_("Send money to your number: the buyer pays a fee"), "transfer"),
    ),
    note=N_("tariff of Aug 2020"),
)
#: Assumption: stock costs 60% of the price, bought weekly, paid on delivery.
COST_OF_GOODS_RATE = Input(
    "cost_of_goods_rate",
    0.6,
    N_("Stock costs this share of the price"),
    low=0.0,
    high=0.95,
    step=0.05,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
RESTOCK_EVERY_DAYS = Input(
    "restock_every_days",
    7,
    N_("Days between two stock purchases"),
    kind="int",
    low=1,
    high=30,
    step=1,
    unit="days",
    note=ASSUMPTION,
)
SUPPLIER_TERMS_DAYS = Input(
    "supplier_terms_days",
    0,
    N_("Days your supplier gives you to pay (0: on delivery)"),
    kind="int",
    low=0,
    high=60,
    step=1,
    unit="days",
    note=ASSUMPTION,
)
#: Assumption: rent, phone and data, RWF per month.
FIXED_COSTS_RWF = Input(
    "fixed_costs_rwf",
    50_000,
    N_("Rent, phone and data each month (RWF)"),
    kind="int",
    low=0,
    high=500_000,
    step=5_000,
    unit="RWF per month",
    note=ASSUMPTION,
)
INPUTS = (
    PAYOUT_DELAY_DAYS,
    PAYOUT_EVERY_DAYS,
    OPENING_BALANCE_RWF,
    ORDERS_PER_DAY,
    inputs.ORDER_VALUE_RWF,
    MARKETPLACE_SHARE,
    MOMO_SHARE,
    AIRTEL_PAYMENT,
    #: Assumption within the facts' range: Jumia charged 4-15% in Kenya, 10% for
    #: cross-border "other" goods.
    inputs.COMMISSION_RATE.but(default=0.10, note=ASSUMPTION),
    COST_OF_GOODS_RATE,
    RESTOCK_EVERY_DAYS,
    SUPPLIER_TERMS_DAYS,
    FIXED_COSTS_RWF,
)
#: About RWF 1,461 per USD in mid-2026 (for the USD amounts shown alongside RWF).
RWF_PER_USD = fx.RWF_PER_USD_MID_2026

#: How buyers who use Airtel Money pay: the control's values and the fee table of each.
AIRTEL_TABLES = {
    "merchant": cashflow.AIRTEL_MONEY_MERCHANT_2020,
    "transfer": cashflow.AIRTEL_MONEY_TRANSFER_2020,
}

SOURCES = N_(
    "MTN MoMoPay: free for the payer; the merchant pays 0.5% on payments above RWF "
    "4,000 (1% before 2020) (momocalc 2026; The New Times 2021). Airtel Money, Aug "
    "2020: transfers cost the sender RWF 10 up to 1,000, 50 up to 10,000, 125 up to "
    "150,000 and 750 up to 2,000,000; merchant payments free (imenanews; The New Times). "
    "Marketplace commissions: Jumia 4-15% in Kenya (collected 2026). About RWF 1,461 "
    "per USD, mid-2026 (BNR via Stears). Sales, costs, stock and payout terms are "
    "illustrative assumptions."
)


@dataclass(frozen=True)
class CashFlowResult:
    """What the model says for the current controls (money in RWF unless named USD)."""

    day: tuple[int, ...]
    closing_rwf: tuple[float, ...]
    first_negative_day: int | None
    lowest_day: int
    lowest_balance_rwf: float
    lowest_balance_usd: float
    final_balance_rwf: float
    momo_fees_rwf: float
    airtel_fees_rwf: float
    merchant_fees_rwf: float
    merchant_fees_usd: float
    buyer_fees_rwf: float
    momo_fee_per_order_rwf: float
    airtel_fee_per_order_rwf: float
    airtel_fee_paid_by: str
    marketplace_commission_rwf: float
    owed_by_marketplace_rwf: float
    profit_rwf: float
    profit_usd: float


def model(
    payout_delay_days: int,
    payout_every_days: int,
    opening_balance_rwf: float,
    orders_per_day: float,
    order_value_rwf: float,
    marketplace_share: float,
    momo_share: float,
    airtel_payment: str,
    commission_rate: float,
    cost_of_goods_rate: float,
    restock_every_days: int,
    supplier_terms_days: int,
    fixed_costs_rwf: float,
    days: int = DAYS,
    rwf_per_usd: float = RWF_PER_USD,
) -> CashFlowResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    if airtel_payment not in AIRTEL_TABLES:
        raise ValueError(f"airtel_payment must be one of {sorted(AIRTEL_TABLES)}")
    airtel_table = AIRTEL_TABLES[airtel_payment]
    momo_table = cashflow.MTN_MOMOPAY_MERCHANT_2026
    shop = cashflow.shop_cash_flow(
        days,
        opening_balance=opening_balance_rwf,
        orders_per_day=orders_per_day,
        order_value=order_value_rwf,
        marketplace_share=marketplace_share,
        momo_share=momo_share,
        marketplace_commission_rate=commission_rate,
        payout_delay_days=payout_delay_days,
        payout_every_days=payout_every_days,
        cost_of_goods_rate=cost_of_goods_rate,
        restock_every_days=restock_every_days,
        supplier_terms_days=supplier_terms_days,
        fixed_costs_per_month=fixed_costs_rwf,
        momo_table=momo_table,
        airtel_table=airtel_table,
    )
    return CashFlowResult(
        day=tuple(shop.day.tolist()),
        closing_rwf=tuple(shop.closing.tolist()),
        first_negative_day=shop.first_negative_day,
        lowest_day=shop.lowest_day,
        lowest_balance_rwf=shop.lowest_balance,
        lowest_balance_usd=fx.rwf_to_usd(shop.lowest_balance, rwf_per_usd),
        final_balance_rwf=float(shop.closing[-1]),
        momo_fees_rwf=float(shop.momo_fees.sum()),
        airtel_fees_rwf=float(shop.airtel_fees.sum()),
        merchant_fees_rwf=shop.merchant_fees,
        merchant_fees_usd=fx.rwf_to_usd(shop.merchant_fees, rwf_per_usd),
        buyer_fees_rwf=float(shop.buyer_fees.sum()),
        momo_fee_per_order_rwf=cashflow.transaction_fee(momo_table, order_value_rwf),
        airtel_fee_per_order_rwf=cashflow.transaction_fee(airtel_table, order_value_rwf),
        airtel_fee_paid_by=airtel_table.paid_by,
        marketplace_commission_rwf=float(shop.marketplace_commission.sum()),
        owed_by_marketplace_rwf=shop.owed_by_marketplace,
        profit_rwf=shop.profit,
        profit_usd=fx.rwf_to_usd(shop.profit, rwf_per_usd),
    )


class CashFlowSimulator(_base.Simulator[CashFlowResult], _base.HasFigure, _base.HasChart):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name to its
    widget (``payout_delay_days``, ``payout_every_days``, ``opening_balance_rwf``,
    ``orders_per_day``, ``order_value_rwf``, ``marketplace_share``, ``momo_share``,
    ``airtel_payment`` (``"merchant"`` or ``"transfer"``), ``commission_rate``,
    ``cost_of_goods_rate``, ``restock_every_days``, ``supplier_terms_days``,
    ``fixed_costs_rwf``). Read the model through ``result`` and the read-only
    properties.

    CSS classes for browser tests: ``isoko-sim`` (view), ``isoko-main-control`` and
    ``isoko-payout-delay`` (payout delay slider), ``isoko-chart`` (cash chart),
    ``isoko-figure`` (the readout; inside it ``isoko-runs-out`` says on which day the
    cash runs out, and ``isoko-fees`` the fees paid).

    ``language`` picks the labels (``"en"`` or ``"fr"``, through gettext) and how
    numbers are written (``RWF 5,040`` or ``5 040 RWF``).
    """

    domain = DOMAIN
    inputs = INPUTS

    def _build_view(self) -> widgets.Widget:
        _ = self._
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._chart = self._output(self._render_chart, "isoko-chart")

        row = self._row
        return _base.sim_view(
            [
                _base.heading(_("Mobile-money cash flow")),
                _base.paragraph(
                    _(
                        "You sell online and buyers pay by mobile money or through a "
                        "marketplace that pays you later. With the fees and the wait, on "
                        "which day does your cash run out?"
                    )
                ),
                row("payout_delay_days"),
                self._figure,
                self._chart,
                row("payout_every_days"),
                _base.heading(_("Your sales"), level=4),
                row("opening_balance_rwf"),
                row("orders_per_day"),
                row("order_value_rwf"),
                row("marketplace_share"),
                row("commission_rate"),
                _base.heading(_("Buyers who pay to your phone"), level=4),
                row("momo_share"),
                row("airtel_payment"),
                _base.heading(_("Stock and other costs"), level=4),
                row("cost_of_goods_rate"),
                row("restock_every_days"),
                row("supplier_terms_days"),
                row("fixed_costs_rwf"),
                _base.sources_note(_("Sources:"), _(SOURCES)),
            ]
        )

    # Read-only view of the model ------------------------------------------------
    @property
    def first_negative_day(self) -> int | None:
        """The first day (from 1) that ends with less than zero cash, or ``None``."""
        return self.result.first_negative_day

    @property
    def closing_balance_rwf(self) -> tuple[float, ...]:
        """Cash at the end of each day, RWF, day 1 first."""
        return self.result.closing_rwf

    @property
    def merchant_fees_rwf(self) -> float:
        """Mobile-money fees the shop paid over the period, RWF."""
        return self.result.merchant_fees_rwf

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> CashFlowResult:
        return model(**inputs)

    # Rendering -----------------------------------------------------------------------
    def _render_figure(self, r: CashFlowResult) -> str:
        _, money = self._, self._money
        days = len(r.day)
        if r.first_negative_day is None:
            headline = _("Your cash lasts all {days} days.").format(days=days)
            colour = "#1e7b34"
        else:
            headline = _("Your cash runs out on day {day}.").format(day=r.first_negative_day)
            colour = "#b00020"
        lowest = _("Lowest: {amount} on day {day} (about {usd}).").format(
            amount=money(r.lowest_balance_rwf),
            day=r.lowest_day,
            usd=money(r.lowest_balance_usd, "USD"),
        )
        fees = _(
            "Mobile-money fees you paid: {total} (about {usd}): MoMoPay {momo}, "
            "Airtel Money {airtel}."
        ).format(
            total=money(r.merchant_fees_rwf),
            usd=money(r.merchant_fees_usd, "USD", 2),
            momo=money(r.momo_fees_rwf),
            airtel=money(r.airtel_fees_rwf),
        )
        order_value = self.order_value_rwf
        if r.airtel_fee_paid_by == "payer":
            airtel = _("Airtel Money costs your buyer {fee}").format(
                fee=money(r.airtel_fee_per_order_rwf)
            )
        else:
            airtel = _("Airtel Money costs you {fee}").format(fee=money(r.airtel_fee_per_order_rwf))
        per_order = _("On one order of {value}: MoMoPay costs you {momo}; {airtel}.").format(
            value=money(order_value), momo=money(r.momo_fee_per_order_rwf), airtel=airtel
        )
        buyers = ""
        if r.buyer_fees_rwf > 0:
            buyers = _("Your buyers paid {amount} in transfer fees on top.").format(
                amount=money(r.buyer_fees_rwf)
            )
        market = _(
            "Marketplace commission: {commission}. Still to come from the marketplace on "
            "day {days}: {owed}."
        ).format(
            commission=money(r.marketplace_commission_rwf),
            days=days,
            owed=money(r.owed_by_marketplace_rwf),
        )
        profit = _("Profit over {days} days: {profit} (about {usd}). Profit is not cash.").format(
            days=days, profit=money(r.profit_rwf), usd=money(r.profit_usd, "USD")
        )
        buyers_html = f"<div>{escape(buyers)}</div>" if buyers else ""
        return _base.readout_html(
            f"<div class='isoko-runs-out' style='font-size:1.35em;font-weight:700;"
            f"color:{colour}'>{escape(headline)}</div>",
            f"<div>{escape(lowest)}</div>",
            f"<div class='isoko-fees' style='margin-top:0.3em'><b>{escape(fees)}</b></div>",
            f"<div>{escape(per_order)}</div>",
            buyers_html,
            f"<div style='margin-top:0.3em'>{escape(market)}</div>",
            f"<div>{escape(profit)}</div>",
        )

    def _render_chart(self, r: CashFlowResult) -> str:
        _ = self._
        # One marker, so its legend never crowds the axis label on a phone: the day the
        # cash runs out if it does, else the lowest point (the readout gives both).
        if r.first_negative_day is None:
            day, label, colour = r.lowest_day, _("lowest: day {day}"), "#d35400"
        else:
            day, label, colour = r.first_negative_day, _("runs out: day {day}"), "#b00020"
        markers = [Marker(day, r.closing_rwf[day - 1], label.format(day=day), colour)]
        return line_chart(
            r.day,
            r.closing_rwf,
            x_label=_("Day"),
            y_label=_("Cash, RWF"),
            title=_("Cash at the end of each day"),
            markers=markers,
            x_range=(1, len(r.day)),
            y_range=_base.y_range_with_zero(r.closing_rwf),
            x_format=lambda v: f"{v:g}",
            y_format=self._compact,
        )
