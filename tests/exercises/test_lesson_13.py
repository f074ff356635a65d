"""Every check of lesson 13 passes a right answer, fails a typical wrong one with its hint, and flags None."""
import numpy as np

from course_utils import metrics
from course_utils.exercises import lesson_13 as exercises


def right_precision(real, generated, k):
    radii = np.sort(np.linalg.norm(real[:, None] - real[None], axis=2), axis=1)[:, k]
    distances = np.linalg.norm(generated[:, None] - real[None], axis=2)
    return float(np.mean(np.any(distances <= radii[None], axis=1)))


def off_by_one_precision(real, generated, k):
    return right_precision(real, generated, k - 1)


def test_check_1(capsys):
    assert exercises.check_1(10.0)
    assert not exercises.check_1(12.0)
    assert "standard deviations" in capsys.readouterr().out
    assert not exercises.check_1(4.0) and not exercises.check_1(None)
    assert "Not answered" in capsys.readouterr().out
    # the expected value is what the course's formula says
    assert metrics.frechet_distance_gaussians([0, 0], np.diag([1.0, 4.0]), [3, 0], np.diag([4.0, 4.0])) == 10.0


def test_check_3(capsys):
    assert exercises.check_3(right_precision)
    assert not exercises.check_3(off_by_one_precision)
    assert "its own nearest neighbour" in capsys.readouterr().out
    assert not exercises.check_3(lambda real, generated, k: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.check_3(0.5) and not exercises.check_3(None)


def test_check_2(capsys):
    assert exercises.check_2(1.0)
    assert not exercises.check_2(2.0)
    assert "1/sqrt(N)" in capsys.readouterr().out
    assert not exercises.check_2(None)


def test_check_4(capsys):
    table = {"dcgan": {"frechet_distance": 10.0, "encoder": False},
             "vae": {"frechet_distance": 30.0, "encoder": True},
             "beta_vae": {"frechet_distance": 50.0, "encoder": True}}
    assert exercises.check_4("vae", table)
    assert not exercises.check_4("dcgan", table)
    assert "no encoder" in capsys.readouterr().out
    assert not exercises.check_4("beta_vae", table) and not exercises.check_4("gan", table)
    assert not exercises.check_4(None, table)
