"""What every simulator showed before the package was reshaped, and a check against it.

The reshaping (inputs declared as data, econ split by job, translations by Babel) must
not change a single number. ``python -m support.sims_before`` (from ``tests/``) records,
for each simulator of the catalog, on a grid of inputs (the defaults, then each control
moved alone to its lowest, middle and highest value or to each of its options):

- the model's result, every number of it (rounded to 12 significant digits);
- a digest of every piece of HTML the view shows, in English and in French.

Regenerate only from a commit whose simulators are known to be right.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from isoko.sims import catalog

RECORD = Path(__file__).resolve().parents[1] / "fixtures" / "sims" / "before_reshape.json"


def plain(value: Any) -> Any:
    """``value`` as JSON: dataclasses as dicts, arrays as lists, floats to 12 digits."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return float(f"{value:.12g}")
    return repr(value)


def shown_html(view: widgets.Widget) -> list[str]:
    """Every HTML value in the view, in the order it appears."""
    found: list[str] = []

    def walk(widget: widgets.Widget) -> None:
        if isinstance(widget, widgets.HTML):
            found.append(widget.value)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(view)
    return found


def same_spaces(html: str) -> str:
    """French thousands may be written with a no-break or a narrow no-break space."""
    return html.replace("\u202f", "\u00a0")


def digest(html: str) -> str:
    return hashlib.sha256(same_spaces(html).encode()).hexdigest()[:16]


def moves(control: widgets.Widget) -> Iterator[tuple[str, Any]]:
    """The values a control is moved to: its ends and middle, or each option."""
    if isinstance(control, widgets.Dropdown):
        for label, value in control.options:
            yield f"option {label}", value
        return
    low, high = control.min, control.max
    if isinstance(control, widgets.IntRangeSlider):
        middle = (low + high) // 2
        yield from (("low", (low, low)), ("wide", (low, high)), ("middle", (middle, middle)))
        return
    middle = (low + high) / 2
    if isinstance(control, widgets.IntSlider):
        middle = int(middle)
    yield from (("lowest", low), ("middle", middle), ("highest", high))


def snapshot(sim: Any) -> dict[str, Any]:
    """The numbers (once, from the English view) and what the view shows."""
    html = [digest(h) for h in shown_html(sim.view)]
    return {"result": plain(sim.result), "html": html} if sim.language == "en" else {"html": html}


def cases(sim_id: str, language: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(case name, snapshot) for ``sim_id`` in ``language`` over the grid."""
    entry = next(e for e in catalog() if e.id == sim_id)
    yield "defaults", snapshot(entry.factory(language=language))
    names = list(entry.factory().controls)
    for name in names:
        sim = entry.factory(language=language)
        for label, value in moves(sim.controls[name]):
            sim = entry.factory(language=language)
            sim.controls[name].value = value
            yield f"{name} {label}", snapshot(sim)


def record() -> dict[str, Any]:
    return {
        entry.id: {language: dict(cases(entry.id, language)) for language in ("en", "fr")}
        for entry in catalog()
    }


if __name__ == "__main__":
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(record(), indent=0, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"recorded {RECORD}")
