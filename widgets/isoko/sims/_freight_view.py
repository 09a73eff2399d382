"""What the air-or-sea simulator shows: its readout and its two charts.

A mixin of :class:`isoko.sims.freight.AirOrSeaSimulator`, which provides ``self._``,
the number formats and ``result``; split from it so that each module keeps one job.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from isoko.econ import freight, fx
from isoko.sims import _base
from isoko.sims._svg import Marker, Segment, Series, multi_line_chart, stacked_bar_chart

if TYPE_CHECKING:
    from isoko.sims.freight import AirOrSeaResult

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


#: Ticks of the "cost per bottle by shipment size" chart (a log scale), bottles.
SIZE_TICKS = (10, 30, 100, 300, 1_000, 3_000, 10_000)


class AirOrSeaView:
    """The render functions of the air-or-sea simulator (see the module's docstring)."""

    # Provided by the simulator (its inputs, its result, its words and number formats).
    route: str
    cross_border_retail: bool
    result: AirOrSeaResult
    _: Callable[[str], str]
    _number: Callable[..., str]
    _money: Callable[..., str]
    _share: Callable[..., str]
    _days: Callable[[float], str]
    _compact: Callable[[float], str]

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
        port = freight.SEA_ROUTES[self.route].port
        return _("Sea via {port}").format(port=port)

    def _render_figure(self, r: AirOrSeaResult) -> str:
        _ = self._
        money, number = self._money, self._number
        c = r.comparison
        best = c.quote(r.cheapest)
        headline = _("Cheapest: {mode}, {cost} a bottle ({usd}), in about {days} days").format(
            mode=self._mode_name(r.cheapest),
            cost=money(float(best.all_in_per_unit_rwf), "RWF"),
            usd=money(self._usd(best.all_in_per_unit_rwf), "USD", 2),
            days=self._days(best.days),
        )
        rows = []
        for mode in MODES:
            q = c.quote(mode)
            line = _(
                "{landed} a bottle landed ({usd}), {days} days; {value} on the way "
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
        if self.cross_border_retail:
            if c.fits_cbec_limits:
                limit = _(
                    "within the CNY 5,000 limit: no duty; VAT at 70% of the rate, on your "
                    "shop price"
                )
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
            title=_("Cost of one bottle when it reaches the buyer, RWF"),
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
            _("now: {units} bottles").format(units=self._number(units)),
            "#c0392b",
        )
        # Show from just under the goods value up to the dearest mode at 100 bottles or more:
        # below that, fixed fees per shipment shoot off the chart.
        shown = np.asarray(r.curve_units) >= 100
        top = max(float(np.max(np.asarray(v)[shown])) for v in r.curve_cost_rwf.values())
        y_lo = float(c.air.landed.goods) * 0.95
        y_hi = max(top, r.all_in_rwf(best)) * 1.05
        return multi_line_chart(
            xs,
            series,
            x_label=_("Bottles in the shipment"),
            y_label=_("All-in cost of one bottle, RWF"),
            title=_("Cost of one bottle by shipment size"),
            markers=[marker],
            y_range=(y_lo, y_hi) if y_hi > y_lo else None,
            x_format=lambda v: self._compact(10**v),
            x_ticks=np.log10(SIZE_TICKS).tolist(),
        )
