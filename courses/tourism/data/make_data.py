"""Make every data set of the tourism course, byte for byte the same on every run.

Run from the repository root:

    python courses/tourism/data/make_data.py

It writes, for Eric's gorilla-trek day tour from Musanze:

- ``courses/tourism/data/tour-days-2024.csv`` and ``bookings-2024.csv``: the days the
  tour was offered in 2024 and every booking asked for, read by lessons 2 and 5;
- ``courses/tourism/source/a02-seasons-from-bookings/tour-days.csv`` and
  ``bookings.csv``: the same for 2025, read by assignment a02 (they sit in the
  assignment's folder so that nbgrader hands them out with the notebook).

The bookings are invented by a model whose every assumption is written in ``README.md``
beside this file: visitors ask for places with a constant price elasticity and a
demand that moves with Rwanda's seasons; the minibus has six places a day, so a group
that no longer fits is turned away; some accepted bookings are cancelled. One seeded
numpy Generator drives it all; nothing depends on the clock.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20181201  # Fliggy's "Visit Rwanda" pavilion went live in December 2018
HERE = Path(__file__).resolve().parent
ASSIGNMENT = HERE.parent / "source" / "a02-seasons-from-bookings"

#: Places a day: guests the minibus takes on one tour-day (ASSUMPTION).
PLACES_PER_DAY = 6
#: Reference price for the demand below, USD per guest (ASSUMPTION).
REFERENCE_PRICE_USD = 100
#: Price elasticity of the guests asked for, the same in every season (ASSUMPTION).
ELASTICITY = -2.0

#: Season of each month and day: (name, first month-day, guests asked for per day at
#: USD 100, the two prices tried, USD, cancellation rate). Dates follow the facts
#: sheet's seasons; demand, prices and cancellations are ASSUMPTIONS.
SEASONS = {
    "long dry": ("06-01", 8.0, (110, 140), 0.08),
    "short rains": ("09-16", 3.0, (80, 100), 0.15),
    "short dry": ("12-16", 5.5, (100, 125), 0.10),
    "long rains": ("03-01", 2.5, (80, 100), 0.18),
}

#: Guests in one booking and how often each group size is asked for (ASSUMPTION).
GROUP_SIZES = np.array([1, 2, 3, 4])
GROUP_WEIGHTS = np.array([0.3, 0.4, 0.2, 0.1])  # mean 2.1 guests

#: Where a booking comes from, and how often (ASSUMPTION).
CHANNELS = ["Airbnb", "Booking", "direct"]
CHANNEL_WEIGHTS = [0.55, 0.25, 0.20]


def season_of(day: pd.Timestamp) -> str:
    """The season of a day: long dry 1 Jun-15 Sep, short rains 16 Sep-15 Dec,
    short dry 16 Dec-end of Feb, long rains Mar-May."""
    md = day.strftime("%m-%d")
    if "06-01" <= md < "09-16":
        return "long dry"
    if "09-16" <= md < "12-16":
        return "short rains"
    if md >= "12-16" or md < "03-01":
        return "short dry"
    return "long rains"


def tour_days(rng: np.random.Generator, year: int) -> pd.DataFrame:
    """Every day of ``year`` with its season and the price on offer: each season tries
    its two prices in alternating weeks, starting with a price drawn at random."""
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    seasons = [season_of(d) for d in days]
    first = {name: int(rng.integers(0, 2)) for name in SEASONS}
    week = ((days - days[0]).days // 7).to_numpy()
    prices = [SEASONS[s][2][(first[s] + int(w)) % 2] for s, w in zip(seasons, week, strict=True)]
    return pd.DataFrame({"date": days, "season": seasons, "price_usd": prices})


def bookings(rng: np.random.Generator, days: pd.DataFrame) -> pd.DataFrame:
    """Every booking asked for, one row each, with what became of it."""
    rows = []
    mean_group = float(GROUP_SIZES @ GROUP_WEIGHTS)
    for day, season, price in days.itertuples(index=False):
        asked = SEASONS[season][1] * (price / REFERENCE_PRICE_USD) ** ELASTICITY
        cancel_rate = SEASONS[season][3]
        free = PLACES_PER_DAY
        for _ in range(rng.poisson(asked / mean_group)):
            guests = int(rng.choice(GROUP_SIZES, p=GROUP_WEIGHTS))
            channel = str(rng.choice(CHANNELS, p=CHANNEL_WEIGHTS))
            if guests > free:
                status = "turned away"  # the minibus is full for this group
            else:
                free -= guests
                status = "cancelled" if rng.random() < cancel_rate else "honoured"
            rows.append((day, season, price, guests, channel, status))
    columns = ["date", "season", "price_usd", "guests", "channel", "status"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.insert(0, "booking_id", np.arange(1, len(frame) + 1))
    return frame


def write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    print(f"wrote {path.relative_to(HERE.parents[2])}: {len(frame):,} rows")


def main() -> None:
    rng = np.random.default_rng(SEED)
    for year, folder, prefix in ((2024, HERE, "-2024"), (2025, ASSIGNMENT, "")):
        days = tour_days(rng, year)
        write(days, folder / f"tour-days{prefix}.csv")
        write(bookings(rng, days), folder / f"bookings{prefix}.csv")


if __name__ == "__main__":
    main()
