"""Air or sea: what lands cheaper in China, and when?

The story: Aline, in Kicukiro, Kigali, ships her *Urusenda* chili oil in 200 ml glass
bottles to her cross-border shop's warehouse in South China (the logistics course's lessons 1
and 3). By air the bottles fly Kigali-Guangzhou (RwandAir, three flights a week) and pay by
chargeable weight; by sea they go by truck to Dar es Salaam or Mombasa and by ship to Nansha,
paying for their share of a 40-ft container; a courier takes them door to door. China
charges import VAT, and a tariff unless Rwanda's zero-tariff treatment applies; the
cross-border e-commerce channel taxes small orders more lightly.

This module is only a view: every number comes from :func:`isoko.econ.freight.compare_modes`
and :mod:`isoko.econ.fx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ipywidgets as widgets
import numpy as np

from isoko.econ import duties, freight, fx
from isoko.sims import _base, inputs
from isoko.sims._freight_view import MODES, AirOrSeaView
from isoko.sims.inputs import ASSUMPTION, N_, Input

#: The two choices of shipping date around China's zero tariff for Rwanda.
ZERO_TARIFF_DATE = duties.ZERO_TARIFF_LDC_FROM
BEFORE_ZERO_TARIFF = date(2024, 11, 30)

# Inputs. Figures with a source were collected in late 2026; the rest are
# illustrative assumptions, each a control the learner can change. The starting values are
# Aline's shipment in the logistics course (lesson 1: 50 cartons of 24 bottles), so that
# a learner sent here from a lesson sees her bottles.
#: Lesson 1: 50 cartons of 24 bottles.
UNITS = Input(
    "units",
    1_200,
    N_("Bottles in the shipment"),
    kind="int",
    low=10,
    high=20_000,
    step=10,
    unit="bottles",
    main=True,
    css_class="isoko-units",
)
#: Assumption (lesson 1): a 200 ml glass bottle of oil, packed, about 0.42 kg (10 kg a
#: carton of 24).
UNIT_WEIGHT_KG = Input(
    "unit_weight_kg",
    0.42,
    N_("Weight of one bottle, packed (kg)"),
    low=0.05,
    high=5.0,
    step=0.01,
    unit="kg",
    readout_format=".2f",
    note=ASSUMPTION,
)
#: Assumption (lessons 1 and 2): 24 bottles to a 35 x 25 x 22 cm carton.
UNITS_PER_CARTON = Input(
    "units_per_carton",
    24,
    N_("Bottles in one carton"),
    kind="int",
    low=1,
    high=200,
    step=1,
    unit="bottles",
    note=ASSUMPTION,
)
CARTON_LENGTH_CM = Input(
    "carton_length_cm",
    35,
    N_("Carton length (cm)"),
    kind="int",
    low=10,
    high=120,
    step=1,
    unit="cm",
    note=ASSUMPTION,
)
CARTON_WIDTH_CM = Input(
    "carton_width_cm",
    25,
    N_("Carton width (cm)"),
    kind="int",
    low=10,
    high=120,
    step=1,
    unit="cm",
    note=ASSUMPTION,
)
CARTON_HEIGHT_CM = Input(
    "carton_height_cm",
    22,
    N_("Carton height (cm)"),
    kind="int",
    low=10,
    high=120,
    step=1,
    unit="cm",
    note=ASSUMPTION,
)
#: Assumption (lesson 1): RWF 2,500 to make a bottle and RWF 150 to pack it, at RWF 1,461
#: per USD (mid-2026): USD 1.81.
BOTTLE_VALUE_RWF = 2_650
GOODS_VALUE_USD = Input(
    "goods_value_usd",
    round(BOTTLE_VALUE_RWF / fx.RWF_PER_USD_MID_2026, 2),
    N_("Value of one bottle (USD, declared at customs)"),
    low=0.5,
    high=100.0,
    step=0.01,
    unit="USD per bottle",
    readout_format=".2f",
    note=ASSUMPTION,
)
#: Dar es Salaam handles 65-70% of Rwanda's sea trade.
ROUTE = Input(
    "route",
    "dar",
    N_("Port for the sea route"),
    kind="choice",
    options=(
        (N_("Dar es Salaam"), "dar"),
        (N_("Mombasa"), "mombasa"),
    ),
)
SHIPPED_ON = Input(
    "shipped_on",
    ZERO_TARIFF_DATE,
    N_("When you ship"),
    kind="choice",
    options=(
        (N_("From 1 Dec 2024: zero tariff for Rwanda"), ZERO_TARIFF_DATE),
        (N_("Before 1 Dec 2024: the normal tariff"), BEFORE_ZERO_TARIFF),
    ),
)
#: Assumption: chili oil is a sauce or condiment, HS 2103.90, for which a published listing
#: of China's tariff gives a 12% MFN rate; the course has no official source, so check
#: China's tariff book. (Roasted coffee, sourced, paid 15%: the range holds it.)
CHILI_OIL_MFN_TARIFF = 0.12
MFN_DUTY_RATE = Input(
    "mfn_duty_rate",
    CHILI_OIL_MFN_TARIFF,
    N_("China's normal tariff for your product (chili oil, HS 2103.90: about 12%)"),
    low=0.0,
    high=0.5,
    step=0.005,
    unit="share",
    readout_format=".1%",
    note=ASSUMPTION,
)
#: Assumption: China's standard import VAT.
VAT_RATE = Input(
    "vat_rate",
    duties.CHINA_VAT_RATE,
    N_("China's import VAT"),
    low=0.0,
    high=0.25,
    step=0.005,
    unit="share",
    readout_format=".1%",
    note=ASSUMPTION,
)
CROSS_BORDER_RETAIL = Input(
    "cross_border_retail",
    False,
    N_("How buyers in China order"),
    kind="choice",
    options=(
        (N_("General trade: an importer buys in bulk"), False),
        (N_("Cross-border e-commerce: buyers order online"), True),
    ),
)
#: Assumption: bottles in one buyer's order (cross-border e-commerce channel); the range
#: reaches past the CNY 5,000 limit of an order.
UNITS_PER_ORDER = Input(
    "units_per_order",
    4,
    N_("Bottles in one buyer's order"),
    kind="int",
    low=1,
    high=500,
    step=1,
    unit="bottles",
    note=ASSUMPTION,
)
#: Assumption (logistics lesson 1): Aline's shop price on the cross-border channel. That
#: channel taxes the price the shopper pays, not the customs value.
SHOP_PRICE_CNY = Input(
    "shop_price_cny",
    inputs.ALINE_BOTTLE_PRICE_CNY,
    N_("Your shop price in China (CNY per bottle; the cross-border channel taxes it)"),
    low=1.0,
    high=500.0,
    step=1.0,
    unit="CNY per bottle",
    readout_format=".0f",
    note=ASSUMPTION,
)
AIR_RATE_USD_PER_KG = Input(
    "air_rate_usd_per_kg",
    freight.AIR_RATE_USD_PER_KG,
    N_("Air cargo Kigali-Guangzhou (USD per chargeable kg)"),
    low=0.5,
    high=10.0,
    step=0.05,
    unit="USD per kg",
    readout_format=".2f",
    note=ASSUMPTION,
)
COURIER_RATE_USD_PER_KG = Input(
    "courier_rate_usd_per_kg",
    freight.COURIER_RATE_USD_PER_KG,
    N_("Courier, door to door (USD per chargeable kg)"),
    low=2.0,
    high=40.0,
    step=0.5,
    unit="USD per kg",
    readout_format=".1f",
    note=ASSUMPTION,
)
SEA_40FT_USD = Input(
    "sea_40ft_usd",
    int(freight.SEA_40FT_USD),
    N_("40-ft container by sea, port to China (USD)"),
    kind="int",
    low=500,
    high=12_000,
    step=100,
    unit="USD per container",
    note=ASSUMPTION,
)
#: Assumption: yearly cost of the money tied up in goods (for example a loan's interest).
ANNUAL_COST_OF_CAPITAL = Input(
    "annual_cost_of_capital",
    freight.ANNUAL_COST_OF_CAPITAL,
    N_("Yearly cost of the money tied up in goods"),
    low=0.0,
    high=0.5,
    step=0.01,
    unit="share per year",
    readout_format=".0%",
    note=ASSUMPTION,
)
INPUTS = (
    UNITS,
    UNIT_WEIGHT_KG,
    UNITS_PER_CARTON,
    CARTON_LENGTH_CM,
    CARTON_WIDTH_CM,
    CARTON_HEIGHT_CM,
    GOODS_VALUE_USD,
    ROUTE,
    SHIPPED_ON,
    MFN_DUTY_RATE,
    VAT_RATE,
    CROSS_BORDER_RETAIL,
    UNITS_PER_ORDER,
    SHOP_PRICE_CNY,
    AIR_RATE_USD_PER_KG,
    COURIER_RATE_USD_PER_KG,
    SEA_40FT_USD,
    ANNUAL_COST_OF_CAPITAL,
    inputs.RWF_PER_USD,
    inputs.RWF_PER_CNY,
)

#: Shipment sizes for the "cost per bottle by shipment size" chart.
SIZE_CURVE = np.unique(np.round(np.geomspace(10, 20_000, 61))).astype(int)

SOURCES = N_(
    "Chargeable weight: IATA divides L x W x H in cm by 6,000; couriers often 5,000. "
    "RwandAir Kigali-Mumbai-Guangzhou since 2019; no public per-kg rate to China, so "
    "the air rate is an assumption (Kigali-Europe proxies USD 1.2-2.67/kg, 2019-2023). "
    "Truck Dar es Salaam-Kigali about 5 days and USD 3,500 per 40-ft container; "
    "Mombasa-Kigali about 7 days; Nansha-Mombasa about 20 days at sea; China-Kenya "
    "40-ft rates USD 1,700-8,500 in 2024. China: zero tariff for least developed "
    "countries such as Rwanda from 1 Dec 2024 (roasted coffee paid 15% before; the 12% "
    "for chili oil, HS 2103.90, is an assumption from a published tariff listing); "
    "cross-border e-commerce limits CNY 5,000 an order and CNY 26,000 a person a year, "
    "VAT at 70%. About RWF 1,461 per USD (mid-2026) and RWF 203 per CNY (Sep 2025). "
    "Aline's bottles, cartons and costs are the logistics course's assumptions. "
    "Collected 2026."
)


@dataclass(frozen=True)
class AirOrSeaResult:
    """The model for the current controls: the comparison and the size curve (RWF)."""

    comparison: freight.ShippingComparison
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
    shop_price_cny: float,
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
        shop_price_cny=shop_price_cny,
        air_rate_usd_per_kg=air_rate_usd_per_kg,
        courier_rate_usd_per_kg=courier_rate_usd_per_kg,
        sea_40ft_usd=sea_40ft_usd,
        annual_cost_of_capital=annual_cost_of_capital,
        rwf_per_usd=rwf_per_usd,
        rwf_per_cny=rwf_per_cny,
    )
    comparison = freight.compare_modes(units, *shipment, **options)
    curve = freight.compare_modes(SIZE_CURVE, *shipment, **options)
    return AirOrSeaResult(
        comparison=comparison,
        curve_units=tuple(int(n) for n in SIZE_CURVE),
        curve_cost_rwf={
            mode: tuple(np.asarray(curve.quote(mode).all_in_per_unit_rwf).tolist())
            for mode in MODES
        },
        rwf_per_usd=float(rwf_per_usd),
    )


class AirOrSeaSimulator(
    AirOrSeaView, _base.Simulator[AirOrSeaResult], _base.HasFigure, _base.HasChart
):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name of
    :func:`model` to its widget. Read the current model through ``result``; ``chart``
    is the landed-cost bars, ``size_chart`` the cost per bottle by shipment size. CSS
    classes for browser tests: ``isoko-sim`` (view), ``isoko-main-control`` and
    ``isoko-units`` (bottles in the shipment), ``isoko-chart`` (both charts), ``isoko-figure``
    (main readout).
    """

    domain = "isoko-freight"
    inputs = INPUTS
    #: Shortcuts: ``carton_cm=(length, width, height)`` sets the three carton inputs and
    #: ``zero_tariff`` picks the shipping date (``None``: leave them as they are).
    extra_parameters = (
        _base.keyword("carton_cm", None, "tuple[int, int, int]"),
        _base.keyword("zero_tariff", None, "bool"),
    )

    def _from_extra(self, extra: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if extra["carton_cm"] is not None:
            names = ("carton_length_cm", "carton_width_cm", "carton_height_cm")
            values.update(zip(names, extra["carton_cm"], strict=True))
        if extra["zero_tariff"] is not None:
            values["shipped_on"] = ZERO_TARIFF_DATE if extra["zero_tariff"] else BEFORE_ZERO_TARIFF
        return values

    def _build_view(self) -> widgets.Widget:
        _ = self._
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._chart = self._output(self._render_chart, "isoko-chart")
        self._size_chart = self._output(self._render_size_chart, "isoko-chart")

        row = self._row
        return _base.sim_view(
            [
                _base.heading(_("Air or sea")),
                _base.paragraph(
                    _(
                        "Aline ships bottles of her chili oil from Kigali to her shop's "
                        "warehouse in South China. By air via Kigali, by sea via Dar es "
                        "Salaam or Mombasa, or by courier: what does one bottle cost when "
                        "it arrives, and when does it arrive?"
                    )
                ),
                row("units"),
                self._figure,
                self._chart,
                self._size_chart,
                _base.heading(_("Your goods"), level=4),
                row("goods_value_usd"),
                row("unit_weight_kg"),
                row("units_per_carton"),
                row("carton_length_cm"),
                row("carton_width_cm"),
                row("carton_height_cm"),
                _base.heading(_("Route and freight rates"), level=4),
                row("route"),
                row("air_rate_usd_per_kg"),
                row("sea_40ft_usd"),
                row("courier_rate_usd_per_kg"),
                _base.heading(_("Duties in China"), level=4),
                row("shipped_on"),
                row("mfn_duty_rate"),
                row("vat_rate"),
                row("cross_border_retail"),
                row("units_per_order"),
                row("shop_price_cny"),
                _base.heading(_("Money"), level=4),
                row("annual_cost_of_capital"),
                row("rwf_per_usd"),
                row("rwf_per_cny"),
                _base.sources_note(_("Sources") + ":", _(SOURCES)),
            ]
        )

    # Read-only view of the model ------------------------------------------------
    @property
    def comparison(self) -> freight.ShippingComparison:
        """Air, sea and courier quotes for the current shipment."""
        return self.result.comparison

    @property
    def cheapest(self) -> str:
        """``"air"``, ``"sea"`` or ``"courier"``: the lowest all-in cost per bottle."""
        return self.result.cheapest

    @property
    def landed_cost_rwf(self) -> dict[str, float]:
        """Mode -> landed cost of one bottle, RWF."""
        return {mode: self.result.landed_rwf(mode) for mode in MODES}

    @property
    def door_to_door_days(self) -> dict[str, float]:
        """Mode -> days from Kigali to the buyer."""
        return {mode: self.comparison.quote(mode).days for mode in MODES}

    @property
    def size_chart(self) -> widgets.HTML:
        """Cost per bottle by shipment size (CSS class ``isoko-chart``)."""
        return self._size_chart

    @property
    def size_chart_svg(self) -> str:
        return self._size_chart.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> AirOrSeaResult:
        return model(**inputs)
