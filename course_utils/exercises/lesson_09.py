"""Checks for the exercises of lesson 09 (β-VAE and conditional VAE)."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


def check_1(slope, beta: float) -> bool:
    """Exercise 1: the slope dD/dR of the exact rate-distortion curve at the point the beta-optimal encoder reaches."""
    if slope is None:
        return not_answered("set slope = (D2 - D1) / (R2 - R1) from two nearby points of the exact curve.")
    if close_to(slope, beta, rtol=0.02):
        return wrong("right size, wrong sign: distortion goes DOWN as the rate goes up, so the slope is negative.")
    if close_to(slope, -1.0 / beta, rtol=0.02) and abs(beta - 1.0) > 0.05:
        return wrong("that is dR/dD; the slope of distortion against rate is the change in D over the change in R.")
    if not close_to(slope, -beta, rtol=0.02):
        return wrong(f"at the optimum of D + beta R the curve's slope is -beta = {-beta:g}; check which points you used "
                     "(two betas close to the one asked for) and that rate is on the x axis.")
    return correct(f"The slope is -beta = {-beta:g}: each extra nat of rate buys beta nats of distortion at the optimum.")


def check_2(active_units, z_mean, expected_threshold: float = 0.01) -> bool:
    """Exercise 2: ``active_units(z_mean)`` counts latent dimensions whose encoder mean varies across images:
    Var_x(E_q[z_u]) > 0.01 (Burda et al. 2016)."""
    if active_units is None:
        return not_answered("define active_units(z_mean) returning the number of active latent dimensions.")
    z_mean = np.asarray(z_mean, dtype=np.float64)
    rng = np.random.default_rng(9)
    toy = np.concatenate([rng.normal(0, 1.0, (500, 3)), rng.normal(0, 0.05, (500, 4)), rng.normal(2.0, 0.001, (500, 2))], axis=1)
    try:
        got_toy = active_units(toy.copy())
    except Exception as error:
        return wrong(f"active_units raised {type(error).__name__}: {error}. It gets an array of shape (N images, K dims).")
    if np.ndim(got_toy) != 0:
        return wrong("return one number: the count of active dimensions (np.sum of a boolean array, as an int).")
    if got_toy == 7:
        return wrong("you compared the standard deviation with 0.01; the criterion is the VARIANCE across images > 0.01.")
    if got_toy == 9 and np.var(toy[:, -2:], axis=0).max() < 1e-5:
        return wrong("a dimension whose mean is far from 0 but the same for every image carries no information: "
                     "use the variance across images (axis 0), not the size of the means.")
    if got_toy != 3:
        return wrong("compute the variance of each column (axis=0: across images) and count those above 0.01. "
                     "On a test array with 3 active, 4 nearly constant and 2 constant-but-offset columns you returned "
                     f"{got_toy}.")
    return correct(f"{int(np.sum(np.var(z_mean, axis=0) > expected_threshold))} of {z_mean.shape[1]} dimensions of "
                   "this model are active.")


def check_3(z, labels, latent_dim: int) -> bool:
    """Exercise 3: one code ``z`` (10, latent_dim) repeated for the labels 0..9, to draw every digit in one style."""
    if z is None or labels is None:
        return not_answered("set z (10 rows, the same code in each) and labels (0 to 9).")
    z, labels = np.asarray(z, dtype=np.float64), np.asarray(labels)
    if z.shape != (10, latent_dim):
        return wrong(f"z must have one row per digit: shape (10, {latent_dim}), got {z.shape}.")
    if not np.allclose(z, z[:1]):
        return wrong("the rows of z differ, so each digit gets its own style: repeat ONE code, e.g. np.repeat(z0, 10, axis=0).")
    if labels.shape != (10,) or not np.array_equal(np.sort(labels), np.arange(10)):
        return wrong(f"labels must be the ten classes 0..9, once each (np.arange(10)); got {labels.tolist()}.")
    return correct("Same code, ten classes: the style stays, the digit changes.")
