"""Stock and reorder: when should I reorder, and how much, so I rarely run out?

The story: Aline, in Kicukiro, Kigali, sells her *Urusenda* chili oil in 200 ml glass
bottles through a cross-border shop in China, from stock in a warehouse there (the
logistics course's lesson 5). She restocks by air: the lead time, from starting a batch
to bottles on the shelf in China, is 8 to 12 days, making included, sometimes late.
Shoppers who find no stock buy elsewhere. She picks a reorder point (ship when stock,
counting what is on the way, falls this low) and how many bottles to send each time.

This module is only a view: the simulation is :func:`isoko.econ.stock.simulate_stock`
(2,000 random futures of 180 days, the same ones for every setting so that a change
in the policy, not chance, moves the chart) and the suggestions come from
:func:`isoko.econ.stock.suggest_policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets

from isoko.econ import freight, fx, stock
from isoko.sims import _base, inputs
from isoko.sims._svg import Band, Level, Series, multi_line_chart
from isoko.sims.inputs import ASSUMPTION, N_, Input

# Inputs: illustrative assumptions (no public figures for a small Kigali seller), each a
# control the learner can change. The starting values are Aline's in the logistics course
# (lesson 5 for demand and lead time, lesson 1 for her costs by air), so that a learner
# sent here from a lesson sees her bottles.
#: A starting point, not a suggestion: 36 bottles a day for the average 10 days of lead
#: time, with no safety stock (lesson 5, step 4); the learner moves it.
REORDER_POINT = Input(
    "reorder_point",
    360,
    N_("Reorder point: order when stock, with what is on the way, falls to"),
    kind="int",
    low=0,
    high=1_000,
    step=5,
    unit="bottles",
    main=True,
    css_class="isoko-reorder-point",
)
#: Lesson 5 (and 1): a shipment of 50 cartons, 1,200 bottles.
ORDER_QUANTITY = Input(
    "order_quantity",
    1_200,
    N_("Bottles per shipment"),
    kind="int",
    low=10,
    high=6_000,
    step=10,
    unit="bottles",
)
#: Assumption (lesson 5): the ordinary days of Aline's made-up 2025 sales, 35.8 bottles a
#: day on average with a standard deviation of 13.4 (livestream days left out).
MEAN_DAILY_DEMAND = Input(
    "mean_daily_demand",
    36.0,
    N_("Bottles asked for on an average day"),
    low=1.0,
    high=200.0,
    step=1.0,
    unit="bottles per day",
    readout_format=".0f",
    note=ASSUMPTION,
)
SD_DAILY_DEMAND = Input(
    "sd_daily_demand",
    13.0,
    N_("Day-to-day spread of demand (standard deviation, bottles)"),
    low=0.0,
    high=100.0,
    step=0.5,
    unit="bottles per day",
    readout_format=".1f",
    note=ASSUMPTION,
)
#: Assumption (lesson 5): by air, 3 days to make a batch and 5 to 8 days door to
#: warehouse in the quotes, about 8 to 12 days in all.
LEAD_TIME_DAYS = Input(
    "lead_time_days",
    (8, 12),
    N_("Days from starting a batch to bottles on the shelf (shortest to longest)"),
    kind="int range",
    low=1,
    high=30,
    step=1,
    unit="days",
    note=ASSUMPTION,
)
#: Assumption: a year of holding stock costs 25% of its value (money, space, ageing).
ANNUAL_HOLDING_RATE = Input(
    "annual_holding_rate",
    0.25,
    N_("Yearly cost of holding stock (share of its value)"),
    low=0.0,
    high=1.0,
    step=0.01,
    unit="share per year",
    readout_format=".0%",
    note=ASSUMPTION,
)
#: Assumption (lesson 1): the fees of one air shipment, USD 150 (handling, air waybill,
#: export papers, clearance) at RWF 1,461 per USD. By sea they are about USD 450.
ORDER_COST_RWF = Input(
    "order_cost_rwf",
    round(freight.AIR_FEES_USD * fx.RWF_PER_USD_MID_2026),
    N_("Fees of one shipment (RWF)"),
    kind="int",
    low=0,
    high=1_000_000,
    step=50,
    unit="RWF per shipment",
    note=ASSUMPTION,
)
#: Assumption (lesson 1): a bottle landed in China by air, part by part: make RWF 2,500,
#: pack 150, freight 1,522, insurance 13, retail tax 720, fees 183. By sea it is about
#: RWF 4,000 (lesson 5).
LANDED_BY_AIR_RWF = 5_087
BOTTLE_LANDED_COST_RWF = Input(
    "unit_cost_rwf",
    LANDED_BY_AIR_RWF,
    N_("Cost of one bottle, landed in China (RWF)"),
    kind="int",
    low=500,
    high=50_000,
    step=1,
    unit="RWF per bottle",
    note=ASSUMPTION,
)
#: Assumption (lesson 1): the shop price, CNY 39 at RWF 203 per CNY (RWF 7,917), less
#: the landed cost by air; the shop's commission and the payment fee are still to come.
LOST_SALE_COST_RWF = Input(
    "lost_sale_cost_rwf",
    round(inputs.ALINE_BOTTLE_PRICE_CNY * fx.RWF_PER_CNY_SEP_2025) - LANDED_BY_AIR_RWF,
    N_("Profit lost when a shopper finds no stock (RWF per bottle)"),
    kind="int",
    low=0,
    high=50_000,
    step=1,
    unit="RWF per bottle",
    note=ASSUMPTION,
)
#: The service level the suggested reorder point aims at.
SERVICE_LEVEL = Input(
    "service_level",
    0.95,
    N_("Target for the suggestion: share of orders that arrive before you run out"),
    low=0.5,
    high=0.995,
    step=0.005,
    unit="share",
    readout_format=".1%",
)
INPUTS = (
    REORDER_POINT,
    ORDER_QUANTITY,
    MEAN_DAILY_DEMAND,
    SD_DAILY_DEMAND,
    LEAD_TIME_DAYS,
    BOTTLE_LANDED_COST_RWF,
    ANNUAL_HOLDING_RATE,
    ORDER_COST_RWF,
    LOST_SALE_COST_RWF,
    SERVICE_LEVEL,
)

#: Futures simulated by the view (the econ model takes any number), days, and seed.
PATHS = 2_000
DAYS = 180
SEED = 2018
#: Fan chart bands: 5-95% and 25-75% of futures, and the median.
PERCENTILES = (5, 25, 50, 75, 95)

SOURCES = N_(
    "Every figure here is an illustrative assumption: Aline's, from the logistics "
    "course (demand and lead time from lesson 5, costs by air from lesson 1); change "
    "them to your own. Demand each day is normal, rounded to whole bottles; each "
    "delivery takes a whole number of days drawn evenly from the lead-time range; "
    "buyers who find no stock are lost. The suggestions are the textbook formulas: "
    "EOQ = square root of (2 x yearly demand x cost per order / holding cost per bottle "
    "per year), and reorder point = demand during the average lead time + z x square "
    "root of (average lead time x spread of demand squared + average demand squared x "
    "spread of the lead time squared), so late deliveries are covered too."
)


@dataclass(frozen=True)
class StockResult:
    """The simulation and the suggestions for the current controls."""

    simulation: stock.StockSimulation
    suggestion: stock.PolicySuggestion
    reorder_point: int
    order_quantity: int
    total_cost_usd: float


def model(
    reorder_point: int,
    order_quantity: int,
    mean_daily_demand: float,
    sd_daily_demand: float,
    lead_time_days: tuple[int, int],
    unit_cost_rwf: float,
    annual_holding_rate: float,
    order_cost_rwf: float,
    lost_sale_cost_rwf: float,
    service_level: float,
    paths: int = PATHS,
    seed: int = SEED,
    normals: stock.NormalDraws | None = None,
) -> StockResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    low, high = lead_time_days
    simulation = stock.simulate_stock(
        reorder_point,
        order_quantity,
        mean_daily_demand,
        sd_daily_demand,
        lead_time_days=low,
        lead_time_max_days=high,
        days=DAYS,
        paths=paths,
        holding_cost_per_unit_day=stock.daily_holding_cost(unit_cost_rwf, annual_holding_rate),
        order_cost=order_cost_rwf,
        lost_sale_cost=lost_sale_cost_rwf,
        percentiles=PERCENTILES,
        seed=seed,
        normals=normals,
    )
    suggestion = stock.suggest_policy(
        mean_daily_demand,
        sd_daily_demand,
        low,
        high,
        service_level,
        order_cost_rwf,
        stock.daily_holding_cost(unit_cost_rwf, annual_holding_rate) * 365,
    )
    return StockResult(
        simulation=simulation,
        suggestion=suggestion,
        reorder_point=int(reorder_point),
        order_quantity=int(order_quantity),
        total_cost_usd=float(fx.rwf_to_usd(simulation.total_cost, fx.RWF_PER_USD_MID_2026)),
    )


class StockReorderSimulator(_base.Simulator[StockResult], _base.HasFigure, _base.HasChart):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name of
    :func:`model` to its widget (``lead_time_days`` is a range slider);
    ``use_suggestions`` is the button that copies the suggested policy into the
    controls. CSS classes for browser tests: ``isoko-sim`` (view),
    ``isoko-main-control`` and ``isoko-reorder-point`` (reorder point slider),
    ``isoko-chart`` (fan chart), ``isoko-figure`` (main readout),
    ``isoko-use-suggestions`` (button).
    """

    domain = "isoko-stock"
    inputs = INPUTS
    #: Futures simulated (fewer make a quicker, rougher view).
    extra_parameters = (_base.keyword("paths", PATHS, "int"),)

    def _from_extra(self, extra: dict[str, Any]) -> dict[str, Any]:
        self._paths = extra["paths"]
        # This simulator's futures, drawn once: every change of a control reruns them.
        self._normals = stock.draw_normals(SEED, DAYS, self._paths)
        self._holding = False
        return {}

    def _check(self, inputs: dict[str, Any]) -> None:
        model(**inputs, paths=min(self._paths, 10))

    def _build_view(self) -> widgets.Widget:
        _ = self._
        self.use_suggestions = widgets.Button(
            description=_("Use the suggestions"),
            icon="magic",
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self.use_suggestions.add_class("isoko-use-suggestions")
        self.use_suggestions.on_click(self._apply_suggestions)

        self._figure = self._output(self._render_figure, "isoko-figure")
        self._suggestion = self._output(self._render_suggestion, "isoko-suggestion")
        self._chart = self._output(self._render_chart, "isoko-chart")

        row = self._row
        return _base.sim_view(
            [
                _base.heading(_("Stock and reorder")),
                _base.paragraph(
                    _(
                        "Aline sells her chili oil to shoppers in China from a warehouse "
                        "there and restocks by air from Kigali: 8 to 12 days from starting "
                        "a batch to bottles on the shelf. When should she send the next "
                        "shipment, and how many bottles, so that she rarely runs out "
                        "without paying to keep too much?"
                    )
                ),
                row("reorder_point"),
                row("order_quantity"),
                self._figure,
                self._chart,
                self._suggestion,
                self.use_suggestions,
                _base.heading(_("Demand and deliveries"), level=4),
                row("mean_daily_demand"),
                row("sd_daily_demand"),
                row("lead_time_days"),
                _base.heading(_("Costs"), level=4),
                row("unit_cost_rwf"),
                row("annual_holding_rate"),
                row("order_cost_rwf"),
                row("lost_sale_cost_rwf"),
                row("service_level"),
                _base.sources_note(_("Sources") + ":", _(SOURCES)),
            ]
        )

    # Read-only view of the model ------------------------------------------------
    @property
    def simulation(self) -> stock.StockSimulation:
        """The Monte Carlo result for the current policy."""
        return self.result.simulation

    @property
    def suggestion(self) -> stock.PolicySuggestion:
        """EOQ, safety stock and reorder point for the current demand and costs."""
        return self.result.suggestion

    @property
    def stockout_probability(self) -> float:
        """Share of futures with at least one day out of stock."""
        return self.simulation.stockout_probability

    @property
    def fill_rate(self) -> float:
        """Share of the bottles asked for that were sold."""
        return self.simulation.fill_rate

    @property
    def suggestion_html(self) -> str:
        return self._suggestion.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> StockResult:
        return model(**inputs, paths=self._paths, normals=self._normals)

    def _on_change(self, change: dict[str, Any]) -> None:
        # While the suggestions are copied in, one control at a time, wait for both.
        if not self._holding:
            super()._on_change(change)

    def _apply_suggestions(self, _button: widgets.Button | None = None) -> None:
        """Copy the suggested reorder point and order quantity into the controls, then
        recompute once."""
        s = self.result.suggestion
        self._holding = True
        try:
            # Through the sliders, which hold a suggestion beyond their range at their end.
            self._controls["reorder_point"].value = s.whole_reorder_point
            self._controls["order_quantity"].value = s.whole_order_quantity
        finally:
            self._holding = False
        self._update()

    # Rendering -----------------------------------------------------------------------
    def _render_figure(self, r: StockResult) -> str:
        _ = self._
        money, number, share = self._money, self._number, self._share
        sim = r.simulation
        risk = sim.stockout_probability
        colour = "#1e7b34" if risk < 0.2 else "#b36b00" if risk < 0.5 else "#b00020"
        headline = _("Chance of running out at least once in {days} days: {risk}").format(
            days=DAYS, risk=share(risk)
        )
        served = _(
            "Buyers served: {fill} of the bottles asked for; out of stock on {days} of days."
        ).format(fill=share(sim.fill_rate, 1), days=share(sim.stockout_day_share, 1))
        stock = _(
            "Stock on an average day: {units} bottles; {orders} shipments in {days} days."
        ).format(units=number(sim.average_stock), orders=number(sim.orders_per_path, 1), days=DAYS)
        costs = _(
            "Costs over {days} days: holding {holding}, ordering {ordering}, lost sales "
            "{lost}; total {total} (about {usd})."
        ).format(
            days=DAYS,
            holding=money(sim.holding_cost, "RWF"),
            ordering=money(sim.ordering_cost, "RWF"),
            lost=money(sim.lost_sales_cost, "RWF"),
            total=money(sim.total_cost, "RWF"),
            usd=money(r.total_cost_usd, "USD"),
        )
        return _base.readout_html(
            f"<div style='font-size:1.3em;font-weight:700;color:{colour}' "
            f"class='isoko-stockout' data-value='{risk:.6g}'>{escape(headline)}</div>",
            f"<div class='isoko-fill-rate' data-value='{sim.fill_rate:.6g}'>{escape(served)}</div>",
            f"<div>{escape(stock)}</div>",
            f"<div class='isoko-costs' data-value='{sim.total_cost:.6g}'>{escape(costs)}</div>",
        )

    def _render_suggestion(self, r: StockResult) -> str:
        _, number = self._, self._number
        s = r.suggestion
        lead = self._days(s.lead_time_days)
        text = _(
            "Suggestion: ship {quantity} bottles (the economic order quantity) when stock "
            "falls to {point}: {lead} days of average demand plus {safety} bottles of safety "
            "stock for {level} of orders. The safety stock covers busy days and deliveries "
            "later than the average ({days} days)."
        ).format(
            quantity=number(s.whole_order_quantity),
            point=number(s.whole_reorder_point),
            lead=lead,
            safety=number(s.safety_stock),
            level=self._share(s.service_level, 1),
            days=lead,
        )
        return (
            "<p style='margin:0.3em 0;line-height:1.35;color:#333' "
            f"data-reorder-point='{s.whole_reorder_point}' "
            f"data-order-quantity='{s.whole_order_quantity}'>{escape(text)}</p>"
        )

    def _render_chart(self, r: StockResult) -> str:
        _ = self._
        sim = r.simulation
        bands = sim.stock_percentiles
        days = list(range(1, sim.days + 1))
        return multi_line_chart(
            days,
            [Series(_("middle future"), bands[2].tolist(), "#1f6f8b")],
            bands=[
                Band(_("9 in 10 futures"), bands[0].tolist(), bands[4].tolist(), "#1f6f8b", 0.15),
                Band(_("half of futures"), bands[1].tolist(), bands[3].tolist(), "#1f6f8b", 0.3),
            ],
            levels=[Level(float(r.reorder_point), _("reorder point"), "#c0392b")],
            x_label=_("Day"),
            y_label=_("Bottles in stock at the end of the day"),
            title=_("Stock over {days} days in {paths} possible futures").format(
                days=sim.days, paths=self._number(sim.paths)
            ),
            x_range=(1, sim.days),
            x_format=lambda v: f"{v:g}",
            max_points=90,
        )
