"""Livestream sale: how much stock should I prepare for a livestream or flash sale?

The story: a Kigali roaster will sell 250 g packs of coffee in a livestream sale in
China, as Rwandan coffee did in 2020 (2,000 packs in about 10 minutes in January,
3,000 packs in about a minute in May). The packs must be roasted, packed and shipped
before the sale, so the roaster chooses the stock before knowing the demand. A pack
that sells earns its price after marketplace fees; a pack left over sells later at a
lower price (its salvage value); a buyer who finds none is a lost sale.

This is the newsvendor problem. The module is only a view: every number comes from
:mod:`isoko.econ.logistics` (newsvendor, normal demand), :mod:`isoko.econ.pricing`
(what the seller keeps after fees) and :mod:`isoko.econ.fx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets
import numpy as np

from isoko.econ import fx, logistics, pricing
from isoko.i18n import N_
from isoko.sims import _base
from isoko.sims._svg import Marker, Series, line_chart, multi_line_chart

# Defaults. Figures with a source were collected in late 2026; the rest are
# illustrative assumptions, each a control the learner can change.
#: Assumption: between the 2,000 (Jan 2020) and 3,000 (May 2020) packs sold (New Times).
DEFAULT_MEAN_DEMAND = 2_500
#: Assumption: about the gap between those two sales.
DEFAULT_SD_DEMAND = 700
#: Livestream sales in China in 2020: USD 8 to 12 a pack (New Times).
DEFAULT_PRICE_USD = 10.0
#: Assumption: beans, roasting, bag and freight for one pack (as in price and profit).
DEFAULT_UNIT_COST_RWF = 7_000
#: Assumption: a leftover pack sells later, at home or at a discount, for this much.
DEFAULT_SALVAGE_RWF = 4_000
#: Tmall Global commission "generally 2-5%" (agency source, uncertain) and 1% Alipay.
DEFAULT_COMMISSION_RATE = 0.05
DEFAULT_PAYMENT_FEE_RATE = 0.01
DEFAULT_RWF_PER_USD = fx.RWF_PER_USD_MID_2026
#: Starting stock: the expected demand.
DEFAULT_STOCK = DEFAULT_MEAN_DEMAND

#: Points on the curves.
CURVE_POINTS = 121

SOURCES = N_(
    "Rwandan coffee livestream sales in China: 2,000 packs in about 10 minutes "
    "(Jan 2020) and 3,000 packs, about 1.5 t, in about a minute (14 May 2020); the pack "
    "price rose from USD 8 to USD 12 (The New Times; reported durations vary). Tmall "
    "Global commission generally 2-5% plus 1% Alipay (agency source, uncertain). About "
    "RWF 1,461 per USD (mid-2026). Demand is assumed normal with the mean and spread "
    "you set. Collected 2026."
)


@dataclass(frozen=True)
class LivestreamResult:
    """The newsvendor model for the current controls (money in RWF unless named USD)."""

    stock: float
    kept_per_unit_rwf: float
    #: What one pack too few costs (the margin lost) and one too many (cost - salvage).
    shortage_cost_rwf: float
    excess_cost_rwf: float
    critical_ratio: float
    expected_profit_rwf: float
    expected_profit_usd: float
    expected_sales: float
    expected_lost_sales: float
    expected_leftover: float
    sellout_probability: float
    best_stock: float
    best_profit_rwf: float
    best_profit_usd: float
    best_sellout_probability: float
    curve_stock: tuple[float, ...]
    curve_profit_rwf: tuple[float, ...]
    curve_lost_sales: tuple[float, ...]
    curve_leftover: tuple[float, ...]


def model(
    stock: float,
    mean_demand: float,
    sd_demand: float,
    price_usd: float,
    unit_cost_rwf: float,
    salvage_rwf: float,
    commission_rate: float,
    payment_fee_rate: float,
    rwf_per_usd: float,
    points: int = CURVE_POINTS,
) -> LivestreamResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    price_rwf = fx.usd_to_rwf(price_usd, rwf_per_usd)
    kept = pricing.net_revenue_per_unit(price_rwf, commission_rate, payment_fee_rate)
    demand = (mean_demand, sd_demand)
    money = (kept, unit_cost_rwf, salvage_rwf)
    best = logistics.newsvendor_quantity(*demand, *money)
    profit = logistics.newsvendor_expected_profit(stock, *demand, *money)
    best_profit = logistics.newsvendor_expected_profit(best, *demand, *money)
    shortage, excess = logistics.newsvendor_costs(*money)
    # The curves run from no stock to well past likely demand, the best stock and yours.
    top = max(mean_demand + 3.5 * sd_demand, 1.15 * best, 1.05 * stock, 10.0)
    grid = np.linspace(0.0, top, points)
    return LivestreamResult(
        stock=float(stock),
        kept_per_unit_rwf=float(kept),
        shortage_cost_rwf=float(shortage),
        excess_cost_rwf=float(excess),
        critical_ratio=float(logistics.critical_ratio(*money)),
        expected_profit_rwf=float(profit),
        expected_profit_usd=float(fx.rwf_to_usd(profit, rwf_per_usd)),
        expected_sales=float(logistics.expected_sales(stock, *demand)),
        expected_lost_sales=float(logistics.expected_lost_sales(stock, *demand)),
        expected_leftover=float(logistics.expected_leftover(stock, *demand)),
        sellout_probability=float(logistics.sellout_probability(stock, *demand)),
        best_stock=float(best),
        best_profit_rwf=float(best_profit),
        best_profit_usd=float(fx.rwf_to_usd(best_profit, rwf_per_usd)),
        best_sellout_probability=float(logistics.sellout_probability(best, *demand)),
        curve_stock=tuple(grid.tolist()),
        curve_profit_rwf=tuple(
            np.asarray(logistics.newsvendor_expected_profit(grid, *demand, *money)).tolist()
        ),
        curve_lost_sales=tuple(np.asarray(logistics.expected_lost_sales(grid, *demand)).tolist()),
        curve_leftover=tuple(np.asarray(logistics.expected_leftover(grid, *demand)).tolist()),
    )


class LivestreamSaleSimulator(_base.Simulator[LivestreamResult], _base.HasFigure, _base.HasChart):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name of
    :func:`model` to its widget. Read the current model through ``result`` and the
    read-only properties; ``chart`` is expected profit against stock, ``risk_chart``
    lost sales and leftover packs. CSS classes for browser tests: ``isoko-sim`` (view),
    ``isoko-main-control`` and ``isoko-stock`` (packs prepared), ``isoko-chart``
    (both charts), ``isoko-figure`` (main readout).
    """

    def __init__(
        self,
        *,
        stock: int = DEFAULT_STOCK,
        mean_demand: int = DEFAULT_MEAN_DEMAND,
        sd_demand: int = DEFAULT_SD_DEMAND,
        price_usd: float = DEFAULT_PRICE_USD,
        unit_cost_rwf: int = DEFAULT_UNIT_COST_RWF,
        salvage_rwf: int = DEFAULT_SALVAGE_RWF,
        commission_rate: float = DEFAULT_COMMISSION_RATE,
        payment_fee_rate: float = DEFAULT_PAYMENT_FEE_RATE,
        rwf_per_usd: float = DEFAULT_RWF_PER_USD,
        language: str = "en",
    ) -> None:
        super().__init__("isoko-livestream", language)
        _ = self._
        # Fail early, with the model's own message, on impossible starting values.
        model(
            stock,
            mean_demand,
            sd_demand,
            price_usd,
            unit_cost_rwf,
            salvage_rwf,
            commission_rate,
            payment_fee_rate,
            rwf_per_usd,
            points=2,
        )
        self._controls = {
            "stock": _base.main_control(_base.int_slider(stock, 0, 10_000, 50), "isoko-stock"),
            "mean_demand": _base.int_slider(mean_demand, 100, 10_000, 100),
            "sd_demand": _base.int_slider(sd_demand, 0, 3_000, 50),
            "price_usd": _base.float_slider(price_usd, 4.0, 25.0, 0.1, ".2f"),
            "unit_cost_rwf": _base.int_slider(unit_cost_rwf, 500, 30_000, 100),
            "salvage_rwf": _base.int_slider(salvage_rwf, 0, 30_000, 100),
            "commission_rate": _base.float_slider(commission_rate, 0.0, 0.30, 0.005, ".1%"),
            "payment_fee_rate": _base.float_slider(payment_fee_rate, 0.0, 0.05, 0.001, ".1%"),
            "rwf_per_usd": _base.float_slider(rwf_per_usd, 1_000.0, 2_000.0, 1.0, ",.0f"),
        }
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._chart = self._output(self._render_chart, "isoko-chart")
        self._risk_chart = self._output(self._render_risk_chart, "isoko-chart")

        c = self._controls
        assumption = _("assumption")
        self.view = _base.sim_view(
            [
                _base.heading(_("Livestream sale")),
                _base.paragraph(
                    _(
                        "You will sell packs of coffee in a livestream sale in China. The "
                        "packs must be roasted and shipped before the sale, so you choose "
                        "how many before you know how many buyers will come. Too few and "
                        "buyers leave empty-handed; too many and packs are left over."
                    )
                ),
                _base.labelled(_("Packs you prepare"), c["stock"]),
                self._figure,
                self._chart,
                self._risk_chart,
                _base.heading(_("How many buyers"), level=4),
                _base.labelled(
                    _("Packs buyers will want, on average (2,000 and 3,000 sold in 2020)"),
                    c["mean_demand"],
                    assumption,
                ),
                _base.labelled(
                    _("Uncertainty: standard deviation of demand (packs)"),
                    c["sd_demand"],
                    assumption,
                ),
                _base.heading(_("Money"), level=4),
                _base.labelled(_("Price (USD per pack; USD 8 to 12 in 2020)"), c["price_usd"]),
                _base.labelled(
                    _("Cost of one pack, delivered (RWF)"), c["unit_cost_rwf"], assumption
                ),
                _base.labelled(
                    _("A leftover pack sells later for (RWF)"), c["salvage_rwf"], assumption
                ),
                _base.labelled(
                    _("Marketplace commission (share of the price)"), c["commission_rate"]
                ),
                _base.labelled(_("Payment fee (share of the price)"), c["payment_fee_rate"]),
                _base.labelled(_("Exchange rate (RWF per USD)"), c["rwf_per_usd"]),
                _base.sources_note(_("Sources") + ":", _(SOURCES)),
            ]
        )
        self._start(_("Cannot work this out: {reason}"))

    # Read-only view of the model ------------------------------------------------
    @property
    def expected_profit_rwf(self) -> float:
        """Expected profit with the packs prepared, RWF."""
        return self.result.expected_profit_rwf

    @property
    def best_stock(self) -> float:
        """Packs to prepare for the highest expected profit."""
        return self.result.best_stock

    @property
    def best_profit_rwf(self) -> float:
        """Expected profit at the best stock, RWF."""
        return self.result.best_profit_rwf

    @property
    def risk_chart(self) -> widgets.HTML:
        """Lost sales and leftover packs against stock (CSS class ``isoko-chart``)."""
        return self._risk_chart

    @property
    def risk_chart_svg(self) -> str:
        return self._risk_chart.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> LivestreamResult:
        return model(**inputs)

    # Rendering -----------------------------------------------------------------------
    def _render_figure(self, r: LivestreamResult) -> str:
        _ = self._
        money, number, share = self._money, self._number, self._share
        colour = "#1e7b34" if r.expected_profit_rwf >= 0 else "#b00020"
        headline = _("Expected profit with {stock} packs: {profit} (about {usd})").format(
            stock=number(r.stock),
            profit=money(r.expected_profit_rwf, "RWF"),
            usd=money(r.expected_profit_usd, "USD"),
        )
        outcome = _(
            "On average you sell {sold} packs; buyers miss out on {lost} and {left} are "
            "left over. Chance of selling out: {sellout}."
        ).format(
            sold=number(r.expected_sales),
            lost=number(r.expected_lost_sales),
            left=number(r.expected_leftover),
            sellout=share(r.sellout_probability),
        )
        best = _("Best: prepare {stock} packs, expected profit {profit} (about {usd}).").format(
            stock=number(r.best_stock),
            profit=money(r.best_profit_rwf, "RWF"),
            usd=money(r.best_profit_usd, "USD"),
        )
        why = _(
            "Why: after fees a pack sold earns {gain} over its cost; a pack left over "
            "loses {loss}. The best stock sells out {sellout} of the time: the loss "
            "divided by the gain plus the loss."
        ).format(
            gain=money(r.shortage_cost_rwf, "RWF"),
            loss=money(r.excess_cost_rwf, "RWF"),
            sellout=share(r.best_sellout_probability),
        )
        return _base.readout_html(
            f"<div style='font-size:1.3em;font-weight:700;color:{colour}' "
            f"class='isoko-expected-profit' data-value='{r.expected_profit_rwf:.6g}'>"
            f"{escape(headline)}</div>",
            f"<div>{escape(outcome)}</div>",
            f"<div class='isoko-best' data-value='{r.best_stock:.6g}'><b>{escape(best)}</b></div>",
            f"<div style='color:#444'>{escape(why)}</div>",
        )

    def _render_chart(self, r: LivestreamResult) -> str:
        _ = self._
        markers = [
            Marker(
                r.best_stock,
                r.best_profit_rwf,
                _("best {stock}").format(stock=self._number(r.best_stock)),
                "#1e7b34",
            ),
            Marker(
                r.stock,
                r.expected_profit_rwf,
                _("now {stock}").format(stock=self._number(r.stock)),
                "#c0392b",
            ),
        ]
        return line_chart(
            r.curve_stock,
            r.curve_profit_rwf,
            x_label=_("Packs prepared"),
            y_label=_("Expected profit, RWF"),
            title=_("Expected profit for each stock"),
            markers=markers,
            y_range=_base.peak_y_range(r.curve_profit_rwf, r.expected_profit_rwf),
        )

    def _render_risk_chart(self, r: LivestreamResult) -> str:
        _ = self._
        lost_label = _("packs buyers miss out on")
        left_label = _("packs left over")
        return multi_line_chart(
            r.curve_stock,
            [
                Series(lost_label, r.curve_lost_sales, "#c0392b"),
                Series(left_label, r.curve_leftover, "#1f6f8b", dashed=True),
            ],
            markers=[
                Marker(r.stock, r.expected_lost_sales, _("now: missed"), "#c0392b"),
                Marker(r.stock, r.expected_leftover, _("now: left over"), "#1f6f8b"),
            ],
            x_label=_("Packs prepared"),
            y_label=_("Packs, on average"),
            title=_("Lost sales against leftover packs"),
        )
