"""Checks for the exercises of lesson 03 (generator losses in practice): the non-saturating loss as a binary
cross-entropy with the generated samples labelled 1.

A check computes its reference itself, on fixed logits, and names the typical slips (the discriminator's label, the
saturating loss, the sign, the sum instead of the mean).
"""
from __future__ import annotations

import numpy as np

from course_utils import gan_theory

from .feedback import close_to, correct, evaluate, not_answered, wrong


def check_1(generator_loss) -> bool:
    """Exercise 1: ``generator_loss(fake_logits)``, the non-saturating loss as a BCE with the fakes labelled 1."""
    if generator_loss is None:
        return not_answered("define generator_loss(fake_logits) with bce.")
    import tensorflow as tf
    logits = np.array([[-30.0], [-5.0], [-0.5], [0.0], [2.0], [25.0]])
    value, problem = evaluate(generator_loss, tf.constant(logits, tf.float32))
    if problem:
        return wrong(f"generator_loss gets a float32 tensor of logits, shape (6, 1); {problem}.")
    if value is None:
        return not_answered("generator_loss returns None: replace the `return None` with a binary cross-entropy.")
    if value.shape not in ((), (1,)):
        return wrong(f"return one number, the mean over the batch; got shape {value.shape} (bce already averages).")
    value = float(value.ravel()[0])
    per_example = gan_theory.non_saturating_generator_loss(logits)
    expected = float(np.mean(per_example))
    softplus = np.logaddexp(0.0, logits)                                      # -log(1 - D) = softplus(l)
    if close_to(value, float(np.mean(softplus)), rtol=1e-5):
        return wrong("you labelled the fakes 0: that is the discriminator's fake term, -log(1 - D(G(z))). The generator "
                     "pretends its samples are real: bce(tf.ones_like(fake_logits), fake_logits).")
    if close_to(value, -float(np.mean(softplus)), rtol=1e-5):
        return wrong("you used log(1 - D(G(z))), the *saturating* loss of the minimax game. The non-saturating loss is "
                     "-log D(G(z)): a BCE with label 1.")
    if close_to(value, -expected, rtol=1e-5):
        return wrong("the sign is flipped: the loss to minimise is -log D(G(z)), which is >= 0.")
    if close_to(value, float(np.sum(per_example)), rtol=1e-5):
        return wrong("that is the sum over the batch; the loss is the mean (what bce returns).")
    if not close_to(value, expected, rtol=1e-5, atol=1e-6):
        return wrong(f"got {value:.5f}, expected mean -log sigmoid(l) = {expected:.5f} on these logits. Use the lesson's "
                     "bce (from_logits=True, so large logits stay exact) with labels tf.ones_like(fake_logits).")
    return correct("a BCE with the generated samples labelled 1 is exactly the non-saturating loss -log D(G(z)).")
