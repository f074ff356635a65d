"""The benchmark is not a timed test; this checks that its pieces build and that it measures lesson 07's own model."""
import importlib.util
from pathlib import Path

import keras
import nbformat
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
    the lesson's recipe is lesson 07's with exactly the settings the trials chose."""
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
    assert changed == recipes.LESSON_18_COLOUR_SETTINGS
    with pytest.raises(ValueError, match="unknown settings"):
        trials.main(["typo", "widht=8", "--seconds", "1"])
