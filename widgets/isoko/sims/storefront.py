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
from functools import partial
from html import escape
from typing import Any

import ipywidgets as widgets
import numpy as np

from isoko.econ import customers, fx
from isoko.i18n import N_
from isoko.sims import _base
from isoko.sims._svg import Marker, bar_chart, line_chart

#: gettext domain of this simulator's labels (``locale/<lang>/LC_MESSAGES/isoko-storefront.po``).
DOMAIN = "isoko-storefront"

# Defaults: illustrative assumptions, each a control (none has a public Rwandan source).
#: Assumption: RWF 100,000 (about USD 68) of social-media ads a month.
DEFAULT_AD_SPEND_RWF = 100_000
#: Assumption: RWF 100 (about USD 0.07) a click.
DEFAULT_COST_PER_CLICK_RWF = 100
#: Assumption: visitors who come for free (followers, word of mouth, search) each month.
DEFAULT_ORGANIC_VISITORS = 1_500
#: Assumption: of visitors, 40% open a product, 10% of those add it to the basket, and
#: half of those pay: 2% of visitors order.
DEFAULT_VIEW_RATE = 0.40
DEFAULT_BASKET_RATE = 0.10
DEFAULT_PAY_RATE = 0.50
#: Assumption: an order of RWF 12,000 (for example two 250 g packs of coffee).
DEFAULT_ORDER_VALUE_RWF = 12_000
#: Assumption: 35% of the order value is left after the product, packing and delivery.
DEFAULT_MARGIN_RATE = 0.35
#: Assumption: 40% of last month's customers buy again this month.
DEFAULT_RETENTION_RATE = 0.40
#: Assumption: money next month is worth 1% less than money now.
DEFAULT_DISCOUNT_RATE = 0.01
#: Assumption: phone, data and packaging stock, RWF per month.
DEFAULT_FIXED_COSTS_RWF = 60_000
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

    def __init__(
        self,
        *,
        ad_spend_rwf: int = DEFAULT_AD_SPEND_RWF,
        cost_per_click_rwf: int = DEFAULT_COST_PER_CLICK_RWF,
        organic_visitors: int = DEFAULT_ORGANIC_VISITORS,
        view_rate: float = DEFAULT_VIEW_RATE,
        basket_rate: float = DEFAULT_BASKET_RATE,
        pay_rate: float = DEFAULT_PAY_RATE,
        order_value_rwf: int = DEFAULT_ORDER_VALUE_RWF,
        margin_rate: float = DEFAULT_MARGIN_RATE,
        retention_rate: float = DEFAULT_RETENTION_RATE,
        discount_rate: float = DEFAULT_DISCOUNT_RATE,
        fixed_costs_rwf: int = DEFAULT_FIXED_COSTS_RWF,
        language: str = "en",
    ) -> None:
        super().__init__(DOMAIN, language)
        _ = self._
        inputs = {
            "ad_spend_rwf": ad_spend_rwf,
            "cost_per_click_rwf": cost_per_click_rwf,
            "organic_visitors": organic_visitors,
            "view_rate": view_rate,
            "basket_rate": basket_rate,
            "pay_rate": pay_rate,
            "order_value_rwf": order_value_rwf,
            "margin_rate": margin_rate,
            "retention_rate": retention_rate,
            "discount_rate": discount_rate,
            "fixed_costs_rwf": fixed_costs_rwf,
        }
        # Fail early, with the model's own message, on impossible starting values.
        model(**inputs)

        self._controls = {
            "ad_spend_rwf": _base.main_control(
                _base.int_slider(ad_spend_rwf, 0, 1_000_000, 5_000), "isoko-ad-spend"
            ),
            "cost_per_click_rwf": _base.int_slider(cost_per_click_rwf, 10, 1_000, 5),
            "organic_visitors": _base.int_slider(organic_visitors, 0, 20_000, 100),
            "view_rate": _base.float_slider(view_rate, 0.01, 1.0, 0.01, ".0%"),
            "basket_rate": _base.float_slider(basket_rate, 0.01, 1.0, 0.01, ".0%"),
            "pay_rate": _base.float_slider(pay_rate, 0.01, 1.0, 0.01, ".0%"),
            "order_value_rwf": _base.int_slider(order_value_rwf, 1_000, 100_000, 500),
            "margin_rate": _base.float_slider(margin_rate, 0.0, 0.9, 0.01, ".0%"),
            "retention_rate": _base.float_slider(retention_rate, 0.0, 0.9, 0.01, ".0%"),
            "discount_rate": _base.float_slider(discount_rate, 0.0, 0.05, 0.001, ".1%"),
            "fixed_costs_rwf": _base.int_slider(fixed_costs_rwf, 0, 1_000_000, 5_000),
        }
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._profit_chart = self._output(
            self._render_profit_chart, "isoko-chart", "isoko-profit-chart"
        )
        self._funnel_chart = self._output(
            self._render_funnel_chart, "isoko-chart", "isoko-funnel-chart"
        )

        # Every control is an assumption: no public figures exist for a shop's funnel.
        row = partial(self._row, note=_("assumption"))

        self.view = _base.sim_view(
            [
                _base.heading(_("Storefront and ads")),
                _base.paragraph(
                    _(
                        "You sell online from Kigali and pay for ads. How much can you pay "
                        "to win a customer, and does your shop make money each month?"
                    )
                ),
                row(_("Ads each month (RWF)"), "ad_spend_rwf"),
                self._figure,
                self._profit_chart,
                _base.heading(_("From visitors to orders, each month"), level=4),
                self._funnel_chart,
                row(_("Cost of one ad click (RWF)"), "cost_per_click_rwf"),
                row(_("Visitors who come without ads, each month"), "organic_visitors"),
                row(_("Visitors who open a product"), "view_rate"),
                row(_("... of those, who add it to the basket"), "basket_rate"),
                row(_("... of those, who pay"), "pay_rate"),
                _base.heading(_("Orders and returning customers"), level=4),
                row(_("Value of one order (RWF)"), "order_value_rwf"),
                row(
                    _("What you keep from an order after the product, packing and delivery"),
                    "margin_rate",
                ),
                row(_("Customers who buy again the next month"), "retention_rate"),
                row(_("Money next month is worth this much less (per month)"), "discount_rate"),
                _base.heading(_("Other costs"), level=4),
                row(_("Phone, data and packaging each month (RWF)"), "fixed_costs_rwf"),
                _base.sources_note(_("Sources:"), _(SOURCES)),
            ]
        )
        self._start(_("Cannot work this out: {reason}"))

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
