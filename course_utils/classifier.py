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


# --------------------------------------------------------------------------------------------------------
# The colour judges of the avatar sets (issue 17): several attributes from one set of features
# --------------------------------------------------------------------------------------------------------
# Which attributes each judge predicts; the first is its main head, the one ``features_and_probabilities`` and the
# metrics read (class coverage, conditional accuracy). The Fréchet distance uses the shared features, which must tell
# hair, colours and accessories apart, so they are trained on all the heads at once.
AVATAR_JUDGE_HEADS = {
    "pixel_characters": ("hair_colour", "skin_colour", "clothing_colour", "hair", "glasses", "hat"),
    "avatars": ("hair_colour", "skin_colour", "hair", "eyes", "glasses", "earrings"),
}
AVATAR_JUDGE_SIZE = 32
# data/classifiers/, written by data/make_classifier_weights.py: set -> (file name, epochs, seed, SHA-256 of the file).
SHIPPED_AVATAR_JUDGES = {
    "pixel_characters": ("pixel_characters_judge_e6_s0.keras", 6, 0, "d66f93eaaeafe3eb0570bb3d70deae1cc57d5e016374185da1fd9369566ecc37"),
    "avatars": ("avatars_judge_e6_s0.keras", 6, 0, "d98d2b89893409e6b3ea3e7379b8b87e13209f98982ef25f0f2fdf2a38f1acd1"),
}


def build_attribute_classifier(heads: dict, image_shape=(32, 32, 3), width: int = 32) -> keras.Model:
    """Colour images in [-1, 1] -> logits for every attribute in ``heads`` (``{name: number of values}``), in that
    order, from one 64-unit ``features`` layer: three convolution blocks, as :func:`build_classifier` has two."""
    if not heads:
        raise ValueError("give at least one attribute head: {name: number of values}.")
    image = keras.Input(datasets.check_image_shape(image_shape), name="image")
    x = image
    for factor in (1, 2, 4):
        x = layers.Conv2D(width * factor, 3, activation="relu", padding="same")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    features = layers.Dense(64, activation="relu", name=FEATURE_LAYER)(x)
    outputs = [layers.Dense(int(n), name=name)(features) for name, n in heads.items()]
    return keras.Model(image, outputs, name="attribute_classifier")


def _judge_heads(name: str, data) -> dict:
    if name not in AVATAR_JUDGE_HEADS:
        raise ValueError(f"No judge for {name!r}: choose one of {sorted(AVATAR_JUDGE_HEADS)}.")
    return {head: len(data.values[head]) for head in AVATAR_JUDGE_HEADS[name]}


def attribute_accuracies(model: keras.Model, name: str) -> dict:
    """The judge's accuracy on the shipped test split of avatar set ``name``, per attribute."""
    data = datasets.load_avatars(name, size=AVATAR_JUDGE_SIZE)
    seen = attribute_predictions(model, name, datasets.to_minus_one_one(data.x_test))
    return {head: float(np.mean(values == data.labels(head)[1])) for head, values in seen.items()}


def train_avatar_judge(name: str = "pixel_characters", epochs: int = 6, seed: int = 0):
    """Train the colour judge of avatar set ``name`` on its 32x32 training images and all its heads:
    ``(model, {attribute: test accuracy})``. Seeds the process (``keras.utils.set_random_seed``) before it trains, as
    :func:`train_classifier` does; the lessons load the shipped judge (:func:`load_avatar_judge`) instead."""
    data = datasets.load_avatars(name, size=AVATAR_JUDGE_SIZE)
    heads = _judge_heads(name, data)
    keras.utils.set_random_seed(seed)
    model = build_attribute_classifier(heads)
    model.compile(keras.optimizers.Adam(2e-3), [keras.losses.SparseCategoricalCrossentropy(from_logits=True)] * len(heads))
    model.fit(datasets.to_minus_one_one(data.x_train), [data.labels(head)[0] for head in heads], batch_size=128,
              epochs=epochs, shuffle=True, verbose=0)
    return model, attribute_accuracies(model, name)


def load_avatar_judge(name: str = "pixel_characters", directory: str | Path | None = None):
    """The shipped colour judge of avatar set ``name``: ``(model, {attribute: test accuracy})``, after checking the
    file's SHA-256; opened in Keras's safe mode."""
    if name not in SHIPPED_AVATAR_JUDGES:
        raise ValueError(f"No shipped judge for {name!r}: choose one of {sorted(SHIPPED_AVATAR_JUDGES)}.")
    filename, _, _, expected = SHIPPED_AVATAR_JUDGES[name]
    folder = Path(directory) if directory is not None else datasets.data_dir() / "classifiers"
    fix = (f"Restore it with `git checkout -- data/classifiers/{filename}`, rebuild it with "
           f"`python data/make_classifier_weights.py --judges {name}`, or train one with `train_avatar_judge({name!r})`.")
    path = datasets.verify_shipped_file(folder / filename, expected, "shipped judge", fix, ClassifierError)
    model = keras.saving.load_model(path, safe_mode=True, compile=False)
    return model, attribute_accuracies(model, name)


def attribute_predictions(model: keras.Model, name: str, images, batch_size: int = 500) -> dict:
    """The colour judge's verdict on ``images`` (in [-1, 1]) for every attribute it predicts: ``{attribute: the value
    index it sees, one per image}`` (for avatar set ``name``'s judge, :data:`AVATAR_JUDGE_HEADS`)."""
    if name not in AVATAR_JUDGE_HEADS:
        raise ValueError(f"No judge for {name!r}: choose one of {sorted(AVATAR_JUDGE_HEADS)}.")
    images = np.asarray(images, dtype=np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if images.ndim != 4 or images.shape[1:] != expected:
        raise ValueError(f"images must have shape (N, {', '.join(map(str, expected))}) in [-1, 1], got {images.shape}.")
    logits = model.predict(images, batch_size=batch_size, verbose=0)
    logits = logits if isinstance(logits, list) else [logits]
    return {head: np.asarray(values).argmax(1) for head, values in zip(AVATAR_JUDGE_HEADS[name], logits)}
