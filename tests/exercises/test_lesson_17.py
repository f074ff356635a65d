"""Lesson 17's exercise checks: pass on a right answer, fail with a hint on a typical wrong one, and on None."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import diffusion
from course_utils.exercises import lesson_17 as exercises


def test_check_1(capsys):
    alpha_bars = diffusion.NoiseSchedule.linear(1000).alpha_bars
    right = int(np.argmax(alpha_bars < 0.5)) + 1
    assert exercises.check_1(right)
    assert not exercises.check_1(right - 1)          # the array index, not the timestep
    assert "off by one" in capsys.readouterr().out
    assert not exercises.check_1(100)
    assert "not below 0.5" in capsys.readouterr().out
    assert not exercises.check_1(2.5) and not exercises.check_1("soon")
    assert not exercises.check_1(None)
    assert "Not answered" in capsys.readouterr().out


def test_check_2(capsys):
    assert exercises.check_2(lambda x_t, eps, ab: (x_t - np.sqrt(1 - ab) * eps) / np.sqrt(ab))
    assert exercises.check_2(diffusion.predict_x0)
    assert not exercises.check_2(lambda x_t, eps, ab: (x_t - (1 - ab) * eps) / ab)   # no square roots
    assert "square roots" in capsys.readouterr().out
    assert not exercises.check_2(lambda x_t, eps, ab: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.check_2(3.0) and not exercises.check_2(None)
    assert not exercises.check_2(lambda x_t, eps, ab: None)       # the untouched skeleton
    assert "Not answered" in capsys.readouterr().out


def right_loss(denoiser, x0, t, noise, schedule):
    alpha_bar = tf.cast(tf.gather(schedule.alpha_bars, t - 1), tf.float32)[:, None]
    x_t = tf.sqrt(alpha_bar) * x0 + tf.sqrt(1.0 - alpha_bar) * noise
    return tf.reduce_mean(tf.square(noise - denoiser([x_t, t], training=True)))


def _loss_with(alpha_bars_of=lambda s, t: s.alpha_bars[t - 1], scale=np.sqrt, target="noise", reduce=tf.reduce_mean,
               clean_input=False, numpy=False):
    def loss(denoiser, x0, t, noise, schedule):
        ab = alpha_bars_of(schedule, t).astype(np.float32)[:, None]
        x_t = scale(ab) * x0 + scale(1 - ab) * noise
        prediction = denoiser([x0 if clean_input else x_t, t])
        aim = noise if target == "noise" else x0
        if numpy:
            return float(np.mean((aim - np.asarray(prediction)) ** 2))
        return reduce(tf.square(aim - prediction))
    return loss


def test_check_3_passes_the_right_loss(capsys):
    assert exercises.check_3(right_loss)
    assert "asked for the noise" in capsys.readouterr().out


def test_check_3_wants_a_loss_that_runs_in_a_train_step(capsys):
    assert not exercises.check_3(_loss_with())       # right value, but NumPy indexing by t fails inside tf.function
    assert "tf.gather(schedule.alpha_bars, t - 1)" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (_loss_with(alpha_bars_of=lambda s, t: s.alpha_bars[np.minimum(t, s.T - 1)]), "t counts from 1"),
    (_loss_with(alpha_bars_of=lambda s, t: s.alphas[t - 1]), "running product"),
    (_loss_with(scale=lambda a: a), "square roots"),
    (_loss_with(target="x0"), "not x_0"),
    (_loss_with(reduce=tf.reduce_sum), "rather than sum"),
    (_loss_with(clean_input=True), "never the clean x_0"),
    (_loss_with(numpy=True), "no gradient reaches"),
    (lambda denoiser, x0, t, noise, schedule: tf.square(noise - denoiser([x0, t])), "one number"),
    (lambda denoiser, x0, t, noise, schedule: 1 / 0, "raised ZeroDivisionError"),
    (lambda denoiser, x0, t, noise, schedule: None, "Not answered yet"),
    (None, "Not answered yet"),
    ("loss", "must be a function"),
])
def test_check_3_names_each_typical_mistake(capsys, answer, hint):
    assert not exercises.check_3(answer)
    assert hint in capsys.readouterr().out
