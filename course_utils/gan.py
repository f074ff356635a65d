"""GAN models shared by lessons 06-09 and 13-16.

* The overview's Keras skeleton, completed with its own names and signatures: :func:`build_generator`,
  :func:`build_discriminator`, :func:`build_gan`, :func:`train_gan` (lesson 06, a fully-connected GAN).
* The GAN family, the idiomatic Keras 3 form: :class:`TwoPlayerGAN`, a ``keras.Model`` subclass that owns the two
  networks, the metric trackers, the weight average, the seeded noise, ``train_step`` and ``generate``; each GAN of
  the course derives from it and writes only its losses: :class:`NonSaturatingGAN` (lessons 07, 08, 13-16),
  ``cgan.ConditionalGAN`` (lesson 09) and ``wgan.WGANGP`` (lesson 08).
* The convolutional networks of lesson 07 (DCGAN), :func:`build_dcgan_generator` and
  :func:`build_dcgan_discriminator`, for any image shape: 28x28 grey, 32x32 or 64x64 colour.

Images are in [-1, 1] (``datasets.to_minus_one_one``); generators end in ``tanh``.
"""
from __future__ import annotations

from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import training
from .datasets import check_image_shape

IMAGE_SHAPE = (28, 28, 1)   # the default: MNIST and Fashion-MNIST


# --------------------------------------------------------------------------------------------------------
# Lesson 06: the overview's skeleton, completed (a fully-connected GAN)
# --------------------------------------------------------------------------------------------------------
def build_generator(latent_dim: int = 64, image_shape=IMAGE_SHAPE) -> keras.Model:
    """Noise z (latent_dim,) -> image (28, 28, 1) in [-1, 1], through fully-connected layers."""
    image_shape = check_image_shape(image_shape)
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(256), layers.LeakyReLU(0.2),
        layers.Dense(512), layers.LeakyReLU(0.2),
        layers.Dense(int(np.prod(image_shape)), activation="tanh"),
        layers.Reshape(image_shape),
    ], name="generator")


def build_discriminator(learning_rate: float = 2e-4, image_shape=IMAGE_SHAPE) -> keras.Model:
    """Image -> probability that it is real. Compiled on its own: it is trained directly on real/fake batches."""
    model = keras.Sequential([
        keras.Input(check_image_shape(image_shape)),
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
    image_shape = tuple(generator.output_shape[1:])
    if dataset.ndim != 4 or dataset.shape[1:] != image_shape:
        raise ValueError(f"dataset must be images of shape (N, {', '.join(map(str, image_shape))}) scaled to [-1, 1] "
                         f"(the generator's output), got {dataset.shape}.")
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


class SkeletonGAN(NamedTuple):
    """Lesson 06's three models as the overview's skeleton makes them: ``build_gan`` joins the first two."""

    generator: keras.Model
    discriminator: keras.Model
    gan: keras.Model


# The lesson-06 configuration (its recipe is ``recipes.LESSON_06``; the failing run of its section 8 changes the
# learning rates and trains a third of the epochs, ``recipes.LESSON_06_DISCRIMINATOR_WINS``).
LESSON_06_SETTINGS = {"latent_dim": 64, "batch_size": 64, "epochs": 30, "d_learning_rate": 2e-4, "g_learning_rate": 2e-4}


def build_lesson_06_gan(settings: dict | None = None, image_shape=IMAGE_SHAPE) -> SkeletonGAN:
    """The lesson-06 fully-connected GAN: the skeleton's generator, discriminator and combined model."""
    s = training.merge_settings(LESSON_06_SETTINGS, settings)
    generator = build_generator(s["latent_dim"], image_shape=image_shape)
    discriminator = build_discriminator(s["d_learning_rate"], image_shape=image_shape)
    return SkeletonGAN(generator, discriminator, build_gan(generator, discriminator, s["g_learning_rate"]))


# --------------------------------------------------------------------------------------------------------
# Image shapes: every image model of the course takes one
# --------------------------------------------------------------------------------------------------------
def upsampling_plan(image_shape) -> tuple[tuple[int, int], int]:
    """``((start_height, start_width), k)``: a DCGAN generator starts from a small map and doubles it ``k`` times.

    ``k`` is the most doublings (at most 4) that lead exactly to the image from a map at least 4 pixels high and
    wide: 28 = 7 * 2^2 (k = 2, lesson 07), 32 = 4 * 2^3 (k = 3), 64 = 4 * 2^4 (k = 4). The discriminator mirrors it.
    """
    height, width, _ = check_image_shape(image_shape)
    k = 4
    while k > 0 and (height % 2**k or width % 2**k or height // 2**k < 4 or width // 2**k < 4):
        k -= 1
    if k == 0:
        raise ValueError(f"a DCGAN needs an image side that halves at least once to 4 or more pixels, got {image_shape}.")
    return (height // 2**k, width // 2**k), k


# --------------------------------------------------------------------------------------------------------
# Lesson 07: DCGAN networks
# --------------------------------------------------------------------------------------------------------
def build_dcgan_generator(latent_dim: int = 64, width: int = 32, image_shape=IMAGE_SHAPE) -> keras.Model:
    """z -> Dense to a small map -> stride-2 transposed convolutions that double it -> tanh image of ``image_shape``.

    For 28x28 (lesson 07): a 7x7 map with ``2 * width`` channels, then 14x14 with ``width``, then the image. Larger
    images take more doublings (:func:`upsampling_plan`), each halving the channels: 32x32 starts at 4x4 with
    ``4 * width`` channels, 64x64 at 4x4 with ``8 * width``.
    """
    (h, w), k = upsampling_plan(image_shape)
    channels = image_shape[2]
    model = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(h * w * 2 ** (k - 1) * width, use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(0.2),
        layers.Reshape((h, w, 2 ** (k - 1) * width)),
    ], name="dcgan_generator")
    for level in range(k - 2, -1, -1):   # the doublings before the last: 2^level * width channels each
        model.add(layers.Conv2DTranspose(2 ** level * width, 4, strides=2, padding="same", use_bias=False))
        model.add(layers.BatchNormalization())
        model.add(layers.LeakyReLU(0.2))
    model.add(layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh"))
    return model


def build_dcgan_discriminator(width: int = 32, dropout: float = 0.2, image_shape=IMAGE_SHAPE) -> keras.Model:
    """image -> stride-2 convolutions that halve it (28 -> 14 -> 7 for lesson 07) -> one logit (no sigmoid: the loss
    takes logits). The mirror of :func:`build_dcgan_generator`: ``width``, ``2 * width``, ... channels."""
    _, k = upsampling_plan(image_shape)
    model = keras.Sequential([keras.Input(check_image_shape(image_shape))], name="dcgan_discriminator")
    for level in range(k):
        model.add(layers.Conv2D(2 ** level * width, 4, strides=2, padding="same"))
        model.add(layers.LeakyReLU(0.2))
    model.add(layers.Flatten())
    model.add(layers.Dropout(dropout))
    model.add(layers.Dense(1))
    return model


# The configuration lesson 07 teaches and the benchmark measures (one place, so they cannot drift apart).
LESSON_07_SETTINGS = {"latent_dim": 64, "g_width": 32, "d_width": 32, "d_dropout": 0.2,
                      "batch_size": 64, "learning_rate": 5e-4, "beta_1": 0.5, "label_smoothing": 0.1,
                      "ema_decay": 0.999, "diff_augment": False,
                      # the choices benchmarks/dcgan_variants.py measures (issue 15). R1 with gamma = 1 since
                      # 2026-12-04: over four trials (two seeds, two runs) it lowered the Frechet distance after 300 s
                      # from 20.7-24.9 to 10.6-15.7 (the floor: 9.3); the others measured did less or made it worse
                      "loss": "non_saturating", "r1_weight": 1.0, "jit_compile": False}


def build_lesson_07_dcgan(settings: dict | None = None, image_shape=IMAGE_SHAPE) -> "NonSaturatingGAN":
    """The lesson-07 DCGAN, compiled with its optimisers (Adam with beta_1 = 0.5 for both players); with
    ``"diff_augment": True`` its discriminator sees every image through ``augment.DiffAugment`` (lesson 16).
    ``"loss"`` picks the trainer from ``GAN_LOSSES``, ``"r1_weight"`` adds the R1 penalty and ``"jit_compile"`` compiles
    the training step with XLA: the choices ``benchmarks/dcgan_variants.py`` measures (issue 15)."""
    s = training.merge_settings(LESSON_07_SETTINGS, settings)
    if s["loss"] not in GAN_LOSSES:
        raise ValueError(f"loss={s['loss']!r} is not one of the course's GAN losses: {sorted(GAN_LOSSES)}.")
    if s["loss"] == "hinge" and s["label_smoothing"]:
        raise ValueError("the hinge loss has no targets to smooth: set label_smoothing=0 with loss='hinge'.")
    generator = build_dcgan_generator(s["latent_dim"], width=s["g_width"], image_shape=image_shape)   # built first:
    discriminator = build_dcgan_discriminator(width=s["d_width"], dropout=s["d_dropout"], image_shape=image_shape)  # seeded init
    if s["diff_augment"]:   # lesson 16: every image the discriminator sees in training, real or generated, is augmented
        discriminator = diff_augmented(discriminator, image_shape)
    model = GAN_LOSSES[s["loss"]](generator, discriminator, ema_decay=s["ema_decay"])
    model.compile(d_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                  g_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                  label_smoothing=s["label_smoothing"], r1_weight=s["r1_weight"], jit_compile=s["jit_compile"])
    return model


def diff_augmented(discriminator: keras.Model, image_shape=IMAGE_SHAPE) -> keras.Model:
    """``discriminator`` behind ``augment.DiffAugment`` (lesson 16): in training, every image it judges, real or
    generated, is first shifted and cut out (the same differentiable operations for both, so the generator's
    gradients pass through them); in inference the images pass unchanged. A conditional discriminator
    (``[image, label]`` inputs, ``cgan.build_conditional_discriminator``) gets only its image augmented."""
    from .augment import DiffAugment

    image = keras.Input(check_image_shape(image_shape), name="image")
    augmented = DiffAugment(seed=0)(image)
    if len(discriminator.inputs) == 1:
        return keras.Model(image, discriminator(augmented), name="diff_augmented_discriminator")
    label = keras.Input((), dtype="int32", name="label")
    return keras.Model([image, label], discriminator([augmented, label]), name="diff_augmented_discriminator")


# --------------------------------------------------------------------------------------------------------
# The GAN family
# --------------------------------------------------------------------------------------------------------
class TwoPlayerGAN(keras.Model):
    """What every adversarial pair of the course shares; a subclass writes only its two losses.

    It owns the two networks, the metric trackers (``METRICS``, the subclass's names), the optimisers, the noise
    (``keras.random`` with a ``SeedGenerator``: the same ``seed`` and data give the same training run), the weight
    average and ``generate``. Its ``train_step`` is the two-player update: ``discriminator_steps`` updates of the
    discriminator on a real batch and a generated one (fresh noise each), then one update of the generator, then
    the weight average. Subclasses define :meth:`discriminator_loss` and :meth:`generator_loss`; a conditional GAN
    also says how a batch splits into images and a condition, and how the condition reaches the networks.

    ``ema_decay`` (e.g. 0.999) keeps ``ema_generator``, an exponential moving average of the generator's weights
    (``training.update_weight_average``); :meth:`generate` and :attr:`sampler` then use the average, which smooths
    out the oscillation of GAN training.
    """

    METRICS = ("d_loss", "g_loss")
    discriminator_steps = 1

    def __init__(self, generator: keras.Model, discriminator: keras.Model, ema_decay: float | None = None,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1) or None, got {ema_decay}.")
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.METRICS}
        self.noise_seeds = keras.random.SeedGenerator(seed)
        self.ema_decay, self.ema_generator, self.r1_weight = ema_decay, None, 0.0
        if ema_decay is not None:
            self.ema_generator = training.weight_average_copy(generator)
            self.ema_step = tf.Variable(0.0, trainable=False, name="ema_step")
        # The two networks arrive built, so the pair is complete. Saying so keeps Keras from building it the way it
        # does under a tf.distribute strategy: by calling it on a batch of *images*, where a GAN's call takes noise.
        self.built = True

    def compile(self, d_optimizer, g_optimizer, label_smoothing: float = 0.0, r1_weight: float = 0.0, **kwargs):
        """``r1_weight`` (gamma) adds the zero-centred gradient penalty on real images (R1, Mescheder et al. 2018) to
        the discriminator's loss: ``gamma / 2 * E_x ||grad_x D(x)||^2``, reported as ``r1`` (:func:`r1_penalty`).
        Other keyword arguments (``jit_compile``, ``steps_per_execution``) go to ``keras.Model.compile``."""
        super().compile(**kwargs)
        if not 0.0 <= label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}.")
        if not r1_weight >= 0.0:
            raise ValueError(f"r1_weight must be >= 0 (0: no penalty), got {r1_weight}.")
        self.d_optimizer, self.g_optimizer, self.label_smoothing = d_optimizer, g_optimizer, label_smoothing
        self.r1_weight = float(r1_weight)
        if self.r1_weight and "r1" not in self.trackers:
            self.trackers["r1"] = keras.metrics.Mean(name="r1")

    @property
    def metrics(self):
        return list(self.trackers.values())

    def record(self, **values):
        """Update the trackers and return the logs ``fit`` shows."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # How a batch reaches the networks. Unconditional: the batch is the images (labels, if any, are not used).
    def split_batch(self, data):
        """``(real_images, condition)`` of one training batch; the condition is None for an unconditional GAN."""
        return (data[0] if isinstance(data, tuple | list) else data), None

    def generator_input(self, noise, condition):
        return noise

    def discriminator_input(self, images, condition):
        return images

    def noise(self, batch_size):
        """A batch of generator inputs z ~ N(0, I), drawn from the model's seed generator."""
        return keras.random.normal((batch_size, self.latent_dim), seed=self.noise_seeds)

    # The losses: what a subclass writes.
    def discriminator_loss(self, real_output, fake_output, real_images, fake_images, condition):
        """``(loss, logs)``: the discriminator's loss and the values ``fit`` reports about it."""
        raise NotImplementedError

    def generator_loss(self, fake_output):
        raise NotImplementedError

    def train_step(self, data):
        real_images, condition = self.split_batch(data)
        real_images = tf.convert_to_tensor(real_images, dtype=tf.float32)
        batch_size = tf.shape(real_images)[0]
        # 1. the discriminator: tell the real batch from a generated one
        for _ in range(self.discriminator_steps):
            with tf.GradientTape() as tape:
                fake_images = self.generator(self.generator_input(self.noise(batch_size), condition), training=True)
                with tf.GradientTape(watch_accessed_variables=False) as input_tape:   # R1: D's slope at real images
                    input_tape.watch(real_images)
                    real_output = self.discriminator(self.discriminator_input(real_images, condition), training=True)
                    real_total = tf.reduce_sum(real_output)   # on the tape: the gradient of each image's own score
                fake_output = self.discriminator(self.discriminator_input(fake_images, condition), training=True)
                d_loss, logs = self.discriminator_loss(real_output, fake_output, real_images, fake_images, condition)
                if self.r1_weight:   # 0 unless compiled with r1_weight
                    r1 = r1_penalty(input_tape.gradient(real_total, real_images))
                    d_loss, logs = d_loss + 0.5 * self.r1_weight * r1, {**logs, "r1": r1}
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        # 2. the generator, with fresh noise: make the discriminator take its images for real ones
        with tf.GradientTape() as tape:
            fake_images = self.generator(self.generator_input(self.noise(batch_size), condition), training=True)
            g_loss = self.generator_loss(self.discriminator(self.discriminator_input(fake_images, condition),
                                                            training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        # 3. the running average of the generator's weights
        if self.ema_generator is not None:
            training.update_weight_average(self.ema_generator, self.generator, self.ema_decay, self.ema_step)
        return self.record(g_loss=g_loss, **logs)

    def call(self, z, training=False):
        return self.generator(z, training=training)

    @property
    def sampler(self) -> keras.Model:
        """The generator to draw images with: the weight average if ``ema_decay`` was set, else the generator."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def generate(self, n: int, seed: int = 0) -> np.ndarray:
        """n images in [-1, 1] from fixed noise (the same seed gives the same images), drawn by :attr:`sampler`: noise of
        as many numbers as the sampler takes (``latent_dim``; one more for lesson 07's self-conditioned sampler)."""
        noise = tf.random.stateless_normal((n, int(self.sampler.inputs[0].shape[-1])), seed=(seed, 0))
        return self.sampler(noise, training=False).numpy()


class NonSaturatingGAN(TwoPlayerGAN):
    """The GAN of Goodfellow et al. (2014) as it is trained in practice, with logits and one-sided label smoothing.

    The discriminator minimises the binary cross-entropy of real images against the target ``1 - label_smoothing``
    and of generated images against 0; the generator minimises the non-saturating loss ``-log D(G(z))``.
    ``fit`` reports ``d_loss``, ``g_loss`` and ``d_real`` / ``d_fake`` (the mean of D's output on each). Lesson 07's
    DCGAN is this trainer with convolutional networks (:func:`build_lesson_07_dcgan`); lesson 08 uses it for points.
    """

    METRICS = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def discriminator_loss(self, real_logits, fake_logits, real_images, fake_images, condition):
        d_loss = (self.bce(tf.ones_like(real_logits) * (1.0 - self.label_smoothing), real_logits)
                  + self.bce(tf.zeros_like(fake_logits), fake_logits))
        return d_loss, {"d_loss": d_loss, "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),
                        "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits))}

    def generator_loss(self, fake_logits):
        return self.bce(tf.ones_like(fake_logits), fake_logits)


class HingeGAN(TwoPlayerGAN):
    """The hinge loss of SN-GAN and BigGAN (Lim and Ye 2017; Miyato et al. 2018): the discriminator's score is a
    logit-free number, and it minimises ``E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]``: it stops pushing on an image
    it already scores beyond the margin. The generator minimises ``-E[D(G(z))]``. ``d_real`` and ``d_fake`` are the
    mean scores (not probabilities). No label smoothing: there are no targets."""

    METRICS = ("d_loss", "g_loss", "d_real", "d_fake")

    def discriminator_loss(self, real_scores, fake_scores, real_images, fake_images, condition):
        d_loss = tf.reduce_mean(tf.nn.relu(1.0 - real_scores)) + tf.reduce_mean(tf.nn.relu(1.0 + fake_scores))
        return d_loss, {"d_loss": d_loss, "d_real": tf.reduce_mean(real_scores), "d_fake": tf.reduce_mean(fake_scores)}

    def generator_loss(self, fake_scores):
        return -tf.reduce_mean(fake_scores)


# The losses build_lesson_07_dcgan can train with (its "loss" setting).
GAN_LOSSES = {"non_saturating": NonSaturatingGAN, "hinge": HingeGAN}


def r1_penalty(gradients) -> tf.Tensor:
    """``E ||g||^2``: the mean over the batch of each image's squared gradient norm (summed over its pixels), for
    the gradients ``g = grad_x D(x)`` of the discriminator at real images. Zero-centred: unlike WGAN-GP's
    ``(||g|| - 1)^2`` it asks D to be flat at the data, which is where a GAN's training converges (Mescheder et al.
    2018, "Which training methods for GANs do actually converge?")."""
    flat = tf.reshape(gradients, (tf.shape(gradients)[0], -1))
    return tf.reduce_mean(tf.reduce_sum(tf.square(flat), axis=1))


def fixed_noise(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """The noise batch a sample-grid callback reuses every epoch, so its grids show the same samples improving."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
