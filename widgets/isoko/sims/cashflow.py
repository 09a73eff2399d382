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
from functools import partial
from html import escape
from typing import Any

from isoko.econ import cashflow, fx
from isoko.i18n import N_
from isoko.sims import _base
from isoko.sims._svg import Marker, line_chart

#: gettext domain of this simulator's labels (``locale/<lang>/LC_MESSAGES/isoko-cashflow.po``).
DOMAIN = "isoko-cashflow"

#: Days shown in the chart.
DAYS = 90
# Defaults: illustrative assumptions, each a control the learner can change.
#: Assumption: RWF 250,000 (about USD 171) in the shop's mobile-money wallet on day 1.
DEFAULT_OPENING_BALANCE_RWF = 250_000
#: Assumption: 5 orders a day of RWF 8,000.
DEFAULT_ORDERS_PER_DAY = 5
DEFAULT_ORDER_VALUE_RWF = 8_000
#: Assumption: 60% of orders come through a marketplace.
DEFAULT_MARKETPLACE_SHARE = 0.6
#: Assumption: of the orders paid to the seller's phone, 70% use MTN MoMoPay.
DEFAULT_MOMO_SHARE = 0.7
#: Assumption within the facts' range: Jumia charged 4-15% in Kenya, 10% for
#: cross-border "other" goods.
DEFAULT_COMMISSION_RATE = 0.10
#: Assumption: the marketplace pays 14 days after a sale, in a weekly payout.
DEFAULT_PAYOUT_DELAY_DAYS = 14
DEFAULT_PAYOUT_EVERY_DAYS = 7
#: Assumption: stock costs 60% of the price, bought weekly, paid on delivery.
DEFAULT_COST_OF_GOODS_RATE = 0.6
DEFAULT_RESTOCK_EVERY_DAYS = 7
DEFAULT_SUPPLIER_TERMS_DAYS = 0
#: Assumption: rent, phone and data, RWF per month.
DEFAULT_FIXED_COSTS_RWF = 50_000
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

    def __init__(
        self,
        *,
        payout_delay_days: int = DEFAULT_PAYOUT_DELAY_DAYS,
        payout_every_days: int = DEFAULT_PAYOUT_EVERY_DAYS,
        opening_balance_rwf: int = DEFAULT_OPENING_BALANCE_RWF,
        orders_per_day: int = DEFAULT_ORDERS_PER_DAY,
        order_value_rwf: int = DEFAULT_ORDER_VALUE_RWF,
        marketplace_share: float = DEFAULT_MARKETPLACE_SHARE,
        momo_share: float = DEFAULT_MOMO_SHARE,
        airtel_payment: str = "merchant",
        commission_rate: float = DEFAULT_COMMISSION_RATE,
        cost_of_goods_rate: float = DEFAULT_COST_OF_GOODS_RATE,
        restock_every_days: int = DEFAULT_RESTOCK_EVERY_DAYS,
        supplier_terms_days: int = DEFAULT_SUPPLIER_TERMS_DAYS,
        fixed_costs_rwf: int = DEFAULT_FIXED_COSTS_RWF,
        language: str = "en",
    ) -> None:
        super().__init__(DOMAIN, language)
        _ = self._
        inputs = {
            "payout_delay_days": payout_delay_days,
            "payout_every_days": payout_every_days,
            "opening_balance_rwf": opening_balance_rwf,
            "orders_per_day": orders_per_day,
            "order_value_rwf": order_value_rwf,
            "marketplace_share": marketplace_share,
            "momo_share": momo_share,
            "airtel_payment": airtel_payment,
            "commission_rate": commission_rate,
            "cost_of_goods_rate": cost_of_goods_rate,
            "restock_every_days": restock_every_days,
            "supplier_terms_days": supplier_terms_days,
            "fixed_costs_rwf": fixed_costs_rwf,
        }
        # Fail early, with the model's own message, on impossible starting values.
        model(**inputs)

        self._controls = {
            "payout_delay_days": _base.main_control(
                _base.int_slider(payout_delay_days, 0, 45, 1), "isoko-payout-delay"
            ),
            "payout_every_days": _base.int_slider(payout_every_days, 1, 30, 1),
            "opening_balance_rwf": _base.int_slider(opening_balance_rwf, 0, 2_000_000, 10_000),
            "orders_per_day": _base.int_slider(orders_per_day, 0, 50, 1),
            "order_value_rwf": _base.int_slider(order_value_rwf, 500, 100_000, 500),
            "marketplace_share": _base.float_slider(marketplace_share, 0.0, 1.0, 0.05, ".0%"),
            "momo_share": _base.float_slider(momo_share, 0.0, 1.0, 0.05, ".0%"),
            "airtel_payment": _base.dropdown(
                [
                    (_("Merchant payment: free for both"), "merchant"),
                    (_("Send money to your number: the buyer pays a fee"), "transfer"),
                ],
                airtel_payment,
            ),
            "commission_rate": _base.float_slider(commission_rate, 0.0, 0.3, 0.005, ".1%"),
            "cost_of_goods_rate": _base.float_slider(cost_of_goods_rate, 0.0, 0.95, 0.05, ".0%"),
            "restock_every_days": _base.int_slider(restock_every_days, 1, 30, 1),
            "supplier_terms_days": _base.int_slider(supplier_terms_days, 0, 60, 1),
            "fixed_costs_rwf": _base.int_slider(fixed_costs_rwf, 0, 500_000, 5_000),
        }
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._chart = self._output(self._render_chart, "isoko-chart")

        # Every control but the Airtel tariff (a published one) is an assumption.
        row = partial(self._row, note=_("assumption"))

        self.view = _base.sim_view(
            [
                _base.heading(_("Mobile-money cash flow")),
                _base.paragraph(
                    _(
                        "You sell online and buyers pay by mobile money or through a "
                        "marketplace that pays you later. With the fees and the wait, on "
                        "which day does your cash run out?"
                    )
                ),
                row(_("The marketplace pays you this many days after a sale"), "payout_delay_days"),
                self._figure,
                self._chart,
                row(_("Days between two payouts"), "payout_every_days"),
                _base.heading(_("Your sales"), level=4),
                row(_("Cash you start with (RWF)"), "opening_balance_rwf"),
                row(_("Orders a day"), "orders_per_day"),
                row(_("Value of one order (RWF)"), "order_value_rwf"),
                row(_("Orders placed on the marketplace"), "marketplace_share"),
                row(_("Marketplace commission (share of the price)"), "commission_rate"),
                _base.heading(_("Buyers who pay to your phone"), level=4),
                row(
                    _("Pay with MTN MoMoPay (the others with Airtel Money)"),
                    "momo_share",
                ),
                row(
                    _("How Airtel Money buyers pay you"),
                    "airtel_payment",
                    note=_("tariff of Aug 2020"),
                ),
                _base.heading(_("Stock and other costs"), level=4),
                row(_("Stock costs this share of the price"), "cost_of_goods_rate"),
                row(_("Days between two stock purchases"), "restock_every_days"),
                row(
                    _("Days your supplier gives you to pay (0: on delivery)"),
                    "supplier_terms_days",
                ),
                row(_("Rent, phone and data each month (RWF)"), "fixed_costs_rwf"),
                _base.sources_note(_("Sources:"), _(SOURCES)),
            ]
        )
        self._start(_("Cannot work this out: {reason}"))

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
        order_value = self._inputs()["order_value_rwf"]
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
