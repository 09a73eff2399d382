"""isoko.econ.ab_test against hand-worked hypergeometric sums."""

import doctest
from math import comb

import pytest

from isoko.econ import ab_test
from isoko.econ.ab_test import fisher_exact_p, hypergeometric_pmf


def test_pmf_matches_the_hand_worked_table():
    # 8 visitors, 4 orders, 4 visitors saw B: C(4,k) * C(4,4-k) / C(8,4), C(8,4) = 70.
    by_hand = {0: 1 / 70, 1: 16 / 70, 2: 36 / 70, 3: 16 / 70, 4: 1 / 70}
    for k, expected in by_hand.items():
        assert hypergeometric_pmf(k, 8, 4, 4) == pytest.approx(expected)
    assert hypergeometric_pmf(5, 8, 4, 4) == 0.0
    assert sum(hypergeometric_pmf(k, 780, 15, 380) for k in range(16)) == pytest.approx(1)


def test_one_sided_p_of_a_small_table_by_hand():
    # A: 1 order of 4, B: 3 of 4. P(B gets 3 or 4) = (16 + 1) / 70.
    assert fisher_exact_p(1, 4, 3, 4) == pytest.approx(17 / 70)
    # Fisher's tea-tasting table: all 4 on B's side, 1 way in 70.
    assert fisher_exact_p(0, 4, 4, 4) == pytest.approx(1 / 70)


def test_two_sided_adds_the_equally_unlikely_splits_on_both_sides():
    # Splits as unlikely as 3 (16/70): 0, 1, 3, 4 -> (1 + 16 + 16 + 1) / 70.
    assert fisher_exact_p(1, 4, 3, 4, alternative="two-sided") == pytest.approx(34 / 70)
    assert fisher_exact_p(2, 4, 2, 4, alternative="two-sided") == pytest.approx(1)


def test_lesson_two_listing_is_about_one_in_21_not_one_in_500():
    p = fisher_exact_p(4, 400, 11, 380)
    by_hand = sum(comb(15, k) * comb(765, 380 - k) / comb(780, 380) for k in range(11, 16))
    assert p == pytest.approx(by_hand)
    assert round(1 / p) == 21
    # Treating the old rate (1%) as exact gives a far smaller chance: the mistake.
    as_exact = sum(comb(380, k) * 0.01**k * 0.99 ** (380 - k) for k in range(11, 381))
    assert as_exact < 1 / 400 < p


def test_a_better_b_gives_a_smaller_p():
    assert fisher_exact_p(4, 400, 20, 380) < fisher_exact_p(4, 400, 11, 380)
    assert fisher_exact_p(4, 400, 4, 400) > 0.5


@pytest.mark.parametrize(
    "args",
    [(5, 4, 1, 4), (1, 4, 5, 4), (-1, 4, 1, 4), (1.5, 4, 1, 4), (0, 0, 0, 0)],
)
def test_impossible_counts_are_refused(args):
    with pytest.raises(ValueError):
        fisher_exact_p(*args)


def test_unknown_alternative_is_refused():
    with pytest.raises(ValueError, match="alternative"):
        fisher_exact_p(1, 4, 3, 4, alternative="less")


def test_doctests_pass():
    assert doctest.testmod(ab_test).failed == 0


def test_conversion_range_with_no_orders_is_the_closed_form():
    # p = 0: centre = half = (z**2 / 2n) / (1 + z**2 / n), so the top is z**2 / (n + z**2).
    low, high = ab_test.conversion_range(0, 10)
    assert low == 0.0
    assert high == pytest.approx(1.96**2 / (10 + 1.96**2))


def test_conversion_range_of_half_is_symmetric_and_hand_worked():
    # 50 of 100, z = 2: centre 0.5, half = 2 / 1.04 * sqrt(0.0025 + 0.0001) = 0.0980...
    low, high = ab_test.conversion_range(50, 100, z=2)
    half = 2 / 1.04 * (0.0026**0.5)
    assert (low, high) == (pytest.approx(0.5 - half), pytest.approx(0.5 + half))


def test_lesson_two_ranges_overlap():
    old_low, old_high = ab_test.conversion_range(4, 400)
    new_low, new_high = ab_test.conversion_range(11, 380)
    assert old_low < 0.01 < old_high and new_low < 11 / 380 < new_high
    assert new_low < old_high  # neither rate is known exactly: the ranges overlap
    assert round(old_high, 3) == 0.025 and round(new_low, 3) == 0.016


@pytest.mark.parametrize("args", [(5, 4), (1, 0), (-1, 10)])
def test_conversion_range_refuses_impossible_counts(args):
    with pytest.raises(ValueError):
        ab_test.conversion_range(*args)
