"""Lesson 07's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import keras
import numpy as np
import pytest
from keras import layers

from course_utils.exercises import lesson_07 as exercises


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
