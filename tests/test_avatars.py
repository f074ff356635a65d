"""The colour data sets (data/pixel_characters.npz, data/avatars.npz; data/make_avatars.py) and their loader."""
import shutil

import numpy as np
import pytest

from course_utils import datasets

SETS = sorted(datasets.AVATAR_FILES)
N_TRAIN = {"pixel_characters": 9000, "avatars": 6000}


@pytest.fixture(scope="module", params=SETS)
def avatar_set(request):
    return request.param, datasets.load_avatars(request.param, size=64)


def test_each_set_has_its_training_and_1000_test_images_with_their_attributes(avatar_set):
    name, data = avatar_set
    n = N_TRAIN[name]
    assert data.x_train.shape == (n, 64, 64, 3) and data.x_test.shape == (1000, 64, 64, 3)
    assert data.x_train.dtype == np.uint8 and data.x_train.std() > 30   # real pictures, not a flat colour
    assert {"hair", "hair_colour", "skin_colour", "glasses"} <= set(data.attributes)
    for attribute, (train, test) in data.attributes.items():
        assert train.shape == (n,) and test.shape == (1000,)
        assert train.max() < len(data.values[attribute]) and len(np.unique(train)) == len(data.values[attribute]), attribute
    glasses, _ = data.labels("glasses")
    assert data.values["glasses"][0] == "none" and 0.25 < np.mean(glasses > 0) < 0.35   # drawn with probability 0.3


def test_attributes_change_the_picture(avatar_set):
    """With glasses and without: the mean images differ where the eyes are, so the labels describe the pictures."""
    name, data = avatar_set
    glasses, _ = data.labels("glasses")
    difference = np.abs(data.x_train[glasses > 0].mean(0) - data.x_train[glasses == 0].mean(0)).mean(-1)
    assert difference.max() > 40 and difference.mean() < 20   # a strong change, in one place


def test_the_images_are_new_avatars_not_copies_and_share_one_background(avatar_set):
    name, data = avatar_set
    flat = data.x_train.reshape(len(data.x_train), -1)
    assert len(np.unique(flat, axis=0)) > 0.99 * len(flat)
    corners = data.x_train[:, 0, 0]
    assert np.mean(np.all(corners == corners[0], axis=1)) > 0.95


def test_pixel_characters_are_drawn_on_a_16x16_grid():
    data = datasets.load_avatars("pixel_characters", size=64)
    blocks = data.x_train[:200].reshape(200, 16, 4, 16, 4, 3).astype(int)
    assert np.abs(blocks - blocks[:, :, :1, :, :1]).max() == 0   # every 4x4 block is one colour
    small = datasets.load_avatars("pixel_characters", size=16)
    assert np.array_equal(small.x_train[:200], data.x_train[:200, ::4, ::4])


def test_smaller_sizes_average_blocks():
    big, small = datasets.load_avatars("avatars", size=64), datasets.load_avatars("avatars", size=32)
    assert small.x_train.shape == (6000, 32, 32, 3)
    expected = big.x_train[:5].reshape(5, 32, 2, 32, 2, 3).mean(axis=(2, 4))
    assert np.abs(small.x_train[:5] - expected).max() <= 0.5
    assert datasets.to_minus_one_one(small.x_train[:3]).shape == (3, 32, 32, 3)


def test_generated_float_images_shrink_to_exact_block_means():
    """Lesson 18 measures 64x64 samples (floats in [-1, 1]) with a judge of 32x32 images: no rounding to whole levels."""
    images = np.random.default_rng(0).uniform(-1, 1, (3, 64, 64, 3)).astype(np.float32)
    small = datasets.shrink(images, 2)
    assert small.dtype == np.float32 and small.shape == (3, 32, 32, 3)
    np.testing.assert_allclose(small[1, 5, 7], images[1, 10:12, 14:16].mean(axis=(0, 1)), atol=1e-6)
    assert datasets.shrink(images, 1) is images
    with pytest.raises(ValueError, match="cannot be shrunk by 3"):
        datasets.shrink(images, 3)


def test_bad_requests_and_a_damaged_file_get_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="Unknown avatar set 'cats'"):
        datasets.load_avatars("cats")
    with pytest.raises(ValueError, match="size must be one of"):
        datasets.load_avatars(size=28)
    with pytest.raises(ValueError, match="no attribute 'hat_colour'"):
        datasets.load_avatars("avatars", size=16).labels("hat_colour")
    filename = datasets.AVATAR_FILES["avatars"][0]
    shutil.copy(datasets.data_dir() / filename, tmp_path / filename)
    with open(tmp_path / filename, "r+b") as f:
        f.seek(1000)
        f.write(b"\0" * 16)
    with pytest.raises(datasets.DatasetError, match="corrupt.*make_avatars.py --only avatars"):
        datasets.load_avatars("avatars", directory=tmp_path)
    with pytest.raises(datasets.DatasetError, match="missing"):
        datasets.load_avatars("pixel_characters", directory=tmp_path)


# ------------------------------------------------------------------ the colour judges (course_utils.classifier)
@pytest.mark.parametrize("name", SETS)
def test_the_shipped_colour_judge_sees_the_attributes(name):
    from course_utils import classifier

    judge, accuracies = classifier.load_avatar_judge(name)
    assert list(accuracies) == list(classifier.AVATAR_JUDGE_HEADS[name])
    assert accuracies["skin_colour"] > 0.9 and accuracies["glasses"] > 0.75 and accuracies["hair"] > 0.75
    data = datasets.load_avatars(name, size=32)
    features, probabilities = classifier.features_and_probabilities(judge, datasets.to_minus_one_one(data.x_test[:50]))
    assert features.shape == (50, 64) and probabilities.shape == (50, len(data.values["hair_colour"]))
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)


def test_a_damaged_judge_is_refused_with_the_way_back(tmp_path):
    from course_utils import classifier

    filename = classifier.SHIPPED_AVATAR_JUDGES["avatars"][0]
    (tmp_path / filename).write_bytes(b"not a keras file")
    with pytest.raises(classifier.ClassifierError, match="corrupt.*make_classifier_weights.py --judges avatars"):
        classifier.load_avatar_judge("avatars", tmp_path)
    with pytest.raises(ValueError, match="No shipped judge for 'cats'"):
        classifier.load_avatar_judge("cats")
    with pytest.raises(ValueError, match="at least one attribute head"):
        classifier.build_attribute_classifier({})


def test_every_shirt_colour_has_one_name():
    data = datasets.load_avatars("pixel_characters", size=16)
    assert sorted(datasets.PIXEL_CLOTHING_COLOUR_NAMES) == sorted(data.values["clothing_colour"])
    assert len(set(datasets.PIXEL_CLOTHING_COLOUR_NAMES.values())) == len(data.values["clothing_colour"])


def test_attribute_predictions_name_what_the_judge_sees():
    from course_utils import classifier

    judge, accuracies = classifier.load_avatar_judge("pixel_characters")
    data = datasets.load_avatars("pixel_characters", size=32)
    seen = classifier.attribute_predictions(judge, "pixel_characters", datasets.to_minus_one_one(data.x_test[:200]))
    assert list(seen) == list(classifier.AVATAR_JUDGE_HEADS["pixel_characters"])
    assert all(values.shape == (200,) for values in seen.values())
    # what lesson 18 reads as its conditional-accuracy ceiling: the judge names almost every real shirt colour
    assert np.mean(seen["clothing_colour"] == data.labels("clothing_colour")[1][:200]) > 0.95
    with pytest.raises(ValueError, match=r"shape \(N, 32, 32, 3\)"):
        classifier.attribute_predictions(judge, "pixel_characters", np.zeros((2, 28, 28, 1)))
    with pytest.raises(ValueError, match="No judge for 'cats'"):
        classifier.attribute_predictions(judge, "cats", np.zeros((2, 32, 32, 3)))


def test_a_folder_of_your_own_photos_loads_square_and_bad_folders_say_what_to_do(tmp_path):
    import keras

    rng = np.random.default_rng(0)
    (tmp_path / "faces" / "more").mkdir(parents=True)
    for i, (h, w) in enumerate([(40, 60), (64, 64), (90, 50)]):
        keras.utils.save_img(tmp_path / "faces" / ("more" if i == 2 else ".") / f"face_{i}.png",
                             rng.integers(0, 256, (h, w, 3)).astype(np.uint8))
    images = datasets.load_image_folder(tmp_path / "faces", size=32)
    assert images.shape == (3, 32, 32, 3) and images.dtype == np.uint8
    assert datasets.load_image_folder(tmp_path / "faces", size=16, limit=2).shape == (2, 16, 16, 3)
    with pytest.raises(datasets.DatasetError, match="is not a folder.*img_align_celeba"):
        datasets.load_image_folder(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(datasets.DatasetError, match="holds no images"):
        datasets.load_image_folder(tmp_path / "empty")
