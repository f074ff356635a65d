"""Measuring generators (lesson 13 derives these; lessons 07-12 and the benchmark use them).

* Quality and variety in one number: :func:`frechet_distance` (the FID formula), with its dependence on the
  sample size measured by :func:`frechet_distance_by_size` and removed by :func:`frechet_distance_extrapolated`.
* Quality and variety apart: :func:`precision_recall` (k-nearest-neighbour manifolds, Kynkäänniemi et al. 2019).
* Classes: :func:`class_coverage` (spread over classes, confidence), :func:`conditional_accuracy`.
* Memorisation: :func:`copy_check` (nearest training image of each sample, against unseen real images).
* The course's quality score of generated images in one call: :func:`quality_report` (lessons 07, 09, 10, benchmark).
* Likelihood: :func:`importance_weighted_log_likelihood` (a VAE's ``log p(x)`` bound, lesson 10).
* Restoration: :func:`psnr` and :func:`ssim` against the original (lesson 14).
* The 2-D ring of lesson 08: :func:`modes_covered`.

All functions take NumPy arrays. Features come from the course's own domain classifier
(:mod:`course_utils.classifier`), standing in for the Inception network of the FID, which would need a
download and is meant for photographs, not 28x28 digits.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import tensorflow as tf


def _check_features(name, x):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples, features), got shape {x.shape}.")
    if len(x) < 2:
        raise ValueError(f"{name} needs at least 2 samples to estimate a covariance, got {len(x)}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return x


def _sqrtm_psd(matrix):
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance_gaussians(mu1, cov1, mu2, cov2) -> float:
    """Squared Fréchet (2-Wasserstein) distance between N(mu1, cov1) and N(mu2, cov2):
    ``|mu1 - mu2|^2 + tr(cov1 + cov2 - 2 (cov1^{1/2} cov2 cov1^{1/2})^{1/2})``."""
    mu1, mu2 = np.asarray(mu1, float), np.asarray(mu2, float)
    cov1, cov2 = np.atleast_2d(cov1).astype(float), np.atleast_2d(cov2).astype(float)
    if mu1.shape != mu2.shape or cov1.shape != cov2.shape or cov1.shape != (mu1.size, mu1.size):
        raise ValueError(f"shapes do not match: mu {mu1.shape} / {mu2.shape}, cov {cov1.shape} / {cov2.shape}.")
    root1 = _sqrtm_psd(cov1)
    cross = _sqrtm_psd(root1 @ cov2 @ root1)
    value = float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(cross))
    return max(value, 0.0)


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature vectors (the FID formula)."""
    a, b = _check_features("features_a", features_a), _check_features("features_b", features_b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature sizes differ: {a.shape[1]} and {b.shape[1]}.")
    return frechet_distance_gaussians(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))


def class_coverage(probabilities, n_classes: int = 10, min_share: float = 0.02) -> dict:
    """How a generator's samples spread over classes, judged by a classifier's predicted probabilities.

    Returns ``covered`` (classes holding at least ``min_share`` of the samples), ``counts`` (per predicted
    class), ``confidence`` (mean top probability: low means ambiguous, blurry or broken samples) and
    ``entropy_ratio`` (entropy of the class histogram over log(n_classes): 1 = perfectly even).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != n_classes:
        raise ValueError(f"probabilities must have shape (N, {n_classes}), got {p.shape}.")
    if np.any(p < -1e-6) or not np.allclose(p.sum(1), 1, atol=1e-3):
        raise ValueError("probabilities must be non-negative rows summing to 1 (apply softmax to logits first).")
    counts = np.bincount(p.argmax(1), minlength=n_classes)
    share = counts / counts.sum()
    nonzero = share[share > 0]
    return {"covered": int(np.sum(share >= min_share)), "counts": counts,
            "confidence": float(p.max(1).mean()),
            "entropy_ratio": float(-(nonzero * np.log(nonzero)).sum() / np.log(n_classes))}


# --------------------------------------------------------------------------------------------------------
# The Fréchet distance depends on the sample size: measure the bias, extrapolate it away
# --------------------------------------------------------------------------------------------------------
def frechet_distance_by_size(features_a, features_b, sizes, repeats: int = 3, seed: int = 0) -> dict:
    """Fréchet distance between random subsets of ``sizes[i]`` rows of each set, ``repeats`` times per size.

    Returns ``sizes``, ``mean`` and ``std`` (arrays, one entry per size). Two samples of the *same* distribution
    do not give 0 but a positive value that shrinks roughly like 1/N: the estimated means and covariances are
    noisy. So Fréchet distances are comparable only at the same sample size.
    """
    a, b = _check_features("features_a", features_a), _check_features("features_b", features_b)
    sizes = np.asarray(sizes, dtype=int)
    if sizes.ndim != 1 or len(sizes) == 0 or sizes.min() < 2:
        raise ValueError(f"sizes must be a 1-D list of sample sizes >= 2, got {sizes.tolist()}.")
    if sizes.max() > min(len(a), len(b)):
        raise ValueError(f"the largest size {sizes.max()} exceeds the smaller set ({min(len(a), len(b))} rows); "
                         "draw subsets no larger than the sets.")
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}.")
    rng = np.random.default_rng(seed)
    values = np.array([[frechet_distance(a[rng.choice(len(a), n, replace=False)], b[rng.choice(len(b), n, replace=False)])
                        for _ in range(repeats)] for n in sizes])
    return {"sizes": sizes, "mean": values.mean(1), "std": values.std(1)}


def frechet_distance_extrapolated(features_a, features_b, sizes=None, repeats: int = 3, seed: int = 0) -> dict:
    """The Fréchet distance an infinite sample would give, by fitting ``FD(N) = fd_infinity + slope / N``
    (Chong and Forsyth 2020, "FID_infinity") to :func:`frechet_distance_by_size` and reading the intercept.

    Returns ``fd_infinity``, ``slope`` and the measured curve (``sizes``, ``mean``, ``std``). ``sizes`` defaults to
    5 sizes from a fifth of the smaller set to all of it.
    """
    a, b = _check_features("features_a", features_a), _check_features("features_b", features_b)
    if sizes is None:
        largest = min(len(a), len(b))
        sizes = np.unique(np.linspace(max(largest // 5, 2 * a.shape[1] + 2), largest, 5).astype(int))
    curve = frechet_distance_by_size(a, b, sizes, repeats=repeats, seed=seed)
    if len(curve["sizes"]) < 2:
        raise ValueError("the extrapolation needs at least 2 different sample sizes.")
    design = np.stack([np.ones(len(curve["sizes"])), 1.0 / curve["sizes"]], axis=1)
    (intercept, slope), *_ = np.linalg.lstsq(design, curve["mean"], rcond=None)
    return {"fd_infinity": float(intercept), "slope": float(slope), **curve}


# --------------------------------------------------------------------------------------------------------
# Precision and recall of a generated distribution (Kynkäänniemi et al. 2019)
# --------------------------------------------------------------------------------------------------------
def pairwise_distances(a, b, chunk: int = 1024) -> np.ndarray:
    """Euclidean distances between every row of ``a`` (N, D) and every row of ``b`` (M, D): an (N, M) array."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    b_sq = np.sum(b ** 2, axis=1)
    out = np.empty((len(a), len(b)))
    for start in range(0, len(a), chunk):
        block = a[start:start + chunk]
        sq = np.sum(block ** 2, axis=1)[:, None] + b_sq[None, :] - 2.0 * block @ b.T
        out[start:start + chunk] = np.sqrt(np.clip(sq, 0.0, None))
    return out


def knn_radii(features, k: int = 3) -> np.ndarray:
    """Distance from each row to its k-th nearest *other* row: the radius of its ball in the manifold estimate."""
    x = _check_features("features", features)
    if not 1 <= k < len(x):
        raise ValueError(f"k must be between 1 and the number of samples - 1 ({len(x) - 1}), got {k}.")
    radii = np.empty(len(x))
    for start in range(0, len(x), 1024):  # in blocks of rows, so 10,000 points need no 800 MB matrix
        distances = pairwise_distances(x[start:start + 1024], x)
        # in each sorted row, position 0 is the point itself (distance 0) and position k its k-th neighbour
        radii[start:start + 1024] = np.partition(distances, k, axis=1)[:, k]
    return radii


def _share_inside(queries, centres, radii) -> np.ndarray:
    """For each query, whether it lies in at least one ball (centre, radius)."""
    inside = np.zeros(len(queries), dtype=bool)
    for start in range(0, len(queries), 1024):
        d = pairwise_distances(queries[start:start + 1024], centres)
        inside[start:start + 1024] = np.any(d <= radii[None, :], axis=1)
    return inside


def precision_recall(real_features, generated_features, k: int = 3) -> dict:
    """Improved precision and recall of a generator (Kynkäänniemi et al. 2019), in a feature space.

    Each set's *manifold* is estimated as the union of balls around its points, each ball's radius being the
    distance to the point's k-th nearest neighbour in its own set. **Precision** is the share of generated
    samples inside the real manifold (are the samples realistic?); **recall** is the share of real samples
    inside the generated manifold (does the generator cover the data's variety?). Both lie in [0, 1].
    Returns ``precision``, ``recall`` and ``k``.
    """
    real = _check_features("real_features", real_features)
    fake = _check_features("generated_features", generated_features)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature sizes differ: {real.shape[1]} and {fake.shape[1]}.")
    real_radii, fake_radii = knn_radii(real, k), knn_radii(fake, k)
    return {"precision": float(_share_inside(fake, real, real_radii).mean()),
            "recall": float(_share_inside(real, fake, fake_radii).mean()), "k": k}


# --------------------------------------------------------------------------------------------------------
# Does the generator copy its training images? A nearest-neighbour check
# --------------------------------------------------------------------------------------------------------
def nearest_neighbour_distances(queries, reference) -> tuple[np.ndarray, np.ndarray]:
    """For each query (any shape per sample, flattened), the Euclidean distance to its nearest row of
    ``reference`` and that row's index."""
    q = np.asarray(queries, np.float64).reshape(len(queries), -1)
    r = np.asarray(reference, np.float64).reshape(len(reference), -1)
    if q.shape[1] != r.shape[1]:
        raise ValueError(f"queries have {q.shape[1]} values per sample but the reference {r.shape[1]}: "
                         "compare images of the same size and scale.")
    if len(q) == 0 or len(r) == 0:
        raise ValueError("queries and reference must both hold at least one sample.")
    distances, indices = np.empty(len(q)), np.empty(len(q), dtype=int)
    for start in range(0, len(q), 512):
        d = pairwise_distances(q[start:start + 512], r)
        indices[start:start + 512] = d.argmin(1)
        distances[start:start + 512] = d[np.arange(len(d)), indices[start:start + 512]]
    return distances, indices


def copy_check(generated, train, test, quantile: float = 0.01, test_to_train=None) -> dict:
    """Are generated images closer to the training images than unseen real images are?

    Compares the distance of each generated image to its nearest training image with the same distance for
    each *test* image (real, but never trained on). A generator that memorises shows generated-to-train
    distances far below the test-to-train ones. Returns the two distance arrays, the nearest training image of
    each generated one (``nearest``), ``median_ratio`` (median generated / median test distance: about 1 or more
    for a generator that does not copy, near 0 for one that does) and ``copy_share``: the share of generated
    images closer to the training set than the ``quantile`` of test images (``quantile`` itself for real data).
    All three sets must use the same scale (e.g. [-1, 1]). When checking several generators against the same
    sets, pass an earlier result's ``test_to_train`` to skip recomputing it.
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1), got {quantile}.")
    generated_to_train, nearest = nearest_neighbour_distances(generated, train)
    if test_to_train is None:
        test_to_train, _ = nearest_neighbour_distances(test, train)
    else:
        test_to_train = np.asarray(test_to_train, dtype=np.float64)
        if test_to_train.shape != (len(test),):
            raise ValueError(f"test_to_train must hold one distance per test image ({len(test)}), got shape "
                             f"{test_to_train.shape}: pass the 'test_to_train' of an earlier copy_check on the same sets.")
    threshold = float(np.quantile(test_to_train, quantile))
    return {"generated_to_train": generated_to_train, "test_to_train": test_to_train, "nearest": nearest,
            "threshold": threshold, "copy_share": float(np.mean(generated_to_train < threshold)),
            "median_ratio": float(np.median(generated_to_train) / np.median(test_to_train))}


# --------------------------------------------------------------------------------------------------------
# Conditional generators: does the requested class come out?
# --------------------------------------------------------------------------------------------------------
def conditional_accuracy(predicted, requested, n_classes: int = 10) -> dict:
    """Share of conditional samples that a classifier assigns to the class they were requested for.

    ``predicted`` is either class probabilities (N, n_classes) or predicted class indices (N,); ``requested`` the
    class indices asked for (N,). Returns ``overall`` and ``per_class`` (NaN for a class never requested).
    """
    predicted, requested = np.asarray(predicted), np.asarray(requested)
    if predicted.ndim == 2:
        if predicted.shape[1] != n_classes:
            raise ValueError(f"probabilities must have shape (N, {n_classes}), got {predicted.shape}.")
        predicted = predicted.argmax(1)
    if predicted.ndim != 1 or requested.ndim != 1 or len(predicted) != len(requested):
        raise ValueError(f"need one prediction per requested label: got predictions of shape {predicted.shape} "
                         f"and requested labels of shape {requested.shape}.")
    if len(requested) == 0:
        raise ValueError("no samples: request at least one label.")
    if not np.issubdtype(requested.dtype, np.integer) or requested.min() < 0 or requested.max() >= n_classes:
        raise ValueError(f"requested labels must be integers in 0..{n_classes - 1}.")
    hits = predicted == requested
    per_class = np.array([hits[requested == c].mean() if np.any(requested == c) else np.nan for c in range(n_classes)])
    return {"overall": float(hits.mean()), "per_class": per_class}


# ---------------------------------------------------------------------------------------- the course's score
def quality_report(model: keras.Model, generated, reference) -> dict:
    """The course's quality score of generated images against real ones (both in [-1, 1]):
    classifier-feature Fréchet distance (lower is better), and class coverage and confidence."""
    from .classifier import features_and_probabilities

    gen_features, gen_probs = features_and_probabilities(model, generated)
    ref_features, _ = features_and_probabilities(model, reference)
    coverage = class_coverage(gen_probs)
    return {"frechet_distance": frechet_distance(gen_features, ref_features),
            "classes_covered": coverage["covered"], "confidence": coverage["confidence"],
            "class_counts": coverage["counts"].tolist()}


# ---------------------------------------------------------------------------------------- likelihood
def importance_weighted_log_likelihood(vae: VAE, images, k: int = 100, seed: int = 0, batch_size: int = 100):
    """Per-image estimates of ``log p(x)`` in nats by the k-sample importance-weighted bound (Burda et al. 2016):

    ``L_k(x) = log (1/k) sum_i p(x | z_i) p(z_i) / q(z_i | x)``, with ``z_i ~ q(z | x)``.

    ``L_1`` is the ELBO; ``E[L_k]`` grows with k and tends to ``log p(x)``. Images must be binary for the value
    to be a log-probability (use :func:`stochastic_binarize`). Unconditional VAEs only.
    """
    import keras

    from .vae import ConditionalVAE, _images

    if isinstance(vae, ConditionalVAE):
        raise ValueError("importance_weighted_log_likelihood is written for the unconditional VAE.")
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer number of samples, got {k!r}.")
    x_all = _images(images, vae.image_shape)
    rng = np.random.default_rng(seed)
    log_2pi = math.log(2 * math.pi)
    out = []
    for start in range(0, len(x_all), batch_size):
        x = x_all[start:start + batch_size]
        z_mean, z_log_var = (np.asarray(a, np.float64) for a in vae.encoder(x, training=False))
        eps = rng.standard_normal((k,) + z_mean.shape)
        z = z_mean + np.exp(0.5 * z_log_var) * eps                                   # (k, B, K)
        log_q = -0.5 * np.sum(eps ** 2 + z_log_var + log_2pi, axis=-1)               # log N(z; mu, sigma^2)
        log_prior = -0.5 * np.sum(z ** 2 + log_2pi, axis=-1)                          # log N(z; 0, I)
        logits = vae.decoder.predict(z.reshape(-1, z.shape[-1]).astype(np.float32), batch_size=2000, verbose=0)
        logits = np.asarray(logits, np.float64).reshape((k, len(x), -1))
        xs = x.reshape(1, len(x), -1).astype(np.float64)
        # log Bernoulli(x | sigmoid(l)) = x l - log(1 + e^l), written stably
        log_lik = np.sum(xs * logits - np.logaddexp(0.0, logits), axis=-1)
        log_w = log_lik + log_prior - log_q                                           # (k, B)
        # log of the mean weight, computed stably (the max is taken out first) by Keras's logsumexp
        out.append(keras.ops.convert_to_numpy(keras.ops.logsumexp(log_w, axis=0)) - math.log(k))
    return np.concatenate(out)


# ---------------------------------------------------------------------------------------- restoration
def as_unit_images(images, name: str) -> np.ndarray:
    """Images in [0, 1] as a float32 (N, H, W, C) array, or a clear error (a grey (N, H, W) batch gains its channel)."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"{name} must be images of shape (N, H, W, C), got shape {images.shape}.")
    if images.size and (np.nanmin(images) < -1e-6 or np.nanmax(images) > 1 + 1e-6):
        raise ValueError(f"{name} must be in [0, 1] (datasets.to_zero_one; GAN images: (x + 1) / 2), "
                         f"got values from {np.nanmin(images):.3f} to {np.nanmax(images):.3f}.")
    return images


def image_pair(original, restored):
    """Two batches of images in [0, 1] of the same shape (an original and its restoration)."""
    original, restored = as_unit_images(original, "original"), as_unit_images(restored, "restored")
    if original.shape != restored.shape:
        raise ValueError(f"original {original.shape} and restored {restored.shape} must have the same shape.")
    return original, restored


def psnr(original, restored) -> np.ndarray:
    """Peak signal-to-noise ratio per image, in dB, for images in [0, 1]: ``10 log10(1 / MSE)``."""
    original, restored = image_pair(original, restored)
    return tf.image.psnr(original, restored, max_val=1.0).numpy()


def ssim(original, restored) -> np.ndarray:
    """Structural similarity per image (1 = identical), ``tf.image.ssim`` with its standard 11x11 Gaussian window."""
    original, restored = image_pair(original, restored)
    if min(original.shape[1:3]) < 11:
        raise ValueError(f"ssim needs images of at least 11x11 pixels (its window), got {original.shape[1:3]}.")
    return tf.image.ssim(original, restored, max_val=1.0).numpy()


# ---------------------------------------------------------------------------------------- the ring of lesson 08
class Coverage(NamedTuple):
    """What :func:`modes_covered` returns (a tuple: ``covered, high_quality = modes_covered(x)``)."""
    covered: int         # modes holding at least min_share of the samples (counting high-quality samples only)
    high_quality: float  # fraction of samples within threshold_std standard deviations of their nearest centre


def modes_covered(samples, modes: int = 8, radius: float = 2.0, std: float = 0.02, threshold_std: float = 3,
                  min_share: float = 0.01) -> Coverage:
    """The standard metric of the 2-D ring (Metz et al. 2017; Srivastava et al. 2017, VEEGAN).

    A sample is *high quality* if it lies within ``threshold_std * std`` of its nearest mode centre; a mode is
    *covered* if at least ``min_share`` of all samples are high-quality samples of that mode (1 % by default,
    an eighth of the 12.5 % a perfect generator puts on each of 8 modes). Returns ``Coverage(covered,
    high_quality)``.
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"samples must be 2-D points of shape (N, 2), got {x.shape}.")
    if len(x) == 0:
        raise ValueError("samples is empty.")
    if not np.all(np.isfinite(x)):
        raise ValueError("samples contain NaN or infinite values: the generator has diverged.")
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], got {min_share}.")
    from .wgan import mode_centres

    distances = np.linalg.norm(x[:, None, :] - mode_centres(modes, radius)[None], axis=2)  # (N, modes)
    nearest = distances.argmin(1)
    good = distances.min(1) <= threshold_std * std
    counts = np.bincount(nearest[good], minlength=modes)
    return Coverage(int(np.sum(counts >= min_share * len(x))), float(good.mean()))
