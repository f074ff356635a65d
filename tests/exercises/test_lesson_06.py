"""Lesson 06's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils import metrics, wgan
from course_utils.exercises import lesson_06 as exercises

METRIC = dict(modes=8, radius=2.0, std=0.05)


def test_not_answered(capsys):
    assert exercises.check_1(None, None) is False and exercises.check_2(None) is False and exercises.check_3(None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 3


def sigma(logit):
    return 1 / (1 + np.exp(-logit))


@pytest.mark.parametrize("answer, hint", [
    ((sigma(-10.0), -(1 - sigma(-10.0))), "sign is flipped"),
    ((-(1 - sigma(-10.0)), -sigma(-10.0)), "swapped"),
    ((-sigma(10.0), -(1 - sigma(10.0))), "l = +10"),
    ((-1 / (1 - sigma(-10.0)), -1 / sigma(-10.0)), "respect to D"),
    ((0.0, -1.0), "exactly 0"),
    ((-4.5e-4, -(1 - sigma(-10.0))), "grad_saturating = -sigma(l)"),
    ((-sigma(-10.0), -0.9), "grad_non_saturating"),
    (("tiny", -1.0), "one number"),
])
def test_check_1(capsys, answer, hint):
    logit = -10.0
    assert exercises.check_1(-sigma(logit), -(1 - sigma(logit))) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_1(*answer) is False
    assert hint in capsys.readouterr().out


def test_check_2(capsys):
    alphas = np.random.default_rng(0).standard_normal(100_000)
    assert exercises.check_2(np.mean((alphas < 0) | (alphas > 1))) is True
    assert "Correct" in capsys.readouterr().out
    uniform = np.random.default_rng(0).uniform(size=100_000)
    wrong_answers = [(np.mean((alphas >= 0) & (alphas <= 1)), "INSIDE"), (np.mean(alphas < 0), "only alpha < 0"),
                     (np.mean(alphas > 1), "only alpha > 1"), (np.mean((uniform < 0) | (uniform > 1)), "NORMAL"),
                     (np.sum((alphas < 0) | (alphas > 1)), "count"), (0.4, "Phi(0)"), ([0.6, 0.7], "one number")]
    for answer, hint in wrong_answers:
        assert exercises.check_2(answer) is False
        assert hint in capsys.readouterr().out


def test_check_3(capsys):
    data = wgan.ring_of_gaussians(2560, seed=0, **METRIC)
    collapsed = data[data[:, 0] > 1.2]
    assert exercises.check_3(metrics.modes_covered(collapsed, **METRIC)) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = [(metrics.modes_covered(data, **METRIC), "whole ring"), (metrics.modes_covered(collapsed), "std is 0.02"),
                     (metrics.modes_covered(data[data[:, 0] > 1.8], **METRIC), "three modes remain"), (3, "a pair")]
    for answer, hint in wrong_answers:
        assert exercises.check_3(answer) is False
        assert hint in capsys.readouterr().out
