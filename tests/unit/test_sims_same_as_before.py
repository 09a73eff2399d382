"""Reshaping the package changed no simulator's numbers and no word or chart it shows.

The record was taken from the simulators before their inputs became declarations and
before econ was split (see ``support.sims_before``). Each case moves one control.
"""

from __future__ import annotations

import json
import math

import pytest

from isoko.sims import catalog
from support.sims_before import RECORD, cases

BEFORE = json.loads(RECORD.read_text())


def differences(before, now, where="result"):
    """Where ``now`` differs from ``before`` beyond floating-point noise (1e-9 relative)."""
    if isinstance(before, dict) and isinstance(now, dict):
        if before.keys() != now.keys():
            return [f"{where}: fields {sorted(before)} became {sorted(now)}"]
        return [d for k in before for d in differences(before[k], now[k], f"{where}.{k}")]
    if isinstance(before, list) and isinstance(now, list):
        if len(before) != len(now):
            return [f"{where}: {len(before)} values became {len(now)}"]
        found = []
        for i, (b, n) in enumerate(zip(before, now, strict=True)):
            found += differences(b, n, f"{where}[{i}]")
            if len(found) > 3:
                break
        return found
    if isinstance(before, float) and isinstance(now, (int, float)) and not isinstance(now, bool):
        if math.isclose(before, now, rel_tol=1e-9, abs_tol=1e-9):
            return []
    elif before == now:
        return []
    return [f"{where}: {before!r} became {now!r}"]


def test_every_simulator_of_the_record_is_still_in_the_catalog():
    # Simulators added after the record (season-pricing) have their own tests.
    assert set(BEFORE) <= {entry.id for entry in catalog()}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("sim_id", sorted(BEFORE))
def test_the_same_numbers_and_the_same_view_on_a_grid_of_inputs(sim_id, language):
    before = BEFORE[sim_id][language]
    now = dict(cases(sim_id, language))
    assert sorted(now) == sorted(before), "the controls of the simulator changed"
    problems = []
    for case, shown in before.items():
        if "result" in shown:
            problems += [f"{case}: {d}" for d in differences(shown["result"], now[case]["result"])]
        if shown["html"] != now[case]["html"]:
            pairs = zip(shown["html"], now[case]["html"], strict=False)
            changed = [i for i, (b, n) in enumerate(pairs) if b != n] or "count"
            problems.append(f"{case}: the view's HTML pieces {changed} changed")
    assert not problems, "\n".join(problems[:20])
