"""Lesson 01's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import math

import numpy as np
import pytest

from course_utils import datasets
from course_utils.exercises import lesson_01 as exercises

(X_TRAIN, Y_TRAIN), (X_TEST, Y_TEST) = datasets.load_mnist()
B_TRAIN = datasets.binarize(X_TRAIN).reshape(len(X_TRAIN), -1).astype(np.float64)
B_TEST = datasets.binarize(X_TEST).reshape(len(X_TEST), -1).astype(np.float64)


def test_not_answered(capsys):
    for check in (exercises.check_1, exercises.check_2, exercises.check_3):
        assert check(None) is False
        assert "Not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (100 / 784, "divide by ln 2"), (100 / math.log(2), "784"), (100 * math.log(2) / 784, "multiplied by ln 2"),
    (100 / (784 * math.log10(2)), "natural log"), (0.5, "D ln 2"), ("0.18", "one number"),
])
def test_check_1(capsys, answer, hint):
    assert exercises.check_1(100 / (784 * np.log(2))) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_1(answer) is False
    assert hint in capsys.readouterr().out


def reference_impossible():
    theta_raw = B_TRAIN.mean(axis=0)
    return int(np.sum((B_TEST[:, theta_raw == 0] == 1).any(axis=1) | (B_TEST[:, theta_raw == 1] == 0).any(axis=1)))


def test_check_2(capsys):
    assert exercises.check_2(reference_impossible()) is True
    assert "Correct" in capsys.readouterr().out
    theta_raw = B_TRAIN.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):       # the naive computation: every image becomes NaN
        naive = B_TEST @ np.log(theta_raw) + (1 - B_TEST) @ np.log1p(-theta_raw)
    wrong_answers = {int(np.sum(~np.isfinite(naive))): "0 * log 0 = NaN",
                     int(np.sum(theta_raw == 0)): "number of *pixels*",
                     0: "training images",
                     reference_impossible() + 5: "turns on a pixel with theta = 0"}
    for answer, hint in wrong_answers.items():
        assert exercises.check_2(answer) is False
        assert hint in capsys.readouterr().out


def mixture_nats(smoothing=1.0, uniform=False, reduce="mean"):
    counts = np.bincount(Y_TRAIN)
    mu = np.stack([(B_TRAIN[Y_TRAIN == c].sum(0) + smoothing) / (counts[c] + 2 * smoothing) for c in range(10)])
    log_pi = np.full(10, -np.log(10)) if uniform else np.log(counts / len(Y_TRAIN))
    with np.errstate(divide="ignore", invalid="ignore"):
        joint = B_TEST @ np.log(mu).T + (1 - B_TEST) @ np.log1p(-mu).T + log_pi
        peak = joint.max(1, keepdims=True)
        log_px = peak[:, 0] + np.log(np.exp(joint - peak).sum(1))
    if reduce == "own label":
        return -joint[np.arange(len(B_TEST)), Y_TEST].mean()
    return -log_px.sum() if reduce == "sum" else -log_px.mean()


def test_check_3(capsys):
    right = mixture_nats()
    assert exercises.check_3(right) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = [(mixture_nats(uniform=True), "pi_k = 1/10"), (mixture_nats(smoothing=0.0), "Smooth"),
                     (-right, "sign is flipped"), (mixture_nats(reduce="sum"), "sum over the test images"),
                     (mixture_nats(reduce="own label"), "its own label"), (right + 3.0, "Fit mu_k"),
                     (np.full(999, right), "take the mean")]
    for answer, hint in wrong_answers:
        assert exercises.check_3(answer) is False
        assert hint in capsys.readouterr().out
