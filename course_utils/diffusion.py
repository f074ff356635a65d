"""A compact denoising diffusion model (DDPM, Ho, Jain and Abbeel 2020) for 28x28 images or vectors (lesson 17).

* :class:`NoiseSchedule`: the variances beta_1..beta_T of the forward (noising) process and the products
  ``alpha_bar_t = prod_{s<=t} (1 - beta_s)``; :meth:`NoiseSchedule.linear` (Ho et al.) and
  :meth:`NoiseSchedule.cosine` (Nichol and Dhariwal 2021).
* :func:`q_sample`: the closed form ``x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps`` and
  :func:`noise_step_by_step`, the same process run one step at a time; :func:`closed_form_discrepancy`
  compares any closed-form sampler with the step-by-step process *in distribution* (the lesson's check).
* :func:`build_denoiser`: a small U-Net-like network ``(x_t, t) -> predicted noise``, with a sinusoidal
  time embedding added to every block.
* :func:`build_mlp_denoiser`: the same for vectors ``(z_t, t) -> predicted noise``, a residual MLP; with it
  the model diffuses the latent codes of an autoencoder (latent diffusion, Rombach et al. 2022).
* :class:`DiffusionModel`: a ``keras.Model`` whose ``train_step`` minimises the epsilon-prediction loss
  ``|eps - eps_theta(x_t, t)|^2``, keeping an exponential moving average of the denoiser's weights.
* :func:`ddpm_sample` (ancestral sampling, T network passes) and :func:`ddim_sample` (Song et al. 2021,
  deterministic, any number of passes).

Timesteps are written t = 1..T in the text; arrays are indexed by ``t - 1``. Images are in [-1, 1]; the model
and the samplers work on any fixed data shape (images (H, W, C) or vectors (d,)), taken from the denoiser's input.
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


# --------------------------------------------------------------------------------------------------------
# The forward process
# --------------------------------------------------------------------------------------------------------
class NoiseSchedule:
    """The forward process's variances ``betas`` (beta_1..beta_T) and what follows from them:
    ``alphas = 1 - betas`` and ``alpha_bars`` (their running product). All float64 NumPy arrays of length T."""

    def __init__(self, betas):
        betas = np.asarray(betas, dtype=np.float64)
        if betas.ndim != 1 or len(betas) < 1:
            raise ValueError(f"betas must be a 1-D array with at least one step (T >= 1), got shape {betas.shape}.")
        if not np.all(np.isfinite(betas)) or np.any(betas <= 0) or np.any(betas >= 1):
            raise ValueError("every beta_t must lie strictly between 0 and 1 (a variance added at each step).")
        self.betas = betas
        self.alphas = 1.0 - betas
        self.alpha_bars = np.cumprod(self.alphas)

    @property
    def T(self) -> int:
        return len(self.betas)

    @classmethod
    def linear(cls, T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> "NoiseSchedule":
        """Ho et al.'s schedule: betas rising linearly from ``beta_start`` to ``beta_end`` (for T = 1000).
        For another T the two ends are scaled by 1000 / T, so the total noise added stays about the same."""
        T = _check_T(T)
        scale = 1000.0 / T
        return cls(np.linspace(beta_start * scale, min(beta_end * scale, 0.999), T))

    @classmethod
    def cosine(cls, T: int = 1000, s: float = 0.008) -> "NoiseSchedule":
        """Nichol and Dhariwal's schedule: ``alpha_bar_t = f(t) / f(0)`` with ``f(t) = cos^2((t/T + s)/(1 + s) pi/2)``;
        betas are clipped at 0.999 as in the paper."""
        T = _check_T(T)
        f = np.cos((np.arange(T + 1) / T + s) / (1 + s) * np.pi / 2) ** 2
        alpha_bars = f / f[0]
        return cls(np.clip(1.0 - alpha_bars[1:] / alpha_bars[:-1], 1e-8, 0.999))

    def __repr__(self):
        return (f"NoiseSchedule(T={self.T}, beta {self.betas[0]:.2g}..{self.betas[-1]:.2g}, "
                f"alpha_bar_T={self.alpha_bars[-1]:.2g})")


def _check_T(T) -> int:
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T, the number of noising steps, must be an integer >= 1, got {T!r}.")
    return int(T)


def _check_timesteps(t, T):
    t = np.asarray(t)
    if not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"timesteps must be integers 1..T, got dtype {t.dtype}.")
    if t.size and (t.min() < 1 or t.max() > T):
        raise ValueError(f"timesteps must lie in 1..T = 1..{T}, got values from {t.min()} to {t.max()}.")
    return t


def q_sample(x0, t, noise, schedule: NoiseSchedule) -> np.ndarray:
    """Draw ``x_t ~ q(x_t | x_0)`` in one go: ``sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise``.

    ``x0`` and ``noise`` have the same shape (N, ...); ``t`` holds one timestep in 1..T per sample (N,).
    """
    x0, noise = np.asarray(x0, dtype=np.float64), np.asarray(noise, dtype=np.float64)
    if x0.shape != noise.shape:
        raise ValueError(f"x0 {x0.shape} and noise {noise.shape} must have the same shape.")
    t = _check_timesteps(t, schedule.T)
    if t.shape != x0.shape[:1]:
        raise ValueError(f"t needs one timestep per sample: shape ({len(x0)},), got {t.shape}.")
    alpha_bar = schedule.alpha_bars[t - 1].reshape((-1,) + (1,) * (x0.ndim - 1))
    return np.sqrt(alpha_bar) * x0 + np.sqrt(1.0 - alpha_bar) * noise


def noise_step_by_step(x0, schedule: NoiseSchedule, record_at, seed: int = 0) -> dict:
    """Run the forward process one step at a time, ``x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps_t``,
    and return ``{t: x_t}`` for every t in ``record_at`` (the definition the closed form is derived from)."""
    x = np.asarray(x0, dtype=np.float64).copy()
    record_at = set(int(t) for t in _check_timesteps(np.atleast_1d(record_at), schedule.T))
    rng = np.random.default_rng(seed)
    out = {}
    for t in range(1, max(record_at) + 1):
        x = np.sqrt(1.0 - schedule.betas[t - 1]) * x + np.sqrt(schedule.betas[t - 1]) * rng.standard_normal(x.shape)
        if t in record_at:
            out[t] = x.copy()
    return out


def closed_form_discrepancy(q_sample_fn, schedule: NoiseSchedule, timesteps=None, x0_values=(-1.0, 0.0, 1.0),
                            n_samples: int = 20_000, seed: int = 0) -> float:
    """How far a closed-form sampler ``q_sample_fn(x0, t, noise, schedule)`` is from the step-by-step process.

    For each start value in ``x0_values`` and each t in ``timesteps``, draws ``n_samples`` values both ways
    and compares their means and standard deviations. Returns the largest difference in units of its own
    standard error (about 1-4 for a correct formula, by chance alone; far larger for a wrong one).
    """
    if n_samples < 100:
        raise ValueError(f"n_samples must be at least 100 for a meaningful comparison, got {n_samples}.")
    if timesteps is None:
        timesteps = sorted({1, max(1, schedule.T // 10), max(1, schedule.T // 2), schedule.T})
    timesteps = [int(t) for t in _check_timesteps(np.atleast_1d(timesteps), schedule.T)]
    x0 = np.repeat(np.asarray(x0_values, dtype=np.float64), n_samples)
    iterated = noise_step_by_step(x0, schedule, timesteps, seed=seed)
    rng = np.random.default_rng(seed + 1)
    worst = 0.0
    for t in timesteps:
        direct = np.asarray(q_sample_fn(x0, np.full(len(x0), t), rng.standard_normal(x0.shape), schedule), dtype=np.float64)
        if direct.shape != x0.shape:
            raise ValueError(f"q_sample_fn returned shape {direct.shape}, expected {x0.shape}.")
        for a, b in zip(np.split(direct, len(x0_values)), np.split(iterated[t], len(x0_values))):
            sd = max(np.sqrt((a.var() + b.var()) / 2), 1e-12)
            mean_error = abs(a.mean() - b.mean()) / (sd * np.sqrt(2.0 / n_samples))
            sd_error = abs(a.std() - b.std()) / (sd * np.sqrt(1.0 / n_samples))  # se of an sd is about sd / sqrt(2n)
            worst = max(worst, mean_error, sd_error)
    return float(worst)


# --------------------------------------------------------------------------------------------------------
# The denoiser: a small U-Net with a time embedding
# --------------------------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="course_utils")
class SinusoidalEmbedding(layers.Layer):
    """Timestep t (N,) -> (N, dim) features ``[sin(t w_k), cos(t w_k)]`` with frequencies
    ``w_k = 1 / 10000^(k / (dim/2))`` (the Transformer's position encoding, used by DDPM for t)."""

    def __init__(self, dim: int = 64, **kwargs):
        super().__init__(**kwargs)
        if dim < 2 or dim % 2:
            raise ValueError(f"dim must be an even number >= 2, got {dim}.")
        self.dim = dim

    def call(self, t):
        t = tf.reshape(tf.cast(t, "float32"), (-1, 1))
        half = self.dim // 2
        frequencies = tf.exp(-math.log(10_000.0) * tf.range(half, dtype="float32") / half)
        angles = t * frequencies[None, :]
        return tf.concat([tf.sin(angles), tf.cos(angles)], axis=-1)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim}


@keras.saving.register_keras_serializable(package="course_utils")
class SpaceToDepth(layers.Layer):
    """(N, H, W, C) -> (N, H/2, W/2, 4C): each 2x2 patch of pixels becomes 4 channels (lossless)."""

    def call(self, x):
        return tf.nn.space_to_depth(x, 2)


@keras.saving.register_keras_serializable(package="course_utils")
class DepthToSpace(layers.Layer):
    """The inverse of :class:`SpaceToDepth`: (N, H, W, 4C) -> (N, 2H, 2W, C)."""

    def call(self, x):
        return tf.nn.depth_to_space(x, 2)


def _block(x, embedding, channels, name):
    """Two 3x3 convolutions with a residual connection; the time embedding enters as a per-channel shift."""
    skip = x if x.shape[-1] == channels else layers.Conv2D(channels, 1, name=f"{name}_skip")(x)
    h = layers.Conv2D(channels, 3, padding="same", name=f"{name}_conv1")(x)
    h = layers.Activation("swish")(layers.GroupNormalization(groups=8, name=f"{name}_norm1")(h))
    shift = layers.Dense(channels, name=f"{name}_time")(embedding)
    h = h + layers.Reshape((1, 1, channels))(shift)
    h = layers.Conv2D(channels, 3, padding="same", name=f"{name}_conv2")(h)
    h = layers.Activation("swish")(layers.GroupNormalization(groups=8, name=f"{name}_norm2")(h))
    return layers.Add(name=f"{name}_out")([skip, h])


def build_denoiser(widths=(32, 64), embedding_dim: int = 64, image_shape=IMAGE_SHAPE) -> keras.Model:
    """``[x_t (N, H, W, C), t (N,)] -> predicted noise (N, H, W, C)``: a small U-Net sized for a CPU.

    ``image_shape`` is (28, 28, 1) by default; any height and width divisible by 4, grey or colour, works. Each 2x2
    patch is first folded into channels (28x28x1 -> 14x14x4, lossless), so the network works at half and a quarter
    of the resolution (14x14 and 7x7 for MNIST; ``widths`` channels) and costs a quarter of a full-resolution one. Down by a stride-2
    convolution, up by nearest-neighbour up-sampling, with the 14x14 encoder features concatenated into the
    decoder (the skip lets fine detail bypass the bottleneck). The time embedding is added to every block.
    The last convolution starts at zero, so the untrained network predicts "no noise".
    """
    if len(widths) != 2 or any(int(w) < 8 or int(w) % 8 for w in widths):
        raise ValueError(f"widths must be two multiples of 8 (channels at 14x14 and 7x7), got {widths}.")
    image_shape = check_image_shape(image_shape)
    if image_shape[0] % 4 or image_shape[1] % 4:
        raise ValueError(f"build_denoiser halves the image twice and doubles it back: its height and width must be "
                         f"divisible by 4, got {image_shape}.")
    w1, w2 = (int(w) for w in widths)
    x_in = keras.Input(image_shape, name="x_t")
    t_in = keras.Input((), dtype="int32", name="t")
    e = SinusoidalEmbedding(embedding_dim)(t_in)
    e = layers.Dense(2 * embedding_dim, activation="swish", name="time_mlp")(e)
    x = SpaceToDepth()(x_in)                                                                  # 14x14x4
    h1 = _block(layers.Conv2D(w1, 3, padding="same", name="stem")(x), e, w1, "down14")        # 14x14
    h2 = _block(layers.Conv2D(w2, 3, strides=2, padding="same", name="down")(h1), e, w2, "down7")
    h2 = _block(h2, e, w2, "mid7")                                                            # 7x7
    u1 = layers.Concatenate()([layers.UpSampling2D(name="up")(h2), h1])
    u1 = _block(u1, e, w1, "up14")                                                            # 14x14
    out = layers.Conv2D(4 * image_shape[-1], 3, padding="same", kernel_initializer="zeros", name="noise")(u1)
    return keras.Model([x_in, t_in], DepthToSpace()(out), name="denoiser")


def build_mlp_denoiser(dim: int, width: int = 256, depth: int = 3, embedding_dim: int = 64) -> keras.Model:
    """``[z_t (N, dim), t (N,)] -> predicted noise (N, dim)``: a residual MLP for vectors (latent codes).

    ``depth`` residual blocks of two ``width``-unit Dense layers; the time embedding enters every block as a
    shift, as in :func:`build_denoiser`. The last layer starts at zero, so the untrained network predicts
    "no noise". Small and fast: thousands of training steps a minute on a CPU.
    """
    for name, value, low in (("dim", dim, 1), ("width", width, 8), ("depth", depth, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    z_in = keras.Input((int(dim),), name="z_t")
    t_in = keras.Input((), dtype="int32", name="t")
    e = SinusoidalEmbedding(embedding_dim)(t_in)
    e = layers.Dense(width, activation="swish", name="time_mlp")(e)
    h = layers.Dense(width, name="stem")(z_in)
    for i in range(int(depth)):
        r = layers.Activation("swish")(layers.LayerNormalization(name=f"block{i}_norm")(h))
        r = layers.Add()([layers.Dense(width, name=f"block{i}_dense1")(r), layers.Dense(width, name=f"block{i}_time")(e)])
        r = layers.Dense(width, name=f"block{i}_dense2")(layers.Activation("swish")(r))
        h = layers.Add(name=f"block{i}_out")([h, r])
    h = layers.Activation("swish")(layers.LayerNormalization(name="out_norm")(h))
    out = layers.Dense(int(dim), kernel_initializer="zeros", name="noise")(h)
    return keras.Model([z_in, t_in], out, name="mlp_denoiser")


# --------------------------------------------------------------------------------------------------------
# Training: the epsilon-prediction loss
# --------------------------------------------------------------------------------------------------------
class DiffusionModel(keras.Model):
    """Trains ``denoiser`` with Ho et al.'s simplified loss: for a random image x_0, a uniform t in 1..T and
    eps ~ N(0, I), make ``denoiser(sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps, t)`` predict eps
    (mean squared error). ``ema_denoiser`` averages the weights (decay ``ema_decay``) and draws the samples.
    ``fit`` it on a dataset of images in [-1, 1] (or of vectors, with :func:`build_mlp_denoiser`) after
    ``compile(optimizer=...)``; it reports ``loss``.
    """

    def __init__(self, denoiser: keras.Model, schedule: NoiseSchedule, ema_decay: float = 0.999,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(schedule, NoiseSchedule):
            raise TypeError(f"schedule must be a diffusion.NoiseSchedule, got {type(schedule).__name__}.")
        if not 0.0 <= ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in [0, 1), got {ema_decay}.")
        self.denoiser, self.schedule, self.ema_decay = denoiser, schedule, ema_decay
        self.ema_denoiser = training.weight_average_copy(denoiser)
        self.ema_step = tf.Variable(0.0, trainable=False, name="ema_step")
        self.noise_seeds = keras.random.SeedGenerator(seed)   # t and eps: the same seed, the same training run
        self._sqrt_ab = tf.constant(np.sqrt(schedule.alpha_bars), tf.float32)
        self._sqrt_1m_ab = tf.constant(np.sqrt(1.0 - schedule.alpha_bars), tf.float32)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True  # its networks are built; under tf.distribute, fit would otherwise call it on an image batch

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, inputs, training=False):
        return self.denoiser(inputs, training=training)

    def train_step(self, x0):
        if isinstance(x0, tuple):  # an (images, labels) dataset: the labels are not used
            x0 = x0[0]
        n = tf.shape(x0)[0]
        t = keras.random.randint((n,), 1, self.schedule.T + 1, dtype="int32", seed=self.noise_seeds)
        noise = keras.random.normal(tf.shape(x0), seed=self.noise_seeds)
        per_sample = (-1,) + (1,) * (len(x0.shape) - 1)  # one scale per sample, broadcast over its pixels or coordinates
        x_t = (tf.reshape(tf.gather(self._sqrt_ab, t - 1), per_sample) * x0
               + tf.reshape(tf.gather(self._sqrt_1m_ab, t - 1), per_sample) * noise)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(noise - self.denoiser([x_t, t], training=True)))
        grads = tape.gradient(loss, self.denoiser.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.denoiser.trainable_variables))
        training.update_weight_average(self.ema_denoiser, self.denoiser, self.ema_decay, self.ema_step)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


# --------------------------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------------------------
def _check_sampling(denoiser, n, schedule):
    if not isinstance(schedule, NoiseSchedule):
        raise TypeError(f"schedule must be a diffusion.NoiseSchedule, got {type(schedule).__name__}.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n, the number of images, must be a positive integer, got {n!r}.")
    shape = tuple(denoiser.inputs[0].shape[1:])
    if len(shape) not in (1, 3) or None in shape:
        raise ValueError(f"the denoiser's first input must have a fixed shape, (H, W, C) or (d,), got {shape}.")
    return shape


def _clip_value(clip) -> float | None:
    """``clip`` of the samplers: True means the pixel range [-1, 1], a positive number c means [-c, c], False none."""
    if clip is True:
        return 1.0
    if clip is False or clip is None:
        return None
    if isinstance(clip, (int, float, np.floating)) and clip > 0:
        return float(clip)
    raise ValueError(f"clip must be True (pixels, [-1, 1]), False, or a positive bound c for [-c, c], got {clip!r}.")


def predict_x0(x_t, eps, alpha_bar):
    """Invert the closed form for x_0: ``(x_t - sqrt(1 - alpha_bar) eps) / sqrt(alpha_bar)``."""
    return (x_t - tf.sqrt(1.0 - alpha_bar) * eps) / tf.sqrt(alpha_bar)


def ddpm_sample(denoiser: keras.Model, n: int, schedule: NoiseSchedule, seed: int = 0, clip: bool | float = True,
                return_steps=()) -> np.ndarray:
    """Ancestral sampling (Ho et al., Algorithm 2): from x_T ~ N(0, I), for t = T..1 draw
    ``x_{t-1} ~ N(mu_t, beta_tilde_t I)``, with the posterior mean ``mu_t`` of q(x_{t-1} | x_t, x_0) at the
    predicted x_0 (clipped to [-1, 1] when ``clip`` is True, to [-clip, clip] when it is a number) and
    ``beta_tilde_t = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)``.
    T network passes. Returns (n, H, W, C) images in [-1, 1] (or (n, d) vectors: for data that are not pixels
    in [-1, 1], such as standardised latent codes, pass ``clip=False`` or a wider bound); with ``return_steps``
    (timesteps), also ``{t: x_t}`` for those steps (to watch the noise turn into an image).
    """
    shape = _check_sampling(denoiser, n, schedule)
    bound = _clip_value(clip)
    ab = schedule.alpha_bars
    ab_prev = np.concatenate([[1.0], ab[:-1]])
    coef_x0 = np.sqrt(ab_prev) * schedule.betas / (1.0 - ab)
    coef_xt = np.sqrt(schedule.alphas) * (1.0 - ab_prev) / (1.0 - ab)
    sigma = np.sqrt(schedule.betas * (1.0 - ab_prev) / (1.0 - ab))
    predict = tf.function(lambda x, t: denoiser([x, t], training=False))
    x = tf.random.stateless_normal((n,) + shape, seed=(seed, 0))
    kept = {}
    for t in range(schedule.T, 0, -1):
        eps = predict(x, tf.fill((n,), t))
        x0 = predict_x0(x, eps, float(ab[t - 1]))
        if bound is not None:
            x0 = tf.clip_by_value(x0, -bound, bound)
        x = float(coef_x0[t - 1]) * x0 + float(coef_xt[t - 1]) * x
        if t > 1:
            x = x + float(sigma[t - 1]) * tf.random.stateless_normal((n,) + shape, seed=(seed, t))
        if t - 1 in return_steps:
            kept[t - 1] = x.numpy()
    images = np.clip(x.numpy(), -bound, bound) if bound is not None else x.numpy()
    return (images, kept) if return_steps else images


def ddim_sample(denoiser: keras.Model, n: int, schedule: NoiseSchedule, steps: int = 50, seed: int = 0,
                clip: bool | float = True) -> np.ndarray:
    """Deterministic DDIM sampling (Song, Meng and Ermon 2021, eta = 0) with ``steps`` network passes: on
    timesteps t_S > ... > t_1 evenly spread over 1..T, ``x_prev = sqrt(alpha_bar_prev) x0_hat +
    sqrt(1 - alpha_bar_prev) eps_hat``. The same trained denoiser as :func:`ddpm_sample`; no retraining.
    ``clip`` as in :func:`ddpm_sample`. Returns (n, H, W, C) images in [-1, 1], or (n, d) vectors."""
    shape = _check_sampling(denoiser, n, schedule)
    bound = _clip_value(clip)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= schedule.T:
        raise ValueError(f"steps must be an integer in 1..T = 1..{schedule.T}, got {steps!r}.")
    timesteps = np.unique(np.linspace(1, schedule.T, steps).round().astype(int))[::-1]
    predict = tf.function(lambda x, t: denoiser([x, t], training=False))
    x = tf.random.stateless_normal((n,) + shape, seed=(seed, 0))
    for i, t in enumerate(timesteps):
        ab = float(schedule.alpha_bars[t - 1])
        ab_prev = float(schedule.alpha_bars[timesteps[i + 1] - 1]) if i + 1 < len(timesteps) else 1.0
        eps = predict(x, tf.fill((n,), int(t)))
        x0 = predict_x0(x, eps, ab)
        if bound is not None:
            x0 = tf.clip_by_value(x0, -bound, bound)
            eps = (x - math.sqrt(ab) * x0) / math.sqrt(1.0 - ab)
        x = math.sqrt(ab_prev) * x0 + math.sqrt(1.0 - ab_prev) * eps
    return np.clip(x.numpy(), -bound, bound) if bound is not None else x.numpy()


# --------------------------------------------------------------------------------------------------------
# The configurations lesson 17 trains (its recipes are ``recipes.LESSON_17_PIXEL`` and ``recipes.LESSON_17_LATENT``)
# --------------------------------------------------------------------------------------------------------
# In pixel space: the small U-Net, T = 200 linear steps, a weight average of decay 0.995 (short runs), Adam 2e-3;
# ``log_every`` steps make one logged "epoch" of the endless data stream. On the codes of lesson 10's VAE: the
# residual MLP, batches of 256 codes.
LESSON_17_PIXEL_SETTINGS = {"T": 200, "widths": (32, 64), "ema_decay": 0.995, "learning_rate": 2e-3, "batch_size": 64,
                            "log_every": 25}
LESSON_17_LATENT_SETTINGS = {"T": 200, "code_dim": 16, "width": 128, "ema_decay": 0.999, "learning_rate": 2e-3,
                             "batch_size": 256, "log_every": 200, "vae": "lesson10_vae"}


def standardised_codes(vae_model, images) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The data of latent diffusion (lesson 17): the VAE encoder's means ``mu_phi(x)`` of ``images`` (in [0, 1]),
    standardised per coordinate to mean 0 and variance 1 like the noise they are diffused into. Returns the codes
    ``(N, latent_dim)`` and the ``centre`` and ``scale`` that map a generated code back: ``code * scale + centre``."""
    means, _ = vae_model.encode(images)
    centre, scale = means.mean(axis=0), means.std(axis=0)
    return ((means - centre) / scale).astype(np.float32), centre, scale


def build_lesson_17_pixel_diffusion(settings: dict | None = None, image_shape=IMAGE_SHAPE) -> DiffusionModel:
    """Lesson 17's diffusion model in pixel space, compiled."""
    s = training.merge_settings(LESSON_17_PIXEL_SETTINGS, settings)
    model = DiffusionModel(build_denoiser(widths=s["widths"], image_shape=image_shape), NoiseSchedule.linear(s["T"]),
                           ema_decay=s["ema_decay"])
    model.compile(optimizer=keras.optimizers.Adam(s["learning_rate"]))
    return model


def build_lesson_17_latent_diffusion(settings: dict | None = None, image_shape=None) -> DiffusionModel:
    """Lesson 17's diffusion model for the standardised codes of lesson 10's VAE, compiled."""
    s = training.merge_settings(LESSON_17_LATENT_SETTINGS, settings)
    model = DiffusionModel(build_mlp_denoiser(s["code_dim"], width=s["width"]), NoiseSchedule.linear(s["T"]),
                           ema_decay=s["ema_decay"])
    model.compile(optimizer=keras.optimizers.Adam(s["learning_rate"]))
    return model
