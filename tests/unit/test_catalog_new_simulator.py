"""Adding a simulator is its module plus one catalog entry: `isoko apps` then makes its
app, the course lists its id, and the app shows it in a fresh kernel."""

import dataclasses
import os
import shutil

import nbformat
import pytest

from isoko.courses.apps import check_apps, write_apps
from isoko.courses.catalog import load_course
from isoko.sims import registry
from support import guide
from support.notebooks import REPO, WIDGET_VIEW, outputs, run_notebook

#: The guide's catalog entry, with its module importable from a temporary folder (the
#: guide puts it in ``isoko.sims``, which a test must not write into).
GUIDE_ENTRY = guide.entry()
ENTRY = dataclasses.replace(GUIDE_ENTRY, target="break_even:BreakEvenSimulator")


def test_the_guide_s_entry_points_at_the_guide_s_module():
    assert GUIDE_ENTRY.target == "isoko.sims.break_even:BreakEvenSimulator"
    assert (
        "# " + GUIDE_ENTRY.module.replace(".", "/").join(["widgets/", ".py"]) == guide.MODULE_HEADER
    )


def test_one_module_and_one_catalog_entry_make_a_working_app(
    tmp_path, monkeypatch, isolated_kernel_env
):
    code = tmp_path / "code"
    code.mkdir()
    (code / "break_even.py").write_text(guide.module_source())
    monkeypatch.syspath_prepend(str(code))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(code), os.environ["PYTHONPATH"]]))
    monkeypatch.setattr(registry, "SIMULATORS", (*registry.SIMULATORS, ENTRY))
    courses = tmp_path / "courses"
    for course in (REPO / "courses").glob("*/course.yaml"):
        shutil.copytree(course.parent / "apps", courses / course.parent.name / "apps")
        shutil.copy(course, courses / course.parent.name / "course.yaml")

    (problem,) = check_apps(courses)
    assert (problem.path, problem.kind) == (courses / "pricing/apps/break-even.ipynb", "missing")
    write_apps(courses)
    assert check_apps(courses) == []

    app = courses / "pricing" / "apps" / "break-even.ipynb"
    (cell,) = nbformat.read(app, as_version=4).cells
    assert cell.source == ("from break_even import BreakEvenSimulator\n\nBreakEvenSimulator().view")
    outs = outputs(run_notebook(app, isolated_kernel_env))
    assert not [o for o in outs if o.output_type in ("error", "stream")]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outs)

    meta = courses / "pricing" / "course.yaml"
    meta.write_text(
        meta.read_text().replace("[price-and-profit]", "[price-and-profit, break-even]")
    )
    course = load_course(courses / "pricing")
    assert course.apps == ["apps/price-and-profit.ipynb", "apps/break-even.ipynb"]
    sim = ENTRY.factory()
    # Each pack keeps USD 10 x 1,461 = RWF 14,610, less 10% commission (1,461) and its
    # cost (10,000): RWF 3,149 towards RWF 60,000 of fixed costs, 19.05 packs.
    assert sim.result == pytest.approx(60_000 / 3_149)
    assert "Sell 19 packs a month" in sim.figure_html
    sim.fixed_costs_rwf = 120_000
    assert sim.result == pytest.approx(120_000 / 3_149)
    assert "Sell 38 packs a month" in sim.figure_html
