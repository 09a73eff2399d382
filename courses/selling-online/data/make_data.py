"""Make every data set of the selling-online course, the same bytes on every run.

Run from the repository root:

    python courses/selling-online/data/make_data.py

Each data set has its own fixed seed, so changing one never changes another. Nothing
depends on the date or the machine of the run. What the columns mean, and every
assumption behind the numbers, is in data/README.md beside this file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

COURSE = Path(__file__).resolve().parents[1]
DATA = COURSE / "data"
ASSIGNMENT_A02 = COURSE / "source" / "a02-livestream-sale-log"

# Prices of a 500 g coffee pack in Aline's shop (ASSUMPTIONS, RWF per pack).
REGULAR_PRICE_RWF = 5_000
FLASH_PRICE_RWF = 3_900  # just under RWF 4,000: a one-pack MoMoPay payment pays no fee

# Who pays with what (ASSUMPTION): MTN MoMo for most buyers, Airtel Money for the rest.
PAYMENT_SHARES = {"MTN MoMo": 0.7, "Airtel Money": 0.3}
# Orders placed in the chat but never paid (ASSUMPTION).
CANCELLED_SHARE = 0.08
# Packs in one order (ASSUMPTION): most buyers take one or two.
PACKS = np.array([1, 2, 3, 4, 5])
PACK_SHARES_REGULAR = np.array([0.52, 0.30, 0.11, 0.05, 0.02])
PACK_SHARES_FLASH = np.array([0.36, 0.34, 0.16, 0.09, 0.05])


def livestream_log(
    seed: int,
    minutes: int,
    start_rate: float,
    end_rate: float,
    flash_start: int,
    flash_minutes: int,
    flash_boost: float,
    prefix: str,
) -> pd.DataFrame:
    """One livestream sale, one row per order placed in the chat.

    Orders arrive at random (Poisson) at a rate that grows from ``start_rate`` to
    ``end_rate`` orders a minute as viewers join, and is ``flash_boost`` times higher
    while the flash price runs; the last two minutes are half as busy (goodbyes).
    """
    rng = np.random.default_rng(seed)
    minute = np.arange(minutes)
    rate = np.linspace(start_rate, end_rate, minutes)
    flash = (minute >= flash_start) & (
        minute < flash_start + flash_minutes
    )
    rate = np.where(flash, rate * flash_boost, rate)
    rate[-2:] *= 0.5
    counts = rng.poisson(rate)
    order_minute = np.repeat(minute, counts)
    in_flash = np.repeat(flash, counts)
    n = order_minute.size
    packs = np.where(
        in_flash,
        rng.choice(PACKS, size=n, p=PACK_SHARES_FLASH),
        rng.choice(PACKS, size=n, p=PACK_SHARES_REGULAR),
    )
    price = np.where(in_flash, FLASH_PRICE_RWF, REGULAR_PRICE_RWF)
    payment = rng.choice(
        list(PAYMENT_SHARES), size=n, p=list(PAYMENT_SHARES.values())
    )
    status = np.where(
        rng.random(n) < CANCELLED_SHARE, "cancelled", "paid"
    )
    return pd.DataFrame(
        {
            "order_id": [
                f"{prefix}-{i:04d}" for i in range(1, n + 1)
            ],
            "minute": order_minute,
            "packs": packs,
            "price_rwf": price,
            "payment": payment,
            "status": status,
        }
    )


def shop_funnel_by_day(seed: int) -> pd.DataFrame:
    """Four weeks of Aline's online shop, one row per day; ads run in the last two.

    Visitors come for free (more at weekends) and, from day 15, from paid ads too.
    Each visitor may open a product page, put something in the basket and pay; people
    who come from ads are less likely to open a product page. All rates: ASSUMPTIONS.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(
        "2026-03-02", periods=28, freq="D"
    )  # Monday 2 March 2026
    weekend = dates.day_of_week >= 5
    organic = rng.poisson(np.where(weekend, 150, 115))
    ads_on = np.arange(28) >= 14
    ad_spend = np.where(ads_on, 5_000, 0)  # RWF a day
    ad_clicks = np.where(
        ads_on, rng.poisson(ad_spend / 50), 0
    )  # about RWF 50 a click
    views = rng.binomial(organic, 0.35) + rng.binomial(
        ad_clicks, 0.25
    )
    baskets = rng.binomial(views, 0.15)
    orders = rng.binomial(baskets, 0.55)
    return pd.DataFrame(
        {
            "date": dates.strftime("%Y-%m-%d"),
            "visitors": organic + ad_clicks,
            "ad_clicks": ad_clicks,
            "product_views": views,
            "baskets": baskets,
            "orders": orders,
            "ad_spend_rwf": ad_spend,
        }
    )


def write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    print(f"wrote {path.relative_to(COURSE)}: {len(frame)} rows")


def main() -> None:
    write(
        shop_funnel_by_day(seed=20260302),
        DATA / "shop-funnel-by-day.csv",
    )
    practice = livestream_log(
        seed=20260321,
        minutes=30,
        start_rate=1.0,
        end_rate=4.0,
        flash_start=20,
        flash_minutes=5,
        flash_boost=3.0,
        prefix="P",
    )
    write(practice, DATA / "practice-livestream.csv")
    sale = livestream_log(
        seed=20260418,
        minutes=60,
        start_rate=2.0,
        end_rate=7.0,
        flash_start=40,
        flash_minutes=5,
        flash_boost=2.5,
        prefix="L",
    )
    write(sale, ASSIGNMENT_A02 / "livestream-orders.csv")


if __name__ == "__main__":
    main()
