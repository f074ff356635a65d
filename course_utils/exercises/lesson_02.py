"""Checks for the exercises of lesson 02 (the GAN objective): weighted and least-squares optimal discriminators, and
the JSD against the KL. (The non-saturating loss as a binary cross-entropy is lesson 03's exercise 1.)

Derivations are checked the lesson's way, with ``gan_theory``'s brute-force maximiser (no calculus), on fixed inputs.
"""
from __future__ import annotations

import math

import numpy as np

from course_utils import gan_theory

from .feedback import close_to, correct, evaluate, not_answered, wrong


def _cases(seed=0):
    rng = np.random.default_rng(seed)
    return 10.0 ** rng.uniform(-3, 1, 50), 10.0 ** rng.uniform(-3, 1, 50)


def check_1(d_star_weighted) -> bool:
    """Exercise 1: ``d_star_weighted(p_data, p_g, lam)``, the D maximising a log D + lam b log(1 - D) pointwise."""
    if d_star_weighted is None:
        return not_answered("define d_star_weighted(p_data, p_g, lam) returning the optimal D of V_lambda.")
    a, b = _cases()
    lam = 3.0
    value, problem = evaluate(d_star_weighted, a.copy(), b.copy(), lam)
    if problem:
        return wrong(f"d_star_weighted(p_data, p_g, lam) gets arrays of density values and a number; {problem}.")
    if value is None:
        return not_answered("d_star_weighted returns None: replace the `return None` with your formula.")
    if value.shape != a.shape:
        return wrong(f"return one D value per point: shape {a.shape} for inputs of that shape, got {value.shape}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        if close_to(value, a / (a + b)):
            return wrong("your formula does not depend on lambda: that is lesson 02's D* for lambda = 1. Redo the pointwise "
                         "maximisation of f(y) = a log y + lambda b log(1 - y).")
        if close_to(value, lam * a / (lam * a + b)):
            return wrong("lambda is on the wrong density. It multiplies the *fake* term, lambda b log(1 - y): from "
                         "a / y = lambda b / (1 - y), a(1 - y) = lambda b y, so y = a / (a + lambda b).")
        if close_to(value, lam * b / (a + lam * b)) or close_to(value, b / (a + lam * b)):
            return wrong("that is (related to) the probability that x is *fake*; D outputs the probability that x is real, "
                         "so p_data goes in the numerator.")
    for weight in (3.0, 0.5):
        try:
            gan_theory.check_optimal_discriminator(lambda p, q, w=weight: d_star_weighted(p, q, w), fake_weight=weight)
        except AssertionError as error:
            return wrong(f"with lambda = {weight:g}: {error}")
        except Exception as error:
            return wrong(f"with lambda = {weight:g}, calling d_star_weighted raised {type(error).__name__}: {error}.")
    return correct("D*_lambda = p_data / (p_data + lambda p_g): a heavier fake term makes D more cautious about saying 'real'.")


def _least_squares(y, a, b):
    return -(a * (y - 1) ** 2 + b * y ** 2)


def _affine_in_reference(objective):
    """Does ``objective(y, a, b)`` equal c(a, b) * least_squares + d(a, b) with c > 0 (same maximiser, same game)?
    Returns None if yes, else a hint."""
    a, b = _cases(1)
    a, b = a[:12, None], b[:12, None]
    y = np.linspace(0.05, 0.95, 19)[None, :]
    values, problem = evaluate(objective, y, a, b)
    if problem:
        return f"objective(y, a, b) gets arrays that broadcast (y a row, a and b columns); {problem}."
    if values is None:
        return "objective returns None: write the pointwise objective to be maximised."
    try:
        values = np.broadcast_to(values, (12, 19))
    except ValueError:
        return f"objective should return one value per (y, a, b), broadcast to shape (12, 19); got shape {values.shape}."
    reference = np.broadcast_to(_least_squares(y, a, b), (12, 19))
    if np.allclose(values, -reference, rtol=1e-9, atol=1e-12):
        return ("that is the quantity the least-squares discriminator *minimises*; check_optimal_discriminator *maximises* "
                "its objective, so pass its negative: lambda y, a, b: -(a * (y - 1) ** 2 + b * y ** 2).")
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.allclose(values, gan_theory.minimax_objective(y, a, b), rtol=1e-9):
            return ("that is the original GAN's a log y + b log(1 - y); the least-squares discriminator minimises "
                    "a (y - 1)^2 + b y^2 (pass its negative to be maximised).")
    for row in range(12):
        design = np.stack([reference[row], np.ones(19)], axis=1)
        (scale, shift), *_ = np.linalg.lstsq(design, values[row], rcond=None)
        if not (np.all(np.isfinite(values[row])) and scale > 0 and
                np.allclose(design @ [scale, shift], values[row], rtol=1e-7, atol=1e-9)):
            return ("your objective is not the least-squares one: for data density a, generator density b and D = y, "
                    "the discriminator minimises a (y - 1)^2 + b y^2, so the objective to maximise is its negative.")
    return None


def check_2(objective, d_star_least_squares) -> bool:
    """Exercise 2: the least-squares GAN's pointwise objective (to be maximised) and its optimal discriminator."""
    if objective is None or d_star_least_squares is None:
        return not_answered("define objective(y, a, b) (to be maximised) and d_star_least_squares(p_data, p_g).")
    probe, problem = evaluate(objective, np.array([0.5]), np.array([1.0]), np.array([1.0]))
    if probe is None and problem is None:
        return not_answered("objective returns None: replace the `return None` with the pointwise objective to maximise.")
    hint = _affine_in_reference(objective)
    if hint:
        return wrong(hint)
    a, b = _cases(2)
    value, problem = evaluate(d_star_least_squares, a.copy(), b.copy())
    if problem:
        return wrong(f"d_star_least_squares(p_data, p_g) gets two arrays of density values; {problem}.")
    if value is None:
        return not_answered("d_star_least_squares returns None: replace the `return None` with your formula.")
    try:
        gan_theory.check_optimal_discriminator(d_star_least_squares, objective=_least_squares)
    except AssertionError as error:
        return wrong(f"{error} (Here: minimise g(y) = a (y - 1)^2 + b y^2; g'(y) = 2a(y - 1) + 2by.)")
    except Exception as error:
        return wrong(f"calling d_star_least_squares raised {type(error).__name__}: {error}.")
    return correct("the least-squares discriminator has the same optimum, D* = p_data / (p_data + p_g); what differs is the "
                   "value at that optimum (with these 0/1 targets, -1/2 plus a quarter of the triangular discrimination, "
                   "not the JSD).")


def check_3(jsds, kl_gaps) -> bool:
    """Exercise 3: the JSDs of 50 random Gaussian pairs, and their KL asymmetries |KL(p||q) - KL(q||p)|."""
    if jsds is None or kl_gaps is None:
        return not_answered("fill jsds and kl_gaps with 50 values each, one per random pair of Gaussians.")
    try:
        jsds, kl_gaps = np.asarray(jsds, dtype=np.float64), np.asarray(kl_gaps, dtype=np.float64)
    except (TypeError, ValueError):
        return wrong("jsds and kl_gaps should be lists or arrays of numbers.")
    if jsds.shape != (50,) or kl_gaps.shape != (50,):
        return wrong(f"expected 50 values each (one per pair), got shapes {jsds.shape} and {kl_gaps.shape}.")
    if not (np.all(np.isfinite(jsds)) and np.all(np.isfinite(kl_gaps))):
        return wrong("some values are NaN or infinite: evaluate both densities on the grid x, which holds all their mass.")
    if np.any(jsds < -1e-12):
        return wrong("a JSD is negative: it is an average of two KL divergences, each >= 0. Check the order of arguments.")
    if np.any(jsds > math.log(2) + 1e-9):
        if np.all(jsds <= 1 + 1e-9):
            return wrong("some JSDs exceed log 2 = 0.693 but not 1: did you use log base 2 (bits)? The course works in nats.")
        return wrong("some 'JSDs' exceed log 2 = 0.693, which the JSD never does: did you compute KL(p || q) instead, or "
                     "forget that m = (p + q) / 2? Use gan_theory.jensen_shannon(p, q, x).")
    if np.ptp(jsds) < 1e-9:
        return wrong("all 50 JSDs are equal: draw a new pair of means and standard deviations for each of the 50 pairs.")
    if np.any(kl_gaps < -1e-12):
        return wrong("some gaps are negative: take the absolute value |KL(p || q) - KL(q || p)|.")
    if np.max(kl_gaps) < 1e-9:
        return wrong("all the KL gaps are 0: compare kl_divergence(p, q, x) with kl_divergence(q, p, x) (the arguments "
                     "swapped), not a divergence with itself or JSD(p, q) with JSD(q, p).")
    if np.max(kl_gaps) < 1.0:
        return wrong("the largest KL asymmetry is below 1 nat. With standard deviations anywhere in [0.3, 2] some pairs are "
                     "very unequal in width, and the KL's asymmetry is large there: check the ranges you drew from.")
    return correct(f"every JSD lies in [0, log 2] (largest {jsds.max():.3f}), while KL(p || q) and KL(q || p) differ by up to "
                   f"{kl_gaps.max():.1f} nats: the JSD is symmetric and bounded, the KL neither.")
