"""The logistics lessons' "Your turn" exercises: a learner who writes a right answer in
place of each ``...`` is told it is right, and one who makes the typical mistake is
told which mistake it is.

Each lesson runs top to bottom in a fresh, isolated kernel with its answers filled in.
"""

from pathlib import Path

import nbformat
import pytest

from support.notebooks import isolate_kernel, run_notebook

LESSONS = Path(__file__).resolve().parents[2] / "courses" / "logistics" / "lessons"

# (lesson, cell id, the placeholder line, a right answer written the way a learner might)
RIGHT = {
    "01-landed-cost": [
        ("turn-1-check", "freight_267_rwf = ...", "weight_kg * 2.67 * rwf_per_usd / bottles"),
        ("turn-2-check", "answer = ...", '"b"'),
        ("turn-3-check", "tax_at_45_rwf = ...", "0.7 * vat_rate * 45 * rwf_per_cny"),
    ],
    "02-chargeable-weight": [
        ("turn-1-check", "baskets_kg = ...", "chargeable_weight_kg(5, 60, 40, 30)"),
        (
            "turn-2-check",
            "return ...",
            "volume_weight_kg(length_cm, width_cm, height_cm) > actual_kg",
        ),
    ],
    "03-air-or-sea": [
        ("turn-1-check", "small_sea_usd = ...", 'shipment_cost_usd("sea", 100, 450, 200, 0.385)'),
        ("turn-2-check", "turn_dear_fees = ...", "turning_point(sea_fees_usd=900)"),
    ],
    "04-incoterms-and-duties": [
        ("turn-1-check", "answer = ...", '"buyer"'),
        ("turn-2-check", "fob_rise_rwf = ...", "truck_rwf"),
    ],
    "05-stock-and-reorder": [
        (
            "turn-1-check",
            "safety_congested = ...",
            "safety_stock(z, mean_daily, sd_daily, lead_sea, 4)",
        ),
        (
            "turn-2-check",
            "return ...",
            "(2 * yearly_demand * cost_per_order / holding_per_year) ** 0.5",
        ),
    ],
    "06-last-mile": [
        ("turn-1-check", "gift_box_rwf = ...", "parcel_cny(3) * rwf_per_cny / 3"),
        ("turn-2-check", "return ...", "trip_rwf / (1 - fail_share)"),
    ],
}

# The typical mistake of one exercise per lesson, and a word its hint must say.
MISTAKE = {
    "01-landed-cost": ("turn-1-check", "freight_267_rwf = ...", "500 * 2.67 * 1461", "shipment"),
    "02-chargeable-weight": ("turn-1-check", "baskets_kg = ...", "5", "bulky"),
    "03-air-or-sea": ("turn-1-check", "small_sea_usd = ...", "0.385 * 100 + 450", "1 CBM"),
    "04-incoterms-and-duties": ("turn-1-check", "answer = ...", '"aline"', "DDP"),
    "05-stock-and-reorder": (
        "turn-1-check",
        "safety_congested = ...",
        "z * sd_daily * lead_sea**0.5",
        "late days",
    ),
    "06-last-mile": ("turn-2-check", "return ...", "trip_rwf * (1 + fail_share)", "retry"),
}


def answered(lesson: str, answers, tmp_path: Path) -> Path:
    nb = nbformat.read(LESSONS / f"{lesson}.ipynb", as_version=4)
    by_id = {cell.get("id"): cell for cell in nb.cells}
    for cell_id, placeholder, answer in answers:
        cell = by_id[cell_id]
        assert placeholder in cell.source, (lesson, cell_id)
        cell.source = cell.source.replace(placeholder, placeholder.replace("...", answer), 1)
    path = tmp_path / f"{lesson}.ipynb"
    nbformat.write(nb, path)
    return path


def printed(nb, cell_id: str) -> str:
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.parametrize("lesson", sorted(RIGHT))
def test_right_answers_are_told_they_are_right(lesson, tmp_path, monkeypatch):
    isolate_kernel(tmp_path, monkeypatch)
    nb = run_notebook(answered(lesson, RIGHT[lesson], tmp_path), LESSONS)
    turns = [c.get("id") for c in nb.cells if str(c.get("id", "")).startswith("turn-")]
    assert len(turns) >= 2
    for cell_id, _, _ in RIGHT[lesson]:
        assert printed(nb, cell_id).startswith("✓"), (cell_id, printed(nb, cell_id))


@pytest.mark.parametrize("lesson", sorted(MISTAKE))
def test_the_typical_mistake_is_named(lesson, tmp_path, monkeypatch):
    cell_id, placeholder, wrong, word = MISTAKE[lesson]
    isolate_kernel(tmp_path, monkeypatch)
    path = answered(lesson, [(cell_id, placeholder, wrong)], tmp_path)
    shown = printed(run_notebook(path, LESSONS), cell_id)
    assert shown.startswith("✗") and word in shown, shown
