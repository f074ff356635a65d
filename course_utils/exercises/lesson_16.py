"""Checks for lesson 16's exercises (challenges: scaling out, scarce data). Each prints a verdict and returns True/False."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


def check_1(global_batch, learning_rate) -> bool:
    """Exercise 1: 8 GPUs, 64 images per replica, Adam at 5e-4 for batch 64: the square-root scaling rule."""
    if global_batch is None or learning_rate is None:
        return not_answered("set both `global_batch` (images per step, all replicas) and `learning_rate`.")
    if not close_to(global_batch, 8 * 64):
        if close_to(global_batch, 64):
            return wrong("each of the 8 replicas processes its own 64 images in every step.")
        return wrong("the global batch is the per-replica batch times the number of replicas.")
    if close_to(learning_rate, 5e-4 * np.sqrt(8), rtol=1e-2):
        return correct("sqrt(8) times the rate for Adam (about 1.4e-3), with a warm-up; then measure that it still trains.")
    if close_to(learning_rate, 5e-4 * 8, rtol=1e-6):
        return wrong("that is the linear rule, derived for SGD. Adam normalises its steps by the gradient's size, so "
                     "the rule for it multiplies the rate by the square root of the batch factor.")
    if close_to(learning_rate, 5e-4, rtol=1e-6):
        return wrong("the global batch is right; a batch 8 times larger allows a larger rate: by what factor, for Adam?")
    return wrong("for Adam, the square-root rule: the rate times sqrt(global batch / 64), from 5e-4 at batch 64.")


def check_2(brightness) -> bool:
    """Exercise 2: ``brightness(x, seed)`` adds one random offset in [-0.5, 0.5) per image, differentiably."""
    if brightness is None:
        return not_answered("define `brightness(x, seed)` returning x plus one random offset per image.")
    if not callable(brightness):
        return wrong("`brightness` must be a function of (x, seed).")
    import tensorflow as tf

    x = tf.Variable(np.random.default_rng(1).uniform(-1, 1, (16, 6, 6, 1)).astype(np.float32))
    try:
        with tf.GradientTape() as tape:
            out = brightness(x, seed=3)
            if out is None:
                return not_answered("brightness returns None: replace the `return None` with your code.")
            total = tf.reduce_sum(out)
        grad = tape.gradient(total, x)
        out = np.asarray(out, dtype=np.float64)
    except Exception as error:  # a learner's function may fail in any way: report it, don't raise
        return wrong(f"calling brightness raised {type(error).__name__}: {error}")
    if out.shape != tuple(x.shape):
        return wrong(f"the output must keep the batch's shape {tuple(x.shape)}, got {out.shape}.")
    offsets = out - x.numpy()
    per_image = offsets.reshape(16, -1)
    if not np.allclose(per_image, per_image[:, :1], atol=1e-5):
        return wrong("use ONE offset per image (shape (N, 1, 1, 1)), the same for all its pixels.")
    values = per_image[:, 0]
    if np.ptp(values) < 1e-3:
        return wrong("every image got the same offset: draw one per image, e.g. keras.random.uniform((n, 1, 1, 1), ...).")
    if values.min() < -0.5 - 1e-6 or values.max() >= 0.5 + 1e-6:
        return wrong(f"offsets must lie in [-0.5, 0.5); got values from {values.min():.2f} to {values.max():.2f}.")
    if grad is None or not np.allclose(grad.numpy(), 1.0, atol=1e-5):
        return wrong("the generator's gradient must pass through unchanged (d out / d x = 1): build it from TensorFlow "
                     "or keras.ops operations, not NumPy.")
    return correct("Add it to augment.OPERATIONS and it joins the policy.")
