"""course_utils.vae: the ELBO bookkeeping against NumPy, the sampler, the importance-weighted bound, bad input."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import metrics, vae


def _tiny_vae(latent_dim=3, beta=1.0, n_classes=0, seed=0):
    keras.utils.set_random_seed(seed)
    enc = vae.build_encoder(latent_dim, n_classes, hidden=(8,))
    dec = vae.build_decoder(latent_dim, n_classes, hidden=(8,))
    cls = vae.ConditionalVAE if n_classes else vae.VAE
    kwargs = {"n_classes": n_classes} if n_classes else {}
    model = cls(enc, dec, beta=beta, **kwargs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    return model


def _batch(n=6, seed=1):
    return np.random.default_rng(seed).random((n, 28, 28, 1)).astype(np.float32)


class FixedNoiseSampling(keras.layers.Layer):
    """z = mu + sigma * eps with a fixed eps, so NumPy can redo the computation exactly."""

    def __init__(self, eps):
        super().__init__()
        self.eps = tf.constant(eps, tf.float32)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        return z_mean + tf.exp(0.5 * z_log_var) * self.eps


def _numpy_terms(model, x, eps):
    z_mean, z_log_var = (np.asarray(a, np.float64) for a in model.encoder(x))
    z = z_mean + np.exp(0.5 * z_log_var) * eps
    p = 1 / (1 + np.exp(-np.asarray(model.decoder(z.astype(np.float32)), np.float64)))
    xf = x.astype(np.float64)
    reconstruction = -(xf * np.log(p) + (1 - xf) * np.log(1 - p)).reshape(len(x), -1).sum(axis=1)   # per image
    kl = 0.5 * (z_mean ** 2 + np.exp(z_log_var) - 1 - z_log_var).sum(axis=1)                       # per image
    return reconstruction.mean(), kl.mean()


@pytest.mark.parametrize("beta", [1.0, 4.0])
def test_reported_terms_equal_an_independent_numpy_computation(beta):
    model, x = _tiny_vae(beta=beta), _batch()
    eps = np.random.default_rng(2).standard_normal((len(x), 3))
    model.sampling = FixedNoiseSampling(eps)
    logs = model.evaluate(x, batch_size=len(x), verbose=0, return_dict=True)
    reconstruction, kl = _numpy_terms(model, x, eps)
    # per-image sums: about 784 * 0.69 nats of reconstruction for an untrained decoder, not a per-pixel mean (~0.69)
    assert reconstruction > 400
    assert logs["reconstruction"] == pytest.approx(reconstruction, rel=1e-5)
    assert logs["kl"] == pytest.approx(kl, rel=1e-4, abs=1e-5)
    assert logs["loss"] == pytest.approx(reconstruction + beta * kl, rel=1e-5)


def test_elbo_terms_detects_wrong_axis_and_per_pixel_mean():
    rng = np.random.default_rng(0)
    x = (rng.random((5, 28, 28, 1)) < 0.3).astype(np.float32)
    logits = rng.normal(size=(5, 28, 28, 1)).astype(np.float32)
    mu, lv = rng.normal(size=(5, 4)).astype(np.float32), rng.normal(size=(5, 4)).astype(np.float32)
    rec, kl = (t.numpy() for t in vae.elbo_terms(x, tf.constant(logits), tf.constant(mu), tf.constant(lv)))
    assert rec.shape == (5,) and kl.shape == (5,)
    p = 1 / (1 + np.exp(-logits.astype(np.float64)))
    expected_rec = -(x * np.log(p) + (1 - x) * np.log(1 - p)).reshape(5, -1).sum(1)
    expected_kl = 0.5 * (mu ** 2 + np.exp(lv) - 1 - lv).sum(1)
    np.testing.assert_allclose(rec, expected_rec, rtol=1e-5)
    np.testing.assert_allclose(kl, expected_kl, rtol=1e-5)
    # the two classic bugs would give different numbers
    assert not np.allclose(rec, expected_rec / 784, rtol=1e-2)
    assert not np.allclose(kl.mean(), 0.5 * (mu ** 2 + np.exp(lv) - 1 - lv).sum(0).mean(), rtol=1e-3)


def test_sampling_has_the_right_moments_and_passes_gradients():
    layer = vae.Sampling(seed=0)
    mu = tf.Variable(tf.fill((20000, 2), 1.5))
    log_var = tf.Variable(tf.fill((20000, 2), math.log(0.25)))
    with tf.GradientTape() as tape:
        z = layer([mu, log_var])
        total = tf.reduce_sum(z)
    z = z.numpy()
    assert abs(z.mean() - 1.5) < 0.02 and abs(z.std() - 0.5) < 0.02
    grad_mu, grad_lv = tape.gradient(total, [mu, log_var])
    np.testing.assert_allclose(grad_mu.numpy(), 1.0)  # dz/dmu = 1: the reparameterisation trick
    assert np.all(np.isfinite(grad_lv.numpy())) and abs(grad_lv.numpy().mean()) < 0.05  # E[0.5 sigma eps] = 0


def test_importance_weighted_bound_tightens_towards_the_exact_log_likelihood():
    """With one latent dimension, log p(x) = log integral p(x|z) p(z) dz is computed exactly by quadrature."""
    keras.utils.set_random_seed(3)
    decoder = keras.Sequential([keras.Input((1,)), keras.layers.Dense(784, kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)),
                                keras.layers.Reshape((28, 28, 1))])   # the image depends strongly on z: a sharp posterior
    encoder = vae.build_encoder(1, hidden=(4,))
    encoder.get_layer("z_mean").kernel.assign(tf.zeros_like(encoder.get_layer("z_mean").kernel))
    z_log_var = encoder.get_layer("z_log_var")   # q(z|x) = N(0, 4) for every x: broad, far from the posterior
    z_log_var.kernel.assign(tf.zeros_like(z_log_var.kernel))
    z_log_var.bias.assign(tf.fill(z_log_var.bias.shape, math.log(4.0)))
    model = vae.VAE(encoder, decoder)
    model.compile(optimizer="adam")
    w = decoder.layers[0].kernel.numpy().ravel()
    x = (np.random.default_rng(4).random((4, 784)) < 1 / (1 + np.exp(-w * 0.7))).astype(np.float32).reshape(4, 28, 28, 1)
    grid = np.linspace(-10, 10, 4001)
    logits = np.asarray(model.decoder(grid[:, None].astype(np.float32)), np.float64).reshape(len(grid), -1)
    log_lik = x.reshape(len(x), 1, -1) * logits - np.logaddexp(0, logits)            # (images, grid, pixels)
    log_joint = log_lik.sum(-1) - 0.5 * grid ** 2 - 0.5 * math.log(2 * math.pi)      # (images, grid)
    top = log_joint.max(1, keepdims=True)
    exact = top[:, 0] + np.log(np.trapezoid(np.exp(log_joint - top), grid, axis=1))
    bounds = {k: metrics.importance_weighted_log_likelihood(model, x, k=k, seed=0) for k in (1, 3000)}
    elbo = -np.array([model.negative_elbo(x[i:i + 1], seed=s)["loss"] for i in range(len(x)) for s in range(1)])
    # one estimate can land above log p(x); its expectation cannot: average L_20 over many seeds
    mean_20 = np.mean([metrics.importance_weighted_log_likelihood(model, x, k=20, seed=s).mean() for s in range(30)])
    assert bounds[1].mean() + 1 < mean_20 < exact.mean() + 0.05
    assert bounds[1].mean() + 1 < bounds[3000].mean() <= exact.mean() + 0.05
    np.testing.assert_allclose(bounds[3000], exact, atol=0.2)
    assert elbo.mean() < exact.mean() - 1  # the ELBO is a lower bound, and a loose one for this poor q


def test_training_lowers_the_loss_and_dynamic_binarization_gives_binary_pixels():
    model = vae.VAE(vae.build_encoder(4, hidden=(16,)), vae.build_decoder(4, hidden=(16,)), dynamic_binarization=True)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    x = np.clip(_batch(64, seed=5) * 0.3 + np.linspace(0, 0.6, 28)[None, :, None, None], 0, 1).astype(np.float32)
    binary = model._binarized(tf.constant(x)).numpy()
    assert set(np.unique(binary)) <= {0.0, 1.0} and abs(binary.mean() - x.mean()) < 0.01
    history = model.fit(x, epochs=30, batch_size=32, verbose=0).history["loss"]
    assert np.all(np.isfinite(history)) and history[-1] < history[0] - 20


def test_generate_decode_and_conditional_generate_shapes():
    model = _tiny_vae()
    images = model.generate(5, seed=1)
    assert images.shape == (5, 28, 28, 1) and images.min() >= 0 and images.max() <= 1
    np.testing.assert_array_equal(images, model.generate(5, seed=1))
    cvae = _tiny_vae(n_classes=10)
    drawn = cvae.generate([0, 3, 9], seed=2)
    assert drawn.shape == (3, 28, 28, 1)
    logs = cvae.evaluate(_batch(8), np.arange(8), verbose=0, return_dict=True)
    assert set(logs) == {"loss", "reconstruction", "kl"} and np.isfinite(logs["loss"])


def test_bad_input_gets_clear_errors():
    model = _tiny_vae()
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.encode(_batch() * 2 - 1)
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        model.decode(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="beta"):
        vae.VAE(model.encoder, model.decoder, beta=-1)
    with pytest.raises(ValueError, match="k must be"):
        metrics.importance_weighted_log_likelihood(model, _batch(), k=0)
    with pytest.raises(ValueError, match="n_classes > 0"):
        vae.ConditionalVAE(model.encoder, model.decoder)
    with pytest.raises(ValueError, match="labels must be integers"):
        _tiny_vae(n_classes=10).generate([3, 12])
    with pytest.raises(ValueError, match="hidden"):
        vae.build_encoder(4, hidden=())
    with pytest.raises(ValueError, match="unknown settings"):
        vae.build_lesson_10_vae({"latent_size": 8})
    with pytest.raises(ValueError, match="stochastic_binarize expects"):
        vae.stochastic_binarize(np.full((1, 28, 28, 1), 255.0))
