"""Trials behind lesson 18's colour DCGAN recipe: one setting changed at a time, each trained for the same seconds.

Each trial builds lesson 07's DCGAN (``course_utils.recipes.LESSON_07``) at 32x32x3 with some settings changed, trains it
on the 9,000 shipped Pixel Art characters for a wall-clock budget, and prints one JSON line: steps, the Fréchet distance
of 2,000 samples to the 1,000 test characters through the colour judge's features, the real-vs-real floor (2,000
training characters against the same test set), the copy check's median ratio, and the load average. The lesson's
recipe (``recipes.LESSON_18_COLOUR_SETTINGS``) is the best of these trials; its plain comparison is lesson 07's settings
without DiffAugment and the weight average. Those trials (2026-12-02) were made before lesson 07 took the R1 penalty
(γ = 1, 2026-12-04, issue 15), and lesson 18's recipes pin ``r1_weight=0``: add ``r1_weight=0`` to repeat one of them,
leave it out to try the colour model with R1. Usage:

    python benchmarks/colour_dcgan_trials.py plain diff_augment=false ema_decay=null
    python benchmarks/colour_dcgan_trials.py lesson18 diff_augment=true d_dropout=0.5 learning_rate=0.001 --seconds 120

Settings are ``name=value`` with JSON values. One trial per call, so trials never share the two cores: run them one
after another on an idle machine, and compare only within one session (the numbers move with the machine's load).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402

from course_utils import classifier, datasets, metrics, recipes, training  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", help="the trial's name, for its line")
    parser.add_argument("settings", nargs="*", help="name=value (JSON) settings of lesson 07's DCGAN to change")
    parser.add_argument("--seconds", type=float, default=recipes.LESSON_18_SECONDS)
    parser.add_argument("--seed", type=int, default=0, help="the weights' and the noise's seed (the trials used 0)")
    args = parser.parse_args(argv)
    settings = {}
    for item in args.settings:
        key, _, value = item.partition("=")
        settings[key] = json.loads(value)
    characters = datasets.load_avatars("pixel_characters", size=32)
    judge, _ = classifier.load_avatar_judge("pixel_characters")
    train, test = datasets.to_minus_one_one(characters.x_train), datasets.to_minus_one_one(characters.x_test)
    keras.utils.set_random_seed(args.seed)
    # the changes go into a recipe of their own, so that training uses them too (the batch size is the pipeline's)
    recipe = recipes.LESSON_07.variant(f"lesson 07 DCGAN, {args.name}", None, settings=settings,
                                       image_shape=recipes.AVATAR_SHAPE)
    model = recipe.build()
    budget = training.TimeBudget(args.seconds)
    recipe.train(model, train, budget=budget, show_progress=False)
    samples = model.generate(2000, seed=1)
    features = {name: classifier.features_and_probabilities(judge, images)[0]
                for name, images in (("test", test), ("train", train[:2000]), ("samples", samples))}
    copies = metrics.copy_check(samples[:500], train, test[:500])
    print(json.dumps({"name": args.name, "settings": settings, "seed": args.seed, "seconds": args.seconds,
                      "steps": budget.steps,
                      "frechet_distance": round(metrics.frechet_distance(features["samples"], features["test"]), 2),
                      "floor": round(metrics.frechet_distance(features["train"], features["test"]), 2),
                      "copy_median_ratio": round(copies["median_ratio"], 3),
                      "load_average_1min": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
