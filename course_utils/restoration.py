"""Restoring damaged images with a trained generator (lesson 14).

* The quality of a restoration is measured by ``metrics.psnr`` and ``metrics.ssim`` (every metric of the course
  lives in :mod:`course_utils.metrics`).
* :func:`square_masks`, :func:`apply_mask`, :func:`add_gaussian_noise` - the damage: a missing square
  (mask 1 = pixel visible, 0 = missing) and additive Gaussian noise.
* :func:`latent_search` - find the code ``z`` whose image ``G(z)`` best explains the *visible* pixels of a
  damaged image, by gradient descent on a ``tf.Variable`` z:

  ``loss(z) = sum_pixels m * (G(z) - y)^2 / (2 sigma^2) + prior_weight * |z|^2 / 2``

  the negative log of a Gaussian likelihood on the visible pixels plus the Gaussian prior ``N(0, I)``
  (a MAP estimate). It works for any differentiable ``G`` that maps codes to images in [0, 1]: a VAE's
  decoder or a GAN's generator.
* :func:`composite` - keep the pixels we know, take only the missing ones from the restoration.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from .metrics import as_unit_images as _as_images, image_pair as _pair


def square_masks(n: int, size: int, image_size: int = 28, seed: int | None = None) -> np.ndarray:
    """``n`` masks (n, image_size, image_size, 1): 1 where a pixel is visible, 0 inside a ``size`` x ``size``
    missing square. With ``seed=None`` the square is centred; with a seed each mask's square is placed at random
    (entirely inside the image)."""
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive number of masks, got {n!r}.")
    if int(size) != size or not 1 <= size < image_size:
        raise ValueError(f"size must be an integer from 1 to {image_size - 1} (the missing square's side), got {size!r}.")
    masks = np.ones((int(n), image_size, image_size, 1), dtype=np.float32)
    if seed is None:
        tops = lefts = np.full(int(n), (image_size - size) // 2)
    else:
        rng = np.random.default_rng(seed)
        tops, lefts = rng.integers(0, image_size - size + 1, size=(2, int(n)))
    for mask, top, left in zip(masks, tops, lefts):
        mask[top:top + size, left:left + size] = 0.0
    return masks


def apply_mask(images, masks, fill: float = 0.0) -> np.ndarray:
    """Images with their missing pixels (mask 0) set to ``fill``."""
    images = _as_images(images, "images")
    masks = np.asarray(masks, dtype=np.float32)
    if masks.shape != images.shape:
        raise ValueError(f"masks {masks.shape} must have the images' shape {images.shape} (see square_masks).")
    return images * masks + fill * (1.0 - masks)


def add_gaussian_noise(images, sigma: float, seed: int = 0, clip: bool = True) -> np.ndarray:
    """Images plus N(0, sigma^2) noise on every pixel, clipped back to [0, 1] unless ``clip=False``."""
    images = _as_images(images, "images")
    if not (np.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"sigma must be a finite standard deviation >= 0, got {sigma!r}.")
    noisy = images + np.random.default_rng(seed).normal(0.0, sigma, images.shape).astype(np.float32)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


def composite(damaged, restored, masks) -> np.ndarray:
    """Visible pixels from the damaged image, missing ones (mask 0) from the restoration."""
    damaged, restored = _pair(damaged, restored)
    masks = np.asarray(masks, dtype=np.float32)
    if masks.shape != damaged.shape:
        raise ValueError(f"masks {masks.shape} must have the images' shape {damaged.shape}.")
    return masks * damaged + (1.0 - masks) * restored


def masked_loss(restored, target, masks, sigma: float = 0.1):
    """The data term of :func:`latent_search`, per image: ``sum m (restored - target)^2 / (2 sigma^2)``."""
    return tf.reduce_sum(masks * tf.square(restored - target), axis=[1, 2, 3]) / (2.0 * sigma ** 2)


def latent_search(generator, targets, masks=None, z_init=None, steps: int = 200, learning_rate: float = 0.05,
                  sigma: float = 0.1, prior_weight: float = 1.0) -> dict:
    """Gradient descent on codes ``z`` (a ``tf.Variable``, Adam) so that ``generator(z)`` fits ``targets`` where
    ``masks`` is 1, with a Gaussian prior on ``z`` (see the module docstring for the loss).

    ``generator`` maps a float32 tensor (N, latent_dim) to images (N, H, W, C) in [0, 1] and must be differentiable
    (e.g. ``lambda z: tf.sigmoid(vae.decoder(z))`` or ``lambda z: (gan.sampler(z) + 1) / 2``). ``z_init`` (N,
    latent_dim) is the starting point (the encoder's mean for a VAE, prior draws for a GAN). Returns ``z``, ``images`` (NumPy), ``loss`` (per image, the
    final total) and ``history`` (mean total loss per step, ``steps + 1`` values).
    """
    targets = _as_images(targets, "targets")
    masks = np.ones_like(targets) if masks is None else np.asarray(masks, dtype=np.float32)
    if masks.shape != targets.shape:
        raise ValueError(f"masks {masks.shape} must have the targets' shape {targets.shape}.")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}.")
    if not (sigma > 0 and prior_weight >= 0 and learning_rate > 0):
        raise ValueError("sigma and learning_rate must be > 0 and prior_weight >= 0.")
    if z_init is None:
        raise ValueError("pass z_init of shape (N, latent_dim): e.g. the encoder's mean, or zeros, or prior draws "
                         "np.random.default_rng(seed).standard_normal((N, latent_dim)).")
    z_init = np.asarray(z_init, dtype=np.float32)
    if z_init.ndim != 2 or len(z_init) != len(targets):
        raise ValueError(f"z_init must have shape (N={len(targets)}, latent_dim), got {z_init.shape}.")
    z = tf.Variable(z_init)
    y, m = tf.constant(targets), tf.constant(masks)
    optimizer = keras.optimizers.Adam(learning_rate)

    def total_loss():
        images = generator(z)
        if images.shape[1:] != targets.shape[1:]:
            raise ValueError(f"generator returned images of shape {images.shape[1:]}, targets are {targets.shape[1:]}.")
        return masked_loss(images, y, m, sigma) + prior_weight * 0.5 * tf.reduce_sum(tf.square(z), axis=1)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = total_loss()
            mean = tf.reduce_mean(loss)
        optimizer.apply_gradients([(tape.gradient(mean, z), z)])
        return mean

    history = [float(step()) for _ in range(int(steps))]   # each value: the loss before that step's update
    final = total_loss()
    history.append(float(tf.reduce_mean(final)))
    return {"z": z.numpy(), "images": np.clip(generator(z).numpy(), 0.0, 1.0), "loss": final.numpy(),
            "history": np.array(history)}
