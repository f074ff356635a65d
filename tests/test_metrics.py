import numpy as np
import pytest

from course_utils import metrics


def test_frechet_of_a_set_with_itself_is_zero():
    x = np.random.default_rng(0).normal(size=(500, 8))
    assert metrics.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-8)


def test_frechet_of_a_shifted_copy_is_the_squared_shift():
    x = np.random.default_rng(1).normal(size=(400, 5)) @ np.diag([1, 2, 3, 0.5, 1])
    shift = np.array([1.0, -2.0, 0.5, 0.0, 3.0])
    assert metrics.frechet_distance(x, x + shift) == pytest.approx(np.sum(shift ** 2), rel=1e-8)


def test_frechet_gaussians_matches_the_closed_forms():
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2
    assert metrics.frechet_distance_gaussians([0.0], [[4.0]], [1.0], [[1.0]]) == pytest.approx(1 + 1)
    # commuting (diagonal) covariances: |mu1 - mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 4.0, 1.0])
    expected = 3.0 + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    assert metrics.frechet_distance_gaussians(np.zeros(3), np.diag(a), np.ones(3), np.diag(b)) == pytest.approx(expected)


def test_frechet_non_commuting_covariances_against_a_direct_formula():
    rng = np.random.default_rng(2)
    m1, m2 = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    c1, c2 = m1 @ m1.T + np.eye(4), m2 @ m2.T + np.eye(4)
    # tr((C1 C2)^{1/2}) = sum of square roots of the eigenvalues of C1 C2 (real, positive)
    cross = np.sum(np.sqrt(np.linalg.eigvals(c1 @ c2).real))
    expected = np.trace(c1) + np.trace(c2) - 2 * cross
    assert metrics.frechet_distance_gaussians(np.zeros(4), c1, np.zeros(4), c2) == pytest.approx(expected, rel=1e-8)


def test_frechet_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        metrics.frechet_distance(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="feature sizes differ"):
        metrics.frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="at least 2"):
        metrics.frechet_distance(np.zeros((1, 2)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="NaN"):
        metrics.frechet_distance(np.full((3, 2), np.nan), np.zeros((3, 2)))


def test_class_coverage_known_cases():
    even = np.eye(10)[np.arange(100) % 10]
    report = metrics.class_coverage(even)
    assert report["covered"] == 10 and report["confidence"] == 1.0 and report["entropy_ratio"] == pytest.approx(1.0)
    collapsed = np.eye(10)[np.zeros(100, int)]
    report = metrics.class_coverage(collapsed)
    assert report["covered"] == 1 and report["entropy_ratio"] == pytest.approx(0.0)
    unsure = np.full((50, 10), 0.1)
    assert metrics.class_coverage(unsure)["confidence"] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="softmax"):
        metrics.class_coverage(np.full((5, 10), 1.0))
    with pytest.raises(ValueError, match=r"\(N, 10\)"):
        metrics.class_coverage(np.full((5, 3), 1 / 3))
