"""Layout helpers and the plumbing shared by the simulators.

Every simulator is one column that fills a phone screen (360 px) without sideways
scrolling and stops growing at ``MAX_WIDTH`` on a laptop. Each control gets its label
on its own line above it, so long labels never squeeze the slider. Sliders send
their value when released, not on every pixel of a drag, to spare slow links.

:class:`Simulator` holds what every simulator does the same way: from the declarations
of its inputs (:mod:`isoko.sims.inputs`) its constructor, checks, traits, controls and
rows; the model result for their current values, recomputed when one changes; and
numbers written in the learner's language.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from html import escape
from typing import Any, ClassVar, Generic, TypeVar

import ipywidgets as widgets
import numpy as np
import traitlets

from isoko import i18n
from isoko.i18n import numbers
from isoko.sims._svg import compact_number
from isoko.sims._traits import DeclaredInputs, ReadOnly
from isoko.sims._traits import keyword as keyword  # for simulators' extra_parameters
from isoko.sims.inputs import N_, Input

MAX_WIDTH = "720px"

ResultT = TypeVar("ResultT")
WidgetT = TypeVar("WidgetT", bound=widgets.Widget)


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
    # Children are 100% wide plus ipywidgets' own 2 px margins; hiding the overflow
    # keeps a thumb on a touch screen from nudging the box sideways.
    return widgets.VBox(
        [caption, control], layout=widgets.Layout(width="100%", margin="2px 0", overflow="hidden")
    )


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
    return numbers.money(amount, currency, "en", decimals)


# Numbers in the learner's language ------------------------------------------------------
# From Babel's locale data: English and Swahili write 14,610.5; French writes 14 610,5
# (no-break spaces between thousands, a comma as the decimal mark) and puts the currency
# after the amount.


def number_in(value: float, language: str, decimals: int = 0) -> str:
    """``14,610.5`` in English; ``14 610,5`` (no-break spaces) in French."""
    return numbers.number(value, language, decimals)


def money_in(amount: float, currency: str, language: str, decimals: int = 0) -> str:
    """``RWF 14,610`` in English (as :func:`money`); ``14 610 RWF`` in French."""
    return numbers.money(amount, currency, language, decimals)


def share_in(value: float, language: str, decimals: int = 0) -> str:
    """``2.5%`` in English; ``2,5 %`` (no-break space) in French."""
    return numbers.share(value, language, decimals)


def ungrouped_readouts(controls: dict[str, widgets.Widget], language: str) -> None:
    """Drop thousands commas from slider readouts where a comma is the decimal mark."""
    for control in controls.values():
        fmt = getattr(control, "readout_format", None)
        if isinstance(fmt, str):
            control.readout_format = numbers.readout_format(fmt, language)


def int_range_slider(
    value: tuple[int, int], low: int, high: int, step: int
) -> widgets.IntRangeSlider:
    """A full-width slider of a range of whole numbers that updates on release."""
    return widgets.IntRangeSlider(
        value=tuple(value),
        min=low,
        max=high,
        step=step,
        continuous_update=False,
        layout=full_width(),
        style={"description_width": "0px"},
    )


def dropdown(options: list[tuple[str, Any]], value: Any) -> widgets.Dropdown:
    """A full-width choice between labelled options (``(label, value)`` pairs)."""
    return widgets.Dropdown(options=options, value=value, layout=full_width())


def sources_note(label: str, text: str) -> widgets.HTML:
    """The small grey "Sources: ..." paragraph at the foot of a simulator."""
    return widgets.HTML(
        f"<p style='color:#555;font-size:0.85em;line-height:1.3'><b>{escape(label)}</b> "
        f"{escape(text)}</p>",
        layout=full_width(),
    )


def with_decimal_mark(text: str, language: str) -> str:
    """A number written with a decimal point (``8.5``), with a comma where a comma is
    the decimal mark (``8,5``)."""
    return numbers.with_decimal_mark(text, language)


def compact_in(value: float, language: str) -> str:
    """A short tick label (``1.5k``, ``2M``) with the learner's decimal mark."""
    return with_decimal_mark(compact_number(value), language)


def main_control(control: WidgetT, css_class: str = "") -> WidgetT:
    """``control`` marked as the simulator's main control: ``isoko-main-control`` (what
    browser tests and the benchmark move) and the simulator's own ``css_class``, if any."""
    control.add_class("isoko-main-control")
    if css_class:
        control.add_class(css_class)
    return control


def readout_html(*rows: str) -> str:
    """The HTML of a simulator's readout: ``rows`` (each a ``<div>``) in one block."""
    return "<div style='line-height:1.35;margin:0.4em 0'>" + "".join(rows) + "</div>"


def error_html(message: str) -> str:
    """``message`` in red, shown instead of the readout (escaped)."""
    return f"<p style='color:#b00020'>{escape(message)}</p>"


# Ranges of line charts -------------------------------------------------------------------
# The legend of the markers shares the top line with the y-axis label: both ranges leave
# more room above the data than below.


def peak_y_range(curve: Sequence[float], now: float) -> tuple[float, float] | None:
    """The y range of a profit curve whose peak matters; ``None`` (the chart's own
    range) when the curve never rises above zero.

    It runs from zero, ``now`` (the learner's point) or the lowest point of the curve,
    whichever is lowest, but never below minus the peak: losses far below the peak are
    cut off, so that they do not flatten it.
    """
    values = np.asarray(curve, dtype=float)
    top = float(values.max())
    if top <= 0:
        return None
    bottom = min(max(float(values.min()), -top), now, 0.0)
    return (bottom - 0.04 * (top - bottom), top + 0.12 * (top - bottom))


def y_range_with_zero(values: Sequence[float]) -> tuple[float, float]:
    """The y range of ``values`` and zero (so that losses read as losses)."""
    array = np.asarray(values, dtype=float)
    low, high = min(float(array.min()), 0.0), max(float(array.max()), 0.0)
    span = (high - low) or 1.0
    return (low - 0.06 * span, high + 0.14 * span)


# The simulator itself -------------------------------------------------------------------

#: Shown instead of the readout when the model refuses the values of the controls.
CANNOT_WORK_OUT = N_("Cannot work this out: {reason}")
YOUR_TASK = N_("Your task:")


class Simulator(traitlets.HasTraits, Generic[ResultT], metaclass=DeclaredInputs):
    """What every simulator does the same way; each simulator is a subclass.

    A subclass declares ``domain`` (its gettext domain) and ``inputs`` (one
    :class:`~isoko.sims.inputs.Input` each), defines :meth:`_model` (the call into
    econ) and :meth:`_build_view` (its layout, with :meth:`_row` and :meth:`_output`).
    The rest comes from here: the keyword arguments of the constructor, the check of
    starting values, one trait per input kept in step with its widget both ways, and
    the ``result`` trait, set again after every change (``observe(handler, "result")``).

    When the model refuses the values of the controls (a ``ValueError``), the readout
    says why and the last good result and charts stay.

    ``language`` picks the labels and how numbers are written (``"en"``, ``"fr"``; a
    language without catalogues is a ``ValueError``). Left out, it is the language of
    the app's URL (``?lang=fr``, see :func:`isoko.i18n.requested_language`), else English.
    """

    #: gettext domain of the labels (``locale/<lang>/LC_MESSAGES/<domain>.po``).
    domain: ClassVar[str] = "isoko"
    #: The inputs, in the order of ``controls``.
    inputs: ClassVar[tuple[Input, ...]] = ()
    #: Constructor keywords that are not inputs (see :meth:`_from_extra`).
    extra_parameters: ClassVar[tuple[inspect.Parameter, ...]] = ()

    #: The model for the current inputs (``None`` only while the simulator is built).
    result = ReadOnly(help="the model for the current inputs")

    #: The readout; messages about impossible values are shown in it.
    _figure: widgets.HTML

    def __init__(self, *, language: str | None = None, **keywords: Any) -> None:
        super().__init__()
        # Without ``language=``, an app follows its URL (``?lang=fr``), English elsewhere.
        language = i18n.requested_language() if language is None else language
        self._ = i18n.translator(self.domain, language)
        self.language = language
        self._outputs: list[tuple[widgets.HTML, Callable[[ResultT], str]]] = []
        for name, value in self._starting_values(keywords).items():
            setattr(self, name, value)
        self._controls: dict[str, widgets.ValueWidget] = {
            spec.name: self._control(spec) for spec in self.inputs
        }
        self._links = [
            traitlets.link((self, name), (c, "value")) for name, c in self._controls.items()
        ]
        self.view = self._build_view()
        ungrouped_readouts(self._controls, self.language)
        self._update()
        self.observe(self._on_change, names=list(self._controls))

    @classmethod
    def messages(cls) -> set[str]:
        """The message ids the base shows for this simulator: labels, notes and option
        labels of its inputs, and the message of the base."""
        found = {CANNOT_WORK_OUT, YOUR_TASK}
        for spec in cls.inputs:
            found |= {spec.label, *(label for label, _value in spec.options)}
            found |= {spec.note} if spec.note else set()
        return found

    def with_task(self, sim_id: str) -> Simulator:
        """Show the catalog's task of ``sim_id`` under the view's title; returns self.

        The app notebooks call it, so a learner sees what to find before the controls.
        """
        from isoko.sims.registry import find

        task = find(sim_id).task
        if task:
            line = widgets.HTML(
                f"<p class='isoko-task' style='margin:0.2em 0 0.6em;line-height:1.35'>"
                f"<b>{escape(self._(YOUR_TASK))}</b> {escape(self._(task))}</p>",
                layout=full_width(),
            )
            title, *rest = self.view.children
            self.view.children = (title, line, *rest)
        return self

    # Read-only view of the model ------------------------------------------------
    @property
    def controls(self) -> dict[str, widgets.ValueWidget]:
        """Input name -> widget (a copy of the mapping; the widgets are live)."""
        return dict(self._controls)

    # Starting values ---------------------------------------------------------------
    def _starting_values(self, keywords: dict[str, Any]) -> dict[str, Any]:
        """Input name -> starting value; ``TypeError`` on an unknown keyword and
        ``ValueError`` (the model's own message first) on an impossible value."""
        extra = {p.name: p.default for p in self.extra_parameters}
        values = {spec.name: spec.default for spec in self.inputs}
        for name, value in keywords.items():
            if name in values:
                values[name] = value
            elif name in extra:
                extra[name] = value
            else:
                raise TypeError(
                    f"{type(self).__name__}() got an unexpected keyword argument {name!r}"
                )
        values.update(self._from_extra(extra))
        self._check(values)
        for spec in self.inputs:
            refusal = spec.refusal(values[spec.name])
            if refusal:
                raise ValueError(refusal)
        return values

    def _from_extra(self, extra: dict[str, Any]) -> dict[str, Any]:
        """Inputs set by the ``extra_parameters`` (name -> value): none by default."""
        return {}

    def _check(self, inputs: dict[str, Any]) -> None:
        """Fail early, with the model's own message, on impossible starting values."""
        self._model(inputs)

    # Building --------------------------------------------------------------------
    def _build_view(self) -> widgets.Widget:
        """The simulator's column (see :func:`sim_view`)."""
        raise NotImplementedError

    def _control(self, spec: Input) -> widgets.ValueWidget:
        """The widget of ``spec`` at its current value."""
        value = getattr(self, spec.name)
        if spec.kind == "float":
            control = float_slider(value, spec.low, spec.high, spec.step, spec.readout_format)
        elif spec.kind == "int":
            control = int_slider(value, spec.low, spec.high, spec.step)
        elif spec.kind == "int range":
            control = int_range_slider(value, spec.low, spec.high, spec.step)
        else:
            control = dropdown([(self._(label), v) for label, v in spec.options], value)
        if spec.main:
            return main_control(control, spec.css_class)
        if spec.css_class:
            control.add_class(spec.css_class)
        return control

    def _row(self, name: str) -> widgets.VBox:
        """The control called ``name`` under its translated label and note."""
        spec = next(spec for spec in self.inputs if spec.name == name)
        note = self._(spec.note) if spec.note else ""
        return labelled(self._(spec.label), self._controls[name], note)

    def _output(self, render: Callable[[ResultT], str], *css_classes: str) -> widgets.HTML:
        """A full-width HTML widget showing ``render(result)``. After every change its
        value is set again, in that order: the page updates it in place."""
        widget = widgets.HTML(layout=full_width())
        for css_class in css_classes:
            widget.add_class(css_class)
        self._outputs.append((widget, render))
        return widget

    # Updating --------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> ResultT:
        """The model for ``inputs`` (input name -> value); ``ValueError`` if impossible."""
        raise NotImplementedError

    def _inputs(self) -> dict[str, Any]:
        return {spec.name: getattr(self, spec.name) for spec in self.inputs}

    def _on_change(self, _change: Any) -> None:
        self._update()

    def _update(self) -> None:
        try:
            result = self._model(self._inputs())
        except ValueError as error:
            self._figure.value = error_html(self._(CANNOT_WORK_OUT).format(reason=error))
            return
        # Observers of ``result`` hear of it once the outputs show it.
        with self.hold_trait_notifications():
            self.set_trait("result", result)
            for widget, render in self._outputs:
                widget.value = render(result)

    # Numbers in the learner's language (14,610 in English, 14 610 in French) ----------
    def _number(self, value: float, decimals: int = 0) -> str:
        return number_in(float(value), self.language, decimals)

    def _money(self, amount: float, currency: str = "RWF", decimals: int = 0) -> str:
        return money_in(float(amount), currency, self.language, decimals)

    def _share(self, value: float, decimals: int = 0) -> str:
        return share_in(float(value), self.language, decimals)

    def _days(self, days: float) -> str:
        """A number of days: whole, or with one decimal (``5.5``)."""
        return self._number(days, 0 if float(days).is_integer() else 1)

    def _compact(self, value: float) -> str:
        return compact_in(value, self.language)


class HasFigure:
    """``figure`` and ``figure_html``, for a simulator whose readout is ``isoko-figure``."""

    _figure: widgets.HTML

    @property
    def figure(self) -> widgets.HTML:
        """The readout widget (CSS class ``isoko-figure``)."""
        return self._figure

    @property
    def figure_html(self) -> str:
        """The HTML currently shown in the readout."""
        return self._figure.value


class HasChart:
    """``chart`` and ``chart_svg``, for a simulator with a main chart (``isoko-chart``)."""

    _chart: widgets.HTML

    @property
    def chart(self) -> widgets.HTML:
        """The (main) chart widget (CSS class ``isoko-chart``); its value is the SVG."""
        return self._chart

    @property
    def chart_svg(self) -> str:
        """The SVG currently shown in the chart."""
        return self._chart.value
