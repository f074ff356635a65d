import numpy as np
import pytest

from course_utils import classifier, datasets


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return classifier.train_classifier("mnist", epochs=2, cache_dir=tmp_path_factory.mktemp("clf"))


def test_classifier_learns_mnist(trained):
    model, accuracy = trained
    assert accuracy > 0.93  # 2 epochs on the 9,001 shipped digits


def test_features_probabilities_and_quality_report(trained):
    model, _ = trained
    (_, _), (x_test, y_test) = datasets.load_mnist()
    real = datasets.to_minus_one_one(x_test)
    features, probs = classifier.features_and_probabilities(model, real[:100])
    assert features.shape == (100, 64) and probs.shape == (100, 10)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-5)
    half = len(real) // 2
    same = classifier.quality_report(model, real[:half], real[half:])
    noise = classifier.quality_report(model, np.random.default_rng(0).uniform(-1, 1, real[:half].shape).astype(np.float32), real[half:])
    assert same["classes_covered"] == 10
    assert noise["frechet_distance"] > 10 * same["frechet_distance"]  # noise is far from digits, real is near real
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        classifier.features_and_probabilities(model, np.zeros((2, 32, 32, 1)))


def test_cache_reloads_the_same_model(tmp_path):
    first, acc1 = classifier.train_classifier("fashion_mnist", epochs=1, cache_dir=tmp_path)
    second, acc2 = classifier.train_classifier("fashion_mnist", epochs=1, cache_dir=tmp_path)
    assert acc1 == acc2 and len(list(tmp_path.iterdir())) == 1
