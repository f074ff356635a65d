"""Checks for the exercises of lesson 10 (the VAE in Keras)."""
from __future__ import annotations

import math

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


def _kl_reference(z_mean, z_log_var):
    return 0.5 * np.sum(z_mean ** 2 + np.exp(z_log_var) - 1.0 - z_log_var, axis=1)


def check_1(kl_per_image) -> bool:
    """Exercise 1: ``kl_per_image(z_mean, z_log_var)`` returns KL(q || N(0, I)) for each image, shape (N,)."""
    if kl_per_image is None:
        return not_answered("define kl_per_image(z_mean, z_log_var) returning one KL value per image.")
    rng = np.random.default_rng(8)
    z_mean, z_log_var = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    expected = _kl_reference(z_mean, z_log_var)
    try:
        got = np.asarray(kl_per_image(z_mean.copy(), z_log_var.copy()), dtype=np.float64)
    except Exception as error:  # the learner's function may fail in any way: report it, do not raise
        return wrong(f"kl_per_image raised {type(error).__name__}: {error}. It gets two NumPy arrays of shape (N, K).")
    if got.shape == (3,) or (got.shape == () and close_to(got, _kl_reference(z_mean, z_log_var).sum())):
        return wrong("you summed over the batch (axis 0). Sum over the latent dimensions (axis=1) to get one value per image.")
    if got.shape != (5,):
        return wrong(f"expected one value per image, shape (5,) for 5 images, got shape {got.shape}.")
    if close_to(got, 2 * expected):
        return wrong("twice the right value: the KL between Gaussians has a factor 1/2 in front.")
    if close_to(got, expected / 3):
        return wrong("you averaged over the latent dimensions; the KL of independent dimensions is their SUM.")
    if close_to(got, -expected):
        return wrong("the sign is flipped: a KL divergence is never negative.")
    if close_to(got, 0.5 * np.sum(z_mean ** 2 + z_log_var - 1.0 - np.log(np.abs(z_log_var) + 1e-300), axis=1)):
        return wrong("z_log_var is log(sigma^2): the variance is exp(z_log_var), not z_log_var itself.")
    if not close_to(got, expected, rtol=1e-6):
        return wrong("compare with KL = 0.5 * sum_k (mu_k^2 + sigma_k^2 - 1 - log sigma_k^2), sigma_k^2 = exp(z_log_var_k).")
    return correct("One KL per image, summed over the latent dimensions.")


def check_2(bits_per_dim, nats_per_image) -> bool:
    """Exercise 2: a negative log-likelihood in nats per 28x28 image converted to bits per dimension (pixel)."""
    if bits_per_dim is None:
        return not_answered("set bits_per_dim from the test negative ELBO in nats per image.")
    expected = nats_per_image / (784 * math.log(2))
    if close_to(bits_per_dim, nats_per_image / 784):
        return wrong("that is nats per pixel. One nat is 1/ln 2 = 1.443 bits: divide by ln 2 as well.")
    if close_to(bits_per_dim, nats_per_image / math.log(2)):
        return wrong("that is bits per image. 'Per dimension' means per pixel: divide by 28 * 28 = 784 as well.")
    if close_to(bits_per_dim, nats_per_image * math.log(2) / 784):
        return wrong("multiplied by ln 2 instead of dividing: bits = nats / ln 2.")
    if not close_to(bits_per_dim, expected, rtol=1e-4):
        return wrong("bits per dimension = nats per image / (784 * ln 2).")
    return correct(f"{nats_per_image:.1f} nats per image = {expected:.4f} bits per pixel.")


def check_3(iw_bound) -> bool:
    """Exercise 3: ``iw_bound(log_w)`` turns log importance weights of shape (k, N) into L_k, shape (N,)."""
    if iw_bound is None:
        return not_answered("define iw_bound(log_w) for log weights of shape (k, N).")
    rng = np.random.default_rng(3)
    log_w = rng.normal(-800.0, 4.0, size=(50, 4))       # realistic: log p(x, z) of a 784-pixel image is hundreds of nats below 0
    top = log_w.max(0)
    expected = top + np.log(np.mean(np.exp(log_w - top), axis=0))
    try:
        got = np.asarray(iw_bound(log_w.copy()), dtype=np.float64)
    except Exception as error:
        return wrong(f"iw_bound raised {type(error).__name__}: {error}. It gets one NumPy array of shape (k, N).")
    if got.shape != (4,):
        return wrong(f"expected one bound per image, shape (N,) = (4,), got {got.shape}: reduce over axis 0 (the k samples).")
    if not np.all(np.isfinite(got)):
        return wrong("got -inf or NaN: exp(-800) underflows to 0. Subtract the largest log weight before exp (log-sum-exp).")
    if close_to(got, log_w.mean(0)):
        return wrong("that is the mean of the logs, i.e. the ELBO estimate; L_k is the log of the mean of the weights.")
    if close_to(got, expected + math.log(50)):
        return wrong("that is log of the SUM of the weights; L_k averages them: subtract log k.")
    if not close_to(got, expected, rtol=1e-9, atol=1e-6):
        return wrong("L_k = log (1/k) sum_i exp(log_w_i), computed as max + log(mean(exp(log_w - max))).")
    return correct("A stable log-mean-exp over the k samples.")
