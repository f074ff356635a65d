"""Checks for the exercises of lesson 05 (DCGAN): up-sampling layers, updates per second against batch size, and
one-sided label smoothing."""
from __future__ import annotations

import math

import numpy as np

from .feedback import close_to, correct, not_answered, wrong
from .feedback import as_scalar as _scalar


def check_1(layers_needed) -> bool:
    """Exercise 1: the number of stride-2 transposed convolutions from 4x4 to 64x64."""
    if layers_needed is None:
        return not_answered("set layers_needed to the number of stride-2 layers that take 4x4 to 64x64.")
    value = _scalar(layers_needed)
    if value is None:
        return wrong(f"layers_needed is one whole number, got {layers_needed!r:.60}.")
    if value == 16:
        return wrong("16 = 64 / 4 is the total scale factor. Each stride-2 layer doubles the size, so you need the n with "
                     "2^n = 16.")
    if value == 60:
        return wrong("the sizes multiply, they do not add: each stride-2 layer doubles the size.")
    if value == 3:
        return wrong("three doublings give 4 -> 8 -> 16 -> 32: one short of 64.")
    if value == 5:
        return wrong("five doublings give 4 -> 8 -> 16 -> 32 -> 64 -> 128: one too many (count the layers, not the sizes).")
    if value == 6:
        return wrong("64 = 2^6, but the generator starts from 4 = 2^2, not from 1: you need 2^n = 64 / 4.")
    if value != 4:
        return wrong("solve 4 * 2^n = 64 for n: np.log2(64 / 4).")
    return correct("4 layers: 4 -> 8 -> 16 -> 32 -> 64, as in the DCGAN paper's generator.")


def check_2(tutorial_updates, mnist_steps, batch_size=64) -> bool:
    """Exercise 2: updates at batch 256 in the time the lesson's run made ``mnist_steps`` updates at ``batch_size``,
    if a step's cost is proportional to its batch."""
    if tutorial_updates is None:
        return not_answered("set tutorial_updates from mnist_steps (the updates our run made at batch 64).")
    value = _scalar(tutorial_updates)
    if value is None:
        return wrong(f"tutorial_updates is one number, got {tutorial_updates!r:.60}.")
    expected = mnist_steps * batch_size / 256
    if abs(value - expected) <= 1:
        return correct(f"about {int(expected)} updates instead of {mnist_steps}: a batch 4 times larger costs 4 times as much "
                       "per step, so in the same time the tutorial's generator is updated 4 times less often.")
    if value == mnist_steps:
        return wrong("the same number of updates would take 4 times as long: each step at batch 256 costs about 4 times "
                     f"as much as a step at batch {batch_size}.")
    if abs(value - mnist_steps * 256 / batch_size) <= 1:
        return wrong("a larger batch makes each step dearer, so there are FEWER updates in the same time: multiply by "
                     f"{batch_size} / 256, not 256 / {batch_size}.")
    if abs(value - mnist_steps / 256) <= 1 or abs(value - mnist_steps / 4 / 256) <= 1:
        return wrong(f"the time went into mnist_steps * {batch_size} images; at 256 images per step that is "
                     f"mnist_steps * {batch_size} / 256 steps.")
    return wrong(f"got {value:g}. The run processed mnist_steps * {batch_size} images; at 256 images per step, how many "
                 "steps is that?")


def check_3(loss_hard, loss_smooth) -> bool:
    """Exercise 3: the binary cross-entropy of D = 0.99 on a real image against target 1 and against target 0.9."""
    if loss_hard is None or loss_smooth is None:
        return not_answered("set loss_hard and loss_smooth with keras.losses.BinaryCrossentropy, targets 1 and 0.9.")
    hard, smooth = _scalar(loss_hard), _scalar(loss_smooth)
    if hard is None or smooth is None:
        return wrong("loss_hard and loss_smooth are numbers, e.g. float(bce([[1.0]], [[0.99]])).")
    expected_hard = -math.log(0.99)
    expected_smooth = -(0.9 * math.log(0.99) + 0.1 * math.log(0.01))
    swapped_smooth = -(0.99 * math.log(0.9) + 0.01 * math.log(0.1))
    tolerance = dict(rtol=1e-3, atol=1e-5)   # Keras computes in float32 and clips D to [1e-7, 1 - 1e-7]
    if close_to(smooth, swapped_smooth, **tolerance) or (hard > 0.1 and close_to(smooth, swapped_smooth, rtol=0.05)):
        return wrong("you swapped the arguments: Keras losses take (target, prediction), so the smoothed loss is "
                     "bce([[0.9]], [[0.99]]).")
    if hard > 0.1:
        return wrong(f"loss_hard = {hard:.3f} is too large for a confident, correct D = 0.99: it should be -log 0.99. Keras "
                     "losses take (target, prediction): bce([[1.0]], [[0.99]]).")
    if close_to(smooth, -0.9 * math.log(0.99), **tolerance):
        return wrong("a target of 0.9 puts weight 0.1 on 'fake' too: the loss is -[0.9 log D + 0.1 log(1 - D)], and the "
                     "second term is large at D = 0.99.")
    if close_to(hard, -math.log10(0.99), **tolerance) or close_to(smooth, expected_smooth / math.log(10), **tolerance):
        return wrong("cross-entropies use the natural logarithm.")
    if not close_to(hard, expected_hard, **tolerance):
        return wrong(f"loss_hard should be -log 0.99 = {expected_hard:.4f}; got {hard:.4f}.")
    if not close_to(smooth, expected_smooth, **tolerance):
        return wrong(f"loss_smooth should be -[0.9 log 0.99 + 0.1 log 0.01]; got {smooth:.4f}.")
    return correct(f"target 1: {hard:.3f}, target 0.9: {smooth:.3f}. The hard target keeps pushing D towards 1; the smoothed "
                   "one is minimised at D = 0.9, so it pulls an over-confident D = 0.99 back down.")
