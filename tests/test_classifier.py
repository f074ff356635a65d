import numpy as np
import pytest

from course_utils import classifier, datasets, metrics


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
    same = metrics.quality_report(model, real[:half], real[half:])
    noise = metrics.quality_report(model, np.random.default_rng(0).uniform(-1, 1, real[:half].shape).astype(np.float32), real[half:])
    assert same["classes_covered"] == 10
    assert noise["frechet_distance"] > 10 * same["frechet_distance"]  # noise is far from digits, real is near real
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        classifier.features_and_probabilities(model, np.zeros((2, 32, 32, 1)))


def test_cache_reloads_the_same_model(tmp_path):
    first, acc1 = classifier.train_classifier("fashion_mnist", epochs=1, cache_dir=tmp_path)
    second, acc2 = classifier.train_classifier("fashion_mnist", epochs=1, cache_dir=tmp_path)
    assert acc1 == acc2 and len(list(tmp_path.iterdir())) == 1


# ---- the shipped weights -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dataset, floor", [("mnist", 0.96), ("fashion_mnist", 0.84)])
def test_shipped_classifier_loads_and_is_accurate(dataset, floor):
    model, accuracy = classifier.load_classifier(dataset)
    assert accuracy > floor
    assert model.output_shape == (None, 10) and model.get_layer(classifier.FEATURE_LAYER).units == 64
    assert getattr(model, "optimizer", None) is None  # shipped without optimizer state: small, nothing to resume


def test_train_classifier_uses_the_shipped_weights_for_the_shipped_configuration(tmp_path):
    model, accuracy = classifier.train_classifier("mnist", epochs=5, seed=0, cache_dir=tmp_path)
    shipped, shipped_accuracy = classifier.load_classifier("mnist")
    assert accuracy == shipped_accuracy
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), shipped.get_weights()))
    assert list(tmp_path.iterdir()) == []  # nothing trained, nothing cached


def test_shipped_files_match_their_recorded_checksums():
    for dataset, (_, _, _, expected) in classifier.SHIPPED_CLASSIFIERS.items():
        assert datasets.sha256_of(classifier.shipped_classifier_path(dataset)) == expected


def test_a_corrupt_shipped_file_is_a_clear_error(tmp_path):
    good = classifier.shipped_classifier_path("mnist")
    damaged = tmp_path / good.name
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF                          # one flipped byte in the middle of the weights
    damaged.write_bytes(bytes(data))
    with pytest.raises(classifier.ClassifierError, match="corrupt.*git checkout -- data/classifiers/.*make_classifier_weights"):
        classifier.load_classifier("mnist", directory=tmp_path)
    damaged.write_bytes(good.read_bytes()[:1000])          # a truncated file
    with pytest.raises(classifier.ClassifierError, match="corrupt"):
        classifier.load_classifier("mnist", directory=tmp_path)
    with pytest.raises(classifier.ClassifierError, match="missing"):
        classifier.load_classifier("fashion_mnist", directory=tmp_path)
    with pytest.raises(ValueError, match="No shipped classifier"):
        classifier.load_classifier("cifar10")


def test_train_classifier_refuses_a_corrupt_shipped_file(tmp_path, monkeypatch):
    """A damaged shipped file is an error, never a silent retraining (which would change every metric)."""
    folder = tmp_path / "classifiers"
    folder.mkdir()
    name = classifier.SHIPPED_CLASSIFIERS["mnist"][0]
    (folder / name).write_bytes(b"not a keras file")
    monkeypatch.setattr(classifier, "shipped_classifier_path", lambda dataset, directory=None: folder / name)
    with pytest.raises(classifier.ClassifierError, match="corrupt"):
        classifier.train_classifier("mnist", epochs=5, seed=0, cache_dir=None)


def test_loading_is_in_safe_mode(tmp_path, monkeypatch):
    """A file whose checksum was recorded but which holds a Lambda layer (arbitrary code) is refused by safe mode."""
    import keras

    unsafe = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda x: x * 2.0),
                               keras.layers.Flatten(), keras.layers.Dense(10)])
    path = tmp_path / classifier.SHIPPED_CLASSIFIERS["mnist"][0]
    unsafe.save(path)
    entry = classifier.SHIPPED_CLASSIFIERS["mnist"]
    monkeypatch.setitem(classifier.SHIPPED_CLASSIFIERS, "mnist", entry[:3] + (datasets.sha256_of(path),))
    with pytest.raises(ValueError, match="(?i)lambda|safe_mode"):
        classifier.load_classifier("mnist", directory=tmp_path)
