"""An app's page in the browser: its simulator, its main control and its charts.

Shared by the browser tests of apps in learners' servers and in the public gallery.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

SIM = ".isoko-sim"
CHARTS = f"{SIM} .isoko-chart svg"
#: Every simulator marks its main control with this class.
MAIN_CONTROL = f"{SIM} .isoko-main-control"
#: What Voilà shows instead of outputs when a cell fails (stderr, or an error output).
CELL_ERROR = "[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText.jp-mod-error"


def main_control(page: Page) -> Locator:
    control = page.locator(MAIN_CONTROL)
    if not control.count():
        pytest.fail(f"no main control ({MAIN_CONTROL})")
    return control.first


def move(control: Locator) -> None:
    """Change the main control the way a person would, whatever widget it is."""
    handle = control.locator(".noUi-handle")
    if handle.count():  # a slider: keys on its handle, each a release
        readout = control.locator(".widget-readout")
        before = readout.inner_text()
        handle.first.focus()
        for _ in range(3):
            handle.first.press("ArrowRight")
        if readout.inner_text() == before:  # already at its maximum
            for _ in range(3):
                handle.first.press("ArrowLeft")
        expect(readout).not_to_have_text(before)
        return
    select = control.locator("select")
    if select.count():  # a dropdown
        count = select.locator("option").count()
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=(current + 1) % count)
        return
    buttons = control.locator("button:not(.mod-active)")
    if buttons.count():  # toggle buttons
        buttons.first.click()
        return
    choice = control.locator("input[type=radio]:not(:checked), input[type=checkbox]")
    if choice.count():  # radio buttons or a checkbox
        choice.first.click()
        return
    number = control.locator("input[type=number], input[type=text]")
    if number.count():  # a number box
        value = float(number.first.input_value() or 0)
        number.first.fill(f"{value + 1:g}")
        number.first.press("Enter")
        return
    pytest.fail(f"do not know how to move this control: {control.evaluate('e => e.outerHTML')}")


def charts(page: Page) -> str:
    return "\n".join(page.locator(CHARTS).evaluate_all("svgs => svgs.map(s => s.outerHTML)"))


def sideways(page: Page) -> dict:
    """Widths that show sideways scrolling: of the page, and of Voilà's scrolling column."""
    return page.evaluate(
        """() => {
            const cells = document.getElementById('rendered_cells');
            return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                    sim: document.querySelector('.isoko-sim').getBoundingClientRect().right,
                    cells: cells ? cells.scrollWidth - cells.clientWidth : 0};
        }"""
    )


def assert_fits(page: Page) -> None:
    widths = sideways(page)
    assert widths["scroll"] <= widths["inner"] + 1, widths
    assert widths["sim"] <= widths["inner"] + 1, widths
    assert widths["cells"] <= 1, widths
