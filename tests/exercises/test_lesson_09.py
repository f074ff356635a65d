"""Lesson 09's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import keras
import numpy as np
import pytest
from keras import layers

from course_utils.exercises import lesson_09 as exercises


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None) is False
    assert exercises.check_2(lambda: None) is False                     # the untouched skeleton
    assert exercises.check_3(None, {"per_class": np.ones(10)}) is False
    assert capsys.readouterr().out.count("Not answered yet") == 4


@pytest.mark.parametrize("answer, hint", [(576.3, "non-sevens"), (64, "conditional GAN needs"), (10.1, "ONE seven"),
                                          (6.4, "multiply"), (1_280_000, "total"), (700, "negative_binomial"),
                                          ("640", "one number")])
def test_check_1(capsys, answer, hint):
    draws = 64 + np.random.default_rng(1).negative_binomial(64, 0.1, size=2000)
    assert exercises.check_1(float(draws.mean())) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_1(answer) is False
    assert hint in capsys.readouterr().out


def make_builder(mistake=None):
    def build_channel_discriminator(n_classes=10, width=32, dropout=0.2):
        image = keras.Input((28, 28, 1))
        label = keras.Input((), dtype="int32")
        if mistake == "embedding size":          # a small embedding blown up by a Dense layer
            label_map = layers.Reshape((28, 28, 1))(layers.Dense(28 * 28)(layers.Embedding(n_classes, 50)(label)))
        else:
            label_map = layers.Reshape((28, 28, 1))(layers.Embedding(n_classes, 28 * 28)(label))
        if mistake == "added, not stacked":
            h = layers.Add()([image, label_map])
        elif mistake == "image only":
            h = image
        else:
            h = layers.Concatenate()([image, label_map])
        strides = 1 if mistake == "stride 1" else 2
        h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, strides=strides, padding="same")(h))
        h = layers.LeakyReLU(0.2)(layers.Conv2D(2 * width, 4, strides=2, padding="same")(h))
        if mistake != "no flatten":
            h = layers.Flatten()(h)
        if mistake != "no dropout":
            h = layers.Dropout(dropout)(h)
        logit = layers.Dense(1, activation="sigmoid" if mistake == "sigmoid" else None)(h)
        if mistake == "image only":
            return keras.Model(image, logit)
        return keras.Model([image, label], logit, name="channel_discriminator")
    return build_channel_discriminator


@pytest.mark.parametrize("mistake, hint", [("embedding size", "784"), ("added, not stacked", "SECOND CHANNEL"),
                                           ("stride 1", "two stride-2"), ("no flatten", "(None, 1)"),
                                           ("no dropout", "Dropout"), ("sigmoid", "logit"), ("image only", "two")])
def test_check_2(capsys, mistake, hint):
    assert exercises.check_2(make_builder()) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_2(make_builder(mistake)) is False
    assert hint in capsys.readouterr().out


def test_check_2_unusable_answers(capsys):
    assert exercises.check_2(lambda: 1 / 0) is False and "raised ZeroDivisionError" in capsys.readouterr().out
    assert exercises.check_2(lambda: "a model") is False and "keras.Model" in capsys.readouterr().out


def test_check_3(capsys):
    result = {"per_class": np.array([0.99, 0.98, 0.9, 0.7, 0.95, 0.6, 0.97, 0.93, 0.8, 0.85]),
              "real_per_class": np.array([0.99, 0.99, 0.98, 0.99, 0.97, 0.99, 0.99, 0.98, 0.99, 0.96])}
    assert exercises.check_3(int(np.argmin(result["per_class"])), result) is True
    assert exercises.check_3(np.int64(5), result) is True
    assert capsys.readouterr().out.count("Correct") == 2
    for answer, hint in [(0, "HIGHEST"), (9, "REAL test images"), (3, "another does worse"), ("5", "not a string"),
                         (12, "0 to 9"), (5.5, "whole number")]:
        assert exercises.check_3(answer, result) is False
        assert hint in capsys.readouterr().out


def make_generator_input(mistake=None):
    """generator_input(noise, labels, n_classes), right or with one typical mistake."""
    import tensorflow as tf

    def generator_input(noise, labels, n_classes=10):
        noise = tf.cast(noise, tf.float32)
        depth = {"depth from the batch": tf.reduce_max(labels) + 1, "depth 9": 9, "depth 10": 10}.get(mistake, n_classes)
        one_hot = tf.one_hot(labels, depth)
        raw = tf.cast(labels, tf.float32)[:, None]
        if mistake == "raw integers":
            return tf.concat([noise, raw], axis=-1)
        if mistake == "scaled integers":
            return tf.concat([noise, raw / (n_classes - 1)], axis=-1)
        if mistake == "label ignored":
            return noise
        if mistake == "added":
            return noise + raw
        if mistake == "axis 0":
            return tf.concat([noise, one_hot], axis=0)
        if mistake == "label first":
            return tf.concat([one_hot, noise], axis=-1)
        if mistake == "numpy":
            return np.concatenate([np.asarray(noise), np.eye(n_classes, dtype=np.float32)[np.asarray(labels)]], axis=1)
        if mistake == "int one-hot":
            return tf.concat([noise, tf.one_hot(labels, n_classes, dtype=tf.int32)], axis=-1)
        return tf.concat([noise, one_hot], axis=-1)
    return generator_input


def test_check_4_right_answers(capsys):
    from keras import ops
    assert exercises.check_4(make_generator_input()) is True
    assert exercises.check_4(lambda noise, labels, n_classes=10:
                             ops.concatenate([noise, ops.one_hot(labels, n_classes)], axis=1)) is True   # keras.ops
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("mistake, hint", [
    ("raw integers", "one raw number"), ("scaled integers", "scaled to a small range"),
    ("label ignored", "the label never enters"), ("added", "added to"), ("axis 0", "axis 0"),
    ("depth from the batch", "largest label in this batch"), ("depth 9", "exactly n_classes = 10"),
    ("depth 10", "not 10"), ("label first", "put the noise first"), ("numpy", "tf.function"),
    ("int one-hot", "same float dtype"),
])
def test_check_4_mistakes(capsys, mistake, hint):
    assert exercises.check_4(make_generator_input(mistake)) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


def test_check_4_unusable_answers(capsys):
    def skeleton(noise, labels, n_classes=10):
        return None

    assert exercises.check_4(None) is False and exercises.check_4(skeleton) is False
    assert capsys.readouterr().out.count("Not answered yet") == 2
    assert exercises.check_4(lambda noise, labels, n_classes=10: 1 / 0) is False
    assert "raised ZeroDivisionError" in capsys.readouterr().out
