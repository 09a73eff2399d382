"""The logistics course's three nbgrader assignments, through the real nbgrader commands.

Right answers of other types (numpy numbers, a dict where a Series was asked, a
population standard deviation, a one-element Series) earn every point; a wrong answer
loses its own question's points and no other's; functions are checked on inputs the
learner never saw. Everything runs in a temporary course directory with a fake home
and blank Jupyter configuration; the kernels import ``isoko`` from this checkout.
"""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from support.nbgrader_runs import nbgrader_env, run_nbgrader, write_nbgrader_config

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "courses" / "logistics" / "source"
NOTEBOOKS = {
    "a01-landed-cost": "landed-cost",
    "a02-freight-quotes": "freight-quotes",
    "a03-stock-and-reorder": "stock-and-reorder",
}
AUTO_TESTS = {
    "a01-landed-cost": {
        "test_chargeable_weight_kg": 2,
        "test_landed_cost_rwf": 3,
        "test_fits_cbec": 2,
        "test_most_bottles": 2,
        "test_air_landed_rwf": 2,
    },
    "a02-freight-quotes": {
        "test_median_sea_rate": 2,
        "test_shipment_cost_usd": 3,
        "test_cost_usd": 2,
        "test_cheapest_quote": 2,
        "test_dearest_sea_month": 2,
    },
    "a03-stock-and-reorder": {
        "test_mean_sd_daily": 2,
        "test_safety_stock": 2,
        "test_reorder_point": 2,
        "test_extra_bottles_sea": 2,
        "test_livestream_share": 2,
    },
}

# Right answers, written the way a learner might: numpy types, other containers.
OTHER_TYPES = {
    "a01-landed-cost": {
        "chargeable_weight_kg": """
import numpy as np


def chargeable_weight_kg(actual_kg, length_cm, width_cm, height_cm, divisor=6000):
    return np.maximum(actual_kg, np.float64(length_cm * width_cm * height_cm) / divisor)
""",
        "fits_cbec": """
import numpy as np


def fits_cbec(order_cny, spent_this_year_cny=0):
    return np.bool_(order_cny <= 5000) & np.bool_(order_cny + spent_this_year_cny <= 26000)
""",
        "most_bottles": "most_bottles = np.int64(2_000 // 39)",
        "air_landed_rwf": """
import pandas as pd

air_landed_rwf = pd.Series([4910.98640625])
""",
    },
    "a02-freight-quotes": {
        "median_sea_rate": """
sea = quotes[quotes["mode"] == "sea"]
median_sea_rate = {p: float(r.median()) for p, r in sea.groupby("port")["rate_usd_per_cbm"]}
""",
        "cheapest_quote": """
import numpy as np


def cheapest_quote(max_days):
    ok = quotes[quotes["transit_days"] <= max_days]
    return np.str_(ok.sort_values("cost_usd")["quote_id"].iloc[0])
""",
        "dearest_sea_month": "dearest_sea_month = np.int64(7)",
    },
    "a03-stock-and-reorder": {
        "mean_sd_daily": """
import numpy as np

ordinary = sales.loc[sales["livestream"] == 0, "bottles"].to_numpy()
mean_daily = np.mean(ordinary)
sd_daily = np.std(ordinary)  # the population formula
""",
        "extra_bottles_sea": "extra_bottles_sea = 1375.0",
        "livestream_share": """
import numpy as np

on_shows = sales["bottles"].where(sales["livestream"] == 1, 0).sum()
livestream_share = np.array(on_shows / sales["bottles"].sum())
""",
    },
}

# One wrong answer in each assignment; a02's wrong function must not cost Question 3
# its points (the learner's own function is carried forward).
WRONG = {
    # the order limit alone
    "a01-landed-cost": {"most_bottles": "most_bottles = 5_000 // 39"},
    "a02-freight-quotes": {
        "shipment_cost_usd": """
def shipment_cost_usd(mode, rate, fees_usd, weight_kg, volume_cbm):
    if mode == "air":
        return max(weight_kg, volume_cbm * 1_000_000 / 6000) * rate + fees_usd
    if mode == "sea":
        return volume_cbm * rate + fees_usd  # forgets the 1 CBM minimum
    raise ValueError(mode)
""",
    },
    "a03-stock-and-reorder": {
        "safety_stock": """
def safety_stock(z, mean_daily, sd_daily, lead_time_days, sd_lead_days=0):
    return z * sd_daily * lead_time_days**0.5  # ignores late shipments
""",
    },
}
WRONG_LOSES = {
    "a01-landed-cost": "test_most_bottles",
    "a02-freight-quotes": "test_shipment_cost_usd",
    "a03-stock-and-reorder": "test_safety_stock",
}


def with_answers(source: Path, answers: dict[str, str]):
    """The source notebook with the named solution cells replaced."""
    nb = nbformat.read(source, as_version=4)
    found = set()
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id].strip()
            found.add(grade_id)
    assert found == set(answers)
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with the three assignments generated and four learners'
    submissions autograded."""
    root = tmp_path_factory.mktemp("logistics-course")
    course_dir = root / "course"
    for assignment in NOTEBOOKS:
        shutil.copytree(SOURCE / assignment, course_dir / "source" / assignment)
    write_nbgrader_config(course_dir, "logistics", cell_timeout_s=120)
    env = nbgrader_env(root, isoko_from_checkout=True)

    def nbgrader(*args):
        return run_nbgrader(course_dir, env, *args)

    for assignment, name in NOTEBOOKS.items():
        nbgrader("generate_assignment", assignment, "--force")
        source = course_dir / "source" / assignment / f"{name}.ipynb"
        released = course_dir / "release" / assignment / f"{name}.ipynb"
        learners = {
            "instructor": nbformat.read(source, as_version=4),
            "blank": nbformat.read(released, as_version=4),
            "other-types": with_answers(source, OTHER_TYPES[assignment]),
            "one-wrong": with_answers(source, WRONG[assignment]),
        }
        for student, nb in learners.items():
            folder = course_dir / "submitted" / student / assignment
            shutil.copytree(course_dir / "release" / assignment, folder)
            nbformat.write(nb, folder / f"{name}.ipynb")
        nbgrader("autograde", assignment, "--force")
    return course_dir


def scores(course, assignment, student):
    name = NOTEBOOKS[assignment]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="logistics") as gb:
        return {
            grade_id: gb.find_grade(grade_id, name, assignment, student).auto_score
            for grade_id in AUTO_TESTS[assignment]
        }


@pytest.mark.parametrize("assignment", NOTEBOOKS)
def test_the_solution_earns_every_point_and_a_blank_none(course, assignment):
    assert scores(course, assignment, "instructor") == AUTO_TESTS[assignment]
    assert set(scores(course, assignment, "blank").values()) == {0}


@pytest.mark.parametrize("assignment", NOTEBOOKS)
def test_right_answers_of_other_types_earn_every_point(course, assignment):
    assert scores(course, assignment, "other-types") == AUTO_TESTS[assignment]


@pytest.mark.parametrize("assignment", NOTEBOOKS)
def test_a_wrong_answer_loses_its_own_points_only(course, assignment):
    got = scores(course, assignment, "one-wrong")
    lost = WRONG_LOSES[assignment]
    assert got[lost] == 0
    assert {k: v for k, v in got.items() if k != lost} == {
        k: v for k, v in AUTO_TESTS[assignment].items() if k != lost
    }


def test_a_failing_check_names_the_question_and_the_likely_mistake(course):
    graded = course / "autograded" / "one-wrong" / "a03-stock-and-reorder"
    nb = nbformat.read(graded / "stock-and-reorder.ipynb", as_version=4)
    errors = [
        "\n".join(o.get("traceback", [])) + o.get("evalue", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert len(errors) == 1
    assert "Question 2" in errors[0] and "sqrt" in errors[0]


@pytest.mark.parametrize("assignment", NOTEBOOKS)
def test_every_written_answer_shows_its_rubric(assignment):
    nb = nbformat.read(SOURCE / assignment / f"{NOTEBOOKS[assignment]}.ipynb", as_version=4)
    for before, cell in zip(nb.cells, nb.cells[1:], strict=False):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "markdown":
            points = meta["points"]
            assert f"**Rubric ({points} points)**" in before.source
            bullets = [ln for ln in before.source.splitlines() if ln.startswith("- 1 point: ")]
            assert len(bullets) == points
