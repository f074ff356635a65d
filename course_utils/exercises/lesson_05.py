"""Checks for the exercises of lesson 05 (decoders and beta): the decoder's best sigma, and the beta-VAE objective.

Exercise 1 works on the 16 MNIST digits and blurry decoder means of the lesson's section 1; exercise 2 on lesson 04's
linear-Gaussian model (``LESSON_MODEL``, ``X0``, which the lesson re-creates in its setup), whose ELBO and KL are exact,
so an answer is compared with a known value, not with a second estimate.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from course_utils import vae_theory as vt

from .feedback import as_numbers, close_to, correct, not_answered, wrong
from .lesson_04 import LESSON_MODEL, X0   # lesson 05 goes on with lesson 04's model and observation


# --------------------------------------------------------------------------------------------------------------------
# Exercise 1: the decoder's best sigma
# --------------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _residual_mse():
    from course_utils import datasets
    (x_train, _), _ = datasets.load_mnist()
    mean_digit = x_train[:1000].reshape(1000, -1).mean(0) / 255.0
    grey = x_train[:16].reshape(16, -1) / 255.0
    means = 0.5 * grey + 0.5 * mean_digit
    return float(np.mean((grey - means) ** 2))


def check_1(best_sigma) -> bool:
    """Exercise 1: the sigma on the grid np.linspace(0.05, 1, 400) that minimises the summed Gaussian NLL of section 1."""
    if best_sigma is None:
        return not_answered("set best_sigma to the sigma (a value from the grid) with the smallest total NLL.")
    value = as_numbers(best_sigma)
    if value is None or value.shape != ():
        return wrong("best_sigma is one number: sigmas[np.argmin(total_nll)].")
    value = float(value)
    sigmas = np.linspace(0.05, 1, 400)
    step, mse = sigmas[1] - sigmas[0], _residual_mse()
    if abs(value - math.sqrt(mse)) <= step:
        return correct(f"sigma = {value:.4f}, and sqrt(MSE) = {math.sqrt(mse):.4f}: the best decoder variance is the mean "
                       "squared error.")
    if abs(value - mse) <= step ** 2 + 1e-9 or abs(value - mse) / mse < 0.02:
        return wrong("that is the MSE itself, which is the best sigma SQUARED: sigma = sqrt(MSE). (Or scan the grid.)")
    if float(value).is_integer() and 0 <= value < 400:
        return wrong(f"{int(value)} looks like an index into the grid: best_sigma = sigmas[{int(value)}].")
    if abs(value - sigmas[0]) < 1e-12 or abs(value - sigmas[-1]) < 1e-12:
        return wrong("that is an end of the grid: did you take argmax? The best sigma MINIMISES the negative log-likelihood.")
    return wrong(f"got {value:.4f}. Sum vt.gaussian_nll(grey, means, s) over the 16 images for each s in the grid and take "
                 "the s with the smallest total; it should match sqrt(mean((grey - means) ** 2)).")


# --------------------------------------------------------------------------------------------------------------------
# Exercise 2: the beta-VAE objective
# --------------------------------------------------------------------------------------------------------------------
def check_2(beta_objective) -> bool:
    """Exercise 2: ``beta_objective(x, model, mu_q, cov_q, beta)`` = reconstruction - beta * KL(q || prior), with the
    reconstruction term E_q[log p(x|z)] = ELBO + KL."""
    if beta_objective is None:
        return not_answered("define beta_objective(x, model, mu_q, cov_q, beta).")
    rng = np.random.default_rng(5)
    cases = []
    for beta in (3.0, 0.5, 1.0):
        a = rng.normal(0, 0.5, (2, 2))
        cases.append((rng.normal(0, 1, 2), a @ a.T + 0.1 * np.eye(2), beta))
    got, pieces = [], []
    for mu_q, cov_q, beta in cases:
        try:
            value = beta_objective(X0.copy(), LESSON_MODEL, mu_q.copy(), cov_q.copy(), beta)
        except Exception as error:  # the learner's function may fail in any way: report it, do not raise
            return wrong(f"calling beta_objective raised {type(error).__name__}: {error}.")
        if value is None:
            return not_answered("beta_objective returns None: replace the `return None` with L_beta.")
        value = as_numbers(value)
        if value is None or value.size != 1:
            return wrong("beta_objective should return one number, L_beta for this x and q.")
        got.append(float(value.ravel()[0]))
        kl = vt.gaussian_kl_full(mu_q, cov_q, np.zeros(2), np.eye(2))
        elbo = vt.elbo_linear_gaussian(X0, LESSON_MODEL, mu_q, cov_q)
        pieces.append((elbo, kl, beta))
    got = np.array(got)
    expected = np.array([elbo + kl - beta * kl for elbo, kl, beta in pieces])
    if close_to(got, expected, rtol=1e-9, atol=1e-9):
        return correct("L_beta = (ELBO + KL) - beta KL; at beta = 1 it is the ELBO.")
    if close_to(got, [elbo - beta * kl for elbo, kl, beta in pieces]):
        return wrong("you used the ELBO as the reconstruction term; the ELBO already subtracts one KL. The reconstruction "
                     "term is ELBO + KL(q || p(z)), then subtract beta * KL.")
    if close_to(got, -expected):
        return wrong("the sign is flipped: L_beta is the objective to MAXIMISE, reconstruction - beta * KL.")
    if close_to(got, [beta * (elbo + kl) - kl for elbo, kl, beta in pieces]):
        return wrong("beta multiplies the KL term, not the reconstruction.")
    if close_to(got, [elbo for elbo, _, _ in pieces]):
        return wrong("your objective does not depend on beta: it is the ELBO. Subtract beta * KL from the reconstruction.")
    return wrong("L_beta = E_q[log p(x|z)] - beta KL(q || N(0, I)); get KL from vt.gaussian_kl_full(mu_q, cov_q, 0, I) and "
                 "the reconstruction as vt.elbo_linear_gaussian(...) + KL.")
