"""Checks for the exercises of lesson 00 (setup and tour): class counts, the brightest class, undoing the scaling.

The checks load the shipped datasets themselves (a fraction of a second, cached), so the learner passes only the answer.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .feedback import correct, not_answered, wrong


@lru_cache(maxsize=1)
def _mnist():
    from course_utils import datasets
    return datasets.load_mnist()


@lru_cache(maxsize=1)
def _fashion_brightness():
    from course_utils import datasets
    (f_train, fy_train), _ = datasets.load_fashion_mnist()
    return np.array([f_train[fy_train == c].mean() for c in range(10)]), list(datasets.FASHION_MNIST_CLASS_NAMES)


def check_1(counts) -> bool:
    """Exercise 1: ``counts``, the number of MNIST *test* images of each digit, an array of length 10."""
    if counts is None:
        return not_answered("set counts to the number of test images of each digit, e.g. with np.bincount(y_test).")
    (_, y_train), (_, y_test) = _mnist()
    expected = np.bincount(y_test, minlength=10)
    try:
        got = np.asarray(counts, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return wrong(f"counts should be 10 numbers, one per digit; got {type(counts).__name__}.")
    if got.shape == (len(y_test),) or got.shape == (len(y_train),):
        return wrong("that is one number per image (the labels themselves). Count how often each digit occurs: "
                     "np.bincount(y_test, minlength=10).")
    if got.shape != (10,):
        return wrong(f"expected 10 counts, one per digit 0-9; got {got.size} numbers. np.bincount(y_test, minlength=10) "
                     "gives exactly 10.")
    if np.array_equal(got, np.bincount(y_train, minlength=10)):
        return wrong(f"these add up to {int(got.sum())}: that is the training set. The exercise asks for the test set, y_test.")
    if np.allclose(got, expected / len(y_test)):
        return wrong("those are fractions of the test set; the exercise asks for counts (numbers of images).")
    if not np.array_equal(got, expected):
        return wrong(f"the counts should add up to the {len(y_test)} test images; yours add up to {got.sum():g}. "
                     "Count the labels y_test with np.bincount.")
    return correct(f"{int(expected.min())} to {int(expected.max())} test images per digit: roughly balanced, none missing.")


def check_2(brightest) -> bool:
    """Exercise 2: ``brightest``, the *name* of the Fashion-MNIST class with the highest mean pixel value in f_train."""
    if brightest is None:
        return not_answered("set brightest to the name of the class, e.g. datasets.FASHION_MNIST_CLASS_NAMES[index].")
    brightness, names = _fashion_brightness()
    expected = names[int(brightness.argmax())]
    if isinstance(brightest, (int, np.integer)) and not isinstance(brightest, bool):
        if 0 <= brightest < 10 and names[int(brightest)] == expected:
            return wrong(f"{brightest} is the right class's index; store its name: "
                         f"datasets.FASHION_MNIST_CLASS_NAMES[{brightest}].")
        return wrong("store the class's name (a string), computed from the mean pixel value of each class.")
    if not isinstance(brightest, str):
        return wrong(f"brightest should be a class name (a string), got {type(brightest).__name__}.")
    if brightest not in names:
        return wrong(f"{brightest!r} is not one of the class names {names}.")
    if brightest == names[int(brightness.argmin())]:
        return wrong(f"{brightest!r} is the *darkest* class (lowest mean pixel value): use argmax, not argmin.")
    return (correct(f"{expected!r}: mean pixel value {brightness.max():.1f} of 255 (a large, filled-in shape).")
            if brightest == expected else
            wrong(f"{brightest!r} has mean pixel value {brightness[names.index(brightest)]:.1f}, not the highest. Average "
                  "every pixel of every image of a class, f_train[fy_train == c].mean(), for c in range(10)."))


def check_3(recovered) -> bool:
    """Exercise 3: ``recovered``, x_gan mapped back to uint8 pixels, must equal x_train exactly."""
    if recovered is None:
        return not_answered("set recovered to x_gan mapped back to 0..255 as uint8, the same shape as x_train.")
    (x_train, _), _ = _mnist()
    recovered = np.asarray(recovered)
    if recovered.shape == x_train.shape + (1,):
        return wrong(f"recovered has shape {recovered.shape}, with the channel axis. x_train has shape {x_train.shape}: "
                     "drop the last axis, x_gan[..., 0].")
    if recovered.shape != x_train.shape:
        return wrong(f"recovered has shape {recovered.shape}; it should match x_train, {x_train.shape}.")
    if recovered.dtype != np.uint8:
        values_ok = np.allclose(recovered.astype(np.float64), x_train)
        return wrong(f"recovered has dtype {recovered.dtype}; pixels are stored as uint8. "
                     + ("The values are right: finish with .astype(np.uint8)." if values_ok else
                        "x' = x / 127.5 - 1 inverts to x = (x' + 1) * 127.5; round, then .astype(np.uint8)."))
    mismatches = int(np.sum(recovered != x_train))
    if mismatches:
        below = np.sum(recovered.astype(int) == x_train.astype(int) - 1)
        if below > 0.9 * mismatches:
            return wrong(f"{mismatches:,} pixels are one too small: float32 gives 254.99998 for 255, and .astype(np.uint8) "
                         "truncates. Round first: np.round((x_gan[..., 0] + 1) * 127.5).astype(np.uint8).")
        return wrong(f"{mismatches:,} pixels differ from x_train. The GAN scaling was x' = x / 127.5 - 1; invert exactly that: "
                     "x = (x' + 1) * 127.5 (not * 128), rounded.")
    return correct(f"all {len(x_train):,} images recovered exactly: the scaling loses nothing.")
