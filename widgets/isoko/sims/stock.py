"""Stock and reorder: when should I reorder, and how much, so I rarely run out?

The story: a young seller in Kigali sells 250 g packs of coffee online (orders by
chat, paid with mobile money) and restocks from a roaster who delivers a few days
after each order, sometimes late. Buyers who find no stock buy elsewhere. The seller
picks a reorder point (order when stock, counting what is on the way, falls this low)
and an order quantity.

This module is only a view: the simulation is :func:`isoko.econ.inventory.simulate_stock`
(2,000 random futures of 180 days, the same ones for every setting so that a change
in the policy, not chance, moves the chart) and the suggestions come from
:func:`isoko.econ.inventory.suggest_policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets

from isoko.econ import fx, inventory
from isoko.i18n import N_
from isoko.sims import _base
from isoko.sims._svg import Band, Level, Series, multi_line_chart

# Defaults: illustrative assumptions (no public figures for a small Kigali seller),
# each a control the learner can change.
#: Assumption: packs asked for on an average day, and the day-to-day spread.
DEFAULT_MEAN_DAILY_DEMAND = 20.0
DEFAULT_SD_DAILY_DEMAND = 8.0
#: Assumption: the roaster delivers 3 to 8 days after an order.
DEFAULT_LEAD_TIME_DAYS = (3, 8)
DEFAULT_REORDER_POINT = 100
DEFAULT_ORDER_QUANTITY = 300
#: Assumption: cost of one pack (as in the price-and-profit simulator).
DEFAULT_UNIT_COST_RWF = 7_000
#: Assumption: a year of holding stock costs 25% of its value (money, space, ageing).
DEFAULT_HOLDING_RATE = 0.25
#: Assumption: transport, mobile-money fees and time for one order.
DEFAULT_ORDER_COST_RWF = 15_000
#: Assumption: profit lost when a buyer finds no stock.
DEFAULT_LOST_SALE_COST_RWF = 5_000
#: The service level the suggested reorder point aims at.
DEFAULT_SERVICE_LEVEL = 0.95

#: Futures simulated by the view (the econ model takes any number), days, and seed.
PATHS = 2_000
DAYS = 180
SEED = 2018
#: Fan chart bands: 5-95% and 25-75% of futures, and the median.
PERCENTILES = (5, 25, 50, 75, 95)

SOURCES = N_(
    "Every figure here is an illustrative assumption for a small seller in Kigali; "
    "change them to your own. Demand each day is normal, rounded to whole packs; each "
    "delivery takes a whole number of days drawn evenly from the lead-time range; "
    "buyers who find no stock are lost. The suggestions are the textbook formulas: "
    "EOQ = square root of (2 x yearly demand x cost per order / holding cost per pack "
    "per year), and reorder point = demand during the average lead time + z x spread "
    "x square root of the lead time."
)


@dataclass(frozen=True)
class StockResult:
    """The simulation and the suggestions for the current controls."""

    simulation: inventory.StockSimulation
    suggestion: inventory.PolicySuggestion
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
) -> StockResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    low, high = lead_time_days
    simulation = inventory.simulate_stock(
        reorder_point,
        order_quantity,
        mean_daily_demand,
        sd_daily_demand,
        lead_time_days=low,
        lead_time_max_days=high,
        days=DAYS,
        paths=paths,
        holding_cost_per_unit_day=inventory.daily_holding_cost(unit_cost_rwf, annual_holding_rate),
        order_cost=order_cost_rwf,
        lost_sale_cost=lost_sale_cost_rwf,
        percentiles=PERCENTILES,
        seed=seed,
    )
    suggestion = inventory.suggest_policy(
        mean_daily_demand,
        sd_daily_demand,
        low,
        high,
        service_level,
        order_cost_rwf,
        inventory.daily_holding_cost(unit_cost_rwf, annual_holding_rate) * 365,
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

    def __init__(
        self,
        *,
        reorder_point: int = DEFAULT_REORDER_POINT,
        order_quantity: int = DEFAULT_ORDER_QUANTITY,
        mean_daily_demand: float = DEFAULT_MEAN_DAILY_DEMAND,
        sd_daily_demand: float = DEFAULT_SD_DAILY_DEMAND,
        lead_time_days: tuple[int, int] = DEFAULT_LEAD_TIME_DAYS,
        unit_cost_rwf: int = DEFAULT_UNIT_COST_RWF,
        annual_holding_rate: float = DEFAULT_HOLDING_RATE,
        order_cost_rwf: int = DEFAULT_ORDER_COST_RWF,
        lost_sale_cost_rwf: int = DEFAULT_LOST_SALE_COST_RWF,
        service_level: float = DEFAULT_SERVICE_LEVEL,
        paths: int = PATHS,
        language: str = "en",
    ) -> None:
        super().__init__("isoko-stock", language)
        _ = self._
        self._paths = paths
        # Fail early, with the model's own message, on impossible starting values.
        model(
            reorder_point,
            order_quantity,
            mean_daily_demand,
            sd_daily_demand,
            lead_time_days,
            unit_cost_rwf,
            annual_holding_rate,
            order_cost_rwf,
            lost_sale_cost_rwf,
            service_level,
            paths=min(paths, 10),
        )
        lead = widgets.IntRangeSlider(
            value=tuple(lead_time_days),
            min=1,
            max=30,
            step=1,
            continuous_update=False,
            layout=_base.full_width(),
            style={"description_width": "0px"},
        )
        self._controls = {
            "reorder_point": _base.main_control(
                _base.int_slider(reorder_point, 0, 1_000, 5), "isoko-reorder-point"
            ),
            "order_quantity": _base.int_slider(order_quantity, 10, 3_000, 10),
            "mean_daily_demand": _base.float_slider(mean_daily_demand, 1.0, 200.0, 1.0, ".0f"),
            "sd_daily_demand": _base.float_slider(sd_daily_demand, 0.0, 100.0, 0.5, ".1f"),
            "lead_time_days": lead,
            "unit_cost_rwf": _base.int_slider(unit_cost_rwf, 500, 50_000, 100),
            "annual_holding_rate": _base.float_slider(annual_holding_rate, 0.0, 1.0, 0.01, ".0%"),
            "order_cost_rwf": _base.int_slider(order_cost_rwf, 0, 200_000, 500),
            "lost_sale_cost_rwf": _base.int_slider(lost_sale_cost_rwf, 0, 50_000, 100),
            "service_level": _base.float_slider(service_level, 0.5, 0.995, 0.005, ".1%"),
        }

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

        c = self._controls
        assumption = _("assumption")
        self.view = _base.sim_view(
            [
                _base.heading(_("Stock and reorder")),
                _base.paragraph(
                    _(
                        "You sell packs of coffee online from Kigali and restock from a "
                        "roaster who delivers a few days after you order. When should you "
                        "reorder, and how much, so that you rarely run out without paying "
                        "to keep too much?"
                    )
                ),
                _base.labelled(
                    _("Reorder point: order when stock, with what is on the way, falls to"),
                    c["reorder_point"],
                ),
                _base.labelled(_("Order quantity (packs per order)"), c["order_quantity"]),
                self._figure,
                self._chart,
                self._suggestion,
                self.use_suggestions,
                _base.heading(_("Demand and deliveries"), level=4),
                _base.labelled(
                    _("Packs asked for on an average day"), c["mean_daily_demand"], assumption
                ),
                _base.labelled(
                    _("Day-to-day spread of demand (standard deviation, packs)"),
                    c["sd_daily_demand"],
                    assumption,
                ),
                _base.labelled(
                    _("Days from order to delivery (shortest to longest)"), lead, assumption
                ),
                _base.heading(_("Costs"), level=4),
                _base.labelled(_("Cost of one pack (RWF)"), c["unit_cost_rwf"], assumption),
                _base.labelled(
                    _("Yearly cost of holding stock (share of its value)"),
                    c["annual_holding_rate"],
                    assumption,
                ),
                _base.labelled(
                    _("Cost of placing one order (RWF)"), c["order_cost_rwf"], assumption
                ),
                _base.labelled(
                    _("Profit lost when a buyer finds no stock (RWF per pack)"),
                    c["lost_sale_cost_rwf"],
                    assumption,
                ),
                _base.labelled(
                    _("Target for the suggestion: share of orders that arrive before you run out"),
                    c["service_level"],
                ),
                _base.sources_note(_("Sources") + ":", _(SOURCES)),
            ]
        )
        self._holding = False
        self._start(_("Cannot work this out: {reason}"))

    # Read-only view of the model ------------------------------------------------
    @property
    def simulation(self) -> inventory.StockSimulation:
        """The Monte Carlo result for the current policy."""
        return self.result.simulation

    @property
    def suggestion(self) -> inventory.PolicySuggestion:
        """EOQ, safety stock and reorder point for the current demand and costs."""
        return self.result.suggestion

    @property
    def stockout_probability(self) -> float:
        """Share of futures with at least one day out of stock."""
        return self.simulation.stockout_probability

    @property
    def fill_rate(self) -> float:
        """Share of the packs asked for that were sold."""
        return self.simulation.fill_rate

    @property
    def suggestion_html(self) -> str:
        return self._suggestion.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> StockResult:
        return model(**inputs, paths=self._paths)

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
            "Buyers served: {fill} of the packs asked for; out of stock on {days} of days."
        ).format(fill=share(sim.fill_rate, 1), days=share(sim.stockout_day_share, 1))
        stock = _("Stock on an average day: {units} packs; {orders} orders in {days} days.").format(
            units=number(sim.average_stock), orders=number(sim.orders_per_path, 1), days=DAYS
        )
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
            "Suggestion: order {quantity} packs (the economic order quantity) when stock "
            "falls to {point}: {lead} days of average demand plus {safety} packs of safety "
            "stock for {level} of orders. The formula plans for the average delivery time "
            "({days} days), so late deliveries can still empty the shelf."
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
            y_label=_("Packs in stock at the end of the day"),
            title=_("Stock over {days} days in {paths} possible futures").format(
                days=sim.days, paths=self._number(sim.paths)
            ),
            x_range=(1, sim.days),
            x_format=lambda v: f"{v:g}",
            max_points=90,
        )
