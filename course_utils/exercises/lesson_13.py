"""Checks for the exercises of lesson 13 (evaluating generators). Each prints a verdict and returns True/False."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


def check_1(frechet_by_hand) -> bool:
    """Exercise 1: the Fréchet distance between N((0, 0), diag(1, 4)) and N((3, 0), diag(4, 4)), by hand."""
    if frechet_by_hand is None:
        return not_answered("set `frechet_by_hand` to the number you computed from the closed form.")
    expected = 3.0 ** 2 + (np.sqrt(1.0) - np.sqrt(4.0)) ** 2 + (np.sqrt(4.0) - np.sqrt(4.0)) ** 2  # 10
    if close_to(frechet_by_hand, expected):
        return correct("9 from the means, 1 from the first variance, 0 from the second.")
    if close_to(frechet_by_hand, 9.0 + 3.0):
        return wrong("you used the variances where the formula has standard deviations: it is "
                     "sum (sqrt(a_i) - sqrt(b_i))^2 for diagonal covariances.")
    if close_to(frechet_by_hand, 3.0 + 1.0):
        return wrong("the mean term is the *squared* distance between the means: |mu_1 - mu_2|^2.")
    return wrong("add the squared distance between the means and, per dimension, (sqrt(a_i) - sqrt(b_i))^2.")


def check_2(fd_at_2000) -> bool:
    """Exercise 2: a real-vs-real Fréchet distance of 4.0 at N = 500 that falls like c / N, at N = 2,000."""
    if fd_at_2000 is None:
        return not_answered("set `fd_at_2000` to the predicted Fréchet distance at N = 2,000.")
    if close_to(fd_at_2000, 1.0):
        return correct("four times the samples, a quarter of the bias.")
    if close_to(fd_at_2000, 2.0):
        return wrong("that is a 1/sqrt(N) law (the noise of a mean); the bias of the Fréchet distance goes like 1/N.")
    return wrong("write FD(N) = c / N, find c from FD(500) = 4.0, and evaluate at N = 2,000.")


def _toy_sets(seed: int):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(300, 2))
    generated = np.concatenate([rng.normal(size=(150, 2)), rng.normal(size=(150, 2)) + [4.0, 0.0]])
    return real, generated


def _reference_precision(real, generated, k):
    from ..metrics import precision_recall
    return precision_recall(real, generated, k=k)["precision"]


def check_3(precision_function) -> bool:
    """Exercise 3: ``precision_function(real, generated, k)`` -> the share of generated points inside the real
    manifold (balls around each real point, radius = distance to its k-th nearest other real point)."""
    if precision_function is None:
        return not_answered("define `knn_precision(real, generated, k)` and pass the function itself.")
    if not callable(precision_function):
        return wrong("pass the function itself (`knn_precision`), not its result.")
    for seed, k in ((0, 3), (1, 5)):
        real, generated = _toy_sets(seed)
        try:
            value = float(precision_function(real.copy(), generated.copy(), k))
        except Exception as error:  # a learner's bug must not stop the notebook
            return wrong(f"your function raised {type(error).__name__}: {error}")
        expected = _reference_precision(real, generated, k)
        if not close_to(value, expected, rtol=0, atol=1e-9):
            if close_to(value, _reference_precision(real, generated, k - 1), rtol=0, atol=1e-9):
                return wrong("each real point is its own nearest neighbour (distance 0): the k-th neighbour "
                             "is at position k of the sorted row, not k - 1.")
            return wrong(f"on a toy case (k={k}) you got {value:.3f}, expected {expected:.3f}. A generated point "
                         "counts if its distance to *some* real point is <= that real point's radius.")
    return correct("your precision matches course_utils.metrics.precision_recall on two toy cases.")


def check_4(choice, table) -> bool:
    """Exercise 4: from the comparison table (a dict model -> row with keys ``frechet_distance`` and ``encoder``),
    the model with an encoder that has the lowest Fréchet distance."""
    if choice is None:
        return not_answered("set `choice` to the name of a model in the table (a key of `comparison`).")
    if choice not in table:
        return wrong(f"{choice!r} is not a model in the table; the names are {sorted(table)}.")
    with_encoder = {name: row for name, row in table.items() if row["encoder"]}
    if not with_encoder:
        return wrong("no model in this table has an encoder.")
    expected = min(with_encoder, key=lambda name: with_encoder[name]["frechet_distance"])
    if choice == expected:
        return correct()
    if not table[choice]["encoder"]:
        return wrong(f"{choice} has no encoder: it cannot map an image back to a latent code.")
    return wrong("among the models with an encoder, compare their Fréchet distances: lower is better.")
