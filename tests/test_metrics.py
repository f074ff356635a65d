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


# ---- the Fréchet distance and the sample size -------------------------------------------------------------
def test_frechet_of_two_samples_of_one_distribution_shrinks_like_one_over_n():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(4000, 4)), rng.normal(size=(4000, 4))
    curve = metrics.frechet_distance_by_size(a, b, [50, 200, 4000], repeats=5)
    assert curve["mean"].shape == (3,) and np.all(np.diff(curve["mean"]) < 0)   # the bias falls as N grows
    # the mean term alone has expectation |m_a - m_b|^2 = 2 d / N; the whole distance is of that order
    assert 0.5 * 2 * 4 / 50 < curve["mean"][0] < 4 * 2 * 4 / 50
    extrapolated = metrics.frechet_distance_extrapolated(a, b, sizes=[100, 200, 400, 1000, 4000], repeats=5)
    assert abs(extrapolated["fd_infinity"]) < 0.1 * curve["mean"][0] and extrapolated["slope"] > 0


def test_extrapolated_frechet_recovers_the_analytic_value():
    rng = np.random.default_rng(4)
    d = 32
    shift = np.zeros(d)
    shift[:4] = 1.0
    a, b = rng.normal(size=(5000, d)), rng.normal(size=(5000, d)) * 1.5 + shift
    analytic = metrics.frechet_distance_gaussians(np.zeros(d), np.eye(d), shift, 2.25 * np.eye(d))  # 4 + 32 (1.5 - 1)^2
    assert analytic == pytest.approx(12.0)
    result = metrics.frechet_distance_extrapolated(a, b, sizes=[250, 500, 1000, 2500, 5000], repeats=4)
    assert result["mean"][0] > analytic * 1.2                  # 250 samples overestimate by over 20 % in 32 dimensions
    assert result["fd_infinity"] == pytest.approx(analytic, rel=0.03)


def test_frechet_by_size_bad_input():
    x = np.zeros((10, 2)) + np.arange(10)[:, None]
    with pytest.raises(ValueError, match="exceeds"):
        metrics.frechet_distance_by_size(x, x, [20])
    with pytest.raises(ValueError, match="sizes"):
        metrics.frechet_distance_by_size(x, x, [1, 5])
    with pytest.raises(ValueError, match="repeats"):
        metrics.frechet_distance_by_size(x, x, [5], repeats=0)


# ---- precision and recall ---------------------------------------------------------------------------------
def two_modes(n, rng, which=(0, 1)):
    centres = np.array([[-5.0, 0.0], [5.0, 0.0]])
    return centres[rng.choice(which, n)] + rng.normal(size=(n, 2))


def test_precision_recall_of_identical_and_of_fresh_samples():
    rng = np.random.default_rng(5)
    real = two_modes(1000, rng)
    assert metrics.precision_recall(real, real) == {"precision": 1.0, "recall": 1.0, "k": 3}
    fresh = metrics.precision_recall(real, two_modes(1000, rng))
    assert fresh["precision"] > 0.9 and fresh["recall"] > 0.9


def test_precision_recall_of_a_collapsed_generator():
    rng = np.random.default_rng(6)
    real = two_modes(2000, rng)
    one_mode = two_modes(1000, rng, which=(1,))               # every sample realistic, half the data missed
    result = metrics.precision_recall(real, one_mode)
    assert result["precision"] > 0.9
    assert result["recall"] == pytest.approx(0.5, abs=0.06)


def test_precision_recall_of_a_generator_far_away():
    rng = np.random.default_rng(7)
    result = metrics.precision_recall(two_modes(500, rng), rng.normal(size=(500, 2)) + [0.0, 50.0])
    assert result["precision"] == 0.0 and result["recall"] == 0.0


def test_knn_radii_and_pairwise_distances():
    x = np.array([[0.0], [1.0], [3.0], [6.0]])
    assert metrics.knn_radii(x, k=1).tolist() == [1.0, 1.0, 2.0, 3.0]
    assert metrics.knn_radii(x, k=2).tolist() == [3.0, 2.0, 3.0, 5.0]
    a = np.random.default_rng(8).normal(size=(7, 3))
    np.testing.assert_allclose(metrics.pairwise_distances(a, a[:4], chunk=2),
                               np.linalg.norm(a[:, None] - a[None, :4], axis=2), atol=1e-7)
    with pytest.raises(ValueError, match="k must be"):
        metrics.knn_radii(x, k=4)
    with pytest.raises(ValueError, match="feature sizes differ"):
        metrics.precision_recall(np.zeros((5, 2)), np.zeros((5, 3)))


# ---- the copy check ---------------------------------------------------------------------------------------
def test_copy_check_catches_a_memorising_generator():
    rng = np.random.default_rng(9)
    train, test = rng.normal(size=(800, 20)), rng.normal(size=(300, 20))
    copies = train[rng.choice(800, 200)] + 0.01 * rng.normal(size=(200, 20))
    caught = metrics.copy_check(copies, train, test)
    assert caught["copy_share"] == 1.0 and caught["median_ratio"] < 0.05
    honest = metrics.copy_check(rng.normal(size=(300, 20)), train, test)  # new samples of the same distribution
    assert honest["copy_share"] < 0.05 and 0.8 < honest["median_ratio"] < 1.2
    assert honest["generated_to_train"].shape == (300,) and honest["test_to_train"].shape == (300,)
    reused = metrics.copy_check(copies, train, test, test_to_train=honest["test_to_train"])
    assert reused["copy_share"] == caught["copy_share"] and reused["threshold"] == caught["threshold"]
    with pytest.raises(ValueError, match="one distance per test image"):
        metrics.copy_check(copies, train, test, test_to_train=honest["test_to_train"][:10])


def test_nearest_neighbour_distances_known_case_and_errors():
    reference = np.array([[0.0, 0.0], [10.0, 0.0]])
    distances, nearest = metrics.nearest_neighbour_distances(np.array([[1.0, 0.0], [9.0, 3.0]]), reference)
    np.testing.assert_allclose(distances, [1.0, np.sqrt(10.0)])
    assert nearest.tolist() == [0, 1]
    images = np.zeros((3, 28, 28, 1))
    assert metrics.nearest_neighbour_distances(images, images)[0].tolist() == [0.0, 0.0, 0.0]  # flattened per image
    with pytest.raises(ValueError, match="same size"):
        metrics.nearest_neighbour_distances(np.zeros((2, 28, 28)), np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match="quantile"):
        metrics.copy_check(images, images, images, quantile=1.5)


# ---- conditional accuracy ---------------------------------------------------------------------------------
def test_conditional_accuracy_known_answer():
    requested = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 0, 0])
    result = metrics.conditional_accuracy(predicted, requested, n_classes=4)
    assert result["overall"] == pytest.approx(0.5)
    np.testing.assert_allclose(result["per_class"][:3], [0.5, 1.0, 0.0])
    assert np.isnan(result["per_class"][3])                                   # class 3 was never requested
    as_probabilities = np.eye(4)[predicted]
    assert metrics.conditional_accuracy(as_probabilities, requested, n_classes=4)["overall"] == pytest.approx(0.5)


def test_conditional_accuracy_bad_input():
    with pytest.raises(ValueError, match="one prediction per requested label"):
        metrics.conditional_accuracy(np.zeros(3, int), np.zeros(4, int))
    with pytest.raises(ValueError, match=r"0\.\.9"):
        metrics.conditional_accuracy(np.zeros(2, int), np.array([0, 10]))
    with pytest.raises(ValueError, match=r"\(N, 10\)"):
        metrics.conditional_accuracy(np.zeros((2, 3)), np.array([0, 1]))
