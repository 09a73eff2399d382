"""The pricing course's lesson runs top to bottom in a fresh kernel.

Its app is tested with every simulator's app, in test_sim_apps.py.
"""

import nbformat
import yaml

from support.notebooks import REPO, outputs, run_notebook

COURSE = REPO / "courses" / "pricing"
LESSON = COURSE / "lessons" / "01-price-after-fees.ipynb"


def test_lesson_is_stored_with_its_results():
    # A learner reads the results before running anything (on a slow phone, maybe never).
    nb = nbformat.read(LESSON, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    stored = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "You keep: RWF 13,739 a pack" in stored
    assert not [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]


def test_lesson_runs_top_to_bottom(isolated_kernel_env):
    nb = run_notebook(LESSON, isolated_kernel_env)
    outs = outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outs if o.output_type == "stream")
    # the worked example: CNY 72 at RWF 203, 6% fees, cost RWF 10,000
    assert "Price: RWF 14,616 a pack" in text
    assert "You keep: RWF 13,739 a pack" in text
    assert "Packs to sell each year to cover it: 1,629" in text
    # the exercises wait for an answer without failing the run
    assert "… kept at CNY 86: replace ... with your answer" in text
    tables = [o for o in outs if "text/html" in o.get("data", {})]
    assert tables, "the lesson shows a table"


def test_lesson_ends_with_dated_sources_and_labels_assumptions():
    nb = nbformat.read(LESSON, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    sources = [s for s in markdown if s.splitlines()[0].strip() == "## Sources"]
    assert len(sources) == 1
    assert nb.cells[-1].source == sources[0]
    assert "2018" in sources[0] and "2026" in sources[0]
    assert "Assumptions" in sources[0]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "unit_cost_rwf = 10_000  # ASSUMPTION" in code


def test_lesson_cells_are_short():
    nb = nbformat.read(LESSON, as_version=4)
    for cell in nb.cells:
        assert len(cell.source.splitlines()) <= 25, cell.source[:60]


def test_course_yaml_lists_what_exists():
    meta = yaml.safe_load((COURSE / "course.yaml").read_text())
    assert meta["slug"] == "pricing" and meta["language"] == "en"
    for key in ("title", "summary", "audience", "level", "hours", "outcomes"):
        assert meta[key], key
    assert meta["simulators"] == ["price-and-profit"]
    for rel in [*meta["lessons"], "apps/price-and-profit.ipynb"]:
        assert (COURSE / rel).is_file(), rel
    assignments = {a["id"]: a for a in meta["assignments"]}
    assert assignments["a01-pricing-basics"]["points"] == {"auto": 6, "manual": 2}
    for assignment in assignments.values():
        for name in assignment["notebooks"]:
            assert (COURSE / "source" / assignment["id"] / f"{name}.ipynb").is_file()


def test_exercises_say_what_is_wrong(isolated_kernel_env, tmp_path):
    # A learner answers the first exercise right and the second with the 5% commission
    # of the lesson instead of 2%: the check names that mistake.
    nb = nbformat.read(LESSON, as_version=4)
    answers = {
        "kept_at_86 = ...": "kept_at_86 = 86 * 203 * 0.94",
        "packs_at_2_percent = ...": "packs_at_2_percent = 1629",
    }
    for cell in nb.cells:
        for placeholder, answer in answers.items():
            cell.source = cell.source.replace(placeholder, answer)
    filled = tmp_path / "filled.ipynb"
    nbformat.write(nb, filled)
    outs = outputs(run_notebook(filled, isolated_kernel_env))
    text = "".join(o.get("text", "") for o in outs if o.output_type == "stream")
    assert "✓ kept at CNY 86: right." in text
    assert "✗ packs at a 2% commission:" in text and "5% commission" in text
