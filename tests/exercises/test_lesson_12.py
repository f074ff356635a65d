"""Lesson 12's exercise checks: a right answer passes, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils.exercises import lesson_12 as exercises


@pytest.mark.parametrize("answer, hint", [(2.0, "wrong sign"), (-0.5, "dR/dD"), (-3.0, "-beta")])
def test_check_1(capsys, answer, hint):
    assert exercises.check_1(-2.0, beta=2.0)
    assert not exercises.check_1(answer, beta=2.0)
    assert hint in capsys.readouterr().out
    assert not exercises.check_1(None, beta=2.0)


def test_check_2(capsys):
    z_mean = np.random.default_rng(0).normal(size=(100, 4)) * np.array([1, 1, 0.01, 0.01])
    assert exercises.check_2(lambda z: int(np.sum(np.var(z, axis=0) > 0.01)), z_mean)
    assert "2 of 4 dimensions" in capsys.readouterr().out
    wrong_answers = {lambda z: int(np.sum(np.std(z, axis=0) > 0.01)): "VARIANCE",
                     lambda z: int(np.sum(np.abs(z).mean(0) > 0.01)): "variance across images",
                     lambda z: np.var(z, axis=0) > 0.01: "one number",
                     lambda z: int(np.sum(np.var(z, axis=1) > 0.01)): "axis=0"}
    for answer, hint in wrong_answers.items():
        assert not exercises.check_2(answer, z_mean)
        assert hint in capsys.readouterr().out
    assert not exercises.check_2(None, z_mean)


def test_check_3(capsys):
    z0 = np.random.default_rng(0).normal(size=(1, 16))
    assert exercises.check_3(np.repeat(z0, 10, axis=0), np.arange(10), 16)
    assert not exercises.check_3(np.random.default_rng(1).normal(size=(10, 16)), np.arange(10), 16)
    assert "repeat ONE code" in capsys.readouterr().out
    assert not exercises.check_3(np.repeat(z0, 10, axis=0), np.zeros(10), 16)
    assert "0..9" in capsys.readouterr().out
    assert not exercises.check_3(z0, np.arange(10), 16) and "shape (10, 16)" in capsys.readouterr().out
    assert not exercises.check_3(None, None, 16)


# exercise 4: the conditional VAE's input, [flattened features, one-hot label]
def _with_label(features, labels, n_classes):
    import tensorflow as tf
    flat = tf.reshape(features, (tf.shape(features)[0], -1))
    return tf.concat([flat, tf.one_hot(labels, n_classes, dtype=flat.dtype)], axis=1)


def _wrong_answers_4():
    import tensorflow as tf

    def flat(f):
        return tf.reshape(f, (tf.shape(f)[0], -1))
    return [
        (lambda f, y, n: tf.concat([flat(f), tf.cast(y, tf.float32)[:, None]], axis=1), "one-hot vector"),
        (lambda f, y, n: tf.concat([flat(f), tf.cast(y, tf.float32)[:, None] / 9.0], axis=1), "label went in as a number"),
        (lambda f, y, n: tf.concat([f, tf.one_hot(y, n)], axis=1), "Flatten each image first"),
        (lambda f, y, n: tf.concat([flat(f), tf.one_hot(y, n)], axis=0), "not axis 0"),
        (lambda f, y, n: tf.concat([tf.one_hot(y, n), flat(f)], axis=1), "the label comes first"),
        (lambda f, y, n: tf.concat([flat(f), tf.one_hot(y, tf.reduce_max(y) + 1)], axis=1), "depth must be n_classes"),
        (lambda f, y, n: tf.concat([flat(f), tf.one_hot(y, 10)], axis=1), "use the n_classes argument"),
        (lambda f, y, n: tf.concat([flat(f), tf.one_hot(y - 1, n)], axis=1), "not the one-hot labels"),
        (lambda f, y, n: tf.concat([flat(f), tf.one_hot(y, n, dtype=tf.float64)], axis=1), "one dtype"),
        (lambda f, y, n: np.concatenate([np.reshape(f, (len(f), -1)), np.eye(n, dtype="float32")[y]], axis=1),
         "inside tf.function"),
        (lambda f, y, n: 1 / 0, "raised ZeroDivisionError"),
    ]


def test_check_4(capsys):
    assert exercises.check_4(_with_label)
    assert "Correct" in capsys.readouterr().out
    assert not exercises.check_4(None) and "Not answered" in capsys.readouterr().out
    assert not exercises.check_4(lambda f, y, n: None) and "Not answered" in capsys.readouterr().out


@pytest.mark.parametrize("case", range(len(_wrong_answers_4())))
def test_check_4_recognises_each_typical_mistake(capsys, case):
    answer, hint = _wrong_answers_4()[case]
    assert not exercises.check_4(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out
