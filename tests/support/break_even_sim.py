"""Break-even: how many packs a month pay for my fixed costs? (The contributor guide's
example of a complete simulator: its inputs, its call into econ, its view.)"""

from html import escape

from isoko.econ import fx, pricing
from isoko.sims import _base, inputs
from isoko.sims.inputs import N_, Input

FIXED_COSTS_RWF = Input(
    "fixed_costs_rwf",
    60_000,
    N_("Fixed costs each month (RWF)"),
    kind="int",
    low=0,
    high=1_000_000,
    step=5_000,
    unit="RWF per month",
    note=inputs.ASSUMPTION,
    main=True,
)


def model(fixed_costs_rwf, price_usd, unit_cost_rwf, commission_rate, rwf_per_usd) -> float:
    """Packs a month that cover the fixed costs (``ValueError`` if a pack loses money)."""
    price_rwf = fx.usd_to_rwf(price_usd, rwf_per_usd)
    return pricing.break_even_units(fixed_costs_rwf, price_rwf, unit_cost_rwf, commission_rate)


class BreakEvenSimulator(_base.Simulator[float], _base.HasFigure):
    inputs = (
        FIXED_COSTS_RWF,
        inputs.PRICE_USD,
        inputs.UNIT_COST_RWF,
        inputs.COMMISSION_RATE,
        inputs.RWF_PER_USD,
    )

    def _model(self, values):
        return model(**values)

    def _build_view(self):
        self._figure = self._output(self._render, "isoko-figure")
        rows = [self._row(spec.name) for spec in self.inputs]
        return _base.sim_view([_base.heading(self._("Break-even")), self._figure, *rows])

    def _render(self, packs: float) -> str:
        text = self._("Sell {packs} packs a month").format(packs=self._number(packs))
        return _base.readout_html(f"<div>{escape(text)}</div>")
