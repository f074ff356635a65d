"""Lesson 00's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils import datasets
from course_utils.exercises import lesson_00 as exercises

(X_TRAIN, Y_TRAIN), (X_TEST, Y_TEST) = datasets.load_mnist()


def test_not_answered(capsys):
    for check in (exercises.check_1, exercises.check_2, exercises.check_3):
        assert check(None) is False
        assert "Not answered yet" in capsys.readouterr().out


def test_check_1(capsys):
    assert exercises.check_1(np.bincount(Y_TEST, minlength=10)) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (np.bincount(Y_TRAIN, minlength=10), "training set"),
    (Y_TEST, "one number per image"),
    (np.bincount(Y_TEST, minlength=10)[:9], "expected 10 counts"),
    (np.bincount(Y_TEST, minlength=10) / len(Y_TEST), "fractions"),
    (np.full(10, 100), "add up to"),
    ("many", "10 numbers"),
])
def test_check_1_wrong(capsys, answer, hint):
    assert exercises.check_1(answer) is False
    out = capsys.readouterr().out
    assert "Not yet. Hint:" in out and hint in out


def test_check_2(capsys):
    assert exercises.check_2("Coat") is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (4, "store its name"),
    ("Sandal", "darkest"),
    ("Trouser", "not the highest"),
    ("coats", "not one of the class names"),
    (["Coat"], "a string"),
])
def test_check_2_wrong(capsys, answer, hint):
    assert exercises.check_2(answer) is False
    assert hint in capsys.readouterr().out


def test_check_3(capsys):
    x_gan = datasets.to_minus_one_one(X_TRAIN)
    assert exercises.check_3(np.round((x_gan[..., 0] + 1) * 127.5).astype(np.uint8)) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = {
        "truncates": ((x_gan[..., 0] + 1) * 127.5).astype(np.uint8),
        "channel axis": np.round((x_gan + 1) * 127.5).astype(np.uint8),
        "dtype float32": np.round((x_gan[..., 0] + 1) * 127.5),
        "not * 128": np.round((x_gan[..., 0] + 1) * 128).astype(np.uint8),
        "should match x_train": X_TRAIN[:10],
    }
    for hint, answer in wrong_answers.items():
        assert exercises.check_3(answer) is False
        assert hint in capsys.readouterr().out
