"""Lesson 02's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils import gan_theory
from course_utils.exercises import lesson_02 as exercises


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None, None) is False
    assert exercises.check_3(None, None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 3
    assert exercises.check_1(lambda p_data, p_g, lam: None) is False                       # the untouched skeleton
    assert exercises.check_2(lambda y, a, b: None, lambda p_data, p_g: None) is False
    assert capsys.readouterr().out.count("Not answered yet") == 2


@pytest.mark.parametrize("answer, hint", [
    (lambda a, b, lam: a / (a + b), "does not depend on lambda"),
    (lambda a, b, lam: lam * a / (lam * a + b), "wrong density"),
    (lambda a, b, lam: a / (a + b / lam), "wrong density"),
    (lambda a, b, lam: lam * b / (a + lam * b), "fake"),
    (lambda a, b, lam: a / (a + lam ** 2 * b), "brute-force maximum"),
    (lambda a, b, lam: a[0], "one D value per point"),
    (lambda a, b: a, "raised TypeError"),
])
def test_check_1(capsys, answer, hint):
    assert exercises.check_1(lambda p_data, p_g, lam: p_data / (p_data + lam * p_g)) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_1(answer) is False
    assert hint in capsys.readouterr().out


def least_squares(y, a, b):
    return -(a * (y - 1) ** 2 + b * y ** 2)


def test_check_2(capsys):
    assert exercises.check_2(least_squares, lambda a, b: a / (a + b)) is True
    # any positive scaling plus a constant is the same game
    assert exercises.check_2(lambda y, a, b: -0.5 * (a * (y - 1) ** 2 + b * y ** 2) + a, lambda a, b: a / (a + b)) is True
    assert capsys.readouterr().out.count("Correct") == 2
    wrong_answers = [
        (lambda y, a, b: a * (y - 1) ** 2 + b * y ** 2, lambda a, b: a / (a + b), "pass its negative"),
        (gan_theory.minimax_objective, lambda a, b: a / (a + b), "original GAN"),
        (lambda y, a, b: -(a * (y - 1) ** 2 + 2 * b * y ** 2), lambda a, b: a / (a + b), "not the least-squares one"),
        (least_squares, lambda a, b: b / (a + b), "probability that x is *fake*"),
        (least_squares, lambda a, b: a / (a + 2 * b), "g'(y) = 2a(y - 1) + 2by"),
    ]
    for objective, formula, hint in wrong_answers:
        assert exercises.check_2(objective, formula) is False
        assert hint in capsys.readouterr().out


def reference_exercise_3(kl_pair=lambda p, q, x: (p, q), bits=False):
    x = np.linspace(-8, 10, 3601)
    rng = np.random.default_rng(3)
    jsds, gaps = [], []
    for _ in range(50):
        (m1, m2), (s1, s2) = rng.uniform(-3, 3, 2), rng.uniform(0.3, 2, 2)
        p, q = gan_theory.gaussian_pdf(x, m1, s1), gan_theory.gaussian_pdf(x, m2, s2)
        jsds.append(gan_theory.jensen_shannon(p, q, x) / (np.log(2) if bits else 1))
        first, second = kl_pair(p, q, x)
        gaps.append(gan_theory.kl_divergence(p, q, x) - gan_theory.kl_divergence(first, second, x))
    return np.array(jsds), np.array(gaps)


def test_check_3(capsys):
    jsds, gaps = reference_exercise_3(kl_pair=lambda p, q, x: (q, p))
    assert exercises.check_3(jsds, np.abs(gaps)) is True
    assert "Correct" in capsys.readouterr().out
    _, no_gaps = reference_exercise_3()                               # KL(p || q) - KL(p || q): all zero
    wrong_answers = [(jsds, gaps, "absolute value"), (jsds, no_gaps, "arguments swapped"),
                     (reference_exercise_3(bits=True)[0], np.abs(gaps), "log base 2"),
                     (np.abs(gaps) + 1, np.abs(gaps), "exceed log 2"), (jsds[:10], np.abs(gaps[:10]), "50 values"),
                     (np.full(50, 0.3), np.abs(gaps), "all 50 JSDs are equal"), (-jsds, np.abs(gaps), "negative"),
                     (jsds, np.abs(gaps) / 100, "below 1 nat")]
    for answer_jsds, answer_gaps, hint in wrong_answers:
        assert exercises.check_3(answer_jsds, answer_gaps) is False
        assert hint in capsys.readouterr().out
