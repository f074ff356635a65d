"""The GAN objective, piece by piece, in NumPy (lessons 02 and 03; lessons 06-09 train GANs on it).

* Densities on a grid: :func:`gaussian_pdf`, :func:`kde_1d` (a density from samples), :func:`integrate`
  (trapezoid rule).
* The game: :func:`value_function` V(D, G) by numerical integration, :func:`value_estimate` (its estimate on a
  batch of discriminator logits), :func:`optimal_discriminator` D* = p_data / (p_data + p_g).
* Divergences: :func:`kl_divergence`, :func:`jensen_shannon`; :func:`generator_cost_at_optimum`
  C(G) = V(D*, G) by integration, and :func:`cost_from_jsd` = -log 4 + 2 JSD(p_data || p_g).
* Generator losses, per example, as functions of the discriminator's *logit* l on a generated sample
  (D = sigmoid(l)): :func:`saturating_generator_loss` log(1 - D), :func:`non_saturating_generator_loss`
  -log D, and their derivatives with respect to l.
* Checking helpers (``check_*``): each takes a *candidate* formula (a Python function) and compares it with
  a reference that does not use the formula (brute-force maximisation, the definition integrated on a grid,
  the value function written out). A wrong candidate raises ``AssertionError`` with a message saying what is
  wrong, so a lesson or an exercise can test a derivation.

Conventions: everything is in nats (natural logarithms); densities are arrays of values on a 1-D, increasing
grid ``x``; probabilities of "real" are D in [0, 1], logits are any real numbers.
"""
from __future__ import annotations

import numpy as np

LOG_4 = float(np.log(4.0))


# --------------------------------------------------------------------------------------------------------
# Input checks: a negative density or a wrong shape fails here, with a message, not deep in NumPy.
# --------------------------------------------------------------------------------------------------------
def _as_float(name, value) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return array


def _density(name, value) -> np.ndarray:
    array = _as_float(name, value)
    if np.any(array < 0):
        raise ValueError(f"{name} must be a density (values >= 0), but its smallest value is {array.min():.3g}. "
                         "Pass density values p(x), not log-densities.")
    return array


def _same_shape(**arrays) -> tuple[int, ...]:
    shapes = {k: np.shape(v) for k, v in arrays.items()}
    if len(set(shapes.values())) > 1:
        listed = ", ".join(f"{k} {s}" for k, s in shapes.items())
        raise ValueError(f"shapes do not match: {listed}. Evaluate every density (and D) on the same grid x.")
    return next(iter(shapes.values()))


def _grid(x) -> np.ndarray:
    x = _as_float("x", x)
    if x.ndim != 1 or len(x) < 3:
        raise ValueError(f"x must be a 1-D grid of at least 3 points, got shape {x.shape}.")
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing (e.g. np.linspace(-8, 8, 2001)).")
    return x


def _probability(name, value) -> np.ndarray:
    array = _as_float(name, value)
    if np.any(array < 0) or np.any(array > 1):
        raise ValueError(f"{name} must be a probability in [0, 1] (a discriminator's output), got values in "
                         f"[{array.min():.3g}, {array.max():.3g}]; for raw network outputs use logits.")
    return array


def _normalised(name, p, x, tolerance=1e-3) -> None:
    mass = integrate(p, x)
    if abs(mass - 1.0) > tolerance:
        raise ValueError(f"{name} integrates to {mass:.4f} over the grid, not 1: widen the grid so it holds all the "
                         "mass, or divide by its integral first.")


# --------------------------------------------------------------------------------------------------------
# Densities on a grid
# --------------------------------------------------------------------------------------------------------
def gaussian_pdf(x, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """The normal density N(x; mean, std^2), elementwise."""
    x = _as_float("x", x)
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}.")
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2.0 * np.pi))


def integrate(values, x) -> float:
    """The trapezoid rule: the integral of a function given by its ``values`` on the grid ``x``."""
    x = _grid(x)
    values = _as_float("values", values)
    _same_shape(values=values, x=x)
    return float(np.sum(0.5 * (values[1:] + values[:-1]) * np.diff(x)))


def kde_1d(samples, x, bandwidth: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate of 1-D ``samples`` on the grid ``x`` (Silverman's bandwidth by default)."""
    samples = _as_float("samples", samples).ravel()
    x = _grid(x)
    if len(samples) < 2:
        raise ValueError("kde_1d needs at least 2 samples.")
    if bandwidth is None:
        spread = min(samples.std(), (np.quantile(samples, 0.75) - np.quantile(samples, 0.25)) / 1.34)
        bandwidth = 0.9 * max(spread, 1e-3) * len(samples) ** -0.2
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be positive, got {bandwidth}.")
    total = np.zeros_like(x)
    for chunk in np.array_split(samples, max(1, len(samples) // 2000)):  # bounded memory for many samples
        total += gaussian_pdf(x[:, None], chunk[None, :], bandwidth).sum(axis=1)
    return total / len(samples)


# --------------------------------------------------------------------------------------------------------
# The value function and the optimal discriminator
# --------------------------------------------------------------------------------------------------------
def _xlogy(a, y):
    """a * log(y), with 0 * log(0) = 0 (the convention that makes the integrals below well defined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == 0, 0.0, a * np.log(np.where(a == 0, 1.0, y)))


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), the discriminator that maximises V(D, G) for a fixed G.

    Where both densities are 0 the point contributes nothing to V and any D is optimal; we return 1/2 there.
    """
    p_data, p_g = _density("p_data", p_data), _density("p_g", p_g)
    _same_shape(p_data=p_data, p_g=p_g)
    total = p_data + p_g
    return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), 0.5)


def value_function(d, p_data, p_g, x, *, from_logits: bool = False) -> float:
    """V(D, G) = integral of p_data(x) log D(x) + p_g(x) log(1 - D(x)) dx, by the trapezoid rule on ``x``.

    This is E_{x~p_data}[log D(x)] + E_{z~p_z}[log(1 - D(G(z)))] written as one integral over x (the generator's
    samples G(z) have density p_g). ``d`` is an array of D(x) on the grid, or a function of x; with
    ``from_logits=True`` it holds the discriminator's logits l(x) (D = sigmoid(l)), and the logs are computed
    stably (a float32 sigmoid rounds to exactly 1 for l > 17, which would make log(1 - D) = -inf).
    Returns -inf if D is 0 where p_data > 0 (or 1 where p_g > 0): such a discriminator is infinitely wrong.
    """
    x = _grid(x)
    p_data, p_g = _density("p_data", p_data), _density("p_g", p_g)
    d = d(x) if callable(d) else d
    d = _as_float("logits", d) if from_logits else _probability("d", d)
    _same_shape(d=d, p_data=p_data, p_g=p_g, x=x)
    if from_logits:
        integrand = p_data * _log_sigmoid(d) + p_g * _log_sigmoid(-d)
    else:
        integrand = _xlogy(p_data, d) + _xlogy(p_g, 1.0 - d)
    if np.any(np.isneginf(integrand)):
        return float("-inf")
    return integrate(integrand, x)


def _log_sigmoid(logits):
    return -np.logaddexp(0.0, -logits)


def value_estimate(real_logits, fake_logits) -> float:
    """The estimate of V on a batch: mean log D(x_i) over real x_i plus mean log(1 - D(G(z_j))) over fakes,
    from the discriminator's logits (D = sigmoid(logit)), computed stably (no log of 0 for large logits)."""
    real_logits, fake_logits = _as_float("real_logits", real_logits), _as_float("fake_logits", fake_logits)
    if real_logits.size == 0 or fake_logits.size == 0:
        raise ValueError("value_estimate needs at least one real and one fake logit.")
    # log(1 - sigmoid(l)) = log sigmoid(-l)
    return float(np.mean(_log_sigmoid(real_logits)) + np.mean(_log_sigmoid(-fake_logits)))


# --------------------------------------------------------------------------------------------------------
# Divergences and the generator's cost against the optimal discriminator
# --------------------------------------------------------------------------------------------------------
def kl_divergence(p, q, x) -> float:
    """KL(p || q) = integral of p log(p / q) dx on the grid (nats); +inf if q = 0 where p > 0."""
    x = _grid(x)
    p, q = _density("p", p), _density("q", q)
    _same_shape(p=p, q=q, x=x)
    _normalised("p", p, x)
    _normalised("q", q, x)
    if np.any((q == 0) & (p > 0)):
        return float("inf")
    return integrate(_xlogy(p, p) - _xlogy(p, q), x)


def jensen_shannon(p, q, x) -> float:
    """JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m) with m = (p + q) / 2, in nats: between 0 (p = q) and
    log 2 (disjoint supports), symmetric, and always finite."""
    x = _grid(x)
    p, q = _density("p", p), _density("q", q)
    _same_shape(p=p, q=q, x=x)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, x) + 0.5 * kl_divergence(q, m, x)


def generator_cost_at_optimum(p_data, p_g, x) -> float:
    """C(G) = max_D V(D, G) = V(D*, G), by integrating the value function at D* (the definition, no JSD).

    log D* and log(1 - D*) are computed as log p_data - log(p_data + p_g) and log p_g - log(p_data + p_g):
    forming D* first and then 1 - D* would round to 0 where p_g is 1e-100 times smaller than p_data.
    """
    x = _grid(x)
    p_data, p_g = _density("p_data", p_data), _density("p_g", p_g)
    _same_shape(p_data=p_data, p_g=p_g, x=x)
    total = p_data + p_g
    integrand = (_xlogy(p_data, p_data) - _xlogy(p_data, total)) + (_xlogy(p_g, p_g) - _xlogy(p_g, total))
    return integrate(integrand, x)


def cost_from_jsd(p_data, p_g, x) -> float:
    """-log 4 + 2 JSD(p_data || p_g): what the derivation says C(G) equals."""
    return -LOG_4 + 2.0 * jensen_shannon(p_data, p_g, x)


# --------------------------------------------------------------------------------------------------------
# Generator losses as functions of the discriminator's logit on generated samples
# --------------------------------------------------------------------------------------------------------
def sigmoid(logits) -> np.ndarray:
    """1 / (1 + exp(-l)), computed without overflow."""
    return np.exp(_log_sigmoid(_as_float("logits", logits)))


def saturating_generator_loss(fake_logits) -> np.ndarray:
    """log(1 - D(G(z))) per example, the term of V the generator minimises in the minimax game (= -softplus(l))."""
    return _log_sigmoid(-_as_float("fake_logits", fake_logits))


def non_saturating_generator_loss(fake_logits) -> np.ndarray:
    """-log D(G(z)) per example, the loss Goodfellow et al. recommend instead (= softplus(-l))."""
    return -_log_sigmoid(_as_float("fake_logits", fake_logits))


def saturating_generator_grad(fake_logits) -> np.ndarray:
    """d/dl log(1 - sigmoid(l)) = -sigmoid(l) = -D: it vanishes as the discriminator rejects the fakes (D -> 0)."""
    return -sigmoid(fake_logits)


def non_saturating_generator_grad(fake_logits) -> np.ndarray:
    """d/dl -log sigmoid(l) = sigmoid(l) - 1 = D - 1: it tends to -1 as D -> 0, so the generator keeps learning."""
    return sigmoid(fake_logits) - 1.0


# --------------------------------------------------------------------------------------------------------
# Checking helpers: a candidate formula against a reference that does not use it
# --------------------------------------------------------------------------------------------------------
def minimax_objective(y, a, b):
    """The pointwise value a log y + b log(1 - y) (a = p_data(x), b = p_g(x), y = D(x)), with 0 log 0 = 0."""
    return _xlogy(a, y) + _xlogy(b, 1.0 - y)


def brute_force_maximiser(a, b, objective=minimax_objective, n: int = 2001) -> np.ndarray:
    """For each pair (a_i, b_i), the y in [0, 1] maximising ``objective(y, a_i, b_i)``, found by search on a grid
    of ``n`` points and a second, finer grid around the best one: no calculus, accurate to about 1 / n^2."""
    a, b = _density("a", a), _density("b", b)
    shape = _same_shape(a=a, b=b)
    a, b = a.ravel()[:, None], b.ravel()[:, None]
    step = 1.0 / (n - 1)
    coarse = np.linspace(0.0, 1.0, n)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        best = coarse[0, np.argmax(np.nan_to_num(objective(coarse, a, b), nan=-np.inf), axis=1)]
        fine = np.clip(best[:, None] + np.linspace(-step, step, n)[None, :], 0.0, 1.0)
        values = np.nan_to_num(objective(fine, a, b), nan=-np.inf)
    return fine[np.arange(len(fine)), np.argmax(values, axis=1)].reshape(shape)


def _discriminator_cases(seed):
    """Pairs (a, b) = (p_data(x), p_g(x)): random positive values over four orders of magnitude (1e-3 to 10), zeros on either
    side, and two Gaussians evaluated on a grid."""
    rng = np.random.default_rng(seed)
    a = 10.0 ** rng.uniform(-3, 1, 200)
    b = 10.0 ** rng.uniform(-3, 1, 200)
    x = np.linspace(-4, 6, 101)
    yield "random density values", a, b
    yield "one density is zero", np.array([0.0, 0.3, 2.0, 0.0]), np.array([0.7, 0.0, 0.0, 1.5])
    yield "N(0, 1) against N(2, 0.5^2) on a grid", gaussian_pdf(x, 0, 1), gaussian_pdf(x, 2, 0.5)


def check_optimal_discriminator(candidate_fn, objective=minimax_objective, fake_weight: float = 1.0,
                                tolerance: float = 1e-4, seed: int = 0) -> None:
    """Check ``candidate_fn(p_data, p_g) -> D`` maximises the value function pointwise.

    The reference is a brute-force search over y in [0, 1] of ``objective(y, a, fake_weight * b)`` at each point,
    where a = p_data(x), b = p_g(x): no derivative is taken, so a wrong derivation cannot hide in it. The search
    is accurate to about 1e-6, so ``tolerance`` = 1e-4 leaves room for rounding and none for a wrong formula.
    Pass another ``objective`` (or a ``fake_weight``) to check the optimal discriminator of a different game.
    """
    for name, a, b in _discriminator_cases(seed):
        value = np.asarray(candidate_fn(a, b), dtype=float)
        if value.shape != a.shape:
            raise AssertionError(f"the candidate must return one D value per point, shape {a.shape}; got {value.shape}.")
        reference = brute_force_maximiser(a, fake_weight * b, objective)
        error = np.abs(value - reference)
        if not np.all(error <= tolerance):
            i = int(np.nanargmax(np.where(np.isfinite(error), error, np.inf)))
            hint = ""
            with np.errstate(divide="ignore", invalid="ignore"):
                if np.allclose(value, b / (a + b), equal_nan=True):
                    hint = (" It equals p_g / (p_data + p_g): the probability that x is *fake*; the discriminator "
                            "outputs the probability that x is real.")
                elif np.allclose(value, a / b, equal_nan=True):
                    hint = " It equals p_data / p_g, a density ratio, not a probability in [0, 1]."
            raise AssertionError(
                f"the candidate is not the maximiser of the value function ({name}): at p_data = {a.ravel()[i]:.4g}, "
                f"p_g = {b.ravel()[i]:.4g} it gives D = {value.ravel()[i]:.6f}, but the brute-force maximum of "
                f"a log D + {fake_weight:g} b log(1 - D) is at D = {reference.ravel()[i]:.6f} (error {error.ravel()[i]:.3g}"
                f" > {tolerance:g}).{hint} Maximise a log y + b log(1 - y) over y: set its derivative to zero.")


def _cost_cases():
    x = np.linspace(-12.0, 16.0, 4001)
    pairs = [("p_g = p_data = N(0, 1)", gaussian_pdf(x, 0, 1), gaussian_pdf(x, 0, 1)),
             ("N(0, 1) against N(1, 1)", gaussian_pdf(x, 0, 1), gaussian_pdf(x, 1, 1)),
             ("N(0, 1) against N(2, 0.5^2)", gaussian_pdf(x, 0, 1), gaussian_pdf(x, 2, 0.5)),
             ("a two-bump mixture against N(1, 2^2)",
              0.5 * gaussian_pdf(x, -2, 0.7) + 0.5 * gaussian_pdf(x, 3, 1.0), gaussian_pdf(x, 1, 2)),
             ("N(0, 1) against N(8, 1), nearly disjoint", gaussian_pdf(x, 0, 1), gaussian_pdf(x, 8, 1))]
    for name, p_data, p_g in pairs:
        yield name, x, p_data, p_g


def check_cost_identity(candidate_fn, tolerance: float = 1e-6) -> list:
    """Check ``candidate_fn(p_data, p_g, x) -> C(G)`` against V(D*, G) integrated on the grid (the definition).

    Both are integrals on the same fine grid of densities that hold all their mass, so a correct closed form
    agrees with the definition to rounding (about 1e-12); ``tolerance`` = 1e-6 is far below the smallest change a
    wrong constant or factor makes on these cases (at least 0.05, except at p_g = p_data). Returns the rows
    (case, candidate, V(D*, G), JSD) for display.
    """
    rows = []
    for name, x, p_data, p_g in _cost_cases():
        value = float(np.asarray(candidate_fn(p_data, p_g, x)))
        reference = generator_cost_at_optimum(p_data, p_g, x)
        jsd = jensen_shannon(p_data, p_g, x)
        rows.append((name, value, reference, jsd))
        if not abs(value - reference) <= tolerance:
            hint = ""
            if abs(value - (-LOG_4 + jsd)) < 1e-9 and jsd > 0:
                hint = " It equals -log 4 + JSD: the factor 2 is missing (KL(p_data || m) + KL(p_g || m) = 2 JSD)."
            elif abs(value - 2 * jsd) < 1e-9:
                hint = " It equals 2 JSD: the constant -log 4 (from the 1/2 inside m = (p_data + p_g) / 2) is missing."
            elif abs(value - (-np.log(2) + 2 * jsd)) < 1e-9:
                hint = " It equals -log 2 + 2 JSD: the constant is -log 4, one -log 2 from each of the two terms."
            raise AssertionError(
                f"the candidate C(G) is wrong for {name}: it gives {value:.6f}, but V(D*, G) integrated on the grid is "
                f"{reference:.6f} (JSD = {jsd:.6f}).{hint} Expected -log 4 + 2 JSD(p_data || p_g).")
    return rows


def _bce_cases(seed):
    rng = np.random.default_rng(seed)
    yield "random logits", rng.normal(0, 3, 64), rng.normal(0, 3, 64)
    yield "a confident discriminator (large logits)", rng.normal(25, 5, 32), rng.normal(-25, 5, 32)
    yield "a confidently wrong discriminator", rng.normal(-30, 5, 16), rng.normal(30, 5, 16)
    yield "unequal batch sizes", rng.normal(1, 2, 48), rng.normal(-1, 2, 16)


def check_bce_identity(candidate_fn, rtol: float = 1e-4, atol: float = 1e-4, seed: int = 0) -> None:
    """Check ``candidate_fn(real_logits, fake_logits) -> d_loss`` equals -V estimated on the batch.

    The reference is :func:`value_estimate` (the value function written out, in float64). Keras computes in
    float32, whose rounding on losses of size 1-30 is about 1e-6 relative; ``rtol`` = ``atol`` = 1e-4 allows that
    and catches every structural mistake (a sign, swapped labels, a mean over the concatenated batch).
    """
    for name, real, fake in _bce_cases(seed):
        value = float(np.asarray(candidate_fn(real.astype(np.float32), fake.astype(np.float32))))
        reference = -value_estimate(real, fake)
        if not np.isfinite(value) or abs(value - reference) > atol + rtol * abs(reference):
            hint = ""
            swapped = -value_estimate(-real, -fake)
            if np.isfinite(value) and abs(value + reference) <= atol + rtol * abs(reference):
                hint = " It equals +V: the discriminator *maximises* V, so its loss (to minimise) is -V."
            elif np.isfinite(value) and abs(value - swapped) <= atol + rtol * abs(swapped):
                hint = " It matches swapped labels: real samples get label 1, generated samples label 0."
            elif np.isfinite(value) and len(real) == len(fake) and abs(2 * value - reference) <= atol + rtol * abs(reference):
                hint = (" It is half of -V: one cross-entropy over the concatenated batch averages over 2n examples; "
                        "add the real and the fake losses (each a mean) instead.")
            elif not np.isfinite(value) or value < reference - 1.0:
                hint = (" Computing from sigmoid outputs loses the large losses: log(sigmoid(l)) is -inf in floating "
                        "point, or clipped near -16 (Keras's epsilon 1e-7), where the discriminator is confidently "
                        "wrong. Pass the logits, with from_logits=True.")
            raise AssertionError(
                f"the candidate discriminator loss is wrong for {name}: it gives {value:.6f}, but -V estimated on "
                f"the batch, -(mean log D(x) + mean log(1 - D(G(z)))), is {reference:.6f}.{hint}")
