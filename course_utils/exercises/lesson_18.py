"""Checks for the exercises of lesson 18 (colour characters): the nearest training image behind a copy check, and an
attribute vector in the generator's latent space."""
from __future__ import annotations

import numpy as np

from .feedback import correct, not_answered, wrong


def _call(function, *args):
    try:
        return function(*args), None
    except Exception as error:  # the learner's function may fail in any way: report it, do not raise
        return None, f"{function.__name__}(...) raised {type(error).__name__}: {error}."


def check_1(nearest_training_image) -> bool:
    """Exercise 1: ``nearest_training_image(image, train)`` returns the index of the training image at the smallest
    Euclidean distance from ``image`` (one image ``(H, W, C)`` against ``(N, H, W, C)``)."""
    if nearest_training_image is None:
        return not_answered("define nearest_training_image(image, train) returning an index.")
    rng = np.random.default_rng(7)
    train = rng.uniform(-1, 1, (300, 8, 8, 3)).astype(np.float32)
    image = train[123] + rng.normal(0, 0.05, (8, 8, 3)).astype(np.float32)
    distances = np.sqrt(((train - image) ** 2).sum(axis=(1, 2, 3)))
    result, error = _call(nearest_training_image, image, train)
    if error:
        return wrong(error)
    if result is None:
        return not_answered("nearest_training_image returns None: replace the `return None` with an index.")
    if isinstance(result, float | np.floating) or (np.ndim(result) == 0 and not float(result).is_integer()):
        return wrong(f"got {float(result):.3f}, a distance; return the index of the nearest image (np.argmin).")
    if np.ndim(result) != 0:
        return wrong(f"got an array of shape {np.shape(result)}; return one index, the argmin over the training images "
                     "of their distance to the image (sum the squared differences over height, width and channels).")
    if int(result) == int(distances.argmax()):
        return wrong("that is the farthest training image: the nearest has the smallest distance (argmin, not argmax).")
    if int(result) != 123:
        return wrong(f"got index {int(result)}; the image was made from training image 123 with a little noise. Subtract "
                     "the image from every training image, square, sum over axes (1, 2, 3), take the argmin.")
    return correct("a sample whose nearest training image is (almost) itself is a copy; the lesson's copy check asks "
                   "how near the nearest is, compared with unseen real images.")


def check_2(attribute_vector) -> bool:
    """Exercise 2: ``attribute_vector(codes, has_attribute)`` returns the mean code of the images that have the
    attribute minus the mean code of those that do not (Radford et al. 2016, White 2016): a vector of shape (d,)."""
    if attribute_vector is None:
        return not_answered("define attribute_vector(codes, has_attribute) returning one vector.")
    rng = np.random.default_rng(13)
    codes = rng.standard_normal((400, 8)).astype(np.float32)
    has = rng.random(400) < 0.3
    codes[has] += np.linspace(1.0, -1.0, 8, dtype=np.float32)   # the attribute moves the codes along a known direction
    expected = codes[has].mean(0) - codes[~has].mean(0)
    result, error = _call(attribute_vector, codes, has)
    if error:
        return wrong(error)
    if result is None:
        return not_answered("attribute_vector returns None: replace the `return None` with the vector.")
    result = np.asarray(result, dtype=np.float64)
    if result.shape != expected.shape:
        return wrong(f"the vector has shape {result.shape}; it is one code-sized vector, shape {expected.shape}: average "
                     "over the images (axis 0), not over the code's coordinates.")
    if np.allclose(result, -expected, atol=1e-4):
        return wrong("the sign is reversed: mean of the codes WITH the attribute minus the mean of those WITHOUT, so that "
                     "adding the vector adds the attribute.")
    if np.allclose(result, codes[has].mean(0), atol=1e-4):
        return wrong("that is the mean code of the images with the attribute; subtract the mean of those without it, so "
                     "what they share (the average character) cancels.")
    if np.allclose(result, expected / np.linalg.norm(expected), atol=1e-4):
        return wrong("the direction is right, but keep its length: the difference of the means says how far the "
                     "attribute moves a code; the lesson scales it with its own strength slider.")
    if not np.allclose(result, expected, atol=1e-4):
        return wrong("compare codes[has_attribute].mean(axis=0) - codes[~has_attribute].mean(axis=0) with yours: "
                     "has_attribute is a boolean mask, one entry per code.")
    return correct("the difference of the two means points from 'without' to 'with'; added to any code, it adds the "
                   "attribute, as far as the generator learned it as one direction.")
