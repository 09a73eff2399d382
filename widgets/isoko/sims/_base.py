"""Layout helpers shared by the simulators.

Every simulator is one column that fills a phone screen (360 px) without sideways
scrolling and stops growing at ``MAX_WIDTH`` on a laptop. Each control gets its label
on its own line above it, so long labels never squeeze the slider. Sliders send
their value when released, not on every pixel of a drag, to spare slow links.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

MAX_WIDTH = "720px"


def full_width() -> widgets.Layout:
    """A layout that fills its column."""
    return widgets.Layout(width="100%", max_width="100%")


def sim_view(children: list[widgets.Widget], css_class: str = "isoko-sim") -> widgets.VBox:
    """The top-level column of a simulator."""
    view = widgets.VBox(
        children, layout=widgets.Layout(width="100%", max_width=MAX_WIDTH, overflow="hidden")
    )
    view.add_class(css_class)
    return view


def heading(text: str, level: int = 3) -> widgets.HTML:
    """A section heading."""
    return widgets.HTML(f"<h{level} style='margin:0.6em 0 0.2em'>{escape(text)}</h{level}>")


def paragraph(text: str) -> widgets.HTML:
    """A short paragraph of plain text (escaped)."""
    return widgets.HTML(
        f"<p style='margin:0.2em 0;line-height:1.35'>{escape(text)}</p>", layout=full_width()
    )


def labelled(label: str, control: widgets.Widget, note: str = "") -> widgets.VBox:
    """``control`` under its label; ``note`` (for example "assumption") in grey after it."""
    extra = f" <span style='color:#666;font-size:0.85em'>({escape(note)})</span>" if note else ""
    caption = widgets.HTML(
        f"<label style='font-size:0.95em'>{escape(label)}{extra}</label>", layout=full_width()
    )
    return widgets.VBox([caption, control], layout=widgets.Layout(width="100%", margin="2px 0"))


def float_slider(
    value: float, low: float, high: float, step: float, readout_format: str
) -> widgets.FloatSlider:
    """A full-width float slider that updates on release."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        readout_format=readout_format,
        continuous_update=False,
        layout=full_width(),
        style={"description_width": "0px"},
    )


def int_slider(value: int, low: int, high: int, step: int) -> widgets.IntSlider:
    """A full-width integer slider that updates on release."""
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        readout_format=",d",
        continuous_update=False,
        layout=full_width(),
        style={"description_width": "0px"},
    )


def money(amount: float, currency: str, decimals: int = 0) -> str:
    """``RWF 14,610`` or ``USD 8.49``; a minus sign in front for negative amounts."""
    sign = "\u2212" if round(amount, decimals) < 0 else ""
    return f"{sign}{currency} {abs(amount):,.{decimals}f}"


# Numbers in the learner's language ------------------------------------------------------
# English writes 14,610.5; French writes 14 610,5 (no-break spaces between thousands,
# a comma as the decimal mark) and puts the currency after the amount.


def number_in(value: float, language: str, decimals: int = 0) -> str:
    """``14,610.5`` in English; ``14 610,5`` (no-break spaces) in French."""
    text = f"{value:,.{decimals}f}"
    if language == "en":
        return text
    return text.translate({ord(","): "\u00a0", ord("."): ","})


def money_in(amount: float, currency: str, language: str, decimals: int = 0) -> str:
    """``RWF 14,610`` in English (as :func:`money`); ``14 610 RWF`` in French."""
    if language == "en":
        return money(amount, currency, decimals)
    sign = "\u2212" if round(amount, decimals) < 0 else ""
    return f"{sign}{number_in(abs(amount), language, decimals)}\u00a0{currency}"


def share_in(value: float, language: str, decimals: int = 0) -> str:
    """``2.5%`` in English; ``2,5 %`` (no-break space) in French."""
    text = number_in(value * 100, language, decimals)
    return f"{text}%" if language == "en" else f"{text}\u00a0%"


def ungrouped_readouts(controls: dict[str, widgets.Widget], language: str) -> None:
    """Drop thousands commas from slider readouts where a comma is the decimal mark."""
    if language == "en":
        return
    for control in controls.values():
        fmt = getattr(control, "readout_format", None)
        if isinstance(fmt, str):
            control.readout_format = fmt.replace(",", "")


def dropdown(options: list[tuple[str, str]], value: str) -> widgets.Dropdown:
    """A full-width choice between labelled options (``(label, value)`` pairs)."""
    return widgets.Dropdown(options=options, value=value, layout=full_width())


def sources_note(label: str, text: str) -> widgets.HTML:
    """The small grey "Sources: ..." paragraph at the foot of a simulator."""
    return widgets.HTML(
        f"<p style='color:#555;font-size:0.85em;line-height:1.3'><b>{escape(label)}</b> "
        f"{escape(text)}</p>",
        layout=full_width(),
    )
