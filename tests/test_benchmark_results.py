"""course_utils.benchmark_results: the measured trials lesson 07 prints, read from benchmarks/results/."""
import json

import pytest

from course_utils import benchmark_results, gan

BASE = {"latent_dim": 64, "r1_weight": 1.0, "d_dropout": 0.2}


def _trial(name, seed, fd, settings, precision="float32", steps=100):
    return {"name": name, "seed": seed, "settings": settings, "precision": precision, "steps": steps,
            "frechet_distance": fd, "classes_covered": 10, "confidence": 0.9, "unsure_of_100": 30}


def _write(folder, trials, floor=10.0, day="2026-12-04", seconds=300.0):
    record = {"dataset": "mnist", "runs": [{"started": f"{day}T10:00:00", "machine": {"cores": 2},
                                            "budget": {"seconds": seconds}, "floor_frechet_distance": floor,
                                            "floor_confidence": 0.99, "trials": trials}]}
    (folder / f"dcgan_variants_mnist_{day}.json").write_text(json.dumps(record))


def test_trials_of_every_file_carry_their_runs_floor_and_budget(tmp_path):
    _write(tmp_path, [_trial("lesson", 0, 20.0, BASE)], floor=10.0, day="2026-12-03")
    _write(tmp_path, [_trial("lesson", 1, 30.0, BASE)], floor=12.0, day="2026-12-04")
    trials = benchmark_results.variant_trials("mnist", tmp_path)
    assert [(t["seed"], t["floor_frechet_distance"], t["started"][:10]) for t in trials] == [
        (0, 10.0, "2026-12-03"), (1, 12.0, "2026-12-04")]
    assert all(t["budget"] == {"seconds": 300.0} for t in trials)


def test_one_setting_changed_keeps_only_trials_that_differ_in_that_setting(tmp_path):
    trials = [_trial("r1_0", 1, 25.0, {**BASE, "r1_weight": 0.0}), _trial("lesson", 0, 11.0, BASE),
              _trial("r1_0", 0, 24.0, {**BASE, "r1_weight": 0.0}),
              _trial("d_dropout_0", 0, 19.0, {**BASE, "d_dropout": 0.0}),          # another setting changed
              _trial("bfloat16", 0, 12.0, BASE, precision="mixed_bfloat16"),       # another precision
              {**_trial("old", 0, 99.0, BASE), "settings": None}]                  # settings not recorded
    _write(tmp_path, trials)
    picked = benchmark_results.one_setting_changed(benchmark_results.variant_trials("mnist", tmp_path), "r1_weight", BASE)
    assert [(t["settings"]["r1_weight"], t["seed"]) for t in picked] == [(0.0, 0), (0.0, 1), (1.0, 0)]
    assert benchmark_results.one_setting_changed(picked, "r1_weight", BASE, budget={"seconds": 120.0}) == []


def test_the_table_uses_each_trials_own_floor_unless_given_one():
    trials = [{**_trial("a", 0, 20.0, BASE), "floor_frechet_distance": 10.0},
              {**_trial("a", 1, 30.0, BASE), "floor_frechet_distance": 5.0}]
    row = benchmark_results.summary_table(trials).splitlines()[2]
    assert row == "| a | 2 | 100 | 25.0 (20.0-30.0) | 4.00 | 10 | 0.900 (0.900-0.900) | 30 (30-30) |"
    labelled = benchmark_results.summary_table(trials, floor=10.0, label=lambda t: f"seed {t['seed']}").splitlines()
    assert [line.split(" | ")[0] for line in labelled[2:]] == ["| seed 0", "| seed 1"] and " 3.00 " in labelled[3]


def test_missing_or_corrupt_results_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="git checkout -- benchmarks/results"):
        benchmark_results.variant_trials("mnist", tmp_path)
    (tmp_path / "dcgan_variants_mnist_2026-12-04.json").write_text('{"runs": [')
    with pytest.raises(ValueError, match="dcgan_variants_mnist_2026-12-04.json is not a results file"):
        benchmark_results.variant_trials("mnist", tmp_path)


def test_the_shipped_results_hold_lesson_07s_recipe_with_and_without_r1_over_two_seeds():
    """What lesson 07 prints: its own recipe and the one before it (no R1), each over at least two seeds of 300 s."""
    trials = benchmark_results.variant_trials("mnist")
    assert all("settings" in t for t in trials)
    rows = benchmark_results.one_setting_changed(trials, "r1_weight", gan.LESSON_07_SETTINGS, budget={"seconds": 300.0})
    for weight in (0.0, gan.LESSON_07_SETTINGS["r1_weight"]):
        assert len({t["seed"] for t in rows if t["settings"]["r1_weight"] == weight}) >= 2, weight
