"""The benchmark's part without a browser runs, and finds and moves main controls."""

import statistics
import threading
import time
from types import SimpleNamespace

import ipywidgets as widgets
import nbformat
import pages
import pytest
import retry
import targets

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


# --- the benchmark always finishes: bounded retries of pages that hang ------------------


class PlaywrightLikeTimeout(Exception):
    """Playwright's timeout is its own class named TimeoutError, not the built-in one."""


PlaywrightLikeTimeout.__name__ = "TimeoutError"


class HangingPage:
    """A fake page loader: the first ``hangs`` loads hang until their timeout runs out
    (and then give up, as Playwright's waits do), the next ones load."""

    def __init__(self, hangs: int, error: type[Exception] = PlaywrightLikeTimeout):
        self.hangs, self.error, self.calls = hangs, error, 0

    def __call__(self, timeout_s: float) -> str:
        self.calls += 1
        if self.calls <= self.hangs:
            threading.Event().wait(timeout_s)  # nothing comes: the page hangs
            raise self.error(f"Timeout {timeout_s * 1000:.0f}ms exceeded")
        return "chart"


def test_a_page_that_always_hangs_is_retried_a_bounded_number_of_times_then_reported():
    page, said = HangingPage(hangs=10**6), []
    started = time.monotonic()
    outcome = retry.with_retries(
        "stock, loopback", page, timeout_s=0.05, attempts=3, log=said.append
    )
    assert time.monotonic() - started < 5  # three timeouts, not forever
    assert page.calls == 3
    assert not outcome.ok and outcome.value is None
    assert outcome.stuck == 3 and outcome.errors == []
    assert "3 stuck" in outcome.note() and "gave up after 3" in outcome.note()
    assert len(said) == 3 and "giving up" in said[-1] and "stock, loopback" in said[0]


def test_a_page_stuck_twice_in_a_row_still_gets_measured_and_counted():
    page = HangingPage(hangs=2)
    outcome = retry.with_retries("stock", page, timeout_s=0.01, attempts=3, log=lambda _: None)
    assert outcome.ok and outcome.value == "chart"
    assert outcome.attempts == 3 and outcome.stuck == 2 and outcome.retried == 2
    assert outcome.note() == "2 stuck"


def test_other_failures_are_retried_and_counted_apart_from_hangs():
    page = HangingPage(hangs=1, error=ConnectionResetError)
    outcome = retry.with_retries("gallery", page, timeout_s=0.01, log=lambda _: None)
    assert outcome.ok and outcome.stuck == 0
    assert outcome.errors and outcome.errors[0].startswith("ConnectionResetError")
    assert retry.is_timeout(TimeoutError()) and not retry.is_timeout(ValueError())


def test_first_try_that_works_leaves_no_note():
    outcome = retry.with_retries("x", lambda t: 1, timeout_s=1, log=lambda _: None)
    assert outcome.ok and outcome.attempts == 1 and outcome.note() == ""


def test_a_server_whose_pages_always_hang_gives_rows_a_table_and_unmet_targets(capsys):
    hanging = HangingPage(hangs=10**6)

    def visit(browser, url, *, slow_link, moves, timeout_s):
        return hanging(0.001)

    def cold(browser, url, *, timeout_s):
        return hanging(0.001)

    rows = pages.bench_server(
        None, "stock", "http://x/", loads=2, moves=30, slow_link=True, attempts=2,
        visit_fn=visit, cold_fn=cold,
    )  # fmt: skip
    assert hanging.calls == 2 * 3  # full visit and one more cold load on loopback; slow link
    assert [row.link for row in rows] == ["loopback", "slow link"]
    assert all(row.visit is None and row.stuck == row.full.attempts + sum(
        o.attempts for o in row.extra) for row in rows)  # fmt: skip
    pages.print_rows(rows, moves=30, loads=2)
    out = capsys.readouterr().out
    assert out.count("no chart") == 2 and "2 stuck, gave up after 2" in out
    found = targets.check(rows, None, subject="stock")
    assert [t.met for t in found] == [None] * 5  # nothing measured, nothing claimed


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 31)]  # 30 moves: 1..30 ms
    assert pages.percentile(values, 50) == statistics.median(values)
    assert pages.percentile(values, 95) == pytest.approx(28.55)
    assert pages.percentile([7.0], 95) == 7.0


def test_every_request_of_a_first_load_is_listed_largest_first_with_both_sizes(capsys):
    detail = (
        voila.Request("http://127.0.0.1:9/voila/static/voila.js", "Script", 5_000, 19_000),
        voila.Request("http://127.0.0.1:9/voila/templates/isoko/static/isoko-preload.js?v=1",
                      "Script", 760_000, 3_550_000),
        voila.Request("https://cdn.example/fa.css", "Stylesheet", 0, 0, failed=True),
    )  # fmt: skip
    load = voila.PageLoad("u", 3, 765_000, 1, 0, 900.0, detail=detail)
    assert load.body_bytes == 3_569_000
    pages.print_requests("gallery", load)
    lines = capsys.readouterr().out.splitlines()
    assert "3 requests, 765 kB on the wire, 3,569 kB decoded" in lines[1]
    rows = lines[3:]
    assert rows[0].split() == [
        "Script",
        "760000",
        "3550000",
        "/voila/templates/isoko/static/isoko-preload.js",
    ]
    assert rows[1].endswith("/voila/static/voila.js")
    assert rows[2].endswith("https://cdn.example/fa.css  FAILED")  # another host: said in full
