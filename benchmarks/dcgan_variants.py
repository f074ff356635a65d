"""Variants of lesson 07's DCGAN, each trained on the same digits for the same seconds (or the same steps), with
several seeds each: the measurements behind the lesson's recipe (issue 15).

Every variant is lesson 07's recipe (``course_utils.recipes.LESSON_07``: its settings, builder, weight average and
``Recipe.train``) with some settings changed, so the table measures the lesson's own model and each change alone;
``tf_tutorial`` is the TensorFlow tutorial's DCGAN (``dcgan_vs_tutorial.py``), trained the same way. Each trial
prints one line and is added to ``benchmarks/results/dcgan_variants_<dataset>_<date>.json``; at the end a table gives
each variant's mean and range over its seeds: steps, Fréchet distance in the shipped classifier's features (and its
ratio to the real-vs-real floor of the same run), classes covered, the classifier's mean confidence, and how many of
the first 100 samples the classifier is unsure of (top probability under 0.9: a count to check by eye in the grids
that ``--grids`` saves). Usage:

    python benchmarks/dcgan_variants.py --list                      # the variants and what each changes
    python benchmarks/dcgan_variants.py                             # every variant, seeds 0 and 1, 300 s each
    python benchmarks/dcgan_variants.py lesson r1_0 hinge --seconds 120 --seeds 0
    python benchmarks/dcgan_variants.py lesson xla --steps 3000     # step-matched instead of time-matched

The self-conditioned variants (``self_conditioned_20``, ``_50`` and ``_100``, lesson 07's headline model; run only when
named) train lesson 09's conditional GAN on k-means clusters of the digits' pixels instead of their labels, and sample
clusters as often as the data hold them: still a generator that needs no label.

Trials run one after another (never two at once on two cores); compare only trials of one run, and read the load
average each line records: above the number of cores, the machine was shared and the step counts are low.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")   # a script: figures go to files
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course_utils import classifier, datasets, environment, metrics, plotting, recipes, training  # noqa: E402
from course_utils.benchmark_results import summary_table  # noqa: E402  (lesson 07 prints its rows with it too)

_SPEC = importlib.util.spec_from_file_location("dcgan_vs_tutorial", ROOT / "benchmarks" / "dcgan_vs_tutorial.py")
_tutorial = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_tutorial)

RESULTS = ROOT / "benchmarks" / "results"
# name -> the settings of lesson 07's DCGAN it changes (``{}``: the lesson as it is), or another recipe.
VARIANTS = {
    "lesson": {},                                             # since 2026-12-04 (issue 15): R1 with gamma = 1
    "xla": {"jit_compile": True},                             # the same model, its step compiled by XLA
    "r1_0": {"r1_weight": 0.0},                               # no penalty: the lesson's recipe before 2026-12-04
    "r1_0.1": {"r1_weight": 0.1},                             # the zero-centred penalty on D's slope at real images
    "r1_10": {"r1_weight": 10.0},
    "hinge": {"loss": "hinge", "label_smoothing": 0.0},       # SN-GAN's and BigGAN's loss
    "diffaugment": {"diff_augment": True},                    # lesson 16's augmentation of everything D sees
    "d_width_64": {"d_width": 64},
    "g_width_64": {"g_width": 64},
    "d_dropout_0": {"d_dropout": 0.0},
    "d_dropout_0.4": {"d_dropout": 0.4},
    "lr_2e-4": {"learning_rate": 2e-4},
    "ema_0.9995": {"ema_decay": 0.9995},
    "ema_0.99": {"ema_decay": 0.99},
    "batch_128": {"batch_size": 128},
    "batch_256": {"batch_size": 256},
    "batch_256_lr_1e-3": {"batch_size": 256, "learning_rate": 1e-3},
    "bfloat16": {},                                           # the same model, computed in bfloat16 (below)
    "tf_tutorial": _tutorial.TUTORIAL_RECIPE,
}
# Self-conditioned variants (Liu et al. 2020, "Diverse Image Generation via Self-Conditioned GANs"; Sage et al. 2018):
# lesson 07's headline recipe (recipes.LESSON_07_SELF_CONDITIONED, course_utils/self_conditioned_gan.py): the training
# digits are grouped into this many k-means clusters of their pixels, without their labels, and lesson 09's conditional
# GAN (with lesson 07's weight average) learns to draw each cluster; samples come from clusters drawn as often as they
# hold training digits, so the generator stays unconditional to its user: no label is asked for or used.
SELF_CONDITIONED = {"self_conditioned_20": 20, "self_conditioned_50": 50, "self_conditioned_100": 100}
# Variants that change the numbers' precision, not a setting: Keras's mixed policy (weights kept in float32). Run only
# where the CPU computes bfloat16 natively (environment.native_bfloat16(): AVX512-BF16 or AMX-BF16); elsewhere it is
# emulated, slower than float32, and skipped.
PRECISION = {"bfloat16": "mixed_bfloat16"}
UNSURE_BELOW = 0.9   # a sample whose top class probability is under this counts as one the classifier is unsure of


def recipe_of(name: str):
    """``(recipe, settings changes)`` of variant ``name``; an unknown name is a clear error."""
    if name in SELF_CONDITIONED:
        headline = recipes.LESSON_07_SELF_CONDITIONED
        if SELF_CONDITIONED[name] == headline.settings["n_classes"]:
            return headline, {}
        return headline.variant(f"{headline.name} on {SELF_CONDITIONED[name]} clusters", None,
                                settings={"n_classes": SELF_CONDITIONED[name]}), {}
    if name not in VARIANTS:
        raise SystemExit(f"unknown variant {name!r}; the variants are {', '.join([*VARIANTS, *SELF_CONDITIONED])} "
                         "(see --list).")
    variant = VARIANTS[name]
    return (variant, {}) if isinstance(variant, recipes.Recipe) else (recipes.LESSON_07, dict(variant))


def run_trial(name: str, seed: int, images, judge, reference, seconds: float | None = None,
              steps: int | None = None, samples: int = 1000, grids: Path | None = None) -> dict:
    """Train variant ``name`` from seed ``seed`` for ``seconds`` (or exactly ``steps`` steps) and score it."""
    if (seconds is None) == (steps is None):
        raise ValueError("give the trial seconds or steps, not both")
    recipe, changes = recipe_of(name)
    # the changes go into a recipe of their own, so that training uses them too (the batch size is the pipeline's)
    trained = recipe.variant(f"{recipe.name}, {name}", None, settings=changes) if changes else recipe
    keras.backend.clear_session()
    training.set_seed(seed)
    previous_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(PRECISION.get(name, previous_policy))
    try:
        model = trained.build()
        budget = (training.TimeBudget(seconds) if steps is None
                  else training.TimeBudget(float("inf"), min_steps=steps, max_steps=steps))
        load_before = environment.load_average()
        # a self-conditioned recipe makes its own labels, k-means clusters of the images (its labeller); its samples
        # draw the clusters as often as the data hold them, so every variant samples the same way: generate(n)
        clusters = trained.labeller(trained.settings, images) if trained.labeller else None
        trained.train(model, images, clusters, budget=budget, show_progress=False)
        generated = np.asarray(model.generate(samples, seed=1), np.float32)
    finally:
        keras.config.set_dtype_policy(previous_policy)
    report = metrics.quality_report(judge, generated, reference)
    top = classifier.features_and_probabilities(judge, generated[:100])[1].max(axis=1)
    if grids is not None:
        grids.mkdir(parents=True, exist_ok=True)
        fig = plotting.image_grid(datasets.from_minus_one_one(generated[:100]), ncols=10,
                                  title=f"{name}, seed {seed}: the first 100 samples after {budget.steps:,} steps",
                                  save_path=grids / f"{name}_seed{seed}.png")
        plt.close(fig)
    return {"name": name, "changes": changes if recipe is recipes.LESSON_07 else {"recipe": recipe.name},
            "settings": trained.settings, "seed": seed,
            "precision": PRECISION.get(name, "float32"), "steps": budget.steps, "seconds": round(budget.elapsed, 1),
            "images_per_second": round(budget.steps * trained.settings["batch_size"] / max(budget.elapsed, 1e-9), 1),
            "frechet_distance": round(report["frechet_distance"], 2), "classes_covered": report["classes_covered"],
            "confidence": round(report["confidence"], 3), "unsure_of_100": int(np.sum(top < UNSURE_BELOW)),
            "load_average_before": load_before, "load_average_after": environment.load_average()}


def machine() -> dict:
    return {"processor": platform.processor() or platform.machine(), "cores": os.cpu_count(),
            "native_bfloat16": environment.native_bfloat16(), "keras": keras.__version__,
            "device": environment.device_line()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="*", help="variant names (default: all; --list shows them)")
    parser.add_argument("--list", action="store_true", help="list the variants and exit")
    parser.add_argument("--seconds", type=float, help="training seconds per trial (default 300, the issue's budget)")
    parser.add_argument("--steps", type=int, help="train every trial for exactly this many steps instead")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default="mnist")
    parser.add_argument("--samples", type=int, default=1000, help="generated images scored per trial")
    parser.add_argument("--grids", type=Path, help="save each trial's 10x10 grid of samples here (PNG)")
    parser.add_argument("--out", type=Path, help="results file (default benchmarks/results/dcgan_variants_<dataset>_<date>.json)")
    args = parser.parse_args(argv)
    if args.list:
        for name in [*VARIANTS, *SELF_CONDITIONED]:
            recipe, changes = recipe_of(name)
            print(f"{name:>14}: {changes or ('lesson 07 as it is' if recipe is recipes.LESSON_07 else recipe.name)}")
        return 0
    if args.seconds is not None and args.steps is not None:
        parser.error("give --seconds or --steps, not both")
    seconds = None if args.steps is not None else (args.seconds or 300.0)
    names = list(args.variants or VARIANTS)
    for name in names:
        recipe_of(name)   # every name is checked before the first trial trains
    if "bfloat16" in names and not environment.native_bfloat16():
        print("bfloat16 skipped: this CPU has no native bfloat16 (AVX512-BF16 or AMX-BF16), so it would be emulated")
        names.remove("bfloat16")

    (x_train, _), (x_test, _) = datasets.load_dataset(args.dataset)[0]
    images, reference = datasets.to_minus_one_one(x_train), datasets.to_minus_one_one(x_test)
    judge, accuracy = classifier.train_classifier(args.dataset)
    floor = metrics.quality_report(judge, reference[: len(reference) // 2], reference[len(reference) // 2:])
    info = machine()
    print(f"machine: {info}")
    print(f"{args.dataset}: {len(images)} training images; judge test accuracy {accuracy:.3f}; real-vs-real floor: "
          f"Fréchet distance {floor['frechet_distance']:.2f}, confidence {floor['confidence']:.3f}")
    out = args.out or RESULTS / f"dcgan_variants_{args.dataset}_{datetime.date.today().isoformat()}.json"
    record = json.loads(out.read_text()) if out.exists() else {"dataset": args.dataset, "runs": []}
    run = {"started": datetime.datetime.now().isoformat(timespec="seconds"), "machine": info,
           "budget": {"seconds": seconds} if seconds is not None else {"steps": args.steps},
           "floor_frechet_distance": round(floor["frechet_distance"], 2), "floor_confidence": round(floor["confidence"], 3),
           "trials": []}
    record["runs"].append(run)
    for name in names:
        for seed in args.seeds:
            trial = run_trial(name, seed, images, judge, reference, seconds=seconds, steps=args.steps,
                              samples=args.samples, grids=args.grids)
            run["trials"].append(trial)
            out.write_text(json.dumps(record, indent=1) + "\n")   # after every trial: a stopped run keeps what it did
            print(json.dumps(trial), flush=True)
    print(summary_table(run["trials"], run["floor_frechet_distance"]))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
