"""Every check of lesson 15 passes a right answer, fails a typical wrong one with its hint, and flags None."""
import numpy as np

from course_utils.exercises import lesson_15 as exercises


def _exercise_1_data():
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (6, 28, 28, 1)).astype(np.float32)    # like x_few_gan: already in [-1, 1]
    real_labels = np.array([0, 1, 2, 0, 1, 2])
    generated = rng.random((4, 28, 28, 1)).astype(np.float32)       # like cvae_small.generate: in [0, 1]
    generated_labels = np.array([3, 3, 4, 4])
    return real, real_labels, generated, generated_labels


def test_check_1(capsys):
    real, real_labels, generated, generated_labels = data = _exercise_1_data()
    right_images = np.concatenate([real, generated * 2 - 1])
    right_labels = np.concatenate([real_labels, generated_labels])
    assert exercises.check_1(right_images, right_labels, *data)
    assert exercises.check_1(list(right_images), list(right_labels), *data)       # lists are arrays too
    assert "Correct" in capsys.readouterr().out
    wrong_answers = {
        "still in [0, 1]": (np.concatenate([real, generated]), right_labels),
        "already in [-1, 1]": (np.concatenate([real * 2 - 1, generated * 2 - 1]), right_labels),
        "the other way": (np.concatenate([real, (generated + 1) / 2]), right_labels),
        "generated images only": (generated * 2 - 1, right_labels),
        "real images only": (real, right_labels),
        "one label per image": (right_images, real_labels),
        "other order than the images": (right_images, np.concatenate([generated_labels, real_labels])),
        "in the images' order": (right_images, right_labels[::-1]),
        "in that order": (np.concatenate([generated * 2 - 1, real]), right_labels),
    }
    for hint, (images, labels) in wrong_answers.items():
        assert not exercises.check_1(images, labels, *data), hint
        assert hint in capsys.readouterr().out
    assert not exercises.check_1(None, None, *data)
    assert "Not answered" in capsys.readouterr().out
    assert not exercises.check_1(right_images, None, *data)
    assert "Not answered" in capsys.readouterr().out
    assert not exercises.check_1([[1, 2], [3]], right_labels, *data)                 # not an array: a message, no raise
    assert "must be arrays" in capsys.readouterr().out


def test_check_1_accepts_the_lessons_own_construction():
    """The notebook's experiment builds the fair row as np.concatenate([x_few_gan, cvae_small.generate(...) * 2 - 1])."""
    real, real_labels, generated, generated_labels = data = _exercise_1_data()
    images, labels = np.concatenate([real, generated * 2 - 1]), np.concatenate([real_labels, generated_labels])
    assert exercises.check_1(images.astype(np.float32), labels.astype(np.int64), *data)


def test_check_2(capsys):
    rng = np.random.default_rng(0)
    z, a, b = rng.normal(size=(3, 16))
    assert exercises.check_2(z - a + b, z, a, b)
    assert not exercises.check_2(z + a - b, z, a, b)
    assert "wrong way" in capsys.readouterr().out
    assert not exercises.check_2(z + b, z, a, b)
    assert "subtract" in capsys.readouterr().out
    assert not exercises.check_2(b, z, a, b)
    assert "average item" in capsys.readouterr().out
    assert not exercises.check_2(None, z, a, b)
    assert "Not answered" in capsys.readouterr().out
