"""Lesson 09's exercise checks: a right answer passes, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils.exercises import lesson_09 as exercises


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
