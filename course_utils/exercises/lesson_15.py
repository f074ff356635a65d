"""Checks for lesson 15's exercises (applications: scarce data, new designs). Each prints a verdict and returns True/False."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


def check_1(images, labels, real_images, real_labels, generated, generated_labels) -> bool:
    """Exercise 1: the fair augmented training set: the real images (already in [-1, 1]) followed by the generated ones,
    which a VAE returns in [0, 1], rescaled to [-1, 1]; the labels in the same order."""
    if images is None or labels is None:
        return not_answered("set both `fair_images` (the real images, then the generated ones in [-1, 1]) and "
                            "`fair_labels` (their labels, in the same order).")
    real_images, generated = (np.asarray(a, dtype=np.float64) for a in (real_images, generated))
    real_labels, generated_labels = np.asarray(real_labels).reshape(-1), np.asarray(generated_labels).reshape(-1)
    try:
        images = np.asarray(images, dtype=np.float64)
        labels = np.asarray(labels)
    except (TypeError, ValueError) as error:
        return wrong(f"`fair_images` and `fair_labels` must be arrays (np.concatenate gives them): {error}")
    rescaled = generated * 2 - 1
    expected = np.concatenate([real_images, rescaled])
    if images.shape != expected.shape:
        if images.shape == rescaled.shape:
            return wrong("these are the generated images only: the fair row trains on the 200 real images *and* the "
                         "generated ones, so concatenate `x_few_gan` first.")
        if images.shape == real_images.shape:
            return wrong("these are the real images only: append the generated ones after them.")
        return wrong(f"expected {len(expected)} images of shape {expected.shape[1:]} (the real ones, then the generated "
                     f"ones); got shape {images.shape}.")
    if close_to(images, np.concatenate([real_images, generated])):
        return wrong("the generated images are still in [0, 1] while the real ones are in [-1, 1]: the classifier would "
                     "read their black background (0) as mid-grey. Rescale only the generated ones, with `* 2 - 1`.")
    if close_to(images, np.concatenate([real_images * 2 - 1, rescaled])):
        return wrong("`x_few_gan` is already in [-1, 1]: rescale only the generated images, not the real ones again.")
    if close_to(images, np.concatenate([real_images, (generated + 1) / 2])):
        return wrong("that maps [-1, 1] to [0, 1], the other way: the generated images are in [0, 1] and need `* 2 - 1`.")
    if not close_to(images, expected):
        return wrong("fair_images = np.concatenate([x_few_gan, small_samples * 2 - 1]), in that order.")
    expected_labels = np.concatenate([real_labels, generated_labels])
    if labels.shape != expected_labels.shape:
        if labels.shape == real_labels.shape or labels.shape == generated_labels.shape:
            return wrong("one label per image: concatenate the real images' labels and the generated ones' labels.")
        return wrong(f"expected {len(expected_labels)} labels, one per image; got shape {labels.shape}.")
    if np.array_equal(labels, expected_labels):
        return correct("the real images and the generated ones on one scale, each with its own label: the set the fair "
                       "row of the experiment trained on.")
    if np.array_equal(labels, np.concatenate([generated_labels, real_labels])):
        return wrong("the labels are in the other order than the images: `y_few` (the real ones) first, then `wanted`.")
    return wrong("fair_labels = np.concatenate([y_few, wanted]): the label of each image, in the images' order.")


def check_2(z_new, z, mean_from, mean_to) -> bool:
    """Exercise 2: move the code ``z`` of an item of class A to class B by the difference of class means."""
    if z_new is None:
        return not_answered("set `z_new` to the moved code: start from z and add the offset from class A's mean to B's.")
    z, mean_from, mean_to = (np.asarray(a, dtype=np.float64) for a in (z, mean_from, mean_to))
    expected = z + (mean_to - mean_from)
    if close_to(z_new, expected, rtol=1e-4, atol=1e-5):
        return correct("z + (mean of B - mean of A): the item keeps what is its own and takes on B's average shape.")
    if close_to(z_new, z + (mean_from - mean_to), rtol=1e-4, atol=1e-5):
        return wrong("the offset points the wrong way: it goes from A's mean to B's, mean_to - mean_from.")
    if close_to(z_new, z + mean_to, rtol=1e-4, atol=1e-5):
        return wrong("subtract class A's mean too: adding only B's mean also adds everything the two classes share.")
    if close_to(z_new, mean_to, rtol=1e-4, atol=1e-5):
        return wrong("that is B's average item: start from this item's own code z and add the offset.")
    return wrong("z_new = z + (mean_to - mean_from), computed with NumPy arrays of the same shape as z.")
