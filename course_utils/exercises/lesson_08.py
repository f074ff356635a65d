"""Checks for the exercises of lesson 08 (GAN training problems): vanishing gradients at a confident discriminator,
interpolation weights drawn from the wrong distribution, the mode-coverage metric under collapse, and the WGAN-GP
gradient penalty written by the learner."""
from __future__ import annotations

import math

import numpy as np

from .feedback import close_to, correct, not_answered, wrong
from .feedback import as_scalar as _scalar


def _sigmoid(logit):
    return 1.0 / (1.0 + math.exp(-logit))


def check_1(grad_saturating, grad_non_saturating) -> bool:
    """Exercise 1: the derivatives in the logit l = -10 of log(1 - sigmoid(l)) and of -log sigmoid(l)."""
    if grad_saturating is None or grad_non_saturating is None:
        return not_answered("set grad_saturating = -sigma(l) and grad_non_saturating = -(1 - sigma(l)) at l = -10.")
    sat, non_sat = _scalar(grad_saturating), _scalar(grad_non_saturating)
    if sat is None or non_sat is None:
        return wrong("each gradient is one number, the derivative at the single logit l = -10.")
    s = _sigmoid(-10.0)
    expected = (-s, -(1 - s))
    tolerance = dict(rtol=1e-4, atol=0)
    if close_to(sat, expected[0], **tolerance) and close_to(non_sat, expected[1], **tolerance):
        return correct(f"{expected[0]:.2e} against {expected[1]:.5f}: the non-saturating gradient is e^10 = "
                       f"{expected[1] / expected[0]:,.0f} times larger where the discriminator is sure a fake is fake.")
    if close_to(sat, -expected[0], **tolerance) or close_to(non_sat, -expected[1], **tolerance):
        return wrong("a sign is flipped: both derivatives are negative (raising the logit, i.e. fooling D more, lowers "
                     "both losses): -sigma(l) and -(1 - sigma(l)).")
    if close_to(sat, expected[1], **tolerance) and close_to(non_sat, expected[0], **tolerance):
        return wrong("the two are swapped, or you evaluated them at l = +10: sigma(-10) is tiny (4.5e-5), so the "
                     "saturating gradient -sigma(l) is the one that vanishes.")
    if close_to(sat, -1 / (1 - s), **tolerance) or close_to(non_sat, -1 / s, **tolerance):
        return wrong("those are derivatives with respect to D = sigma(l); the exercise asks for the derivative in the logit "
                     "l, which multiplies by sigma'(l) = sigma(l)(1 - sigma(l)).")
    if abs(sat) < 1e-12:
        return wrong("grad_saturating is exactly 0: it is small but not zero, -sigma(-10) = -4.54e-05 (use 1 / (1 + "
                     "np.exp(-logit)), not a rounded value).")
    if not close_to(sat, expected[0], **tolerance):
        return wrong(f"grad_saturating = -sigma(l) with sigma(l) = 1 / (1 + e^(-l)) at l = -10; got {sat:.3g}.")
    return wrong(f"grad_non_saturating = -(1 - sigma(l)) at l = -10; got {non_sat:.6g}.")


def check_2(outside) -> bool:
    """Exercise 2: the fraction of 100,000 standard-normal alphas outside [0, 1]."""
    if outside is None:
        return not_answered("set outside to the fraction of the standard-normal alphas with alpha < 0 or alpha > 1.")
    value = _scalar(outside)
    if value is None:
        return wrong("outside is one number, a fraction between 0 and 1: np.mean((alphas < 0) | (alphas > 1)).")
    phi_1 = 0.5 * (1 + math.erf(1 / math.sqrt(2)))
    exact = 0.5 + 1 - phi_1
    tolerance = 0.01                        # the fraction of 100,000 draws has a standard error of 0.0015
    if abs(value - exact) < tolerance:
        return correct(f"{value:.3f}, exact {exact:.3f}: two thirds of the interpolates fall off the segment between real "
                       "and fake, where the penalty has no business; alpha must be uniform on [0, 1].")
    if abs(value - (1 - exact)) < tolerance:
        return wrong("that is the fraction INSIDE [0, 1]; the exercise asks for the fraction outside (alpha < 0 or > 1).")
    if abs(value - 0.5) < tolerance:
        return wrong("that counts only alpha < 0; add the alphas above 1: (alphas < 0) | (alphas > 1).")
    if abs(value - (1 - phi_1)) < tolerance:
        return wrong("that counts only alpha > 1; add the negative alphas: (alphas < 0) | (alphas > 1).")
    if value < tolerance:
        return wrong("almost no alpha falls outside: did you draw them uniformly (the fix)? This exercise measures keras-io's "
                     "old bug, alphas from a standard NORMAL (rng.standard_normal).")
    if value > 1:
        return wrong(f"{value:g} is a count; the exercise asks for a fraction: divide by the number of draws (np.mean).")
    return wrong(f"got {value:.3f}; expected about Phi(0) + 1 - Phi(1) = {exact:.3f}. Draw 100,000 alphas with "
                 "rng.standard_normal and take np.mean((alphas < 0) | (alphas > 1)).")


def check_3(coverage) -> bool:
    """Exercise 3: ``metrics.modes_covered`` on the data points with x1 > 1.2, with the lesson's metric settings."""
    if coverage is None:
        return not_answered("set coverage = metrics.modes_covered(collapsed, **metric) for the points with x1 > 1.2.")
    try:
        covered, high_quality = coverage
        covered, high_quality = int(covered), float(high_quality)
    except (TypeError, ValueError):
        return wrong("coverage should be what metrics.modes_covered returns: a pair (covered, high_quality).")
    if covered == 8:
        return wrong("8 modes covered: that is the whole ring. Keep only the points with x1 > 1.2: data[data[:, 0] > 1.2].")
    if covered == 3 and high_quality < 0.9:
        return wrong(f"3 modes, but only {high_quality:.0%} high quality: pass the lesson's metric settings, "
                     "metrics.modes_covered(collapsed, **metric); the default std is 0.02, and our ring's modes have std 0.05.")
    if covered != 3:
        return wrong(f"{covered} modes: the centres with x1 > 1.2 are at angles 0 and +-45 degrees (x1 = 2 and 1.41), so "
                     "three modes remain. Filter with data[:, 0] > 1.2 (the first coordinate).")
    if high_quality < 0.95:
        return wrong(f"high_quality {high_quality:.3f}: real data points from the kept modes should almost all be high "
                     "quality (about 0.99). Use the data points themselves, with **metric.")
    return correct(f"3 of 8 modes covered, yet high quality {high_quality:.3f}: collapse costs coverage, not quality, so "
                   "a generator must be judged on both.")


# --------------------------------------------------------------------------------------------------------
# Exercise 4: the gradient penalty, written by the learner
# --------------------------------------------------------------------------------------------------------
class _LinearCritic:
    """C(x) = x . w for points (batch, 2): its input gradient is w everywhere, so the penalty is (|w| - 1)^2 whatever
    alpha is; ``kernel`` is a variable, so the penalty's gradient with respect to the critic's weights is known too."""

    def __init__(self, w):
        import tensorflow as tf
        self.kernel = tf.Variable(np.asarray(w, dtype=np.float32).reshape(-1, 1), name="kernel")

    def __call__(self, x, training=False):
        import tensorflow as tf
        return tf.matmul(tf.convert_to_tensor(x, tf.float32), self.kernel)


class _RecordingCritic:
    """C(x) = |x|^2 / 2, whose input gradient is x itself; it keeps every batch it is called on, so the check can read
    the interpolates back (and, from them, each example's alpha)."""

    def __init__(self):
        self.inputs = []

    def __call__(self, x, training=False):
        import tensorflow as tf
        x = tf.convert_to_tensor(x, tf.float32)
        if tf.executing_eagerly():
            self.inputs.append(np.asarray(x, dtype=np.float64))
        return 0.5 * tf.reduce_sum(tf.square(x), axis=1, keepdims=True)


def _gp_points(n: int = 1000, seed: int = 4):
    """Fixed real and fake points (n, 2) whose every coordinate differs by at least 0.5, so alpha can be read back."""
    rng = np.random.default_rng(seed)
    fake = rng.normal(0.0, 0.7, (n, 2))
    real = fake + rng.uniform(0.5, 1.5, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
    return real.astype(np.float32), fake.astype(np.float32)


def _call_penalty(gradient_penalty, critic, real, fake, seed):
    """``(value, None)`` or ``(None, error)``: the learner's function may fail in any way."""
    import tensorflow as tf
    try:
        return gradient_penalty(critic, tf.constant(real), tf.constant(fake), seed=seed), None
    except Exception as error:  # report it, never raise
        return None, error


def _last_line(error, limit: int = 200) -> str:
    """The line of an error message that says what went wrong (a graph error starts with the traceback of its trace)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    return line.removeprefix(f"{type(error).__name__}: ")[:limit]


def _raised(error) -> str:
    message = f"gradient_penalty raised {type(error).__name__}: {str(error)[:300]}"
    if "None" in str(error) or "NoneType" in str(error):
        message += (". A None usually comes from tape.gradient: inside the tape, tape.watch(x_hat) and call the critic on "
                    "x_hat, then take tape.gradient(scores, x_hat)")
    return message + "."


def check_4(gradient_penalty) -> bool:
    """Exercise 4: ``gradient_penalty(critic, real, fake, seed)`` for points of shape (batch, 2), compared with what
    ``wgan.gradient_penalty`` computes, on critics whose answer does not depend on how alpha is drawn: a linear critic
    (the penalty is (|w| - 1)^2), a recording critic (alpha is read back from the interpolates), a dead critic where
    real == fake (the critic's gradient through the penalty must be finite), and a run inside a ``tf.function``."""
    if gradient_penalty is None:
        return not_answered("define gradient_penalty(critic, real, fake, seed) returning the WGAN-GP penalty.")
    import keras
    import tensorflow as tf

    real, fake = _gp_points()
    n = len(real)
    # 1. A linear critic C(x) = x . w: the gradient is w at every point, so the penalty is (|w| - 1)^2 for any alpha.
    w = np.array([3.0, 4.0])
    norm = float(np.linalg.norm(w))                      # 5
    linear = _LinearCritic(w)
    with tf.GradientTape() as outer:
        value, error = _call_penalty(gradient_penalty, linear, real, fake, keras.random.SeedGenerator(0))
    if error is not None:
        if isinstance(error, TypeError) and "seed" in str(error) and "keyword" in str(error):
            return wrong("the training step calls gradient_penalty(critic, real, fake, seed=...): name the fourth "
                         "parameter `seed`.")
        _, error_with_int = _call_penalty(gradient_penalty, _LinearCritic(w), real, fake, 0)
        if error_with_int is None:
            return wrong(f"your function works with seed=0 but not with a keras.random.SeedGenerator, which is what "
                         f"WGANGP passes (seed=self.noise_seeds); tf.random.uniform cannot take one ({type(error).__name__}: "
                         f"{str(error)[:120]}). Draw with keras.random.uniform(shape, 0.0, 1.0, seed=seed), which takes an "
                         "int or a SeedGenerator.")
        return wrong(_raised(error))
    if value is None:
        return not_answered("gradient_penalty returns None: replace `return None` with the penalty.")
    linear_tensor = value
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return wrong(f"gradient_penalty should return one number (a scalar tensor), got {type(value).__name__}.")
    if array.size == n:
        return wrong(f"you return {array.size} numbers, one per example: the penalty is their mean over the batch, "
                     "tf.reduce_mean(tf.square(norms - 1.0)).")
    if array.size != 1:
        return wrong(f"gradient_penalty should return one number (a scalar tensor), got an array of shape {array.shape}: "
                     "one gradient norm per example (sum over axis 1), then the mean of (norm - 1)^2 over the batch.")
    linear_value, linear_expected = float(array.ravel()[0]), (norm - 1.0) ** 2       # 16
    no_sqrt = ("you used the squared norm sum(g^2) where the norm belongs: take the square root, "
               "norm = sqrt(sum g^2 + 1e-12), then (norm - 1)^2.")
    formula_mistakes = [
        ((norm ** 2 - 1.0) ** 2, no_sqrt),
        (norm ** 2 - 1.0, no_sqrt),
        (norm ** 2, "that penalty pulls the gradient norm towards 0: it must pull it towards 1, (norm - 1)^2 (the "
                    "\"- 1\" is missing)."),
        (norm - 1.0, "the deviation norm - 1 must be squared: the mean of (norm - 1)^2."),
        (n * linear_expected, f"that is {n} times the penalty: you summed over the batch; the penalty is the mean over "
                              "the batch (tf.reduce_mean), so it does not grow with the batch size."),
        ((norm / n - 1.0) ** 2, "the gradient is that of the MEAN score, which divides every example's gradient by the "
                                "batch size: take tape.gradient(scores, x_hat) of the scores themselves."),
        ((norm * np.sqrt(n) - 1.0) ** 2, "you took one norm over the whole batch: each example has its own gradient "
                                         "norm, the sum of g^2 over its coordinates (axis 1) only."),
    ]
    linear_right = close_to(linear_value, linear_expected)
    if not linear_right:
        for result, hint in formula_mistakes:
            if close_to(linear_value, result, rtol=1e-3):
                return wrong(hint)
        # not a formula mistake: where the gradient is taken shows in step 2, which reads the interpolates back

    # 2. A recording critic C(x) = |x|^2 / 2: read the interpolates back, and from them each example's alpha.
    recording = _RecordingCritic()
    value, error = _call_penalty(gradient_penalty, recording, real, fake, keras.random.SeedGenerator(1))
    if error is not None:
        return wrong(_raised(error))
    inputs = [x for x in recording.inputs if x.shape == real.shape]
    if not inputs:
        shapes = sorted({x.shape for x in recording.inputs})
        return wrong("the critic was never called on a batch of points like the inputs" +
                     (f" (only on shapes {shapes})" if shapes else "") + ": call it on the interpolates x_hat, of the "
                     "same shape as real.")
    on_real = any(np.allclose(x, real, atol=1e-6) for x in inputs)
    on_fake = any(np.allclose(x, fake, atol=1e-6) for x in inputs)
    others = [x for x in inputs if not np.allclose(x, real, atol=1e-6) and not np.allclose(x, fake, atol=1e-6)]
    if not others and on_real:
        return wrong("the critic's gradient is taken at the REAL points: the penalty belongs on the interpolates "
                     "x_hat = alpha * real + (1 - alpha) * fake, between the two distributions.")
    if not others and on_fake:
        return wrong("the critic's gradient is taken at the generated (fake) points: the penalty belongs on the "
                     "interpolates x_hat = alpha * real + (1 - alpha) * fake, between the two distributions.")
    x_hat = others[-1]
    alphas = (x_hat - fake) / (real - fake)              # (n, 2): what each coordinate was given
    outside = float(np.mean((alphas < -1e-3) | (alphas > 1 + 1e-3)))
    if outside > 0:
        return wrong(f"{outside:.0%} of your alphas lie outside [0, 1], so x_hat leaves the segment between real and fake: "
                     "alpha must be uniform on [0, 1], not normal (keras-io's old bug, exercise 2): "
                     "keras.random.uniform(shape, 0.0, 1.0, seed=seed).")
    spread = float(np.abs(alphas[:, 0] - alphas[:, 1]).max())
    if spread > 1e-3:
        return wrong("each coordinate of an example got its own alpha, so x_hat is not on the segment between the real and "
                     "the fake point (it lands in the box they span): draw ONE alpha per example, shape (batch, 1), "
                     "broadcast over its coordinates.")
    alpha = alphas[:, 0]
    if alpha.var() < 1e-6:
        return wrong(f"every example got the same alpha ({alpha.mean():.3f}): draw one alpha per example, shape (batch, 1), "
                     "so the penalty samples the whole segment of every pair.")
    if abs(alpha.mean() - 0.5) > 0.05 or abs(alpha.var() - 1 / 12) > 0.02:
        return wrong(f"your alphas lie in [0, 1] but are not uniform there (mean {alpha.mean():.3f}, variance "
                     f"{alpha.var():.4f}; a uniform alpha has 0.5 and 1/12 = 0.0833): keras.random.uniform(shape, 0.0, 1.0, "
                     "seed=seed).")
    got = _scalar(value)
    if got is None:
        return wrong(f"with a second critic, gradient_penalty returned {value!r:.80}, not one finite number.")
    size = np.sqrt(np.sum(x_hat ** 2, axis=1))           # C's gradient at x_hat is x_hat itself
    expected = float(np.mean((np.sqrt(size ** 2 + 1e-12) - 1.0) ** 2))
    if close_to(got, np.mean((alpha * size - 1.0) ** 2), rtol=1e-3):
        return wrong("you differentiated with respect to the REAL points (through x_hat = alpha * real + ..., which adds "
                     "a factor alpha): take the gradient with respect to the interpolates themselves, "
                     "tape.watch(x_hat); tape.gradient(scores, x_hat).")
    if close_to(got, np.mean(((1.0 - alpha) * size - 1.0) ** 2), rtol=1e-3):
        return wrong("you differentiated with respect to the generated (fake) points (through x_hat, which adds a "
                     "factor 1 - alpha): take the gradient with respect to the interpolates themselves, "
                     "tape.watch(x_hat); tape.gradient(scores, x_hat).")
    if not linear_right:
        return wrong(f"for a linear critic C(x) = w . x with |w| = {norm:g}, the gradient is w at every point, so the "
                     f"penalty is (|w| - 1)^2 = {linear_expected:g} whatever alpha is; yours gives {linear_value:.6g}.")
    if not close_to(got, expected, rtol=1e-3):
        return wrong(f"with the critic C(x) = |x|^2 / 2, whose gradient at x_hat is x_hat, the penalty at the interpolates "
                     f"your function made is {expected:.6g}; yours gives {got:.6g}. Is the gradient taken at x_hat, with "
                     "respect to x_hat?")
    # The penalty must be differentiable with respect to the critic's weights: that is how it trains the critic.
    weight_grad = outer.gradient(linear_tensor, linear.kernel) if tf.is_tensor(linear_tensor) else None
    expected_grad = 2.0 * (norm - 1.0) * w / norm        # d/dw (|w| - 1)^2
    if weight_grad is None or not close_to(np.asarray(weight_grad).ravel(), expected_grad, rtol=1e-3):
        return wrong("the value is right, but the critic's weights get no (or a wrong) gradient from it: keep the whole "
                     "penalty a TensorFlow computation (no .numpy(), no NumPy, no tf.stop_gradient), so the optimiser "
                     "can push the critic's gradient norm towards 1.")

    # 3. A dead critic (all weights 0) where real == fake: its gradient is 0, where the plain sqrt has an infinite slope.
    dead = _LinearCritic([0.0, 0.0])
    with tf.GradientTape() as outer:
        value, error = _call_penalty(gradient_penalty, dead, real, real, keras.random.SeedGenerator(2))
    if error is not None:
        return wrong(_raised(error) + " (on real == fake, with a critic whose weights are all 0)")
    weight_grad = outer.gradient(value, dead.kernel) if tf.is_tensor(value) else None
    finite = weight_grad is not None and bool(np.all(np.isfinite(np.asarray(weight_grad))))
    if not finite or _scalar(value) is None:
        return wrong("where the critic is flat (here real == fake and a critic with all weights 0), your penalty gives the "
                     "critic NaN gradients: the plain sqrt (and tf.norm) has an infinite derivative at 0. Use "
                     "norm = sqrt(sum g^2 + 1e-12).")

    # 4. Inside a tf.function, as in fit: the function must trace, and alpha must be fresh at every call.
    quadratic = _RecordingCritic()                       # records nothing in a graph; its gradient is x
    seeds = keras.random.SeedGenerator(3)

    @tf.function
    def step(r, f):
        return gradient_penalty(quadratic, r, f, seed=seeds)

    try:
        first, second = (float(step(tf.constant(real), tf.constant(fake))) for _ in range(2))
    except Exception as error:
        return wrong(f"your function works eagerly but fails inside a tf.function, where fit runs the training step "
                     f"({type(error).__name__}: {_last_line(error)}): use TensorFlow or Keras operations (keras.random, "
                     "tf.GradientTape), not NumPy.")
    if first == second:
        return wrong("inside a tf.function (as in fit) your alphas are the same at every call: they were drawn once, "
                     "when the function was traced (NumPy, or a fixed seed). Draw them with "
                     "keras.random.uniform(shape, 0.0, 1.0, seed=seed): the SeedGenerator moves on at every step.")
    return correct(f"(|w| - 1)^2 = {linear_expected:g} for the linear critic and the right penalty at your interpolates; "
                   f"one alpha per example, uniform on [0, 1] (mean {alpha.mean():.3f}, variance {alpha.var():.4f}); "
                   "finite gradients where the critic is flat, fresh alphas at every step.")
