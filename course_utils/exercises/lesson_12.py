"""Checks for the exercises of lesson 12 (β-VAE and conditional VAE)."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


def check_1(slope, beta: float) -> bool:
    """Exercise 1: the slope dD/dR of the exact rate-distortion curve at the point the beta-optimal encoder reaches."""
    if slope is None:
        return not_answered("set slope = (D2 - D1) / (R2 - R1) from two nearby points of the exact curve.")
    if close_to(slope, beta, rtol=0.02):
        return wrong("right size, wrong sign: distortion goes DOWN as the rate goes up, so the slope is negative.")
    if close_to(slope, -1.0 / beta, rtol=0.02) and abs(beta - 1.0) > 0.05:
        return wrong("that is dR/dD; the slope of distortion against rate is the change in D over the change in R.")
    if not close_to(slope, -beta, rtol=0.02):
        return wrong(f"at the optimum of D + beta R the curve's slope is -beta = {-beta:g}; check which points you used "
                     "(two betas close to the one asked for) and that rate is on the x axis.")
    return correct(f"The slope is -beta = {-beta:g}: each extra nat of rate buys beta nats of distortion at the optimum.")


def check_2(active_units, z_mean, expected_threshold: float = 0.01) -> bool:
    """Exercise 2: ``active_units(z_mean)`` counts latent dimensions whose encoder mean varies across images:
    Var_x(E_q[z_u]) > 0.01 (Burda et al. 2016)."""
    if active_units is None:
        return not_answered("define active_units(z_mean) returning the number of active latent dimensions.")
    z_mean = np.asarray(z_mean, dtype=np.float64)
    rng = np.random.default_rng(9)
    toy = np.concatenate([rng.normal(0, 1.0, (500, 3)), rng.normal(0, 0.05, (500, 4)), rng.normal(2.0, 0.001, (500, 2))], axis=1)
    try:
        got_toy = active_units(toy.copy())
    except Exception as error:
        return wrong(f"active_units raised {type(error).__name__}: {error}. It gets an array of shape (N images, K dims).")
    if np.ndim(got_toy) != 0:
        return wrong("return one number: the count of active dimensions (np.sum of a boolean array, as an int).")
    if got_toy == 7:
        return wrong("you compared the standard deviation with 0.01; the criterion is the VARIANCE across images > 0.01.")
    if got_toy == 9 and np.var(toy[:, -2:], axis=0).max() < 1e-5:
        return wrong("a dimension whose mean is far from 0 but the same for every image carries no information: "
                     "use the variance across images (axis 0), not the size of the means.")
    if got_toy != 3:
        return wrong("compute the variance of each column (axis=0: across images) and count those above 0.01. "
                     "On a test array with 3 active, 4 nearly constant and 2 constant-but-offset columns you returned "
                     f"{got_toy}.")
    return correct(f"{int(np.sum(np.var(z_mean, axis=0) > expected_threshold))} of {z_mean.shape[1]} dimensions of "
                   "this model are active.")


def check_3(z, labels, latent_dim: int) -> bool:
    """Exercise 3: one code ``z`` (10, latent_dim) repeated for the labels 0..9, to draw every digit in one style."""
    if z is None or labels is None:
        return not_answered("set z (10 rows, the same code in each) and labels (0 to 9).")
    z, labels = np.asarray(z, dtype=np.float64), np.asarray(labels)
    if z.shape != (10, latent_dim):
        return wrong(f"z must have one row per digit: shape (10, {latent_dim}), got {z.shape}.")
    if not np.allclose(z, z[:1]):
        return wrong("the rows of z differ, so each digit gets its own style: repeat ONE code, e.g. np.repeat(z0, 10, axis=0).")
    if labels.shape != (10,) or not np.array_equal(np.sort(labels), np.arange(10)):
        return wrong(f"labels must be the ten classes 0..9, once each (np.arange(10)); got {labels.tolist()}.")
    return correct("Same code, ten classes: the style stays, the digit changes.")


def check_4(with_label) -> bool:
    """Exercise 4: ``with_label(features, labels, n_classes)`` flattens each row of ``features`` (images (N, 28, 28, 1)
    or codes (N, K)) and appends the one-hot label: shape (N, D + n_classes), in TensorFlow ops (it runs in train_step)."""
    import tensorflow as tf
    if with_label is None:
        return not_answered("define with_label(features, labels, n_classes).")
    rng = np.random.default_rng(94)
    images = rng.random((5, 28, 28, 1)).astype(np.float32)
    codes = rng.normal(size=(5, 3)).astype(np.float32)
    labels = np.array([3, 0, 9, 3, 7], dtype=np.int32)
    few = np.array([0, 2, 1, 2, 0], dtype=np.int32)       # a batch without the classes 3..9

    def call(features, these_labels, n_classes, graph=False):
        args = (tf.constant(features), tf.constant(these_labels))
        def run(f, y):
            return with_label(f, y, n_classes)
        try:
            value = tf.function(run)(*args) if graph else run(*args)
        except Exception as error:   # the learner's function may fail in any way: report it, do not raise
            return None, error
        return (None if value is None else np.asarray(value, dtype=np.float64)), None

    def expected(features, these_labels, n_classes):
        return np.concatenate([features.reshape(len(features), -1), np.eye(n_classes)[these_labels]], axis=1)

    got, error = call(images, labels, 10)
    if error is not None:
        text = str(error)
        if "rank" in text.lower():
            return wrong(f"with_label raised {type(error).__name__} on images (5, 28, 28, 1) and labels (5,): tensors joined "
                         "side by side need the same rank. Flatten each image first, tf.reshape(features, (tf.shape(features)[0], "
                         "-1)), then tf.concat([flat, one_hot], axis=1).")
        if "must be equal" in text or "dimension" in text.lower():
            return wrong(f"with_label raised {type(error).__name__}: the pieces do not line up along the axis you joined. "
                         "Join along axis=1 (the columns: each row "
                         "gets its label's 10 numbers), not axis 0 (that would stack the labels under the images as extra rows).")
        if "dtype" in text.lower() or "expected to be a" in text or "type" in type(error).__name__.lower():
            return wrong(f"with_label raised {type(error).__name__}: {text[:200]}. tf.concat needs one dtype: make the "
                         "one-hot float32 like the features (tf.one_hot(labels, n_classes, dtype=features.dtype)).")
        return wrong(f"with_label raised {type(error).__name__}: {text[:300]}. It gets float32 features (N, ...) and int32 "
                     "labels (N,).")
    if got is None:
        return not_answered("with_label returns None: replace the `return None` with the features and the one-hot label joined.")
    want = expected(images, labels, 10)
    if got.shape == (5, 28 * 28 + 1):
        return wrong("there is ONE extra column: the label went in as a number. A network would read class 9 as 'three times "
                     "class 3'; give it a one-hot vector instead, tf.one_hot(labels, n_classes): 10 columns, a 1 in the "
                     "label's.")
    if got.ndim != 2 or got.shape[0] != 5:
        return wrong(f"the result should have one row per image, shape (N, 784 + n_classes) = (5, 794); got {got.shape}. "
                     "Flatten the features and join along axis=1 (the columns), not axis 0 (the batch).")
    if got.shape[1] == 28 * 28 + 10 and close_to(got, np.concatenate([want[:, 784:], want[:, :784]], axis=1)):
        return wrong("the label comes first: that can work too, but put it after the features, [flattened features, one-hot], "
                     "as the course's ConditionalVAE does, so your model below can be compared with it weight for weight.")
    if got.shape != want.shape or not close_to(got, want, rtol=1e-6, atol=1e-6):
        if got.shape == want.shape and close_to(got[:, :784], want[:, :784]):
            return wrong("the features are right but the last 10 columns are not the one-hot labels: row n needs a 1 in "
                         "column 784 + labels[n] and 0 elsewhere (tf.one_hot(labels, n_classes)).")
        return wrong(f"expected shape (5, 794): the 784 pixels of each image, then its one-hot label; got {got.shape}.")
    got_few, error = call(images, few, 10)
    if error is not None or got_few is None or got_few.shape != (5, 794):
        width = "an error" if error is not None or got_few is None else f"{got_few.shape[1] - 784} label columns"
        return wrong(f"for a batch whose largest label is 2 you return {width}, not 10: the one-hot depth must be n_classes, "
                     "not taken from the batch (a batch without a 9 would give the network narrower inputs).")
    got_codes, error = call(codes, labels, 12)
    if error is not None or got_codes is None or got_codes.shape != (5, 3 + 12) or \
            not close_to(got_codes, expected(codes, labels, 12), rtol=1e-6, atol=1e-6):
        shape = "an error" if error is not None or got_codes is None else f"shape {got_codes.shape}"
        return wrong(f"on codes z (5, 3) with n_classes = 12 you return {shape}, not (5, 15): use the n_classes argument "
                     "(do not write 10), and make it work for the decoder's input, codes of any width, as well as for images.")
    _, error = call(images, labels, 10, graph=True)
    if error is not None:
        return wrong(f"with_label works on concrete numbers but raised {type(error).__name__} inside tf.function, where "
                     "train_step runs it on symbolic tensors: use TensorFlow ops (tf.reshape, tf.one_hot, tf.concat), not NumPy.")
    return correct("[flattened features, one-hot label]: the encoder gets 784 + 10 numbers, the decoder K + 10.")
