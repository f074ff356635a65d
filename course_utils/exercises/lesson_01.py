"""Checks for the exercises of lesson 01 (generation as probability): units, zero probabilities, labels as z.

The checks recompute the answers from the shipped MNIST file (binarised as in the lesson; well under a second, cached),
so the learner passes only the answer.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .feedback import close_to, correct, not_answered, wrong

D = 784


@lru_cache(maxsize=1)
def _binary_mnist():
    from course_utils import datasets
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    b_train = datasets.binarize(x_train).reshape(len(x_train), -1).astype(np.float64)
    b_test = datasets.binarize(x_test).reshape(len(x_test), -1).astype(np.float64)
    return b_train, y_train, b_test, y_test


def _scalar(value):
    """A finite float, or None where the answer is not a single number (a string that looks like one is not)."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array) if array.shape == () and np.isfinite(array) else None


def check_1(bits_per_dim) -> bool:
    """Exercise 1: 100 nats per MNIST image, in bits per dimension."""
    if bits_per_dim is None:
        return not_answered("set bits_per_dim to 100 nats per image converted to bits per dimension.")
    value = _scalar(bits_per_dim)
    if value is None:
        return wrong(f"bits_per_dim should be one number, got {type(bits_per_dim).__name__}.")
    expected = 100 / (D * math.log(2))
    if close_to(value, 100 / D):
        return wrong("that is nats per pixel. One nat is 1/ln 2 = 1.443 bits: divide by ln 2 as well.")
    if close_to(value, 100 / math.log(2)):
        return wrong("that is bits per image. 'Per dimension' means per pixel: divide by D = 784 as well.")
    if close_to(value, 100 * math.log(2) / D):
        return wrong("you multiplied by ln 2; converting nats to bits divides by ln 2 (1 bit = ln 2 nats).")
    if close_to(value, 100 / (D * math.log10(2))) or close_to(value, 100 / (D * math.log(10))):
        return wrong("bits use the natural log of 2: divide by D * np.log(2), where np.log is the natural logarithm.")
    if not close_to(value, expected, rtol=1e-3):
        return wrong("bits per dimension = nats per image / (D ln 2), with D = 784 pixels.")
    return correct(f"{expected:.3f} bits per dimension, below 0.2: the model at 100 nats per image is (slightly) the better one "
                   f"(0.2 bits/dim is {0.2 * D * math.log(2):.1f} nats per image).")


def check_2(impossible) -> bool:
    """Exercise 2: the number of test images with probability 0 under the unsmoothed independent-pixel model."""
    if impossible is None:
        return not_answered("set impossible to the number of test images that get probability 0 without smoothing.")
    value = _scalar(impossible)
    if value is None:
        return wrong(f"impossible should be one number (a count of test images), got {type(impossible).__name__}.")
    b_train, _, b_test, _ = _binary_mnist()
    theta_raw = b_train.mean(axis=0)
    never_on, always_on = theta_raw == 0, theta_raw == 1
    expected = int(np.sum((b_test[:, never_on] == 1).any(axis=1) | (b_test[:, always_on] == 0).any(axis=1)))
    if value == len(b_test):
        return wrong(f"{len(b_test)} is every test image. Computing x @ log(theta) gives 0 * log 0 = NaN wherever theta = 0, "
                     "for every image, even those that never turn that pixel on. Count instead the test images that turn ON a "
                     "pixel with theta = 0 (or OFF one with theta = 1).")
    if value == int(never_on.sum()):
        return wrong(f"{int(never_on.sum())} is the number of *pixels* that are never on in training; count the test *images* "
                     "that turn one of them on.")
    if value == 0:
        return wrong("0 is what the training images give (by definition none of them turns on a pixel with theta = 0). "
                     "Count the test images, b_test, that turn on such a pixel.")
    if not 0 <= value <= len(b_test):
        return wrong(f"a count of test images lies between 0 and {len(b_test)}; got {value:g}.")
    if value != expected:
        return wrong("an image has probability 0 if it turns on a pixel with theta = 0, or turns off a pixel with theta = 1. "
                     "Find those pixels with theta_raw == 0 (and == 1) and count the test images that hit one.")
    return correct(f"{expected} test image(s) get probability 0 (log-likelihood -inf): one unseen pixel is enough to make the "
                   f"model call a real digit impossible, which is why the lesson smooths.")


def check_3(class_mixture_nats) -> bool:
    """Exercise 3: the test negative log-likelihood (nats per image) of the mixture whose z is the class label."""
    if class_mixture_nats is None:
        return not_answered("set class_mixture_nats to the test NLL, in nats per image, of the class-label mixture.")
    try:
        raw = np.asarray(class_mixture_nats, dtype=np.float64)
    except (TypeError, ValueError):
        return wrong(f"class_mixture_nats should be one number, got {type(class_mixture_nats).__name__}.")
    if raw.shape != ():
        return wrong(f"expected one number (the mean over test images), got an array of shape {raw.shape}: take the mean.")
    if not np.isfinite(raw):
        return wrong("got NaN or infinity: a class prototype with mu = 0 or 1 makes log(0). Smooth each class's pixel "
                     "frequencies as in section 3: (count of 1s + 1) / (number of images + 2).")
    value = float(raw)
    b_train, y_train, b_test, y_test = _binary_mnist()
    mu = np.stack([(b_train[y_train == c].sum(0) + 1) / ((y_train == c).sum() + 2) for c in range(10)])
    log_pi = np.log(np.bincount(y_train, minlength=10) / len(y_train))
    joint = b_test @ np.log(mu).T + (1 - b_test) @ np.log1p(-mu).T  # log p(x | z = k), (N, 10)
    per_image = np.logaddexp.reduce(joint + log_pi, axis=1)
    expected = -per_image.mean()
    uniform = -np.logaddexp.reduce(joint - math.log(10), axis=1).mean()
    own_label = -(joint + log_pi)[np.arange(len(b_test)), y_test].mean()
    own_label_no_prior = -joint[np.arange(len(b_test)), y_test].mean()
    if close_to(value, -expected, rtol=1e-5):
        return wrong("the sign is flipped: the negative log-likelihood is minus the mean log p(x), a positive number.")
    if close_to(value, -per_image.sum(), rtol=1e-5):
        return wrong("that is the sum over the test images; report nats per image (the mean).")
    if close_to(value, expected / (D * math.log(2)), rtol=1e-4):
        return wrong("that is in bits per dimension; the exercise asks for nats per image.")
    if close_to(value, own_label, rtol=0, atol=5e-4) or close_to(value, own_label_no_prior, rtol=0, atol=5e-4):
        return wrong("you scored each test image under its own label's prototype. A generator does not know the label: "
                     "p(x) = sum_k pi_k p(x | z = k) sums over all 10 classes (use mixture_log_likelihood).")
    if close_to(value, uniform, rtol=0, atol=5e-4):
        return wrong("you used pi_k = 1/10; the exercise takes pi_k as the class frequencies, "
                     "np.bincount(y_train) / len(y_train).")
    if not close_to(value, expected, rtol=0, atol=5e-4):
        return wrong(f"got {value:.3f}. Fit mu_k = (sum of the class's images + 1) / (class size + 2) for each digit k, "
                     "pi_k = class frequency, then -mixture_log_likelihood(b_test, mu, log(pi))[0].mean().")
    return correct(f"{expected:.1f} nats per image: compare it with the EM mixture of 10 in the results table. Both are mixtures "
                   "of 10 Bernoullis; EM picks its own clusters (and finds a local optimum), the labels are chosen by people.")
