"""Checks for the exercises of lesson 04 (the VAE objective): the importance-weighted bound, the KL's sign, and a
baseline for the score-function estimator. (The decoder's best sigma and the beta-VAE objective moved to lesson 05.)

Every check works on the lesson's linear-Gaussian model (``LESSON_MODEL``, ``X0``), whose log p(x) is exact, or on
the lesson's own gradient setup, so an answer is compared with a known value, not with a second estimate.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from course_utils import vae_theory as vt

from .feedback import as_numbers, correct, not_answered, wrong

LESSON_MODEL = vt.LinearGaussianModel(W=np.array([[1.0, 0.8], [0.9, 1.1], [0.3, -0.1]]), b=np.array([0.5, -0.3, 0.2]),
                                      sigma=0.7)
X0 = np.array([1.6, 1.2, 0.4])


# --------------------------------------------------------------------------------------------------------------------
# Exercise 1: the importance-weighted bound
# --------------------------------------------------------------------------------------------------------------------
def _log_weights(n_replicates, n_importance, seed, mu_q, cov_q):
    rng = np.random.default_rng(seed)
    z = mu_q + rng.standard_normal((n_replicates, n_importance, 2)) @ np.linalg.cholesky(cov_q).T
    return (LESSON_MODEL.log_likelihood(X0, z) + LESSON_MODEL.log_prior(z) - vt.mvn_log_density(z, mu_q, cov_q))


@lru_cache(maxsize=1)
def _iwae_reference():
    """L_100 with q the prior, and the spread of one replicate, from 4,000 replicates (fixed seed)."""
    log_w = _log_weights(4000, 100, 12345, np.zeros(2), np.eye(2))
    per_replicate = np.logaddexp.reduce(log_w, axis=1) - math.log(100)
    single = _log_weights(4000, 1, 54321, np.zeros(2), np.eye(2))[:, 0]
    return float(per_replicate.mean()), float(per_replicate.std()), float(single.std())


def check_1(iwae_bound) -> bool:
    """Exercise 1: ``iwae_bound(x, model, mu_q, cov_q, n_importance, n_replicates, seed=0)`` returns the estimate of
    L_L averaged over replicates (or a tuple whose first element is that estimate)."""
    if iwae_bound is None:
        return not_answered("define iwae_bound(x, model, mu_q, cov_q, n_importance, n_replicates, seed=0).")

    def estimate(mu_q, cov_q, n_importance, n_replicates, seed):
        result = iwae_bound(X0.copy(), LESSON_MODEL, mu_q.copy(), cov_q.copy(), n_importance, n_replicates, seed=seed)
        if result is None:
            return None
        if isinstance(result, tuple):
            result = result[0]
        value = as_numbers(result)
        if value is None or value.shape not in ((), (1,)):
            raise ValueError(f"expected one number (or (estimate, standard error)), got {result!r:.80}; average the "
                             "per-replicate bounds into one estimate")
        return float(value.ravel()[0])

    log_px = float(LESSON_MODEL.log_marginal(X0))
    post_mean, post_cov = LESSON_MODEL.posterior(X0)
    try:
        at_posterior = estimate(post_mean, post_cov, 10, 200, 1)
        if at_posterior is None:
            return not_answered("iwae_bound returns None: replace the `return None` with your estimate.")
        l_1 = estimate(np.zeros(2), np.eye(2), 1, 4000, 2)
        l_100 = estimate(np.zeros(2), np.eye(2), 100, 500, 3)
    except Exception as error:  # the learner's function may fail in any way: report it, do not raise
        return wrong(f"calling iwae_bound raised {type(error).__name__}: {error}.")
    if not all(np.isfinite([at_posterior, l_1, l_100])):
        return wrong("got NaN or infinity: compute the log of the mean weight stably, "
                     "np.logaddexp.reduce(log_w, axis=1) - np.log(n_importance).")
    if abs(at_posterior - (log_px + math.log(10))) < 1e-6:
        return wrong("with L = 10 your bound is log p(x) + log 10: that is the log of the SUM of the weights. "
                     "L_L averages them: subtract log L.")
    if abs(at_posterior - log_px) > 1e-6:
        return wrong("with q the exact posterior every weight p(x, z) / q(z) equals p(x), so L_L = log p(x) exactly; yours "
                     f"gives {at_posterior:.4f} instead of {log_px:.4f}. Check the log weight: "
                     "log p(x|z) + log p(z) - log q(z), with q = N(mu_q, cov_q) (model.log_likelihood, model.log_prior, "
                     "vt.mvn_log_density).")
    elbo = vt.elbo_linear_gaussian(X0, LESSON_MODEL, np.zeros(2), np.eye(2))
    reference_100, spread_100, spread_1 = _iwae_reference()
    if abs(l_1 - elbo) > 5 * spread_1 / math.sqrt(4000):
        return wrong(f"with L = 1 and q the prior, the bound is the ELBO, {elbo:.3f}; yours gives {l_1:.3f}. Draw z from "
                     "q = N(mu_q, cov_q) and average the per-replicate bounds.")
    if abs(l_100 - elbo) < 5 * spread_1 / math.sqrt(500):
        return wrong("your L_100 equals the ELBO: you averaged the log weights (the mean of the logs). The bound takes the "
                     "log of the mean of the weights: log (1/L) sum_l exp(log_w_l).")
    tolerance = 5 * math.sqrt(spread_100 ** 2 / 500 + spread_100 ** 2 / 4000)
    if abs(l_100 - reference_100) > tolerance:
        return wrong(f"with L = 100 and q the prior, expected about {reference_100:.3f} (log p(x) = {log_px:.3f}); got "
                     f"{l_100:.3f}. Use L independent samples per replicate and a log-mean-exp over them.")
    return correct(f"L_1 = ELBO = {elbo:.2f} < L_100 = {reference_100:.2f} < log p(x) = {log_px:.2f}: more importance "
                   "samples tighten the bound.")


# --------------------------------------------------------------------------------------------------------------------
# Exercise 2: the KL is never negative
# --------------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _kl_median():
    rng = np.random.default_rng(2024)
    mu_q, mu_p = rng.normal(0, 2, (2, 10_000, 3))
    logvar_q, logvar_p = rng.normal(0, 1.5, (2, 10_000, 3))
    return float(np.median(vt.gaussian_kl(mu_q, logvar_q, mu_p, logvar_p)))


def check_2(kl_values, kl_same) -> bool:
    """Exercise 2: the KLs of 10,000 random pairs of 3-D diagonal Gaussians, and of each q with itself."""
    if kl_values is None or kl_same is None:
        return not_answered("set kl_values (10,000 KLs of random pairs) and kl_same (the KL of each q with itself).")
    values, same = as_numbers(kl_values), as_numbers(kl_same)
    if values is None or same is None:
        return wrong("kl_values and kl_same should be arrays of numbers.")
    if values.shape == (3,) or values.shape == (2,):
        return wrong(f"kl_values has shape {values.shape}: vt.gaussian_kl sums over the LAST axis, which must be the 3 "
                     "dimensions. Draw the means and log-variances with shape (10_000, 3).")
    if values.shape == (10_000, 3):
        return wrong("kl_values has one value per dimension; the KL of a 3-D diagonal Gaussian is the sum over the "
                     "dimensions (vt.gaussian_kl does it), shape (10_000,).")
    if values.shape != (10_000,):
        return wrong(f"expected one KL per pair, shape (10_000,), got {values.shape}.")
    if not np.all(np.isfinite(values)):
        return wrong("some KLs are NaN or infinite: pass log-variances (any real number), not variances or log-stds.")
    if values.min() < 0:
        return wrong(f"a KL of {values.min():.3f} < 0 is impossible; if you wrote the formula yourself, compare it with "
                     "vt.gaussian_kl (the variance ratio is sigma_q^2 / sigma_p^2, and the '- 1' is inside the 1/2).")
    median, reference = float(np.median(values)), _kl_median()
    if not 0.9 * reference < median < 1.1 * reference:
        return wrong(f"the median KL is {median:.1f}, expected about {reference:.1f}. rng.normal(0, 2, ...) draws means with "
                     "standard deviation 2 (variance 4); log-variances need standard deviation 1.5.")
    if same.shape != values.shape:
        return wrong(f"kl_same should have one value per pair, like kl_values, shape {values.shape}; got {same.shape}.")
    if not np.allclose(same, 0.0, atol=1e-9):
        return wrong("kl_same should be the KL of each Gaussian with ITSELF, vt.gaussian_kl(mu_q, logvar_q, mu_q, logvar_q), "
                     f"which is 0; yours has values up to {np.abs(same).max():.3g}.")
    return correct(f"the smallest of 10,000 KLs is {values.min():.4f} >= 0, and the KL of a Gaussian with itself is 0: "
                   "log r <= r - 1 makes every term non-negative.")


# --------------------------------------------------------------------------------------------------------------------
# Exercise 3: a baseline for the score-function estimator
# --------------------------------------------------------------------------------------------------------------------
def _gradient_setup():
    decoder = vt.random_linear_gaussian(data_dim=20, latent_dim=5, sigma=0.5, seed=5)
    x = decoder.sample(1, seed=105)[0][0]
    return decoder, x, np.zeros(5), np.full(5, -1.0)


@lru_cache(maxsize=1)
def _variances():
    """Per-sample variances (mean over the 5 coordinates) of the three estimators of d/dmu and of d/dlogvar,
    from 200,000 noise draws (Monte-Carlo error about 1 %)."""
    decoder, x, mu0, logvar0 = _gradient_setup()
    eps = np.random.default_rng(777).standard_normal((200_000, 5))
    z = mu0 + np.exp(0.5 * logvar0) * eps
    f = decoder.log_likelihood(x, z)
    f_grad = (x - z @ decoder.W.T - decoder.b) @ decoder.W / decoder.sigma ** 2
    sigma = np.exp(0.5 * logvar0)
    by_parameter = {}
    for name, score, pathwise in (("mu", eps / sigma, f_grad), ("logvar", 0.5 * (eps ** 2 - 1), f_grad * 0.5 * sigma * eps)):
        by_parameter[name] = (float((f[:, None] * score).var(0).mean()), float(((f - f.mean())[:, None] * score).var(0).mean()),
                              float(pathwise.var(0).mean()))
    return by_parameter


def check_3(plain, with_baseline, reparam) -> bool:
    """Exercise 3: per-sample variances (mean over coordinates) of d/dmu: score function, with the baseline c = mean f,
    and reparameterised."""
    if plain is None or with_baseline is None or reparam is None:
        return not_answered("set plain, with_baseline and reparam to the three variances of the d/dmu estimates.")
    got = [as_numbers(v) for v in (plain, with_baseline, reparam)]
    if any(v is None or v.shape != () for v in got):
        return wrong("each answer is one number: estimator_stats(...)['variance'].mean() (the mean over the 5 coordinates).")
    got = np.array([float(v) for v in got])
    expected = np.array(_variances()["mu"])
    close = lambda values, target: bool(np.all(np.abs(values / target - 1) < 0.15))   # noqa: E731  (sampling: 1-3 %)
    if close(got, expected):
        return correct(f"the baseline cuts the score-function variance about {expected[0] / expected[1]:.0f}-fold, but the "
                       f"reparameterised estimator is still about {expected[1] / expected[2]:.0f} times better.")
    if close(got, np.array(_variances()["logvar"])):
        return wrong("these are the variances of the log-variance gradients (the second array each estimator returns); "
                     "the exercise compares d/dmu, the first ([0]).")
    if close(got ** 2, expected):
        return wrong("these look like standard deviations; the exercise compares variances (estimator_stats(...)['variance']).")
    if close(got, 5 * expected):
        return wrong("these are 5 times too large: average the variance over the 5 coordinates (.mean()), do not sum.")
    if abs(got[1] / got[0] - 1) < 0.01:
        return wrong("with_baseline equals plain: the baseline had no effect. Pass baseline=c, with c = f(z).mean() over "
                     "the same samples z = mu0 + exp(logvar0 / 2) * eps.")
    if close(got[[0, 2]], expected[[0, 2]]):
        return wrong(f"plain and reparam are right, with_baseline is not (expected about {expected[1]:.3g}): the baseline "
                     "is one number, the average of f over the samples, passed as score_function_gradient(..., baseline=c).")
    return wrong(f"expected about {expected[0]:.3g}, {expected[1]:.3g} and {expected[2]:.3g}. Use the K = 5 `decoder` and `x` "
                 "of the cell above, mu0 = 0, logvar0 = -1, and the first array (d/dmu) of each estimator.")
