"""Tests for course_utils.vae_theory: values with tolerances, the checking helpers against deliberately wrong
formulas (each must raise AssertionError), and clear ValueErrors for bad input."""
import numpy as np
import pytest

from course_utils import vae_theory as vt


# ------------------------------------------------------------------------------------------------------
# Densities and decoder losses
# ------------------------------------------------------------------------------------------------------
def test_gaussian_log_density_matches_the_normal_pdf():
    x, mu, logvar = np.array([0.3, -1.2]), np.array([0.0, 1.0]), np.log(np.array([0.5, 2.0]))
    var = np.exp(logvar)
    pdf = np.exp(-(x - mu) ** 2 / (2 * var)) / np.sqrt(2 * np.pi * var)
    assert vt.gaussian_log_density(x, mu, logvar) == pytest.approx(np.log(pdf).sum(), rel=1e-12)
    # standard normal at 0, one dimension: -0.5 log(2 pi)
    assert vt.gaussian_log_density([0.0], 0.0, 0.0) == pytest.approx(-0.5 * np.log(2 * np.pi))


def test_mvn_log_density_reduces_to_the_diagonal_case():
    x = np.array([[0.1, 2.0], [-1.0, 0.5]])
    mean, var = np.array([0.5, -0.2]), np.array([0.7, 1.9])
    assert vt.mvn_log_density(x, mean, np.diag(var)) == pytest.approx(
        vt.gaussian_log_density(x, mean, np.log(var)), rel=1e-12)


def test_mvn_log_density_integrates_to_one_on_a_grid():
    cov = np.array([[1.0, 0.6], [0.6, 0.8]])
    grid = np.linspace(-7, 7, 281)
    z = np.stack(np.meshgrid(grid, grid, indexing="ij"), -1)
    total = np.exp(vt.mvn_log_density(z, np.zeros(2), cov)).sum() * (grid[1] - grid[0]) ** 2
    assert total == pytest.approx(1.0, abs=1e-6)


def test_bernoulli_nll_is_binary_cross_entropy_summed():
    x = np.array([[1, 0, 1, 1], [0, 0, 1, 0]], dtype=float)
    p = np.array([[0.9, 0.2, 0.6, 0.99], [0.1, 0.5, 0.3, 0.05]])
    bce = -(x * np.log(p) + (1 - x) * np.log(1 - p))
    np.testing.assert_allclose(vt.bernoulli_nll(x, probs=p), bce.sum(-1), rtol=1e-12)
    logits = np.log(p / (1 - p))
    np.testing.assert_allclose(vt.bernoulli_nll(x, logits=logits), bce.sum(-1), rtol=1e-10)


def test_bernoulli_logits_are_stable_for_large_values():
    nll = vt.bernoulli_nll(np.array([1.0, 0.0]), logits=np.array([800.0, -800.0]))
    assert np.isfinite(nll) and nll == pytest.approx(0.0, abs=1e-12)
    assert vt.bernoulli_nll(np.array([0.0]), logits=np.array([800.0])) == pytest.approx(800.0)


def test_bernoulli_certain_pixels_are_not_nan():
    assert vt.bernoulli_nll(np.array([1.0, 0.0]), probs=np.array([1.0, 0.0])) == 0.0
    assert vt.bernoulli_nll(np.array([1.0]), probs=np.array([0.0])) == np.inf


def test_gaussian_nll_has_its_constant():
    x, mean, sigma = np.zeros((2, 10)), np.full((2, 10), 0.5), 0.3
    expected = 0.5 / sigma ** 2 * 10 * 0.25 + 0.5 * 10 * np.log(2 * np.pi * sigma ** 2)
    np.testing.assert_allclose(vt.gaussian_nll(x, mean, sigma), [expected, expected], rtol=1e-12)
    # sigma = 1: the squared error halved plus 0.5 * D * log(2 pi), never just the MSE
    assert vt.gaussian_nll(np.ones(4), np.zeros(4)) == pytest.approx(2.0 + 2 * np.log(2 * np.pi))


# ------------------------------------------------------------------------------------------------------
# KL divergences
# ------------------------------------------------------------------------------------------------------
def test_gaussian_kl_known_values():
    assert vt.gaussian_kl([0.0, 0.0], [0.0, 0.0]) == 0.0
    # KL(N(1, 1) || N(0, 1)) = 0.5
    assert vt.gaussian_kl([1.0], [0.0]) == pytest.approx(0.5)
    # KL(N(0, 4) || N(0, 1)) = 0.5 (4 - 1 - log 4)
    assert vt.gaussian_kl([0.0], [np.log(4.0)]) == pytest.approx(0.5 * (3 - np.log(4.0)))
    # the VAE form -0.5 sum(1 + logvar - mu^2 - e^logvar)
    mu, logvar = np.array([0.3, -1.0, 2.0]), np.array([-0.5, 0.2, 1.0])
    assert vt.gaussian_kl(mu, logvar) == pytest.approx(-0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar)))


def test_gaussian_kl_sums_over_the_last_axis_only():
    mu = np.random.default_rng(0).normal(size=(5, 3))
    out = vt.gaussian_kl(mu, np.zeros((5, 3)))
    assert out.shape == (5,)
    np.testing.assert_allclose(out, 0.5 * np.sum(mu ** 2, axis=1))


def test_gaussian_kl_matches_monte_carlo():
    mu_q, logvar_q, mu_p, logvar_p = np.array([0.5, -1.0]), np.array([0.3, -0.7]), np.array([0.0, 0.4]), np.array([-0.2, 0.5])
    mc, se = vt.kl_monte_carlo(mu_q, logvar_q, mu_p, logvar_p, n_samples=200_000, seed=3)
    assert abs(vt.gaussian_kl(mu_q, logvar_q, mu_p, logvar_p) - mc) < 5 * se
    assert se < 0.01


def test_gaussian_kl_full_agrees_with_diagonal_and_is_zero_on_itself():
    mu_q, var_q, mu_p, var_p = np.array([0.2, 1.0]), np.array([0.5, 2.0]), np.array([-0.3, 0.0]), np.array([1.5, 0.4])
    assert vt.gaussian_kl_full(mu_q, np.diag(var_q), mu_p, np.diag(var_p)) == pytest.approx(
        vt.gaussian_kl(mu_q, np.log(var_q), mu_p, np.log(var_p)), rel=1e-12)
    cov = np.array([[1.0, 0.4], [0.4, 0.5]])
    assert vt.gaussian_kl_full(mu_q, cov, mu_q, cov) == pytest.approx(0.0, abs=1e-12)


def test_kl_is_non_negative_for_random_gaussians():
    rng = np.random.default_rng(1)
    kl = vt.gaussian_kl(rng.normal(size=(1000, 4)), rng.normal(size=(1000, 4)), rng.normal(size=(1000, 4)),
                        rng.normal(size=(1000, 4)))
    assert np.all(kl >= 0)


# ------------------------------------------------------------------------------------------------------
# The linear-Gaussian model, the ELBO and its gap
# ------------------------------------------------------------------------------------------------------
@pytest.fixture
def model():
    return vt.random_linear_gaussian(data_dim=3, latent_dim=2, sigma=0.5, seed=0)


def test_marginal_matches_samples(model):
    x, _ = model.sample(200_000, seed=1)
    mean, cov = model.marginal()
    np.testing.assert_allclose(x.mean(0), mean, atol=0.02)
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.05)


def test_log_marginal_matches_bayes_rule(model):
    """log p(x) = log p(x|z) + log p(z) - log p(z|x) for any z: the posterior is the exact one."""
    x = model.sample(1, seed=2)[0][0]
    post_mean, post_cov = model.posterior(x)
    for z in (np.zeros(2), np.array([0.7, -1.3]), post_mean):
        rhs = model.log_likelihood(x, z) + model.log_prior(z) - vt.mvn_log_density(z, post_mean, post_cov)
        assert model.log_marginal(x) == pytest.approx(rhs, abs=1e-10)


def test_elbo_gap_is_the_kl_to_the_posterior(model):
    rows = vt.check_elbo_gap(vt.elbo_linear_gaussian, model)
    gaps = [log_px - elbo for _, name, log_px, elbo, _ in rows]
    assert all(g >= -1e-10 for g in gaps)
    assert all(abs(log_px - elbo) < 1e-10 for _, name, log_px, elbo, _ in rows if name == "exact posterior")
    assert max(gaps) > 0.1  # the other q's leave a real gap


def test_elbo_monte_carlo_agrees_with_closed_form(model):
    x = model.sample(1, seed=4)[0][0]
    mu_q, cov_q = np.array([0.3, -0.2]), np.diag([0.4, 0.9])
    mc, se = vt.elbo_monte_carlo(x, model, mu_q, cov_q, n_samples=50_000, seed=5)
    assert abs(mc - vt.elbo_linear_gaussian(x, model, mu_q, cov_q)) < 5 * se
    # with q the exact posterior every sample gives log p(x): zero variance
    post = model.posterior(x)
    mc, se = vt.elbo_monte_carlo(x, model, *post, n_samples=100, seed=6)
    assert mc == pytest.approx(model.log_marginal(x), abs=1e-9) and se < 1e-9


def test_beta_one_gives_the_posterior_and_beta_trades_rate_for_distortion(model):
    x = model.sample(1, seed=7)[0][0]
    for a, b in zip(vt.beta_optimal_q(x, model, 1.0), model.posterior(x)):
        np.testing.assert_allclose(a, b)
    data = model.sample(100, seed=8)[0]
    curve = [vt.rate_distortion(data, model, beta) for beta in (0.25, 1.0, 4.0)]
    rates, distortions = zip(*curve)
    assert rates[0] > rates[1] > rates[2] > 0
    assert distortions[0] < distortions[1] < distortions[2]
    # at beta = 1 the ELBO is maximal, so rate + distortion is smallest there (it is -mean log p(x))
    totals = [r + d for r, d in curve]
    assert totals[1] == pytest.approx(-model.log_marginal(data).mean(), rel=1e-9)
    assert totals[1] < totals[0] and totals[1] < totals[2]


def test_rate_distortion_matches_a_loop_over_points(model):
    data, beta, k = model.sample(20, seed=9)[0], 2.5, model.latent_dim
    rates, distortions = [], []
    for x in data:
        mu_q, cov_q = vt.beta_optimal_q(x, model, beta)
        rates.append(vt.gaussian_kl_full(mu_q, cov_q, np.zeros(k), np.eye(k)))
        distortions.append(-vt.elbo_linear_gaussian(x, model, mu_q, cov_q) - rates[-1])
    assert vt.rate_distortion(data, model, beta) == pytest.approx((np.mean(rates), np.mean(distortions)), rel=1e-10)


# ------------------------------------------------------------------------------------------------------
# Gradient estimators
# ------------------------------------------------------------------------------------------------------
def test_both_estimators_are_unbiased_and_reparam_has_lower_variance():
    rng = np.random.default_rng(0)
    mu, logvar, target = np.array([0.2, -0.5]), np.array([-0.3, 0.4]), np.array([1.0, 0.5])
    f, f_grad, exact = vt.quadratic_objective(target, scale=0.8)
    eps = rng.standard_normal((200_000, 2))
    rep = vt.reparam_gradient(f_grad, mu, logvar, eps)
    sf = vt.score_function_gradient(f, mu, logvar, eps)
    for estimates in (rep, sf):
        for est, true in zip(estimates, exact(mu, logvar)):
            stats = vt.estimator_stats(est)
            assert np.all(np.abs(stats["mean"] - true) < 5 * stats["stderr"])
    for r, s in zip(rep, sf):
        assert np.all(vt.estimator_stats(s)["variance"] > 5 * vt.estimator_stats(r)["variance"])


def test_a_baseline_keeps_the_score_function_unbiased_and_lowers_its_variance():
    rng = np.random.default_rng(1)
    mu, logvar = np.zeros(3), np.zeros(3)
    f, _, exact = vt.quadratic_objective(np.full(3, 2.0))
    eps = rng.standard_normal((100_000, 3))
    plain = vt.score_function_gradient(f, mu, logvar, eps)[0]
    based = vt.score_function_gradient(f, mu, logvar, eps, baseline=f(mu + eps).mean())[0]
    stats = vt.estimator_stats(based)
    assert np.all(np.abs(stats["mean"] - exact(mu, logvar)[0]) < 5 * stats["stderr"])
    assert np.all(stats["variance"] < vt.estimator_stats(plain)["variance"])


# ------------------------------------------------------------------------------------------------------
# The checking helpers pass the right formulas ...
# ------------------------------------------------------------------------------------------------------
def test_checks_accept_the_right_formulas():
    rows = vt.check_gaussian_kl(vt.gaussian_kl)
    assert len(rows) == 8 and all(abs(value - mc) < 5 * se for _, _, value, mc, se in rows)
    vt.check_elbo_gap(vt.elbo_linear_gaussian)
    vt.check_gaussian_nll(vt.gaussian_nll)
    vt.check_bernoulli_nll(lambda x, p: vt.bernoulli_nll(x, probs=p))
    vt.check_reparam_gradient(vt.reparam_gradient)


# ... and reject deliberately wrong ones
def kl_without_half(mu_q, logvar_q, mu_p, logvar_p):
    return np.sum(logvar_p - logvar_q + (np.exp(logvar_q) + (mu_q - mu_p) ** 2) / np.exp(logvar_p) - 1)


def kl_variance_ratio_inverted(mu_q, logvar_q, mu_p, logvar_p):
    """sigma_p^2 / sigma_q^2 where sigma_q^2 / sigma_p^2 belongs."""
    return 0.5 * np.sum(logvar_p - logvar_q + np.exp(logvar_p) / np.exp(logvar_q) + (mu_q - mu_p) ** 2 / np.exp(logvar_p) - 1)


def kl_reversed(mu_q, logvar_q, mu_p, logvar_p):
    return vt.gaussian_kl(mu_p, logvar_p, mu_q, logvar_q)


def kl_with_std_for_variance(mu_q, logvar_q, mu_p, logvar_p):
    return 0.5 * np.sum(logvar_p - logvar_q + (np.exp(0.5 * logvar_q) + (mu_q - mu_p) ** 2) / np.exp(logvar_p) - 1)


def kl_without_minus_one(mu_q, logvar_q, mu_p, logvar_p):
    return vt.gaussian_kl(mu_q, logvar_q, mu_p, logvar_p) + 0.5 * len(mu_q)


@pytest.mark.parametrize("wrong", [kl_without_half, kl_variance_ratio_inverted, kl_reversed, kl_with_std_for_variance,
                                   kl_without_minus_one])
def test_check_gaussian_kl_rejects_wrong_formulas(wrong):
    with pytest.raises(AssertionError, match="Monte-Carlo estimate"):
        vt.check_gaussian_kl(wrong)


def test_check_gaussian_kl_names_the_mistake():
    with pytest.raises(AssertionError, match="the factor 1/2 is missing"):
        vt.check_gaussian_kl(kl_without_half)
    with pytest.raises(AssertionError, match="variance ratio is inverted"):
        vt.check_gaussian_kl(kl_variance_ratio_inverted)
    with pytest.raises(AssertionError, match=r"that is KL\(p \|\| q\)"):
        vt.check_gaussian_kl(kl_reversed)


def test_check_gaussian_kl_rejects_a_formula_that_is_not_zero_on_identical_gaussians():
    # right wherever MC is loose, but adds a tiny offset: caught by the exact KL(q || q) = 0 check
    with pytest.raises(AssertionError, match=r"KL\(q \|\| q\) must be exactly 0"):
        vt.check_gaussian_kl(lambda *a: vt.gaussian_kl(*a) + 1e-6)


def elbo_ignoring_encoder_variance(x, model, mu_q, cov_q):
    """Plugs in z = mu_q, forgetting the trace term tr(W cov_q W^T) / (2 sigma^2)."""
    k = model.latent_dim
    return float(model.log_likelihood(x, mu_q) - vt.gaussian_kl_full(mu_q, cov_q, np.zeros(k), np.eye(k)))


def elbo_with_reversed_kl(x, model, mu_q, cov_q):
    k = model.latent_dim
    exact = vt.elbo_linear_gaussian(x, model, mu_q, cov_q)
    return exact + vt.gaussian_kl_full(mu_q, cov_q, np.zeros(k), np.eye(k)) - vt.gaussian_kl_full(
        np.zeros(k), np.eye(k), mu_q, cov_q)


def elbo_without_decoder_constant(x, model, mu_q, cov_q):
    return vt.elbo_linear_gaussian(x, model, mu_q, cov_q) + 0.5 * model.data_dim * np.log(2 * np.pi * model.sigma ** 2)


@pytest.mark.parametrize("wrong", [elbo_ignoring_encoder_variance, elbo_with_reversed_kl, elbo_without_decoder_constant])
def test_check_elbo_gap_rejects_wrong_elbos(wrong):
    with pytest.raises(AssertionError):
        vt.check_elbo_gap(wrong)


def test_check_elbo_gap_explains_a_bound_above_log_px():
    with pytest.raises(AssertionError, match="exceeds log p\\(x\\)"):
        vt.check_elbo_gap(lambda x, model, mu, cov: float(model.log_marginal(x)) + 0.1)


def test_check_gaussian_nll_rejects_a_missing_constant_and_a_missing_half():
    with pytest.raises(AssertionError, match="normalising constant is missing"):
        vt.check_gaussian_nll(lambda x, m, s: 0.5 * np.sum((x - m) ** 2, -1) / s ** 2)
    with pytest.raises(AssertionError):
        vt.check_gaussian_nll(lambda x, m, s: np.sum((x - m) ** 2, -1) / s ** 2 + 0.5 * x.shape[-1] * np.log(2 * np.pi * s ** 2))
    with pytest.raises(AssertionError):  # plain MSE: what "Gaussian decoder = MSE" hides
        vt.check_gaussian_nll(lambda x, m, s: np.mean((x - m) ** 2, -1))


def test_check_bernoulli_nll_rejects_the_mean_and_a_sign_error():
    with pytest.raises(AssertionError, match="mean"):
        vt.check_bernoulli_nll(lambda x, p: vt.bernoulli_nll(x, probs=p) / x.shape[-1])
    with pytest.raises(AssertionError):
        vt.check_bernoulli_nll(lambda x, p: -np.sum(x * np.log(p) + x * np.log(1 - p), -1))


def test_check_reparam_gradient_rejects_a_missing_chain_rule_factor():
    def forgets_sigma(f_grad, mu, logvar, eps):
        g = f_grad(mu + np.exp(0.5 * logvar) * eps)
        return g, g * eps  # should be g * 0.5 * sigma * eps

    with pytest.raises(AssertionError, match="biased"):
        vt.check_reparam_gradient(forgets_sigma)


# ------------------------------------------------------------------------------------------------------
# Bad input: clear ValueErrors
# ------------------------------------------------------------------------------------------------------
def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match="shapes do not match"):
        vt.gaussian_kl(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="shapes do not match"):
        vt.gaussian_nll(np.zeros((2, 5)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="shapes do not match"):
        vt.bernoulli_nll(np.zeros(4), probs=np.full(3, 0.5))
    with pytest.raises(ValueError, match="same length"):
        vt.gaussian_kl_full(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match="eps must be"):
        vt.reparam_gradient(lambda z: z, np.zeros(2), np.zeros(2), np.zeros((10, 3)))


def test_model_rejects_mismatched_shapes(model):
    with pytest.raises(ValueError, match="b must have shape"):
        vt.LinearGaussianModel(np.ones((3, 2)), np.zeros(4), 1.0)
    with pytest.raises(ValueError, match="data dimension 3"):
        model.log_marginal(np.zeros(2))
    with pytest.raises(ValueError, match="mu_q must have shape"):
        vt.elbo_linear_gaussian(np.zeros(3), model, np.zeros(3), np.eye(2))


def test_negative_variances_are_rejected(model):
    with pytest.raises(ValueError, match="sigma must be positive"):
        vt.gaussian_nll(np.zeros(3), np.zeros(3), sigma=-1.0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        vt.LinearGaussianModel(np.ones((3, 2)), np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="positive definite"):
        vt.elbo_linear_gaussian(np.zeros(3), model, np.zeros(2), np.diag([1.0, -0.5]))
    with pytest.raises(ValueError, match="beta must be positive"):
        vt.beta_optimal_q(np.zeros(3), model, beta=-1.0)


def test_other_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        vt.bernoulli_nll(np.ones(2), probs=np.array([0.5, 1.2]))
    with pytest.raises(ValueError, match="exactly one of"):
        vt.bernoulli_nll(np.ones(2))
    with pytest.raises(ValueError, match="NaN"):
        vt.gaussian_kl(np.array([np.nan]), np.zeros(1))
    with pytest.raises(ValueError, match="symmetric"):
        vt.gaussian_kl_full(np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="at least 2"):
        vt.kl_monte_carlo(np.zeros(1), np.zeros(1), n_samples=1)
