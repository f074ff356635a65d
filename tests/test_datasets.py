import hashlib
import shutil

import numpy as np
import pytest

from course_utils import datasets


def test_mnist_has_keras_signature_and_real_digits():
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    assert x_train.shape == (9001, 28, 28) and x_test.shape == (999, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype.kind == "i"
    assert set(np.unique(y_train)) == set(range(10)) and set(np.unique(y_test)) == set(range(10))
    # real digits: dark background, about 19 % of pixels non-zero (MNIST's known statistics)
    assert x_train[:, 0, :].max() == 0
    assert 0.17 < (x_train > 0).mean() < 0.21
    assert abs(x_train.mean() / 255 - 0.1307) < 0.01  # the usual MNIST normalisation mean


def test_fashion_mnist_balanced_subset():
    (x_train, y_train), (x_test, y_test) = datasets.load_fashion_mnist()
    assert x_train.shape == (9000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert np.bincount(y_train).tolist() == [900] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    assert abs(x_train.mean() / 255 - 0.286) < 0.02  # Fashion-MNIST's known mean intensity
    # trousers (1) are tall and narrow, bags (8) wide: a check that labels match images
    width = lambda cls: (x_train[y_train == cls].mean(axis=0) > 60).any(axis=0).sum()
    assert width(1) < width(8)
    assert len(datasets.FASHION_MNIST_CLASS_NAMES) == 10


def test_train_and_test_do_not_overlap():
    (x_train, _), (x_test, _) = datasets.load_mnist()
    train_hashes = {hashlib.md5(im.tobytes()).hexdigest() for im in x_train}
    assert not any(hashlib.md5(im.tobytes()).hexdigest() in train_hashes for im in x_test)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(datasets.DatasetError, match="missing.*git checkout -- data/mnist.npz"):
        datasets.load_mnist(directory=tmp_path)


def test_corrupt_file_is_caught_by_checksum(tmp_path):
    shutil.copy(datasets.data_dir() / "fashion_mnist.npz", tmp_path / "fashion_mnist.npz")
    data = bytearray((tmp_path / "fashion_mnist.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "fashion_mnist.npz").write_bytes(bytes(data))
    with pytest.raises(datasets.DatasetError, match="corrupt.*SHA-256.*convert_npm_packages"):
        datasets.load_fashion_mnist(directory=tmp_path)


def test_truncated_file_is_caught(tmp_path):
    (tmp_path / "mnist.npz").write_bytes((datasets.data_dir() / "mnist.npz").read_bytes()[:1000])
    with pytest.raises(datasets.DatasetError, match="corrupt"):
        datasets.load_mnist(directory=tmp_path)


def test_data_dir_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert datasets.data_dir() == tmp_path
    with pytest.raises(datasets.DatasetError, match="missing"):
        datasets.load_mnist()


def test_unknown_source_and_dataset():
    with pytest.raises(ValueError, match="Unknown data source 'internet'.*'shipped'"):
        datasets.load_mnist(source="internet")
    with pytest.raises(ValueError, match="Unknown dataset 'cifar10'"):
        datasets.load_dataset("cifar10")


def test_scaling_ranges_and_round_trip():
    images = np.array([[[0, 255], [127, 128]]], dtype=np.uint8)
    gan = datasets.to_minus_one_one(images)
    assert gan.shape == (1, 2, 2, 1) and gan.dtype == np.float32
    assert gan.min() == -1.0 and gan.max() == 1.0
    vae = datasets.to_zero_one(images)
    assert vae.min() == 0.0 and vae.max() == 1.0
    np.testing.assert_allclose(datasets.from_minus_one_one(gan), vae, atol=1e-6)
    assert datasets.from_minus_one_one(np.array([-3.0, 3.0])).tolist() == [0.0, 1.0]


def test_scaling_rejects_wrong_dtype_and_shape():
    with pytest.raises(ValueError, match="uint8"):
        datasets.to_zero_one(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(ValueError, match="shape"):
        datasets.to_minus_one_one(np.zeros((28, 28), np.uint8))


def test_make_dataset_batches_and_labels():
    x = datasets.to_zero_one(np.arange(10 * 4, dtype=np.uint8).reshape(10, 2, 2))
    y = np.arange(10)
    ds = datasets.make_dataset(x, y, batch_size=4, seed=1)
    batches = list(ds.as_numpy_iterator())
    assert len(batches) == 2  # drop_remainder: 10 -> 2 batches of 4
    seen = np.concatenate([b[1] for b in batches])
    assert len(set(seen.tolist())) == 8
    for images, labels in batches:  # images stay paired with their labels after shuffling
        np.testing.assert_allclose(images[:, 0, 0, 0] * 255, labels * 4, atol=1e-4)
    assert len(list(datasets.make_dataset(x, batch_size=4, drop_remainder=False))) == 3


def test_make_dataset_bad_input():
    with pytest.raises(ValueError, match="to_minus_one_one or to_zero_one"):
        datasets.make_dataset(np.zeros((4, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="4 images but 3 labels"):
        datasets.make_dataset(np.zeros((4, 2, 2, 1), np.float32), np.zeros(3))


def test_binarize():
    images = np.array([[[0, 127], [128, 255]]], dtype=np.uint8)
    binary = datasets.binarize(images)
    assert binary.shape == (1, 2, 2, 1) and binary[0, :, :, 0].tolist() == [[0, 0], [1, 1]]
    assert datasets.binarize(images, threshold=1)[0, :, :, 0].tolist() == [[0, 1], [1, 1]]
    with pytest.raises(ValueError, match="threshold"):
        datasets.binarize(images, threshold=0)
    with pytest.raises(ValueError, match="uint8"):
        datasets.binarize(images.astype(np.float32))


def test_every_shipped_file_is_checked_by_one_mechanism(tmp_path):
    """Data, classifier weights and checkpoints: one check (datasets.verify_shipped_file), one family of errors."""
    from course_utils import checkpoints, classifier

    for error in (datasets.DatasetError, classifier.ClassifierError, checkpoints.CheckpointError):
        assert issubclass(error, datasets.ShippedFileError)
    path = tmp_path / "weights.bin"
    path.write_bytes(b"abc")
    good = datasets.sha256_of(path)
    assert datasets.verify_shipped_file(path, good, "thing", "Fix it.") == path
    with pytest.raises(checkpoints.CheckpointError, match=r"The thing .*weights.bin is corrupt.*expected 0+\. Fix it\."):
        datasets.verify_shipped_file(path, "0" * 64, "thing", "Fix it.", checkpoints.CheckpointError)
    with pytest.raises(datasets.ShippedFileError, match="is missing. Fix it."):
        datasets.verify_shipped_file(tmp_path / "gone.bin", good, "thing", "Fix it.")
