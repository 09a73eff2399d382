"""Make every data set of the logistics course, byte for byte the same on every run.

Run from the repository root:

    python courses/logistics/data/make_data.py

It writes:

- data/freight-quotes-2025.csv: freight quotes for 2025, read by lesson 3;
- source/a02-freight-quotes/freight-quotes-2026.csv: quotes for Jan-Sep 2026, read by
  assignment a02 (nbgrader hands it out with the notebook);
- data/daily-sales-2025.csv: a chili-oil shop's daily sales in China for 2025, read by
  lessons 5 and 6;
- source/a03-stock-and-reorder/daily-sales-2026.csv: the same shop, Jan-Sep 2026, read
  by assignment a03.

The numbers are made up by seeded random draws around sourced figures and labelled
assumptions: data/README.md lists them. Each data set has its own random stream, so
changing one never changes another.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

COURSE = Path(__file__).resolve().parents[1]
SEED = 20181031  # the day Rwanda joined the eWTP

# --- Freight -------------------------------------------------------------------------
# Sourced: truck Dar es Salaam-Kigali about USD 3,500 per 40-ft container, about 5 days;
# Mombasa-Kigali about 7 days; Nansha-Mombasa about 20 days at sea, Shanghai-Mombasa
# about 24; China-Kenya 40-ft rates swung from USD 1,700 to USD 8,500 in 2024.
# Everything else here is an assumption (see README.md).
CONTAINER_CBM = 67.0  # inside volume of a 40-ft container
TRUCK_40FT_USD = {"Dar es Salaam": 3500.0, "Mombasa": 4000.0}  # Mombasa: assumption
TRUCK_DAYS = {"Dar es Salaam": 5, "Mombasa": 7}
SEA_DAYS = {
    ("Dar es Salaam", "Nansha"): 21,  # assumption: Mombasa's 20 plus a day
    ("Dar es Salaam", "Shanghai"): 25,  # assumption: Mombasa's 24 plus a day
    ("Mombasa", "Nansha"): 20,
    ("Mombasa", "Shanghai"): 24,
}
SHANGHAI_PREMIUM = 1.15  # assumption: the longer voyage costs 15% more
# Assumption: the sea leg for a 40-ft container from East Africa to South China, USD,
# month by month. Shaped like the 2024 swing (a spring low, a summer spike), inside its
# USD 1,700-8,500 range.
SEA_40FT_USD = {
    2025: [3200, 2900, 2600, 2300, 2500, 3400, 4200, 3800, 3100, 2800, 3000, 3300],
    2026: [3100, 2800, 2500, 2200, 2600, 4800, 6100, 5200, 3600],
}
AIR_RATE_USD_PER_KG = 2.5  # assumption; Kigali-Europe proxies USD 1.2-2.67 per kg
AIR_PEAK = {10: 1.08, 11: 1.2, 12: 1.15}  # assumption: the autumn shopping festivals
AIR_FEES_USD = 150.0  # assumption: handling, air waybill, export papers, clearance
SEA_FEES_USD = 450.0  # assumption: port charges, papers, clearance, groupage
FORWARDERS = {
    # name: (price level against the market, routes served)
    "Forwarder A": (1.00, ["air", "Dar es Salaam", "Mombasa"]),
    "Forwarder B": (0.96, ["Dar es Salaam"]),
    "Forwarder C": (1.05, ["air", "Mombasa"]),
}


def freight_quotes(year: int, months: int, rng: np.random.Generator, prefix: str):
    """About two quotes per forwarder and route served each month."""
    rows = []
    for month in range(1, months + 1):
        sea_leg = SEA_40FT_USD[year][month - 1]
        for forwarder, (level, serves) in FORWARDERS.items():
            for served in serves:
                for _ in range(2):
                    day = int(rng.integers(1, 29))
                    quoted = date(year, month, day)
                    if served == "air":
                        rate = AIR_RATE_USD_PER_KG * AIR_PEAK.get(month, 1.0) * level
                        rate *= rng.lognormal(0, 0.07)
                        rows.append(
                            {
                                "quote_date": quoted,
                                "forwarder": forwarder,
                                "mode": "air",
                                "route": "Kigali-Mumbai-Guangzhou",
                                "port": "Kigali",
                                "rate_usd_per_kg": round(rate, 2),
                                "rate_usd_per_cbm": np.nan,
                                "fees_usd": 5 * round(AIR_FEES_USD * rng.lognormal(0, 0.1) / 5),
                                "transit_days": int(rng.integers(5, 9)),
                            }
                        )
                        continue
                    port = served
                    for dest in ("Nansha", "Shanghai"):
                        leg = sea_leg * (SHANGHAI_PREMIUM if dest == "Shanghai" else 1.0)
                        per_cbm = (leg + TRUCK_40FT_USD[port]) / CONTAINER_CBM * level
                        per_cbm *= rng.lognormal(0, 0.08)
                        days = (
                            TRUCK_DAYS[port]
                            + int(rng.integers(3, 9))  # waiting at the port
                            + SEA_DAYS[(port, dest)]
                            + int(rng.integers(4, 7))  # clearance and to the warehouse
                        )
                        rows.append(
                            {
                                "quote_date": quoted,
                                "forwarder": forwarder,
                                "mode": "sea",
                                "route": f"{port}-{dest}",
                                "port": port,
                                "rate_usd_per_kg": np.nan,
                                "rate_usd_per_cbm": round(per_cbm, 2),
                                "fees_usd": 5 * round(SEA_FEES_USD * rng.lognormal(0, 0.1) / 5),
                                "transit_days": days,
                            }
                        )
    table = pd.DataFrame(rows).sort_values(["quote_date", "forwarder", "route"], kind="stable")
    table.insert(0, "quote_id", [f"{prefix}-{i:03d}" for i in range(1, len(table) + 1)])
    table["quote_date"] = table["quote_date"].map(date.isoformat)
    return table.reset_index(drop=True)


# --- Sales ---------------------------------------------------------------------------
# All assumptions: a young shop's daily bottle orders, growing through the year, a bit
# busier at weekends, with one livestream a month that sells many bottles in a day.
BASE_BOTTLES_PER_DAY = {2025: 30.0, 2026: 38.0}
GROWTH_PER_YEAR = 0.25
WEEKEND_LIFT = 1.2
LIVESTREAM_MEAN_BOTTLES = 600
BOTTLES_PER_ORDER = 1.6  # average; orders hold 1 to 6 bottles


def daily_sales(year: int, days: int, rng: np.random.Generator):
    start = date(year, 1, 1)
    dates = [start + timedelta(days=d) for d in range(days)]
    # One livestream a month, on a day from the 8th to the 22nd.
    show_day = {month: int(rng.integers(8, 23)) for month in range(1, 13)}
    livestream = np.array([int(d.day == show_day[d.month]) for d in dates])
    bottles, orders = [], []
    for i, day in enumerate(dates):
        mean = BASE_BOTTLES_PER_DAY[year] * (1 + GROWTH_PER_YEAR * i / 365)
        if day.weekday() >= 5:
            mean *= WEEKEND_LIFT
        if livestream[i]:
            mean += LIVESTREAM_MEAN_BOTTLES * rng.lognormal(0, 0.3)
        # Gamma-Poisson (negative binomial): more spread than Poisson, as real shops see.
        sold = int(rng.poisson(rng.gamma(12.0, mean / 12.0)))
        count = max(1, int(round(sold / (BOTTLES_PER_ORDER * rng.uniform(0.9, 1.1)))))
        bottles.append(sold)
        orders.append(min(count, sold))
    return pd.DataFrame(
        {
            "date": [d.isoformat() for d in dates],
            "weekday": [d.strftime("%a") for d in dates],
            "orders": orders,
            "bottles": bottles,
            "livestream": livestream,
        }
    )


def write(table: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n", float_format="%.2f")
    print(f"wrote {path.relative_to(COURSE.parents[1])} ({len(table)} rows)")


def main() -> None:
    def stream(k: int) -> np.random.Generator:
        return np.random.default_rng([SEED, k])

    write(freight_quotes(2025, 12, stream(1), "Q25"), COURSE / "data" / "freight-quotes-2025.csv")
    write(
        freight_quotes(2026, 9, stream(2), "Q26"),
        COURSE / "source" / "a02-freight-quotes" / "freight-quotes-2026.csv",
    )
    write(daily_sales(2025, 365, stream(3)), COURSE / "data" / "daily-sales-2025.csv")
    write(
        daily_sales(2026, 273, stream(4)),
        COURSE / "source" / "a03-stock-and-reorder" / "daily-sales-2026.csv",
    )


if __name__ == "__main__":
    main()
