"""Variational autoencoders in Keras 3 (lessons 10, 11 and 12; later lessons reuse them).

* :class:`Sampling` - the reparameterisation trick of lesson 04 as a layer: ``z = mu + sigma * eps``.
* :func:`build_encoder` / :func:`build_decoder` - multilayer perceptrons for 28x28x1 images; with
  ``n_classes > 0`` both also take a one-hot label (the conditional VAE of lesson 12).
* :func:`elbo_terms` - the two terms of the negative ELBO, **per image, in nats**: the Bernoulli
  reconstruction term summed over the 784 pixels and the Gaussian KL summed over the latent dimensions.
* :class:`VAE` / :class:`ConditionalVAE` - ``keras.Model`` subclasses with their own ``train_step`` and
  ``test_step`` (the losses are computed there: Keras 3 rejects ``add_loss`` on symbolic tensors,
  the pattern of many Keras 2 VAE tutorials).
* :func:`importance_weighted_log_likelihood` - the k-sample bound of Burda et al. (2016), tighter than the
  ELBO as k grows, used to estimate log p(x).

The decoder outputs Bernoulli **logits**; images are in [0, 1]. For the nats that papers report, the
pixels are binarised (:func:`stochastic_binarize` once for the test set, ``dynamic_binarization=True``
afresh for every training batch, as in Burda et al.).
"""
from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import training
from .datasets import check_image_shape

IMAGE_SHAPE = (28, 28, 1)


@keras.saving.register_keras_serializable(package="course_utils")
class Sampling(layers.Layer):
    """``[z_mean, z_log_var] -> z = z_mean + exp(z_log_var / 2) * eps`` with ``eps ~ N(0, I)``.

    The randomness sits in ``eps``, outside the parameters, so gradients flow through ``z_mean`` and
    ``z_log_var`` (the reparameterisation trick of lesson 04)."""

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(keras.ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + keras.ops.exp(0.5 * z_log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def _check_sizes(latent_dim: int, n_classes: int, hidden):
    if int(latent_dim) != latent_dim or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}.")
    if int(n_classes) != n_classes or n_classes < 0:
        raise ValueError(f"n_classes must be 0 (unconditional) or the number of classes, got {n_classes!r}.")
    if not hidden or any(int(h) != h or h < 1 for h in hidden):
        raise ValueError(f"hidden must be a sequence of positive layer widths, e.g. (512, 256), got {hidden!r}.")


def build_encoder(latent_dim: int = 16, n_classes: int = 0, hidden=(512, 256), image_shape=IMAGE_SHAPE) -> keras.Model:
    """image of ``image_shape`` ((28, 28, 1) by default) in [0, 1] [+ one-hot label] -> ``[z_mean, z_log_var]``,
    each (latent_dim,).

    A multilayer perceptron, as in Kingma & Welling (2014) and Burda et al. (2016): on a CPU it trains many
    times faster than a convolutional encoder of the same quality. The conditional version concatenates the
    one-hot label to the flattened image."""
    _check_sizes(latent_dim, n_classes, hidden)
    image = keras.Input(check_image_shape(image_shape), name="image")
    h = layers.Flatten()(image)
    inputs = [image]
    if n_classes:
        label = keras.Input((n_classes,), name="label_one_hot")
        inputs.append(label)
        h = layers.Concatenate()([h, label])
    for width in hidden:
        h = layers.Dense(width, activation="relu")(h)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(inputs if n_classes else image, [z_mean, z_log_var],
                       name="conditional_encoder" if n_classes else "encoder")


def build_decoder(latent_dim: int = 16, n_classes: int = 0, hidden=(256, 512), image_shape=IMAGE_SHAPE) -> keras.Model:
    """z (latent_dim,) [+ one-hot label] -> Bernoulli logits of ``image_shape``: the encoder's mirror image."""
    _check_sizes(latent_dim, n_classes, hidden)
    image_shape = check_image_shape(image_shape)
    z = keras.Input((latent_dim,), name="z")
    inputs, h = [z], z
    if n_classes:
        label = keras.Input((n_classes,), name="label_one_hot")
        inputs.append(label)
        h = layers.Concatenate()([z, label])
    for width in hidden:
        h = layers.Dense(width, activation="relu")(h)
    logits = layers.Reshape(image_shape, name="logits")(layers.Dense(int(np.prod(image_shape)))(h))
    return keras.Model(inputs if n_classes else z, logits, name="conditional_decoder" if n_classes else "decoder")


def elbo_terms(x, logits, z_mean, z_log_var):
    """The negative ELBO's two terms, one value per image, in nats.

    ``reconstruction = -log p(x | z) = sum over pixels of BCE(x, sigmoid(logits))`` (a sum, not a mean:
    a per-pixel mean would silently weight the KL 784 times more), and
    ``kl = KL(N(mu, sigma^2) || N(0, I)) = 0.5 * sum over latent dims of (mu^2 + sigma^2 - 1 - log sigma^2)``.
    """
    x = tf.cast(tf.convert_to_tensor(x), logits.dtype)
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits)
    reconstruction = tf.reduce_sum(tf.reshape(per_pixel, (tf.shape(per_pixel)[0], -1)), axis=1)
    kl = 0.5 * tf.reduce_sum(tf.square(z_mean) + tf.exp(z_log_var) - 1.0 - z_log_var, axis=1)
    return reconstruction, kl


def stochastic_binarize(images, seed: int = 0) -> np.ndarray:
    """Images in [0, 1] -> {0, 1}: each pixel is 1 with probability equal to its grey level.

    Done once with a fixed seed for a test set (so its nats are comparable between runs); the training
    set is binarised afresh every batch (``VAE(dynamic_binarization=True)``)."""
    images = np.asarray(images, dtype=np.float32)
    if images.size and (images.min() < 0 or images.max() > 1):
        raise ValueError("stochastic_binarize expects images in [0, 1]; use datasets.to_zero_one first.")
    return (np.random.default_rng(seed).random(images.shape) < images).astype(np.float32)


def _check_beta(beta):
    if not (isinstance(beta, (int, float)) and math.isfinite(beta) and beta >= 0):
        raise ValueError(f"beta must be a finite number >= 0 (1 is the plain VAE), got {beta!r}.")
    return float(beta)


class VAE(keras.Model):
    """A VAE trained by ``fit`` on batches of images in [0, 1].

    ``train_step`` encodes, samples ``z`` with :class:`Sampling`, decodes to logits, and minimises
    ``reconstruction + beta * kl`` (:func:`elbo_terms`, averaged over the batch). ``fit`` and ``evaluate``
    report ``loss`` (the negative ELBO when ``beta = 1``), ``reconstruction`` and ``kl``, all in nats per
    image. With ``dynamic_binarization=True`` each training batch is binarised afresh (pixel ~ Bernoulli(grey
    level)); evaluation data are used as given (binarise the test set once with :func:`stochastic_binarize`).
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0,
                 dynamic_binarization: bool = False, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.beta = _check_beta(beta)
        self.dynamic_binarization = bool(dynamic_binarization)
        self.sampling = Sampling(seed=seed)
        self.binarization_seeds = keras.random.SeedGenerator(None if seed is None else seed + 1)
        self.latent_dim = int(decoder.inputs[0].shape[-1])
        self.image_shape = tuple(encoder.inputs[0].shape[1:])
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    # The unconditional model's data are plain image batches; ConditionalVAE overrides these two methods.
    def _split(self, data):
        return (data[0] if isinstance(data, tuple) else data), None

    def _encode_decode(self, x, condition, training):
        z_mean, z_log_var = self.encoder(x, training=training)
        z = self.sampling([z_mean, z_log_var])
        return self.decoder(z, training=training), z_mean, z_log_var

    def _loss_terms(self, data, training):
        x, condition = self._split(data)
        logits, z_mean, z_log_var = self._encode_decode(x, condition, training)
        reconstruction, kl = elbo_terms(x, logits, z_mean, z_log_var)
        reconstruction, kl = tf.reduce_mean(reconstruction), tf.reduce_mean(kl)
        return reconstruction + self.beta * kl, reconstruction, kl

    def _record(self, loss, reconstruction, kl):
        for name, value in (("loss", loss), ("reconstruction", reconstruction), ("kl", kl)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _binarized(self, data):
        """The batch with its images binarised afresh (each pixel 1 with probability its grey level), labels kept."""
        def binary(x):
            return tf.cast(keras.random.uniform(tf.shape(x), seed=self.binarization_seeds) < x, x.dtype)
        return (binary(data[0]),) + tuple(data[1:]) if isinstance(data, tuple) else binary(data)

    def train_step(self, data):
        if self.dynamic_binarization:
            data = self._binarized(data)
        with tf.GradientTape() as tape:
            loss, reconstruction, kl = self._loss_terms(data, training=True)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self._record(loss, reconstruction, kl)

    def test_step(self, data):
        return self._record(*self._loss_terms(data, training=False))

    def call(self, data, training=False):
        """Reconstruction probabilities of images (one sampled z each)."""
        logits, _, _ = self._encode_decode(*self._split(data), training)
        return tf.sigmoid(logits)

    # NumPy conveniences for the lessons
    def encode(self, images, batch_size: int = 500):
        """``(z_mean, z_log_var)`` as NumPy arrays for images in [0, 1]."""
        return self.encoder.predict(_images(images, self.image_shape), batch_size=batch_size, verbose=0)

    def decode(self, z, batch_size: int = 500) -> np.ndarray:
        """Decoder means (pixel probabilities in [0, 1]) for latent codes ``z`` of shape (N, latent_dim)."""
        z = _latents(z, self.latent_dim)
        return _sigmoid(self.decoder.predict(z, batch_size=batch_size, verbose=0))

    def generate(self, n: int, seed: int = 0) -> np.ndarray:
        """n images in [0, 1] decoded from prior samples ``z ~ N(0, I)`` (the same seed gives the same images)."""
        return self.decode(np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32))

    def negative_elbo(self, images, seed: int = 0, batch_size: int = 500) -> dict:
        """Mean ``loss`` / ``reconstruction`` / ``kl`` in nats per image over images in [0, 1] (one z each)."""
        return self._evaluate_terms(_images(images, self.image_shape), None, seed, batch_size)

    def _evaluate_terms(self, x, y, seed, batch_size) -> dict:
        """``evaluate`` with the sampling layer's noise started from ``seed``, then put back where training left it:
        the same seed gives the same numbers, and nothing else in the process is reseeded."""
        state = self.sampling.seed_generator.state
        saved = keras.ops.convert_to_numpy(state.value)
        state.assign(np.array([seed, 0], dtype=saved.dtype))
        try:
            logs = self.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
        finally:
            state.assign(saved)
        return {k: float(v) for k, v in logs.items()}


class ConditionalVAE(VAE):
    """A VAE whose encoder and decoder both see the class: ``q(z | x, y)`` and ``p(x | z, y)``.

    Trained on ``(images, integer labels)`` batches. To draw a chosen class, sample ``z ~ N(0, I)`` and
    decode it with that class's one-hot vector (:meth:`generate`)."""

    def __init__(self, encoder: keras.Model, decoder: keras.Model, n_classes: int = 10, beta: float = 1.0, **kwargs):
        super().__init__(encoder, decoder, beta=beta, **kwargs)
        if len(encoder.inputs) != 2 or len(decoder.inputs) != 2:
            raise ValueError("ConditionalVAE needs an encoder and decoder built with n_classes > 0 "
                             "(build_encoder(latent_dim, n_classes=10)).")
        self.n_classes = int(n_classes)

    def _split(self, data):
        if not isinstance(data, tuple) or len(data) < 2:
            raise ValueError("ConditionalVAE trains on (images, labels) batches: make_dataset(images, labels).")
        x, y = data[0], data[1]
        return x, tf.one_hot(tf.cast(tf.reshape(y, [-1]), tf.int32), self.n_classes)

    def _encode_decode(self, x, condition, training):
        z_mean, z_log_var = self.encoder([x, condition], training=training)
        z = self.sampling([z_mean, z_log_var])
        return self.decoder([z, condition], training=training), z_mean, z_log_var

    def _one_hot(self, labels):
        labels = np.asarray(labels).reshape(-1)
        if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes or not np.all(labels == labels.astype(int))):
            raise ValueError(f"labels must be integers in 0..{self.n_classes - 1}, got {labels[:10]}...")
        return np.eye(self.n_classes, dtype=np.float32)[labels.astype(int)]

    def encode(self, images, labels, batch_size: int = 500):
        return self.encoder.predict([_images(images, self.image_shape), self._one_hot(labels)], batch_size=batch_size, verbose=0)

    def decode(self, z, labels, batch_size: int = 500) -> np.ndarray:
        z = _latents(z, self.latent_dim)
        one_hot = self._one_hot(labels)
        if len(one_hot) != len(z):
            raise ValueError(f"{len(z)} latent codes but {len(one_hot)} labels.")
        return _sigmoid(self.decoder.predict([z, one_hot], batch_size=batch_size, verbose=0))

    def generate(self, labels, seed: int = 0) -> np.ndarray:
        """One image in [0, 1] per requested label, from prior samples (the same seed, the same images)."""
        labels = np.asarray(labels).reshape(-1)
        z = np.random.default_rng(seed).standard_normal((len(labels), self.latent_dim)).astype(np.float32)
        return self.decode(z, labels)

    def negative_elbo(self, images, labels=None, seed: int = 0, batch_size: int = 500) -> dict:
        if labels is None:
            raise ValueError("ConditionalVAE.negative_elbo needs the labels of the images.")
        return self._evaluate_terms(_images(images, self.image_shape), np.asarray(labels), seed, batch_size)


def _images(images, image_shape=IMAGE_SHAPE) -> np.ndarray:
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3 and image_shape[-1] == 1:
        images = images[..., None]
    if images.shape[1:] != tuple(image_shape):
        raise ValueError(f"images must have shape (N, {', '.join(map(str, image_shape))}) (the encoder's input) with "
                         f"values in [0, 1], got {images.shape}.")
    if images.size and (images.min() < 0 or images.max() > 1):
        raise ValueError("VAE images must be in [0, 1] (datasets.to_zero_one), not [-1, 1] or 0..255.")
    return images


def _latents(z, latent_dim: int) -> np.ndarray:
    z = np.asarray(z, dtype=np.float32)
    if z.ndim != 2 or z.shape[1] != latent_dim:
        raise ValueError(f"latent codes must have shape (N, {latent_dim}), got {z.shape}.")
    return z


def _sigmoid(logits) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))).astype(np.float32)


# The configurations lessons 10 and 12 teach (one place, so lessons 13 and 14 train the same models).
LESSON_10_SETTINGS = {"latent_dim": 16, "hidden": (512, 256), "batch_size": 128, "learning_rate": 1e-3,
                      "beta": 1.0, "dynamic_binarization": True}
# The conditional VAE's code is small on purpose: with the class given, two numbers are enough for the style, and
# a code with room for the class as well lets the decoder ignore the label early in training.
LESSON_12_SETTINGS = {**LESSON_10_SETTINGS, "latent_dim": 2, "n_classes": 10}


def build_lesson_10_vae(settings: dict | None = None, image_shape=IMAGE_SHAPE) -> VAE:
    """The lesson-10 VAE, compiled with Adam."""
    s = training.merge_settings(LESSON_10_SETTINGS, settings)
    model = VAE(build_encoder(s["latent_dim"], hidden=s["hidden"], image_shape=image_shape),
                build_decoder(s["latent_dim"], hidden=s["hidden"][::-1], image_shape=image_shape),
                beta=s["beta"], dynamic_binarization=s["dynamic_binarization"])
    model.compile(optimizer=keras.optimizers.Adam(s["learning_rate"]))
    return model


def build_lesson_12_cvae(settings: dict | None = None, image_shape=IMAGE_SHAPE) -> ConditionalVAE:
    """The lesson-12 conditional VAE, compiled with Adam."""
    s = training.merge_settings(LESSON_12_SETTINGS, settings)
    model = ConditionalVAE(build_encoder(s["latent_dim"], s["n_classes"], hidden=s["hidden"], image_shape=image_shape),
                           build_decoder(s["latent_dim"], s["n_classes"], hidden=s["hidden"][::-1], image_shape=image_shape),
                           n_classes=s["n_classes"], beta=s["beta"], dynamic_binarization=s["dynamic_binarization"])
    model.compile(optimizer=keras.optimizers.Adam(s["learning_rate"]))
    return model
