"""Make every data set of the pricing course, byte for byte the same on every run.

Run from the repository root:

    python courses/pricing/data/make_data.py

It writes:

- ``courses/pricing/data/own-shop-2019.csv``: one year of orders in the roaster's own
  Kigali shop, read by lessons 3 and 5;
- ``courses/pricing/source/a02-price-from-sales-data/orders.csv``: two years of orders
  across three channels, read by assignment a02 (it sits in the assignment's folder so
  that nbgrader hands it out with the notebook).

The sales are invented by a model whose every assumption is written in ``README.md``
beside this file: buyers react to price with a constant price elasticity, sales move
with the season and grow over time, promotion weeks sell more, and each week's orders
are random. One seeded numpy Generator drives it all; nothing depends on the clock.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20181031  # the day Rwanda joined the eWTP, 31 Oct 2018
HERE = Path(__file__).resolve().parent
LESSON_FILE = HERE / "own-shop-2019.csv"
ASSIGNMENT_FILE = HERE.parent / "source" / "a02-price-from-sales-data" / "orders.csv"

# Packs in one order and how often each size is bought (ASSUMPTION): mean 1.4 packs.
PACKS_PER_ORDER = np.array([1, 2, 3])
PACKS_WEIGHTS = np.array([0.7, 0.2, 0.1])


def season(months: np.ndarray, lifts: dict[int, float]) -> np.ndarray:
    """Demand multiplier for each month (1 = an ordinary month)."""
    return np.array([lifts.get(int(m), 1.0) for m in months])


def weekly_orders(
    rng: np.random.Generator,
    weeks: pd.DatetimeIndex,
    prices: np.ndarray,
    expected_packs: np.ndarray,
) -> pd.DataFrame:
    """Random orders for each week: a Poisson number of orders, each 1 to 3 packs,
    on a random day of that week. ``expected_packs`` is the mean packs per week."""
    mean_orders = expected_packs / float(PACKS_PER_ORDER @ PACKS_WEIGHTS)
    counts = rng.poisson(mean_orders)
    rows = []
    for week, price, count in zip(weeks, prices, counts, strict=True):
        days = np.sort(rng.integers(0, 7, size=count))
        packs = rng.choice(PACKS_PER_ORDER, size=count, p=PACKS_WEIGHTS)
        for day, n in zip(days, packs, strict=True):
            rows.append((week + pd.Timedelta(days=int(day)), price, int(n)))
    return pd.DataFrame(rows, columns=["date", "unit_price", "packs"])


def price_schedule(rng: np.random.Generator, levels: list[float], n_weeks: int, block: int):
    """Prices held for ``block`` weeks at a time, each level used equally often, in a
    shuffled order so that price is not tied to the season (ASSUMPTION: the roaster
    tests prices on purpose)."""
    n_blocks = -(-n_weeks // block)
    order = np.concatenate([rng.permutation(levels) for _ in range(-(-n_blocks // len(levels)))])
    return np.repeat(order[:n_blocks], block)[:n_weeks]


def growth(weeks: pd.DatetimeIndex, start: pd.Timestamp, per_year: float) -> np.ndarray:
    """Demand multiplier for a business that grows ``per_year`` (0.15 = 15% a year)."""
    years = (weeks - start).days.to_numpy() / 365.25
    return (1 + per_year) ** years


def promo_weeks(weeks: pd.DatetimeIndex, days: list[str]) -> np.ndarray:
    """True for each week (starting Monday) that contains one of ``days``."""
    starts = pd.DatetimeIndex(
        [pd.Timestamp(d) - pd.Timedelta(days=pd.Timestamp(d).weekday()) for d in days]
    )
    return np.isin(weeks, starts)


def own_shop_2019(rng: np.random.Generator) -> pd.DataFrame:
    """2019 orders in the own shop in Kigali, paid with MoMo, prices in RWF."""
    weeks = pd.date_range("2019-01-07", periods=52, freq="7D")
    price = price_schedule(rng, [6_000, 7_000, 8_000, 9_000], len(weeks), block=3)
    # Umuganura (harvest day, first Friday of August) and Christmas: 15% off.
    promo = promo_weeks(weeks, ["2019-08-02", "2019-12-25"])
    after = np.r_[False, promo[:-1]]  # the week after a promotion: buyers stocked up
    paid = np.where(promo, price * 0.85, price)
    expected = (
        40.0  # packs a week at RWF 7,000 in an ordinary month
        * (paid / 7_000) ** -2.5  # price elasticity -2.5
        * season(weeks.month, {8: 1.1, 12: 1.3})
        * growth(weeks, weeks[0], 0.10)
        * np.where(promo, 1.5, 1.0)  # a promotion draws buyers beyond its price cut
        * np.where(after, 0.8, 1.0)
    )
    orders = weekly_orders(rng, weeks, paid, expected)
    orders["promo"] = orders["date"].dt.to_period("W").dt.start_time.isin(weeks[promo]).astype(int)
    orders = orders.rename(columns={"unit_price": "price_rwf"})
    orders["price_rwf"] = orders["price_rwf"].round().astype(int)
    return orders[["date", "price_rwf", "packs", "promo"]]


# The three channels of assignment a02, 2024-2025. Every number is an ASSUMPTION except
# where README.md cites a source; elasticities are what the learner should find.
CHANNELS = {
    "own shop": {
        "currency": "RWF",
        "levels": [6_000, 7_000, 8_000, 9_000, 10_000],
        "ref_price": 8_000,
        "ref_packs": 15.0,  # packs a week at the reference price, ordinary month
        "elasticity": -2.5,
        "season": {8: 1.1, 12: 1.25},
        "promo_days": ["2024-08-02", "2024-12-25", "2025-08-01", "2025-12-25"],
        "discount": 0.15,
        "promo_lift": 1.5,
    },
    "Tmall Global": {
        "currency": "CNY",
        "levels": [59, 69, 79, 89, 99],
        "ref_price": 79,
        "ref_packs": 18.0,
        "elasticity": -2.0,
        "season": {1: 1.15, 2: 1.15, 11: 1.3},
        "promo_days": ["2024-11-11", "2025-11-11"],  # Double 11
        "discount": 0.20,
        "promo_lift": 2.0,
    },
    "Amazon": {
        "currency": "USD",
        "levels": [7.99, 8.99, 9.99, 10.99, 11.99],
        "ref_price": 9.99,
        "ref_packs": 12.0,
        "elasticity": -3.0,
        "season": {11: 1.2, 12: 1.3},
        "promo_days": ["2024-11-29", "2025-11-28"],  # Black Friday
        "discount": 0.15,
        "promo_lift": 1.8,
    },
}


def rwf_per_unit(dates: pd.Series, currency: str, rng: np.random.Generator) -> np.ndarray:
    """RWF for one unit of ``currency`` on each date (1 for RWF).

    RWF per USD falls steadily from about 1,274 (Jan 2024) to about 1,457 (Dec 2025),
    so that 2024 averages about 1,318 (BNR) and early Dec 2025 is near 1,456.83 (BNR via
    Stears); RWF per CNY divides by a yuan that firms from 7.25 to 7.05 per USD
    (ASSUMPTION), giving about 203 in Sep 2025 (facts). A small daily wobble is added.
    """
    if currency == "RWF":
        return np.ones(len(dates))
    months = (dates - pd.Timestamp("2024-01-01")).dt.days.to_numpy() / (365.25 / 12)
    usd = 1274.3 + 7.943 * months
    cny_per_usd = 7.25 - 0.2 * months / 23
    rate = usd if currency == "USD" else usd / cny_per_usd
    return np.round(rate * (1 + rng.normal(0, 0.001, len(dates))), 2)


def orders_2024_2025(rng: np.random.Generator) -> pd.DataFrame:
    """Two years of orders across the three channels, one row per order."""
    weeks = pd.date_range("2024-01-01", periods=104, freq="7D")
    frames = []
    for name, ch in CHANNELS.items():
        price = price_schedule(rng, ch["levels"], len(weeks), block=4)
        promo = promo_weeks(weeks, ch["promo_days"])
        after = np.r_[False, promo[:-1]]
        paid = np.where(promo, np.round(price * (1 - ch["discount"]), 2), price)
        expected = (
            ch["ref_packs"]
            * (paid / ch["ref_price"]) ** ch["elasticity"]
            * season(weeks.month, ch["season"])
            * growth(weeks, weeks[0], 0.15)
            * np.where(promo, ch["promo_lift"], 1.0)
            * np.where(after, 0.8, 1.0)
        )
        orders = weekly_orders(rng, weeks, paid, expected)
        week_of = orders["date"].dt.to_period("W").dt.start_time
        orders["promo"] = week_of.isin(weeks[promo]).astype(int)
        orders["channel"] = name
        orders["currency"] = ch["currency"]
        orders["rwf_per_unit"] = rwf_per_unit(orders["date"], ch["currency"], rng)
        frames.append(orders)
    orders = pd.concat(frames).sort_values(["date", "channel"], kind="stable")
    orders.insert(0, "order_id", np.arange(1, len(orders) + 1))
    columns = ["order_id", "date", "channel", "currency", "unit_price", "packs", "promo"]
    return orders[[*columns, "rwf_per_unit"]]


def write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, date_format="%Y-%m-%d", float_format="%g", lineterminator="\n")
    print(f"wrote {path.relative_to(HERE.parents[2])}: {len(frame):,} rows")


def main() -> None:
    rng = np.random.default_rng(SEED)
    write(own_shop_2019(rng), LESSON_FILE)
    write(orders_2024_2025(rng), ASSIGNMENT_FILE)


if __name__ == "__main__":
    main()
