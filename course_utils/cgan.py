"""A class-conditional GAN (lesson 09): the generator draws the class it is asked for.

Both networks receive the class label ``y`` as well as their usual input:

* :func:`build_conditional_generator`: ``(z, y)`` -> image. The label is looked up in an ``Embedding`` (one learned
  vector per class), concatenated with the noise, and the result goes through lesson 07's DCGAN generator body.
* :func:`build_conditional_discriminator`: ``(x, y)`` -> one logit, a **projection discriminator** (Miyato & Koyama,
  2018): ``logit = w . phi(x) + b + e_y . phi(x)``, where ``phi(x)`` are the convolutional features of lesson 07's
  discriminator and ``e_y`` a learned vector per class. The first two terms ask "does this look like a real image?",
  the last "does it look like *this class*?"; an image of the wrong class gets a low logit even if it is sharp.
* :class:`ConditionalGAN`: lesson 07's non-saturating GAN with labels passed to both players (a
  ``gan.TwoPlayerGAN``: it writes only how a batch carries its labels to the networks, and its losses).

Images are in [-1, 1]; labels are integers in ``0 .. n_classes - 1``.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import training
from .gan import IMAGE_SHAPE, NonSaturatingGAN, build_dcgan_generator, diff_augmented, upsampling_plan


def build_conditional_generator(latent_dim: int = 64, n_classes: int = 10, width: int = 32,
                                embedding_dim: int = 16, image_shape=IMAGE_SHAPE) -> keras.Model:
    """``[z (latent_dim,), y ()]`` -> image of ``image_shape`` (28, 28, 1 by default) in [-1, 1].

    The label becomes a learned ``embedding_dim``-vector, is concatenated with ``z``, and the pair goes through the
    DCGAN generator body (``gan.build_dcgan_generator``), whose first Dense layer mixes class and noise.
    """
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((), dtype="int32", name="label")
    class_vector = layers.Embedding(n_classes, embedding_dim, name="class_embedding")(y)
    z_and_class = layers.Concatenate(name="z_and_class")([z, class_vector])
    body = build_dcgan_generator(latent_dim + embedding_dim, width=width, image_shape=image_shape)
    return keras.Model([z, y], body(z_and_class), name="conditional_generator")


def build_conditional_discriminator(n_classes: int = 10, width: int = 32, dropout: float = 0.2,
                                    image_shape=IMAGE_SHAPE) -> keras.Model:
    """``[image, y ()]`` -> one logit, by projection: ``w . phi(x) + b + e_y . phi(x)``.

    ``phi`` is lesson 07's discriminator body (stride-2 convolutions, 28 -> 14 -> 7 for 28x28 images, flattened);
    ``e_y`` is the label's row of an ``Embedding`` as wide as ``phi(x)``.
    """
    image = keras.Input(image_shape, name="image")
    y = keras.Input((), dtype="int32", name="label")
    _, k = upsampling_plan(image_shape)
    h = image
    for level in range(k):
        h = layers.Conv2D(2 ** level * width, 4, strides=2, padding="same")(h)
        h = layers.LeakyReLU(0.2)(h)
    features = layers.Dropout(dropout)(layers.Flatten()(h))                    # phi(x)
    realness = layers.Dense(1, name="realness")(features)                      # w . phi(x) + b
    class_vector = layers.Embedding(n_classes, int(features.shape[-1]), name="class_projection")(y)   # e_y
    class_match = layers.Dot(axes=1, name="class_match")([class_vector, features])                   # e_y . phi(x)
    logit = layers.Add(name="logit")([realness, class_match])
    return keras.Model([image, y], logit, name="conditional_discriminator")


# The lesson-09 configuration: lesson 07's settings (gan.LESSON_07_SETTINGS), plus the number of classes and the
# size of the generator's class embedding.
# Lesson 18's colour model turns on lesson 07's weight average and lesson 16's DiffAugment, which lesson 09 leaves off.
LESSON_09_SETTINGS = {"latent_dim": 64, "n_classes": 10, "embedding_dim": 16, "g_width": 32, "d_width": 32,
                      "d_dropout": 0.2, "batch_size": 64, "learning_rate": 5e-4, "beta_1": 0.5, "label_smoothing": 0.1,
                      "ema_decay": None, "diff_augment": False}


def build_lesson_09_cgan(settings: dict | None = None, image_shape=IMAGE_SHAPE, model_class=None) -> "ConditionalGAN":
    """The lesson-09 conditional GAN, compiled with its optimisers (Adam with beta_1 = 0.5 for both players); with
    ``"ema_decay"`` it keeps a weight average of its generator (lesson 07), with ``"diff_augment": True`` its
    discriminator sees the images through ``augment.DiffAugment`` (``gan.diff_augmented``). ``model_class`` (a
    ``ConditionalGAN`` subclass, by default ``ConditionalGAN``) trains the two networks: lesson 07's
    ``self_conditioned_gan.SelfConditionedGAN`` is built this way."""
    s = training.merge_settings(LESSON_09_SETTINGS, settings)
    generator = build_conditional_generator(s["latent_dim"], s["n_classes"], width=s["g_width"],
                                            embedding_dim=s["embedding_dim"], image_shape=image_shape)
    discriminator = build_conditional_discriminator(s["n_classes"], width=s["d_width"], dropout=s["d_dropout"],
                                                    image_shape=image_shape)
    if s["diff_augment"]:
        discriminator = diff_augmented(discriminator, image_shape)
    model = (model_class or ConditionalGAN)(generator, discriminator, ema_decay=s["ema_decay"])
    model.compile(d_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                  g_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                  label_smoothing=s["label_smoothing"])
    return model


class ConditionalGAN(NonSaturatingGAN):
    """Lesson 07's GAN with a label for every image: ``fit`` takes ``(images, labels)`` batches.

    The discriminator learns ``D(x | y)``: real pairs -> ``1 - label_smoothing``, generated pairs ``(G(z | y), y)``
    -> 0, where the generated images get the real batch's labels (so classes are drawn as often as in the data).
    The generator minimises the non-saturating loss ``-log D(G(z | y) | y)``. The losses are
    ``gan.NonSaturatingGAN``'s; this class only says how the labels reach both networks. ``fit`` reports
    ``d_loss``, ``g_loss`` and ``d_real`` / ``d_fake`` (mean D output).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.n_classes = int(generator.get_layer("class_embedding").input_dim)

    def compile(self, d_optimizer, g_optimizer, label_smoothing: float = 0.1, **kwargs):
        """As :class:`course_utils.gan.TwoPlayerGAN`, with one-sided label smoothing on by default."""
        super().compile(d_optimizer, g_optimizer, label_smoothing=label_smoothing, **kwargs)

    def call(self, inputs, training=False):
        z, labels = inputs
        return self.generator([z, labels], training=training)

    def check_labels(self, labels, batch_size=None):
        """Labels must be integers in 0 .. n_classes - 1, one per image. Raises ValueError (eager values, static
        shapes); inside ``fit`` (a graph) out-of-range values stop training with an InvalidArgumentError."""
        if isinstance(labels, tuple | list | np.ndarray) or tf.executing_eagerly():
            values = np.asarray(labels)
            if values.ndim != 1 or not np.issubdtype(values.dtype, np.integer):
                raise ValueError(f"labels must be a 1-D array of integer class indices, got shape {values.shape} "
                                 f"and dtype {values.dtype}.")
            if values.size and (values.min() < 0 or values.max() >= self.n_classes):
                raise ValueError(f"labels must lie in 0..{self.n_classes - 1} (this model has {self.n_classes} "
                                 f"classes), got values from {values.min()} to {values.max()}.")
            if batch_size is not None and len(values) != batch_size:
                raise ValueError(f"{batch_size} images but {len(values)} labels: give one label per image.")
            return tf.convert_to_tensor(values.astype(np.int32))
        labels = tf.cast(labels, tf.int32)
        static = labels.shape[0]
        if labels.shape.rank != 1:
            raise ValueError(f"labels must be a 1-D tensor of class indices, got shape {labels.shape}.")
        if batch_size is not None and isinstance(batch_size, int) and static is not None and static != batch_size:
            raise ValueError(f"{batch_size} images but {static} labels: give one label per image.")
        checks = [tf.debugging.assert_non_negative(labels, message="labels must be >= 0"),
                  tf.debugging.assert_less(labels, self.n_classes, message=f"labels must be < n_classes = {self.n_classes}")]
        with tf.control_dependencies(checks):  # checked before any network reads the labels
            return tf.identity(labels)

    # How the labels travel: the batch is (images, labels); both networks take [input, labels].
    def split_batch(self, data):
        if not isinstance(data, tuple | list) or len(data) != 2:
            raise ValueError("ConditionalGAN trains on (images, labels) batches: pass datasets.make_dataset(images, labels).")
        real_images, labels = data
        real_images = tf.convert_to_tensor(real_images, dtype=tf.float32)
        return real_images, self.check_labels(labels, real_images.shape[0])

    def generator_input(self, noise, labels):
        return [noise, labels]

    def discriminator_input(self, images, labels):
        return [images, labels]

    @property
    def conditional_sampler(self) -> keras.Model:
        """The generator ``[z, label] -> image`` that draws the samples: the weight average where there is one."""
        return super().sampler

    def generate(self, labels, seed: int = 0, noise=None) -> np.ndarray:
        """One image in [-1, 1] per requested label. The noise is drawn from ``seed`` (same seed and labels, same
        images), or given as ``noise`` of shape (len(labels), latent_dim) to hold the "style" fixed across classes."""
        labels = self.check_labels(np.asarray(labels))
        if noise is None:
            noise = tf.random.stateless_normal((len(labels), self.latent_dim), seed=(seed, 0))
        noise = np.asarray(noise, dtype=np.float32)
        if noise.shape != (len(labels), self.latent_dim):
            raise ValueError(f"noise must have shape ({len(labels)}, {self.latent_dim}) (one row per label), "
                             f"got {noise.shape}.")
        return self.conditional_sampler([tf.constant(noise), labels], training=False).numpy()
