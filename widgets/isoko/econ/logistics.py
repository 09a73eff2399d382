"""Moving goods and keeping stock: freight, landed cost, duties in China, reorder points.

Money is in Rwandan francs (RWF) unless a name says otherwise (``_usd``, ``_cny``).
The per-unit formulas (:func:`landed_cost`, :func:`eoq`, the newsvendor functions) work
in any one currency as long as every money argument uses it. Weights are kilograms,
lengths centimetres, volumes cubic metres (CBM), times days.

Every function accepts scalars or numpy arrays (broadcast together) and returns a
``float`` for scalar input, an array otherwise. Impossible input (a negative weight, a
rate of 1 or more, a service level of exactly 0 or 1) raises ``ValueError``.

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
- China: zero tariff on 100% of tariff lines for least developed countries, Rwanda
  among them, from 1 Dec 2024; for all 53 African partners from 1 May 2026. Before,
  roasted coffee paid a 15% MFN tariff. (sourced)
- China's cross-border e-commerce retail channel: CNY 5,000 per order and CNY 26,000
  per person per year; 0% tariff within the limits; import VAT at 70% of the normal
  amount. (sourced) China's normal import VAT of 13% is an assumption (the standard
  rate; some farm goods pay 9%).

Stock formulas assume normally distributed demand, independent from day to day
(:func:`safety_stock`, :func:`reorder_point`, :func:`newsvendor_quantity`). The normal
quantile is computed here (Acklam's rational approximation refined by one Halley step),
so no statistics package is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from isoko.econ._checks import (
    FloatArray,
    as_float_array,
    finite,
    non_negative,
    out,
    positive,
)

__all__ = [
    "AIR_DAYS",
    "AIR_FEES_USD",
    "AIR_RATE_USD_PER_KG",
    "CBEC_ANNUAL_LIMIT_CNY",
    "CBEC_ORDER_LIMIT_CNY",
    "CBEC_TAX_SHARE",
    "CHINA_VAT_RATE",
    "COURIER_DAYS",
    "COURIER_RATE_USD_PER_KG",
    "COURIER_VOLUME_DIVISOR",
    "FORTY_FOOT_CBM",
    "IATA_VOLUME_DIVISOR",
    "LCL_MINIMUM_CBM",
    "ROASTED_COFFEE_MFN_TARIFF",
    "SEA_40FT_USD",
    "SEA_FEES_USD",
    "SEA_ROUTES",
    "ZERO_TARIFF_AFRICA_FROM",
    "ZERO_TARIFF_LDC_FROM",
    "LandedCost",
    "ModeQuote",
    "SeaRoute",
    "ShippingComparison",
    "air_freight_cost",
    "cbec_fits_limits",
    "chargeable_weight_kg",
    "china_import_rates",
    "china_tariff_rate",
    "compare_modes",
    "container_share_cost",
    "critical_ratio",
    "door_to_door_days",
    "eoq",
    "expected_leftover",
    "expected_lost_sales",
    "expected_sales",
    "landed_cost",
    "newsvendor_costs",
    "newsvendor_expected_profit",
    "newsvendor_quantity",
    "normal_cdf",
    "normal_loss",
    "normal_pdf",
    "normal_quantile",
    "reorder_point",
    "safety_stock",
    "sellout_probability",
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
#: Assumption: China's normal import VAT (13% standard rate; some farm goods pay 9%).
CHINA_VAT_RATE = 0.13
#: China's MFN tariff on roasted coffee before the zero-tariff treatment. Sourced.
ROASTED_COFFEE_MFN_TARIFF = 0.15
#: China: zero tariffs on all tariff lines for least developed countries. Sourced.
ZERO_TARIFF_LDC_FROM = date(2024, 12, 1)
#: China: zero tariffs announced for all 53 African partners. Sourced.
ZERO_TARIFF_AFRICA_FROM = date(2026, 5, 1)
#: China's cross-border e-commerce retail limit per order, CNY. Sourced.
CBEC_ORDER_LIMIT_CNY = 5000.0
#: China's cross-border e-commerce retail limit per person per year, CNY. Sourced.
CBEC_ANNUAL_LIMIT_CNY = 26000.0
#: Within the limits, import VAT (and consumption tax) is 70% of the normal amount.
CBEC_TAX_SHARE = 0.7


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
SEA_ROUTES: dict[str, SeaRoute] = {
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


# --- Small checks ----------------------------------------------------------------------


def _share(name: str, value: Any, of: str) -> FloatArray:
    """A rate from 0 up to but not including 1 (0.05 means 5%)."""
    array = as_float_array(name, value)
    if np.any((array < 0) | (array >= 1)):
        raise ValueError(
            f"{name} is a share of {of} and must be at least 0 and below 1 "
            f"(0.05 means 5%), got {_show(array)}"
        )
    return array


def _probability(name: str, value: Any, meaning: str) -> FloatArray:
    """A probability strictly between 0 and 1."""
    array = as_float_array(name, value)
    if np.any((array <= 0) | (array >= 1)):
        raise ValueError(
            f"{name} must be above 0 and below 1 ({meaning}), got {_show(array)}; "
            "0 and 1 are impossible to plan for"
        )
    return array


def _whole(name: str, value: Any, minimum: int = 1) -> FloatArray:
    """A count of things (cartons, units, pieces): a whole number, at least ``minimum``."""
    array = as_float_array(name, value)
    if np.any(array != np.floor(array)) or np.any(array < minimum):
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {_show(array)}")
    return array


def _show(array: FloatArray) -> str:
    if array.ndim == 0:
        return f"{float(array):g}"
    return np.array2string(array, threshold=6, precision=4)


# --- The standard normal distribution ------------------------------------------------

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)
_erfc = np.frompyfunc(math.erfc, 1, 1)

# Acklam's rational approximation of the normal quantile (relative error below 1.2e-9).
_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (
    7.784695709041462e-03,
    3.224671290700398e-01,
    2.445134137142996e00,
    3.754408661907416e00,
)
_P_LOW = 0.02425


def _poly(coefficients: tuple[float, ...], x: FloatArray) -> FloatArray:
    result = np.zeros_like(x)
    for c in coefficients:
        result = result * x + c
    return result


def _lower_cdf(x: FloatArray) -> FloatArray:
    """P(Z <= x) through erfc, accurate in the lower tail."""
    return np.asarray(_erfc(-x / _SQRT2), dtype=np.float64) * 0.5


def normal_cdf(x: Any) -> float | FloatArray:
    """P(Z <= x) for a standard normal Z.

    >>> round(normal_cdf(1.6448536269514722), 12)
    0.95
    """
    return out(_lower_cdf(finite("x", x)))


def normal_pdf(x: Any) -> float | FloatArray:
    """Density of the standard normal at ``x``: exp(-x²/2) / sqrt(2 pi)."""
    z = finite("x", x)
    return out(np.exp(-0.5 * z * z) / _SQRT2PI)


def normal_quantile(p: Any) -> float | FloatArray:
    """The z with P(Z <= z) = p for a standard normal Z (the inverse CDF), 0 < p < 1.

    Acklam's rational approximation, then one Halley step on the exact CDF (through
    ``math.erfc``), which makes it accurate to about 1e-15. Works on the lower half
    and mirrors, so quantiles near 1 are as accurate as those near 0.

    >>> normal_quantile(0.975)
    1.959963984540054
    """
    prob = _probability("p", p, "a probability")
    lower = np.minimum(prob, 1.0 - prob)  # exact for prob >= 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        q_tail = np.sqrt(-2.0 * np.log(lower))
        tail = _poly(_C, q_tail) / (_poly(_D, q_tail) * q_tail + 1.0)
        centred = lower - 0.5
        r = centred * centred
        central = _poly(_A, r) * centred / (_poly(_B, r) * r + 1.0)
    x = np.where(lower < _P_LOW, tail, central)
    # One Halley step: x - u / (1 + x u / 2), u = (Phi(x) - p) / phi(x).
    error = _lower_cdf(x) - lower
    u = error * _SQRT2PI * np.exp(0.5 * x * x)
    x = x - u / (1.0 + 0.5 * x * u)
    return out(np.where(prob > 0.5, -x, x))


def normal_loss(z: Any) -> float | FloatArray:
    """The standard normal loss function L(z) = E[max(Z - z, 0)] = pdf(z) - z (1 - cdf(z)).

    >>> round(normal_loss(0), 6)  # 1 / sqrt(2 pi)
    0.398942
    """
    x = finite("z", z)
    upper = np.asarray(_erfc(x / _SQRT2), dtype=np.float64) * 0.5  # 1 - cdf, accurate
    return out(np.exp(-0.5 * x * x) / _SQRT2PI - x * upper)


# --- Weight, volume and freight ------------------------------------------------------


def volume_cbm(length_cm: Any, width_cm: Any, height_cm: Any) -> float | FloatArray:
    """Volume of a box in cubic metres: L x W x H in cm / 1,000,000.

    >>> volume_cbm(40, 30, 30)
    0.036
    """
    length = positive("length_cm", length_cm)
    width = positive("width_cm", width_cm)
    height = positive("height_cm", height_cm)
    return out(length * width * height / 1e6)


def chargeable_weight_kg(
    actual_kg: Any,
    length_cm: Any,
    width_cm: Any,
    height_cm: Any,
    divisor: Any = IATA_VOLUME_DIVISOR,
    pieces: Any = 1,
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
    count = _whole("pieces", pieces)
    return out(np.maximum(actual, count * length * width * height / div))


def air_freight_cost(
    chargeable_kg: Any, rate_per_kg: Any, minimum_charge: Any = 0
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
    volume_cbm: Any,
    container_cost: Any,
    container_cbm: Any = FORTY_FOOT_CBM,
    minimum_cbm: Any = LCL_MINIMUM_CBM,
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
    value_in_transit: Any, days: Any, annual_cost_of_capital: Any
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
    rate = _share("annual_cost_of_capital", annual_cost_of_capital, "the money per year")
    return out(value * span / 365.0 * rate)


# --- Landed cost -----------------------------------------------------------------------


@dataclass(frozen=True)
class LandedCost:
    """What one unit costs by the time it reaches the buyer, part by part.

    All amounts per unit, in the currency of the inputs (floats, or arrays when the
    inputs were arrays). ``total`` is the sum of the parts, added in this order:
    goods, packaging, freight, insurance, duty, vat, fees.
    """

    goods: float | FloatArray
    packaging: float | FloatArray
    freight: float | FloatArray
    insurance: float | FloatArray
    duty: float | FloatArray
    vat: float | FloatArray
    fees: float | FloatArray
    total: float | FloatArray

    @property
    def cif(self) -> float | FloatArray:
        """Cost, insurance and freight: goods + packaging + freight + insurance."""
        return out(np.asarray(self.goods + self.packaging + self.freight + self.insurance))

    def parts(self) -> dict[str, float | FloatArray]:
        """The seven parts, in the order they add up to ``total``."""
        return {
            "goods": self.goods,
            "packaging": self.packaging,
            "freight": self.freight,
            "insurance": self.insurance,
            "duty": self.duty,
            "vat": self.vat,
            "fees": self.fees,
        }

    def as_dict(self) -> dict[str, float | FloatArray]:
        """The parts and ``total``, in the order they add up."""
        return {**self.parts(), "total": self.total}


def landed_cost(
    goods: Any,
    freight: Any,
    *,
    packaging: Any = 0,
    insurance_rate: Any = 0,
    duty_rate: Any = 0,
    vat_rate: Any = 0,
    fees: Any = 0,
) -> LandedCost:
    """Landed cost per unit, part by part (RWF per unit, or any one currency).

    ``goods`` is the value of one unit (its customs value), ``packaging`` and
    ``freight`` the cost per unit to pack and move it, ``fees`` per unit for handling,
    documents and customs clearance. The order of the sums:

    1. insurance = insurance_rate x (goods + packaging + freight)
    2. CIF = goods + packaging + freight + insurance
    3. duty = duty_rate x CIF
    4. VAT = vat_rate x (CIF + duty)
    5. total = goods + packaging + freight + insurance + duty + VAT + fees

    Rates are shares (0.13 means 13%), at least 0 and below 1.

    >>> lc = landed_cost(10_000, 1_000, packaging=500, insurance_rate=0.01,
    ...                  duty_rate=0.1, vat_rate=0.1, fees=100)
    >>> lc.insurance, lc.duty, lc.vat, lc.total  # CIF 11,615
    (115.0, 1161.5, 1277.65, 14154.15)
    """
    g = non_negative("goods", goods)
    f = non_negative("freight", freight)
    pack = non_negative("packaging", packaging)
    ins_rate = _share("insurance_rate", insurance_rate, "the value insured")
    d_rate = _share("duty_rate", duty_rate, "the CIF value")
    v_rate = _share("vat_rate", vat_rate, "the CIF value plus duty")
    fee = non_negative("fees", fees)

    g, f, pack, ins_rate, d_rate, v_rate, fee = np.broadcast_arrays(
        g, f, pack, ins_rate, d_rate, v_rate, fee
    )
    insurance = ins_rate * (g + pack + f)
    cif = g + pack + f + insurance
    duty = d_rate * cif
    vat = v_rate * (cif + duty)
    total = g + pack + f + insurance + duty + vat + fee
    return LandedCost(
        goods=out(g),
        packaging=out(pack),
        freight=out(f),
        insurance=out(insurance),
        duty=out(duty),
        vat=out(vat),
        fees=out(fee),
        total=out(total),
    )


# --- Duties in China -------------------------------------------------------------------


def china_tariff_rate(
    mfn_rate: Any,
    shipped_on: date,
    *,
    least_developed: bool = True,
    african_partner: bool = True,
) -> float | FloatArray:
    """China's import tariff for goods from a trade partner, as a share of CIF value.

    Zero for a least developed country (Rwanda is one) from 1 Dec 2024, and for every
    African partner from 1 May 2026; ``mfn_rate`` (the normal "most favoured nation"
    tariff for the product, for example 0.15 for roasted coffee) before then. From
    1 Sep 2022 98% of tariff lines were already zero for LDCs; which 2% were not depends
    on the product, so this function assumes the MFN rate applied before 1 Dec 2024
    (as it did for roasted coffee).

    >>> china_tariff_rate(0.15, date(2024, 11, 30)), china_tariff_rate(0.15, date(2024, 12, 1))
    (0.15, 0.0)
    """
    mfn = _share("mfn_rate", mfn_rate, "the CIF value")
    if not isinstance(shipped_on, date):
        raise ValueError(f"shipped_on must be a date, got {shipped_on!r}")
    zero = (least_developed and shipped_on >= ZERO_TARIFF_LDC_FROM) or (
        african_partner and shipped_on >= ZERO_TARIFF_AFRICA_FROM
    )
    return out(np.zeros_like(mfn) if zero else mfn)


def cbec_fits_limits(order_value_cny: Any, spent_this_year_cny: Any = 0) -> bool | np.ndarray:
    """Whether an order fits China's cross-border e-commerce retail limits.

    An order fits when it is at most CNY 5,000 and, with what the buyer already bought
    this year through the channel, at most CNY 26,000 for the year. Within the limits
    the tariff is 0% and import VAT 70% of the normal amount; otherwise the order is
    taxed as general trade. Returns a ``bool`` (or an array of them).

    >>> cbec_fits_limits(4_800), cbec_fits_limits(5_200), cbec_fits_limits(3_000, 24_000)
    (True, False, False)
    """
    order = non_negative("order_value_cny", order_value_cny)
    spent = non_negative("spent_this_year_cny", spent_this_year_cny)
    fits = (order <= CBEC_ORDER_LIMIT_CNY) & (order + spent <= CBEC_ANNUAL_LIMIT_CNY)
    return bool(fits) if fits.ndim == 0 else fits


def china_import_rates(
    mfn_rate: Any,
    shipped_on: date,
    *,
    vat_rate: Any = CHINA_VAT_RATE,
    cross_border_retail: bool = False,
    order_value_cny: Any = 0,
    spent_this_year_cny: Any = 0,
    least_developed: bool = True,
) -> tuple[float | FloatArray, float | FloatArray]:
    """``(duty_rate, vat_rate)`` China charges on an import, as shares.

    General trade (``cross_border_retail=False``, or an order over the limits of
    :func:`cbec_fits_limits`): the tariff of :func:`china_tariff_rate` and the full
    ``vat_rate`` (13% assumed). Cross-border e-commerce retail within the limits: no
    tariff and 70% of the VAT (0.7 x 13% = 9.1%).

    >>> china_import_rates(0.15, date(2023, 6, 1))
    (0.15, 0.13)
    >>> duty, vat = china_import_rates(0.15, date(2023, 6, 1), cross_border_retail=True,
    ...                                order_value_cny=400)
    >>> duty, round(vat, 4)
    (0.0, 0.091)
    """
    tariff = np.asarray(china_tariff_rate(mfn_rate, shipped_on, least_developed=least_developed))
    vat = _share("vat_rate", vat_rate, "the CIF value plus duty")
    retail = np.asarray(cbec_fits_limits(order_value_cny, spent_this_year_cny)) & bool(
        cross_border_retail
    )
    duty = np.where(retail, 0.0, tariff)
    return out(duty), out(np.where(retail, CBEC_TAX_SHARE * vat, vat))


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
    units: Any,
    unit_weight_kg: Any,
    units_per_carton: Any,
    carton_length_cm: Any,
    carton_width_cm: Any,
    carton_height_cm: Any,
    goods_value_usd: Any,
    *,
    route: str = "dar",
    shipped_on: date = ZERO_TARIFF_LDC_FROM,
    mfn_duty_rate: Any = ROASTED_COFFEE_MFN_TARIFF,
    vat_rate: Any = CHINA_VAT_RATE,
    cross_border_retail: bool = False,
    units_per_order: Any = 1,
    packaging_rwf: Any = 0,
    insurance_rate: Any = 0.003,
    air_rate_usd_per_kg: Any = AIR_RATE_USD_PER_KG,
    courier_rate_usd_per_kg: Any = COURIER_RATE_USD_PER_KG,
    sea_40ft_usd: Any = SEA_40FT_USD,
    air_fees_usd: Any = AIR_FEES_USD,
    sea_fees_usd: Any = SEA_FEES_USD,
    annual_cost_of_capital: Any = 0.16,
    rwf_per_usd: Any = 1461.0,
    rwf_per_cny: Any = 203.0,
) -> ShippingComparison:
    """Landed cost per unit, days and cash in transit for air, sea and courier.

    A shipment of ``units`` (for example 250 g packs of coffee), each weighing
    ``unit_weight_kg`` with its packaging, packed ``units_per_carton`` to a carton of
    the given size (cm), from Kigali to a buyer in South China:

    - air: Kigali-Guangzhou cargo, charged by chargeable weight (IATA divisor 6,000)
      at ``air_rate_usd_per_kg``, plus ``air_fees_usd`` for the shipment;
    - sea: by truck to ``route``'s port and by ship to Nansha, each charged as a share
      of a 40-ft container by volume (at least 1 CBM), plus ``sea_fees_usd``;
    - courier: door to door at ``courier_rate_usd_per_kg`` (divisor 5,000), fees included.

    Duty and VAT follow :func:`china_import_rates`: in the cross-border e-commerce
    retail channel each buyer's order is ``units_per_order`` units worth
    ``goods_value_usd`` each. Insurance is ``insurance_rate`` (0.3% assumed) of goods,
    packaging and freight. The cash tied up is the landed cost of the whole shipment
    for the days on the way at ``annual_cost_of_capital`` (16% a year assumed).

    Money in: ``goods_value_usd`` per unit and the rates in USD, ``packaging_rwf`` per
    unit in RWF; exchange rates as RWF per USD and RWF per CNY (about 203, Sep 2025).
    Money out: RWF.
    """
    n = _whole("units", units)
    per_carton = _whole("units_per_carton", units_per_carton)
    weight = non_negative("unit_weight_kg", unit_weight_kg)
    value_usd = non_negative("goods_value_usd", goods_value_usd)
    usd = positive("rwf_per_usd", rwf_per_usd)
    cny = positive("rwf_per_cny", rwf_per_cny)
    per_order = _whole("units_per_order", units_per_order)
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

    order_value_cny = per_order * value_usd * usd / cny
    duty_rate, import_vat_rate = china_import_rates(
        mfn_duty_rate,
        shipped_on,
        vat_rate=vat_rate,
        cross_border_retail=cross_border_retail,
        order_value_cny=order_value_cny,
    )

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
        fits_cbec_limits=cbec_fits_limits(order_value_cny),
    )


# --- Stock: order size, safety stock, reorder point --------------------------------------


def eoq(annual_demand: Any, order_cost: Any, holding_cost_per_unit_year: Any) -> float | FloatArray:
    """Economic order quantity: the order size with the lowest ordering plus holding cost.

    ``sqrt(2 * annual_demand * order_cost / holding_cost_per_unit_year)`` units, with
    ``annual_demand`` in units a year, ``order_cost`` in RWF per order and the holding
    cost in RWF per unit per year (often a share of the unit cost: money tied up,
    storage, spoilage).

    >>> eoq(7_300, 15_000, 1_750)  # sqrt(2 * 7,300 * 15,000 / 1,750)
    353.7553634121427
    """
    demand = non_negative("annual_demand", annual_demand)
    cost = non_negative("order_cost", order_cost)
    holding = positive("holding_cost_per_unit_year", holding_cost_per_unit_year)
    return out(np.sqrt(2.0 * demand * cost / holding))


def safety_stock(
    sd_daily_demand: Any, lead_time_days: Any, service_level: Any
) -> float | FloatArray:
    """Extra units to hold so that a delivery arrives before stock runs out, ``service_level``
    of the time: ``z * sd_daily_demand * sqrt(lead_time_days)``.

    ``z`` is the standard normal quantile of ``service_level`` (0.95 gives 1.645).
    Assumes normal daily demand, independent from day to day, and a fixed lead time.
    A service level below 0.5 gives a negative safety stock (the plan accepts running
    out more often than not).

    >>> round(safety_stock(8, 4, 0.95), 6)  # 1.644854 * 8 * 2
    26.317658
    """
    sd = non_negative("sd_daily_demand", sd_daily_demand)
    lead = non_negative("lead_time_days", lead_time_days)
    level = _probability(
        "service_level", service_level, "the share of order cycles without a stock-out"
    )
    return out(np.asarray(normal_quantile(level)) * sd * np.sqrt(lead))


def reorder_point(
    mean_daily_demand: Any, sd_daily_demand: Any, lead_time_days: Any, service_level: Any
) -> float | FloatArray:
    """Stock level at which to order: demand expected during the lead time plus safety
    stock, ``mean_daily_demand * lead_time_days + safety_stock(...)`` units.

    >>> round(reorder_point(20, 8, 4, 0.95), 6)  # 80 + 26.317658
    106.317658
    """
    mean = non_negative("mean_daily_demand", mean_daily_demand)
    lead = non_negative("lead_time_days", lead_time_days)
    return out(mean * lead + np.asarray(safety_stock(sd_daily_demand, lead, service_level)))


# --- One-off sales: the newsvendor ------------------------------------------------------


def _demand(mean_demand: Any, sd_demand: Any) -> tuple[FloatArray, FloatArray]:
    return non_negative("mean_demand", mean_demand), non_negative("sd_demand", sd_demand)


def expected_lost_sales(stock: Any, mean_demand: Any, sd_demand: Any) -> float | FloatArray:
    """Units buyers want but cannot get, on average, with ``stock`` units on hand.

    For normal demand: ``E[max(D - stock, 0)] = sd * L((stock - mean) / sd)`` with the
    standard normal loss function ``L`` (:func:`normal_loss`); with ``sd_demand = 0``
    simply ``max(mean - stock, 0)``.

    >>> round(expected_lost_sales(2_000, 2_000, 500), 4)  # 500 * 0.398942
    199.4711
    """
    q = non_negative("stock", stock)
    mean, sd = _demand(mean_demand, sd_demand)
    q, mean, sd = np.broadcast_arrays(q, mean, sd)
    spread = np.where(sd > 0, sd, 1.0)
    smooth = spread * np.asarray(normal_loss((q - mean) / spread))
    return out(np.where(sd > 0, smooth, np.maximum(mean - q, 0.0)))


def expected_sales(stock: Any, mean_demand: Any, sd_demand: Any) -> float | FloatArray:
    """Units sold, on average, with ``stock`` units on hand: ``mean - expected lost sales``.

    >>> round(expected_sales(2_000, 2_000, 500), 4)  # 2,000 - 199.4711
    1800.5289
    """
    mean, _ = _demand(mean_demand, sd_demand)
    return out(mean - np.asarray(expected_lost_sales(stock, mean_demand, sd_demand)))


def sellout_probability(stock: Any, mean_demand: Any, sd_demand: Any) -> float | FloatArray:
    """Chance that buyers want at least ``stock`` units, so everything sells:
    ``P(D >= stock) = 1 - cdf((stock - mean) / sd)`` for normal demand (with no spread,
    1 when the stock is at most the mean, else 0).

    >>> sellout_probability(2_000, 2_000, 500)
    0.5
    """
    q = non_negative("stock", stock)
    mean, sd = _demand(mean_demand, sd_demand)
    q, mean, sd = np.broadcast_arrays(q, mean, sd)
    spread = np.where(sd > 0, sd, 1.0)
    upper = np.asarray(_erfc((q - mean) / spread / _SQRT2), dtype=np.float64) * 0.5
    return out(np.where(sd > 0, upper, np.where(q <= mean, 1.0, 0.0)))


def expected_leftover(stock: Any, mean_demand: Any, sd_demand: Any) -> float | FloatArray:
    """Units left unsold, on average: ``E[max(stock - D, 0)] = stock - mean + lost sales``.

    >>> round(expected_leftover(2_000, 2_000, 500), 4)
    199.4711
    """
    q = non_negative("stock", stock)
    mean, _ = _demand(mean_demand, sd_demand)
    return out(q - mean + np.asarray(expected_lost_sales(q, mean_demand, sd_demand)))


def _newsvendor_money(
    unit_price: Any, unit_cost: Any, salvage_value: Any
) -> tuple[FloatArray, FloatArray, FloatArray]:
    price = non_negative("unit_price", unit_price)
    cost = non_negative("unit_cost", unit_cost)
    salvage = finite("salvage_value", salvage_value)
    if np.any(salvage >= cost):
        raise ValueError(
            "salvage_value must be below unit_cost: if a leftover unit sells for what it "
            "cost, there is no risk in preparing as many as you like"
        )
    return price, cost, salvage


def newsvendor_costs(
    unit_price: Any, unit_cost: Any, salvage_value: Any = 0
) -> tuple[float | FloatArray, float | FloatArray]:
    """``(shortage, excess)``: what one unit too few and one unit too many cost (RWF).

    One too few loses the margin of a sale, ``max(unit_price - unit_cost, 0)``; one too
    many loses ``unit_cost - salvage_value``.

    >>> newsvendor_costs(12, 4, 2)
    (8.0, 2.0)
    """
    price, cost, salvage = _newsvendor_money(unit_price, unit_cost, salvage_value)
    return out(np.maximum(price - cost, 0.0)), out(cost - salvage)


def critical_ratio(unit_price: Any, unit_cost: Any, salvage_value: Any = 0) -> float | FloatArray:
    """The newsvendor's critical ratio ``(p - c) / (p - s)``, between 0 and 1.

    What one more unit earns if it sells (``unit_price - unit_cost``) as a share of that
    plus what it loses if it is left over (``unit_cost - salvage_value``). The best stock
    sells out with probability ``1 - ratio``. 0 when the price does not cover the cost.

    >>> critical_ratio(12, 4, 2)  # 8 / 10
    0.8
    """
    shortage, excess = newsvendor_costs(unit_price, unit_cost, salvage_value)
    return out(np.asarray(shortage) / (np.asarray(shortage) + np.asarray(excess)))


def newsvendor_quantity(
    mean_demand: Any,
    sd_demand: Any,
    unit_price: Any,
    unit_cost: Any,
    salvage_value: Any = 0,
) -> float | FloatArray:
    """Units to prepare for a one-off sale with uncertain demand (the newsvendor).

    With normal demand (``mean_demand``, ``sd_demand`` units), the best stock is the
    quantile of demand at the critical ratio ``(p - c) / (p - s)``: the profit on a unit
    sold (``unit_price - unit_cost``) against the loss on a unit left over
    (``unit_cost - salvage_value``). Prices in RWF per unit (any one currency). A
    negative ``salvage_value`` is a cost to get rid of leftovers. Never below 0; 0 when
    the price does not cover the cost.

    >>> round(newsvendor_quantity(2_000, 500, 12, 7, 2), 3)  # ratio 0.5: the mean
    2000.0
    """
    mean, sd = _demand(mean_demand, sd_demand)
    ratio = np.asarray(critical_ratio(unit_price, unit_cost, salvage_value))
    mean, sd, ratio = np.broadcast_arrays(mean, sd, ratio)
    profitable = ratio > 0
    z = np.asarray(normal_quantile(np.where(profitable, ratio, 0.5)))
    return out(np.where(profitable, np.maximum(mean + z * sd, 0.0), 0.0))


def newsvendor_expected_profit(
    stock: Any,
    mean_demand: Any,
    sd_demand: Any,
    unit_price: Any,
    unit_cost: Any,
    salvage_value: Any = 0,
) -> float | FloatArray:
    """Expected profit (RWF) from preparing ``stock`` units for a one-off sale.

    ``price * (mean - lost) + salvage * leftover - cost * stock`` with the expected
    lost sales and leftover of :func:`expected_lost_sales` and :func:`expected_leftover`
    for normal demand.

    >>> round(newsvendor_expected_profit(2_000, 2_000, 0, 12, 7, 2))  # 2,000 * (12 - 7)
    10000
    """
    price, cost, salvage = _newsvendor_money(unit_price, unit_cost, salvage_value)
    q = non_negative("stock", stock)
    mean, _ = _demand(mean_demand, sd_demand)
    lost = np.asarray(expected_lost_sales(q, mean_demand, sd_demand))
    left = np.asarray(expected_leftover(q, mean_demand, sd_demand))
    return out(price * (mean - lost) + salvage * left - cost * q)
