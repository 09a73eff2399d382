"""Every simulator of the catalog: its entry, and its one-cell Voilà app run in a fresh
kernel (the browser tests open the same apps in Voilà)."""

import sys
from html import escape

import nbformat
import pytest

from isoko import i18n
from isoko.sims import SimEntry, catalog
from isoko.sims.registry import SIMULATORS, find
from support.notebooks import REPO, WIDGET_VIEW, outputs, run_notebook

IDS = [entry.id for entry in catalog()]


def test_catalog_ids_and_apps_are_unique():
    entries = catalog()
    assert len({e.id for e in entries}) == len(entries)
    assert len({e.app for e in entries}) == len(entries)
    assert entries == list(SIMULATORS)


def test_importing_the_catalog_does_not_import_ipywidgets(tmp_path):
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", "import sys, isoko.sims; print('ipywidgets' in sys.modules)"],
        env={"PYTHONPATH": str(REPO / "widgets")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_an_unknown_id_names_the_known_ones():
    with pytest.raises(KeyError, match="no simulator 'price-and-proft'.*price-and-profit"):
        find("price-and-proft")


@pytest.mark.parametrize("sim_id", IDS)
def test_catalog_entry_builds_the_simulator(sim_id):
    found = find(sim_id)
    assert isinstance(found, SimEntry)
    assert found.app == f"courses/{found.course}/apps/{sim_id}.ipynb"
    assert (REPO / found.app).is_file()
    assert (REPO / "courses" / found.course / "course.yaml").is_file()
    simulator = found.simulator_class()
    assert simulator.__module__ == found.module and simulator.__name__ == found.class_name
    built = found.factory()
    assert isinstance(built, simulator)
    assert "isoko-sim" in built.view._dom_classes
    assert isinstance(found.factory(language="fr"), simulator)


@pytest.mark.parametrize("sim_id", IDS)
def test_app_is_one_cell_committed_without_outputs(sim_id):
    entry = find(sim_id)
    nb = nbformat.read(REPO / entry.app, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.title == entry.title
    (cell,) = nb.cells
    assert cell.cell_type == "code" and cell.outputs == [] and cell.execution_count is None
    assert cell.source.splitlines()[0] == f"from {entry.module} import {entry.class_name}"
    assert cell.source.splitlines()[-1].endswith(".view")


@pytest.mark.parametrize("sim_id", IDS)
def test_app_runs_in_a_fresh_kernel_and_shows_a_widget(sim_id, isolated_kernel_env):
    nb = run_notebook(REPO / find(sim_id).app, isolated_kernel_env)
    outs = outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    assert not [o for o in outs if o.output_type == "stream"]  # prints nothing
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outs)


@pytest.mark.parametrize("sim_id", IDS)
def test_the_app_shows_its_task_under_the_title_in_the_learner_s_language(sim_id):
    entry = find(sim_id)
    # A task is concrete: something to find, with a number.
    assert entry.task.startswith("Find ")
    source = nbformat.read(REPO / entry.app, as_version=4).cells[0].source
    assert f'.with_task("{sim_id}")' in source
    for language, label in (("en", "Your task:"), ("fr", "Votre tâche :")):
        view = entry.factory(language=language).with_task(sim_id).view
        title, task = view.children[:2]
        assert title.value.startswith("<h3")
        assert f"<b>{label}</b>" in task.value
        translated = i18n.translator("isoko", language)(entry.task)
        assert escape(translated) in task.value
        if language == "fr":
            assert translated != entry.task, "the task has no French translation"
