"""Adding a simulator is its module plus one catalog entry: `isoko apps` then makes its
app, the course lists its id, and the app shows it in a fresh kernel."""

import os
import shutil
import textwrap

import nbformat

from isoko.courses.apps import check_apps, write_apps
from isoko.courses.catalog import load_course
from isoko.sims import registry
from isoko.sims.registry import SimEntry
from support.notebooks import REPO, WIDGET_VIEW, outputs, run_notebook

#: A new simulator's module, as small as one can be.
MODULE = '''
import ipywidgets as widgets


class DeliveryDaysSimulator:
    """How many days an order takes to reach a buyer in Musanze."""

    def __init__(self, language="en"):
        self.view = widgets.VBox([widgets.HTML("<p>3 days</p>")])
        self.view.add_class("isoko-sim")
'''

#: The one catalog entry it needs.
ENTRY = SimEntry(
    id="delivery-days",
    course="pricing",
    title="Delivery days",
    question="How many days does an order take to reach a buyer?",
    target="delivery_days:DeliveryDaysSimulator",
)


def test_one_module_and_one_catalog_entry_make_a_working_app(
    tmp_path, monkeypatch, isolated_kernel_env
):
    code = tmp_path / "code"
    code.mkdir()
    (code / "delivery_days.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(code))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(code), os.environ["PYTHONPATH"]]))
    monkeypatch.setattr(registry, "SIMULATORS", (*registry.SIMULATORS, ENTRY))
    courses = tmp_path / "courses"
    for course in (REPO / "courses").glob("*/course.yaml"):
        shutil.copytree(course.parent / "apps", courses / course.parent.name / "apps")
        shutil.copy(course, courses / course.parent.name / "course.yaml")

    (problem,) = check_apps(courses)
    assert (problem.path, problem.kind) == (courses / "pricing/apps/delivery-days.ipynb", "missing")
    write_apps(courses)
    assert check_apps(courses) == []

    app = courses / "pricing" / "apps" / "delivery-days.ipynb"
    (cell,) = nbformat.read(app, as_version=4).cells
    assert cell.source == (
        "from delivery_days import DeliveryDaysSimulator\n\nDeliveryDaysSimulator().view"
    )
    outs = outputs(run_notebook(app, isolated_kernel_env))
    assert not [o for o in outs if o.output_type in ("error", "stream")]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outs)

    meta = courses / "pricing" / "course.yaml"
    meta.write_text(
        meta.read_text().replace("[price-and-profit]", "[price-and-profit, delivery-days]")
    )
    course = load_course(courses / "pricing")
    assert course.apps == ["apps/price-and-profit.ipynb", "apps/delivery-days.ipynb"]
    assert ENTRY.factory().view.children[0].value == "<p>3 days</p>"
