"""Lesson 08's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils import metrics, wgan
from course_utils.exercises import lesson_08 as exercises

METRIC = dict(modes=8, radius=2.0, std=0.05)


def test_not_answered(capsys):
    assert exercises.check_1(None, None) is False and exercises.check_2(None) is False and exercises.check_3(None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 3


def sigma(logit):
    return 1 / (1 + np.exp(-logit))


@pytest.mark.parametrize("answer, hint", [
    ((sigma(-10.0), -(1 - sigma(-10.0))), "sign is flipped"),
    ((-(1 - sigma(-10.0)), -sigma(-10.0)), "swapped"),
    ((-sigma(10.0), -(1 - sigma(10.0))), "l = +10"),
    ((-1 / (1 - sigma(-10.0)), -1 / sigma(-10.0)), "respect to D"),
    ((0.0, -1.0), "exactly 0"),
    ((-4.5e-4, -(1 - sigma(-10.0))), "grad_saturating = -sigma(l)"),
    ((-sigma(-10.0), -0.9), "grad_non_saturating"),
    (("tiny", -1.0), "one number"),
])
def test_check_1(capsys, answer, hint):
    logit = -10.0
    assert exercises.check_1(-sigma(logit), -(1 - sigma(logit))) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_1(*answer) is False
    assert hint in capsys.readouterr().out


def test_check_2(capsys):
    alphas = np.random.default_rng(0).standard_normal(100_000)
    assert exercises.check_2(np.mean((alphas < 0) | (alphas > 1))) is True
    assert "Correct" in capsys.readouterr().out
    uniform = np.random.default_rng(0).uniform(size=100_000)
    wrong_answers = [(np.mean((alphas >= 0) & (alphas <= 1)), "INSIDE"), (np.mean(alphas < 0), "only alpha < 0"),
                     (np.mean(alphas > 1), "only alpha > 1"), (np.mean((uniform < 0) | (uniform > 1)), "NORMAL"),
                     (np.sum((alphas < 0) | (alphas > 1)), "count"), (0.4, "Phi(0)"), ([0.6, 0.7], "one number")]
    for answer, hint in wrong_answers:
        assert exercises.check_2(answer) is False
        assert hint in capsys.readouterr().out


def test_check_3(capsys):
    data = wgan.ring_of_gaussians(2560, seed=0, **METRIC)
    collapsed = data[data[:, 0] > 1.2]
    assert exercises.check_3(metrics.modes_covered(collapsed, **METRIC)) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = [(metrics.modes_covered(data, **METRIC), "whole ring"), (metrics.modes_covered(collapsed), "std is 0.02"),
                     (metrics.modes_covered(data[data[:, 0] > 1.8], **METRIC), "three modes remain"), (3, "a pair")]
    for answer, hint in wrong_answers:
        assert exercises.check_3(answer) is False
        assert hint in capsys.readouterr().out


def make_penalty(mistake=None):
    """A gradient penalty for points (batch, 2), right or with one typical mistake."""
    import keras
    import tensorflow as tf

    def gradient_penalty(critic, real, fake, seed=None):
        real, fake = tf.convert_to_tensor(real, tf.float32), tf.convert_to_tensor(fake, tf.float32)
        batch = tf.shape(real)[0]
        shape = (batch, 2) if mistake == "alpha per coordinate" else (1, 1) if mistake == "one alpha" else (batch, 1)
        if mistake == "normal alpha":
            alpha = keras.random.normal(shape, seed=seed)
        elif mistake == "tf.random seed":
            alpha = tf.random.uniform(shape, seed=seed)
        elif mistake == "numpy alpha":
            alpha = tf.constant(np.random.default_rng(0).uniform(size=(real.shape[0], 1)), tf.float32)
        else:
            alpha = keras.random.uniform(shape, 0.0, 1.0, seed=seed)
        x_hat = alpha * real + (1.0 - alpha) * fake
        with tf.GradientTape() as tape:
            if mistake == "gradient wrt real":
                tape.watch(real)
                scores = critic(real, training=True)
            elif mistake == "wrt real through x_hat":
                tape.watch(real)
                scores = critic(alpha * real + (1.0 - alpha) * fake, training=True)
            else:
                tape.watch(x_hat)
                scores = critic(x_hat, training=True)
            if mistake == "mean score":
                scores = tf.reduce_mean(scores)
        grads = tape.gradient(scores, real if mistake in ("gradient wrt real", "wrt real through x_hat") else x_hat)
        if mistake == "numpy grads":
            grads = tf.constant(grads.numpy())
        squared = tf.reduce_sum(tf.square(grads), axis=1)
        if mistake == "squared norm":
            norms = squared
        elif mistake == "plain sqrt":
            norms = tf.sqrt(squared)
        elif mistake == "tf.norm":
            norms = tf.norm(grads, axis=1)
        elif mistake == "one norm":
            norms = tf.sqrt(tf.reduce_sum(tf.square(grads)) + 1e-12)
        else:
            norms = tf.sqrt(squared + 1e-12)
        deviation = norms if mistake == "no minus 1" else norms - 1.0
        per_example = tf.abs(deviation) if mistake == "not squared" else tf.square(deviation)
        if mistake == "no mean":
            return per_example
        return tf.reduce_sum(per_example) if mistake == "sum over batch" else tf.reduce_mean(per_example)
    return gradient_penalty


def test_check_4_right_answers(capsys):
    assert exercises.check_4(make_penalty()) is True
    assert exercises.check_4(wgan.gradient_penalty) is True            # the course's own, shape-agnostic version
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("mistake, hint", [
    ("alpha per coordinate", "each coordinate of an example got its own alpha"),
    ("one alpha", "every example got the same alpha"),
    ("normal alpha", "not normal"),
    ("squared norm", "take the square root"),
    ("no minus 1", "towards 0"),
    ("not squared", "must be squared"),
    ("gradient wrt real", "at the REAL points"),
    ("wrt real through x_hat", "with respect to the REAL points"),
    ("plain sqrt", "sqrt(sum g^2 + 1e-12)"),
    ("tf.norm", "infinite derivative at 0"),
    ("sum over batch", "summed over the batch"),
    ("mean score", "MEAN score"),
    ("one norm", "one norm over the whole batch"),
    ("no mean", "one per example"),
    ("tf.random seed", "SeedGenerator"),
    ("numpy alpha", "drawn once"),
    ("numpy grads", "no .numpy()"),
])
def test_check_4_mistakes(capsys, mistake, hint):
    assert exercises.check_4(make_penalty(mistake)) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


def test_check_4_gradient_wrt_fake(capsys):
    import keras
    import tensorflow as tf

    def at_fake(critic, real, fake, seed=None):
        with tf.GradientTape() as tape:
            tape.watch(fake)
            scores = critic(fake, training=True)
        norms = tf.sqrt(tf.reduce_sum(tf.square(tape.gradient(scores, fake)), axis=1) + 1e-12)
        return tf.reduce_mean(tf.square(norms - 1.0))

    def through_fake(critic, real, fake, seed=None):
        alpha = keras.random.uniform((tf.shape(real)[0], 1), seed=seed)
        with tf.GradientTape() as tape:
            tape.watch(fake)
            scores = critic(alpha * real + (1.0 - alpha) * fake, training=True)
        norms = tf.sqrt(tf.reduce_sum(tf.square(tape.gradient(scores, fake)), axis=1) + 1e-12)
        return tf.reduce_mean(tf.square(norms - 1.0))

    assert exercises.check_4(at_fake) is False and "generated (fake) points" in capsys.readouterr().out
    assert exercises.check_4(through_fake) is False and "factor 1 - alpha" in capsys.readouterr().out


def test_check_4_unusable_answers(capsys):
    def skeleton(critic, real, fake, seed=None):
        return None

    def other_name(critic, real, fake, rng=None):
        return wgan.gradient_penalty(critic, real, fake, seed=rng)

    assert exercises.check_4(None) is False and exercises.check_4(skeleton) is False
    assert capsys.readouterr().out.count("Not answered yet") == 2
    assert exercises.check_4(lambda critic, real, fake, seed=None: 1 / 0) is False
    assert "raised ZeroDivisionError" in capsys.readouterr().out
    assert exercises.check_4(other_name) is False and "name the fourth parameter `seed`" in capsys.readouterr().out
