"""Moving goods from Kigali to a buyer in South China: weight, volume, freight and days.

Money is in Rwandan francs (RWF) unless a name says otherwise (``_usd``, ``_cny``).
Weights are kilograms, lengths centimetres, volumes cubic metres (CBM), times days.
Every function accepts scalars or numpy arrays (broadcast together) and returns a
``float`` for scalar input, an array otherwise. Impossible input (a negative weight, a
rate of 1 or more) raises ``ValueError``.

Sourced figures (collected late 2026) and assumptions are marked on each constant:

- Air freight charges by *chargeable weight*: the larger of the actual weight and the
  volume weight, length x width x height in cm / 6,000 (IATA); couriers often divide
  by 5,000. (sourced)
- RwandAir flies Kigali-Mumbai-Guangzhou three times a week (since June 2019). No
  public per-kg rate to China was found: Kigali-Europe proxies were USD 1.2/kg (before
  2020), USD 1.8/kg (2020 to May 2023), up to USD 2.67/kg (Ethiopian, 2022). The
  default air rate is an assumption.
- Sea: Nansha-Mombasa about 20 days at sea (sourced); Dar es Salaam is an assumption
  (a day more). Trucking to Kigali: Dar es Salaam about 5 days and USD 3,500 for a
  40-ft container (sourced); Mombasa about 7 days (sourced), its cost an assumption.
  China-Kenya 40-ft rates swung from USD 1,700 to 8,500 in 2024 (sourced); the default
  sea rate is an assumption inside that range.

:func:`compare_modes` puts freight, China's duties and VAT (:mod:`isoko.econ.duties`)
and the cost of the cash in transit together for air, sea and courier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from isoko.econ import fx
from isoko.econ._checks import FloatArray, non_negative, out, positive, share_of, whole
from isoko.econ.duties import (
    CHINA_VAT_RATE,
    ROASTED_COFFEE_MFN_TARIFF,
    ZERO_TARIFF_LDC_FROM,
    LandedCost,
    cbec_fits_limits,
    china_import_rates,
    landed_cost,
)

__all__ = [
    "AIR_DAYS",
    "AIR_FEES_USD",
    "AIR_RATE_USD_PER_KG",
    "ANNUAL_COST_OF_CAPITAL",
    "COURIER_DAYS",
    "COURIER_RATE_USD_PER_KG",
    "COURIER_VOLUME_DIVISOR",
    "FORTY_FOOT_CBM",
    "IATA_VOLUME_DIVISOR",
    "INSURANCE_RATE",
    "LCL_MINIMUM_CBM",
    "SEA_40FT_USD",
    "SEA_FEES_USD",
    "SEA_ROUTES",
    "ModeQuote",
    "SeaRoute",
    "ShippingComparison",
    "air_freight_cost",
    "chargeable_weight_kg",
    "compare_modes",
    "container_share_cost",
    "door_to_door_days",
    "transit_capital_cost",
    "volume_cbm",
]

# --- Figures ---------------------------------------------------------------------------

#: cm³ per kg of volume weight for air cargo (IATA). Sourced.
IATA_VOLUME_DIVISOR = 6000
#: cm³ per kg of volume weight used by many express couriers. Sourced.
COURIER_VOLUME_DIVISOR = 5000
#: Assumption: air cargo Kigali-Guangzhou, USD per chargeable kg. No public rate was
#: found; Kigali-Europe proxies were USD 1.2 to 2.67 per kg (2019-2023).
AIR_RATE_USD_PER_KG = 2.5
#: Assumption: express courier door to door, USD per chargeable kg (divisor 5,000).
COURIER_RATE_USD_PER_KG = 12.0
#: Assumption: handling, documents and customs clearance for one air shipment, USD.
AIR_FEES_USD = 150.0
#: Assumption: port charges, documents and customs clearance for one sea shipment, USD.
SEA_FEES_USD = 450.0
#: Assumption: days door to door by air (three flights a week, about 15 h in the air,
#: clearance and delivery in China).
AIR_DAYS = 6.0
#: Assumption: days door to door by express courier.
COURIER_DAYS = 5.0
#: Inside volume of a standard 40-ft container, m³. A shipper sharing a container
#: pays for its share of this volume (assumption: groupage agents often charge more).
FORTY_FOOT_CBM = 67.0
#: Groupage (LCL) shipments pay for at least this many CBM (a common minimum).
LCL_MINIMUM_CBM = 1.0
#: Assumption: a 40-ft container from the port to South China, USD. China-Kenya rates
#: swung from USD 1,700 (Apr 2024) to USD 8,500 (Jun 2024).
SEA_40FT_USD = 3000.0
#: Assumption: cargo insurance, a share of goods, packaging and freight (0.3%).
INSURANCE_RATE = 0.003
#: Assumption: the yearly cost of the cash tied up in goods on the way (16% a year,
#: for example the interest on a loan that pays for them).
ANNUAL_COST_OF_CAPITAL = 0.16


@dataclass(frozen=True)
class SeaRoute:
    """Sea freight from Rwanda through one port to South China (Nansha, Guangzhou).

    Days and money for one shipment; ``source`` says which figures are sourced.
    """

    port: str
    #: Days by truck between Kigali and the port.
    inland_days: float
    #: USD for a 40-ft container by truck between Kigali and the port.
    truck_40ft_usd: float
    #: Days at sea between the port and Nansha.
    sea_days: float
    #: Assumption: days waiting at the port for a ship and for paperwork.
    port_days: float = 5.0
    #: Assumption: days for clearance in China and delivery to the buyer.
    destination_days: float = 5.0
    source: str = ""

    @property
    def door_to_door_days(self) -> float:
        """Truck, port, sea and delivery days added up."""
        return self.inland_days + self.port_days + self.sea_days + self.destination_days


#: The two ports Rwanda's sea trade uses (Dar es Salaam handles 65-70% of it).
SEA_ROUTES: Mapping[str, SeaRoute] = MappingProxyType(
    {
        "dar": SeaRoute(
            port="Dar es Salaam",
            inland_days=5.0,
            truck_40ft_usd=3500.0,
            sea_days=21.0,
            source=(
                "Truck Dar es Salaam-Kigali about 5 days and USD 3,500 per 40-ft container "
                "(sourced); 21 days at sea to Nansha is an assumption (Mombasa plus a day)."
            ),
        ),
        "mombasa": SeaRoute(
            port="Mombasa",
            inland_days=7.0,
            truck_40ft_usd=4000.0,
            sea_days=20.0,
            source=(
                "Truck Mombasa-Kigali about 7 days and Nansha-Mombasa about 20 days at sea "
                "(sourced); USD 4,000 per 40-ft container by truck is an assumption."
            ),
        ),
    }
)


# --- Weight, volume and freight ------------------------------------------------------


def volume_cbm(
    length_cm: ArrayLike, width_cm: ArrayLike, height_cm: ArrayLike
) -> float | FloatArray:
    """Volume of a box in cubic metres: L x W x H in cm / 1,000,000.

    >>> volume_cbm(40, 30, 30)
    0.036
    """
    length = positive("length_cm", length_cm)
    width = positive("width_cm", width_cm)
    height = positive("height_cm", height_cm)
    return out(length * width * height / 1e6)


def chargeable_weight_kg(
    actual_kg: ArrayLike,
    length_cm: ArrayLike,
    width_cm: ArrayLike,
    height_cm: ArrayLike,
    divisor: ArrayLike = IATA_VOLUME_DIVISOR,
    pieces: ArrayLike = 1,
) -> float | FloatArray:
    """The weight an airline or courier charges for, in kg.

    The larger of the actual weight ``actual_kg`` (all pieces together) and the volume
    weight ``pieces * length_cm * width_cm * height_cm / divisor`` of ``pieces`` boxes
    of the same size. IATA air cargo uses ``divisor=6000``; couriers often 5,000, which
    makes light, bulky goods (baskets) cost more.

    >>> chargeable_weight_kg(11.2, 40, 30, 30)  # volume weight 36,000 / 6,000 = 6 kg
    11.2
    >>> chargeable_weight_kg(2.0, 40, 30, 30, divisor=5000)  # 36,000 / 5,000 = 7.2 kg
    7.2
    """
    actual = non_negative("actual_kg", actual_kg)
    length = positive("length_cm", length_cm)
    width = positive("width_cm", width_cm)
    height = positive("height_cm", height_cm)
    div = positive("divisor", divisor)
    count = whole("pieces", pieces)
    return out(np.maximum(actual, count * length * width * height / div))


def air_freight_cost(
    chargeable_kg: ArrayLike, rate_per_kg: ArrayLike, minimum_charge: ArrayLike = 0
) -> float | FloatArray:
    """Air or courier freight for a shipment: ``rate_per_kg * chargeable_kg``, at least
    ``minimum_charge``. Money in the currency of the rate (for example USD per kg).

    >>> air_freight_cost(500, 2.5)
    1250.0
    >>> air_freight_cost(10, 2.5, minimum_charge=50)
    50.0
    """
    kg = non_negative("chargeable_kg", chargeable_kg)
    rate = non_negative("rate_per_kg", rate_per_kg)
    minimum = non_negative("minimum_charge", minimum_charge)
    return out(np.maximum(kg * rate, minimum))


def container_share_cost(
    volume_cbm: ArrayLike,
    container_cost: ArrayLike,
    container_cbm: ArrayLike = FORTY_FOOT_CBM,
    minimum_cbm: ArrayLike = LCL_MINIMUM_CBM,
) -> float | FloatArray:
    """Your share of a container's cost (sea leg or truck), by volume.

    ``container_cost / container_cbm`` per CBM for ``max(volume_cbm, minimum_cbm)``:
    groupage (LCL) shipments pay at least ``minimum_cbm`` (commonly 1 CBM). More than
    one container's worth is charged at the same rate per CBM (a simplification).
    Money in the currency of ``container_cost``.

    >>> container_share_cost(6.7, 3000)  # 6.7 / 67 of USD 3,000
    300.0
    >>> container_share_cost(0.2, 3000)  # at least 1 CBM: 3,000 / 67
    44.776119402985074
    """
    volume = non_negative("volume_cbm", volume_cbm)
    cost = non_negative("container_cost", container_cost)
    capacity = positive("container_cbm", container_cbm)
    minimum = non_negative("minimum_cbm", minimum_cbm)
    return out(np.maximum(volume, minimum) * cost / capacity)


def door_to_door_days(mode: str, route: str = "dar") -> float:
    """Days from the seller in Kigali to the buyer in South China.

    ``mode`` is ``"air"`` (:data:`AIR_DAYS`, assumption), ``"courier"``
    (:data:`COURIER_DAYS`, assumption) or ``"sea"`` through ``route`` (``"dar"`` or
    ``"mombasa"``; see :data:`SEA_ROUTES` for what is sourced).

    >>> door_to_door_days("sea", "dar")  # 5 truck + 5 port + 21 sea + 5 delivery
    36.0
    """
    if mode == "air":
        return AIR_DAYS
    if mode == "courier":
        return COURIER_DAYS
    if mode == "sea":
        return _route(route).door_to_door_days
    raise ValueError(f"mode must be 'air', 'sea' or 'courier', got {mode!r}")


def _route(route: str) -> SeaRoute:
    try:
        return SEA_ROUTES[route]
    except (KeyError, TypeError):
        raise ValueError(f"route must be one of {sorted(SEA_ROUTES)}, got {route!r}") from None


def transit_capital_cost(
    value_in_transit: ArrayLike, days: ArrayLike, annual_cost_of_capital: ArrayLike
) -> float | FloatArray:
    """What the cash tied up in goods on the way costs: ``value * days / 365 * rate``.

    ``value_in_transit`` (for example landed cost per unit times units) in any currency,
    ``days`` on the way, ``annual_cost_of_capital`` as a yearly share (0.16 = 16% a year,
    for example the interest on a loan that pays for the goods).

    >>> transit_capital_cost(1_000_000, 36.5, 0.16)  # 1,000,000 * 0.1 * 0.16
    16000.0
    """
    value = non_negative("value_in_transit", value_in_transit)
    span = non_negative("days", days)
    rate = share_of("annual_cost_of_capital", annual_cost_of_capital, "the money per year")
    return out(value * span / 365.0 * rate)


# --- Comparing air, sea and courier ----------------------------------------------------


@dataclass(frozen=True)
class ModeQuote:
    """One way to ship: money in RWF, ``landed`` per unit, the rest for the shipment."""

    mode: str
    #: What the carrier charges for: chargeable kg (air, courier) or CBM (sea).
    billed_quantity: float | FloatArray
    #: ``"kg"`` or ``"CBM"``.
    billed_unit: str
    #: Freight for the whole shipment, RWF (sea: truck and ship).
    freight_rwf: float | FloatArray
    #: Landed cost per unit, RWF, part by part.
    landed: LandedCost
    days: float
    #: Landed cost of the whole shipment (per-unit total x units), RWF.
    value_in_transit_rwf: float | FloatArray
    #: Cost of the cash tied up while the goods travel, whole shipment, RWF.
    transit_cost_rwf: float | FloatArray
    #: The same per unit, RWF.
    transit_cost_per_unit_rwf: float | FloatArray

    @property
    def all_in_per_unit_rwf(self) -> float | FloatArray:
        """Landed cost per unit plus the cost of the cash tied up in transit, RWF."""
        return out(np.asarray(self.landed.total) + np.asarray(self.transit_cost_per_unit_rwf))


@dataclass(frozen=True)
class ShippingComparison:
    """Air, sea and courier for the same shipment (see :func:`compare_modes`)."""

    air: ModeQuote
    sea: ModeQuote
    courier: ModeQuote
    route: str
    units: float | FloatArray
    cartons: float | FloatArray
    actual_kg: float | FloatArray
    volume_cbm: float | FloatArray
    #: Volume weight of all the cartons for air cargo (IATA divisor 6,000), kg.
    air_volume_weight_kg: float | FloatArray
    duty_rate: float | FloatArray
    vat_rate: float | FloatArray
    order_value_cny: float | FloatArray
    fits_cbec_limits: bool | np.ndarray
    modes: tuple[str, ...] = field(default=("air", "sea", "courier"))

    def quote(self, mode: str) -> ModeQuote:
        """The quote for ``"air"``, ``"sea"`` or ``"courier"``."""
        if mode not in self.modes:
            raise ValueError(f"mode must be one of {self.modes}, got {mode!r}")
        return getattr(self, mode)

    @property
    def cheapest(self) -> str | np.ndarray:
        """The mode with the lowest all-in cost per unit (landed plus cash in transit)."""
        costs = np.stack([np.asarray(self.quote(m).all_in_per_unit_rwf) for m in self.modes])
        best = np.asarray(self.modes)[np.argmin(costs, axis=0)]
        return str(best) if best.ndim == 0 else best


def compare_modes(
    units: ArrayLike,
    unit_weight_kg: ArrayLike,
    units_per_carton: ArrayLike,
    carton_length_cm: ArrayLike,
    carton_width_cm: ArrayLike,
    carton_height_cm: ArrayLike,
    goods_value_usd: ArrayLike,
    *,
    route: str = "dar",
    shipped_on: date = ZERO_TARIFF_LDC_FROM,
    mfn_duty_rate: ArrayLike = ROASTED_COFFEE_MFN_TARIFF,
    vat_rate: ArrayLike = CHINA_VAT_RATE,
    cross_border_retail: bool = False,
    units_per_order: ArrayLike = 1,
    shop_price_cny: ArrayLike | None = None,
    packaging_rwf: ArrayLike = 0,
    insurance_rate: ArrayLike = INSURANCE_RATE,
    air_rate_usd_per_kg: ArrayLike = AIR_RATE_USD_PER_KG,
    courier_rate_usd_per_kg: ArrayLike = COURIER_RATE_USD_PER_KG,
    sea_40ft_usd: ArrayLike = SEA_40FT_USD,
    air_fees_usd: ArrayLike = AIR_FEES_USD,
    sea_fees_usd: ArrayLike = SEA_FEES_USD,
    annual_cost_of_capital: ArrayLike = ANNUAL_COST_OF_CAPITAL,
    rwf_per_usd: ArrayLike = fx.RWF_PER_USD_MID_2026,
    rwf_per_cny: ArrayLike = fx.RWF_PER_CNY_SEP_2025,
) -> ShippingComparison:
    """Landed cost per unit, days and cash in transit for air, sea and courier.

    A shipment of ``units`` (for example 500 g packs of coffee), each weighing
    ``unit_weight_kg`` with its packaging, packed ``units_per_carton`` to a carton of
    the given size (cm), from Kigali to a buyer in South China:

    - air: Kigali-Guangzhou cargo, charged by chargeable weight (IATA divisor 6,000)
      at ``air_rate_usd_per_kg``, plus ``air_fees_usd`` for the shipment;
    - sea: by truck to ``route``'s port and by ship to Nansha, each charged as a share
      of a 40-ft container by volume (at least 1 CBM), plus ``sea_fees_usd``;
    - courier: door to door at ``courier_rate_usd_per_kg`` (divisor 5,000), fees included.

    Duty and VAT follow :func:`china_import_rates`: in the cross-border e-commerce
    retail channel each buyer's order is ``units_per_order`` units at
    ``shop_price_cny`` each (the price the shopper pays; ``goods_value_usd`` when not
    given), and within its limits VAT is taxed on that price (the transaction price),
    not on the CIF value. Insurance is ``insurance_rate``
    (:data:`INSURANCE_RATE`) of goods, packaging and freight. The cash tied up is the
    landed cost of the whole shipment for the days on the way at
    ``annual_cost_of_capital`` (:data:`ANNUAL_COST_OF_CAPITAL`).

    Money in: ``goods_value_usd`` per unit and the rates in USD, ``packaging_rwf`` per
    unit in RWF; exchange rates as RWF per USD and RWF per CNY (defaults in :mod:`isoko.econ.fx`).
    Money out: RWF.
    """
    n = whole("units", units)
    per_carton = whole("units_per_carton", units_per_carton)
    weight = non_negative("unit_weight_kg", unit_weight_kg)
    value_usd = non_negative("goods_value_usd", goods_value_usd)
    usd = positive("rwf_per_usd", rwf_per_usd)
    cny = positive("rwf_per_cny", rwf_per_cny)
    per_order = whole("units_per_order", units_per_order)
    sea_route = _route(route)

    cartons = np.ceil(n / per_carton)
    actual_kg = n * weight
    carton_cbm = np.asarray(volume_cbm(carton_length_cm, carton_width_cm, carton_height_cm))
    total_cbm = cartons * carton_cbm
    dims = (carton_length_cm, carton_width_cm, carton_height_cm)
    air_kg = np.asarray(chargeable_weight_kg(actual_kg, *dims, IATA_VOLUME_DIVISOR, cartons))
    courier_kg = np.asarray(chargeable_weight_kg(actual_kg, *dims, COURIER_VOLUME_DIVISOR, cartons))

    freight_usd = {
        "air": np.asarray(air_freight_cost(air_kg, air_rate_usd_per_kg)),
        "sea": np.asarray(container_share_cost(total_cbm, sea_40ft_usd))
        + np.asarray(container_share_cost(total_cbm, sea_route.truck_40ft_usd)),
        "courier": np.asarray(air_freight_cost(courier_kg, courier_rate_usd_per_kg)),
    }
    fees_usd = {
        "air": non_negative("air_fees_usd", air_fees_usd),
        "sea": non_negative("sea_fees_usd", sea_fees_usd),
        "courier": np.zeros(()),
    }
    billed = {"air": (air_kg, "kg"), "sea": (np.maximum(total_cbm, LCL_MINIMUM_CBM), "CBM")}
    billed["courier"] = (courier_kg, "kg")

    # In the retail channel the shopper's price is both the order's value (for the
    # limits) and the base of the VAT; general trade taxes the CIF value instead.
    if shop_price_cny is None:
        price_rwf = value_usd * usd
    else:
        price_rwf = non_negative("shop_price_cny", shop_price_cny) * cny
    order_value_cny = per_order * price_rwf / cny
    duty_rate, import_vat_rate = china_import_rates(
        mfn_duty_rate,
        shipped_on,
        vat_rate=vat_rate,
        cross_border_retail=cross_border_retail,
        order_value_cny=order_value_cny,
    )

    fits = cbec_fits_limits(order_value_cny)
    quotes = {}
    for mode in ("air", "sea", "courier"):
        days = door_to_door_days(mode, route)
        landed = landed_cost(
            value_usd * usd,
            freight_usd[mode] * usd / n,
            packaging=packaging_rwf,
            insurance_rate=insurance_rate,
            duty_rate=duty_rate,
            vat_rate=import_vat_rate,
            fees=fees_usd[mode] * usd / n,
        )
        if cross_border_retail:  # within the limits the retail channel taxes the price paid
            vat = np.where(fits, import_vat_rate * price_rwf, landed.vat)
            total = np.asarray(landed.total) - landed.vat + vat
            landed = replace(landed, vat=out(vat), total=out(total))
        in_transit = np.asarray(landed.total) * n
        capital = np.asarray(transit_capital_cost(in_transit, days, annual_cost_of_capital))
        quotes[mode] = ModeQuote(
            mode=mode,
            billed_quantity=out(np.asarray(billed[mode][0], dtype=np.float64)),
            billed_unit=billed[mode][1],
            freight_rwf=out(freight_usd[mode] * usd),
            landed=landed,
            days=days,
            value_in_transit_rwf=out(in_transit),
            transit_cost_rwf=out(capital),
            transit_cost_per_unit_rwf=out(capital / n),
        )
    return ShippingComparison(
        air=quotes["air"],
        sea=quotes["sea"],
        courier=quotes["courier"],
        route=route,
        units=out(n),
        cartons=out(cartons),
        actual_kg=out(actual_kg),
        volume_cbm=out(total_cbm),
        air_volume_weight_kg=out(total_cbm * 1e6 / IATA_VOLUME_DIVISOR),
        duty_rate=duty_rate,
        vat_rate=import_vat_rate,
        order_value_cny=out(order_value_cny),
        fits_cbec_limits=fits,
    )
