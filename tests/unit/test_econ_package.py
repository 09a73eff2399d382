"""The econ package as a whole: no widgets, no state kept between calls, and each default
figure defined once."""

import copy
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import numpy as np

import isoko.econ
from isoko.econ import duties, freight, fx, newsvendor, normal, stock
from isoko.sims import catalog

MODULES = sorted(m.name for m in pkgutil.iter_modules(isoko.econ.__path__, "isoko.econ."))


def test_every_econ_module_is_tested_here():
    assert MODULES == [
        "isoko.econ._checks",
        "isoko.econ.ab_test",
        "isoko.econ.capacity",
        "isoko.econ.cashflow",
        "isoko.econ.customers",
        "isoko.econ.duties",
        "isoko.econ.freight",
        "isoko.econ.fx",
        "isoko.econ.logistics",
        "isoko.econ.newsvendor",
        "isoko.econ.normal",
        "isoko.econ.pricing",
        "isoko.econ.stock",
    ]


def test_econ_package_does_not_import_widgets():
    source_root = Path(isoko.econ.__file__).resolve().parents[2]
    code = f"import sys, {', '.join(MODULES)}; print('ipywidgets' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(source_root)},
    )
    assert out.stdout.strip() == "False"


def _module_values():
    """Every public and private module-level value of econ that is not a module, a
    function or a class, deep-copied, by (module, name)."""
    values = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("__") or inspect.ismodule(value) or callable(value):
                continue
            if type(value).__module__ == "__future__":  # from __future__ import annotations
                continue
            if isinstance(value, MappingProxyType):  # read-only, but its values may not be
                value = dict(value)
            values[name, attr] = copy.deepcopy(value)
    return values


def _equal(a, b):
    try:
        return bool(np.all(a == b)) if isinstance(a, np.ndarray) else a == b
    except ValueError:  # a dataclass holding arrays
        return repr(a) == repr(b)


def test_running_the_models_changes_nothing_at_module_level():
    before = _module_values()
    # The call that used to leave something behind (the stock simulation kept its
    # random draws), then every simulator, which calls every model.
    for seed in (1, 2, 3):
        stock.simulate_stock(40, 100, 10, 4, paths=200, days=30, seed=seed)
    for entry in catalog():
        assert entry.factory().result is not None
    after = _module_values()
    assert before.keys() == after.keys()
    changed = [key for key in before if not _equal(before[key], after[key])]
    assert not changed


def test_no_econ_module_keeps_a_mutable_container():
    """Module-level dicts, lists and sets are where state hides; constants are tuples,
    frozen dataclasses or read-only mappings."""
    found = [
        f"{name}.{attr}"
        for name in MODULES
        for attr, value in vars(importlib.import_module(name)).items()
        if not attr.startswith("__") and isinstance(value, dict | list | set)
    ]
    assert not found


def test_exchange_rates_and_freight_assumptions_are_defined_once():
    """The model's defaults are the constants of fx and freight, so changing a rate in
    one place changes it everywhere."""
    compare = inspect.signature(freight.compare_modes).parameters
    assert compare["rwf_per_usd"].default is fx.RWF_PER_USD_MID_2026
    assert compare["rwf_per_cny"].default is fx.RWF_PER_CNY_SEP_2025
    assert compare["insurance_rate"].default is freight.INSURANCE_RATE
    assert compare["annual_cost_of_capital"].default is freight.ANNUAL_COST_OF_CAPITAL
    assert (fx.RWF_PER_USD_MID_2026, fx.RWF_PER_CNY_SEP_2025) == (1461.0, 203.0)


def test_notebooks_saved_before_the_split_still_run():
    """A learner's saved copy of a logistics lesson keeps its old import; the names it
    used are the models of the modules by job, not copies of them."""
    namespace = {}
    exec(  # the cells of lessons 01, 02 and 05 as they were before the split
        "from isoko.econ import logistics\n"
        "check = logistics.landed_cost(2_500, 1_500, insurance_rate=0.003, vat_rate=0.13)\n"
        "weight = logistics.chargeable_weight_kg(10, 35, 25, 22)\n"
        "at = logistics.reorder_point(20, 8, 4, 0.95)\n",
        namespace,
    )
    assert namespace["check"] == duties.landed_cost(
        2_500, 1_500, insurance_rate=0.003, vat_rate=0.13
    )
    assert namespace["weight"] == 10  # 35 x 25 x 22 / 6,000 = 3.2 kg < 10 kg
    assert namespace["at"] == stock.reorder_point(20, 8, 4, 0.95)
    logistics = namespace["logistics"]
    for name in logistics.__all__:
        model = getattr(logistics, name)
        homes = [m for m in (normal, freight, duties, stock, newsvendor) if name in m.__all__]
        assert len(homes) == 1 and getattr(homes[0], name) is model, name
