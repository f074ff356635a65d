"""Measuring generators (lesson 10 derives these; lessons 05-09 and the benchmark use them).

All functions take NumPy arrays. Features come from the course's own domain classifier
(:mod:`course_utils.classifier`), standing in for the Inception network of the FID, which would need a
download and is meant for photographs, not 28x28 digits.
"""
from __future__ import annotations

import numpy as np


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
