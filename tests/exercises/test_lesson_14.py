"""Every check of lesson 14 passes a right answer, fails a typical wrong one with its hint, and flags None."""
import numpy as np

from course_utils import metrics, restoration
from course_utils.exercises import lesson_14 as exercises


def test_check_1(capsys):
    assert exercises.check_1(10 * np.log10(1 / 0.004))
    # the check agrees with the course's PSNR on an image with that error
    x = np.full((1, 28, 28, 1), 0.5, np.float32)
    assert exercises.check_1(float(metrics.psnr(x, x + np.sqrt(0.004).astype(np.float32))[0]))
    capsys.readouterr()
    assert not exercises.check_1(10 * np.log10(1 / np.sqrt(0.004)))
    assert "root-mean-square" in capsys.readouterr().out
    assert not exercises.check_1(20 * np.log10(1 / 0.004))
    assert "factor is 10" in capsys.readouterr().out
    assert not exercises.check_1(10 * np.log(1 / 0.004))
    assert "log10" in capsys.readouterr().out
    assert not exercises.check_1(None)
    assert "Not answered" in capsys.readouterr().out


def test_check_2(capsys):
    assert exercises.check_2(lambda r, t, m: np.sum(m * (r - t) ** 2, axis=(1, 2, 3)))
    # the course's own data term, times 2 sigma^2, is a right answer
    assert exercises.check_2(lambda r, t, m: restoration.masked_loss(r, t, m, sigma=1.0).numpy() * 2.0)
    capsys.readouterr()
    assert not exercises.check_2(lambda r, t, m: np.sum((r - t) ** 2, axis=(1, 2, 3)))
    assert "missing pixels are in your sum" in capsys.readouterr().out
    assert not exercises.check_2(lambda r, t, m: np.mean(m * (r - t) ** 2, axis=(1, 2, 3)))
    assert "averaging" in capsys.readouterr().out
    assert not exercises.check_2(lambda r, t, m: np.sum(m * (r - t) ** 2))
    assert "one number per image" in capsys.readouterr().out
    assert not exercises.check_2(lambda r, t, m: np.sum((1 - m) * (r - t) ** 2, axis=(1, 2, 3)))
    assert "visible" in capsys.readouterr().out
    assert not exercises.check_2(lambda r, t, m: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.check_2(3.0) and not exercises.check_2(None)

