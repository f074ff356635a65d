"""Checks for the exercises of lesson 06 (GAN training problems): vanishing gradients at a confident discriminator,
interpolation weights drawn from the wrong distribution, and the mode-coverage metric under collapse."""
from __future__ import annotations

import math

import numpy as np

from .feedback import close_to, correct, not_answered, wrong
from .feedback import as_scalar as _scalar


def _sigmoid(logit):
    return 1.0 / (1.0 + math.exp(-logit))


def check_1(grad_saturating, grad_non_saturating) -> bool:
    """Exercise 1: the derivatives in the logit l = -10 of log(1 - sigmoid(l)) and of -log sigmoid(l)."""
    if grad_saturating is None or grad_non_saturating is None:
        return not_answered("set grad_saturating = -sigma(l) and grad_non_saturating = -(1 - sigma(l)) at l = -10.")
    sat, non_sat = _scalar(grad_saturating), _scalar(grad_non_saturating)
    if sat is None or non_sat is None:
        return wrong("each gradient is one number, the derivative at the single logit l = -10.")
    s = _sigmoid(-10.0)
    expected = (-s, -(1 - s))
    tolerance = dict(rtol=1e-4, atol=0)
    if close_to(sat, expected[0], **tolerance) and close_to(non_sat, expected[1], **tolerance):
        return correct(f"{expected[0]:.2e} against {expected[1]:.5f}: the non-saturating gradient is e^10 = "
                       f"{expected[1] / expected[0]:,.0f} times larger where the discriminator is sure a fake is fake.")
    if close_to(sat, -expected[0], **tolerance) or close_to(non_sat, -expected[1], **tolerance):
        return wrong("a sign is flipped: both derivatives are negative (raising the logit, i.e. fooling D more, lowers "
                     "both losses): -sigma(l) and -(1 - sigma(l)).")
    if close_to(sat, expected[1], **tolerance) and close_to(non_sat, expected[0], **tolerance):
        return wrong("the two are swapped, or you evaluated them at l = +10: sigma(-10) is tiny (4.5e-5), so the "
                     "saturating gradient -sigma(l) is the one that vanishes.")
    if close_to(sat, -1 / (1 - s), **tolerance) or close_to(non_sat, -1 / s, **tolerance):
        return wrong("those are derivatives with respect to D = sigma(l); the exercise asks for the derivative in the logit "
                     "l, which multiplies by sigma'(l) = sigma(l)(1 - sigma(l)).")
    if abs(sat) < 1e-12:
        return wrong("grad_saturating is exactly 0: it is small but not zero, -sigma(-10) = -4.54e-05 (use 1 / (1 + "
                     "np.exp(-logit)), not a rounded value).")
    if not close_to(sat, expected[0], **tolerance):
        return wrong(f"grad_saturating = -sigma(l) with sigma(l) = 1 / (1 + e^(-l)) at l = -10; got {sat:.3g}.")
    return wrong(f"grad_non_saturating = -(1 - sigma(l)) at l = -10; got {non_sat:.6g}.")


def check_2(outside) -> bool:
    """Exercise 2: the fraction of 100,000 standard-normal alphas outside [0, 1]."""
    if outside is None:
        return not_answered("set outside to the fraction of the standard-normal alphas with alpha < 0 or alpha > 1.")
    value = _scalar(outside)
    if value is None:
        return wrong("outside is one number, a fraction between 0 and 1: np.mean((alphas < 0) | (alphas > 1)).")
    phi_1 = 0.5 * (1 + math.erf(1 / math.sqrt(2)))
    exact = 0.5 + 1 - phi_1
    tolerance = 0.01                        # the fraction of 100,000 draws has a standard error of 0.0015
    if abs(value - exact) < tolerance:
        return correct(f"{value:.3f}, exact {exact:.3f}: two thirds of the interpolates fall off the segment between real "
                       "and fake, where the penalty has no business; alpha must be uniform on [0, 1].")
    if abs(value - (1 - exact)) < tolerance:
        return wrong("that is the fraction INSIDE [0, 1]; the exercise asks for the fraction outside (alpha < 0 or > 1).")
    if abs(value - 0.5) < tolerance:
        return wrong("that counts only alpha < 0; add the alphas above 1: (alphas < 0) | (alphas > 1).")
    if abs(value - (1 - phi_1)) < tolerance:
        return wrong("that counts only alpha > 1; add the negative alphas: (alphas < 0) | (alphas > 1).")
    if value < tolerance:
        return wrong("almost no alpha falls outside: did you draw them uniformly (the fix)? This exercise measures keras-io's "
                     "old bug, alphas from a standard NORMAL (rng.standard_normal).")
    if value > 1:
        return wrong(f"{value:g} is a count; the exercise asks for a fraction: divide by the number of draws (np.mean).")
    return wrong(f"got {value:.3f}; expected about Phi(0) + 1 - Phi(1) = {exact:.3f}. Draw 100,000 alphas with "
                 "rng.standard_normal and take np.mean((alphas < 0) | (alphas > 1)).")


def check_3(coverage) -> bool:
    """Exercise 3: ``metrics.modes_covered`` on the data points with x1 > 1.2, with the lesson's metric settings."""
    if coverage is None:
        return not_answered("set coverage = metrics.modes_covered(collapsed, **metric) for the points with x1 > 1.2.")
    try:
        covered, high_quality = coverage
        covered, high_quality = int(covered), float(high_quality)
    except (TypeError, ValueError):
        return wrong("coverage should be what metrics.modes_covered returns: a pair (covered, high_quality).")
    if covered == 8:
        return wrong("8 modes covered: that is the whole ring. Keep only the points with x1 > 1.2: data[data[:, 0] > 1.2].")
    if covered == 3 and high_quality < 0.9:
        return wrong(f"3 modes, but only {high_quality:.0%} high quality: pass the lesson's metric settings, "
                     "metrics.modes_covered(collapsed, **metric); the default std is 0.02, and our ring's modes have std 0.05.")
    if covered != 3:
        return wrong(f"{covered} modes: the centres with x1 > 1.2 are at angles 0 and +-45 degrees (x1 = 2 and 1.41), so "
                     "three modes remain. Filter with data[:, 0] > 1.2 (the first coordinate).")
    if high_quality < 0.95:
        return wrong(f"high_quality {high_quality:.3f}: real data points from the kept modes should almost all be high "
                     "quality (about 0.99). Use the data points themselves, with **metric.")
    return correct(f"3 of 8 modes covered, yet high quality {high_quality:.3f}: collapse costs coverage, not quality, so "
                   "a generator must be judged on both.")
