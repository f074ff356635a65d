"""Checks for the exercises of lesson 06 (a first GAN in Keras): the equilibrium loss, saturating against
non-saturating gradients, and the size of the two networks."""
from __future__ import annotations

import math

import numpy as np

from .feedback import close_to, correct, not_answered, wrong
from .feedback import as_scalar as _scalar

D_FAKE = np.array([0.01, 0.02, 0.05])


def check_1(equilibrium_loss) -> bool:
    """Exercise 1: the binary cross-entropy, averaged over one real (label 1) and one fake (label 0) example, of a
    discriminator that outputs D = 0.5."""
    if equilibrium_loss is None:
        return not_answered("set equilibrium_loss with keras.losses.binary_crossentropy on targets [[1], [0]] and D = 0.5.")
    value = _scalar(equilibrium_loss)
    if value is None:
        return wrong(f"equilibrium_loss should be one number (the mean over the two examples), got {equilibrium_loss!r:.60}.")
    if close_to(value, math.log(4), rtol=1e-5):
        return wrong("log 4 is the SUM of the real and the fake loss (lesson 02's -V at equilibrium). The exercise averages "
                     "over the examples, as binary_crossentropy and Keras's reported d_loss do: take the mean.")
    if close_to(value, -math.log(2), rtol=1e-5):
        return wrong("the sign is flipped: a cross-entropy is -[y log D + (1 - y) log(1 - D)] >= 0.")
    if close_to(value, 1.0, rtol=1e-5):
        return wrong("1 is log 2 in bits; Keras (and the course) use natural logarithms, nats.")
    if close_to(value, math.log10(2), rtol=1e-5):
        return wrong("that is log10(2); cross-entropies use the natural logarithm.")
    if close_to(value, 0.5, rtol=1e-5):
        return wrong("0.5 is the discriminator's output D itself; the loss is the cross-entropy -log 0.5 per example.")
    if not close_to(value, math.log(2), rtol=1e-5):
        return wrong(f"got {value:.4f}. Each example costs -log 0.5 whatever its label; average the two.")
    return correct(f"{value:.4f} = log 2: at the equilibrium D = 1/2 and the discriminator's loss per example is log 2, the "
                   "dotted line in section 7's loss plot.")


def _per_example_or_mean(value, per_example):
    """Does ``value`` match the per-example derivatives, the derivatives of the batch mean, or their mean?"""
    array = np.asarray(value, dtype=np.float64)
    if array.shape == per_example.shape:
        return close_to(array, per_example, rtol=1e-4) or close_to(array, per_example / len(per_example), rtol=1e-4)
    return array.size == 1 and close_to(array.ravel()[0], per_example.mean(), rtol=1e-4)


def check_2(saturating, grad_saturating, grad_non_saturating) -> bool:
    """Exercise 2: for D(G(z)) = [0.01, 0.02, 0.05], the saturating loss mean log(1 - D), and the derivatives with
    respect to D of the saturating and the non-saturating (-log D) losses (per example, or their mean)."""
    if saturating is None or grad_saturating is None or grad_non_saturating is None:
        return not_answered("set saturating, grad_saturating and grad_non_saturating for d_fake = [0.01, 0.02, 0.05].")
    try:
        values = [np.asarray(v, dtype=np.float64) for v in (saturating, grad_saturating, grad_non_saturating)]
    except (TypeError, ValueError):
        return wrong("the three answers should be numbers (or arrays of 3 numbers for the gradients).")
    if values[0].size != 1:
        return wrong("saturating is the batch loss: one number, the mean of log(1 - D) over the 3 examples.")
    loss = float(values[0].ravel()[0])
    expected_loss = float(np.mean(np.log(1 - D_FAKE)))
    if close_to(loss, -expected_loss, rtol=1e-4):
        return wrong("the saturating loss is E[log(1 - D(G(z)))] itself, which the generator minimises (it is the term of "
                     "V the generator controls); you negated it.")
    if close_to(loss, float(np.mean(np.log(D_FAKE))), rtol=1e-4) or close_to(loss, -float(np.mean(np.log(D_FAKE))), rtol=1e-4):
        return wrong("you used log D(G(z)): that is the non-saturating loss. The saturating version is log(1 - D(G(z))).")
    if close_to(loss, float(np.sum(np.log(1 - D_FAKE))), rtol=1e-4):
        return wrong("that is the sum over the batch; the batch loss is the mean.")
    if not close_to(loss, expected_loss, rtol=1e-4):
        return wrong(f"saturating should be mean(log(1 - d_fake)); got {loss:.4f}.")
    sat, non_sat = -1 / (1 - D_FAKE), -1 / D_FAKE
    if _per_example_or_mean(values[1], -sat) or _per_example_or_mean(values[2], -non_sat):
        return wrong("a sign is flipped: d/dD log(1 - D) = -1 / (1 - D), and d/dD (-log D) = -1 / D. Both are negative: "
                     "raising D lowers both losses.")
    if _per_example_or_mean(values[1], non_sat) and _per_example_or_mean(values[2], sat):
        return wrong("the two gradients are swapped: the saturating loss log(1 - D) has derivative -1 / (1 - D).")
    if _per_example_or_mean(values[1], -D_FAKE) or _per_example_or_mean(values[2], D_FAKE - 1):
        return wrong("that is the derivative with respect to the logit (lesson 03); this exercise asks for the derivative "
                     "with respect to D itself: d/dD log(1 - D) = -1 / (1 - D).")
    if not _per_example_or_mean(values[1], sat):
        return wrong("grad_saturating: the derivative of log(1 - D) with respect to D is -1 / (1 - D), for each D in d_fake.")
    if not _per_example_or_mean(values[2], non_sat):
        return wrong("grad_non_saturating: the derivative of -log D with respect to D is -1 / D, for each D in d_fake.")
    return correct(f"mean gradients {sat.mean():.2f} (saturating) against {non_sat.mean():.1f} (non-saturating): when the "
                   f"discriminator is confident, the non-saturating loss gives a {non_sat.mean() / sat.mean():.0f} times "
                   "stronger signal.")


def check_3(g_params, d_params, generator, discriminator) -> bool:
    """Exercise 3: the trainable parameters of the lesson's generator and discriminator (the models are passed so the
    check counts the very networks the learner trained)."""
    if g_params is None or d_params is None:
        return not_answered("set g_params and d_params to the numbers of trainable parameters.")
    g, d = _scalar(g_params), _scalar(d_params)
    if g is None or d is None:
        return wrong("g_params and d_params are numbers: sum(int(np.prod(w.shape)) for w in model.trainable_weights).")
    g_expected, d_expected = generator.count_params(), discriminator.count_params()
    if d == 0:
        return wrong("0 trainable parameters for the discriminator: train_gan leaves it frozen (trainable = False) after its "
                     "last generator step. Set discriminator.trainable = True before counting (or use count_params()).")
    if g == g_expected + d_expected or d == g_expected + d_expected:
        return wrong("that is the size of the stacked GAN model (generator + discriminator); count each network on its own.")
    if g == len(generator.trainable_weights) or d == len(discriminator.weights):
        return wrong("that is the number of weight tensors (kernels and biases), not of parameters: add up np.prod(w.shape).")
    if g == d_expected and d == g_expected:
        return wrong("the two counts are swapped.")
    if g != g_expected:
        return wrong(f"g_params should count every trainable number of the generator; got {g:,.0f}.")
    if d != d_expected:
        return wrong(f"d_params should count every trainable number of the discriminator; got {d:,.0f}.")
    bigger = "generator" if g_expected > d_expected else "discriminator"
    margin = abs(g_expected - d_expected) / min(g_expected, d_expected)
    return correct(f"generator {g_expected:,}, discriminator {d_expected:,}: the {bigger} is bigger by {margin:.0%}; the two "
                   "are matched in size, so neither overpowers the other by capacity alone.")
