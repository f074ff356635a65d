"""Lesson 18's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils.exercises import lesson_18 as exercises


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None) is False
    assert exercises.check_1(lambda image, train: None) is False and exercises.check_2(lambda codes, has: None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 4


def right_vector(codes, has):
    return codes[has].mean(0) - codes[~has].mean(0)


@pytest.mark.parametrize("answer, hint", [
    (lambda c, h: -right_vector(c, h), "sign is reversed"),
    (lambda c, h: c[h].mean(0), "subtract the mean of those without"),
    (lambda c, h: right_vector(c, h) / np.linalg.norm(right_vector(c, h)), "keep its length"),
    (lambda c, h: right_vector(c, h).mean(), "shape"),
    (lambda c, h: c[h].mean(0) - c.mean(0), "boolean mask"),
    (lambda c, h: 1 / 0, "ZeroDivisionError"),
])
def test_check_2(capsys, answer, hint):
    assert exercises.check_2(right_vector) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_2(answer) is False
    assert hint in capsys.readouterr().out


def right_nearest(image, train):
    return int(np.argmin(((train - image) ** 2).sum(axis=(1, 2, 3))))


@pytest.mark.parametrize("answer, hint", [
    (lambda image, train: int(np.argmax(((train - image) ** 2).sum(axis=(1, 2, 3)))), "argmin, not argmax"),
    (lambda image, train: float(np.min(((train - image) ** 2).sum(axis=(1, 2, 3)))), "a distance"),
    (lambda image, train: np.argmin(((train - image) ** 2).sum(axis=(1, 2)), axis=0), "one index"),
    (lambda image, train: 0, "training image 123"),
])
def test_check_1(capsys, answer, hint):
    assert exercises.check_1(right_nearest) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_1(answer) is False
    assert hint in capsys.readouterr().out
