"""Storefront and ads: how much can I pay to win a customer, and does my shop pay?

The story: a young seller in Kigali runs an online shop (on social media or a small
store site) and buys ads that cost a few francs a click. Visitors open a product,
some add it to the basket, some pay. A share of customers comes back to buy again
each month, so a customer is worth more than their first order: that lifetime value
is the most the seller can pay to win one. The monthly profit starts low, while
customers are being won, and grows as returning customers add up.

This module is only a view: every number comes from :mod:`isoko.econ.customers` and
:mod:`isoko.econ.fx`. Apart from the exchange rate, the defaults are illustrative
assumptions (no public figures exist for a Rwandan online shop's funnel), each a
control the learner can change.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets
import numpy as np

from isoko.econ import customers, fx
from isoko.sims import _base, inputs
from isoko.sims._svg import Marker, bar_chart, line_chart
from isoko.sims.inputs import ASSUMPTION, N_, Input

#: gettext domain of this simulator's labels (``locale/<lang>/LC_MESSAGES/isoko-storefront.po``).
DOMAIN = "isoko-storefront"

# Inputs: illustrative assumptions, each a control (none has a public Rwandan source).
#: Assumption: RWF 100,000 (about USD 68) of social-media ads a month.
AD_SPEND_RWF = Input(
    "ad_spend_rwf",
    100_000,
    N_("Ads each month (RWF)"),
    kind="int",
    low=0,
    high=1_000_000,
    step=5_000,
    unit="RWF per month",
    note=ASSUMPTION,
    main=True,
    css_class="isoko-ad-spend",
)
#: Assumption: RWF 100 (about USD 0.07) a click.
COST_PER_CLICK_RWF = Input(
    "cost_per_click_rwf",
    100,
    N_("Cost of one ad click (RWF)"),
    kind="int",
    low=10,
    high=1_000,
    step=5,
    unit="RWF per click",
    note=ASSUMPTION,
)
#: Assumption: visitors who come for free (followers, word of mouth, search) each month.
ORGANIC_VISITORS = Input(
    "organic_visitors",
    1_500,
    N_("Visitors who come without ads, each month"),
    kind="int",
    low=0,
    high=20_000,
    step=100,
    unit="visitors per month",
    note=ASSUMPTION,
)
#: Assumption: of visitors, 40% open a product, 10% of those add it to the basket, and
#: half of those pay: 2% of visitors order.
VIEW_RATE = Input(
    "view_rate",
    0.4,
    N_("Visitors who open a product"),
    low=0.01,
    high=1.0,
    step=0.01,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
BASKET_RATE = Input(
    "basket_rate",
    0.1,
    N_("... of those, who add it to the basket"),
    low=0.01,
    high=1.0,
    step=0.01,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
PAY_RATE = Input(
    "pay_rate",
    0.5,
    N_("... of those, who pay"),
    low=0.01,
    high=1.0,
    step=0.01,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
#: Assumption: 35% of the order value is left after the product, packing and delivery.
MARGIN_RATE = Input(
    "margin_rate",
    0.35,
    N_("What you keep from an order after the product, packing and delivery"),
    low=0.0,
    high=0.9,
    step=0.01,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
#: Assumption: 40% of last month's customers buy again this month.
RETENTION_RATE = Input(
    "retention_rate",
    0.4,
    N_("Customers who buy again the next month"),
    low=0.0,
    high=0.9,
    step=0.01,
    unit="share",
    readout_format=".0%",
    note=ASSUMPTION,
)
#: Assumption: money next month is worth 1% less than money now.
DISCOUNT_RATE = Input(
    "discount_rate",
    0.01,
    N_("Money next month is worth this much less (per month)"),
    low=0.0,
    high=0.05,
    step=0.001,
    unit="share per month",
    readout_format=".1%",
    note=ASSUMPTION,
)
#: Assumption: phone, data and packaging stock, RWF per month.
FIXED_COSTS_RWF = Input(
    "fixed_costs_rwf",
    60_000,
    N_("Phone, data and packaging each month (RWF)"),
    kind="int",
    low=0,
    high=1_000_000,
    step=5_000,
    unit="RWF per month",
    note=ASSUMPTION,
)
INPUTS = (
    AD_SPEND_RWF,
    COST_PER_CLICK_RWF,
    ORGANIC_VISITORS,
    VIEW_RATE,
    BASKET_RATE,
    PAY_RATE,
    #: Assumption: an order of RWF 12,000 (for example two 500 g packs of coffee and delivery).
    inputs.ORDER_VALUE_RWF.but(default=12_000, low=1_000),
    MARGIN_RATE,
    RETENTION_RATE,
    DISCOUNT_RATE,
    FIXED_COSTS_RWF,
)
#: About RWF 1,461 per USD in mid-2026 (for the USD amounts shown alongside RWF).
RWF_PER_USD = fx.RWF_PER_USD_MID_2026
#: Months in the profit chart.
MONTHS = 12

SOURCES = N_(
    "Funnel rates, cost per click, order value, margin, returning customers and costs "
    "are illustrative assumptions (2026): change them to your own shop's numbers. "
    "USD amounts use about RWF 1,461 per USD, mid-2026 (BNR reference rate 1,456.83 "
    "on 2025-12-08, via Stears). Lifetime value = margin per order x (1 + d) / (1 + d - r), "
    "with r the customers who buy again each month and d the monthly discount: the "
    "first order now, later orders weighted by the chance the customer is still buying."
)


@dataclass(frozen=True)
class StorefrontResult:
    """What the model says for the current controls (money in RWF unless named USD)."""

    funnel: tuple[float, ...]
    ad_visitors: float
    new_customers: float
    conversion: float
    margin_per_order_rwf: float
    expected_orders: float
    lifetime_value_rwf: float
    lifetime_value_usd: float
    acquisition_cost_rwf: float
    acquisition_cost_usd: float
    payback_months: float
    months: tuple[float, ...]
    monthly_profit_rwf: tuple[float, ...]
    cumulative_profit_rwf: tuple[float, ...]
    first_month_profit_rwf: float
    last_month_profit_rwf: float
    last_month_profit_usd: float
    steady_monthly_profit_rwf: float


def model(
    ad_spend_rwf: float,
    cost_per_click_rwf: float,
    organic_visitors: float,
    view_rate: float,
    basket_rate: float,
    pay_rate: float,
    order_value_rwf: float,
    margin_rate: float,
    retention_rate: float,
    discount_rate: float,
    fixed_costs_rwf: float,
    months: int = MONTHS,
    rwf_per_usd: float = RWF_PER_USD,
) -> StorefrontResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    steps = [view_rate, basket_rate, pay_rate]
    margin = customers.margin_per_order(order_value_rwf, margin_rate)
    clv = customers.customer_lifetime_value(margin, retention_rate, discount_rate)
    cac = customers.paid_acquisition_cost(cost_per_click_rwf, steps)
    shop = customers.storefront_months(
        months,
        organic_visitors=organic_visitors,
        ad_spend=ad_spend_rwf,
        cost_per_click=cost_per_click_rwf,
        step_rates=steps,
        order_value=order_value_rwf,
        margin_rate=margin_rate,
        retention_rate=retention_rate,
        fixed_costs=fixed_costs_rwf,
    )
    # Every month has the same visitors here: read them from month 1.
    new = float(shop.new_customers[0])
    return StorefrontResult(
        funnel=tuple(customers.funnel(shop.visitors[0], steps).tolist()),
        ad_visitors=float(shop.ad_visitors[0]),
        new_customers=new,
        conversion=customers.overall_conversion(steps),
        margin_per_order_rwf=margin,
        expected_orders=customers.expected_orders_per_customer(retention_rate),
        lifetime_value_rwf=clv,
        lifetime_value_usd=fx.rwf_to_usd(clv, rwf_per_usd),
        acquisition_cost_rwf=cac,
        acquisition_cost_usd=fx.rwf_to_usd(cac, rwf_per_usd),
        payback_months=customers.payback_periods(cac, margin, retention_rate, discount_rate),
        months=tuple(shop.month.tolist()),
        monthly_profit_rwf=tuple(shop.profit.tolist()),
        cumulative_profit_rwf=tuple(shop.cumulative_profit.tolist()),
        first_month_profit_rwf=float(shop.profit[0]),
        last_month_profit_rwf=float(shop.profit[-1]),
        last_month_profit_usd=fx.rwf_to_usd(float(shop.profit[-1]), rwf_per_usd),
        steady_monthly_profit_rwf=customers.steady_state_monthly_profit(
            new, margin, retention_rate, ad_spend_rwf, fixed_costs_rwf
        ),
    )


class StorefrontAdsSimulator(_base.Simulator[StorefrontResult], _base.HasFigure):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name to its
    widget (``ad_spend_rwf``, ``cost_per_click_rwf``, ``organic_visitors``,
    ``view_rate``, ``basket_rate``, ``pay_rate``, ``order_value_rwf``, ``margin_rate``,
    ``retention_rate``, ``discount_rate``, ``fixed_costs_rwf``). Read the model through
    ``result`` and the read-only properties.

    CSS classes for browser tests: ``isoko-sim`` (view), ``isoko-main-control`` and
    ``isoko-ad-spend`` (ad spend slider), ``isoko-chart`` (both charts; also
    ``isoko-profit-chart`` and ``isoko-funnel-chart``), ``isoko-figure`` (the readout;
    inside it ``isoko-afford`` holds the most you can pay per customer).

    ``language`` picks the labels (``"en"`` or ``"fr"``, through gettext) and how
    numbers are written (``RWF 6,954`` or ``6 954 RWF``).
    """

    domain = DOMAIN
    inputs = INPUTS

    def _build_view(self) -> widgets.Widget:
        _ = self._
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._profit_chart = self._output(
            self._render_profit_chart, "isoko-chart", "isoko-profit-chart"
        )
        self._funnel_chart = self._output(
            self._render_funnel_chart, "isoko-chart", "isoko-funnel-chart"
        )

        row = self._row
        return _base.sim_view(
            [
                _base.heading(_("Storefront and ads")),
                _base.paragraph(
                    _(
                        "You sell online from Kigali and pay for ads. How much can you pay "
                        "to win a customer, and does your shop make money each month?"
                    )
                ),
                row("ad_spend_rwf"),
                self._figure,
                self._profit_chart,
                _base.heading(_("From visitors to orders, each month"), level=4),
                self._funnel_chart,
                row("cost_per_click_rwf"),
                row("organic_visitors"),
                row("view_rate"),
                row("basket_rate"),
                row("pay_rate"),
                _base.heading(_("Orders and returning customers"), level=4),
                row("order_value_rwf"),
                row("margin_rate"),
                row("retention_rate"),
                row("discount_rate"),
                _base.heading(_("Other costs"), level=4),
                row("fixed_costs_rwf"),
                _base.sources_note(_("Sources:"), _(SOURCES)),
            ]
        )

    # Read-only view of the model ------------------------------------------------
    @property
    def lifetime_value_rwf(self) -> float:
        """What a new customer is worth (RWF): the most you can pay to win one."""
        return self.result.lifetime_value_rwf

    @property
    def acquisition_cost_rwf(self) -> float:
        """What a customer won with ads costs (RWF)."""
        return self.result.acquisition_cost_rwf

    @property
    def new_customers(self) -> float:
        """New customers a month (from ads and without)."""
        return self.result.new_customers

    @property
    def monthly_profit_rwf(self) -> tuple[float, ...]:
        """Profit in each month, RWF, month 1 first."""
        return self.result.monthly_profit_rwf

    @property
    def charts(self) -> tuple[widgets.HTML, widgets.HTML]:
        """The profit chart and the funnel chart (CSS class ``isoko-chart``)."""
        return self._profit_chart, self._funnel_chart

    @property
    def profit_chart_svg(self) -> str:
        """The SVG of monthly profit currently shown."""
        return self._profit_chart.value

    @property
    def funnel_chart_svg(self) -> str:
        """The SVG of the funnel currently shown."""
        return self._funnel_chart.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> StorefrontResult:
        return model(**inputs)

    # Rendering -----------------------------------------------------------------------
    def _render_figure(self, r: StorefrontResult) -> str:
        _, money = self._, self._money
        inputs = self._inputs()
        afford = _("You can afford to pay up to {amount} to win a customer").format(
            amount=money(r.lifetime_value_rwf)
        )
        worth = _(
            "about {usd}: a customer orders {orders} times on average and you keep "
            "{margin} from each order"
        ).format(
            usd=money(r.lifetime_value_usd, "USD", 2),
            orders=self._number(r.expected_orders, 1),
            margin=money(r.margin_per_order_rwf),
        )
        if inputs["ad_spend_rwf"] > 0:
            cost = _(
                "Ads win you a customer for {cac} ({per_click} a click; {rate} of visitors buy)."
            )
        else:
            cost = _(
                "With ads, a customer would cost {cac} ({per_click} a click; {rate} of "
                "visitors buy)."
            )
        cost = cost.format(
            cac=money(r.acquisition_cost_rwf),
            per_click=money(inputs["cost_per_click_rwf"]),
            rate=self._share(r.conversion, 1),
        )
        if np.isfinite(r.payback_months):
            good = True
            months = int(r.payback_months)
            verdict = (
                _("Worth it: the first order pays for the customer.")
                if months <= 1
                else _("Worth it: a customer pays back their cost by month {month}.").format(
                    month=months
                )
            )
        else:
            good = False
            verdict = _("Too dear: a customer is worth {gap} less than they cost.").format(
                gap=money(r.acquisition_cost_rwf - r.lifetime_value_rwf)
            )
        profit = _("Profit: {first} in month 1, {last} in month {months} (about {usd}).").format(
            first=money(r.first_month_profit_rwf),
            last=money(r.last_month_profit_rwf),
            months=len(r.months),
            usd=money(r.last_month_profit_usd, "USD"),
        )
        verdict_colour = "#1e7b34" if good else "#b00020"
        profit_colour = "#1e7b34" if r.last_month_profit_rwf >= 0 else "#b00020"
        return _base.readout_html(
            "<div class='isoko-afford' style='font-size:1.3em;font-weight:700;"
            f"color:#1f4e79'>{escape(afford)}</div>",
            f"<div>{escape(worth)}</div>",
            f"<div style='margin-top:0.3em'>{escape(cost)} "
            f"<b style='color:{verdict_colour}'>{escape(verdict)}</b></div>",
            f"<div class='isoko-monthly-profit' style='margin-top:0.3em;font-weight:700;"
            f"color:{profit_colour}'>{escape(profit)}</div>",
        )

    def _render_profit_chart(self, r: StorefrontResult) -> str:
        _ = self._
        first, last = r.months[0], r.months[-1]
        markers = [
            Marker(
                first,
                r.first_month_profit_rwf,
                _("month {month}").format(month=int(first)),
                "#c0392b",
            ),
            Marker(
                last,
                r.last_month_profit_rwf,
                _("month {month}").format(month=int(last)),
                "#1e7b34",
            ),
        ]
        return line_chart(
            r.months,
            r.monthly_profit_rwf,
            x_label=_("Month"),
            y_label=_("Profit each month, RWF"),
            title=_("Profit each month"),
            markers=markers,
            x_range=(first, last),
            y_range=_base.y_range_with_zero(r.monthly_profit_rwf),
            x_format=lambda v: f"{v:g}",
            y_format=self._compact,
        )

    def _render_funnel_chart(self, r: StorefrontResult) -> str:
        _ = self._
        labels = [
            _("Visitors ({ads} from ads)").format(ads=self._number(r.ad_visitors)),
            _("Open a product"),
            _("Add to basket"),
            _("Pay: new customers"),
        ]
        return bar_chart(
            labels,
            r.funnel,
            title=_("From visitors to orders, each month"),
            value_format=lambda v: self._number(v, 1 if v < 10 else 0),
        )
