"""Crossing the border: landed cost part by part, and China's duties and VAT.

Money is in any one currency (RWF by default) for :func:`landed_cost`, in CNY where a
name says so. Every function accepts scalars or numpy arrays (broadcast together) and
returns a ``float`` for scalar input, an array otherwise; an impossible rate (below 0,
or 1 or more) raises ``ValueError``.

Sourced figures (collected late 2026) and assumptions are marked on each constant:

- China: zero tariff on 100% of tariff lines for least developed countries, Rwanda
  among them, from 1 Dec 2024; for all 53 African partners from 1 May 2026. Before,
  roasted coffee paid a 15% MFN tariff. (sourced)
- China's cross-border e-commerce retail channel: CNY 5,000 per order and CNY 26,000
  per person per year; 0% tariff within the limits; import VAT at 70% of the normal
  amount. (sourced) China's normal import VAT of 13% is an assumption (the standard
  rate; some farm goods pay 9%).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import ArrayLike

from isoko.econ._checks import FloatArray, non_negative, out, share_of

__all__ = [
    "CBEC_ANNUAL_LIMIT_CNY",
    "CBEC_ORDER_LIMIT_CNY",
    "CBEC_TAX_SHARE",
    "CHINA_VAT_RATE",
    "ROASTED_COFFEE_MFN_TARIFF",
    "ZERO_TARIFF_AFRICA_FROM",
    "ZERO_TARIFF_LDC_FROM",
    "LandedCost",
    "cbec_fits_limits",
    "china_import_rates",
    "china_tariff_rate",
    "landed_cost",
]

# --- Figures ---------------------------------------------------------------------------

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
    goods: ArrayLike,
    freight: ArrayLike,
    *,
    packaging: ArrayLike = 0,
    insurance_rate: ArrayLike = 0,
    duty_rate: ArrayLike = 0,
    vat_rate: ArrayLike = 0,
    fees: ArrayLike = 0,
    taxed_price: ArrayLike | None = None,
) -> LandedCost:
    """Landed cost per unit, part by part (RWF per unit, or any one currency).

    ``goods`` is the value of one unit (its customs value), ``packaging`` and
    ``freight`` the cost per unit to pack and move it, ``fees`` per unit for handling,
    documents and customs clearance. The order of the sums:

    1. insurance = insurance_rate x (goods + packaging + freight)
    2. CIF = goods + packaging + freight + insurance
    3. duty = duty_rate x CIF
    4. VAT = vat_rate x (CIF + duty): general trade, taxed on the customs value; or,
       when ``taxed_price`` is given, VAT = vat_rate x taxed_price: China's cross-border
       e-commerce retail channel taxes each order's transaction price (what the shopper
       pays for the unit), at 70% of the normal rate (pass ``0.7 * 0.13``)
    5. total = goods + packaging + freight + insurance + duty + VAT + fees

    Rates are shares (0.13 means 13%), at least 0 and below 1.

    >>> round(landed_cost(4_000, 0, vat_rate=0.7 * 0.13, taxed_price=8_000).vat, 2)
    728.0

    >>> lc = landed_cost(10_000, 1_000, packaging=500, insurance_rate=0.01,
    ...                  duty_rate=0.1, vat_rate=0.1, fees=100)
    >>> lc.insurance, lc.duty, lc.vat, lc.total  # CIF 11,615
    (115.0, 1161.5, 1277.65, 14154.15)
    """
    g = non_negative("goods", goods)
    f = non_negative("freight", freight)
    pack = non_negative("packaging", packaging)
    ins_rate = share_of("insurance_rate", insurance_rate, "the value insured")
    d_rate = share_of("duty_rate", duty_rate, "the CIF value")
    v_rate = share_of("vat_rate", vat_rate, "the CIF value plus duty")
    fee = non_negative("fees", fees)

    g, f, pack, ins_rate, d_rate, v_rate, fee = np.broadcast_arrays(
        g, f, pack, ins_rate, d_rate, v_rate, fee
    )
    insurance = ins_rate * (g + pack + f)
    cif = g + pack + f + insurance
    duty = d_rate * cif
    if taxed_price is None:
        vat = v_rate * (cif + duty)
    else:
        vat = v_rate * non_negative("taxed_price", taxed_price)
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
    mfn_rate: ArrayLike,
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
    mfn = share_of("mfn_rate", mfn_rate, "the CIF value")
    if not isinstance(shipped_on, date):
        raise ValueError(f"shipped_on must be a date, got {shipped_on!r}")
    zero = (least_developed and shipped_on >= ZERO_TARIFF_LDC_FROM) or (
        african_partner and shipped_on >= ZERO_TARIFF_AFRICA_FROM
    )
    return out(np.zeros_like(mfn) if zero else mfn)


def cbec_fits_limits(
    order_value_cny: ArrayLike, spent_this_year_cny: ArrayLike = 0
) -> bool | np.ndarray:
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
    mfn_rate: ArrayLike,
    shipped_on: date,
    *,
    vat_rate: ArrayLike = CHINA_VAT_RATE,
    cross_border_retail: bool = False,
    order_value_cny: ArrayLike = 0,
    spent_this_year_cny: ArrayLike = 0,
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
    vat = share_of("vat_rate", vat_rate, "the CIF value plus duty")
    retail = np.asarray(cbec_fits_limits(order_value_cny, spent_this_year_cny)) & bool(
        cross_border_retail
    )
    duty = np.where(retail, 0.0, tariff)
    return out(duty), out(np.where(retail, CBEC_TAX_SHARE * vat, vat))
