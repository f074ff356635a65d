"""The course's measured benchmark results, read for the lessons that show them.

``benchmarks/dcgan_variants.py`` trains lesson 07's DCGAN with one setting changed at a time and adds every trial to
``benchmarks/results/dcgan_variants_<dataset>_<date>.json``; lesson 07 prints the rows behind its recipe from those
files with :func:`variant_trials`, :func:`one_setting_changed` and :func:`summary_table` (the benchmark prints its own
table with the same function), so no measured number is typed into the lesson.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "results"


def variant_trials(dataset: str = "mnist", results_dir: Path | str = RESULTS_DIR) -> list[dict]:
    """Every trial of ``benchmarks/dcgan_variants.py`` on ``dataset``, oldest first, each with its run's start
    (``started``), real-vs-real floor (``floor_frechet_distance``), budget and machine. A missing or corrupt results
    file is a clear error that says how to get it back."""
    results_dir = Path(results_dir)
    files = sorted(results_dir.glob(f"dcgan_variants_{dataset}_*.json"))
    if not files:
        raise FileNotFoundError(
            f"no results of benchmarks/dcgan_variants.py for {dataset!r} in {results_dir}. They ship with the course: "
            f"restore them with `git checkout -- benchmarks/results`, or measure your own with "
            f"`python benchmarks/dcgan_variants.py --dataset {dataset}` (5 minutes a trial).")
    trials = []
    for path in files:
        try:
            record = json.loads(path.read_text())
            for run in record["runs"]:
                for trial in run["trials"]:
                    trials.append({**trial, "started": run["started"], "budget": run["budget"],
                                   "machine": run["machine"], "floor_frechet_distance": run["floor_frechet_distance"]})
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"{path} is not a results file of benchmarks/dcgan_variants.py ({type(error).__name__}: "
                             f"{error}); restore it with `git checkout -- {path.name}` in benchmarks/results.") from None
    return trials


def one_setting_changed(trials: list[dict], key: str, settings: Mapping, precision: str = "float32",
                        budget: Mapping | None = None) -> list[dict]:
    """The trials of a model with ``settings`` except, perhaps, ``settings[key]``, computed in ``precision`` (and
    trained for ``budget``, such as ``{"seconds": 300.0}``, where given), sorted by their value of ``key``: what
    changing that one setting did, whatever each trial was named when it ran."""
    def differs_only_in_key(trial):
        made = trial.get("settings")
        return made is not None and all(made.get(k) == v for k, v in settings.items() if k != key) and key in made

    mine = [t for t in trials if differs_only_in_key(t) and t.get("precision", "float32") == precision
            and (budget is None or t["budget"] == dict(budget))]
    return sorted(mine, key=lambda t: (t["settings"][key], t["seed"], t["started"]))


def summary_table(trials: list[dict], floor: float | None = None,
                  label: Callable[[dict], str] = lambda trial: trial["name"]) -> str:
    """A Markdown table with one row per ``label`` (the variant's name unless told): the number of trials, their mean
    steps, and the mean and range of the Fréchet distance, its ratio to the real-vs-real floor (``floor``, or each
    trial's own run's floor), the classes covered (the fewest), the classifier's confidence and the samples of 100 it
    was unsure of."""
    rows = ["| variant | trials | steps | Fréchet distance (range) | / floor | classes (min) | confidence (range) "
            "| unsure of 100 (range) |", "|---|---|---|---|---|---|---|---|"]
    for name in dict.fromkeys(map(label, trials)):
        mine = [t for t in trials if label(t) == name]

        def spread(key, digits):
            values = np.array([t[key] for t in mine], float)
            return f"{values.mean():.{digits}f} ({values.min():.{digits}f}-{values.max():.{digits}f})"

        ratio = np.mean([t["frechet_distance"] / (floor or t["floor_frechet_distance"]) for t in mine])
        rows.append(f"| {name} | {len(mine)} | {np.mean([t['steps'] for t in mine]):,.0f} | {spread('frechet_distance', 1)} "
                    f"| {ratio:.2f} | {min(t['classes_covered'] for t in mine)} | {spread('confidence', 3)} "
                    f"| {spread('unsure_of_100', 0)} |")
    return "\n".join(rows)
