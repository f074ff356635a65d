"""The benchmark is not a timed test; this checks that its pieces build and that it measures lesson 07's own model."""
import importlib.util
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest

from course_utils import gan, recipes

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("dcgan_vs_tutorial", ROOT / "benchmarks" / "dcgan_vs_tutorial.py")
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)


def test_tutorial_configuration_matches_the_tensorflow_tutorial():
    generator, discriminator = bench.tutorial_generator(), bench.tutorial_discriminator()
    assert generator.input_shape == (None, 100) and generator.output_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    assert [layer.filters for layer in generator.layers if hasattr(layer, "filters")] == [128, 64, 1]
    assert bench.TUTORIAL == {"batch_size": 256, "learning_rate": 1e-4, "beta_1": 0.9, "label_smoothing": 0.0}
    model = bench.TUTORIAL_RECIPE.build()
    assert model.ema_generator is None and float(model.g_optimizer.learning_rate) == pytest.approx(1e-4)


def _without_names(config):
    """A layer configuration without its automatic names (conv2d_3, conv2d_7, ...): what the layers *are*."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list | tuple):
        return [_without_names(v) for v in config]
    return config


def what_was_built(model: gan.NonSaturatingGAN) -> dict:
    """Every setting of a built GAN that decides how it trains and what it samples, read off the model itself."""
    return {
        "generator": _without_names(keras.utils.serialize_keras_object(model.generator)["config"]["layers"]),
        "discriminator": _without_names(keras.utils.serialize_keras_object(model.discriminator)["config"]["layers"]),
        "ema_decay": model.ema_decay, "label_smoothing": model.label_smoothing, "latent_dim": model.latent_dim,
        "optimizers": [(type(o).__name__, float(o.learning_rate), o.beta_1, o.beta_2)
                       for o in (model.d_optimizer, model.g_optimizer)],
        "class": type(model).__name__,
    }


def test_the_benchmark_measures_the_model_lesson_07_builds():
    """The README's headline numbers must be lesson 07's model: the weight average, label smoothing, widths, dropout
    and optimisers, all equal (the benchmark once left out the weight average)."""
    lesson = recipes.LESSON_07.build()
    benchmarked = bench.CONFIGURATIONS["lesson 07 DCGAN"].build()
    assert what_was_built(benchmarked) == what_was_built(lesson)
    assert lesson.ema_decay == gan.LESSON_07_SETTINGS["ema_decay"] and lesson.sampler is lesson.ema_generator
    assert bench.CONFIGURATIONS["lesson 07 DCGAN"] is recipes.LESSON_07


def test_lesson_07_trains_the_recipe_the_benchmark_measures():
    cells = nbformat.read(ROOT / "notebooks" / "07_dcgan.ipynb", as_version=4).cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "RECIPE = recipes.LESSON_07" in code and "RECIPE.build()" in code and "RECIPE.train(" in code
    assert "build_lesson_07_dcgan(" not in code and ".fit(" not in code.split("def train_dcgan")[1].split("def ")[0]


@pytest.mark.slow
def test_the_colour_trials_script_trains_one_variant_and_reports_it(capsys):
    """benchmarks/colour_dcgan_trials.py, the trials behind lesson 18's recipe: one short trial prints its JSON line, and
    the lesson's recipe is lesson 07's with exactly the settings the trials chose, on the base they were measured on
    (lesson 07's recipe of 2026-12-02, before R1)."""
    import json

    spec = importlib.util.spec_from_file_location("colour_dcgan_trials", ROOT / "benchmarks" / "colour_dcgan_trials.py")
    trials = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trials)
    trials.main(["tiny", "g_width=8", "d_width=8", "diff_augment=true", "--seconds", "1"])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["name"] == "tiny" and line["seed"] == 0
    assert line["settings"] == {"g_width": 8, "d_width": 8, "diff_augment": True}
    assert line["steps"] >= 2 and line["frechet_distance"] > line["floor"] > 0
    changed = {key: value for key, value in recipes.LESSON_18_DCGAN.settings.items()
               if recipes.LESSON_07.settings[key] != value}
    assert changed == {**recipes.LESSON_18_COLOUR_SETTINGS, "r1_weight": 0.0}
    with pytest.raises(ValueError, match="unknown settings"):
        trials.main(["typo", "widht=8", "--seconds", "1"])


VARIANTS_SPEC = importlib.util.spec_from_file_location("dcgan_variants", ROOT / "benchmarks" / "dcgan_variants.py")
variants = importlib.util.module_from_spec(VARIANTS_SPEC)
VARIANTS_SPEC.loader.exec_module(variants)


def test_every_variant_is_lesson_07_with_only_its_own_changes():
    """The variants table measures one change at a time to lesson 07's own model (issue 15)."""
    lesson = what_was_built(recipes.LESSON_07.build())
    recipe, changes = variants.recipe_of("lesson")
    assert recipe is recipes.LESSON_07 and changes == {} and what_was_built(recipe.build(changes)) == lesson
    for name in variants.VARIANTS:
        recipe, changes = variants.recipe_of(name)
        model = recipe.build(changes)
        if name == "lesson":
            continue
        if recipe is not recipes.LESSON_07:
            assert name == "tf_tutorial" and model.ema_generator is None
            continue
        assert (bool(changes) != (name in variants.PRECISION)) and set(changes) <= set(gan.LESSON_07_SETTINGS), name
        settings = {**gan.LESSON_07_SETTINGS, **changes}
        assert model.ema_decay == settings["ema_decay"] and model.label_smoothing == settings["label_smoothing"], name
        assert model.r1_weight == settings["r1_weight"], name
        assert isinstance(model, gan.GAN_LOSSES[settings["loss"]]), name


def test_a_variant_trains_with_its_own_batch_size():
    """A trial's changes reach the training pipeline, not only the builder: the batch size is the pipeline's. (They
    once went to the builder alone, so a batch-size variant would have trained at 64.) 100 images cannot make one
    batch of 128: the trial must say so rather than train at 64."""
    images = np.zeros((100, 28, 28, 1), np.float32)
    with pytest.raises(ValueError, match="batches of 128, but got only 100"):
        variants.run_trial("batch_128", 0, images, judge=None, reference=None, steps=1)


def test_the_self_conditioned_variants_are_the_lessons_headline_recipe():
    """self_conditioned_20 measures lesson 07's own headline model; _50 changes only its number of clusters."""
    recipe, changes = variants.recipe_of("self_conditioned_100")
    assert recipe is recipes.LESSON_07_SELF_CONDITIONED and changes == {}
    recipe, changes = variants.recipe_of("self_conditioned_50")
    assert recipe.settings == {**recipes.LESSON_07_SELF_CONDITIONED.settings, "n_classes": 50} and changes == {}
    assert recipe.labeller is recipes.LESSON_07_SELF_CONDITIONED.labeller


def test_an_unknown_variant_is_a_clear_error():
    with pytest.raises(SystemExit, match="unknown variant 'r2'.*r1_0.1"):
        variants.main(["lesson", "r2", "--steps", "1"])


def test_the_summary_table_gives_each_variants_mean_and_range():
    trials = [{"name": "a", "steps": s, "frechet_distance": fd, "classes_covered": c, "confidence": q, "unsure_of_100": u}
              for s, fd, c, q, u in ((100, 20.0, 10, 0.9, 4), (300, 30.0, 9, 0.95, 6))]
    row = variants.summary_table(trials, floor=10.0).splitlines()[2]
    assert row == "| a | 2 | 200 | 25.0 (20.0-30.0) | 2.50 | 9 | 0.925 (0.900-0.950) | 5 (4-6) |"


@pytest.mark.slow
def test_a_step_matched_trial_trains_exactly_its_steps_and_scores_its_samples(tmp_path):
    from course_utils import classifier, datasets

    (x_train, _), (x_test, _) = datasets.load_dataset("mnist")[0]
    judge, _ = classifier.train_classifier("mnist")
    for name in ("xla", "r1_0", "hinge", "bfloat16", "self_conditioned_100"):
        trial = variants.run_trial(name, 0, datasets.to_minus_one_one(x_train[:512]), judge,
                                   datasets.to_minus_one_one(x_test[:200]), steps=3, samples=100, grids=tmp_path)
        expected = variants.VARIANTS.get(name, {"recipe": recipes.LESSON_07_SELF_CONDITIONED.name})
        assert trial["steps"] == 3 and trial["changes"] == expected, trial
        assert trial["frechet_distance"] > 0 and 0 <= trial["unsure_of_100"] <= 100 and 0 < trial["confidence"] <= 1
        assert (tmp_path / f"{name}_seed0.png").stat().st_size > 1000
