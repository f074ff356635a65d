"""Checks for lesson 14's exercises (applications: restoring damaged photos). Each prints a verdict and returns True/False."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong

EXERCISE_1_MSE = 0.004


def check_1(psnr_db) -> bool:
    """Exercise 1: the PSNR in dB of a restoration whose mean squared error is 0.004 (images in [0, 1])."""
    if psnr_db is None:
        return not_answered("set `psnr_db` to 10 log10(MAX^2 / MSE) for MSE = 0.004 and MAX = 1.")
    expected = 10 * np.log10(1.0 / EXERCISE_1_MSE)
    if close_to(psnr_db, expected):
        return correct(f"{expected:.2f} dB: halving the MSE would add 3.01 dB.")
    if close_to(psnr_db, 10 * np.log10(1.0 / np.sqrt(EXERCISE_1_MSE))):
        return wrong("you used the root-mean-square error; with the factor 10 the formula takes the *mean squared* "
                     "error (or write 20 log10(MAX / RMSE)).")
    if close_to(psnr_db, 20 * np.log10(1.0 / EXERCISE_1_MSE)):
        return wrong("20 log10 goes with the RMSE; with the MSE (a squared quantity) the factor is 10.")
    if close_to(psnr_db, -expected):
        return wrong("the ratio is MAX^2 / MSE (signal over error), so a good restoration gives a large positive number.")
    if close_to(psnr_db, 10 * np.log(1.0 / EXERCISE_1_MSE)):
        return wrong("decibels use the base-10 logarithm: np.log10, not np.log.")
    return wrong("PSNR = 10 log10(MAX^2 / MSE) with MAX = 1 for images in [0, 1].")


def _exercise_2_data(seed: int):
    rng = np.random.default_rng(seed)
    restored, target = rng.random((3, 28, 28, 1)), rng.random((3, 28, 28, 1))
    mask = np.ones((3, 28, 28, 1))
    mask[:, 8:20, 8:20] = 0.0
    mask[1, :5] = 0.0
    return restored, target, mask


def check_2(masked_squared_error) -> bool:
    """Exercise 2: ``masked_squared_error(restored, target, mask)`` -> one number per image: the sum over the
    visible pixels (mask 1) of the squared difference."""
    if masked_squared_error is None:
        return not_answered("define `masked_squared_error(restored, target, mask)` and pass the function itself.")
    if not callable(masked_squared_error):
        return wrong("pass the function itself (`masked_squared_error`), not its result.")
    for seed in (0, 1):
        restored, target, mask = _exercise_2_data(seed)
        try:
            value = np.asarray(masked_squared_error(restored.copy(), target.copy(), mask.copy()), dtype=np.float64)
        except Exception as error:  # a learner's bug must not stop the notebook
            return wrong(f"your function raised {type(error).__name__}: {error}")
        squared = (restored - target) ** 2
        expected = np.sum(mask * squared, axis=(1, 2, 3))
        if close_to(value, expected):
            continue
        if value.shape != expected.shape:
            if close_to(value, expected.sum()) or close_to(value, expected.mean()):
                return wrong("return one number per image (sum over axes 1, 2, 3), not one for the whole batch.")
            return wrong(f"expected one number per image, shape {expected.shape}; got shape {value.shape}.")
        if close_to(value, squared.sum(axis=(1, 2, 3))):
            return wrong("the missing pixels are in your sum: multiply the squared difference by the mask first.")
        if close_to(value, np.mean(mask * squared, axis=(1, 2, 3))):
            return wrong("sum over the pixels rather than averaging: the mean divides by all 784 pixels, visible or not.")
        if close_to(value, np.sum((1 - mask) * squared, axis=(1, 2, 3))):
            return wrong("mask 1 means *visible*: you summed over the missing pixels, which we do not know.")
        return wrong("compute np.sum(mask * (restored - target) ** 2, axis=(1, 2, 3)).")
    return correct("one masked sum per image, as in restoration.masked_loss (before dividing by 2 sigma^2).")

