"""Lesson 03's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import tensorflow as tf

import keras
from course_utils.exercises import lesson_03 as exercises

BCE = keras.losses.BinaryCrossentropy(from_logits=True)


def test_not_answered(capsys):
    assert exercises.check_1(None) is False
    assert exercises.check_1(lambda fake_logits: None) is False                           # the untouched skeleton
    assert capsys.readouterr().out.count("Not answered yet") == 2


def test_check_1(capsys):
    assert exercises.check_1(lambda fake_logits: BCE(tf.ones_like(fake_logits), fake_logits)) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = [
        (lambda l: BCE(tf.zeros_like(l), l), "labelled the fakes 0"),
        (lambda l: tf.reduce_mean(tf.math.log_sigmoid(-l)), "*saturating* loss"),
        (lambda l: -BCE(tf.ones_like(l), l), "sign is flipped"),
        (lambda l: 6 * BCE(tf.ones_like(l), l), "sum over the batch"),
        (lambda l: keras.losses.BinaryCrossentropy()(tf.ones_like(l), l), "from_logits=True"),
        (lambda l: -tf.math.log_sigmoid(l), "mean over the batch"),
        (lambda l: undefined_name, "raised NameError"),  # noqa: F821
    ]
    for answer, hint in wrong_answers:
        assert exercises.check_1(answer) is False
        assert hint in capsys.readouterr().out
