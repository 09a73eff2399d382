"""Simulators declared as data: each input declared once builds the constructor, the
check of starting values, a trait kept in step with its widget, and its labelled row."""

from __future__ import annotations

import inspect
from importlib import import_module
from pathlib import Path
from unittest.mock import Mock

import ipywidgets as widgets
import pytest

from isoko.econ import pricing as econ_pricing
from isoko.sims import _base, catalog, inputs
from isoko.sims.freight import AirOrSeaSimulator
from isoko.sims.inputs import Input
from isoko.sims.livestream import LivestreamSaleSimulator
from isoko.sims.pricing import PriceProfitSimulator
from isoko.sims.stock import StockReorderSimulator
from support import guide
from support.sims import messages_in_code, texts

SHARED = [value for value in vars(inputs).values() if isinstance(value, Input)]


def simulator_classes():
    return [type(entry.factory(language="en")) for entry in catalog()]


# --- the constructor -------------------------------------------------------------------


def test_the_signature_lists_every_input_with_its_default_then_language():
    parameters = inspect.signature(PriceProfitSimulator).parameters
    assert list(parameters) == [spec.name for spec in PriceProfitSimulator.inputs] + ["language"]
    assert parameters["price_usd"].default == 10.0
    assert parameters["commission_rate"].default == 0.05
    assert parameters["rwf_per_usd"].default == 1461.0
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())


def test_keywords_that_are_not_inputs_are_in_the_signature_too():
    assert list(inspect.signature(AirOrSeaSimulator).parameters)[-3:] == [
        "carton_cm",
        "zero_tariff",
        "language",
    ]
    assert inspect.signature(StockReorderSimulator).parameters["paths"].default == 2_000
    sim = AirOrSeaSimulator(carton_cm=(50, 40, 30), zero_tariff=False)
    assert (sim.carton_length_cm, sim.carton_width_cm, sim.carton_height_cm) == (50, 40, 30)
    assert sim.shipped_on.isoformat() == "2024-11-30"


def test_an_unknown_keyword_is_a_type_error_that_names_it():
    with pytest.raises(TypeError, match="unexpected keyword argument 'price'"):
        PriceProfitSimulator(price=12.0)


def test_a_start_outside_the_range_is_refused():
    with pytest.raises(ValueError, match="price_usd must be between 4 and 25, not 30.0"):
        PriceProfitSimulator(price_usd=30.0)
    with pytest.raises(ValueError, match="lead_time_days must be between 1 and 30"):
        StockReorderSimulator(lead_time_days=(3, 40), paths=10)


def test_the_model_s_own_message_comes_first():
    # ... also for a value outside the range, which the model refuses for its own reason
    with pytest.raises(ValueError, match="no finite best price"):
        PriceProfitSimulator(elasticity=-1.0)


# --- state as traits --------------------------------------------------------------------


def test_writing_a_trait_moves_the_widget_and_the_result():
    sim = PriceProfitSimulator()
    sim.price_usd = 12.0
    assert sim.controls["price_usd"].value == 12.0
    assert sim.result.price_usd == 12.0
    expected = econ_pricing.profit(12.0 * 1461.0, 10_000, 10.0 * 1461.0, 2_000, -2.5, 0.05, 0.01)
    assert sim.result.profit_rwf == pytest.approx(expected)
    assert "17,532" in sim.profit_html  # USD 12 at 1,461 RWF per USD


def test_moving_a_widget_changes_the_trait_and_tells_result_observers():
    sim = PriceProfitSimulator()
    heard = Mock()
    sim.observe(heard, "result")
    sim.controls["commission_rate"].value = 0.10
    assert sim.commission_rate == 0.10
    heard.assert_called_once()
    change = heard.call_args.args[0]
    assert change.name == "result" and change.new is sim.result
    assert change.new.profit_rwf < change.old.profit_rwf


def test_observers_of_the_result_see_the_readout_already_updated():
    sim = PriceProfitSimulator()
    seen = []
    sim.observe(lambda change: seen.append(sim.profit_html), "result")
    sim.price_usd = 20.0
    assert seen == [sim.profit_html] and "USD 20.00" in seen[0]


def test_a_trait_refuses_a_value_outside_its_range_and_the_result_is_read_only():
    sim = PriceProfitSimulator()
    with pytest.raises(Exception, match="price_usd"):
        sim.price_usd = 100.0
    assert sim.controls["price_usd"].value == 10.0
    with pytest.raises(AttributeError):
        sim.result = None


def test_an_input_may_not_hide_a_property():
    with pytest.raises(TypeError, match="'figure' would hide"):

        class Clash(_base.Simulator, _base.HasFigure):
            inputs = (inputs.COMMISSION_RATE.but(name="figure"),)


# --- declarations shared by simulators ------------------------------------------------


def test_a_shared_input_is_the_very_declaration_two_simulators_use():
    assert any(spec is inputs.PAYMENT_FEE_RATE for spec in PriceProfitSimulator.inputs)
    assert any(spec is inputs.PAYMENT_FEE_RATE for spec in LivestreamSaleSimulator.inputs)
    users = [cls for cls in simulator_classes() if inputs.RWF_PER_USD in cls.inputs]
    assert len(users) >= 2


def test_but_changes_only_what_it_names():
    commission = inputs.COMMISSION_RATE.but(default=0.10)
    assert commission.default == 0.10 and inputs.COMMISSION_RATE.default == 0.05
    assert (commission.label, commission.low, commission.high, commission.step) == (
        inputs.COMMISSION_RATE.label,
        0.0,
        0.30,
        0.005,
    )


def test_every_shared_input_is_used_by_two_simulators_or_more():
    for spec in SHARED:
        names = [
            cls.__name__
            for cls in simulator_classes()
            if any(mine.name == spec.name for mine in cls.inputs)
        ]
        assert len(names) >= 2, (spec.name, names)


@pytest.mark.parametrize(
    "module", ["pricing", "freight", "stock", "livestream", "storefront", "cashflow"]
)
def test_no_simulator_module_repeats_a_shared_input_s_label(module):
    code = import_module(f"isoko.sims.{module}")
    files = [Path(code.__file__), *Path(code.__file__).parent.glob(f"_{module}_view.py")]
    labels = set().union(*(messages_in_code(file) for file in files))
    assert labels.isdisjoint({spec.label for spec in SHARED} | {inputs.ASSUMPTION})
    assert labels.isdisjoint({_base.CANNOT_WORK_OUT})


# --- the widgets ------------------------------------------------------------------------


def test_widgets_follow_their_declarations():
    sim = StockReorderSimulator(paths=10)
    lead = sim.controls["lead_time_days"]
    assert isinstance(lead, widgets.IntRangeSlider) and (lead.min, lead.max) == (1, 30)
    cost = sim.controls["unit_cost_rwf"]
    assert (cost.min, cost.max, cost.step) == (500, 50_000, 1)  # the lesson's RWF 5,087
    assert "Cost of one bottle, landed in China (RWF)" in texts(sim.view)
    main = [name for name, c in sim.controls.items() if "isoko-main-control" in c._dom_classes]
    assert main == ["reorder_point"]


def test_every_simulator_has_exactly_one_main_control():
    for cls in simulator_classes():
        assert [spec.name for spec in cls.inputs if spec.main] != [], cls.__name__
        assert len([spec for spec in cls.inputs if spec.main]) == 1, cls.__name__


# --- a new simulator is one declaration of inputs, a model and a view -------------------


def test_the_guide_s_small_simulator_builds_and_follows_its_inputs():
    BreakEvenSimulator = guide.module().BreakEvenSimulator  # noqa: N806 (a class)
    assert list(inspect.signature(BreakEvenSimulator).parameters)[:2] == [
        "fixed_costs_rwf",
        "price_usd",
    ]
    sim = BreakEvenSimulator()
    before = sim.result
    sim.fixed_costs_rwf = 120_000
    assert sim.result == pytest.approx(2 * before)
    assert "isoko-main-control" in sim.controls["fixed_costs_rwf"]._dom_classes
    assert "Fixed costs each month (RWF)" in texts(sim.view)
    sim.unit_cost_rwf = 30_000  # a pack now loses money: the readout says why
    assert "Cannot work this out: each unit loses money" in sim.figure_html
    assert sim.result == pytest.approx(2 * before)
