"""Traits made from input declarations, for the simulator base class.

A simulator's state is traits, as in ipywidgets and bqplot: one per declared input,
typed and bounded by its range, and a read-only ``result``. Both can be observed, so a
change is testable without a browser.
"""

from __future__ import annotations

import inspect
from typing import Any

import traitlets

from isoko.sims.inputs import Input

__all__ = ["DeclaredInputs", "ReadOnly", "ReadOnlyError", "input_trait", "keyword"]

_ANNOTATIONS = {"float": "float", "int": "int", "int range": "tuple[int, int]", "choice": "Any"}


def input_trait(spec: Input) -> traitlets.TraitType:
    """The trait that holds ``spec``'s value: typed, and bounded by its range."""
    if spec.kind == "float":
        return traitlets.Float(spec.default, min=spec.low, max=spec.high, help=spec.label)
    if spec.kind == "int":
        return traitlets.CInt(spec.default, min=spec.low, max=spec.high, help=spec.label)
    if spec.kind == "int range":
        return traitlets.Tuple(
            traitlets.CInt(), traitlets.CInt(), default_value=tuple(spec.default), help=spec.label
        )
    return traitlets.Enum(spec.values, default_value=spec.default, help=spec.label)


def keyword(name: str, default: Any, annotation: str) -> inspect.Parameter:
    """A constructor keyword that is not an input (see ``Simulator.extra_parameters``)."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


class ReadOnlyError(traitlets.TraitError, AttributeError):
    """Raised on writing a read-only trait (an ``AttributeError``, as for a property)."""


class ReadOnly(traitlets.Any):
    """A trait that only its owner sets (with ``set_trait``); it can be observed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(None, allow_none=True, read_only=True, **kwargs)

    def __set__(self, obj: Any, value: Any) -> None:
        raise ReadOnlyError(f"{self.name} is read-only")


class DeclaredInputs(traitlets.MetaHasTraits):
    """Gives a simulator class one trait per input it declares, and the signature of
    its constructor (the inputs with their defaults, then ``extra_parameters`` and
    ``language``), so that ``help()`` and editors show them."""

    def __new__(mcls, name: str, bases: tuple[type, ...], classdict: dict[str, Any], **kwds: Any):
        for spec in classdict.get("inputs", ()):
            # An input may not hide a method or property: its trait would silently win.
            hidden = classdict.get(
                spec.name,
                next((getattr(b, spec.name) for b in bases if hasattr(b, spec.name)), None),
            )
            if hidden is not None and not isinstance(hidden, traitlets.TraitType):
                raise TypeError(f"{name}: input {spec.name!r} would hide {hidden!r}")
            classdict[spec.name] = input_trait(spec)
        return super().__new__(mcls, name, bases, classdict, **kwds)

    def __init__(cls, name: str, bases: tuple[type, ...], classdict: dict[str, Any], **kwds: Any):
        super().__init__(name, bases, classdict, **kwds)
        keyword = inspect.Parameter.KEYWORD_ONLY
        parameters = [
            inspect.Parameter(s.name, keyword, default=s.default, annotation=_ANNOTATIONS[s.kind])
            for s in cls.inputs
        ]
        parameters += [*cls.extra_parameters]
        parameters.append(
            inspect.Parameter("language", keyword, default=None, annotation="str | None")
        )
        cls.__signature__ = inspect.Signature(parameters)
