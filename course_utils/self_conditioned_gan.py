"""The self-conditioned DCGAN: lesson 07's headline model (issue 15).

An unconditional generator of one Gaussian cloud is a continuous map, so its images form one connected set; real
digits come in ten separate families, and some samples must fall between them (hybrids: a 4 turning into a 9). The
self-conditioned GAN (a simple form of Liu et al. 2020, "Diverse Image Generation via Self-Conditioned GANs") lets
the generator choose a family first, without any label:

1. :func:`kmeans_clusters` groups the training images into ``n_clusters`` clusters by their pixels (k-means);
2. lesson 09's conditional GAN (``cgan.ConditionalGAN``: a DCGAN generator with a learned vector per cluster beside
   ``z``, a projection discriminator) trains with the cluster numbers as its labels;
3. :class:`SelfConditionedGAN` counts the clusters it trains on, and its :attr:`~SelfConditionedGAN.sampler` is an
   unconditional generator of ``z`` in ``R^(latent_dim + 1)``: the last coordinate of the noise picks a cluster, as
   often as the training images hold it (:class:`ClusterChoice`, a step function of ``z``: the jump a continuous
   network cannot make), the rest is the conditional generator's noise.

Nobody asks for a cluster when sampling: ``model.generate(100)`` draws digits as lesson 07's DCGAN does, and the
saved sampler (the checkpoint) is a ``keras.Model`` of noise alone. :meth:`SelfConditionedGAN.generate_clusters` draws
chosen clusters, to look at what each one learned.
"""
from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import training
from .cgan import LESSON_09_SETTINGS, ConditionalGAN, build_lesson_09_cgan
from .gan import IMAGE_SHAPE, TwoPlayerGAN


def kmeans_clusters(images, k: int, iterations: int = 30, seed: int = 0) -> np.ndarray:
    """The k-means cluster (0 .. k-1) of each image, by its pixels: k-means++ starting centres (each new centre drawn
    with probability proportional to its squared distance to the nearest centre so far), then ``iterations`` rounds
    of assigning each image to its nearest centre and moving each centre to the mean of its images. Deterministic
    for a ``seed``. An image is any array of numbers; ``images`` has one per row of its first axis."""
    x = np.asarray(images, np.float32)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"images must be an array of images (N, ...) with N >= 1, got shape {x.shape}.")
    x = x.reshape(len(x), -1)
    if not 1 <= k <= len(x):
        raise ValueError(f"k must be between 1 and the number of images ({len(x)}), got {k}.")
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(len(x))]]
    nearest = ((x - centres[0]) ** 2).sum(1)   # squared distance of each image to its nearest centre so far
    for _ in range(k - 1):
        centres.append(x[rng.choice(len(x), p=nearest / nearest.sum())] if nearest.sum() > 0 else x[rng.integers(len(x))])
        nearest = np.minimum(nearest, ((x - centres[-1]) ** 2).sum(1))
    centres, squared_norms = np.stack(centres), (x ** 2).sum(1)[:, None]   # the images' norms do not change
    for _ in range(iterations):
        assigned = (squared_norms - 2 * x @ centres.T + (centres ** 2).sum(1)[None]).argmin(1)
        centres = np.stack([x[assigned == c].mean(0) if np.any(assigned == c) else centres[c] for c in range(k)])
    return assigned.astype(np.int32)


@keras.saving.register_keras_serializable(package="course_utils")
class ClusterChoice(layers.Layer):
    """``z`` of shape (batch, latent_dim + 1) -> ``[z[:, :-1], cluster]``: the last coordinate picks a cluster.

    The coordinate ``z_last ~ N(0, 1)`` becomes ``u = Phi(z_last)``, uniform on (0, 1) (``Phi`` is the normal
    distribution's CDF, written with ``erf``), and ``u`` falls in cluster ``c``'s stretch of (0, 1), whose length is
    the cluster's share: so each cluster is drawn as often as its share of ``shares``. ``shares`` is a weight of the
    layer (not trained by gradients): it is saved with the sampler, and :class:`SelfConditionedGAN` sets it from the
    clusters it trains on."""

    def __init__(self, n_clusters: int, **kwargs):
        super().__init__(**kwargs)
        self.n_clusters = int(n_clusters)
        self.shares = self.add_weight(shape=(self.n_clusters,), initializer=keras.initializers.Constant(1 / self.n_clusters),
                                      trainable=False, name="shares")

    def call(self, z):
        u = 0.5 * (1.0 + keras.ops.erf(z[:, -1] / math.sqrt(2.0)))                  # Phi(z_last): uniform on (0, 1)
        upper_ends = keras.ops.cumsum(self.shares)[:-1] / keras.ops.sum(self.shares)  # where each stretch ends
        cluster = keras.ops.sum(keras.ops.cast(u[:, None] > upper_ends[None, :], "int32"), axis=1)
        return z[:, :-1], cluster

    def compute_output_spec(self, z):
        return (keras.KerasTensor((z.shape[0], z.shape[1] - 1), dtype=z.dtype),
                keras.KerasTensor((z.shape[0],), dtype="int32"))

    def get_config(self):
        return {**super().get_config(), "n_clusters": self.n_clusters}


def unconditional_sampler(conditional_generator: keras.Model, n_clusters: int) -> keras.Model:
    """``z (latent_dim + 1,)`` -> image: a :class:`ClusterChoice` in front of ``conditional_generator`` ([z, y] -> image)."""
    latent_dim = int(conditional_generator.inputs[0].shape[-1])
    z = keras.Input((latent_dim + 1,), name="z_and_cluster_pick")
    noise, cluster = ClusterChoice(n_clusters, name="cluster_choice")(z)
    return keras.Model(z, conditional_generator([noise, cluster]), name="self_conditioned_generator")


class SelfConditionedGAN(ConditionalGAN):
    """Lesson 09's conditional GAN trained on cluster numbers, sampled without them.

    ``fit`` takes ``(images, clusters)`` batches (``kmeans_clusters``), exactly as ``ConditionalGAN`` takes labels; each
    step also counts the batch's clusters, and the sampler's :class:`ClusterChoice` draws each cluster with its share
    of the counts (before training: all alike). :attr:`sampler` and :meth:`generate` are then those of an
    unconditional GAN, with noise of ``noise_dim = latent_dim + 1`` numbers."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.cluster_counts = tf.Variable(tf.zeros(self.n_classes), trainable=False, name="cluster_counts")
        self.unconditional = unconditional_sampler(self.conditional_sampler, self.n_classes)
        self.cluster_choice = self.unconditional.get_layer("cluster_choice")
        self.noise_dim = self.latent_dim + 1

    @property
    def sampler(self) -> keras.Model:
        """The unconditional generator: noise ``(noise_dim,)`` -> image (the weight average inside, where there is one)."""
        return self.unconditional

    @property
    def cluster_shares(self) -> np.ndarray:
        """How often the sampler draws each cluster (sums to 1)."""
        shares = self.cluster_choice.shares.numpy()
        return shares / shares.sum()

    def train_step(self, data):
        logs = super().train_step(data)   # checks the batch's cluster numbers (split_batch) before any network reads them
        clusters = tf.cast(data[1], tf.int32)
        self.cluster_counts.assign_add(tf.math.bincount(clusters, minlength=self.n_classes, maxlength=self.n_classes,
                                                        dtype=tf.float32))
        self.cluster_choice.shares.assign(self.cluster_counts / tf.reduce_sum(self.cluster_counts))
        return logs

    def call(self, z, training=False):
        return self.unconditional(z, training=training)

    # n images from fixed noise, as an unconditional GAN draws them (its noise's last number picks the cluster), not
    # one per label as ConditionalGAN.generate
    generate = TwoPlayerGAN.generate

    def generate_clusters(self, clusters, seed: int = 0, noise=None) -> np.ndarray:
        """One image in [-1, 1] per cluster number asked for (``ConditionalGAN.generate``, by the same generator)."""
        return ConditionalGAN.generate(self, clusters, seed=seed, noise=noise)


# Lesson 07's headline model: lesson 09's conditional networks on n_clusters k-means clusters of the training images,
# with lesson 07's weight average; chosen by benchmarks/dcgan_variants.py (issue 15).
# 100 clusters: on Fashion-MNIST the judge's confidence rose with the number of clusters (300 s each, 2026-12-07/08:
# 20 gave 0.827-0.840, 50 gave 0.847-0.849, 100 gave 0.847-0.856), while MNIST's stayed near 0.97 from 20 to 100
# (benchmarks/results/dcgan_variants_*_2026-12-0[78].json).
LESSON_07_SELF_CONDITIONED_SETTINGS = {**LESSON_09_SETTINGS, "n_classes": 100, "ema_decay": 0.999}   # n_classes: clusters


def build_lesson_07_self_conditioned_dcgan(settings: dict | None = None, image_shape=IMAGE_SHAPE) -> SelfConditionedGAN:
    """The self-conditioned DCGAN with lesson 07's headline settings: lesson 09's builder
    (``cgan.build_lesson_09_cgan``), with ``n_classes`` clusters and a :class:`SelfConditionedGAN` as the model."""
    return build_lesson_09_cgan(training.merge_settings(LESSON_07_SELF_CONDITIONED_SETTINGS, settings), image_shape,
                                model_class=SelfConditionedGAN)


def clusters_of(settings: dict, images) -> np.ndarray:
    """The cluster numbers a self-conditioned recipe trains on: ``kmeans_clusters`` with its ``n_classes`` clusters."""
    return kmeans_clusters(images, settings["n_classes"])
