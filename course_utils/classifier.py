"""The course's small domain classifiers: the eye that the metrics look through.

A compact CNN per dataset, trained by :func:`train_classifier` in well under a minute on a CPU, used for
class coverage, conditional accuracy and the features of the Fréchet distance (:mod:`course_utils.metrics`).

Trained weights **ship** with the course (``data/classifiers/``, made by ``data/make_classifier_weights.py``):
:func:`load_classifier` loads them after checking their SHA-256 (recorded in :data:`SHIPPED_CLASSIFIERS`), in
Keras's safe mode. :func:`train_classifier` uses them whenever it is asked for the shipped configuration (5 epochs,
seed 0); other configurations are trained and cached in ``outputs/classifiers/`` (git-ignored), so later lessons
reuse them.
"""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
from keras import layers

from . import datasets

FEATURE_LAYER = "features"

# The weights in data/classifiers/, written by data/make_classifier_weights.py (it prints these digests):
# dataset -> (file name, epochs, seed, SHA-256 of the file).
SHIPPED_CLASSIFIERS = {
    "mnist": ("mnist_classifier_e5_s0.keras", 5, 0, "024dc9754fcab39394672330bfe825feedab9c10514d9eac2f2f0b7714c96c2c"),
    "fashion_mnist": ("fashion_mnist_classifier_e5_s0.keras", 5, 0, "da58e9ea19148f1df413afe2c2edee846450c5c907e5858557ac324ef103f394"),
}


class ClassifierError(datasets.ShippedFileError):
    """A shipped classifier file is missing or damaged; the message says how to get it back."""


def shipped_classifier_path(dataset: str, directory: str | Path | None = None) -> Path:
    """Where the shipped weights of ``dataset``'s classifier live: ``data/classifiers/`` (or ``directory``)."""
    if dataset not in SHIPPED_CLASSIFIERS:
        raise ValueError(f"No shipped classifier for {dataset!r}: choose one of {sorted(SHIPPED_CLASSIFIERS)}.")
    folder = Path(directory) if directory is not None else datasets.data_dir() / "classifiers"
    return folder / SHIPPED_CLASSIFIERS[dataset][0]


def accuracy_on_test_split(model: keras.Model, dataset: str) -> float:
    """The classifier's accuracy on the shipped test split of ``dataset``."""
    (_, _), (x_test, y_test) = datasets.load_dataset(dataset)[0]
    predicted = model.predict(datasets.to_minus_one_one(x_test), batch_size=500, verbose=0).argmax(1)
    return float(np.mean(predicted == y_test))


def load_classifier(dataset: str = "mnist", directory: str | Path | None = None):
    """The shipped, pre-trained classifier for ``"mnist"`` or ``"fashion_mnist"``: ``(model, test_accuracy)``.

    The file's SHA-256 is checked first (a truncated, edited or swapped file raises :class:`ClassifierError`),
    then it is loaded with ``safe_mode=True``, which refuses to run code stored in the file.
    """
    path = shipped_classifier_path(dataset, directory)
    filename, expected = SHIPPED_CLASSIFIERS[dataset][0], SHIPPED_CLASSIFIERS[dataset][3]
    fix = (f"Restore it with `git checkout -- data/classifiers/{filename}`, rebuild it with "
           f"`python data/make_classifier_weights.py`, or train your own with "
           f"`train_classifier({dataset!r}, use_shipped=False)`.")
    datasets.verify_shipped_file(path, expected, "shipped classifier", fix, ClassifierError)
    model = keras.saving.load_model(path, safe_mode=True, compile=False)
    return model, accuracy_on_test_split(model, dataset)


def build_classifier(n_classes: int = 10, image_shape=(28, 28, 1)) -> keras.Model:
    """Images of ``image_shape`` (28x28x1 by default) in [-1, 1] -> class logits; the 64-unit layer named
    ``features`` feeds the metrics."""
    return keras.Sequential([
        keras.Input(datasets.check_image_shape(image_shape)),
        layers.Conv2D(32, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dropout(0.3),
        layers.Dense(64, activation="relu", name=FEATURE_LAYER),
        layers.Dense(n_classes),
    ], name="domain_classifier")


def train_classifier(dataset: str = "mnist", epochs: int = 8, cache_dir: str | Path | None = "outputs/classifiers",
                     seed: int = 0, verbose: int = 0, use_shipped: bool = True):
    """Train (or load) the domain classifier for ``"mnist"`` or ``"fashion_mnist"``: ``(model, test_accuracy)``.

    Asked for the shipped configuration (``SHIPPED_CLASSIFIERS``: 5 epochs, seed 0) with ``use_shipped=True``, it
    returns the shipped weights (:func:`load_classifier`) when their file is present; a corrupt file is an error,
    never silently retrained. Otherwise it loads the model cached in ``cache_dir``, or trains one on the shipped
    training split with light shift augmentation and caches it there.
    """
    (x_train, y_train), _ = datasets.load_dataset(dataset)[0]
    shipped = SHIPPED_CLASSIFIERS.get(dataset)
    if use_shipped and shipped is not None and (epochs, seed) == shipped[1:3] and shipped_classifier_path(dataset).exists():
        return load_classifier(dataset)
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
        model.fit(train, epochs=epochs, verbose=verbose, shuffle=False)  # the dataset shuffles itself
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            model.save(path)
    return model, accuracy_on_test_split(model, dataset)


def features_and_probabilities(model: keras.Model, images, batch_size: int = 500):
    """Penultimate-layer features (N, 64) and class probabilities (N, 10) for images in [-1, 1]."""
    images = np.asarray(images, dtype=np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if images.ndim == 3 and expected[-1] == 1:
        images = images[..., None]
    if images.shape[1:] != expected:
        raise ValueError(f"images must have shape (N, {', '.join(map(str, expected))}) (the classifier's input) in "
                         f"[-1, 1], got {images.shape}.")
    extractor = keras.Model(model.inputs, [model.get_layer(FEATURE_LAYER).output, model.outputs[0]])
    features, logits = extractor.predict(images, batch_size=batch_size, verbose=0)
    return features, keras.ops.convert_to_numpy(keras.ops.softmax(logits, axis=1))
