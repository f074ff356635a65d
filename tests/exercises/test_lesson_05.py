"""Lesson 05's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import math

import keras
import numpy as np
import pytest

from course_utils.exercises import lesson_05 as exercises

BCE = keras.losses.BinaryCrossentropy()


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None, 1000) is False
    assert exercises.check_3(None, None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 3


@pytest.mark.parametrize("answer, hint", [(16, "scale factor"), (3, "one short"), (5, "one too many"), (6, "not from 1"),
                                          (60, "multiply"), (2, "log2"), ("four", "whole number")])
def test_check_1(capsys, answer, hint):
    assert exercises.check_1(int(np.log2(64 / 4))) is True and exercises.check_1(4.0) is True
    assert capsys.readouterr().out.count("Correct") == 2
    assert exercises.check_1(answer) is False
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [(4321, "4 times as long"), (4321 * 4, "FEWER"), (4321 / 256, "images"),
                                          (4321 // 2, "how many"), (None, "Not answered")])
def test_check_2(capsys, answer, hint):
    mnist_steps = 4321
    assert exercises.check_2(mnist_steps * 64 // 256, mnist_steps, 64) is True
    assert exercises.check_2(mnist_steps * 64 / 256, mnist_steps) is True       # unrounded is fine too
    assert capsys.readouterr().out.count("Correct") == 2
    assert exercises.check_2(answer, mnist_steps, 64) is False
    assert hint in capsys.readouterr().out


def test_check_3(capsys):
    hard, smooth = float(BCE([[1.0]], [[0.99]])), float(BCE([[0.9]], [[0.99]]))
    assert exercises.check_3(hard, smooth) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = [((float(BCE([[0.99]], [[1.0]])), float(BCE([[0.99]], [[0.9]]))), "swapped the arguments"),
                     ((hard, float(BCE([[0.99]], [[0.9]]))), "swapped the arguments"),
                     ((float(BCE([[0.99]], [[1.0]])), smooth), "too large"),
                     ((hard, -0.9 * math.log(0.99)), "weight 0.1"),
                     ((-math.log10(0.99), smooth / math.log(10)), "natural logarithm"),
                     ((hard, smooth + 0.2), "loss_smooth should be"), ((0.05, smooth), "loss_hard should be"),
                     (("low", smooth), "numbers")]
    for answer, hint in wrong_answers:
        assert exercises.check_3(*answer) is False
        assert hint in capsys.readouterr().out
