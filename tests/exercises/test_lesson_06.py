"""Lesson 06's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import math

import keras
import numpy as np
import pytest

from course_utils import gan
from course_utils.exercises import lesson_06 as exercises

D_FAKE = np.array([0.01, 0.02, 0.05])


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None, None, None) is False
    assert exercises.check_3(None, None, None, None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 3


@pytest.mark.parametrize("answer, hint", [(math.log(4), "SUM"), (-math.log(2), "sign"), (1.0, "bits"),
                                          (0.5, "output D itself"), (math.log10(2), "log10"), (0.7, "-log 0.5"),
                                          ([0.69, 0.69], "one number")])
def test_check_1(capsys, answer, hint):
    targets = np.array([[1.0], [0.0]])
    right = float(np.mean(keras.losses.binary_crossentropy(targets, np.full((2, 1), 0.5))))
    assert exercises.check_1(right) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_1(answer) is False
    assert hint in capsys.readouterr().out


def test_check_2(capsys):
    loss = np.mean(np.log(1 - D_FAKE))
    sat, non_sat = -1 / (1 - D_FAKE), -1 / D_FAKE
    for grads in ((sat.mean(), non_sat.mean()), (sat, non_sat), (sat / 3, non_sat / 3)):   # mean, per example, of the mean
        assert exercises.check_2(loss, *grads) is True
    assert capsys.readouterr().out.count("Correct") == 3
    wrong_answers = [((-loss, sat, non_sat), "you negated it"), ((np.mean(np.log(D_FAKE)), sat, non_sat), "log D(G(z))"),
                     ((3 * loss, sat, non_sat), "sum over the batch"), ((loss, -sat, non_sat), "sign is flipped"),
                     ((loss, non_sat, sat), "swapped"), ((loss, -D_FAKE, D_FAKE - 1), "respect to the logit"),
                     ((loss, sat * 2, non_sat), "grad_saturating"), ((loss, sat, non_sat * 2), "grad_non_saturating"),
                     ((loss, "a", non_sat), "should be numbers")]
    for answer, hint in wrong_answers:
        assert exercises.check_2(*answer) is False
        assert hint in capsys.readouterr().out


@pytest.fixture(scope="module")
def networks():
    generator, discriminator = gan.build_generator(64), gan.build_discriminator()
    gan.build_gan(generator, discriminator)               # freezes the discriminator, as after train_gan
    return generator, discriminator


def test_check_3(capsys, networks):
    generator, discriminator = networks
    g_right = sum(int(np.prod(w.shape)) for w in generator.trainable_weights)
    d_right = discriminator.count_params()
    assert exercises.check_3(g_right, d_right, generator, discriminator) is True
    assert "Correct" in capsys.readouterr().out
    frozen = sum(int(np.prod(w.shape)) for w in discriminator.trainable_weights)
    wrong_answers = [((g_right, frozen), "frozen"), ((g_right + d_right, d_right), "stacked GAN"),
                     ((len(generator.trainable_weights), d_right), "weight tensors"), ((d_right, g_right), "swapped"),
                     ((g_right - 1, d_right), "g_params"), ((g_right, d_right + 1), "d_params"), (("many", d_right), "numbers")]
    for (g, d), hint in wrong_answers:
        assert exercises.check_3(g, d, generator, discriminator) is False
        assert hint in capsys.readouterr().out
