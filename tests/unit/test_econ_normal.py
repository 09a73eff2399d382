"""isoko.econ.normal: the standard normal distribution against known values,
statistics.NormalDist and the values of the hand-written formula it replaced."""

import doctest
import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isoko.econ import normal
from isoko.econ.normal import (
    normal_cdf,
    normal_loss,
    normal_pdf,
    normal_quantile,
    normal_upper_tail,
)


def test_docstring_examples_hold():
    failed, attempted = doctest.testmod(normal)
    assert attempted >= 4
    assert failed == 0


# --- the normal distribution ------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "z"),
    [
        (0.5, 0.0),
        (0.95, 1.6448536269514722),
        (0.975, 1.959963984540054),
        (0.99, 2.3263478740408408),
        (0.999, 3.090232306167813),
        (0.05, -1.6448536269514722),
        (0.025, -1.959963984540054),
        (0.8413447460685429, 1.0),  # Phi(1)
        (1e-10, -6.361340902404056),
    ],
)
def test_normal_quantile_known_values(p, z):
    assert normal_quantile(p) == pytest.approx(z, abs=1e-9)


def test_normal_quantile_is_vectorised_and_symmetric():
    p = np.array([0.001, 0.02, 0.02425, 0.3, 0.5, 0.7, 0.97575, 0.98, 0.999])
    z = normal_quantile(p)
    assert isinstance(z, np.ndarray) and z.shape == p.shape
    np.testing.assert_allclose(z, -normal_quantile(1 - p), atol=1e-12)
    assert np.all(np.diff(z) > 0)
    assert type(normal_quantile(0.9)) is float


@settings(max_examples=300, deadline=None)
@given(st.floats(1e-12, 1 - 1e-12))
def test_normal_quantile_inverts_the_cdf(p):
    z = normal_quantile(p)
    # Phi(z) through math.erfc, from the side that keeps precision
    back = 0.5 * math.erfc(-z / math.sqrt(2)) if z < 0 else 1 - 0.5 * math.erfc(z / math.sqrt(2))
    assert back == pytest.approx(p, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("p", [0, 1, -0.1, 1.5, float("nan")])
def test_normal_quantile_refuses_impossible_probabilities(p):
    with pytest.raises(ValueError):
        normal_quantile(p)


def test_normal_pdf_cdf_and_loss_hand_worked():
    # pdf(0) = 1 / sqrt(2 pi) = 0.398942; cdf(0) = 0.5; cdf(1.959964) = 0.975
    assert normal_pdf(0) == pytest.approx(0.3989422804014327)
    assert normal_cdf(0) == 0.5
    assert normal_cdf(1.959963984540054) == pytest.approx(0.975, abs=1e-15)
    # L(0) = pdf(0) = 0.398942; L(1) = 0.241971 - 1 * 0.158655 = 0.083315
    assert normal_loss(0) == pytest.approx(0.3989422804014327)
    assert normal_loss(1.0) == pytest.approx(0.0833154705876863, rel=1e-12)
    # far below, L(z) = -z (all of Z - z); far above, nothing
    assert normal_loss(-10.0) == pytest.approx(10.0)
    assert normal_loss(10.0) == pytest.approx(0.0, abs=1e-20)


# --- the same values as before, and as statistics.NormalDist ------------------------------

#: (p, z) from the hand-written quantile this module replaced (Acklam's approximation
#: and one Halley step), printed to full precision before it was deleted.
OLD_QUANTILES = [
    (1e-10, -6.361340902404057),
    (0.001, -3.0902323061678136),
    (0.025, -1.9599639845400545),
    (0.05, -1.6448536269514729),
    (0.3, -0.5244005127080408),
    (0.5, 0.0),
    (0.8, 0.8416212335729144),
    (0.95, 1.6448536269514724),
    (0.975, 1.959963984540054),
    (0.999, 3.0902323061678136),
]
#: (x, P(Z <= x)) from the same code (the CDF went through math.erfc then as now).
OLD_CDF = [
    (-3.0, 0.0013498980316300957),
    (-1.0, 0.15865525393145707),
    (0.5, 0.6914624612740131),
    (1.0, 0.8413447460685429),
    (1.959963984540054, 0.975),
]


@pytest.mark.parametrize(("p", "old"), OLD_QUANTILES)
def test_quantile_is_normaldist_and_within_4e15_of_the_old_formula(p, old):
    assert normal_quantile(p) == NormalDist().inv_cdf(p)
    assert abs(normal_quantile(p) - old) <= 4e-15


@pytest.mark.parametrize(("x", "old"), OLD_CDF)
def test_cdf_and_pdf_are_the_old_values_and_normaldists(x, old):
    assert normal_cdf(x) == old
    assert normal_cdf(x) == pytest.approx(NormalDist().cdf(x), abs=1e-15)
    assert normal_pdf(x) == pytest.approx(NormalDist().pdf(x), rel=1e-15)


def test_arrays_give_the_values_of_each_element():
    p = np.array([[p for p, _ in OLD_QUANTILES[:5]], [p for p, _ in OLD_QUANTILES[5:]]])
    z = normal_quantile(p)
    assert isinstance(z, np.ndarray) and z.shape == (2, 5)
    assert z.tolist() == [[NormalDist().inv_cdf(v) for v in row] for row in p.tolist()]
    x = np.array([x for x, _ in OLD_CDF])
    np.testing.assert_array_equal(normal_cdf(x), [old for _, old in OLD_CDF])


def test_the_lower_tail_keeps_its_precision():
    """NormalDist.cdf on Python 3.11 rounds P(Z <= -9) to 0; the model does not."""
    assert normal_cdf(-9.0) == pytest.approx(1.1285884059538425e-19, rel=1e-12)
    assert normal_upper_tail(9.0) == normal_cdf(-9.0)
