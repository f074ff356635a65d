"""Differentiable augmentation for training GANs on little data: DiffAugment (Zhao et al. 2020), lesson 16.

With few training images the discriminator memorises them, its verdicts stop carrying information, and
the generator's samples get worse. Augmenting only the *real* images would teach the generator to draw
augmented images (shifted digits, squares cut out). DiffAugment applies the same kind of random,
*differentiable* transformation to real and to generated images, every time the discriminator sees them,
in the discriminator's and in the generator's update; the generator's gradient flows back through it.

* :func:`translation` and :func:`cutout`: the two operations used here (both linear in the image, so
  their gradient is simply the same shift or the same mask).
* :func:`diff_augment`: a policy (a sequence of operation names) applied in order.
* :class:`DiffAugment`: the same as a Keras layer, active only when ``training=True``. Put it in front of a
  discriminator (``keras.Sequential([DiffAugment(), discriminator])``) and every image the discriminator
  sees during training, real or generated, is augmented, while inference is left untouched.
"""
from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

POLICIES = ("translation", "cutout")


def _check_images(x):
    x = tf.convert_to_tensor(x)
    if x.shape.rank != 4 or x.shape[1] is None or x.shape[2] is None:
        raise ValueError(f"images must be a batch of shape (N, H, W, C) with known H and W, got {x.shape}.")
    if not x.dtype.is_floating:
        raise ValueError(f"images must be floats (scaled, e.g. to [-1, 1]), got dtype {x.dtype.name}.")
    return x


def _seeds(seed, k: int):
    """k seeds for keras.random from one: from an int, k different ints (the same draws at every call);
    a keras.random.SeedGenerator is passed on k times (it gives new draws at every use)."""
    if seed is None:
        raise ValueError("pass a seed: an int (reproducible) or a keras.random.SeedGenerator (new draws each call).")
    if isinstance(seed, int) and not isinstance(seed, bool):
        return [seed * 7919 + i for i in range(k)]
    if isinstance(seed, keras.random.SeedGenerator):
        return [seed] * k
    raise TypeError(f"seed must be an int or a keras.random.SeedGenerator, got {type(seed).__name__}.")


def translation(x, ratio: float = 0.125, fill: float = 0.0, seed=None):
    """Shift each image by its own random whole number of pixels, up to ``ratio`` of its size in each
    direction (0.125 of 28 pixels: up to 3), filling the uncovered border with ``fill``."""
    x = _check_images(x)
    if not 0.0 <= ratio < 0.5:
        raise ValueError(f"ratio must be in [0, 0.5), got {ratio}.")
    n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
    max_dy, max_dx = int(h * ratio), int(w * ratio)
    seed_y, seed_x = _seeds(seed, 2)
    dy = keras.random.randint((n,), -max_dy, max_dy + 1, seed=seed_y)
    dx = keras.random.randint((n,), -max_dx, max_dx + 1, seed=seed_x)
    # Shift matrices: row i of the output takes row i - dy of the input (a one-hot row; out of range -> all zero).
    shift_rows = tf.one_hot(tf.range(h)[None, :] - dy[:, None], h, dtype=x.dtype)       # (N, H, H)
    shift_cols = tf.one_hot(tf.range(w)[None, :] - dx[:, None], w, dtype=x.dtype)       # (N, W, W)
    centred = x - fill
    out = tf.einsum("bij,bjkc->bikc", shift_rows, centred)
    out = tf.einsum("blk,bikc->bilc", shift_cols, out)
    return out + fill


def cutout(x, ratio: float = 0.5, fill: float = 0.0, seed=None):
    """Set a square of side ``ratio`` times the image size, at a random place in each image, to ``fill``."""
    x = _check_images(x)
    if not 0.0 < ratio < 1.0:
        raise ValueError(f"ratio must be in (0, 1), got {ratio}.")
    n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
    size_y, size_x = int(h * ratio + 0.5), int(w * ratio + 0.5)
    seed_y, seed_x = _seeds(seed, 2)
    top = keras.random.randint((n, 1, 1), -(size_y // 2), h - size_y // 2, seed=seed_y)
    left = keras.random.randint((n, 1, 1), -(size_x // 2), w - size_x // 2, seed=seed_x)
    rows, cols = tf.range(h)[None, :, None], tf.range(w)[None, None, :]
    inside = (rows >= top) & (rows < top + size_y) & (cols >= left) & (cols < left + size_x)   # (N, H, W)
    keep = 1.0 - tf.cast(inside, x.dtype)[..., None]
    return x * keep + fill * (1.0 - keep)


OPERATIONS = {"translation": translation, "cutout": cutout}


def diff_augment(x, policy=POLICIES, seed=None, fill: float = 0.0):
    """Apply the operations named in ``policy`` in order (each with its default strength)."""
    if isinstance(policy, str):
        policy = (policy,)
    unknown = [p for p in policy if p not in OPERATIONS]
    if unknown:
        raise ValueError(f"unknown augmentation {unknown}; choose from {sorted(OPERATIONS)}.")
    x = _check_images(x)
    for name, op_seed in zip(policy, _seeds(seed, len(policy))):
        x = OPERATIONS[name](x, fill=fill, seed=op_seed)
    return x


@keras.saving.register_keras_serializable(package="course_utils")
class DiffAugment(layers.Layer):
    """:func:`diff_augment` as a layer: augments when ``training=True`` (a new random draw each call),
    passes images through unchanged otherwise. Put it in front of the discriminator."""

    def __init__(self, policy=POLICIES, fill: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        policy = (policy,) if isinstance(policy, str) else tuple(policy)
        unknown = [p for p in policy if p not in OPERATIONS]
        if unknown:
            raise ValueError(f"unknown augmentation {unknown}; choose from {sorted(OPERATIONS)}.")
        self.policy, self.fill, self.seed = policy, float(fill), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        return diff_augment(x, self.policy, seed=self.seed_generator, fill=self.fill)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "policy": list(self.policy), "fill": self.fill, "seed": self.seed}
