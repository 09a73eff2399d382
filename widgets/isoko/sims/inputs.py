"""A simulator's inputs, each declared once, and the inputs several simulators share.

An :class:`Input` says everything about one input: its name (the keyword of the
simulator and of its ``model()``), default, range, step, kind, unit, readout format,
label, note and source. From a simulator's list of inputs :class:`isoko.sims._base.Simulator`
builds its constructor, the check of starting values, one trait per input, the widget
of each input and its labelled row.

Labels, notes and option labels are English message ids, marked for extraction with
:func:`N_` and translated when a view is built. A shared input is declared here once;
a simulator that needs another default, range or label takes a copy with
:meth:`Input.but`, which keeps the rest (and its translated label) as it is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from isoko.econ import fx
from isoko.i18n import N_ as N_  # re-exported: simulators mark their labels with it

Kind = Literal["float", "int", "int range", "choice"]


#: The grey note after the label of an input whose default is an illustrative assumption.
ASSUMPTION = N_("assumption")


@dataclass(frozen=True)
class Input:
    """One input of a simulator.

    ``low`` and ``high`` bound the slider and the starting value (for ``"int range"``
    both ends of the range); ``options`` are ``(label, value)`` pairs of a ``"choice"``.
    ``main`` marks the simulator's main control (``isoko-main-control``, what browser
    tests move), with ``css_class`` as its own class. ``unit`` is a short word for
    readers of the code (``"RWF"``, ``"USD"``, ``"share"``, ``"packs"``, ...).
    """

    name: str
    default: Any
    label: str
    kind: Kind = "float"
    low: float | None = None
    high: float | None = None
    step: float = 1
    unit: str = ""
    readout_format: str = ""
    note: str = ""
    options: tuple[tuple[str, Any], ...] = ()
    main: bool = False
    css_class: str = ""
    source: str = ""

    def but(self, **changes: Any) -> Input:
        """This input with ``changes`` (for example ``default=0.10``); the rest as is."""
        return dataclasses.replace(self, **changes)

    @property
    def values(self) -> tuple[Any, ...]:
        """The values a ``"choice"`` allows."""
        return tuple(value for _label, value in self.options)

    def refusal(self, value: Any) -> str | None:
        """Why ``value`` cannot start this input (outside its range, not an option), or
        ``None`` when it can."""
        if self.kind == "choice":
            if value in self.values:
                return None
            return f"{self.name} must be one of {list(self.values)}, not {value!r}"
        ends = tuple(value) if self.kind == "int range" else (value,)
        if all(self.low <= end <= self.high for end in ends):
            return None
        return f"{self.name} must be between {self.low:g} and {self.high:g}, not {value!r}"


# Inputs several simulators share ------------------------------------------------------
#: Tmall Global commission "generally 2-5%" (agency source, uncertain): the upper end.
COMMISSION_RATE = Input(
    "commission_rate",
    0.05,
    N_("Marketplace commission (share of the price)"),
    low=0.0,
    high=0.30,
    step=0.005,
    unit="share",
    readout_format=".1%",
    source="Tmall Global commission generally 2-5% (agency source, uncertain; 2026).",
)
#: Tmall Global: plus 1% to Alipay.
PAYMENT_FEE_RATE = Input(
    "payment_fee_rate",
    0.01,
    N_("Payment fee (share of the price)"),
    low=0.0,
    high=0.05,
    step=0.001,
    unit="share",
    readout_format=".1%",
    source="Tmall Global: 1% to Alipay (agency source, uncertain; 2026).",
)
#: About 1,461 RWF per USD in mid-2026.
RWF_PER_USD = Input(
    "rwf_per_usd",
    fx.RWF_PER_USD_MID_2026,
    N_("Exchange rate (RWF per USD)"),
    low=1_000.0,
    high=2_000.0,
    step=1.0,
    unit="RWF per USD",
    readout_format=",.0f",
    source="BNR reference rate 1,456.83 on 2025-12-08 (via Stears): about 1,461 mid-2026.",
)
#: About RWF 203 per CNY (Sep 2025).
RWF_PER_CNY = Input(
    "rwf_per_cny",
    fx.RWF_PER_CNY_SEP_2025,
    N_("Exchange rate (RWF per CNY)"),
    low=100.0,
    high=300.0,
    step=0.5,
    unit="RWF per CNY",
    readout_format=".1f",
    source="About RWF 203 per CNY in September 2025.",
)
#: Assumption: a 500 g pack of coffee sold abroad costs about RWF 10,000 delivered (the
#: pricing course, lesson 2: 0.6 kg of green coffee at the export price, roasting, bag,
#: air freight and delivery).
UNIT_COST_RWF = Input(
    "unit_cost_rwf",
    10_000,
    N_("Cost of one pack, delivered (RWF)"),
    kind="int",
    low=500,
    high=30_000,
    step=100,
    unit="RWF per pack",
    note=ASSUMPTION,
)
#: Assumption: the value of one order (the simulators that use it pick their own).
ORDER_VALUE_RWF = Input(
    "order_value_rwf",
    8_000,
    N_("Value of one order (RWF)"),
    kind="int",
    low=500,
    high=100_000,
    step=500,
    unit="RWF per order",
    note=ASSUMPTION,
)


# Figures several simulators start from ------------------------------------------------
#: Assumption (logistics lesson 1): Aline's shop price for a bottle of chili oil on the
#: cross-border channel, CNY.
ALINE_BOTTLE_PRICE_CNY = 39.0
