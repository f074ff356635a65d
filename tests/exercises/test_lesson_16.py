"""Lesson 16's exercise checks: pass on a right answer, fail with a hint on a typical wrong one, and on None."""
import keras
import numpy as np
import tensorflow as tf

from course_utils.exercises import lesson_16 as exercises


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
