"""Price and profit: which price per pack earns the most after fees and exchange rate?

The story: a Kigali roaster sells 500 g packs of coffee to buyers abroad on a
marketplace that lists prices in US dollars, such as Amazon (Tmall Global's buyers pay
in yuan; the pricing course converts). The default fees are Tmall Global's; set 15% and
no payment fee for Amazon. The roaster pays its costs in Rwandan francs; the
marketplace keeps a commission and the payment provider a fee, both shares of the
price. How many packs sell depends on the price (constant elasticity, pinned to one
reference sale).

This module is only a view: every number comes from :mod:`isoko.econ.pricing` and
:mod:`isoko.econ.fx`. Buyers react to the price in USD, so the exchange rate changes
what the roaster keeps in RWF, not how many packs sell.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets
import numpy as np

from isoko.econ import fx, pricing
from isoko.sims import _base, inputs
from isoko.sims._svg import Marker, line_chart
from isoko.sims.inputs import ASSUMPTION, N_, Input

# Inputs. Figures with a source were collected in late 2026; the rest are
# illustrative assumptions, each a control the learner can change.
#: Livestream sales in China in 2020: the price per pack rose from USD 8 to 12 (New Times).
PRICE_USD = Input(
    "price_usd",
    10.0,
    N_("Your price (USD per 500 g pack)"),
    low=4.0,
    high=25.0,
    step=0.1,
    unit="USD per pack",
    readout_format=".2f",
    main=True,
    source="Livestream sales in China, 2020: USD 8 to 12 a pack (The New Times).",
)
UNIT_COST_RWF = inputs.UNIT_COST_RWF
#: Assumption: a 1% higher price sells about 2.5% fewer packs.
ELASTICITY = Input(
    "elasticity",
    -2.5,
    N_("Price elasticity: a 1% higher price changes sales by this many %"),
    low=-6.0,
    high=-1.2,
    step=0.1,
    unit="% of sales per 1% of price",
    readout_format=".1f",
    note=ASSUMPTION,
)
#: Assumption: 2,000 packs sell at USD 10 (the size of the Jan 2020 livestream sale).
REF_PRICE_USD = Input(
    "ref_price_usd",
    10.0,
    N_("Reference price (USD per pack)"),
    low=PRICE_USD.low,
    high=PRICE_USD.high,
    step=0.5,
    unit="USD per pack",
    readout_format=".2f",
    note=ASSUMPTION,
)
REF_QUANTITY = Input(
    "ref_quantity",
    2_000,
    N_("Packs sold at the reference price"),
    kind="int",
    low=100,
    high=10_000,
    step=100,
    unit="packs",
    note=ASSUMPTION,
)
INPUTS = (
    PRICE_USD,
    UNIT_COST_RWF,
    inputs.COMMISSION_RATE,
    inputs.PAYMENT_FEE_RATE,
    inputs.RWF_PER_USD,
    ELASTICITY,
    REF_PRICE_USD,
    REF_QUANTITY,
)

#: Price slider and chart range, USD per pack.
PRICE_RANGE_USD = (PRICE_USD.low, PRICE_USD.high)

SOURCES = N_(
    "Pack price USD 8 to 12 in 2020 livestream sales in China (The New Times). "
    "Tmall Global commission generally 2-5% plus 1% Alipay (agency source, uncertain; "
    "collected 2026). About RWF 1,461 per USD in mid-2026 (BNR reference rate 1,456.83 "
    "on 2025-12-08, via Stears)."
)

#: gettext domain of this simulator's labels (``locale/<lang>/LC_MESSAGES/isoko-pricing.po``).
DOMAIN = "isoko-pricing"


@dataclass(frozen=True)
class PriceProfitResult:
    """What the model says for the current controls (money in the unit in each name)."""

    price_usd: float
    price_rwf: float
    units_sold: float
    kept_per_unit_rwf: float
    profit_rwf: float
    profit_usd: float
    optimal_price_rwf: float
    optimal_price_usd: float
    optimal_units_sold: float
    optimal_profit_rwf: float
    optimal_profit_usd: float
    curve_price_usd: tuple[float, ...]
    curve_profit_rwf: tuple[float, ...]


def model(
    price_usd: float,
    unit_cost_rwf: float,
    commission_rate: float,
    payment_fee_rate: float,
    rwf_per_usd: float,
    elasticity: float,
    ref_price_usd: float,
    ref_quantity: float,
    price_range_usd: tuple[float, float] = PRICE_RANGE_USD,
) -> PriceProfitResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    price_rwf = fx.usd_to_rwf(price_usd, rwf_per_usd)
    ref_price_rwf = fx.usd_to_rwf(ref_price_usd, rwf_per_usd)
    demand = (ref_price_rwf, ref_quantity, elasticity)
    fees = (commission_rate, payment_fee_rate)

    best_rwf = pricing.optimal_price_constant_elasticity(unit_cost_rwf, elasticity, *fees)
    profit_rwf = pricing.profit(price_rwf, unit_cost_rwf, *demand, *fees)
    best_profit_rwf = pricing.profit(best_rwf, unit_cost_rwf, *demand, *fees)
    curve_rwf, curve_profit = pricing.profit_curve(
        fx.usd_to_rwf(price_range_usd[0], rwf_per_usd),
        fx.usd_to_rwf(price_range_usd[1], rwf_per_usd),
        unit_cost_rwf,
        *demand,
        *fees,
    )
    return PriceProfitResult(
        price_usd=float(price_usd),
        price_rwf=price_rwf,
        units_sold=pricing.constant_elasticity_demand(price_rwf, *demand),
        kept_per_unit_rwf=pricing.net_revenue_per_unit(price_rwf, *fees),
        profit_rwf=profit_rwf,
        profit_usd=fx.rwf_to_usd(profit_rwf, rwf_per_usd),
        optimal_price_rwf=best_rwf,
        optimal_price_usd=fx.rwf_to_usd(best_rwf, rwf_per_usd),
        optimal_units_sold=pricing.constant_elasticity_demand(best_rwf, *demand),
        optimal_profit_rwf=best_profit_rwf,
        optimal_profit_usd=fx.rwf_to_usd(best_profit_rwf, rwf_per_usd),
        curve_price_usd=tuple(np.asarray(fx.rwf_to_usd(curve_rwf, rwf_per_usd)).tolist()),
        curve_profit_rwf=tuple(curve_profit.tolist()),
    )


class PriceProfitSimulator(_base.Simulator[PriceProfitResult], _base.HasChart):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name to its
    widget (``price_usd``, ``unit_cost_rwf``, ``commission_rate``,
    ``payment_fee_rate``, ``rwf_per_usd``, ``elasticity``, ``ref_price_usd``,
    ``ref_quantity``). Read the current model through ``result`` and the read-only
    properties; ``price_usd`` and every other input is also a trait. CSS classes for
    browser tests: ``isoko-sim`` (view), ``isoko-main-control`` (price slider),
    ``isoko-chart`` (chart), ``isoko-profit`` (profit figure).

    ``language`` picks the labels (``"en"`` or ``"fr"``, through gettext) and how
    numbers are written: ``RWF 14,610`` and ``USD 8.50`` in English, ``14 610 RWF``
    and ``8,50 USD`` in French, where a comma is the decimal mark.
    """

    domain = DOMAIN
    inputs = INPUTS

    def _build_view(self) -> widgets.Widget:
        _ = self._
        self._figure = self._output(self._render_figure, "isoko-profit")
        self._chart = self._output(self._render_chart, "isoko-chart")
        return _base.sim_view(
            [
                _base.heading(_("Price and profit")),
                _base.paragraph(
                    _(
                        "A Kigali roaster sells 500 g packs of coffee abroad. What price per "
                        "pack earns the most profit after marketplace commission, payment fee "
                        "and the exchange rate?"
                    )
                ),
                self._row("price_usd"),
                self._figure,
                self._chart,
                _base.heading(_("Costs and fees"), level=4),
                self._row("unit_cost_rwf"),
                self._row("commission_rate"),
                self._row("payment_fee_rate"),
                self._row("rwf_per_usd"),
                _base.heading(_("How buyers react"), level=4),
                self._row("elasticity"),
                self._row("ref_price_usd"),
                self._row("ref_quantity"),
                _base.sources_note(_("Sources:"), _(SOURCES)),
            ]
        )

    # Read-only view of the model ------------------------------------------------
    @property
    def price_rwf(self) -> float:
        """Current price, RWF per pack."""
        return self.result.price_rwf

    @property
    def units_sold(self) -> float:
        """Packs sold at the current price."""
        return self.result.units_sold

    @property
    def profit_rwf(self) -> float:
        """Profit at the current price, RWF."""
        return self.result.profit_rwf

    @property
    def profit_usd(self) -> float:
        """Profit at the current price, USD."""
        return self.result.profit_usd

    @property
    def optimal_price_rwf(self) -> float:
        """Profit-maximising price, RWF per pack."""
        return self.result.optimal_price_rwf

    @property
    def optimal_price_usd(self) -> float:
        """Profit-maximising price, USD per pack."""
        return self.result.optimal_price_usd

    @property
    def optimal_profit_rwf(self) -> float:
        """Profit at the best price, RWF."""
        return self.result.optimal_profit_rwf

    @property
    def profit_figure(self) -> widgets.HTML:
        """The profit figure widget (CSS class ``isoko-profit``)."""
        return self._figure

    @property
    def profit_html(self) -> str:
        """The HTML currently shown in the profit figure."""
        return self._figure.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> PriceProfitResult:
        return model(**inputs)

    # Words and numbers in the learner's language -----------------------------------
    def _prices(self, usd: float) -> dict[str, str]:
        return {"price_usd": self._money(usd, "USD", 2), "price": self._number(usd, 2)}

    def _label(self, label_html: str, value_html: str) -> str:
        """``label: value`` (French puts a no-break space before the colon); HTML parts."""
        # The message is escaped before the (already escaped) parts go in.
        return escape(self._("{label}: {value}")).format(label=label_html, value=value_html)

    # Rendering -----------------------------------------------------------------------
    def _render_figure(self, r: PriceProfitResult) -> str:
        _, money = self._, self._money
        colour = "#1e7b34" if r.profit_rwf >= 0 else "#b00020"
        # Messages outside the f-strings: Babel does not look inside them on Python 3.11.
        loss = " ({})".format(_("a loss")) if r.profit_rwf < 0 else ""
        low, high = PRICE_RANGE_USD
        off_chart = "" if low <= r.optimal_price_usd <= high else " ({})".format(_("off the chart"))
        packs = _("{units} packs at {price_usd} ({price_rwf}) each").format(
            units=self._number(r.units_sold),
            price_usd=money(r.price_usd, "USD", 2),
            price_rwf=money(r.price_rwf, "RWF"),
        )
        keep = _("After fees you keep {kept} a pack; it costs {cost}.").format(
            kept=money(r.kept_per_unit_rwf, "RWF"),
            cost=money(self.unit_cost_rwf, "RWF"),
        )
        best = _("Best price: {price_usd} a pack ({price_rwf})").format(
            price_usd=money(r.optimal_price_usd, "USD", 2),
            price_rwf=money(r.optimal_price_rwf, "RWF"),
        )
        best_profit = _("profit {profit_rwf} (about {profit_usd})").format(
            profit_rwf=money(r.optimal_profit_rwf, "RWF"),
            profit_usd=money(r.optimal_profit_usd, "USD"),
        )
        profit = self._label(
            escape(_("Profit")),
            f"<span class='isoko-profit-rwf'>{escape(money(r.profit_rwf, 'RWF'))}</span>",
        )
        about = escape(_("about {amount}")).format(
            amount=f"<span class='isoko-profit-usd'>{escape(money(r.profit_usd, 'USD'))}</span>"
        )
        best_line = self._label(f"<b>{escape(best)}</b>{escape(off_chart)}", escape(best_profit))
        return _base.readout_html(
            f"<div style='font-size:1.45em;font-weight:700;color:{colour}'>"
            f"{profit}{escape(loss)}</div>",
            f"<div>{about} &middot; {escape(packs)}</div>",
            f"<div>{escape(keep)}</div>",
            f"<div>{best_line}</div>",
        )

    def _render_chart(self, r: PriceProfitResult) -> str:
        _ = self._
        # Legend labels: {price} is the number alone, for languages whose words are long
        # (the legend shares the top line with the y-axis label on a phone).
        markers = [
            Marker(
                r.optimal_price_usd,
                r.optimal_profit_rwf,
                _("best {price_usd}").format(**self._prices(r.optimal_price_usd)),
                "#1e7b34",
            ),
            Marker(
                r.price_usd,
                r.profit_rwf,
                _("now {price_usd}").format(**self._prices(r.price_usd)),
                "#c0392b",
            ),
        ]
        return line_chart(
            r.curve_price_usd,
            r.curve_profit_rwf,
            x_label=_("Price, USD per 500 g pack"),
            y_label=_("Profit, RWF"),
            title=_("Profit at each price"),
            markers=markers,
            x_range=PRICE_RANGE_USD,
            y_range=_base.peak_y_range(r.curve_profit_rwf, r.profit_rwf),
            x_format=lambda v: _base.with_decimal_mark(f"{v:g}", self.language),
            y_format=self._compact,
        )
