"""Checks for lesson 17's exercises (diffusion models). Each prints a verdict and returns True/False."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


def _linear_alpha_bars(T: int = 1000) -> np.ndarray:
    from course_utils import diffusion

    return diffusion.NoiseSchedule.linear(T).alpha_bars


def check_1(t_half) -> bool:
    """Exercise 1: the first timestep t (counted 1..T) at which alpha_bar_t < 0.5 in the linear schedule, T = 1000."""
    if t_half is None:
        return not_answered("set `t_half` to an integer timestep between 1 and 1000.")
    alpha_bars = _linear_alpha_bars()
    expected = int(np.argmax(alpha_bars < 0.5)) + 1
    try:
        value = int(t_half)
    except (TypeError, ValueError):
        return wrong(f"`t_half` must be a whole number of steps, got {t_half!r}.")
    if value != t_half:
        return wrong("`t_half` is a timestep: a whole number between 1 and 1000.")
    if value == expected:
        return correct(f"At t = {expected} half the variance of x_t is still signal, half noise.")
    if value == expected - 1:
        return wrong("off by one: `np.argmax` gives an array index (from 0), timesteps count from 1.")
    if 1 <= value <= len(alpha_bars) and alpha_bars[value - 1] >= 0.5:
        return wrong(f"alpha_bar_{value} = {alpha_bars[value - 1]:.3f} is not below 0.5 yet: look later.")
    return wrong("alpha_bar_t = prod_{s<=t} (1 - beta_s) is `schedule.alpha_bars[t - 1]`; find the first t where it "
                 "drops below 0.5 (e.g. with np.argmax on a boolean array).")


def check_2(predict_x0) -> bool:
    """Exercise 2: a function ``predict_x0(x_t, eps, alpha_bar)`` that inverts the closed form for x_0."""
    if predict_x0 is None:
        return not_answered("define `predict_x0(x_t, eps, alpha_bar)` returning the estimate of x_0.")
    if not callable(predict_x0):
        return wrong("`predict_x0` must be a function of (x_t, eps, alpha_bar).")
    rng = np.random.default_rng(0)
    x0, eps = rng.uniform(-1, 1, (3, 4)), rng.standard_normal((3, 4))
    alpha_bar = 0.3
    x_t = np.sqrt(alpha_bar) * x0 + np.sqrt(1 - alpha_bar) * eps
    try:
        guess = predict_x0(x_t, eps, alpha_bar)
        if guess is None:
            return not_answered("predict_x0 returns None: replace the `return None` with your formula.")
        guess = np.asarray(guess, dtype=np.float64)
    except Exception as error:  # a learner's function may fail in any way: report it, don't raise
        return wrong(f"calling predict_x0 raised {type(error).__name__}: {error}")
    if close_to(guess, x0, rtol=1e-5, atol=1e-6):
        return correct("Given the predicted noise, x_0 is one subtraction and one division away.")
    if close_to(guess, (x_t - (1 - alpha_bar) * eps) / alpha_bar, rtol=1e-5, atol=1e-6):
        return wrong("the closed form scales by square roots: sqrt(alpha_bar) and sqrt(1 - alpha_bar).")
    return wrong("solve x_t = sqrt(alpha_bar) x_0 + sqrt(1 - alpha_bar) eps for x_0.")


def _loss_inputs():
    """Fixed inputs for exercise 3: 8 two-number x_0, their timesteps (1..T), their noise, a 50-step schedule."""
    from course_utils import diffusion

    rng = np.random.default_rng(5)
    schedule = diffusion.NoiseSchedule.linear(50)
    x0 = rng.uniform(-1, 1, (8, 2)).astype(np.float32)
    t = np.array([1, 2, 5, 10, 20, 30, 45, 50], dtype=np.int32)
    noise = rng.standard_normal((8, 2)).astype(np.float32)
    return x0, t, noise, schedule


def _toy_denoiser(weight):
    """A differentiable stand-in for the network: [x_t, t] -> weight * x_t + t / 100 (any fixed function would do)."""
    import tensorflow as tf

    def denoiser(inputs, training=False):
        x_t, t = inputs
        return weight * tf.convert_to_tensor(x_t, tf.float32) + tf.cast(t, tf.float32)[:, None] / 100.0
    return denoiser


def _reference_loss(x0, t, noise, schedule, denoiser, alpha_bars=None, sqrt=np.sqrt, target=None, reduce=np.mean,
                    network_input=None):
    alpha_bars = schedule.alpha_bars[t - 1] if alpha_bars is None else alpha_bars
    x_t = sqrt(alpha_bars)[:, None] * x0 + sqrt(1 - alpha_bars)[:, None] * noise
    prediction = np.asarray(denoiser([x_t if network_input is None else network_input, t]))
    return float(reduce(((noise if target is None else target) - prediction) ** 2))


def check_3(eps_prediction_loss) -> bool:
    """Exercise 3: ``eps_prediction_loss(denoiser, x0, t, noise, schedule)``, Ho et al.'s simplified loss for a batch."""
    if eps_prediction_loss is None:
        return not_answered("define `eps_prediction_loss(denoiser, x0, t, noise, schedule)`.")
    if not callable(eps_prediction_loss):
        return wrong("`eps_prediction_loss` must be a function of (denoiser, x0, t, noise, schedule).")
    import tensorflow as tf

    x0, t, noise, schedule = _loss_inputs()
    weight = tf.Variable(0.5)
    denoiser = _toy_denoiser(weight)
    try:
        with tf.GradientTape() as tape:
            value = eps_prediction_loss(denoiser, x0, t, noise, schedule)
        if value is None:
            return not_answered("eps_prediction_loss returns None: replace the `return None` with the loss.")
        gradient = tape.gradient(value, weight) if tf.is_tensor(value) else None
        value = np.asarray(value, dtype=np.float64)
    except Exception as error:  # a learner's function may fail in any way: report it, don't raise
        return wrong(f"calling eps_prediction_loss raised {type(error).__name__}: {str(error)[:200]}")
    if value.size != 1:
        return wrong(f"the loss is one number, the mean over the batch and its coordinates; got shape {value.shape}.")
    value = float(value.ravel()[0])
    expected = _reference_loss(x0, t, noise, schedule, denoiser)
    if close_to(value, expected, rtol=1e-4):
        if gradient is None:
            return wrong("the value is right, but no gradient reaches the network's weights: compute the loss with "
                         "TensorFlow operations on the network's output (tf.reduce_mean, tf.square), not NumPy.")
        try:   # as in a train_step: inside tf.function, t is a symbolic tensor
            in_graph = tf.function(lambda x0, t, noise: eps_prediction_loss(denoiser, x0, t, noise, schedule))
            graph_value = float(in_graph(tf.constant(x0), tf.constant(t), tf.constant(noise)))
        except Exception:
            return wrong("the value is right, but the function fails inside tf.function (where a train_step runs): "
                         "t is then a symbolic tensor that NumPy cannot index; take alpha_bar_t with "
                         "tf.gather(schedule.alpha_bars, t - 1).")
        if not close_to(graph_value, expected, rtol=1e-4):
            return wrong("inside tf.function your loss gives another value: keep every step in TensorFlow operations.")
        return correct("the network is asked for the noise that made x_t, at the x_t the closed form gives, "
                       "and the loss runs inside tf.function as a train_step needs.")
    alpha_bars = schedule.alpha_bars[t - 1]
    mistakes = [
        (_reference_loss(x0, t, noise, schedule, denoiser, alpha_bars=schedule.alpha_bars[np.minimum(t, 49)]),
         "t counts from 1: alpha_bar_t is schedule.alpha_bars[t - 1] (the array starts at t = 1)."),
        (_reference_loss(x0, t, noise, schedule, denoiser, alpha_bars=schedule.alphas[t - 1]),
         "x_t uses alpha_bar_t, the running product (schedule.alpha_bars), not one step's alpha_t."),
        (_reference_loss(x0, t, noise, schedule, denoiser, sqrt=lambda a: a),
         "the closed form scales by square roots: sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps."),
        (_reference_loss(x0, t, noise, schedule, denoiser, target=x0),
         "the network predicts the noise eps that made x_t, not x_0: the target is `noise`."),
        (_reference_loss(x0, t, noise, schedule, denoiser, reduce=np.sum),
         "average the squared error (tf.reduce_mean), over the batch and the coordinates, rather than sum it."),
        (_reference_loss(x0, t, noise, schedule, denoiser, network_input=x0),
         "the network sees the noisy x_t (and t), never the clean x_0 it is meant to recover."),
    ]
    for wrong_value, hint in mistakes:
        if close_to(value, wrong_value, rtol=1e-4):
            return wrong(hint)
    return wrong("x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise, with alpha_bar_t = schedule.alpha_bars[t - 1]; "
                 "then the mean of (noise - denoiser([x_t, t]))**2.")
