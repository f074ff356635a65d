import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import metrics, wgan


def linear_critic(w):
    """C(x) = w . x (flattened), whose gradient is w everywhere: its penalty is (|w| - 1)^2 for any alpha."""
    w = tf.constant(np.ravel(w), tf.float32)

    def critic(x, training=False):
        return tf.reduce_sum(tf.reshape(x, [tf.shape(x)[0], -1]) * w, axis=1, keepdims=True)
    return critic


@pytest.mark.parametrize("w", [[3.0, 4.0], [0.6, 0.0], [1.0, 0.0]])
def test_gradient_penalty_of_a_linear_critic_is_exact(w):
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(64, 2)), rng.normal(size=(64, 2))
    gp = float(wgan.gradient_penalty(linear_critic(w), real, fake))
    assert gp == pytest.approx((np.linalg.norm(w) - 1) ** 2, abs=1e-5)


def test_gradient_penalty_on_images_uses_the_norm_over_all_pixels():
    w = np.full((28, 28, 1), 1.0 / 28)  # |w| = 1 over the 784 pixels: penalty 0; per-pixel norms would give 8.1e-2
    rng = np.random.default_rng(1)
    real, fake = rng.uniform(-1, 1, (8, 28, 28, 1)), rng.uniform(-1, 1, (8, 28, 28, 1))
    assert float(wgan.gradient_penalty(linear_critic(w), real, fake)) == pytest.approx(0.0, abs=1e-5)
    assert float(wgan.gradient_penalty(linear_critic(2 * w), real, fake)) == pytest.approx(1.0, abs=1e-4)


def test_interpolates_lie_on_the_segments_with_uniform_alpha():
    """Recover each example's alpha from the points the critic sees: one alpha per example (the same for every
    coordinate), in [0, 1], uniformly distributed. A normal alpha (keras-io's old bug) fails all three."""
    seen = []

    def recording_critic(x, training=False):
        seen.append(x.numpy())
        return tf.reduce_sum(x, axis=list(range(1, len(x.shape))))

    n = 4000
    rng = np.random.default_rng(2)
    real = rng.normal(size=(n, 3, 2)) + 5.0
    fake = rng.normal(size=(n, 3, 2)) - 5.0
    tf.random.set_seed(0)
    wgan.gradient_penalty(recording_critic, real, fake)
    x_hat = seen[0].astype(np.float64)
    alpha = (x_hat - fake) / (real - fake)                 # x_hat = alpha * real + (1 - alpha) * fake
    per_example = alpha.reshape(n, -1)
    assert np.allclose(per_example, per_example[:, :1], atol=1e-4), "alpha must be one number per example"
    a = per_example[:, 0]
    assert a.min() >= -1e-5 and a.max() <= 1 + 1e-5, "alpha must lie in [0, 1]: interpolates, not extrapolates"
    assert abs(a.mean() - 0.5) < 0.02 and abs(a.var() - 1 / 12) < 0.01
    histogram = np.histogram(a, bins=10, range=(0, 1))[0] / n
    assert np.all(np.abs(histogram - 0.1) < 0.025), f"alpha is not uniform: bin shares {histogram}"


def test_no_nan_gradients_when_real_equals_fake():
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros", use_bias=False)])
    points = np.ones((16, 2), np.float32)
    with tf.GradientTape() as tape:
        gp = wgan.gradient_penalty(critic, points, points)  # gradient of the critic is exactly 0 here
    grads = tape.gradient(gp, critic.trainable_variables)
    assert float(gp) == pytest.approx(1.0, abs=1e-5)
    assert grads[0] is not None and np.all(np.isfinite(grads[0].numpy())), "sqrt(0) gives NaN gradients: add an epsilon"
    assert np.allclose(grads[0].numpy(), 0.0)  # the penalty's gradient at a zero-gradient critic is 0, not NaN


def test_gradient_penalty_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        wgan.gradient_penalty(linear_critic([1.0, 0.0]), np.zeros((4, 2)), np.zeros((4, 3)))


def test_ring_of_gaussians():
    x = wgan.ring_of_gaussians(4000, seed=3)
    assert x.shape == (4000, 2) and x.dtype == np.float32
    assert np.allclose(np.linalg.norm(x, axis=1).mean(), 2.0, atol=0.01)
    assert np.array_equal(x, wgan.ring_of_gaussians(4000, seed=3))
    with pytest.raises(ValueError, match="std"):
        wgan.ring_of_gaussians(10, std=0)


def test_modes_covered_on_constructed_samples():
    all_modes = wgan.ring_of_gaussians(5000, seed=0)
    covered, high_quality = metrics.modes_covered(all_modes)
    assert covered == 8 and high_quality == pytest.approx(1 - np.exp(-4.5), abs=0.01)  # P(chi2_2 <= 9)
    centres = wgan.mode_centres()
    one_mode = centres[3] + 0.01 * np.random.default_rng(0).standard_normal((1000, 2))
    assert tuple(metrics.modes_covered(one_mode)) == (1, 1.0)
    far = np.full((500, 2), 10.0)
    assert tuple(metrics.modes_covered(far)) == (0, 0.0)
    mixed = np.concatenate([centres[:4].repeat(50, axis=0), far])  # 4 modes exactly, 200 of 700 points good
    assert tuple(metrics.modes_covered(mixed)) == (4, pytest.approx(200 / 700))
    few = np.concatenate([centres[:1], far[:199]])                 # 1 good point in 200 is under 1 %
    assert metrics.modes_covered(few).covered == 0
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        metrics.modes_covered(np.zeros((10, 3)))


def build_wgan(shape, critic_steps=2):
    keras.utils.set_random_seed(0)
    if shape == (2,):
        generator, critic = wgan.build_mlp_generator(8, hidden=16), wgan.build_mlp_critic(hidden=16)
    else:
        generator = keras.Sequential([keras.Input((8,)), keras.layers.Dense(784, activation="tanh"),
                                      keras.layers.Reshape(shape)])
        critic = keras.Sequential([keras.Input(shape), keras.layers.Conv2D(4, 3, strides=2),
                                   keras.layers.LeakyReLU(0.2), keras.layers.Flatten(), keras.layers.Dense(1)])
    model = wgan.WGANGP(generator, critic)
    model.compile(keras.optimizers.Adam(1e-3, 0.5, 0.9), keras.optimizers.Adam(1e-3, 0.5, 0.9), critic_steps=critic_steps)
    return model


@pytest.mark.parametrize("shape", [(2,), (28, 28, 1)], ids=["points", "images"])
def test_wgangp_train_step_moves_both_networks(shape):
    model = build_wgan(shape)
    data = np.random.default_rng(0).uniform(-1, 1, (32,) + shape).astype(np.float32)
    c_before = [w.copy() for w in model.critic.get_weights()]
    g_before = [w.copy() for w in model.generator.get_weights()]
    history = model.fit(data, batch_size=32, epochs=1, verbose=0)
    assert set(history.history) == {"c_loss", "g_loss", "gp", "wasserstein"}
    assert all(np.isfinite(v[0]) for v in history.history.values())
    assert any(not np.allclose(a, b) for a, b in zip(c_before, model.critic.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(g_before, model.generator.get_weights()))
    assert model.generate(5).shape == (5,) + shape


def test_wgangp_trains_under_a_distribution_strategy_without_being_called_first():
    """Under a strategy Keras builds an unbuilt model by calling it on a data batch; WGANGP's call takes noise, so it
    must arrive built (lesson 16 trains the DCGAN this way; here the same for WGAN-GP, on images)."""
    keras.utils.set_random_seed(0)
    with tf.distribute.MirroredStrategy().scope():
        model = build_wgan((28, 28, 1))
    assert model.built
    data = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    g_before = [w.copy() for w in model.generator.get_weights()]
    history = model.fit(data, batch_size=16, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert any(not np.allclose(a, b) for a, b in zip(g_before, model.generator.get_weights()))


def test_sn_critic_is_one_lipschitz_after_training_steps():
    keras.utils.set_random_seed(0)
    critic = wgan.build_mlp_critic(hidden=32, spectral_norm=True)
    x = np.random.default_rng(0).normal(size=(256, 2)).astype(np.float32)
    for _ in range(30):  # the power iteration sharpens its estimate of the largest singular value each call
        critic(x, training=True)
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = critic(x, training=False)
    norms = np.linalg.norm(tape.gradient(scores, x).numpy(), axis=1)
    assert norms.max() <= 1.05
    plain = wgan.build_mlp_critic(hidden=32)
    assert not any("spectral" in layer.name for layer in plain.layers)


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ValueError, match="critic_steps"):
        build_wgan((2,), critic_steps=0)
    model = build_wgan((2,))
    with pytest.raises(ValueError, match="gp_weight"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), gp_weight=-1)
    with pytest.raises(ValueError, match="the critic reads"):
        wgan.WGANGP(wgan.build_mlp_generator(8, output_dim=3), wgan.build_mlp_critic(input_dim=2))
    with pytest.raises(ValueError, match="the critic reads"):
        model.fit(np.zeros((32, 3), np.float32), batch_size=32, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="positive"):
        wgan.ModeCoverageCallback(every=0)
