"""Benchmark: the course's DCGAN (lesson 07) against the TensorFlow DCGAN tutorial's configuration,
each trained for the same wall-clock budget on the same data, in the same run.

The tutorial configuration (tensorflow.org/tutorials/generative/dcgan): generator Dense(7*7*256) ->
Conv2DTranspose 128 (5x5, stride 1) -> 64 (5x5, stride 2) -> 1 (5x5, stride 2, tanh), batch norm and
LeakyReLU; discriminator Conv2D 64 -> 128 (5x5, stride 2) with dropout 0.3; Adam(1e-4) for both; batch 256.

Lesson 07's model is taken from its recipe (``course_utils.recipes.LESSON_07``: the same settings, builder, weight
average and training as the lesson), so the benchmark measures the model the lesson samples from.

Prints, for each: training steps, images per second, and the course's quality score
(classifier-feature Fréchet distance, classes covered, classifier confidence, from course_utils),
plus the real-vs-real floor. Usage:

    python benchmarks/dcgan_vs_tutorial.py                 # 300 s per configuration, MNIST
    python benchmarks/dcgan_vs_tutorial.py --seconds 60 --dataset fashion_mnist
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402
from keras import layers  # noqa: E402

from course_utils import classifier, datasets, gan, metrics, recipes, training  # noqa: E402

TUTORIAL = {"batch_size": 256, "learning_rate": 1e-4, "beta_1": 0.9, "label_smoothing": 0.0}


def tutorial_generator(latent_dim: int = 100) -> keras.Model:
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 256, use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ], name="tutorial_generator")


def tutorial_discriminator() -> keras.Model:
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ], name="tutorial_discriminator")


def build_tutorial_model(settings, image_shape=(28, 28, 1)) -> gan.NonSaturatingGAN:
    """The TensorFlow tutorial's networks and optimiser settings, trained by the course's two-player step (no weight
    average: the tutorial has none)."""
    model = gan.NonSaturatingGAN(tutorial_generator(), tutorial_discriminator())
    model.compile(keras.optimizers.Adam(settings["learning_rate"], beta_1=settings["beta_1"]),
                  keras.optimizers.Adam(settings["learning_rate"], beta_1=settings["beta_1"]),
                  label_smoothing=settings["label_smoothing"])
    return model


# Both trained the same way, by Recipe.train (a TimeBudget on shuffled batches of the recipe's batch size).
TUTORIAL_RECIPE = recipes.Recipe(name="TF tutorial DCGAN", lesson="benchmark", settings=TUTORIAL,
                                 builder=build_tutorial_model, budget_seconds={}, checkpoint="")
CONFIGURATIONS = {"lesson 07 DCGAN": recipes.LESSON_07, "TF tutorial DCGAN": TUTORIAL_RECIPE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=300.0, help="training budget per configuration")
    parser.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default="mnist")
    parser.add_argument("--samples", type=int, default=1000, help="generated images scored per model")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    (x_train, _), (x_test, _) = datasets.load_dataset(args.dataset)[0]
    images, reference = datasets.to_minus_one_one(x_train), datasets.to_minus_one_one(x_test)
    judge, accuracy = classifier.train_classifier(args.dataset)
    floor = metrics.quality_report(judge, reference[: len(reference) // 2], reference[len(reference) // 2:])
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; TensorFlow/Keras {keras.__version__}")
    print(f"{args.dataset}: {len(images)} training images; judge classifier test accuracy {accuracy:.3f}")
    print(f"real vs real floor: Fréchet distance {floor['frechet_distance']:.2f}, confidence {floor['confidence']:.3f}")

    results = {}
    for name, recipe in CONFIGURATIONS.items():
        training.set_seed(0)
        model = recipe.build()
        budget, _ = recipe.train(model, images, budget=training.TimeBudget(args.seconds))
        batch_size = recipe.settings["batch_size"]
        report = metrics.quality_report(judge, model.generate(args.samples, seed=1), reference)
        results[name] = {"steps": budget.steps, "seconds": round(budget.elapsed, 1),
                         "load_average_1min": round(os.getloadavg()[0], 2),  # > cores means the CPU was shared
                         "images_per_second": round(budget.steps * batch_size / budget.elapsed, 1),
                         "frechet_distance": round(report["frechet_distance"], 2),
                         "classes_covered": report["classes_covered"], "confidence": round(report["confidence"], 3)}
        print(f"{name:>18}: " + ", ".join(f"{k} {v}" for k, v in results[name].items()), flush=True)
    ours, theirs = results["lesson 07 DCGAN"], results["TF tutorial DCGAN"]
    print(f"Fréchet distance ratio (tutorial / ours): {theirs['frechet_distance'] / max(ours['frechet_distance'], 1e-9):.1f}x")
    if args.json:
        args.json.write_text(json.dumps({"dataset": args.dataset, "budget_seconds": args.seconds,
                                         "floor_frechet_distance": floor["frechet_distance"], "results": results}, indent=2))


if __name__ == "__main__":
    main()
