"""The benchmark's part without a browser runs, and finds and moves main controls."""

from types import SimpleNamespace

import ipywidgets as widgets
import nbformat
import pytest

import bench
from isoko.sims import catalog
from support import voila


def test_recompute_part_runs_on_one_simulator(capsys):
    assert bench.main(["--no-browser", "--sim", "price-and-profit", "--changes", "4"]) == 0
    out = capsys.readouterr().out
    assert "median of 4" in out
    line = next(line for line in out.splitlines() if "price-and-profit" in line)
    assert float(line.split()[1]) > 0 and line.endswith("ms")


def test_recompute_times_every_change_and_moves_the_chart():
    entry = next(e for e in catalog() if e.id == "price-and-profit")
    times = bench.time_recompute(entry, changes=6)
    assert len(times) == 6 and all(t > 0 for t in times)
    sim = entry.factory()
    back, forth = bench.alternate_values(bench.main_control(sim))
    before = sim.chart_svg
    forth()
    assert sim.chart_svg != before
    back()
    assert sim.chart_svg == before


def test_a_missing_simulator_is_skipped_with_a_reason():
    def missing():
        raise ModuleNotFoundError("No module named 'isoko.sims.nothing'")

    entry = SimpleNamespace(id="nothing", factory=missing)
    (result,) = bench.bench_recompute([entry])
    assert result.median_ms is None and "isoko.sims.nothing" in result.skipped


def view_with(control):
    control.add_class("isoko-main-control")
    return SimpleNamespace(view=widgets.VBox([widgets.HTML("x"), widgets.VBox([control])]))


@pytest.mark.parametrize(
    "control",
    [
        widgets.FloatSlider(value=25, min=4, max=25, step=0.5),
        widgets.IntSlider(value=3, min=0, max=100),
        widgets.Dropdown(options=[("Air", "air"), ("Sea", "sea")], value="sea"),
        widgets.ToggleButtons(options=["normal", "poisson"]),
        widgets.Checkbox(value=False),
    ],
    ids=["slider-at-max", "int-slider", "dropdown", "toggle", "checkbox"],
)
def test_any_main_control_can_be_moved_both_ways(control):
    found = bench.main_control(view_with(control))
    assert found is control
    start = control.value
    back, forth = bench.alternate_values(control)
    forth()
    moved = control.value
    assert moved != start
    if hasattr(control, "max"):
        assert control.min <= moved <= control.max
    back()
    assert control.value == start


@pytest.mark.parametrize("entry", catalog(), ids=[entry.id for entry in catalog()])
def test_every_simulator_has_one_main_control_the_benchmark_can_move(entry):
    sim = entry.factory()
    control = bench.main_control(sim)
    assert "isoko-main-control" in control._dom_classes
    back, forth = bench.alternate_values(control)
    forth()
    back()


def test_the_price_slider_counts_as_main_control_for_price_and_profit():
    sim = next(e for e in catalog() if e.id == "price-and-profit").factory()
    assert bench.main_control(sim) is sim.controls["price_usd"]


def test_inventory_monte_carlo_is_timed_or_skipped_with_a_reason():
    result = bench.bench_inventory(paths=200, days=30, repeat=1)
    assert (isinstance(result, float) and result > 0) or result.startswith("skipped")


def test_stock_notebook_is_a_plain_slider_and_chart(tmp_path):
    path = voila.write_stock_notebook(tmp_path)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    (cell,) = nb.cells
    assert "widgets.interact" in cell.source and "isoko-chart" in cell.source
    assert "isoko" not in cell.source.replace("isoko-chart", "")  # nothing of Isoko's own


def test_servers_read_no_jupyter_config_of_the_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/somewhere/personal")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/someone/")
    env = voila.isolated_env(tmp_path, pythonpath="/code")
    assert "JUPYTER_CONFIG_PATH" not in env and "JUPYTERHUB_SERVICE_PREFIX" not in env
    assert env["HOME"] == str(tmp_path / "home")
    assert env["JUPYTER_CONFIG_DIR"] == str(tmp_path / "jupyter-config")
    assert env["PYTHONPATH"] == "/code"
