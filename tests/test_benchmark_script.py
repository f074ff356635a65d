"""The benchmark is not a timed test; this only checks that its pieces still build and agree with lesson 05."""
import importlib.util
from pathlib import Path

from course_utils import gan

SPEC = importlib.util.spec_from_file_location("dcgan_vs_tutorial", Path(__file__).resolve().parent.parent / "benchmarks" / "dcgan_vs_tutorial.py")
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)


def test_tutorial_configuration_matches_the_tensorflow_tutorial():
    generator, discriminator = bench.tutorial_generator(), bench.tutorial_discriminator()
    assert generator.input_shape == (None, 100) and generator.output_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    assert [layer.filters for layer in generator.layers if hasattr(layer, "filters")] == [128, 64, 1]
    assert bench.TUTORIAL == {"batch_size": 256, "learning_rate": 1e-4, "beta_1": 0.9, "label_smoothing": 0.0}


def test_lesson_05_configuration_is_the_lessons():
    generator, discriminator = bench.lesson_05_models()
    assert generator.input_shape == (None, gan.LESSON_05_SETTINGS["latent_dim"])
    for key, value in bench.LESSON_05.items():
        assert gan.LESSON_05_SETTINGS[key] == value
