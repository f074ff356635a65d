"""Lesson 04's exercise checks: right answers pass, typical wrong ones fail with their hint, None is 'not answered'."""
import numpy as np

from course_utils import vae_theory as vt
from course_utils.exercises import lesson_04 as exercises


def test_not_answered(capsys):
    assert exercises.check_1(None) is False and exercises.check_2(None, None) is False
    assert exercises.check_3(None, None, None) is False
    assert exercises.check_1(lambda *args, **kwargs: None) is False       # the untouched skeleton
    assert capsys.readouterr().out.count("Not answered yet") == 4


def make_iwae(mistake=None):
    def iwae_bound(x, model, mu_q, cov_q, n_importance, n_replicates, seed=0):
        rng = np.random.default_rng(seed)
        z = mu_q + rng.standard_normal((n_replicates, n_importance, model.latent_dim)) @ np.linalg.cholesky(cov_q).T
        log_w = model.log_likelihood(x, z) + model.log_prior(z)
        if mistake != "no q":
            log_w = log_w - vt.mvn_log_density(z, mu_q, cov_q)
        if mistake == "mean of logs":
            per_replicate = log_w.mean(axis=1)
        else:
            per_replicate = np.logaddexp.reduce(log_w, axis=1) - (0 if mistake == "sum" else np.log(n_importance))
        if mistake == "per replicate":
            return per_replicate
        return per_replicate.mean(), per_replicate.std(ddof=1) / np.sqrt(n_replicates)
    return iwae_bound


def test_check_1(capsys):
    assert exercises.check_1(make_iwae()) is True
    assert exercises.check_1(lambda *a, **k: make_iwae()(*a, **k)[0]) is True      # the estimate alone is fine too
    assert capsys.readouterr().out.count("Correct") == 2
    for mistake, hint in [("sum", "subtract log L"), ("no q", "Check the log weight"), ("mean of logs", "mean of the logs"),
                          ("per replicate", "one number")]:
        assert exercises.check_1(make_iwae(mistake)) is False
        assert hint in capsys.readouterr().out
    assert exercises.check_1(lambda x, model, mu_q, cov_q, n_importance, n_replicates: 0.0) is False   # no seed argument
    assert "raised TypeError" in capsys.readouterr().out


def kl_draws(mean_scale=2.0, logvar_scale=1.5, shape=(10_000, 3), seed=4):
    rng = np.random.default_rng(seed)
    mu_q, mu_p = rng.normal(0, mean_scale, (2,) + shape)
    logvar_q, logvar_p = rng.normal(0, logvar_scale, (2,) + shape)
    return vt.gaussian_kl(mu_q, logvar_q, mu_p, logvar_p), vt.gaussian_kl(mu_q, logvar_q, mu_q, logvar_q)


def test_check_2(capsys):
    values, same = kl_draws()
    assert exercises.check_2(values, same) is True
    assert "Correct" in capsys.readouterr().out
    wrong_answers = [(kl_draws(mean_scale=4.0), "standard deviation 2"), (kl_draws(logvar_scale=2.25), "standard deviation"),
                     (kl_draws(shape=(3, 10_000)), "LAST axis"), ((values, values), "ITSELF"),
                     ((-values, same), "impossible"), ((values[:100], same[:100]), "shape (10_000,)")]
    for (answer_values, answer_same), hint in wrong_answers:
        assert exercises.check_2(answer_values, answer_same) is False
        assert hint in capsys.readouterr().out


def variances(samples=20_000, seed=6, which=0, baseline=True):
    decoder = vt.random_linear_gaussian(data_dim=20, latent_dim=5, sigma=0.5, seed=5)
    x = decoder.sample(1, seed=105)[0][0]
    mu0, logvar0 = np.zeros(5), np.full(5, -1.0)
    f = lambda z: decoder.log_likelihood(x, z)                                           # noqa: E731
    f_grad = lambda z: (x - z @ decoder.W.T - decoder.b) @ decoder.W / decoder.sigma ** 2  # noqa: E731
    eps = np.random.default_rng(seed).standard_normal((samples, 5))
    c = f(mu0 + np.exp(0.5 * logvar0) * eps).mean() if baseline else 0.0
    return [vt.estimator_stats(estimates[which])["variance"].mean() for estimates in (
        vt.score_function_gradient(f, mu0, logvar0, eps), vt.score_function_gradient(f, mu0, logvar0, eps, baseline=c),
        vt.reparam_gradient(f_grad, mu0, logvar0, eps))]


def test_check_3(capsys):
    right = variances()
    assert exercises.check_3(*right) is True
    assert exercises.check_3(*variances(samples=5000, seed=1)) is True      # quick mode's sample size, another seed
    assert capsys.readouterr().out.count("Correct") == 2
    wrong_answers = [(variances(which=1), "log-variance gradients"), (np.sqrt(right), "standard deviations"),
                     (5 * np.array(right), "5 times too large"), (variances(baseline=False), "no effect"),
                     ([right[0], right[1] * 3, right[2]], "with_baseline is not"), ([1.0, 2.0, 3.0], "expected about"),
                     (["a", 1, 2], "one number")]
    for answer, hint in wrong_answers:
        assert exercises.check_3(*answer) is False
        assert hint in capsys.readouterr().out
