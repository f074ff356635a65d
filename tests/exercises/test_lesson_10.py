"""Lesson 10's exercise checks: a right answer passes, typical wrong ones fail with their hint, None is 'not answered'."""
import math

import numpy as np
import pytest

from course_utils.exercises import lesson_10 as exercises


def kl_right(m, lv):
    return 0.5 * np.sum(m ** 2 + np.exp(lv) - 1 - lv, axis=1)


@pytest.mark.parametrize("answer, hint", [
    (lambda m, lv: 0.5 * np.sum(m ** 2 + np.exp(lv) - 1 - lv, axis=0), "axis=1"),
    (lambda m, lv: np.sum(m ** 2 + np.exp(lv) - 1 - lv, axis=1), "factor 1/2"),
    (lambda m, lv: 0.5 * np.mean(m ** 2 + np.exp(lv) - 1 - lv, axis=1), "SUM"),
    (lambda m, lv: 1 / 0, "raised ZeroDivisionError"),
])
def test_check_1(capsys, answer, hint):
    assert exercises.check_1(kl_right)
    assert "Correct" in capsys.readouterr().out
    assert not exercises.check_1(answer)
    assert hint in capsys.readouterr().out
    assert not exercises.check_1(None) and "Not answered" in capsys.readouterr().out


@pytest.mark.parametrize("factor, hint", [(1 / 784, "divide by ln 2"), (1 / math.log(2), "784"),
                                          (math.log(2) / 784, "instead of dividing")])
def test_check_2(capsys, factor, hint):
    nats = 95.0
    assert exercises.check_2(nats / (784 * math.log(2)), nats)
    assert not exercises.check_2(nats * factor, nats)
    assert hint in capsys.readouterr().out
    assert not exercises.check_2(None, nats)


def test_check_3(capsys):
    def right(log_w):
        top = log_w.max(0)
        return top + np.log(np.mean(np.exp(log_w - top), axis=0))
    assert exercises.check_3(right)
    wrong_answers = {lambda w: np.log(np.mean(np.exp(w), 0)): "log-sum-exp",
                     lambda w: w.mean(0): "mean of the logs",
                     lambda w: right(w) + np.log(len(w)): "subtract log k",
                     lambda w: right(w).sum(): "reduce over axis 0"}
    for answer, hint in wrong_answers.items():
        assert not exercises.check_3(answer)
        assert hint in capsys.readouterr().out
    assert not exercises.check_3(None)
