"""Lesson 11's exercise checks: a right answer passes, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils.exercises import lesson_11 as exercises


# exercise 1: the sampling step and the loss, in TensorFlow
def _reparameterise(m, lv, e):
    import tensorflow as tf
    return m + tf.exp(0.5 * lv) * e


def _reconstruction(x, logits):
    import tensorflow as tf
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits)
    return tf.reduce_sum(tf.reshape(per_pixel, (tf.shape(x)[0], -1)), axis=1)


def _kl(m, lv):
    import tensorflow as tf
    return 0.5 * tf.reduce_sum(tf.square(m) + tf.exp(lv) - 1.0 - lv, axis=1)


def _loss(x, logits, m, lv):
    import tensorflow as tf
    return tf.reduce_mean(_reconstruction(x, logits) + _kl(m, lv))


def _wrong_answers_1():
    import keras
    import tensorflow as tf
    mean = tf.reduce_mean
    return [
        ((lambda m, lv, e: m + tf.exp(lv) * e), _loss, "VARIANCE"),                        # variance instead of std
        ((lambda m, lv, e: m + lv * e), _loss, "not sigma"),
        ((lambda m, lv, e: m + tf.sqrt(lv) * e), _loss, "NaN or inf"),
        ((lambda m, lv, e: m + tf.exp(lv / 2) * tf.random.normal(tf.shape(m))), _loss, "do not draw your own"),
        ((lambda m, lv, e: m + np.exp(lv / 2) * e), _loss, "inside tf.function"),         # NumPy: no graph
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l) - _kl(m, lv)), "sign is flipped"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l) + 2 * _kl(m, lv)), "factor 1/2"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l) / 784 + _kl(m, lv)), "beta = 784"),
        (_reparameterise, lambda x, l, m, lv: mean(keras.losses.binary_crossentropy(
            tf.reshape(x, (len(x), -1)), tf.reshape(l, (len(l), -1)), from_logits=True) + _kl(m, lv)), "beta = 784"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l)) + tf.reduce_sum(_kl(m, lv)), "batch axis"),
        (_reparameterise, lambda x, l, m, lv: tf.reduce_sum(_reconstruction(x, l) + _kl(m, lv)), "SUMMED over the batch"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l) + _kl(m, lv) / m.shape[1]), "latent units"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, tf.sigmoid(l)) + _kl(m, lv)), "sigmoid applied twice"),
        (_reparameterise, lambda x, l, m, lv: mean(tf.reduce_sum(keras.losses.binary_crossentropy(x, l), axis=[1, 2])
                                                  + _kl(m, lv)), "treats the logits as probabilities"),
        (_reparameterise, lambda x, l, m, lv: mean(tf.reduce_sum(keras.losses.binary_crossentropy(x, tf.sigmoid(l)),
                                                                 axis=[1, 2]) + _kl(m, lv)), "confident"),
        (_reparameterise, lambda x, l, m, lv: mean(-tf.reduce_sum(x * tf.math.log(l) + (1 - x) * tf.math.log(1 - l),
                                                                  axis=[1, 2, 3]) + _kl(m, lv)), "log(logits)"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l) + 0.5 * tf.reduce_sum(
            m ** 2 + lv - 1 - tf.math.log(lv), axis=1)), "log of z_log_var"),
        (_reparameterise, lambda x, l, m, lv: _reconstruction(x, l) + _kl(m, lv), "one number"),
        (_reparameterise, lambda x, l, m, lv: -_loss(x, l, m, lv), "ELBO itself"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l)), "no KL term"),
        (_reparameterise, lambda x, l, m, lv: mean(0.9 * _reconstruction(x, l) + _kl(m, lv)), "your KL is right"),
        (_reparameterise, lambda x, l, m, lv: mean(_reconstruction(x, l) + 1.3 * _kl(m, lv)), "the KL is off"),
        (_reparameterise, lambda *args: 1 / 0, "raised ZeroDivisionError"),
    ]


def test_check_1_passes_the_right_answer(capsys):
    assert exercises.check_1(_reparameterise, _loss)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("case", range(len(_wrong_answers_1())))
def test_check_1_recognises_each_typical_mistake(capsys, case):
    reparameterise, loss, hint = _wrong_answers_1()[case]
    assert not exercises.check_1(reparameterise, loss)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


def test_check_1_names_every_mistake_of_a_combined_answer(capsys):
    import tensorflow as tf
    both = lambda x, l, m, lv: tf.reduce_mean(_reconstruction(x, l) / 784) + tf.reduce_sum(_kl(m, lv))   # noqa: E731
    assert not exercises.check_1(_reparameterise, both)
    out = capsys.readouterr().out
    assert "beta = 784" in out and "batch axis" in out


def test_check_1_not_answered(capsys):
    assert not exercises.check_1(None, None) and "Not answered" in capsys.readouterr().out
    skeleton = lambda *args: None   # noqa: E731 - the answer cell's `return None`
    assert not exercises.check_1(skeleton, skeleton) and "Not answered" in capsys.readouterr().out
    assert not exercises.check_1(_reparameterise, skeleton) and "vae_loss returns None" in capsys.readouterr().out
