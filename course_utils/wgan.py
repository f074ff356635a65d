"""GAN training problems and their fixes (lesson 08; lessons 09 and 13 reuse the models).

* The toy problem of the Unrolled-GAN and VEEGAN papers: :func:`ring_of_gaussians` (8 Gaussians on a circle);
  its standard metric is ``metrics.modes_covered`` (modes covered, fraction of high-quality samples), which
  :class:`ModeCoverageCallback` records during ``fit``.
* Small fully-connected networks for 2-D points: :func:`build_mlp_generator`, :func:`build_mlp_critic`
  (``spectral_norm=True`` wraps every Dense layer in ``keras.layers.SpectralNormalization``: the SN-GAN
  discriminator of Miyato et al. 2018, trained with ``course_utils.gan.NonSaturatingGAN``'s loss).
* WGAN-GP (Gulrajani et al. 2017): :func:`gradient_penalty` and :class:`WGANGP`, a member of the course's GAN
  family (``course_utils.gan.TwoPlayerGAN``) that writes only its losses and its ``compile``. Both are
  shape-agnostic: the same code trains on 2-D points and on images.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import gan, training
from .gan import TwoPlayerGAN
from .metrics import modes_covered


# --------------------------------------------------------------------------------------------------------
# The toy problem: a ring of Gaussians, and how many of its modes a generator covers
# --------------------------------------------------------------------------------------------------------
def mode_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The (modes, 2) centres, evenly spaced on a circle of the given radius, the first on the x-axis."""
    if modes < 1:
        raise ValueError(f"modes must be a positive number, got {modes}.")
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_of_gaussians(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.02, seed: int = 0) -> np.ndarray:
    """n points (float32, shape (n, 2)) from an equal mixture of ``modes`` Gaussians N(centre, std^2 I)
    whose centres lie on a circle of the given radius (the Unrolled-GAN paper's 2-D problem)."""
    if n < 1:
        raise ValueError(f"n must be a positive number of points, got {n}.")
    if std <= 0:
        raise ValueError(f"std must be positive, got {std}.")
    rng = np.random.default_rng(seed)
    centres = mode_centres(modes, radius)
    which = rng.integers(0, modes, n)
    return (centres[which] + std * rng.standard_normal((n, 2))).astype(np.float32)


class ModeCoverageCallback(keras.callbacks.Callback):
    """Every ``every`` epochs, generate ``n`` points and record ``modes_covered`` in ``self.history``
    (keys ``epoch``, ``covered``, ``high_quality``); keeps the generated points in ``self.snapshots``."""

    def __init__(self, n: int = 2000, every: int = 1, seed: int = 0, **metric_kwargs):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be a positive number of epochs, got {every}.")
        self.n, self.every, self.seed, self.metric_kwargs = n, every, seed, metric_kwargs
        self.history = {"epoch": [], "covered": [], "high_quality": []}
        self.snapshots: dict[int, np.ndarray] = {}

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        points = self.model.generate(self.n, seed=self.seed)
        covered, high_quality = modes_covered(points, **self.metric_kwargs)
        self.history["epoch"].append(epoch + 1)
        self.history["covered"].append(covered)
        self.history["high_quality"].append(high_quality)
        self.snapshots[epoch + 1] = points


# --------------------------------------------------------------------------------------------------------
# Small networks for 2-D points
# --------------------------------------------------------------------------------------------------------
def build_mlp_generator(latent_dim: int = 16, hidden: int = 128, depth: int = 3, output_dim: int = 2) -> keras.Model:
    """z -> ``depth`` ReLU layers of ``hidden`` units -> a linear point in R^output_dim."""
    model = keras.Sequential([keras.Input((latent_dim,))], name="mlp_generator")
    for _ in range(depth):
        model.add(layers.Dense(hidden, activation="relu"))
    model.add(layers.Dense(output_dim))
    return model


def build_mlp_critic(input_dim: int = 2, hidden: int = 128, depth: int = 3, spectral_norm: bool = False) -> keras.Model:
    """point -> ``depth`` LeakyReLU layers -> one unbounded score (a logit for a GAN, a critic value for WGAN).

    With ``spectral_norm=True`` every Dense layer is wrapped in ``keras.layers.SpectralNormalization``, which
    divides its kernel by an estimate of its largest singular value (one power iteration per training step),
    so each layer, and with the 1-Lipschitz LeakyReLU the whole network, is at most 1-Lipschitz.
    """
    def dense(units):
        layer = layers.Dense(units)
        return layers.SpectralNormalization(layer) if spectral_norm else layer

    model = keras.Sequential([keras.Input((input_dim,))], name="sn_critic" if spectral_norm else "mlp_critic")
    for _ in range(depth):
        model.add(dense(hidden))
        model.add(layers.LeakyReLU(0.2))
    model.add(dense(1))
    return model


# --------------------------------------------------------------------------------------------------------
# WGAN-GP
# --------------------------------------------------------------------------------------------------------
def _check_same_shape(real, fake):
    if real.shape.rank is not None and fake.shape.rank is not None and (
            real.shape.rank != fake.shape.rank or not real.shape.is_compatible_with(fake.shape)):
        raise ValueError(f"real and fake samples must have the same shape per example, got {tuple(real.shape)} and "
                         f"{tuple(fake.shape)}: does the generator's output match the data?")


def gradient_penalty(critic, real, fake, seed=None):
    """The WGAN-GP penalty E[(||grad_x C(x_hat)||_2 - 1)^2] on random interpolates between real and fake.

    ``x_hat = alpha * real + (1 - alpha) * fake`` with one ``alpha ~ Uniform(0, 1)`` per example, broadcast
    over that example's other dimensions (a point's 2 coordinates, an image's 28x28x1 pixels). The norm is
    ``sqrt(sum(g^2) + 1e-12)``: the plain ``sqrt`` has an infinite derivative at 0 and would turn a zero
    gradient (e.g. where real == fake) into NaN gradients for the critic. ``seed`` (an int or a
    ``keras.random.SeedGenerator``, as :class:`WGANGP` passes) makes the alphas repeatable.
    """
    real, fake = tf.convert_to_tensor(real, tf.float32), tf.convert_to_tensor(fake, tf.float32)
    _check_same_shape(real, fake)
    batch_size = tf.shape(real)[0]
    alpha_shape = tf.concat([[batch_size], tf.ones([tf.rank(real) - 1], tf.int32)], axis=0)
    alpha = keras.random.uniform(alpha_shape, 0.0, 1.0, seed=seed)   # uniform, NOT normal (keras-io #143)
    interpolates = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(interpolates)
        scores = critic(interpolates, training=True)
    grads = tape.gradient(scores, interpolates)
    squared = tf.reduce_sum(tf.reshape(tf.square(grads), [batch_size, -1]), axis=1)
    norms = tf.sqrt(squared + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


class WGANGP(TwoPlayerGAN):
    """Wasserstein GAN with gradient penalty: ``critic_steps`` critic updates, then one generator update.

    ``compile(c_optimizer, g_optimizer, gp_weight=10.0, critic_steps=5)``. The critic minimises
    ``E[C(fake)] - E[C(real)] + gp_weight * GP`` and the generator minimises ``-E[C(fake)]``. ``fit`` reports
    ``c_loss``, ``g_loss``, ``gp`` and ``wasserstein`` (``E[C(real)] - E[C(fake)]``, the critic's estimate of
    the Wasserstein-1 distance, up to its Lipschitz constant). Each critic step reuses the batch of real
    samples with fresh noise (as in keras-io's example). Works for any sample shape: points or images.
    The training step itself is the family's (``gan.TwoPlayerGAN.train_step``); this class writes the losses.
    """

    METRICS = ("c_loss", "g_loss", "gp", "wasserstein")

    def __init__(self, generator: keras.Model, critic: keras.Model, **kwargs):
        g_out, c_in = tuple(generator.output_shape[1:]), tuple(critic.input_shape[1:])
        if g_out != c_in:
            raise ValueError(f"the generator makes samples of shape {g_out} but the critic reads {c_in}; "
                             "build them for the same data shape.")
        super().__init__(generator, critic, **kwargs)

    @property
    def critic(self) -> keras.Model:
        """The discriminator, by its WGAN name: it scores samples, it does not classify them."""
        return self.discriminator

    def compile(self, c_optimizer, g_optimizer, gp_weight: float = 10.0, critic_steps: int = 5, **kwargs):
        if int(critic_steps) != critic_steps or critic_steps < 1:
            raise ValueError(f"critic_steps must be a whole number >= 1 (critic updates per generator update), "
                             f"got {critic_steps}.")
        if gp_weight < 0:
            raise ValueError(f"gp_weight must be >= 0 (the paper uses 10), got {gp_weight}.")
        super().compile(c_optimizer, g_optimizer, **kwargs)
        self.gp_weight, self.discriminator_steps = float(gp_weight), int(critic_steps)

    @property
    def critic_steps(self) -> int:
        return self.discriminator_steps

    def split_batch(self, data):
        real, condition = super().split_batch(data)
        if tuple(real.shape[1:]) != tuple(self.critic.input_shape[1:]):
            raise ValueError(f"the data has samples of shape {tuple(real.shape[1:])} but the critic reads "
                             f"{tuple(self.critic.input_shape[1:])}.")
        return tf.cast(real, tf.float32), condition

    def discriminator_loss(self, real_scores, fake_scores, real, fake, condition):
        """Score real high, fake low, with a gradient norm near 1 between them."""
        wasserstein = tf.reduce_mean(real_scores) - tf.reduce_mean(fake_scores)
        gp = gradient_penalty(self.critic, real, fake, seed=self.noise_seeds)   # the model's one seeded stream
        c_loss = -wasserstein + self.gp_weight * gp
        return c_loss, {"c_loss": c_loss, "gp": gp, "wasserstein": wasserstein}

    def generator_loss(self, fake_scores):
        """Raise the critic's score of the generator's samples."""
        return -tf.reduce_mean(fake_scores)


# --------------------------------------------------------------------------------------------------------
# The configurations lessons 08 and 13 train (their recipes are in ``recipes``)
# --------------------------------------------------------------------------------------------------------
# Lesson 08: the ring of 8 Gaussians; the plain GAN and the SN-GAN with Adam(1e-3, beta_1 = 0.5), WGAN-GP with the
# paper's Adam(beta_1 = 0, beta_2 = 0.9), 5 critic steps and a penalty weight of 10.
LESSON_08_GAN_SETTINGS = {"latent_dim": 16, "hidden": 128, "depth": 3, "spectral_norm": False, "batch_size": 256,
                          "steps_per_epoch": 100, "epochs": 30, "learning_rate": 1e-3, "beta_1": 0.5,
                          "modes": 8, "radius": 2.0, "std": 0.05}
LESSON_08_WGAN_GP_SETTINGS = {**{key: value for key, value in LESSON_08_GAN_SETTINGS.items() if key != "spectral_norm"},
                              "epochs": 15, "beta_1": 0.0, "beta_2": 0.9, "gp_weight": 10.0, "critic_steps": 5}
# Lesson 13: WGAN-GP with lesson 07's convolutional networks (no dropout in the critic: the penalty is computed on
# it), two critic steps per generator step so that it is not far slower than the DCGAN per second.
LESSON_13_WGAN_GP_SETTINGS = {"latent_dim": 64, "width": 32, "batch_size": 64, "learning_rate": 1e-3, "beta_1": 0.5,
                              "beta_2": 0.9, "critic_steps": 2, "gp_weight": 10.0}


def build_lesson_08_gan(settings: dict | None = None, image_shape=None) -> "gan.NonSaturatingGAN":
    """Lesson 08's plain GAN (or, with ``spectral_norm``, its SN-GAN) for 2-D points, compiled; 25 steps per call."""
    s = training.merge_settings(LESSON_08_GAN_SETTINGS, settings)
    model = gan.NonSaturatingGAN(build_mlp_generator(s["latent_dim"], s["hidden"], s["depth"]),
                                 build_mlp_critic(hidden=s["hidden"], depth=s["depth"], spectral_norm=s["spectral_norm"]))
    model.compile(keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                  keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]), steps_per_execution=25)
    return model


def build_lesson_08_wgan_gp(settings: dict | None = None, image_shape=None) -> "WGANGP":
    """Lesson 08's WGAN-GP for 2-D points, compiled; 25 steps per call."""
    s = training.merge_settings(LESSON_08_WGAN_GP_SETTINGS, settings)
    model = WGANGP(build_mlp_generator(s["latent_dim"], s["hidden"], s["depth"]), build_mlp_critic(hidden=s["hidden"], depth=s["depth"]))
    model.compile(keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"], beta_2=s["beta_2"]),
                  keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"], beta_2=s["beta_2"]),
                  gp_weight=s["gp_weight"], critic_steps=s["critic_steps"], steps_per_execution=25)
    return model


def build_lesson_13_wgan_gp(settings: dict | None = None, image_shape=gan.IMAGE_SHAPE) -> "WGANGP":
    """Lesson 13's WGAN-GP on images: lesson 07's generator and discriminator (without dropout) as the critic."""
    s = training.merge_settings(LESSON_13_WGAN_GP_SETTINGS, settings)
    model = WGANGP(gan.build_dcgan_generator(s["latent_dim"], width=s["width"], image_shape=image_shape),
                   gan.build_dcgan_discriminator(width=s["width"], dropout=0.0, image_shape=image_shape))
    model.compile(keras.optimizers.Adam(s["learning_rate"], s["beta_1"], s["beta_2"]),
                  keras.optimizers.Adam(s["learning_rate"], s["beta_1"], s["beta_2"]),
                  gp_weight=s["gp_weight"], critic_steps=s["critic_steps"])
    return model
