"""Air or sea: what lands cheaper in China, and when?

The story: a Kigali roaster ships 250 g packs of coffee to buyers in South China. By air
the packs fly Kigali-Guangzhou (RwandAir, three flights a week) and pay by chargeable
weight; by sea they go by truck to Dar es Salaam or Mombasa and by ship to Nansha,
paying for their share of a 40-ft container; a courier takes them door to door. China
charges import VAT, and a tariff unless Rwanda's zero-tariff treatment applies; the
cross-border e-commerce channel taxes small orders more lightly.

This module is only a view: every number comes from :func:`isoko.econ.logistics.compare_modes`
and :mod:`isoko.econ.fx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import ipywidgets as widgets
import numpy as np

from isoko.econ import fx, logistics
from isoko.i18n import N_
from isoko.sims import _base
from isoko.sims._svg import (
    Marker,
    Segment,
    Series,
    multi_line_chart,
    stacked_bar_chart,
)

# Defaults. Figures with a source were collected in late 2026; the rest are
# illustrative assumptions, each a control the learner can change.
#: The January 2020 livestream sale sold 2,000 packs (New Times).
DEFAULT_UNITS = 2_000
#: Assumption: a 250 g pack with its bag.
DEFAULT_UNIT_WEIGHT_KG = 0.28
#: Assumption: 40 packs to a 40 x 30 x 30 cm carton.
DEFAULT_UNITS_PER_CARTON = 40
DEFAULT_CARTON_CM = (40, 30, 30)
#: Livestream sales in China in 2020: USD 8 to 12 a pack (New Times); the low end.
DEFAULT_VALUE_USD = 8.0
#: Dar es Salaam handles 65-70% of Rwanda's sea trade.
DEFAULT_ROUTE = "dar"
#: Roasted coffee paid 15% in China before the zero-tariff treatment.
DEFAULT_MFN_RATE = logistics.ROASTED_COFFEE_MFN_TARIFF
#: Assumption: China's standard import VAT.
DEFAULT_VAT_RATE = logistics.CHINA_VAT_RATE
#: Assumption: packs in one buyer's order (cross-border e-commerce channel).
DEFAULT_UNITS_PER_ORDER = 4
#: Assumption: yearly cost of the money tied up in goods (for example a loan's interest).
DEFAULT_COST_OF_CAPITAL = 0.16
DEFAULT_RWF_PER_USD = fx.RWF_PER_USD_MID_2026
#: About RWF 203 per CNY (Sep 2025).
DEFAULT_RWF_PER_CNY = 203.0

#: The two choices of shipping date around China's zero tariff for Rwanda.
ZERO_TARIFF_DATE = logistics.ZERO_TARIFF_LDC_FROM
BEFORE_ZERO_TARIFF = date(2024, 11, 30)

#: Shipment sizes for the "cost per pack by shipment size" chart.
SIZE_CURVE = np.unique(np.round(np.geomspace(10, 20_000, 61))).astype(int)
SIZE_TICKS = (10, 30, 100, 300, 1_000, 3_000, 10_000)

SOURCES = N_(
    "Chargeable weight: IATA divides L x W x H in cm by 6,000; couriers often 5,000. "
    "RwandAir Kigali-Mumbai-Guangzhou since 2019; no public per-kg rate to China, so "
    "the air rate is an assumption (Kigali-Europe proxies USD 1.2-2.67/kg, 2019-2023). "
    "Truck Dar es Salaam-Kigali about 5 days and USD 3,500 per 40-ft container; "
    "Mombasa-Kigali about 7 days; Nansha-Mombasa about 20 days at sea; China-Kenya "
    "40-ft rates USD 1,700-8,500 in 2024. China: zero tariff for least developed "
    "countries such as Rwanda from 1 Dec 2024 (roasted coffee paid 15% before); "
    "cross-border e-commerce limits CNY 5,000 an order and CNY 26,000 a person a year, "
    "VAT at 70%. About RWF 1,461 per USD (mid-2026) and RWF 203 per CNY (Sep 2025). "
    "Collected 2026."
)

MODES = ("air", "sea", "courier")

# Colours of the parts of a bar, in the order they add up.
_PART_COLOURS = {
    "goods": "#c9ced3",
    "freight": "#1f6f8b",
    "insurance": "#7fb3c8",
    "duty": "#c0392b",
    "vat": "#e67e22",
    "fees": "#8e44ad",
    "cash": "#f1c40f",
}
_MODE_COLOURS = {"air": "#1f6f8b", "sea": "#1e7b34", "courier": "#8e44ad"}


@dataclass(frozen=True)
class AirOrSeaResult:
    """The model for the current controls: the comparison and the size curve (RWF)."""

    comparison: logistics.ShippingComparison
    curve_units: tuple[int, ...]
    #: Mode -> all-in cost per unit (landed plus cash in transit) at each curve size, RWF.
    curve_cost_rwf: dict[str, tuple[float, ...]]
    rwf_per_usd: float

    @property
    def cheapest(self) -> str:
        return str(self.comparison.cheapest)

    def landed_rwf(self, mode: str) -> float:
        return float(self.comparison.quote(mode).landed.total)

    def all_in_rwf(self, mode: str) -> float:
        return float(self.comparison.quote(mode).all_in_per_unit_rwf)


def model(
    units: int,
    unit_weight_kg: float,
    units_per_carton: int,
    carton_length_cm: float,
    carton_width_cm: float,
    carton_height_cm: float,
    goods_value_usd: float,
    route: str,
    shipped_on: date,
    mfn_duty_rate: float,
    vat_rate: float,
    cross_border_retail: bool,
    units_per_order: int,
    air_rate_usd_per_kg: float,
    courier_rate_usd_per_kg: float,
    sea_40ft_usd: float,
    annual_cost_of_capital: float,
    rwf_per_usd: float,
    rwf_per_cny: float,
) -> AirOrSeaResult:
    """Run the econ model for one set of inputs (no widgets involved)."""
    shipment = (
        unit_weight_kg,
        units_per_carton,
        carton_length_cm,
        carton_width_cm,
        carton_height_cm,
        goods_value_usd,
    )
    options = dict(
        route=route,
        shipped_on=shipped_on,
        mfn_duty_rate=mfn_duty_rate,
        vat_rate=vat_rate,
        cross_border_retail=cross_border_retail,
        units_per_order=units_per_order,
        air_rate_usd_per_kg=air_rate_usd_per_kg,
        courier_rate_usd_per_kg=courier_rate_usd_per_kg,
        sea_40ft_usd=sea_40ft_usd,
        annual_cost_of_capital=annual_cost_of_capital,
        rwf_per_usd=rwf_per_usd,
        rwf_per_cny=rwf_per_cny,
    )
    comparison = logistics.compare_modes(units, *shipment, **options)
    curve = logistics.compare_modes(SIZE_CURVE, *shipment, **options)
    return AirOrSeaResult(
        comparison=comparison,
        curve_units=tuple(int(n) for n in SIZE_CURVE),
        curve_cost_rwf={
            mode: tuple(np.asarray(curve.quote(mode).all_in_per_unit_rwf).tolist())
            for mode in MODES
        },
        rwf_per_usd=float(rwf_per_usd),
    )


class AirOrSeaSimulator(_base.Simulator[AirOrSeaResult], _base.HasFigure, _base.HasChart):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name of
    :func:`model` to its widget. Read the current model through ``result``; ``chart``
    is the landed-cost bars, ``size_chart`` the cost per pack by shipment size. CSS
    classes for browser tests: ``isoko-sim`` (view), ``isoko-main-control`` and
    ``isoko-units`` (shipment size), ``isoko-chart`` (both charts), ``isoko-figure``
    (main readout).
    """

    def __init__(
        self,
        *,
        units: int = DEFAULT_UNITS,
        unit_weight_kg: float = DEFAULT_UNIT_WEIGHT_KG,
        units_per_carton: int = DEFAULT_UNITS_PER_CARTON,
        carton_cm: tuple[int, int, int] = DEFAULT_CARTON_CM,
        goods_value_usd: float = DEFAULT_VALUE_USD,
        route: str = DEFAULT_ROUTE,
        zero_tariff: bool = True,
        mfn_duty_rate: float = DEFAULT_MFN_RATE,
        vat_rate: float = DEFAULT_VAT_RATE,
        cross_border_retail: bool = False,
        units_per_order: int = DEFAULT_UNITS_PER_ORDER,
        air_rate_usd_per_kg: float = logistics.AIR_RATE_USD_PER_KG,
        courier_rate_usd_per_kg: float = logistics.COURIER_RATE_USD_PER_KG,
        sea_40ft_usd: float = logistics.SEA_40FT_USD,
        annual_cost_of_capital: float = DEFAULT_COST_OF_CAPITAL,
        rwf_per_usd: float = DEFAULT_RWF_PER_USD,
        rwf_per_cny: float = DEFAULT_RWF_PER_CNY,
        language: str = "en",
    ) -> None:
        super().__init__("isoko-freight", language)
        _ = self._
        length, width, height = carton_cm
        shipped_on = ZERO_TARIFF_DATE if zero_tariff else BEFORE_ZERO_TARIFF
        # Fail early, with the model's own message, on impossible starting values.
        logistics.compare_modes(
            units,
            unit_weight_kg,
            units_per_carton,
            length,
            width,
            height,
            goods_value_usd,
            route=route,
            mfn_duty_rate=mfn_duty_rate,
            vat_rate=vat_rate,
            units_per_order=units_per_order,
            annual_cost_of_capital=annual_cost_of_capital,
            rwf_per_usd=rwf_per_usd,
            rwf_per_cny=rwf_per_cny,
        )
        routes = [(_("Dar es Salaam"), "dar"), (_("Mombasa"), "mombasa")]
        dates = [
            (_("From 1 Dec 2024: zero tariff for Rwanda"), ZERO_TARIFF_DATE),
            (_("Before 1 Dec 2024: the normal tariff"), BEFORE_ZERO_TARIFF),
        ]
        channels = [
            (_("General trade: an importer buys in bulk"), False),
            (_("Cross-border e-commerce: buyers order online"), True),
        ]
        self._controls = {
            "units": _base.main_control(_base.int_slider(units, 10, 20_000, 10), "isoko-units"),
            "unit_weight_kg": _base.float_slider(unit_weight_kg, 0.05, 5.0, 0.01, ".2f"),
            "units_per_carton": _base.int_slider(units_per_carton, 1, 200, 1),
            "carton_length_cm": _base.int_slider(length, 10, 120, 1),
            "carton_width_cm": _base.int_slider(width, 10, 120, 1),
            "carton_height_cm": _base.int_slider(height, 10, 120, 1),
            "goods_value_usd": _base.float_slider(goods_value_usd, 0.5, 100.0, 0.5, ".2f"),
            "route": _base.dropdown(routes, route),
            "shipped_on": _base.dropdown(dates, shipped_on),
            "mfn_duty_rate": _base.float_slider(mfn_duty_rate, 0.0, 0.5, 0.005, ".1%"),
            "vat_rate": _base.float_slider(vat_rate, 0.0, 0.25, 0.005, ".1%"),
            "cross_border_retail": _base.dropdown(channels, bool(cross_border_retail)),
            "units_per_order": _base.int_slider(units_per_order, 1, 200, 1),
            "air_rate_usd_per_kg": _base.float_slider(air_rate_usd_per_kg, 0.5, 10.0, 0.05, ".2f"),
            "courier_rate_usd_per_kg": _base.float_slider(
                courier_rate_usd_per_kg, 2.0, 40.0, 0.5, ".1f"
            ),
            "sea_40ft_usd": _base.int_slider(int(sea_40ft_usd), 500, 12_000, 100),
            "annual_cost_of_capital": _base.float_slider(
                annual_cost_of_capital, 0.0, 0.5, 0.01, ".0%"
            ),
            "rwf_per_usd": _base.float_slider(rwf_per_usd, 1_000.0, 2_000.0, 1.0, ",.0f"),
            "rwf_per_cny": _base.float_slider(rwf_per_cny, 100.0, 300.0, 0.5, ".1f"),
        }
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._chart = self._output(self._render_chart, "isoko-chart")
        self._size_chart = self._output(self._render_size_chart, "isoko-chart")

        c = self._controls
        assumption = _("assumption")
        self.view = _base.sim_view(
            [
                _base.heading(_("Air or sea")),
                _base.paragraph(
                    _(
                        "A Kigali roaster ships packs of coffee to buyers in South China. "
                        "By air via Kigali, by sea via Dar es Salaam or Mombasa, or by "
                        "courier: what does one pack cost when it arrives, and when does "
                        "it arrive?"
                    )
                ),
                _base.labelled(_("Packs in the shipment"), c["units"]),
                self._figure,
                self._chart,
                self._size_chart,
                _base.heading(_("Your goods"), level=4),
                _base.labelled(
                    _("Value of one pack (USD, declared at customs)"), c["goods_value_usd"]
                ),
                _base.labelled(
                    _("Weight of one pack with its bag (kg)"), c["unit_weight_kg"], assumption
                ),
                _base.labelled(_("Packs in one carton"), c["units_per_carton"], assumption),
                _base.labelled(_("Carton length (cm)"), c["carton_length_cm"], assumption),
                _base.labelled(_("Carton width (cm)"), c["carton_width_cm"], assumption),
                _base.labelled(_("Carton height (cm)"), c["carton_height_cm"], assumption),
                _base.heading(_("Route and freight rates"), level=4),
                _base.labelled(_("Port for the sea route"), c["route"]),
                _base.labelled(
                    _("Air cargo Kigali-Guangzhou (USD per chargeable kg)"),
                    c["air_rate_usd_per_kg"],
                    assumption,
                ),
                _base.labelled(
                    _("40-ft container by sea, port to China (USD)"),
                    c["sea_40ft_usd"],
                    assumption,
                ),
                _base.labelled(
                    _("Courier, door to door (USD per chargeable kg)"),
                    c["courier_rate_usd_per_kg"],
                    assumption,
                ),
                _base.heading(_("Duties in China"), level=4),
                _base.labelled(_("When you ship"), c["shipped_on"]),
                _base.labelled(
                    _("China's normal tariff for your product (roasted coffee: 15%)"),
                    c["mfn_duty_rate"],
                ),
                _base.labelled(_("China's import VAT"), c["vat_rate"], assumption),
                _base.labelled(_("How buyers in China order"), c["cross_border_retail"]),
                _base.labelled(_("Packs in one buyer's order"), c["units_per_order"], assumption),
                _base.heading(_("Money"), level=4),
                _base.labelled(
                    _("Yearly cost of the money tied up in goods"),
                    c["annual_cost_of_capital"],
                    assumption,
                ),
                _base.labelled(_("Exchange rate (RWF per USD)"), c["rwf_per_usd"]),
                _base.labelled(_("Exchange rate (RWF per CNY)"), c["rwf_per_cny"]),
                _base.sources_note(_("Sources") + ":", _(SOURCES)),
            ]
        )
        self._start(_("Cannot work this out: {reason}"))

    # Read-only view of the model ------------------------------------------------
    @property
    def comparison(self) -> logistics.ShippingComparison:
        """Air, sea and courier quotes for the current shipment."""
        return self.result.comparison

    @property
    def cheapest(self) -> str:
        """``"air"``, ``"sea"`` or ``"courier"``: the lowest all-in cost per pack."""
        return self.result.cheapest

    @property
    def landed_cost_rwf(self) -> dict[str, float]:
        """Mode -> landed cost of one pack, RWF."""
        return {mode: self.result.landed_rwf(mode) for mode in MODES}

    @property
    def door_to_door_days(self) -> dict[str, float]:
        """Mode -> days from Kigali to the buyer."""
        return {mode: self.comparison.quote(mode).days for mode in MODES}

    @property
    def size_chart(self) -> widgets.HTML:
        """Cost per pack by shipment size (CSS class ``isoko-chart``)."""
        return self._size_chart

    @property
    def size_chart_svg(self) -> str:
        return self._size_chart.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> AirOrSeaResult:
        return model(**inputs)

    # Words and numbers in the learner's language -----------------------------------
    def _usd(self, amount_rwf: Any) -> float:
        return float(fx.rwf_to_usd(amount_rwf, self.result.rwf_per_usd))

    def _mode_name(self, mode: str, short: bool = False) -> str:
        _ = self._
        if mode == "air":
            return _("Air") if short else _("Air via Kigali")
        if mode == "courier":
            return _("Courier") if short else _("Courier, door to door")
        if short:
            return _("Sea")
        port = logistics.SEA_ROUTES[self._controls["route"].value].port
        return _("Sea via {port}").format(port=port)

    def _render_figure(self, r: AirOrSeaResult) -> str:
        _ = self._
        money, number = self._money, self._number
        c = r.comparison
        best = c.quote(r.cheapest)
        headline = _("Cheapest: {mode}, {cost} a pack ({usd}), in about {days} days").format(
            mode=self._mode_name(r.cheapest),
            cost=money(float(best.all_in_per_unit_rwf), "RWF"),
            usd=money(self._usd(best.all_in_per_unit_rwf), "USD", 2),
            days=self._days(best.days),
        )
        rows = []
        for mode in MODES:
            q = c.quote(mode)
            line = _(
                "{landed} a pack landed ({usd}), {days} days; {value} on the way "
                "costs {cash} in tied-up cash"
            ).format(
                landed=money(float(q.landed.total), "RWF"),
                usd=money(self._usd(q.landed.total), "USD", 2),
                days=self._days(q.days),
                value=money(float(q.value_in_transit_rwf), "RWF"),
                cash=money(float(q.transit_cost_rwf), "RWF"),
            )
            rows.append(
                f"<div class='isoko-mode-{mode}'><b>{escape(self._mode_name(mode))}</b>: "
                f"{escape(line)}</div>"
            )
        weight = _(
            "{cartons} cartons, {kg} kg, {cbm} CBM. Air charges for {charged} kg "
            "(the larger of the weight and the volume weight, {volume} kg)."
        ).format(
            cartons=number(float(c.cartons)),
            kg=number(float(c.actual_kg)),
            cbm=number(float(c.volume_cbm), 2),
            charged=number(float(c.air.billed_quantity)),
            volume=number(float(c.air_volume_weight_kg)),
        )
        if self._controls["cross_border_retail"].value:
            if c.fits_cbec_limits:
                limit = _("within the CNY 5,000 limit: no duty, VAT at 70%")
            else:
                limit = _("over the CNY 5,000 limit: taxed as general trade")
            channel = _("Each buyer's order is worth CNY {value}, {limit}.").format(
                value=number(float(c.order_value_cny)), limit=limit
            )
        else:
            channel = _("Shipped as general trade.")
        duties = _("Duty {duty} of the CIF value, import VAT {vat}.").format(
            duty=self._share(float(c.duty_rate), 1), vat=self._share(float(c.vat_rate), 1)
        )
        return _base.readout_html(
            f"<div style='font-size:1.3em;font-weight:700;color:#1e7b34' "
            f"class='isoko-cheapest' data-mode='{r.cheapest}'>{escape(headline)}</div>",
            *rows,
            f"<div style='color:#444'>{escape(weight)}</div>",
            f"<div style='color:#444'>{escape(channel)} {escape(duties)}</div>",
        )

    def _render_chart(self, r: AirOrSeaResult) -> str:
        _ = self._
        c = r.comparison
        quotes = [c.quote(mode) for mode in MODES]
        names = {
            "goods": _("Goods"),
            "freight": _("Freight"),
            "insurance": _("Insurance"),
            "duty": _("Duty"),
            "vat": _("Import VAT"),
            "fees": _("Fees"),
            "cash": _("Cash tied up"),
        }
        segments = []
        for part in ("goods", "freight", "insurance", "duty", "vat", "fees"):
            values = [float(getattr(q.landed, part)) for q in quotes]
            segments.append(Segment(names[part], values, _PART_COLOURS[part]))
        segments.append(
            Segment(
                names["cash"],
                [float(q.transit_cost_per_unit_rwf) for q in quotes],
                _PART_COLOURS["cash"],
            )
        )
        labels = [
            _("{mode}: {days} days").format(mode=self._mode_name(q.mode), days=self._days(q.days))
            for q in quotes
        ]
        return stacked_bar_chart(
            labels,
            segments,
            title=_("Cost of one pack when it reaches the buyer, RWF"),
            value_format=self._number,
        )

    def _render_size_chart(self, r: AirOrSeaResult) -> str:
        _ = self._
        xs = np.log10(np.asarray(r.curve_units, dtype=float))
        series = [
            Series(self._mode_name(mode, short=True), r.curve_cost_rwf[mode], _MODE_COLOURS[mode])
            for mode in MODES
        ]
        c = r.comparison
        units = float(c.units)
        best = r.cheapest
        marker = Marker(
            float(np.log10(units)),
            r.all_in_rwf(best),
            _("now: {units} packs").format(units=self._number(units)),
            "#c0392b",
        )
        # Show from just under the goods value up to the dearest mode at 100 packs or more:
        # below that, fixed fees per shipment shoot off the chart.
        shown = np.asarray(r.curve_units) >= 100
        top = max(float(np.max(np.asarray(v)[shown])) for v in r.curve_cost_rwf.values())
        y_lo = float(c.air.landed.goods) * 0.95
        y_hi = max(top, r.all_in_rwf(best)) * 1.05
        return multi_line_chart(
            xs,
            series,
            x_label=_("Packs in the shipment"),
            y_label=_("All-in cost of one pack, RWF"),
            title=_("Cost of one pack by shipment size"),
            markers=[marker],
            y_range=(y_lo, y_hi) if y_hi > y_lo else None,
            x_format=lambda v: self._compact(10**v),
            x_ticks=np.log10(SIZE_TICKS).tolist(),
        )
