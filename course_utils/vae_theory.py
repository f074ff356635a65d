"""The VAE objective, piece by piece, in NumPy (lessons 04 and 05; lesson 10 builds the Keras VAE on it).

* Log-densities: :func:`gaussian_log_density` (diagonal), :func:`mvn_log_density` (full covariance),
  :func:`bernoulli_log_density`; the decoder losses :func:`bernoulli_nll` (= binary cross-entropy summed over
  pixels) and :func:`gaussian_nll` (= squared error / (2 sigma^2) + 0.5 D log(2 pi sigma^2), constants included).
* KL divergences: :func:`gaussian_kl` (closed form, diagonal Gaussians), :func:`gaussian_kl_full` (full
  covariances), :func:`kl_monte_carlo` (an estimate with its standard error, the independent check).
* A model whose ``log p(x)`` is exact: :class:`LinearGaussianModel`, p(z) = N(0, I), p(x|z) = N(Wz + b, sigma^2 I);
  :func:`elbo_linear_gaussian` (closed form), :func:`elbo_monte_carlo`, :func:`beta_optimal_q`,
  :func:`rate_distortion`.
* Gradient estimators of d/d(mu, logvar) E_{z~N(mu, exp(logvar))}[f(z)]: :func:`reparam_gradient` and
  :func:`score_function_gradient` (REINFORCE), one estimate per noise sample.
* Checking helpers (``check_*``): each takes a *candidate* formula (a Python function) and raises
  ``AssertionError`` with a message saying what is wrong, so a lesson or exercise can test a derivation.

Conventions: variances are passed as log-variances ``logvar`` (as a VAE's encoder outputs them); densities and
divergences are summed over the last axis (the latent or pixel dimensions) and keep the leading (batch) axes.
Everything is in nats (natural logarithms).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOG_2PI = float(np.log(2.0 * np.pi))


# --------------------------------------------------------------------------------------------------------
# Input checks: a wrong shape or an impossible variance fails here, with a message, not deep in NumPy.
# --------------------------------------------------------------------------------------------------------
def _as_float(name, value) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return array


def _same_shape(**arrays) -> tuple[int, ...]:
    """The common broadcast shape of the arrays, or a ValueError naming their shapes."""
    try:
        return np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"shapes do not match: {shapes}. Pass arrays of the same shape (or scalars), with the "
                         "dimensions to sum over last.") from None


def _positive(name, value) -> np.ndarray:
    array = _as_float(name, value)
    if np.any(array <= 0):
        raise ValueError(f"{name} must be positive (a standard deviation or variance), got min {array.min():.3g}. "
                         "If you have a log-variance, pass it as logvar instead.")
    return array


def _probabilities(name, value) -> np.ndarray:
    array = _as_float(name, value)
    if np.any(array < 0) or np.any(array > 1):
        raise ValueError(f"{name} must be probabilities in [0, 1], got values in [{array.min():.3g}, "
                         f"{array.max():.3g}]; for unbounded network outputs pass logits= instead.")
    return array


def _covariance(name, cov, dim=None) -> np.ndarray:
    cov = _as_float(name, cov)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"{name} must be a square (K, K) covariance matrix, got shape {cov.shape}.")
    if dim is not None and cov.shape[0] != dim:
        raise ValueError(f"{name} is {cov.shape[0]}x{cov.shape[0]} but the mean has {dim} dimensions.")
    if not np.allclose(cov, cov.T, atol=1e-10 * max(1.0, np.abs(cov).max())):
        raise ValueError(f"{name} must be symmetric.")
    try:
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError(f"{name} must be positive definite (all variances positive); its smallest eigenvalue is "
                         f"{np.linalg.eigvalsh(cov).min():.3g}.") from None
    return cov


# --------------------------------------------------------------------------------------------------------
# Log-densities and the decoder losses
# --------------------------------------------------------------------------------------------------------
def gaussian_log_density(x, mu, logvar) -> np.ndarray:
    """log N(x; mu, diag(exp(logvar))), summed over the last axis."""
    x, mu, logvar = _as_float("x", x), _as_float("mu", mu), _as_float("logvar", logvar)
    _same_shape(x=x, mu=mu, logvar=logvar)
    return np.sum(-0.5 * (LOG_2PI + logvar + (x - mu) ** 2 / np.exp(logvar)), axis=-1)


def mvn_log_density(x, mean, cov) -> np.ndarray:
    """log N(x; mean, cov) for a full (K, K) covariance; x is (..., K)."""
    x, mean = _as_float("x", x), _as_float("mean", mean)
    if mean.ndim != 1:
        raise ValueError(f"mean must be a vector (K,), got shape {mean.shape}.")
    cov = _covariance("cov", cov, dim=mean.shape[0])
    if x.shape[-1:] != mean.shape:
        raise ValueError(f"x has last dimension {x.shape[-1:]} but mean has shape {mean.shape}.")
    chol = np.linalg.cholesky(cov)
    diff = (x - mean).reshape(-1, mean.shape[0]).T
    solved = np.linalg.solve(chol, diff)
    log_det = 2.0 * np.sum(np.log(np.diag(chol)))
    out = -0.5 * (mean.shape[0] * LOG_2PI + log_det + np.sum(solved ** 2, axis=0))
    return out.reshape(x.shape[:-1])


def bernoulli_log_density(x, probs=None, logits=None) -> np.ndarray:
    """log prod_j p_j^x_j (1 - p_j)^(1 - x_j), summed over the last axis. Give ``probs`` or ``logits``.

    With ``logits`` (a network's pre-sigmoid output) it is computed stably as x*l - softplus(l).
    """
    if (probs is None) == (logits is None):
        raise ValueError("give exactly one of probs= (in [0, 1]) or logits= (any real).")
    x = _as_float("x", x)
    if logits is not None:
        logits = _as_float("logits", logits)
        _same_shape(x=x, logits=logits)
        return np.sum(x * logits - np.logaddexp(0.0, logits), axis=-1)
    probs = _probabilities("probs", probs)
    _same_shape(x=x, probs=probs)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 * log 0 is masked out by np.where
        terms = np.where(x > 0, x * np.log(probs), 0.0) + np.where(x < 1, (1 - x) * np.log1p(-probs), 0.0)
    return np.sum(terms, axis=-1)


def bernoulli_nll(x, probs=None, logits=None) -> np.ndarray:
    """-log p(x|z) for a Bernoulli decoder: binary cross-entropy *summed* over the pixels (last axis).

    Keras's ``binary_crossentropy`` is the *mean* over the last axis: multiply it by the number of pixels.
    """
    return -bernoulli_log_density(x, probs=probs, logits=logits)


def gaussian_nll(x, mean, sigma=1.0) -> np.ndarray:
    """-log N(x; mean, sigma^2 I), summed over the last axis (D values):
    ``0.5 / sigma^2 * sum (x - mean)^2 + 0.5 * D * log(2 pi sigma^2)``, the constant included."""
    x, mean, sigma = _as_float("x", x), _as_float("mean", mean), _positive("sigma", sigma)
    shape = _same_shape(x=x, mean=mean, sigma=sigma)
    sigma = np.broadcast_to(sigma, shape)
    return np.sum(0.5 * (x - mean) ** 2 / sigma ** 2 + 0.5 * np.log(2.0 * np.pi * sigma ** 2), axis=-1)


# --------------------------------------------------------------------------------------------------------
# KL divergences
# --------------------------------------------------------------------------------------------------------
def gaussian_kl(mu_q, logvar_q, mu_p=0.0, logvar_p=0.0) -> np.ndarray:
    """KL( N(mu_q, diag e^logvar_q) || N(mu_p, diag e^logvar_p) ), closed form, summed over the last axis:

    0.5 * sum( logvar_p - logvar_q + (e^logvar_q + (mu_q - mu_p)^2) / e^logvar_p - 1 ).

    With the defaults p = N(0, I), the VAE's KL term: -0.5 * sum(1 + logvar_q - mu_q^2 - e^logvar_q).
    """
    mu_q, logvar_q = _as_float("mu_q", mu_q), _as_float("logvar_q", logvar_q)
    mu_p, logvar_p = _as_float("mu_p", mu_p), _as_float("logvar_p", logvar_p)
    _same_shape(mu_q=mu_q, logvar_q=logvar_q, mu_p=mu_p, logvar_p=logvar_p)
    terms = logvar_p - logvar_q + (np.exp(logvar_q) + (mu_q - mu_p) ** 2) / np.exp(logvar_p) - 1.0
    return 0.5 * np.sum(terms, axis=-1)


def gaussian_kl_full(mu_q, cov_q, mu_p, cov_p) -> float:
    """KL( N(mu_q, cov_q) || N(mu_p, cov_p) ) for full covariances:
    0.5 * ( tr(cov_p^-1 cov_q) + (mu_p - mu_q)^T cov_p^-1 (mu_p - mu_q) - K + log det cov_p - log det cov_q )."""
    mu_q, mu_p = _as_float("mu_q", mu_q), _as_float("mu_p", mu_p)
    if mu_q.shape != mu_p.shape or mu_q.ndim != 1:
        raise ValueError(f"mu_q and mu_p must be vectors of the same length, got {mu_q.shape} and {mu_p.shape}.")
    k = mu_q.shape[0]
    cov_q, cov_p = _covariance("cov_q", cov_q, k), _covariance("cov_p", cov_p, k)
    diff = mu_p - mu_q
    _, logdet_p = np.linalg.slogdet(cov_p)
    _, logdet_q = np.linalg.slogdet(cov_q)
    return float(0.5 * (np.trace(np.linalg.solve(cov_p, cov_q)) + diff @ np.linalg.solve(cov_p, diff) - k
                        + logdet_p - logdet_q))


def kl_monte_carlo(mu_q, logvar_q, mu_p=0.0, logvar_p=0.0, n_samples: int = 100_000, seed: int = 0):
    """Estimate KL(q || p) = E_{z~q}[log q(z) - log p(z)] for diagonal Gaussians by sampling.

    Returns ``(estimate, standard_error)``, both summed over the last axis like :func:`gaussian_kl`. The
    standard error is the sample standard deviation of log q - log p divided by sqrt(n_samples).
    """
    if int(n_samples) < 2:
        raise ValueError(f"n_samples must be at least 2 to estimate a standard error, got {n_samples}.")
    mu_q, logvar_q = _as_float("mu_q", mu_q), _as_float("logvar_q", logvar_q)
    mu_p, logvar_p = _as_float("mu_p", mu_p), _as_float("logvar_p", logvar_p)
    shape = _same_shape(mu_q=mu_q, logvar_q=logvar_q, mu_p=mu_p, logvar_p=logvar_p)
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((int(n_samples),) + tuple(shape))
    z = mu_q + np.exp(0.5 * logvar_q) * eps
    log_ratio = gaussian_log_density(z, mu_q, logvar_q) - gaussian_log_density(z, mu_p, logvar_p)
    return log_ratio.mean(axis=0), log_ratio.std(axis=0, ddof=1) / np.sqrt(n_samples)


# --------------------------------------------------------------------------------------------------------
# A latent-variable model with an exact log p(x): linear-Gaussian (probabilistic PCA)
# --------------------------------------------------------------------------------------------------------
@dataclass
class LinearGaussianModel:
    """p(z) = N(0, I_K), p(x|z) = N(W z + b, sigma^2 I_D). Everything is Gaussian, so in closed form:

    * marginal  p(x) = N(b, W W^T + sigma^2 I)
    * posterior p(z|x) = N(m, S), S = (I + W^T W / sigma^2)^-1, m = S W^T (x - b) / sigma^2.
    """
    W: np.ndarray
    b: np.ndarray
    sigma: float

    def __post_init__(self):
        self.W = _as_float("W", self.W)
        if self.W.ndim != 2:
            raise ValueError(f"W must be a (D, K) matrix, got shape {self.W.shape}.")
        self.b = _as_float("b", self.b)
        if self.b.shape != (self.W.shape[0],):
            raise ValueError(f"b must have shape ({self.W.shape[0]},) to match W {self.W.shape}, got {self.b.shape}.")
        self.sigma = float(_positive("sigma", self.sigma))

    @property
    def data_dim(self) -> int:
        return self.W.shape[0]

    @property
    def latent_dim(self) -> int:
        return self.W.shape[1]

    def _check_x(self, x) -> np.ndarray:
        x = _as_float("x", x)
        if x.shape[-1:] != (self.data_dim,):
            raise ValueError(f"x must end in the data dimension {self.data_dim}, got shape {x.shape}.")
        return x

    def _check_z(self, z) -> np.ndarray:
        z = _as_float("z", z)
        if z.shape[-1:] != (self.latent_dim,):
            raise ValueError(f"z must end in the latent dimension {self.latent_dim}, got shape {z.shape}.")
        return z

    def marginal(self):
        """(mean, covariance) of p(x)."""
        return self.b.copy(), self.W @ self.W.T + self.sigma ** 2 * np.eye(self.data_dim)

    def log_marginal(self, x) -> np.ndarray:
        """The exact log p(x)."""
        mean, cov = self.marginal()
        return mvn_log_density(self._check_x(x), mean, cov)

    def posterior(self, x, sigma: float | None = None):
        """(mean, covariance) of the exact posterior p(z|x) (with decoder std ``sigma`` if given)."""
        x = self._check_x(x)
        s2 = self.sigma ** 2 if sigma is None else float(_positive("sigma", sigma)) ** 2
        cov = np.linalg.inv(np.eye(self.latent_dim) + self.W.T @ self.W / s2)
        return (x - self.b) @ self.W @ cov / s2, cov  # cov is symmetric, so this is (cov W^T (x - b))^T

    def log_prior(self, z) -> np.ndarray:
        z = self._check_z(z)
        return gaussian_log_density(z, 0.0, 0.0)

    def log_likelihood(self, x, z) -> np.ndarray:
        """log p(x|z); x (D,) or (..., D) and z (..., K) broadcast against each other."""
        x, z = self._check_x(x), self._check_z(z)
        return -gaussian_nll(x, z @ self.W.T + self.b, self.sigma)

    def sample(self, n: int, seed: int = 0):
        """(x, z): n draws of z ~ p(z), then x ~ p(x|z)."""
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.latent_dim))
        x = z @ self.W.T + self.b + self.sigma * rng.standard_normal((n, self.data_dim))
        return x, z


def random_linear_gaussian(data_dim: int = 3, latent_dim: int = 2, sigma: float = 0.5, seed: int = 0):
    """A :class:`LinearGaussianModel` with random weights (for demonstrations and tests)."""
    rng = np.random.default_rng(seed)
    return LinearGaussianModel(rng.normal(size=(data_dim, latent_dim)), rng.normal(size=data_dim), sigma)


def _check_q(model, mu_q, cov_q):
    mu_q = _as_float("mu_q", mu_q)
    if mu_q.shape != (model.latent_dim,):
        raise ValueError(f"mu_q must have shape ({model.latent_dim},), got {mu_q.shape}.")
    return mu_q, _covariance("cov_q", cov_q, model.latent_dim)


def elbo_linear_gaussian(x, model: LinearGaussianModel, mu_q, cov_q) -> float:
    """The ELBO E_q[log p(x|z)] - KL(q(z) || p(z)) for q = N(mu_q, cov_q), in closed form:

    E_q[log p(x|z)] = -D/2 log(2 pi sigma^2) - (|x - W mu_q - b|^2 + tr(W cov_q W^T)) / (2 sigma^2).
    """
    x = model._check_x(x)
    if x.ndim != 1:
        raise ValueError(f"elbo_linear_gaussian takes one data point x of shape ({model.data_dim},), got {x.shape}.")
    mu_q, cov_q = _check_q(model, mu_q, cov_q)
    s2, d, k = model.sigma ** 2, model.data_dim, model.latent_dim
    residual = x - model.W @ mu_q - model.b
    expected_log_lik = -0.5 * d * np.log(2 * np.pi * s2) - (residual @ residual
                                                            + np.trace(model.W @ cov_q @ model.W.T)) / (2 * s2)
    return float(expected_log_lik - gaussian_kl_full(mu_q, cov_q, np.zeros(k), np.eye(k)))


def elbo_monte_carlo(x, model: LinearGaussianModel, mu_q, cov_q, n_samples: int = 10_000, seed: int = 0):
    """Estimate the ELBO E_{z~q}[log p(x|z) + log p(z) - log q(z)] by sampling: ``(estimate, standard_error)``."""
    x = model._check_x(x)
    mu_q, cov_q = _check_q(model, mu_q, cov_q)
    rng = np.random.default_rng(seed)
    z = mu_q + rng.standard_normal((int(n_samples), model.latent_dim)) @ np.linalg.cholesky(cov_q).T
    terms = model.log_likelihood(x, z) + model.log_prior(z) - mvn_log_density(z, mu_q, cov_q)
    return float(terms.mean()), float(terms.std(ddof=1) / np.sqrt(n_samples))


def beta_optimal_q(x, model: LinearGaussianModel, beta: float = 1.0):
    """The Gaussian q maximising E_q[log p(x|z)] - beta * KL(q || p(z)): (mean, covariance).

    Setting the derivatives to zero gives the exact posterior of the same model with decoder variance
    beta * sigma^2: beta > 1 trusts the data less (q closer to the prior), beta < 1 more.
    """
    beta = float(_positive("beta", beta))
    return model.posterior(x, sigma=np.sqrt(beta) * model.sigma)


def rate_distortion(x, model: LinearGaussianModel, beta: float = 1.0):
    """Average rate and distortion of the beta-optimal encoder over the data points ``x`` (N, D):

    rate R = mean_x KL(q(z|x) || p(z)) (nats the code carries about x); distortion D = mean_x -E_q[log p(x|z)].
    The negative ELBO is D + R, and the beta-VAE loss is D + beta * R. (The encoder's covariance does not
    depend on x in this model, so all data points are handled at once.)
    """
    x = model._check_x(x).reshape(-1, model.data_dim)
    means, cov = beta_optimal_q(x, model, beta)
    k, d, s2 = model.latent_dim, model.data_dim, model.sigma ** 2
    _, logdet = np.linalg.slogdet(cov)
    rate = 0.5 * (np.trace(cov) + np.mean(np.sum(means ** 2, axis=1)) - k - logdet)
    residuals = x - means @ model.W.T - model.b
    distortion = 0.5 * d * np.log(2 * np.pi * s2) + (np.mean(np.sum(residuals ** 2, axis=1))
                                                     + np.trace(model.W @ cov @ model.W.T)) / (2 * s2)
    return float(rate), float(distortion)


# --------------------------------------------------------------------------------------------------------
# Gradient estimators for d/d(mu, logvar) E_{z ~ N(mu, diag exp(logvar))} [f(z)]
# --------------------------------------------------------------------------------------------------------
def _noise(mu, logvar, eps):
    mu, logvar, eps = _as_float("mu", mu), _as_float("logvar", logvar), _as_float("eps", eps)
    if mu.shape != logvar.shape or mu.ndim != 1:
        raise ValueError(f"mu and logvar must be vectors of the same length, got {mu.shape} and {logvar.shape}.")
    if eps.ndim != 2 or eps.shape[1] != mu.shape[0]:
        raise ValueError(f"eps must be standard-normal noise of shape (n_samples, {mu.shape[0]}), got {eps.shape}.")
    sigma = np.exp(0.5 * logvar)
    return mu, logvar, eps, sigma, mu + sigma * eps


def reparam_gradient(f_grad, mu, logvar, eps):
    """Reparameterised (pathwise) estimates, one per row of ``eps``: z = mu + sigma * eps, so

    d f(z)/d mu = f'(z),   d f(z)/d logvar = f'(z) * dz/dlogvar = f'(z) * 0.5 * sigma * eps.

    ``f_grad(z)`` returns the gradient of f at each row of z, shape (n, K). Returns (g_mu, g_logvar), each (n, K).
    """
    mu, logvar, eps, sigma, z = _noise(mu, logvar, eps)
    g = np.asarray(f_grad(z), dtype=float)
    if g.shape != z.shape:
        raise ValueError(f"f_grad must return one gradient per sample, shape {z.shape}, got {g.shape}.")
    return g, g * 0.5 * sigma * eps


def score_function_gradient(f, mu, logvar, eps, baseline: float = 0.0):
    """Score-function (REINFORCE) estimates, one per row of ``eps``: (f(z) - baseline) * d log q(z)/d(mu, logvar):

    d log q / d mu = (z - mu) / sigma^2 = eps / sigma,   d log q / d logvar = 0.5 * ((z - mu)^2 / sigma^2 - 1)
    = 0.5 * (eps^2 - 1). It needs only values of f (no derivative), which is why it works for discrete z too.
    A constant ``baseline`` keeps it unbiased (E[score] = 0) and can reduce its variance.
    """
    mu, logvar, eps, sigma, z = _noise(mu, logvar, eps)
    values = np.asarray(f(z), dtype=float)
    if values.shape != (len(z),):
        raise ValueError(f"f must return one value per sample, shape ({len(z)},), got {values.shape}.")
    centred = (values - float(baseline))[:, None]
    return centred * eps / sigma, centred * 0.5 * (eps ** 2 - 1.0)


def estimator_stats(estimates) -> dict:
    """Mean, per-sample variance and standard error of the mean of per-sample estimates (n, K), per coordinate."""
    estimates = _as_float("estimates", estimates)
    if estimates.ndim != 2 or len(estimates) < 2:
        raise ValueError(f"estimates must be (n_samples >= 2, K), got shape {estimates.shape}.")
    var = estimates.var(axis=0, ddof=1)
    return {"mean": estimates.mean(axis=0), "variance": var, "stderr": np.sqrt(var / len(estimates))}


# --------------------------------------------------------------------------------------------------------
# Checking helpers: feed them a candidate formula; they raise AssertionError, with a reason, when it is wrong.
# --------------------------------------------------------------------------------------------------------
def _random_gaussian_pairs(n_cases, seed):
    rng = np.random.default_rng(seed)
    for case in range(n_cases):
        k = 1 + case % 4
        yield (case, rng.normal(0, 1, k), rng.uniform(-1.5, 1.5, k), rng.normal(0, 1, k), rng.uniform(-1.5, 1.5, k))


def _kl_mistakes(mu_q, logvar_q, mu_p, logvar_p) -> dict:
    """Values that common slips in the KL formula give, to name the slip in a failure message."""
    right = float(gaussian_kl(mu_q, logvar_q, mu_p, logvar_p))
    inverted = 0.5 * np.sum(logvar_p - logvar_q + np.exp(logvar_p - logvar_q) + (mu_q - mu_p) ** 2 / np.exp(logvar_p) - 1)
    return {"the factor 1/2 is missing": 2 * right,
            "the variance ratio is inverted (sigma_p^2 / sigma_q^2 where sigma_q^2 / sigma_p^2 belongs)": float(inverted),
            "q and p are swapped (that is KL(p || q))": float(gaussian_kl(mu_p, logvar_p, mu_q, logvar_q)),
            "the -1 per dimension is missing": right + 0.5 * len(mu_q)}


def check_gaussian_kl(candidate_fn, n_cases: int = 8, n_samples: int = 200_000, n_stderr: float = 5.0,
                      seed: int = 0) -> list:
    """Check ``candidate_fn(mu_q, logvar_q, mu_p, logvar_p) -> KL`` against Monte Carlo on random diagonal Gaussians.

    The Monte-Carlo estimate of E_q[log q - log p] needs no formula. Its error is about normal with the
    estimated standard error SE (central limit theorem, n_samples large); a correct candidate lies within
    ``n_stderr`` = 5 SE with probability 1 - 6e-7 per case, while typical mistakes (a missing 1/2, the variance
    ratio inverted, a dropped log term) are off by tens to thousands of SE. Also checks KL(q || q) = 0.
    Returns the rows (case, dim, candidate, mc, se) for display.
    """
    rows = []
    for case, mu_q, logvar_q, mu_p, logvar_p in _random_gaussian_pairs(n_cases, seed):
        value = float(np.asarray(candidate_fn(mu_q, logvar_q, mu_p, logvar_p)))
        mc, se = kl_monte_carlo(mu_q, logvar_q, mu_p, logvar_p, n_samples, seed + 1 + case)
        mc, se = float(mc), float(se)
        rows.append((case, len(mu_q), value, mc, se))
        if not abs(value - mc) <= n_stderr * se + 1e-12:
            hint = "".join(f" It matches a known mistake: {name}." for name, wrong in
                           _kl_mistakes(mu_q, logvar_q, mu_p, logvar_p).items() if abs(wrong - value) < 1e-9)
            raise AssertionError(
                f"the candidate KL is wrong for case {case} (dimension {len(mu_q)}): it gives {value:.5f}, but the "
                f"Monte-Carlo estimate of E_q[log q(z) - log p(z)] is {mc:.5f} +/- {se:.5f} (standard error); they "
                f"differ by {abs(value - mc) / se:.1f} standard errors, more than the {n_stderr:g} allowed.{hint} "
                f"Expected 0.5 * sum(logvar_p - logvar_q + (exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p) - 1).")
    for case, mu_q, logvar_q, _, _ in _random_gaussian_pairs(3, seed + 100):
        same = float(np.asarray(candidate_fn(mu_q, logvar_q, mu_q, logvar_q)))
        if abs(same) > 1e-9:
            raise AssertionError(f"KL(q || q) must be exactly 0, but the candidate gives {same:.3g} (case {case}).")
    return rows


def check_elbo_gap(elbo_fn, model: LinearGaussianModel | None = None, n_cases: int = 6, seed: int = 0,
                   rtol: float = 1e-8) -> list:
    """Check ``elbo_fn(x, model, mu_q, cov_q) -> ELBO`` through the identity log p(x) - ELBO = KL(q || p(z|x)).

    On the linear-Gaussian model log p(x), the posterior p(z|x), and the KL are all exact, so the identity must
    hold to floating-point rounding (``rtol``, relative to the size of log p(x)), for random q's *and* with a gap
    of 0 when q is the exact posterior. Returns the rows (x_index, q_name, log_px, elbo, kl) for display.
    """
    model = model or random_linear_gaussian(seed=seed)
    xs, _ = model.sample(max(1, n_cases // 3), seed=seed + 1)
    rng = np.random.default_rng(seed + 2)
    k = model.latent_dim
    rows = []
    for i, x in enumerate(xs):
        post_mean, post_cov = model.posterior(x)
        a = rng.normal(size=(k, k))
        candidates = {"exact posterior": (post_mean, post_cov),
                      "prior N(0, I)": (np.zeros(k), np.eye(k)),
                      "random diagonal q": (rng.normal(size=k), np.diag(rng.uniform(0.1, 2.0, k))),
                      "random full q": (post_mean + rng.normal(0, 0.5, k), a @ a.T / k + 0.1 * np.eye(k))}
        log_px = float(model.log_marginal(x))
        for name, (mu_q, cov_q) in candidates.items():
            elbo = float(elbo_fn(x, model, mu_q, cov_q))
            kl = gaussian_kl_full(mu_q, cov_q, post_mean, post_cov)
            rows.append((i, name, log_px, elbo, kl))
            tolerance = rtol * max(1.0, abs(log_px))
            if elbo > log_px + tolerance:
                raise AssertionError(f"the candidate ELBO {elbo:.6f} exceeds log p(x) = {log_px:.6f} for q = {name} "
                                     f"(data point {i}): a lower bound can never do that.")
            if abs((log_px - elbo) - kl) > tolerance:
                raise AssertionError(
                    f"log p(x) - ELBO should equal KL(q || p(z|x)) exactly, but for q = {name} (data point {i}) "
                    f"log p(x) - ELBO = {log_px - elbo:.6f} while the KL is {kl:.6f}. Check both ELBO terms: "
                    "E_q[log p(x|z)] needs the encoder's variance (the trace term) and the decoder's constant, and "
                    "the KL is KL(q || p(z)), not KL(p(z) || q).")
    return rows


def _decoder_cases(seed):
    rng = np.random.default_rng(seed)
    for d, sigma in [(1, 1.0), (5, 0.3), (784, 0.1), (20, 2.5)]:
        x = rng.normal(size=(3, d))
        mean = x + rng.normal(0.0, 1.5 * sigma, (3, d))  # residuals of a few sigma, as a fitted decoder leaves
        yield x, mean, sigma, rng.integers(0, 2, (3, d)), rng.uniform(0.01, 0.99, (3, d))


def check_gaussian_nll(candidate_fn, seed: int = 0, rtol: float = 1e-9) -> None:
    """Check ``candidate_fn(x, mean, sigma) -> -log N(x; mean, sigma^2 I)`` (summed over the last axis).

    The reference is the definition itself: minus the log of the product of normal densities. Both are
    deterministic, so only rounding separates a correct candidate from it (``rtol``).
    """
    for x, mean, sigma, _, _ in _decoder_cases(seed):
        densities = np.exp(-(x - mean) ** 2 / (2 * sigma ** 2)) / np.sqrt(2 * np.pi * sigma ** 2)
        reference = -np.sum(np.log(densities), axis=-1)
        value = np.asarray(candidate_fn(x, mean, sigma), dtype=float)
        if value.shape != reference.shape:
            raise AssertionError(f"the candidate must sum over the last axis and return shape {reference.shape}, "
                                 f"got {value.shape}.")
        if not np.allclose(value, reference, rtol=rtol, atol=1e-9):
            constant = 0.5 * x.shape[-1] * np.log(2 * np.pi * sigma ** 2)
            hint = (" The difference is exactly 0.5 * D * log(2 pi sigma^2): the normalising constant is missing."
                    if np.allclose(reference - value, constant) else "")
            raise AssertionError(f"the candidate Gaussian NLL is wrong for D = {x.shape[-1]}, sigma = {sigma}: it "
                                 f"gives {value[0]:.6f}, the definition -log prod N(x_j; mean_j, sigma^2) gives "
                                 f"{reference[0]:.6f}.{hint} Expected 0.5/sigma^2 * sum (x - mean)^2 + 0.5 * D * "
                                 "log(2 pi sigma^2).")


def check_bernoulli_nll(candidate_fn, seed: int = 0, rtol: float = 1e-9) -> None:
    """Check ``candidate_fn(x, probs) -> -log prod p^x (1 - p)^(1 - x)`` (summed over the last axis), on 0/1 pixels."""
    for _, _, _, x, probs in _decoder_cases(seed):
        reference = -np.sum(np.log(np.where(x == 1, probs, 1 - probs)), axis=-1)  # log of the product
        value = np.asarray(candidate_fn(x, probs), dtype=float)
        if value.shape != reference.shape:
            raise AssertionError(f"the candidate must sum over the last axis and return shape {reference.shape}, "
                                 f"got {value.shape}.")
        if not np.allclose(value, reference, rtol=rtol, atol=1e-9):
            hint = (" It equals the *mean* over pixels: multiply by the number of pixels D."
                    if np.allclose(value * x.shape[-1], reference) else "")
            raise AssertionError(f"the candidate Bernoulli NLL is wrong for D = {x.shape[-1]}: it gives "
                                 f"{value[0]:.6f}, the definition -log prod p^x (1-p)^(1-x) gives {reference[0]:.6f}."
                                 f"{hint} Expected -sum( x log p + (1 - x) log(1 - p) ).")


def quadratic_objective(target, scale: float = 1.0):
    """f(z) = -sum (z - target)^2 / (2 scale^2) (a Gaussian log-likelihood without its constant), with its
    gradient and the exact gradients of E_{z~N(mu, e^logvar)}[f(z)]: returns (f, f_grad, exact_grad(mu, logvar))."""
    target = _as_float("target", target)
    scale = float(_positive("scale", scale))

    def f(z):
        return -np.sum((z - target) ** 2, axis=-1) / (2 * scale ** 2)

    def f_grad(z):
        return -(z - target) / scale ** 2

    def exact_grad(mu, logvar):  # E f = -sum((mu - target)^2 + e^logvar) / (2 scale^2)
        return -(np.asarray(mu) - target) / scale ** 2, -0.5 * np.exp(logvar) / scale ** 2

    return f, f_grad, exact_grad


def check_reparam_gradient(candidate_fn, n_samples: int = 100_000, n_stderr: float = 5.0, seed: int = 0) -> None:
    """Check a reparameterised estimator ``candidate_fn(f_grad, mu, logvar, eps) -> (g_mu, g_logvar)`` is unbiased.

    On a quadratic f the exact gradient of E_q[f] is known (:func:`quadratic_objective`). The mean of the
    candidate's n_samples per-sample estimates must lie within 5 standard errors of it in every coordinate
    (the central limit theorem; a false alarm has probability about 6e-7 per coordinate).
    """
    rng = np.random.default_rng(seed)
    k = 3
    mu, logvar, target = rng.normal(size=k), rng.uniform(-1.0, 1.0, k), rng.normal(size=k)
    f, f_grad, exact_grad = quadratic_objective(target, scale=0.7)
    eps = rng.standard_normal((n_samples, k))
    estimates = candidate_fn(f_grad, mu, logvar, eps)
    for name, est, exact in zip(("mu", "logvar"), estimates, exact_grad(mu, logvar)):
        stats = estimator_stats(est)
        z_scores = np.abs(stats["mean"] - exact) / stats["stderr"]
        if np.any(~(z_scores <= n_stderr)):
            raise AssertionError(
                f"the candidate's gradient with respect to {name} is biased: its average over {n_samples} samples is "
                f"{np.round(stats['mean'], 4)}, the exact gradient is {np.round(exact, 4)} ({z_scores.max():.1f} "
                f"standard errors apart, {n_stderr:g} allowed). With z = mu + exp(logvar / 2) * eps, the chain rule "
                "gives dz/dmu = 1 and dz/dlogvar = 0.5 * exp(logvar / 2) * eps.")
