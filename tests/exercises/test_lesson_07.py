"""Lesson 07's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import gan, self_conditioned_gan
from course_utils.exercises import lesson_07 as exercises

BCE = keras.losses.BinaryCrossentropy()


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None, 1000) is False
    assert exercises.check_3(None, None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 3


@pytest.mark.parametrize("answer, hint", [(16, "scale factor"), (3, "one short"), (5, "one too many"), (6, "not from 1"),
                                          (60, "multiply"), (2, "log2"), ("four", "whole number")])
def test_check_1(capsys, answer, hint):
    assert exercises.check_1(int(np.log2(64 / 4))) is True and exercises.check_1(4.0) is True
    assert capsys.readouterr().out.count("Correct") == 2
    assert exercises.check_1(answer) is False
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [(4321, "4 times as long"), (4321 * 4, "FEWER"), (4321 / 256, "images"),
                                          (4321 // 2, "how many"), (None, "Not answered")])
def test_check_2(capsys, answer, hint):
    mnist_steps = 4321
    assert exercises.check_2(mnist_steps * 64 // 256, mnist_steps, 64) is True
    assert exercises.check_2(mnist_steps * 64 / 256, mnist_steps) is True       # unrounded is fine too
    assert capsys.readouterr().out.count("Correct") == 2
    assert exercises.check_2(answer, mnist_steps, 64) is False
    assert hint in capsys.readouterr().out


def test_check_3(capsys):
    hard, smooth = float(BCE([[1.0]], [[0.99]])), float(BCE([[0.9]], [[0.99]]))
    assert exercises.check_3(hard, smooth) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = [((float(BCE([[0.99]], [[1.0]])), float(BCE([[0.99]], [[0.9]]))), "swapped the arguments"),
                     ((hard, float(BCE([[0.99]], [[0.9]]))), "swapped the arguments"),
                     ((float(BCE([[0.99]], [[1.0]])), smooth), "too large"),
                     ((hard, -0.9 * math.log(0.99)), "weight 0.1"),
                     ((-math.log10(0.99), smooth / math.log(10)), "natural logarithm"),
                     ((hard, smooth + 0.2), "loss_smooth should be"), ((0.05, smooth), "loss_hard should be"),
                     (("low", smooth), "numbers")]
    for answer, hint in wrong_answers:
        assert exercises.check_3(*answer) is False
        assert hint in capsys.readouterr().out


class RightStep(gan.NonSaturatingGAN):
    """The answer as a learner would write it: the two updates of section 3, spelled out."""

    def train_step(self, data):
        real_images = tf.convert_to_tensor(data, tf.float32)
        batch_size = tf.shape(real_images)[0]
        with tf.GradientTape() as tape:
            fake_images = self.generator(self.noise(batch_size), training=True)
            d_loss, logs = self.discriminator_loss(self.discriminator(real_images, training=True),
                                                   self.discriminator(fake_images, training=True),
                                                   real_images, fake_images, None)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_images = self.generator(self.noise(batch_size), training=True)
            g_loss = self.generator_loss(self.discriminator(fake_images, training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return self.record(g_loss=g_loss, **logs)


class Unanswered(gan.NonSaturatingGAN):
    def train_step(self, data):
        return None


class Raises(gan.NonSaturatingGAN):
    def train_step(self, data):
        raise ValueError("shapes do not match")


class SkipsTheGenerator(RightStep):
    """Only the discriminator learns: the generator's update is missing."""

    def train_step(self, data):
        real_images = tf.convert_to_tensor(data, tf.float32)
        with tf.GradientTape() as tape:
            fake_images = self.generator(self.noise(tf.shape(real_images)[0]), training=True)
            d_loss, logs = self.discriminator_loss(self.discriminator(real_images, training=True),
                                                   self.discriminator(fake_images, training=True),
                                                   real_images, fake_images, None)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        return self.record(g_loss=0.0, **logs)


class SaturatingGenerator(RightStep):
    """The right step with the generator minimising log(1 - D(G(z))), the loss that saturates (lesson 03)."""

    def generator_loss(self, fake_logits):
        return tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits) + 1e-7))


def test_check_4_passes_the_right_train_step(capsys):
    assert exercises.check_4(RightStep)
    # the check's own mistake machinery, with no mistake switched on, is the course's step too
    assert exercises.check_4(type("NoMistake", (gan.NonSaturatingGAN,),
                                  {"train_step": lambda self, data: exercises._step_with(self, data)}))
    assert "exactly the weights" in capsys.readouterr().out


@pytest.mark.parametrize("mistake", range(4))
def test_check_4_names_each_typical_mistake(capsys, mistake):
    wrong_class, hint = exercises._mistakes()[mistake]
    assert not exercises.check_4(wrong_class)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (None, "Not answered yet"),
    (Unanswered, "Not answered yet"),
    (Raises, "raised ValueError: shapes do not match"),
    (SkipsTheGenerator, "the generator never moved"),
    (SaturatingGenerator, "the generator's is not"),
    (gan.NonSaturatingGAN, "its own train_step"),
    (lambda data: None, "a subclass of gan.NonSaturatingGAN"),
])
def test_check_4_other_answers(capsys, answer, hint):
    assert not exercises.check_4(answer)
    assert hint in capsys.readouterr().out


def _slopes(discriminator, images, of=tf.reduce_sum):
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = of(discriminator(x, training=True))
    return tape.gradient(score, x)


def right_r1(discriminator, images):
    """The answer as a learner would write it."""
    g = _slopes(discriminator, images)
    return tf.reduce_mean(tf.reduce_sum(tf.square(g), axis=[1, 2, 3]))


WRONG_R1 = [
    (lambda d, x: tf.reduce_mean(tf.norm(tf.reshape(_slopes(d, x), (len(x), -1)), axis=1)), "square"),
    (lambda d, x: tf.reduce_sum(tf.square(_slopes(d, x))), "summed the images"),
    (lambda d, x: 0.5 * right_r1(d, x), "gamma / 2"),
    (lambda d, x: tf.reduce_mean(tf.reduce_sum(tf.square(_slopes(d, x, of=tf.reduce_mean)), axis=[1, 2, 3])), "MEAN of the logits"),
    (lambda d, x: tf.reduce_mean((tf.norm(tf.reshape(_slopes(d, x), (len(x), -1)), axis=1) - 1.0) ** 2), "WGAN-GP"),
    (lambda d, x: tf.reduce_sum(tf.square(_slopes(d, x)), axis=[1, 2, 3]), "one number"),
    (lambda d, x: 1.0, "expected"),
    (lambda d, x: None, "Not answered yet"),
    (None, "Not answered yet"),
    ("r1", "is a function"),
    (lambda d, x: d(x[:, :4]), "raised"),
    (lambda d, x: sum_outside_the_tape(d, x), "computed outside it"),
]


def sum_outside_the_tape(discriminator, images):
    """The slip lesson 07's first draft of its own solution made: the sum taken after the tape closed."""
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = discriminator(x, training=True)
    g = tape.gradient(tf.reduce_sum(logits), x)
    return tf.reduce_mean(tf.reduce_sum(tf.square(g), axis=[1, 2, 3]))


def test_check_5_passes_the_right_penalty_and_the_courses_own(capsys):
    assert exercises.check_5(right_r1) is True
    assert exercises.check_5(lambda d, x: gan.r1_penalty(_slopes(d, x))) is True
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("answer, hint", WRONG_R1)
def test_check_5_names_each_typical_mistake(capsys, answer, hint):
    assert exercises.check_5(answer) is False
    assert hint in capsys.readouterr().out


# ------------------------------------------------------------------ exercise 6: the cluster pick
def right_pick(z_last, shares):
    u = 0.5 * (1 + np.vectorize(math.erf)(np.asarray(z_last, np.float64) / math.sqrt(2)))
    return np.searchsorted(np.cumsum(shares) / np.sum(shares), u, side="right").clip(max=len(shares) - 1)


def layer_pick(z_last, shares):
    """The course's own layer, fed the value as the last coordinate of a noise vector."""
    choice = self_conditioned_gan.ClusterChoice(len(shares))
    choice.shares.assign(np.asarray(shares, np.float32))
    z = np.stack([np.zeros_like(z_last), z_last], axis=1).astype(np.float32)
    return np.asarray(choice(z)[1])


WRONG_PICKS = [
    (lambda z, s: (np.asarray(z)[:, None] > np.cumsum(s)[:-1][None]).sum(1), "normal, not uniform"),
    (lambda z, s: (0.5 * (1 + np.vectorize(math.erf)(np.asarray(z) / math.sqrt(2))))[:, None].__gt__(
        np.asarray(s)[:-1][None]).sum(1), "running sum"),
    (lambda z, s: np.minimum((0.5 * (1 + np.vectorize(math.erf)(np.asarray(z) / math.sqrt(2))) * len(s)).astype(int),
                             len(s) - 1), "equally often"),
    (lambda z, s: np.zeros(3), "expected shape"),
    (lambda z, s: None, "returns None"),
    (lambda z, s: 1 / 0, "ZeroDivisionError"),
]


def test_check_6_passes_the_right_pick_and_the_courses_layer(capsys):
    assert exercises.check_6(right_pick) is True
    assert exercises.check_6(layer_pick) is True
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("answer, hint", WRONG_PICKS)
def test_check_6_names_each_typical_mistake(capsys, answer, hint):
    assert exercises.check_6(answer) is False
    assert hint in capsys.readouterr().out
