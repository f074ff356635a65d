"""The course's small domain classifiers: the eye that the metrics look through.

A compact CNN per dataset, trained by :func:`train_classifier` in well under a minute on a CPU, used for
class coverage, conditional accuracy and the features of the Fréchet distance (:mod:`course_utils.metrics`).
Trained classifiers are cached in ``outputs/classifiers/`` (git-ignored), so later lessons reuse them.
"""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
from keras import layers

from . import datasets

FEATURE_LAYER = "features"


def build_classifier(n_classes: int = 10) -> keras.Model:
    """28x28x1 images in [-1, 1] -> class logits; the 64-unit layer named ``features`` feeds the metrics."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dropout(0.3),
        layers.Dense(64, activation="relu", name=FEATURE_LAYER),
        layers.Dense(n_classes),
    ], name="domain_classifier")


def train_classifier(dataset: str = "mnist", epochs: int = 8, cache_dir: str | Path | None = "outputs/classifiers",
                     seed: int = 0, verbose: int = 0):
    """Train (or load from ``cache_dir``) the domain classifier for ``"mnist"`` or ``"fashion_mnist"``.

    Returns ``(model, test_accuracy)``. Trained on the shipped training split with light shift augmentation.
    """
    (x_train, y_train), (x_test, y_test) = datasets.load_dataset(dataset)[0]
    path = Path(cache_dir) / f"{dataset}_classifier_e{epochs}_s{seed}.keras" if cache_dir else None
    if path is not None and path.exists():
        model = keras.saving.load_model(path, safe_mode=True)
    else:
        keras.utils.set_random_seed(seed)
        model = build_classifier()
        model.compile(keras.optimizers.Adam(2e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        augment = keras.Sequential([layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=-1.0, seed=seed)])
        train = datasets.make_dataset(datasets.to_minus_one_one(x_train), y_train, batch_size=128, seed=seed)
        train = train.map(lambda x, y: (augment(x, training=True), y))
        model.fit(train, epochs=epochs, verbose=verbose)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            model.save(path)
    _, accuracy = model.evaluate(datasets.to_minus_one_one(x_test), y_test, verbose=0)
    return model, float(accuracy)


def features_and_probabilities(model: keras.Model, images, batch_size: int = 500):
    """Penultimate-layer features (N, 64) and class probabilities (N, 10) for images in [-1, 1]."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    if images.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must have shape (N, 28, 28, 1) in [-1, 1], got {images.shape}.")
    extractor = keras.Model(model.inputs, [model.get_layer(FEATURE_LAYER).output, model.outputs[0]])
    features, logits = extractor.predict(images, batch_size=batch_size, verbose=0)
    logits = logits - logits.max(1, keepdims=True)
    probabilities = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return features, probabilities


def quality_report(model: keras.Model, generated, reference) -> dict:
    """The course's quality score of generated images against real ones (both in [-1, 1]):
    classifier-feature Fréchet distance (lower is better), and class coverage and confidence."""
    from . import metrics

    gen_features, gen_probs = features_and_probabilities(model, generated)
    ref_features, _ = features_and_probabilities(model, reference)
    coverage = metrics.class_coverage(gen_probs)
    return {"frechet_distance": metrics.frechet_distance(gen_features, ref_features),
            "classes_covered": coverage["covered"], "confidence": coverage["confidence"],
            "class_counts": coverage["counts"].tolist()}
