"""Lesson 12's exercise checks: pass on a right answer, fail with a hint on a typical wrong one, and on None."""
import keras
import numpy as np
import tensorflow as tf

from course_utils import diffusion
from course_utils.exercises import lesson_12 as exercises


def test_check_3(capsys):
    alpha_bars = diffusion.NoiseSchedule.linear(1000).alpha_bars
    right = int(np.argmax(alpha_bars < 0.5)) + 1
    assert exercises.check_3(right)
    assert not exercises.check_3(right - 1)          # the array index, not the timestep
    assert "off by one" in capsys.readouterr().out
    assert not exercises.check_3(100)
    assert "not below 0.5" in capsys.readouterr().out
    assert not exercises.check_3(2.5) and not exercises.check_3("soon")
    assert not exercises.check_3(None)
    assert "Not answered" in capsys.readouterr().out


def test_check_4(capsys):
    assert exercises.check_4(lambda x_t, eps, ab: (x_t - np.sqrt(1 - ab) * eps) / np.sqrt(ab))
    assert exercises.check_4(diffusion.predict_x0)
    assert not exercises.check_4(lambda x_t, eps, ab: (x_t - (1 - ab) * eps) / ab)   # no square roots
    assert "square roots" in capsys.readouterr().out
    assert not exercises.check_4(lambda x_t, eps, ab: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.check_4(3.0) and not exercises.check_4(None)
    assert not exercises.check_4(lambda x_t, eps, ab: None)       # the untouched skeleton
    assert "Not answered" in capsys.readouterr().out


def test_check_1(capsys):
    assert exercises.check_1(512, 5e-4 * np.sqrt(8))
    assert exercises.check_1(512, 1.414e-3)                  # rounded by hand
    assert not exercises.check_1(512, 4e-3)                  # the linear rule: SGD's, not Adam's
    assert "derived for SGD" in capsys.readouterr().out
    assert not exercises.check_1(64, 5e-4 * np.sqrt(8))
    assert "own 64 images" in capsys.readouterr().out
    assert not exercises.check_1(512, 5e-4)
    assert "larger rate" in capsys.readouterr().out
    assert not exercises.check_1(512, 5e-4 * 64)
    assert not exercises.check_1(None, 4e-3)


def right_brightness(x, seed):
    return x + keras.random.uniform((tf.shape(x)[0], 1, 1, 1), -0.5, 0.5, seed=seed)


def test_check_2(capsys):
    assert exercises.check_2(right_brightness)
    assert not exercises.check_2(lambda x, seed: x + keras.random.uniform(tf.shape(x), -0.5, 0.5, seed=seed))
    assert "ONE offset per image" in capsys.readouterr().out
    assert not exercises.check_2(lambda x, seed: x + 0.3)
    assert "same offset" in capsys.readouterr().out
    assert not exercises.check_2(lambda x, seed: x + keras.random.uniform((tf.shape(x)[0], 1, 1, 1), -1.0, 1.0, seed=seed))
    assert "[-0.5, 0.5)" in capsys.readouterr().out
    rng = np.random.default_rng(0)
    assert not exercises.check_2(lambda x, seed: np.asarray(x) + rng.uniform(-0.5, 0.5, (16, 1, 1, 1)))  # NumPy: no gradient
    assert "gradient" in capsys.readouterr().out
    assert not exercises.check_2(None)
    assert not exercises.check_2(lambda x, seed: None)            # the untouched skeleton
    assert "Not answered" in capsys.readouterr().out
