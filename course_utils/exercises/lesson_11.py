"""Checks for the exercises of lesson 11 (a VAE's latent space, and a VAE written by you)."""
from __future__ import annotations

import numpy as np

from .feedback import close_to, correct, not_answered, wrong


# ---------------------------------------------------------------------------------------------- exercise 1
def _stable_bce(x, logits):
    """Binary cross-entropy of targets x from logits, per pixel, computed stably (as tf.nn.sigmoid_cross_entropy_with_logits)."""
    return np.maximum(logits, 0) - logits * x + np.log1p(np.exp(-np.abs(logits)))


def _sigmoid(logits):
    return 1.0 / (1.0 + np.exp(-logits))


def _reconstructions(x, logits) -> dict:
    """Per-image reconstruction terms: the right one and the typical mistakes, each ``(N,)``."""
    n = len(x)
    # Keras's from_logits=False clips what it is given to [1e-7, 1 - 1e-7], in float32 (where 1 - p is then 1.19e-7)
    eps, one = np.float32(1e-7), np.float32(1.0)
    probs_clipped = np.clip(logits.astype(np.float32), eps, one - eps)
    as_probabilities = -(x * np.log(probs_clipped) + (1 - x) * np.log(one - probs_clipped)).astype(np.float64)
    per_pixel = {"right": _stable_bce(x, logits),
                 "double_sigmoid": _stable_bce(x, _sigmoid(logits)),
                 "logits_as_probabilities": as_probabilities}
    terms = {}
    for name, values in per_pixel.items():
        values = values.reshape(n, -1)
        terms[name] = values.sum(axis=1)
        terms[name + "+pixel_mean"] = values.mean(axis=1)
    return terms


def _kls(z_mean, z_log_var) -> dict:
    """Per-image KL terms: the right one and the typical mistakes, each ``(N,)``."""
    inside = z_mean ** 2 + np.exp(z_log_var) - 1.0 - z_log_var
    right = 0.5 * inside.sum(axis=1)
    return {"right": right, "latent_mean": 0.5 * inside.mean(axis=1), "sign": -right, "no_half": 2 * right,
            "missing": np.zeros_like(right)}


_RECONSTRUCTION_HINTS = {
    "pixel_mean": "the reconstruction term is AVERAGED over the pixels: that divides it by 784, a hidden beta = 784 on the "
                  "KL (the classic bug of lesson 10, section 4). Sum the binary cross-entropy over the pixels of each image",
    "double_sigmoid": "the reconstruction term treats sigmoid(logits) as logits, a sigmoid applied twice: "
                      "tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits) takes the decoder's logits as they are",
    "logits_as_probabilities": "the reconstruction term treats the logits as probabilities (a binary cross-entropy with "
                               "from_logits=False on the decoder's output); the decoder returns logits: use "
                               "tf.nn.sigmoid_cross_entropy_with_logits, or from_logits=True",
}
_KL_HINTS = {
    "latent_mean": "the KL is AVERAGED over the latent units; the KL of independent units is their SUM (lesson 10, exercise 1)",
    "sign": "the KL's sign is flipped: the negative ELBO is reconstruction PLUS the KL, and a KL is never negative",
    "no_half": "the KL is twice the right value: the Gaussian KL has a factor 1/2 in front",
    "missing": "there is no KL term: reconstruction alone is a plain autoencoder's loss. Add "
               "0.5 * sum over the latent units of (mu^2 + sigma^2 - 1 - log sigma^2)",
}


def _diagnose(value, x, logits, z_mean, z_log_var):
    """The hints for the combination of typical mistakes whose value matches ``value``; None if none matches."""
    reconstructions, kls = _reconstructions(x, logits), _kls(z_mean, z_log_var)
    reductions = {"mean": np.mean, "sum": np.sum}
    for r_name, r_values in reconstructions.items():
        for k_name, k_values in kls.items():
            for r_reduce in reductions:
                for k_reduce in reductions:
                    candidate = reductions[r_reduce](r_values) + reductions[k_reduce](k_values)
                    if close_to(value, candidate, rtol=1e-4):
                        hints = [_RECONSTRUCTION_HINTS[part] for part in r_name.split("+") if part != "right"]
                        if k_name != "right":
                            hints.append(_KL_HINTS[k_name])
                        if r_reduce == "sum" and (k_reduce == "sum" or k_name == "missing"):
                            hints.append("the loss is SUMMED over the batch: take the mean over the images "
                                         "(tf.reduce_mean), so the loss is in nats per image and does not grow with the batch size")
                        elif k_reduce == "sum" and k_name != "missing":
                            hints.append("the KL is summed over the batch axis as well (the other classic bug of lesson 10, section 4): "
                                         "sum over the latent units only (axis=1), then average over the images")
                        elif r_reduce == "sum":
                            hints.append("the reconstruction term is summed over the batch as well: sum over the pixels of "
                                         "each image, then average over the images")
                        return hints
    if close_to(value, -(np.mean(reconstructions["right"]) + np.mean(kls["right"])), rtol=1e-4):
        return ["that is the ELBO itself; the loss to minimise is its negative, reconstruction + KL"]
    return None


def _call(fn, name, *args, graph=False):
    """(array, None) or (None, a verdict-ready problem): the learner's function, run eagerly or inside tf.function."""
    import tensorflow as tf
    try:
        value = tf.function(fn)(*args) if graph else fn(*args)
    except Exception as error:   # the learner's function may fail in any way: report it, do not raise
        if graph:
            return None, (f"{name} works on concrete numbers but raised {type(error).__name__} inside tf.function, where "
                          "train_step runs it on symbolic tensors. Use TensorFlow ops (tf.exp, tf.reduce_sum, tf.reduce_mean, "
                          "tf.nn.sigmoid_cross_entropy_with_logits), not NumPy.")
        return None, f"{name} raised {type(error).__name__}: {error}."
    if value is None:
        return None, None
    try:
        return np.asarray(value, dtype=np.float64), None
    except (TypeError, ValueError):
        return None, f"{name} returned {type(value).__name__}, not numbers."


def _one_number_close(value, expected, rtol=1e-4, atol=1e-6) -> bool:
    return value is not None and value.size == 1 and close_to(float(value.ravel()[0]), expected, rtol=rtol, atol=atol)


def check_1(reparameterise, vae_loss) -> bool:
    """Exercise 1: ``reparameterise(z_mean, z_log_var, eps)`` returns ``z = mu + exp(log_var / 2) * eps`` and
    ``vae_loss(x, logits, z_mean, z_log_var)`` the batch's mean negative ELBO in nats per image, in TensorFlow ops."""
    import tensorflow as tf
    if reparameterise is None or vae_loss is None:
        return not_answered("define reparameterise(z_mean, z_log_var, eps) and vae_loss(x, logits, z_mean, z_log_var).")
    rng = np.random.default_rng(84)
    n, k = 6, 4
    mu, log_var, eps = (rng.normal(size=(n, k)) for _ in range(3))
    log_var = np.clip(log_var, -2.5, 2.5)
    f32 = lambda a: tf.constant(a, dtype=tf.float32)   # noqa: E731 - what train_step hands the functions

    # --- the sampling step
    z, problem = _call(reparameterise, "reparameterise", f32(mu), f32(log_var), f32(eps))
    if problem:
        return wrong(problem + " It gets three float32 tensors of shape (N, K).")
    if z is None:
        return not_answered("reparameterise returns None: replace the `return None` with z = mu + sigma * eps.")
    if z.shape != (n, k):
        return wrong(f"reparameterise should return one code per image, shape (N, K) = {(n, k)}, like its inputs; got {z.shape}.")
    expected_z = mu + np.exp(log_var / 2) * eps
    if not close_to(z, expected_z, rtol=1e-5, atol=1e-5):
        z_without_noise, _ = _call(reparameterise, "reparameterise", f32(mu), f32(log_var), f32(np.zeros_like(eps)))
        if not np.all(np.isfinite(z)):
            return wrong("reparameterise gives NaN or inf: z_log_var is log sigma^2 and can be negative, so take no square "
                         "root or log of it; sigma = exp(z_log_var / 2).")
        if close_to(z, mu + np.exp(log_var) * eps):
            return wrong("you scaled eps by exp(z_log_var), the VARIANCE sigma^2; the noise is scaled by the standard deviation "
                         "sigma = exp(z_log_var / 2).")
        if close_to(z, mu + log_var * eps):
            return wrong("z_log_var is log sigma^2, not sigma: the standard deviation is exp(z_log_var / 2).")
        if close_to(z, mu + np.exp(-log_var / 2) * eps):
            return wrong("exp(-z_log_var / 2) is 1 / sigma; the noise is scaled by sigma = exp(+z_log_var / 2).")
        if close_to(z, mu + eps):
            return wrong("the noise is not scaled: z = mu + sigma * eps with sigma = exp(z_log_var / 2).")
        if z_without_noise is not None and not close_to(z_without_noise, mu, rtol=1e-5, atol=1e-5):
            return wrong("with eps = 0 the code should be exactly z_mean. Use the eps you are given (the model draws it "
                         "from its seeded Sampling noise), do not draw your own.")
        return wrong("compare with z = z_mean + exp(z_log_var / 2) * eps, elementwise.")

    # --- the loss, on general inputs
    x = (rng.random((n, 28, 28, 1)) < 0.3).astype(np.float64)
    logits = rng.normal(0.0, 2.0, size=x.shape)
    expected = float(np.mean(_stable_bce(x, logits).reshape(n, -1).sum(axis=1)) + np.mean(_kls(mu, log_var)["right"]))
    value, problem = _call(vae_loss, "vae_loss", f32(x), f32(logits), f32(mu), f32(log_var))
    if problem:
        return wrong(problem + " It gets x (N, 28, 28, 1) in {0, 1}, logits of the same shape, z_mean and z_log_var (N, K).")
    if value is None:
        return not_answered("vae_loss returns None: replace the `return None` with reconstruction + KL, averaged over the batch.")
    per_image = _stable_bce(x, logits).reshape(n, -1).sum(axis=1) + _kls(mu, log_var)["right"]
    if value.shape == (n,) and close_to(value, per_image, rtol=1e-4):
        return wrong("these are the right values for each image; the loss the optimiser minimises is one number, their "
                     "mean over the batch (tf.reduce_mean).")
    if value.size != 1:
        return wrong(f"vae_loss should return one number (the batch's mean negative ELBO), got shape {value.shape}.")
    value = float(value.ravel()[0])
    if not close_to(value, expected, rtol=1e-4):
        if not np.isfinite(value):
            in_unit_interval = 0.05 + 0.9 * rng.random(x.shape)            # where log(logits) and log(1 - logits) exist
            positive_log_var = np.abs(log_var) + 0.5                       # where log(z_log_var) exists
            with_probabilities, _ = _call(vae_loss, "vae_loss", f32(x), f32(in_unit_interval), f32(mu), f32(log_var))
            with_positive_log_var, _ = _call(vae_loss, "vae_loss", f32(x), f32(logits), f32(mu), f32(positive_log_var))
            if with_positive_log_var is not None and np.all(np.isfinite(with_positive_log_var)):
                return wrong("vae_loss gives NaN for negative z_log_var: you take the log of z_log_var, which is already "
                             "log sigma^2 (and can be negative). In the KL, log sigma^2 is z_log_var itself and sigma^2 = "
                             "exp(z_log_var).")
            if with_probabilities is not None and np.all(np.isfinite(with_probabilities)):
                return wrong("vae_loss gives NaN or inf for negative logits: the decoder returns logits, not probabilities, "
                             "so log(logits) is undefined; compute the binary cross-entropy from the logits "
                             "(tf.nn.sigmoid_cross_entropy_with_logits).")
            return wrong("vae_loss gives NaN or inf. Compute the reconstruction with "
                         "tf.nn.sigmoid_cross_entropy_with_logits and take no log of z_log_var (it already is log sigma^2).")
        hints = _diagnose(value, x, logits, mu, log_var)
        if hints:
            return wrong("; and ".join(hints) + ".")
        # not a known mistake: say which term is off, each measured where the other one is (nearly) zero
        zeros, sure = np.zeros_like(mu), (2 * x - 1) * 15.0              # logits so confident that the BCE is ~0
        at_prior, _ = _call(vae_loss, "vae_loss", f32(x), f32(sure), f32(zeros), f32(zeros))             # ~ KL(0, 0) = 0
        kl_only, _ = _call(vae_loss, "vae_loss", f32(x), f32(sure), f32(mu), f32(log_var))               # ~ KL
        recon_at_prior, _ = _call(vae_loss, "vae_loss", f32(x), f32(logits), f32(zeros), f32(zeros))     # reconstruction + KL(0, 0)
        sure_bce = float(np.mean(_stable_bce(x, sure).reshape(n, -1).sum(axis=1)))
        if _one_number_close(at_prior, sure_bce, atol=1e-3) and \
                _one_number_close(kl_only, np.mean(_kls(mu, log_var)["right"]) + sure_bce, atol=1e-3):
            return wrong("your KL is right (checked with logits so confident that the reconstruction term is almost 0); the "
                         "reconstruction term is off: the mean over images of the sum over pixels of BCE(x, logits).")
        if at_prior is not None and recon_at_prior is not None and at_prior.size == 1 and \
                _one_number_close(recon_at_prior - at_prior, np.mean(_reconstructions(x, logits)["right"]) - sure_bce):
            return wrong("your reconstruction term is right (it changes with the logits as it should); the KL is off: it must "
                         "be 0 at z_mean = z_log_var = 0 and equal 0.5 * sum over latent units of (z_mean^2 + exp(z_log_var) "
                         "- 1 - z_log_var), averaged over images.")
        return wrong("both terms are off. Check them one at a time: the reconstruction, sum over pixels of "
                     "tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits); the KL, 0.5 * sum over latent units "
                     "of (z_mean^2 + exp(z_log_var) - 1 - z_log_var); add them per image, then tf.reduce_mean over images.")

    # --- confident logits: a loss computed from probabilities breaks where the decoder is sure
    confident = np.where(rng.random(x.shape) < 0.1, 1 - x, x)     # 10 % of the pixels confidently wrong
    sure_logits = (2 * confident - 1) * 40.0
    zeros = np.zeros_like(mu)
    sure_expected = float(np.mean(_stable_bce(x, sure_logits).reshape(n, -1).sum(axis=1)))
    sure_value, problem = _call(vae_loss, "vae_loss", f32(x), f32(sure_logits), f32(zeros), f32(zeros))
    if problem or not _one_number_close(sure_value, sure_expected, rtol=1e-3):
        if problem or sure_value is None or sure_value.size != 1:
            got = "fails"
        else:
            got = f"gives {float(sure_value.ravel()[0]):.4g} nats instead of {sure_expected:.4g}"
        return wrong(f"right on moderate logits, but with confident ones (|logit| = 40, some of them wrong) your loss {got}: "
                     "going through probabilities, sigmoid(40) rounds to 1 in float32, so log(1 - p) is -inf, or is clipped "
                     "(Keras clips at 1e-7, so a confidently wrong pixel costs 16 nats instead of 40). Compute the binary "
                     "cross-entropy from the logits: tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits).")

    # --- both must run inside train_step's tf.function
    for fn, name, args in ((reparameterise, "reparameterise", (f32(mu), f32(log_var), f32(eps))),
                           (vae_loss, "vae_loss", (f32(x), f32(logits), f32(mu), f32(log_var)))):
        _, problem = _call(fn, name, *args, graph=True)
        if problem:
            return wrong(problem)
    return correct(f"z = mu + sigma * eps, and a loss of {expected:.2f} nats per image on the check's batch: "
                   "reconstruction summed over pixels plus the KL summed over latent units, averaged over images.")
