"""Livestream sale: how much stock should I prepare for a livestream or flash sale?

The story: Divine, a Kigali roaster, will sell 500 g packs of coffee in a livestream
sale on Tmall Global in China, as Rwandan coffee did in 2020 (2,000 packs in about 10
minutes in January, 3,000 packs in about a minute in May). Buyers there pay in yuan
(CNY); Divine pays her costs in Rwandan francs. The packs must be roasted, packed and
shipped before the sale, so she chooses the stock before knowing the demand. A pack
that sells earns its price after marketplace fees; a pack left over sells later at a
lower price (its salvage value); a buyer who finds none is a lost sale.

This is the newsvendor problem. The module is only a view: every number comes from
:mod:`isoko.econ.newsvendor` (normal demand), :mod:`isoko.econ.pricing`
(what the seller keeps after fees) and :mod:`isoko.econ.fx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets
import numpy as np

from isoko.econ import fx, newsvendor, pricing
from isoko.sims import _base, inputs
from isoko.sims._svg import Marker, Series, line_chart, multi_line_chart
from isoko.sims.inputs import ASSUMPTION, N_, Input

# Inputs. Figures with a source were collected in late 2026; the rest are
# illustrative assumptions, each a control the learner can change.
#: Assumption: between the 2,000 (Jan 2020) and 3,000 (May 2020) packs sold (New Times).
MEAN_DEMAND = Input(
    "mean_demand",
    2_500,
    N_("Packs buyers will want, on average (2,000 and 3,000 sold in 2020)"),
    kind="int",
    low=100,
    high=10_000,
    step=100,
    unit="packs",
    note=ASSUMPTION,
)
#: Starting stock: the expected demand.
STOCK = Input(
    "stock",
    MEAN_DEMAND.default,
    N_("Packs you prepare"),
    kind="int",
    low=0,
    high=10_000,
    step=50,
    unit="packs",
    main=True,
    css_class="isoko-stock",
)
#: Assumption: about the gap between those two sales.
SD_DEMAND = Input(
    "sd_demand",
    700,
    N_("Uncertainty: standard deviation of demand (packs)"),
    kind="int",
    low=0,
    high=3_000,
    step=50,
    unit="packs",
    note=ASSUMPTION,
)
#: The New Times reported the 2020 prices in US dollars (USD 8 to 12 a pack): at about
#: CNY 7.1 per USD (assumed rate of May 2020) that is about CNY 57 to 85.
PRICE_CNY = Input(
    "price_cny",
    70.0,
    N_("Price on Tmall Global (CNY per 500 g pack; about CNY 57 to 85 in 2020)"),
    low=20.0,
    high=180.0,
    step=1.0,
    unit="CNY per pack",
    readout_format=".0f",
    source="USD 8 to 12 a pack in 2020 (The New Times), at about CNY 7.1 per USD.",
)
#: Assumption: a leftover pack sells later, at home or at a discount, for this much.
SALVAGE_RWF = Input(
    "salvage_rwf",
    4_000,
    N_("A leftover pack sells later for (RWF)"),
    kind="int",
    low=0,
    high=30_000,
    step=100,
    unit="RWF per pack",
    note=ASSUMPTION,
)
INPUTS = (
    STOCK,
    MEAN_DEMAND,
    SD_DEMAND,
    PRICE_CNY,
    inputs.UNIT_COST_RWF,
    SALVAGE_RWF,
    inputs.COMMISSION_RATE,
    inputs.PAYMENT_FEE_RATE,
    inputs.RWF_PER_CNY,
)

#: Points on the curves.
CURVE_POINTS = 121

SOURCES = N_(
    "Rwandan coffee livestream sales in China: 2,000 packs in about 10 minutes "
    "(Jan 2020) and 3,000 packs, about 1.5 t, in about a minute (14 May 2020); the pack "
    "price rose from USD 8 to USD 12, about CNY 57 to 85 at CNY 7.1 per USD (The New "
    "Times reported dollars; the rate is an assumption; reported durations vary). Tmall "
    "Global commission generally 2-5% plus 1% Alipay (agency source, uncertain). About "
    "RWF 203 per CNY (Sep 2025). A 500 g pack costs about RWF 10,000 delivered "
    "(assumption, pricing course lesson 2). Demand is assumed normal with the mean and "
    "spread you set. Collected 2026."
)


@dataclass(frozen=True)
class LivestreamResult:
    """The newsvendor model for the current controls (money in RWF)."""

    stock: float
    kept_per_unit_rwf: float
    #: What one pack too few costs (the margin lost) and one too many (cost - salvage).
    shortage_cost_rwf: float
    excess_cost_rwf: float
    critical_ratio: float
    expected_profit_rwf: float
    expected_sales: float
    expected_lost_sales: float
    expected_leftover: float
    sellout_probability: float
    best_stock: float
    best_profit_rwf: float
    best_sellout_probability: float
    curve_stock: tuple[float, ...]
    curve_profit_rwf: tuple[float, ...]
    curve_lost_sales: tuple[float, ...]
    curve_leftover: tuple[float, ...]


def model(
    stock: float,
    mean_demand: float,
    sd_demand: float,
    price_cny: float,
    unit_cost_rwf: float,
    salvage_rwf: float,
    commission_rate: float,
    payment_fee_rate: float,
    rwf_per_cny: float,
    points: int = CURVE_POINTS,
) -> LivestreamResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    price_rwf = fx.cny_to_rwf(price_cny, rwf_per_cny)
    kept = pricing.net_revenue_per_unit(price_rwf, commission_rate, payment_fee_rate)
    demand = (mean_demand, sd_demand)
    money = (kept, unit_cost_rwf, salvage_rwf)
    best = newsvendor.newsvendor_quantity(*demand, *money)
    profit = newsvendor.newsvendor_expected_profit(stock, *demand, *money)
    best_profit = newsvendor.newsvendor_expected_profit(best, *demand, *money)
    shortage, excess = newsvendor.newsvendor_costs(*money)
    # The curves run from no stock to well past likely demand, the best stock and yours.
    top = max(mean_demand + 3.5 * sd_demand, 1.15 * best, 1.05 * stock, 10.0)
    grid = np.linspace(0.0, top, points)
    return LivestreamResult(
        stock=float(stock),
        kept_per_unit_rwf=float(kept),
        shortage_cost_rwf=float(shortage),
        excess_cost_rwf=float(excess),
        critical_ratio=float(newsvendor.critical_ratio(*money)),
        expected_profit_rwf=float(profit),
        expected_sales=float(newsvendor.expected_sales(stock, *demand)),
        expected_lost_sales=float(newsvendor.expected_lost_sales(stock, *demand)),
        expected_leftover=float(newsvendor.expected_leftover(stock, *demand)),
        sellout_probability=float(newsvendor.sellout_probability(stock, *demand)),
        best_stock=float(best),
        best_profit_rwf=float(best_profit),
        best_sellout_probability=float(newsvendor.sellout_probability(best, *demand)),
        curve_stock=tuple(grid.tolist()),
        curve_profit_rwf=tuple(
            np.asarray(newsvendor.newsvendor_expected_profit(grid, *demand, *money)).tolist()
        ),
        curve_lost_sales=tuple(np.asarray(newsvendor.expected_lost_sales(grid, *demand)).tolist()),
        curve_leftover=tuple(np.asarray(newsvendor.expected_leftover(grid, *demand)).tolist()),
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

    domain = "isoko-livestream"
    inputs = INPUTS

    def _check(self, inputs: dict[str, Any]) -> None:
        model(**inputs, points=2)

    def _build_view(self) -> widgets.Widget:
        _ = self._
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._chart = self._output(self._render_chart, "isoko-chart")
        self._risk_chart = self._output(self._render_risk_chart, "isoko-chart")
        return _base.sim_view(
            [
                _base.heading(_("Livestream sale")),
                _base.paragraph(
                    _(
                        "You will sell 500 g packs of coffee in a livestream sale on Tmall "
                        "Global in China, where buyers pay in yuan. The packs must be "
                        "roasted and shipped before the sale, so you choose how many before "
                        "you know how many buyers will come. Too few and buyers leave "
                        "empty-handed; too many and packs are left over."
                    )
                ),
                self._row("stock"),
                self._figure,
                self._chart,
                self._risk_chart,
                _base.heading(_("How many buyers"), level=4),
                self._row("mean_demand"),
                self._row("sd_demand"),
                _base.heading(_("Money"), level=4),
                self._row("price_cny"),
                self._row("unit_cost_rwf"),
                self._row("salvage_rwf"),
                self._row("commission_rate"),
                self._row("payment_fee_rate"),
                self._row("rwf_per_cny"),
                _base.sources_note(_("Sources") + ":", _(SOURCES)),
            ]
        )

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
        headline = _("Expected profit with {stock} packs: {profit}").format(
            stock=number(r.stock), profit=money(r.expected_profit_rwf, "RWF")
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
        best = _("Best: prepare {stock} packs, expected profit {profit}.").format(
            stock=number(r.best_stock), profit=money(r.best_profit_rwf, "RWF")
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
