"""Train the course's domain classifiers and write the weights that ship in `data/classifiers/`.

What is written
---------------
`data/classifiers/mnist_classifier_e5_s0.keras` and `data/classifiers/fashion_mnist_classifier_e5_s0.keras`:
the CNN of `course_utils.classifier.build_classifier`, trained by `course_utils.classifier.train_classifier`
(5 epochs, seed 0, on the shipped training split), saved *without* optimizer state (a fresh, uncompiled copy
of the model holding the trained weights) in the Keras 3 format, which `load_classifier` opens in safe mode.

The script prints, per dataset, the file's SHA-256 (copy it into
`course_utils.classifier.SHIPPED_CLASSIFIERS`), the test accuracy, and a digest of the weight values alone:
a `.keras` file also stores the date it was saved, so two runs never give byte-identical *files*; compare
the weight digests instead.

Usage (about a minute per dataset on a 2-core CPU; no network):

    python data/make_classifier_weights.py               # train both and write data/classifiers/
    python data/make_classifier_weights.py --check       # train both again and compare with the shipped files
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from course_utils import classifier  # noqa: E402


def weights_digest(model) -> str:
    """SHA-256 of the model's weight values (float32 bytes, in layer order): equal digests, equal weights."""
    digest = hashlib.sha256()
    for weights in model.get_weights():
        digest.update(np.ascontiguousarray(weights, dtype=np.float32).tobytes())
    return digest.hexdigest()


def save_weights(trained, clean, path: Path) -> dict:
    """Copy ``trained``'s weights into ``clean``, a fresh uncompiled model of the same architecture (so the file holds
    no optimizer state), and save it at ``path``; returns the path, the saved model and both digests."""
    clean.set_weights(trained.get_weights())
    path.parent.mkdir(parents=True, exist_ok=True)
    clean.save(path)
    return {"path": path, "model": clean, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "weights": weights_digest(clean)}


def train_and_save(dataset: str, folder: Path) -> dict:
    """Train the shipped configuration of ``dataset``'s classifier and save its weights under ``folder``."""
    filename, epochs, seed, _ = classifier.SHIPPED_CLASSIFIERS[dataset]
    start = time.perf_counter()
    model, accuracy = classifier.train_classifier(dataset, epochs=epochs, seed=seed, cache_dir=None, use_shipped=False)
    seconds = time.perf_counter() - start
    return {"dataset": dataset, "accuracy": accuracy, "seconds": seconds,
            **save_weights(model, classifier.build_classifier(), folder / filename)}


def train_and_save_judge(name: str, folder: Path) -> dict:
    """Train the shipped configuration of avatar set ``name``'s colour judge and save its weights under ``folder``."""
    filename, epochs, seed, _ = classifier.SHIPPED_AVATAR_JUDGES[name]
    start = time.perf_counter()
    model, accuracies = classifier.train_avatar_judge(name, epochs=epochs, seed=seed)
    seconds = time.perf_counter() - start
    heads = {layer: int(model.get_layer(layer).units) for layer in classifier.AVATAR_JUDGE_HEADS[name]}
    return {"dataset": name, "accuracy": accuracies, "seconds": seconds,
            **save_weights(model, classifier.build_attribute_classifier(heads), folder / filename)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="train into a temporary folder and compare with the shipped weights instead of replacing them")
    parser.add_argument("--datasets", nargs="*", default=sorted(classifier.SHIPPED_CLASSIFIERS),
                        choices=sorted(classifier.SHIPPED_CLASSIFIERS))
    parser.add_argument("--judges", nargs="*", default=sorted(classifier.SHIPPED_AVATAR_JUDGES),
                        choices=sorted(classifier.SHIPPED_AVATAR_JUDGES), help="the colour judges of the avatar sets")
    args = parser.parse_args(argv)
    shipped_dir = ROOT / "data" / "classifiers"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) if args.check else shipped_dir
        jobs = [(dataset, train_and_save, classifier.load_classifier) for dataset in args.datasets]
        jobs += [(name, train_and_save_judge, classifier.load_avatar_judge) for name in args.judges]
        for dataset, train, load in jobs:
            result = train(dataset, folder)
            accuracy = result["accuracy"]
            shown = f"{accuracy:.4f}" if isinstance(accuracy, float) else ", ".join(f"{k} {v:.3f}" for k, v in accuracy.items())
            print(f"{dataset}: test accuracy {shown}, trained in {result['seconds']:.0f} s, "
                  f"{result['path'].stat().st_size:,} bytes")
            print(f"  file SHA-256    {result['sha256']}")
            print(f"  weights SHA-256 {result['weights']}")
            if args.check:
                shipped, shipped_accuracy = load(dataset)
                gaps = [float(np.max(np.abs(a - b))) for a, b in zip(shipped.get_weights(), result["model"].get_weights())]
                same = weights_digest(shipped) == result["weights"]
                print(f"  shipped: test accuracy {shipped_accuracy}; retrained weights "
                      f"{'bit-identical' if same else f'differ (largest difference {max(gaps):.2e})'}")
    if not args.check:
        print("Now copy the file SHA-256 values into course_utils.classifier.SHIPPED_CLASSIFIERS and SHIPPED_AVATAR_JUDGES.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
