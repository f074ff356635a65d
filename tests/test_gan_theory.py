"""Tests for course_utils.gan_theory: values with tolerances, and every checking helper fed a wrong formula."""
import numpy as np
import pytest

from course_utils import gan_theory as gt

X = np.linspace(-12.0, 16.0, 4001)


def gauss(mean, std):
    return gt.gaussian_pdf(X, mean, std)


# ---------------------------------------------------------------------------------------------------------
# Densities and integrals
# ---------------------------------------------------------------------------------------------------------
def test_gaussian_pdf_integrates_to_one_and_has_its_moments():
    p = gauss(1.5, 0.7)
    assert gt.integrate(p, X) == pytest.approx(1.0, abs=1e-10)
    assert gt.integrate(X * p, X) == pytest.approx(1.5, abs=1e-8)
    assert gt.integrate((X - 1.5) ** 2 * p, X) == pytest.approx(0.49, abs=1e-8)


def test_integrate_is_exact_for_a_linear_function():
    x = np.linspace(0.0, 2.0, 7)
    assert gt.integrate(3 * x + 1, x) == pytest.approx(8.0, abs=1e-12)


def test_kde_recovers_a_gaussian():
    samples = np.random.default_rng(0).normal(2.0, 1.0, 5000)
    estimate = gt.kde_1d(samples, X)
    assert gt.integrate(estimate, X) == pytest.approx(1.0, abs=1e-6)
    assert np.max(np.abs(estimate - gauss(2.0, 1.0))) < 0.03  # peak 0.40; sampling + smoothing error ~0.01
    assert gt.jensen_shannon(estimate, gauss(2.0, 1.0), X) < 0.005


# ---------------------------------------------------------------------------------------------------------
# The optimal discriminator and the value function
# ---------------------------------------------------------------------------------------------------------
def test_optimal_discriminator_values():
    d = gt.optimal_discriminator(np.array([1.0, 0.0, 3.0, 0.0]), np.array([1.0, 2.0, 1.0, 0.0]))
    np.testing.assert_allclose(d, [0.5, 0.0, 0.75, 0.5])


def test_optimal_discriminator_beats_every_other_discriminator():
    # a grid where D* never rounds to exactly 0 or 1 (far out, 1 - D* = 1e-25 is 0 in floating point)
    x = np.linspace(-4.0, 5.0, 2001)
    p_data, p_g = gt.gaussian_pdf(x, 0, 1), gt.gaussian_pdf(x, 1.5, 0.8)
    best = gt.value_function(gt.optimal_discriminator(p_data, p_g), p_data, p_g, x)
    assert best == pytest.approx(gt.generator_cost_at_optimum(p_data, p_g, x), abs=1e-9)
    rng = np.random.default_rng(0)
    for _ in range(20):
        other = np.clip(gt.optimal_discriminator(p_data, p_g) + rng.normal(0, 0.05, x.shape), 1e-6, 1 - 1e-6)
        assert gt.value_function(other, p_data, p_g, x) < best
    half = gt.value_function(np.full_like(x, 0.5), p_data, p_g, x)
    assert half == pytest.approx(-np.log(2) * (gt.integrate(p_data, x) + gt.integrate(p_g, x)), abs=1e-9)


def test_value_function_from_logits_matches_probabilities_and_stays_finite():
    p_data, p_g = gauss(0, 1), gauss(2, 1)
    logits = np.log(p_data) - np.log(p_g)  # the optimal discriminator's logit: log p_data / p_g = 2 - 2x
    from_logits = gt.value_function(logits, p_data, p_g, X, from_logits=True)
    assert from_logits == pytest.approx(gt.generator_cost_at_optimum(p_data, p_g, X), abs=1e-9)
    # D = sigmoid(l) rounds to exactly 1 far left: the probability form would give -inf there
    assert np.isfinite(from_logits)


def test_value_function_accepts_a_function_of_x():
    p_data, p_g = gauss(0, 1), gauss(0, 1)
    assert gt.value_function(lambda x: np.full_like(x, 0.5), p_data, p_g, X) == pytest.approx(-gt.LOG_4, abs=1e-9)


def test_value_function_is_minus_infinity_for_a_certain_wrong_discriminator():
    p_data, p_g = gauss(0, 1), gauss(1, 1)
    assert gt.value_function(np.zeros_like(X), p_data, p_g, X) == float("-inf")


def test_value_estimate_matches_the_definition():
    real, fake = np.array([0.0, 2.0, -1.0]), np.array([1.0, -3.0])
    sig = lambda l: 1 / (1 + np.exp(-l))  # noqa: E731
    expected = np.mean(np.log(sig(real))) + np.mean(np.log(1 - sig(fake)))
    assert gt.value_estimate(real, fake) == pytest.approx(expected, rel=1e-12)
    assert gt.value_estimate([0.0], [0.0]) == pytest.approx(-gt.LOG_4, rel=1e-12)
    assert np.isfinite(gt.value_estimate([-800.0], [800.0]))  # stable for huge logits


# ---------------------------------------------------------------------------------------------------------
# Divergences and C(G)
# ---------------------------------------------------------------------------------------------------------
def test_kl_between_gaussians_matches_the_closed_form():
    m1, s1, m2, s2 = 0.0, 1.0, 1.5, 0.6
    closed = np.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5
    assert gt.kl_divergence(gauss(m1, s1), gauss(m2, s2), X) == pytest.approx(closed, abs=1e-8)


def test_jensen_shannon_properties():
    p, q = gauss(0, 1), gauss(2, 0.5)
    assert gt.jensen_shannon(p, p, X) == pytest.approx(0.0, abs=1e-12)
    assert gt.jensen_shannon(p, q, X) == pytest.approx(gt.jensen_shannon(q, p, X), abs=1e-12)
    assert 0 < gt.jensen_shannon(p, q, X) < np.log(2)
    far = gt.jensen_shannon(gauss(-5, 0.5), gauss(10, 0.5), X)
    assert far == pytest.approx(np.log(2), abs=1e-9)  # disjoint supports: the maximum, log 2


def test_cost_identity_holds_for_the_formula():
    for name, value, reference, jsd in gt.check_cost_identity(gt.cost_from_jsd):
        assert value == pytest.approx(reference, abs=1e-9), name
    assert gt.generator_cost_at_optimum(gauss(0, 1), gauss(0, 1), X) == pytest.approx(-gt.LOG_4, abs=1e-10)


# ---------------------------------------------------------------------------------------------------------
# Generator losses and their gradients
# ---------------------------------------------------------------------------------------------------------
def test_generator_losses_values():
    logits = np.array([-3.0, 0.0, 2.0])
    d = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(gt.saturating_generator_loss(logits), np.log(1 - d), rtol=1e-12)
    np.testing.assert_allclose(gt.non_saturating_generator_loss(logits), -np.log(d), rtol=1e-12)


@pytest.mark.parametrize("loss,grad", [(gt.saturating_generator_loss, gt.saturating_generator_grad),
                                       (gt.non_saturating_generator_loss, gt.non_saturating_generator_grad)])
def test_generator_gradients_match_finite_differences(loss, grad):
    logits, h = np.linspace(-8, 8, 33), 1e-5
    numeric = (loss(logits + h) - loss(logits - h)) / (2 * h)
    np.testing.assert_allclose(grad(logits), numeric, atol=1e-8)


def test_saturating_gradient_vanishes_and_non_saturating_does_not():
    logits = np.array([-10.0])  # D = 4.5e-5: the discriminator rejects the fake with confidence
    assert abs(gt.saturating_generator_grad(logits)[0]) < 1e-4
    assert gt.non_saturating_generator_grad(logits)[0] == pytest.approx(-1.0, abs=1e-4)
    assert np.isfinite(gt.non_saturating_generator_loss(np.array([-1000.0]))).all()


# ---------------------------------------------------------------------------------------------------------
# The checking helpers accept the right formula and reject wrong ones
# ---------------------------------------------------------------------------------------------------------
def test_brute_force_maximiser_finds_the_maximum():
    a, b = np.array([1.0, 2.0, 0.0, 5.0]), np.array([1.0, 6.0, 3.0, 0.0])
    np.testing.assert_allclose(gt.brute_force_maximiser(a, b), [0.5, 0.25, 0.0, 1.0], atol=1e-6)


def test_check_optimal_discriminator_accepts_the_formula():
    gt.check_optimal_discriminator(gt.optimal_discriminator)
    gt.check_optimal_discriminator(lambda a, b: a / (a + b + 1e-300))


@pytest.mark.parametrize("wrong,message", [
    (lambda a, b: b / (a + b), "probability that x is \\*fake\\*"),
    (lambda a, b: a / np.maximum(b, 1e-12), "density ratio"),
    (lambda a, b: np.full_like(a, 0.5), "not the maximiser"),
    (lambda a, b: a / (a + 2 * b), "not the maximiser"),
])
def test_check_optimal_discriminator_rejects_wrong_formulas(wrong, message):
    with pytest.raises(AssertionError, match=message):
        gt.check_optimal_discriminator(wrong)


def test_check_optimal_discriminator_rejects_a_wrong_shape():
    with pytest.raises(AssertionError, match="one D value per point"):
        gt.check_optimal_discriminator(lambda a, b: np.mean(a / (a + b)))


def test_check_optimal_discriminator_for_another_game():
    # a weighted game a log D + 2 b log(1 - D) has D* = a / (a + 2b); the usual formula is then wrong
    gt.check_optimal_discriminator(lambda a, b: a / (a + 2 * b), fake_weight=2.0)
    with pytest.raises(AssertionError):
        gt.check_optimal_discriminator(gt.optimal_discriminator, fake_weight=2.0)
    # least squares: minimise a (D - 1)^2 + b D^2, i.e. maximise its negative: the same D* = a / (a + b)
    gt.check_optimal_discriminator(gt.optimal_discriminator, objective=lambda y, a, b: -(a * (y - 1) ** 2 + b * y ** 2))


@pytest.mark.parametrize("wrong,message", [
    (lambda p, q, x: -gt.LOG_4 + gt.jensen_shannon(p, q, x), "factor 2 is missing"),
    (lambda p, q, x: 2 * gt.jensen_shannon(p, q, x), "constant -log 4"),
    (lambda p, q, x: -np.log(2) + 2 * gt.jensen_shannon(p, q, x), "one -log 2 from each"),
    (lambda p, q, x: -gt.LOG_4 + 2 * gt.kl_divergence(p, q, x), "C\\(G\\) is wrong"),
])
def test_check_cost_identity_rejects_wrong_formulas(wrong, message):
    with pytest.raises(AssertionError, match=message):
        gt.check_cost_identity(wrong)


def _softplus(l):
    return np.logaddexp(0.0, l)


def test_check_bce_identity_accepts_keras():
    keras = pytest.importorskip("keras")
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    gt.check_bce_identity(lambda r, f: bce(np.ones_like(r), r) + bce(np.zeros_like(f), f))
    gt.check_bce_identity(lambda r, f: np.mean(_softplus(-r)) + np.mean(_softplus(f)))


@pytest.mark.parametrize("wrong,message", [
    (lambda r, f: -(np.mean(_softplus(-r)) + np.mean(_softplus(f))), "It equals \\+V"),
    (lambda r, f: np.mean(_softplus(r)) + np.mean(_softplus(-f)), "swapped labels"),
    (lambda r, f: np.mean(np.concatenate([_softplus(-r), _softplus(f)])), "half of -V"),
    (lambda r, f: -(np.mean(np.log(np.clip(1 / (1 + np.exp(-r)), 1e-7, 1 - 1e-7)))
                    + np.mean(np.log(np.clip(1 - 1 / (1 + np.exp(-f)), 1e-7, 1 - 1e-7)))), "from_logits=True"),
])
def test_check_bce_identity_rejects_wrong_formulas(wrong, message):
    with np.errstate(over="ignore"), pytest.raises(AssertionError, match=message):
        gt.check_bce_identity(wrong)


# ---------------------------------------------------------------------------------------------------------
# Bad inputs get clear errors
# ---------------------------------------------------------------------------------------------------------
def test_negative_density_is_a_clear_error():
    with pytest.raises(ValueError, match="p_g must be a density"):
        gt.optimal_discriminator(np.ones(3), np.array([0.1, -0.2, 0.3]))
    with pytest.raises(ValueError, match="p_data must be a density"):
        gt.value_function(np.full(5, 0.5), -np.ones(5), np.ones(5), np.linspace(0, 1, 5))


def test_mismatched_shapes_are_a_clear_error():
    with pytest.raises(ValueError, match="shapes do not match: p_data \\(3,\\), p_g \\(4,\\)"):
        gt.optimal_discriminator(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="same grid x"):
        gt.jensen_shannon(gauss(0, 1), gauss(0, 1)[:-1], X)


def test_bad_grid_and_discriminator_values_are_clear_errors():
    p = np.ones(5)
    with pytest.raises(ValueError, match="strictly increasing"):
        gt.integrate(p, np.array([0.0, 1.0, 0.5, 2.0, 3.0]))
    with pytest.raises(ValueError, match="1-D grid"):
        gt.integrate(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="probability in \\[0, 1\\].*logits"):
        gt.value_function(np.full(5, 1.5), p, p, np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="NaN or infinite"):
        gt.optimal_discriminator(np.array([np.nan, 1.0]), np.ones(2))
    with pytest.raises(ValueError, match="std must be positive"):
        gt.gaussian_pdf(X, 0.0, 0.0)


def test_densities_that_do_not_integrate_to_one_are_a_clear_error():
    x = np.linspace(0, 3, 301)  # holds only the right half of N(0, 1)
    with pytest.raises(ValueError, match="integrates to 0.49.*widen the grid"):
        gt.jensen_shannon(gt.gaussian_pdf(x, 0, 1), gt.gaussian_pdf(x, 1, 1), x)


def test_value_estimate_needs_both_batches():
    with pytest.raises(ValueError, match="at least one real and one fake"):
        gt.value_estimate([], [0.0])
