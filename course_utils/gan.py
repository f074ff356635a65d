"""GAN models shared by lessons 04-07 and 10-12.

* The overview's Keras skeleton, completed with its own names and signatures: :func:`build_generator`,
  :func:`build_discriminator`, :func:`build_gan`, :func:`train_gan` (lesson 04, a fully-connected GAN).
* :class:`DCGAN`, the idiomatic Keras 3 form: a ``keras.Model`` subclass with its own ``compile`` and
  ``train_step``, with :func:`build_dcgan_generator` and :func:`build_dcgan_discriminator` (lesson 05).

Images are in [-1, 1] (``datasets.to_minus_one_one``); generators end in ``tanh``.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

IMAGE_SHAPE = (28, 28, 1)


# --------------------------------------------------------------------------------------------------------
# Lesson 04: the overview's skeleton, completed (a fully-connected GAN)
# --------------------------------------------------------------------------------------------------------
def build_generator(latent_dim: int = 64) -> keras.Model:
    """Noise z (latent_dim,) -> image (28, 28, 1) in [-1, 1], through fully-connected layers."""
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(256), layers.LeakyReLU(0.2),
        layers.Dense(512), layers.LeakyReLU(0.2),
        layers.Dense(int(np.prod(IMAGE_SHAPE)), activation="tanh"),
        layers.Reshape(IMAGE_SHAPE),
    ], name="generator")


def build_discriminator(learning_rate: float = 2e-4) -> keras.Model:
    """Image -> probability that it is real. Compiled on its own: it is trained directly on real/fake batches."""
    model = keras.Sequential([
        keras.Input(IMAGE_SHAPE),
        layers.Flatten(),
        layers.Dense(512), layers.LeakyReLU(0.2),
        layers.Dense(256), layers.LeakyReLU(0.2),
        layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def build_gan(generator: keras.Model, discriminator: keras.Model, learning_rate: float = 2e-4) -> keras.Model:
    """The generator followed by a *frozen* discriminator: training it moves only the generator."""
    discriminator.trainable = False
    gan = keras.Sequential([generator, discriminator], name="gan")
    gan.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5), loss="binary_crossentropy")
    return gan


def train_gan(generator, discriminator, gan, dataset, epochs, batch_size, *, seed: int = 0, on_epoch_end=None):
    """The overview's training loop: for each batch, (1) draw real images and noise, (2) train the
    discriminator on real (label 1) and generated (label 0) images, (3) train the generator, through the
    frozen discriminator, to make it answer 1. Returns per-epoch means of d_loss, d_acc and g_loss.

    Keras 3 reads ``trainable`` when it first builds a model's train function; the discriminator is therefore
    unfrozen right before its own step and frozen again before the generator's step (setting it once, as
    Keras 2 code did, leaves the discriminator untrained with only a warning).
    """
    dataset = np.asarray(dataset, dtype=np.float32)
    if dataset.ndim != 4 or dataset.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"dataset must be images of shape (N, 28, 28, 1) scaled to [-1, 1], got {dataset.shape}.")
    if not 1 <= batch_size <= len(dataset):
        raise ValueError(f"batch_size must be between 1 and the dataset size {len(dataset)}, got {batch_size}.")
    latent_dim = generator.input_shape[-1]
    rng = np.random.default_rng(seed)
    real_labels, fake_labels = np.ones((batch_size, 1), np.float32), np.zeros((batch_size, 1), np.float32)
    history = {"d_loss": [], "d_acc": [], "g_loss": []}
    for epoch in range(epochs):
        d_losses, d_accs, g_losses = [], [], []
        for _ in range(len(dataset) // batch_size):
            real = dataset[rng.integers(0, len(dataset), batch_size)]                 # (1) a real batch ...
            noise = rng.standard_normal((batch_size, latent_dim)).astype(np.float32)  # ... and noise
            fake = generator.predict_on_batch(noise)
            discriminator.trainable = True                                             # (2) the discriminator
            loss_real, acc_real = discriminator.train_on_batch(real, real_labels)
            loss_fake, acc_fake = discriminator.train_on_batch(fake, fake_labels)
            discriminator.trainable = False                                            # (3) the generator
            noise = rng.standard_normal((batch_size, latent_dim)).astype(np.float32)
            g_loss = gan.train_on_batch(noise, real_labels)
            d_losses.append(0.5 * (loss_real + loss_fake))
            d_accs.append(0.5 * (acc_real + acc_fake))
            g_losses.append(float(np.squeeze(g_loss)))
        for key, values in zip(history, (d_losses, d_accs, g_losses)):
            history[key].append(float(np.mean(values)))
        if on_epoch_end is not None:
            on_epoch_end(epoch, {key: values[-1] for key, values in history.items()})
    return history


# --------------------------------------------------------------------------------------------------------
# Lesson 05: DCGAN as a keras.Model subclass
# --------------------------------------------------------------------------------------------------------
def build_dcgan_generator(latent_dim: int = 64, width: int = 32) -> keras.Model:
    """z -> Dense to a 7x7 map -> two stride-2 transposed convolutions (7 -> 14 -> 28) -> tanh image."""
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 2 * width, use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(0.2),
        layers.Reshape((7, 7, 2 * width)),
        layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
    ], name="dcgan_generator")


def build_dcgan_discriminator(width: int = 32, dropout: float = 0.2) -> keras.Model:
    """image -> two stride-2 convolutions (28 -> 14 -> 7) -> one logit (no sigmoid: the loss takes logits)."""
    return keras.Sequential([
        keras.Input(IMAGE_SHAPE),
        layers.Conv2D(width, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(2 * width, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(), layers.Dropout(dropout),
        layers.Dense(1),
    ], name="dcgan_discriminator")


# The configuration lesson 05 teaches and the benchmark measures (one place, so they cannot drift apart).
LESSON_05_SETTINGS = {"latent_dim": 64, "g_width": 32, "d_width": 32, "d_dropout": 0.2,
                      "batch_size": 64, "learning_rate": 5e-4, "beta_1": 0.5, "label_smoothing": 0.1,
                      "ema_decay": 0.999}


def build_lesson_05_dcgan(settings: dict | None = None) -> "DCGAN":
    """The lesson-05 DCGAN, compiled with its optimisers (Adam with beta_1 = 0.5 for both players)."""
    s = {**LESSON_05_SETTINGS, **(settings or {})}
    model = DCGAN(build_dcgan_generator(s["latent_dim"], width=s["g_width"]),
                  build_dcgan_discriminator(width=s["d_width"], dropout=s["d_dropout"]), ema_decay=s["ema_decay"])
    model.compile(d_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                  g_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                  label_smoothing=s["label_smoothing"])
    return model


class TwoPlayerGAN(keras.Model):
    """What every adversarial pair in the course shares: the two networks, the logit BCE, the metric trackers
    (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``) and ``compile(d_optimizer, g_optimizer, label_smoothing)``.
    Subclasses write ``train_step`` and report through :meth:`record`."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "d_real", "d_fake")}
        # The two networks arrive built, so the pair is complete. Saying so keeps Keras from building it the way it
        # does under a tf.distribute strategy: by calling it on a batch of *images*, where a GAN's call takes noise.
        self.built = True

    def compile(self, d_optimizer, g_optimizer, label_smoothing: float = 0.0, **kwargs):
        super().compile(**kwargs)
        if not 0.0 <= label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}.")
        self.d_optimizer, self.g_optimizer, self.label_smoothing = d_optimizer, g_optimizer, label_smoothing

    @property
    def metrics(self):
        return list(self.trackers.values())

    def record(self, **values):
        """Update the trackers and return the logs ``fit`` shows."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


class DCGAN(TwoPlayerGAN):
    """A GAN whose ``fit`` runs the two-player update: one discriminator step, then one generator step.

    ``compile(d_optimizer, g_optimizer, label_smoothing=0.1)``: the discriminator's targets for real images
    are ``1 - label_smoothing`` (one-sided label smoothing). The generator uses the non-saturating loss
    ``-log D(G(z))``. ``fit`` reports ``d_loss``, ``g_loss`` and ``d_real`` / ``d_fake`` (mean D output).

    ``ema_decay`` (e.g. 0.999) keeps ``ema_generator``, an exponential moving average of the generator's
    weights, updated after every step: ``w_ema <- d * w_ema + (1 - d) * w``, with ``d`` warmed up as
    ``min(ema_decay, (1 + t) / (10 + t))``. Averaging smooths out the oscillation of GAN training;
    :meth:`generate` and :attr:`sampler` then use the average.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, ema_decay: float | None = None, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1) or None, got {ema_decay}.")
        self.ema_decay, self.ema_generator = ema_decay, None
        if ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_step = tf.Variable(0.0, trainable=False, name="ema_step")
        self.latent_dim = generator.input_shape[-1]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def train_step(self, real_images):
        if isinstance(real_images, tuple):  # a (images, labels) dataset: the labels are not used
            real_images = real_images[0]
        batch_size = tf.shape(real_images)[0]
        noise = tf.random.normal((batch_size, self.latent_dim))
        # 1. the discriminator: real -> 1 - smoothing, generated -> 0
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            d_loss = (self.bce(tf.ones_like(real_logits) * (1.0 - self.label_smoothing), real_logits)
                      + self.bce(tf.zeros_like(fake_logits), fake_logits))
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        # 2. the generator: make the discriminator say "real" (non-saturating loss)
        noise = tf.random.normal((batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            fake_logits_g = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.bce(tf.ones_like(fake_logits_g), fake_logits_g)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        if self.ema_generator is not None:  # 3. the running average of the generator's weights
            decay = tf.minimum(self.ema_decay, (1.0 + self.ema_step) / (10.0 + self.ema_step))
            for average, current in zip(self.ema_generator.weights, self.generator.weights):
                average.assign(decay * average + (1.0 - decay) * current)
            self.ema_step.assign_add(1.0)
        return self.record(d_loss=d_loss, g_loss=g_loss, d_real=tf.reduce_mean(tf.sigmoid(real_logits)),
                           d_fake=tf.reduce_mean(tf.sigmoid(fake_logits)))

    @property
    def sampler(self) -> keras.Model:
        """The generator to draw images with: the weight average if ``ema_decay`` was set, else the generator."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def generate(self, n: int, seed: int = 0) -> np.ndarray:
        """n images in [-1, 1] from fixed noise (the same seed gives the same images), drawn by :attr:`sampler`."""
        noise = tf.random.stateless_normal((n, self.latent_dim), seed=(seed, 0))
        return self.sampler(noise, training=False).numpy()


def fixed_noise(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """The noise batch a sample-grid callback reuses every epoch, so its grids show the same samples improving."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
