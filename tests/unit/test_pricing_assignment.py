"""The pricing course's nbgrader assignment, through the real nbgrader commands.

Everything happens in a temporary course directory with a fake home and blank
Jupyter config, so the developer's own configuration never leaks in.
"""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator

from support.nbgrader_runs import nbgrader_env, run_nbgrader, write_nbgrader_config

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "a01-pricing-basics"
NOTEBOOK = "pricing-basics"
SOURCE = REPO / "courses" / "pricing" / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
AUTO_TESTS = {"test_seller_keeps_rwf": 2, "test_best_price_rwf": 2, "test_break_even_packs": 2}
WRITTEN = {"written_exchange_rate": 2}


def nbgrader_cells(nb):
    return [c for c in nb.cells if "nbgrader" in c.metadata]


def test_source_metadata_is_valid_and_points_add_up():
    nb = nbformat.read(SOURCE, as_version=4)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    auto, manual = {}, {}
    for cell in nbgrader_cells(nb):
        meta = cell.metadata.nbgrader
        assert meta["schema_version"] == 3
        assert set(meta) >= {"grade", "solution", "locked", "grade_id", "task"}
        if meta["grade"] and cell.cell_type == "code":
            assert meta["locked"] and not meta["solution"]
            auto[meta["grade_id"]] = meta["points"]
        elif meta["grade"]:
            assert cell.cell_type == "markdown" and meta["solution"]
            manual[meta["grade_id"]] = meta["points"]
    assert auto == AUTO_TESTS and sum(auto.values()) == 6
    assert manual == WRITTEN and sum(manual.values()) == 2
    header = nb.cells[0]
    assert header.metadata.nbgrader["locked"] and not header.metadata.nbgrader["grade"]
    assert "Assignments" in header.source and "Validate" in header.source
    assert "Submit" in header.source


def test_every_question_states_its_points():
    nb = nbformat.read(SOURCE, as_version=4)
    questions = [c.source for c in nb.cells if c.source.startswith("## Question")]
    assert len(questions) == 4
    assert all("(2 points" in q.splitlines()[0] for q in questions)


def test_graded_answers_do_not_use_widgets():
    nb = nbformat.read(SOURCE, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "ipywidgets" not in code and "isoko.sims" not in code


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with the assignment generated and two submissions graded."""
    root = tmp_path_factory.mktemp("pricing-course")
    course_dir = root / "course"
    (course_dir / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOURCE, course_dir / "source" / ASSIGNMENT)
    write_nbgrader_config(course_dir, "pricing", cell_timeout_s=60)
    env = nbgrader_env(root)

    def nbgrader(*args):
        return run_nbgrader(course_dir, env, *args, timeout_s=300)

    nbgrader("generate_assignment", ASSIGNMENT, "--force")
    released = course_dir / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"

    # The instructor's own solution, and the released notebook handed in untouched.
    for student, notebook in (("instructor", SOURCE), ("blank", released)):
        folder = course_dir / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{NOTEBOOK}.ipynb")
    nbgrader("autograde", ASSIGNMENT, "--force")
    return course_dir


def test_release_has_no_solutions_or_hidden_tests(course):
    released = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    text = released.read_text()
    for secret in (
        "### BEGIN SOLUTION",
        "### END SOLUTION",
        "### BEGIN HIDDEN TESTS",
        "1_959,",  # a hidden test's expected value
        "math.ceil(12_180_000",  # part of a solution
        "so I could lower the listing price",  # the model written answer
    ):
        assert secret not in text, secret
    nb = nbformat.read(released, as_version=4)
    stubs = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert sum("raise NotImplementedError()" in s for s in stubs) == 3
    assert sum("YOUR ANSWER HERE" in s for s in stubs) == 1
    # the visible tests stay, so Validate can help the learner
    assert "((72, 203, 0.05, 0.01), 13_739.04)" in text
    # the rubric of the written answer is shown to the learner
    assert "**Rubric (2 points)**" in text


def grades(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="pricing") as gb:
        nb = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
        by_id = {
            grade_id: gb.find_grade(grade_id, NOTEBOOK, ASSIGNMENT, student)
            for grade_id in [*AUTO_TESTS, *WRITTEN]
        }
        return (
            {
                "code_score": nb.code_score,
                "max_code_score": nb.max_code_score,
                "written_max": nb.max_written_score,
                "needs_manual_grade": nb.needs_manual_grade,
            },
            {gid: (g.auto_score, g.max_score) for gid, g in by_id.items()},
        )


def test_instructor_solution_earns_all_autograded_points(course):
    totals, by_id = grades(course, "instructor")
    assert totals["code_score"] == 6 and totals["max_code_score"] == 6
    assert totals["written_max"] == 2
    for grade_id, points in AUTO_TESTS.items():
        assert by_id[grade_id] == (points, points)
    # the written answer waits for a person
    assert by_id["written_exchange_rate"] == (None, 2)
    assert totals["needs_manual_grade"]


def test_blank_submission_scores_zero_without_crashing(course):
    totals, by_id = grades(course, "blank")
    assert totals["code_score"] == 0 and totals["max_code_score"] == 6
    for grade_id in AUTO_TESTS:
        assert by_id[grade_id] == (0, AUTO_TESTS[grade_id])
    autograded = course / "autograded" / "blank" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(autograded, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert any(e.ename == "NotImplementedError" for e in errors)


# Any right answer passes, whatever its type; a wrong one fails with a message that
# names the question. The notebooks' cells run here in one namespace, as in a kernel,
# with some answer cells replaced by what a learner might write.
A02 = REPO / "courses" / "pricing" / "source" / "a02-price-from-sales-data"


def run_cells(notebook, answers_by_id):
    """Run every code cell in order; return {test grade_id: None or the failure}."""
    nb = nbformat.read(notebook, as_version=4)
    namespace, results = {}, {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        source = answers_by_id.get(meta.get("grade_id"), cell.source)
        try:
            exec(compile(source, meta.get("grade_id", "cell"), "exec"), namespace)
        except Exception as error:
            if not meta.get("grade"):
                raise
            results[meta["grade_id"]] = f"{type(error).__name__}: {error}"
        else:
            if meta.get("grade"):
                results[meta["grade_id"]] = None
    return results


def test_a01_right_answers_in_numpy_types_pass():
    results = run_cells(
        SOURCE,
        {
            "seller_keeps_rwf": "import numpy as np\n"
            "def seller_keeps_rwf(price, rate, c, f):\n"
            "    return np.float64(price) * rate * np.subtract(1, c + f)\n",
            "best_price_rwf": "import numpy as np\n"
            "def best_price_rwf(cost, e, c, f):\n"
            "    if e >= -1:\n"
            "        raise ValueError('no best price')\n"
            "    return np.array(cost / (1 - c - f) * e / (1 + e))\n",
            "break_even_packs": "import numpy as np\nbreak_even_packs = np.int64(1959)\n",
        },
    )
    assert results == {gid: None for gid in AUTO_TESTS}


def test_a01_wrong_answers_fail_naming_the_question_and_the_mistake():
    results = run_cells(
        SOURCE,
        {
            # forgets the payment fee
            "seller_keeps_rwf": "def seller_keeps_rwf(price, rate, c, f):\n"
            "    return price * rate * (1 - c)\n",
            # rounds down instead of up
            "break_even_packs": "break_even_packs = 1958\n",
        },
    )
    assert results["test_seller_keeps_rwf"].startswith("AssertionError: Question 1:")
    assert "fee" in results["test_seller_keeps_rwf"]
    assert results["test_break_even_packs"].startswith("AssertionError: Question 3:")
    assert "rounded up" in results["test_break_even_packs"]
    assert results["test_best_price_rwf"] is None


@pytest.fixture
def in_a02(monkeypatch):
    monkeypatch.chdir(A02)
    return A02 / "price-from-sales-data.ipynb"


A02_TESTS = [
    "test_revenue_rwf_by_channel",
    "test_weekly_sales",
    "test_elasticity",
    "test_elasticities",
    "test_best_prices",
]


def test_a02_solution_passes(in_a02):
    assert run_cells(in_a02, {}) == {gid: None for gid in A02_TESTS}


def test_a02_series_and_numpy_answers_pass(in_a02):
    results = run_cells(
        in_a02,
        {
            # a dict of numpy numbers where the solution has a Series
            "revenue_rwf_by_channel": "orders['revenue_rwf'] = orders['unit_price'] * "
            "orders['packs'] * orders['rwf_per_unit']\n"
            "revenue_rwf_by_channel = {c: np.float64(v) for c, v in "
            "orders.groupby('channel')['revenue_rwf'].sum().items()}\n",
            # the week as a column, not the index
            "weekly_sales": "def weekly_sales(orders, channel):\n"
            "    rows = orders[(orders.channel == channel) & (orders.promo == 0)]\n"
            "    week = rows.date.dt.to_period('W').dt.start_time.rename('week')\n"
            "    return rows.groupby(week).agg(price=('unit_price', 'first'),\n"
            "        packs=('packs', 'sum')).reset_index()\n",
            # Series where the question shows a dict
            "elasticities": "elasticities = pd.Series({c: elasticity("
            "weekly_sales(orders, c)['price'], weekly_sales(orders, c)['packs'])"
            " for c in CHANNELS})\n",
            "best_prices": "best_prices = pd.Series({c: COST_RWF[c] / (1 - FEES[c]) * e"
            " / (1 + e) / RWF_PER_UNIT[c] for c, e in elasticities.items()})\n",
        },
    )
    assert results == {gid: None for gid in A02_TESTS}


def test_a02_a_wrong_earlier_answer_fails_only_its_own_question(in_a02):
    results = run_cells(
        in_a02,
        {
            # keeps the promotion weeks: Question 2 is wrong ...
            "weekly_sales": "def weekly_sales(orders, channel):\n"
            "    rows = orders[orders.channel == channel]\n"
            "    week = rows.date.dt.to_period('W').dt.start_time\n"
            "    return rows.groupby(week).agg(price=('unit_price', 'first'),\n"
            "        packs=('packs', 'sum'))\n",
        },
    )
    assert results["test_weekly_sales"].startswith("AssertionError: Question 2:")
    # ... but Questions 4 and 5, which apply it right, keep their points
    assert results["test_elasticities"] is None and results["test_best_prices"] is None


def test_a02_prices_in_francs_fail_question_5(in_a02):
    results = run_cells(
        in_a02,
        {
            "best_prices": "best_prices = {c: COST_RWF[c] / (1 - FEES[c]) * e / (1 + e)"
            " for c, e in elasticities.items()}\n"
        },
    )
    assert results["test_best_prices"].startswith("AssertionError: Question 5:")
    assert "currency" in results["test_best_prices"] or "rate" in results["test_best_prices"]
    assert results["test_elasticities"] is None
