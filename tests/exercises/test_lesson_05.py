"""Lesson 05's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np
import pytest

from course_utils import datasets, vae_theory as vt
from course_utils.exercises import lesson_05 as exercises


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None) is False
    assert exercises.check_2(lambda *args: None) is False                 # the untouched skeleton
    assert capsys.readouterr().out.count("Not answered yet") == 3


def test_check_1(capsys):
    (x_train, _), _ = datasets.load_mnist()
    mean_digit = x_train[:1000].reshape(1000, -1).mean(0) / 255.0
    grey = x_train[:16].reshape(16, -1) / 255.0
    means = 0.5 * grey + 0.5 * mean_digit
    sigmas = np.linspace(0.05, 1, 400)
    total_nll = np.array([vt.gaussian_nll(grey, means, s).sum() for s in sigmas])
    assert exercises.check_1(sigmas[np.argmin(total_nll)]) is True
    assert "Correct" in capsys.readouterr().out
    mse = np.mean((grey - means) ** 2)
    for answer, hint in [(mse, "SQUARED"), (int(np.argmin(total_nll)), "index"), (sigmas[np.argmax(total_nll)], "argmax"),
                         (0.5, "smallest total"), ([0.1, 0.2], "one number")]:
        assert exercises.check_1(answer) is False
        assert hint in capsys.readouterr().out


def make_beta_objective(kind="right"):
    def beta_objective(x, model, mu_q, cov_q, beta):
        kl = vt.gaussian_kl_full(mu_q, cov_q, np.zeros(2), np.eye(2))
        elbo = vt.elbo_linear_gaussian(x, model, mu_q, cov_q)
        return {"right": elbo + kl - beta * kl, "elbo as reconstruction": elbo - beta * kl, "sign": -(elbo + kl - beta * kl),
                "beta on reconstruction": beta * (elbo + kl) - kl, "no beta": elbo, "other": elbo + 1.0}[kind]
    return beta_objective


@pytest.mark.parametrize("kind, hint", [("elbo as reconstruction", "ELBO already subtracts"), ("sign", "MAXIMISE"),
                                        ("beta on reconstruction", "beta multiplies the KL"), ("no beta", "does not depend"),
                                        ("other", "L_beta = E_q")])
def test_check_2(capsys, kind, hint):
    assert exercises.check_2(make_beta_objective()) is True
    assert "Correct" in capsys.readouterr().out
    assert exercises.check_2(make_beta_objective(kind)) is False
    assert hint in capsys.readouterr().out


def test_the_model_is_lesson_04s():
    """Lesson 05 re-creates lesson 04's linear-Gaussian model and x0 in its setup, and its checks use lesson 04's
    (imported from its module): the two notebooks' definitions must be the checks' model."""
    import json
    from pathlib import Path

    assert np.array_equal(exercises.LESSON_MODEL.W, [[1.0, 0.8], [0.9, 1.1], [0.3, -0.1]])
    assert np.array_equal(exercises.LESSON_MODEL.b, [0.5, -0.3, 0.2])
    assert exercises.LESSON_MODEL.sigma == 0.7 and np.array_equal(exercises.X0, [1.6, 1.2, 0.4])
    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    code = {name: "\n".join("".join(c["source"]) for c in json.loads((notebooks / name).read_text())["cells"]
                            if c["cell_type"] == "code")
            for name in ("04_vae_objective.ipynb", "05_vae_decoders_and_beta.ipynb")}
    for line in ("model = vt.LinearGaussianModel(W=np.array([[1.0, 0.8], [0.9, 1.1], [0.3, -0.1]]), "
                 "b=np.array([0.5, -0.3, 0.2]), sigma=0.7)", "x0 = np.array([1.6, 1.2, 0.4])"):
        assert all(line in text for text in code.values()), f"both lessons must define {line!r}"
