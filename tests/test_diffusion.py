"""The compact DDPM (course_utils.diffusion): schedules, the closed form of q(x_t | x_0), the loss, the samplers."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import diffusion


@pytest.mark.parametrize("schedule", [diffusion.NoiseSchedule.linear(1000), diffusion.NoiseSchedule.linear(50),
                                      diffusion.NoiseSchedule.cosine(1000), diffusion.NoiseSchedule.cosine(1)])
def test_alpha_bar_is_monotone_and_inside_zero_one(schedule):
    ab = schedule.alpha_bars
    assert np.all((ab > 0) & (ab < 1)) and np.all(np.diff(ab) < 0)
    np.testing.assert_allclose(ab, np.cumprod(1 - schedule.betas))
    if schedule.T >= 50:
        assert ab[-1] < 1e-2  # the last step is almost pure noise: sampling may start from N(0, I)


def test_linear_schedule_is_ho_et_al():
    s = diffusion.NoiseSchedule.linear(1000)
    assert s.T == 1000 and np.isclose(s.betas[0], 1e-4) and np.isclose(s.betas[-1], 0.02)
    assert 3e-5 < s.alpha_bars[-1] < 5e-5  # known value: prod(1 - beta_t) = 4.0e-5


def test_closed_form_matches_step_by_step_noising_in_distribution():
    schedule = diffusion.NoiseSchedule.linear(200)
    assert diffusion.closed_form_discrepancy(diffusion.q_sample, schedule) < 5.0


@pytest.mark.parametrize("wrong", [
    lambda x0, t, e, s: np.sqrt(s.alphas[t - 1]) * x0 + np.sqrt(1 - s.alphas[t - 1]) * e,   # alpha_t, not alpha_bar_t
    lambda x0, t, e, s: s.alpha_bars[t - 1] * x0 + (1 - s.alpha_bars[t - 1]) * e,                             # no square roots
    lambda x0, t, e, s: np.sqrt(s.alpha_bars[t - 1]) * x0 + np.sqrt(s.betas[t - 1]) * e,                      # one step's noise only
    lambda x0, t, e, s: np.sqrt(s.alpha_bars[np.minimum(t, s.T - 1)]) * x0 + np.sqrt(1 - s.alpha_bars[np.minimum(t, s.T - 1)]) * e,  # one step too far
])
def test_a_wrong_closed_form_fails_the_check(wrong):
    schedule = diffusion.NoiseSchedule.linear(200)
    x0 = np.zeros(1)  # the wrong formulas are written for 1-D x0 (as the check passes them)
    assert wrong(x0, np.array([3]), np.ones(1), schedule).shape == (1,)
    assert diffusion.closed_form_discrepancy(wrong, schedule) > 10.0


def test_q_sample_values_and_bad_input():
    s = diffusion.NoiseSchedule.linear(10)
    x0, noise = np.ones((2, 3)), np.zeros((2, 3))
    out = diffusion.q_sample(x0, np.array([1, 10]), noise, s)
    np.testing.assert_allclose(out[:, 0], np.sqrt(s.alpha_bars[[0, 9]]))
    with pytest.raises(ValueError, match="1..T"):
        diffusion.q_sample(x0, np.array([0, 1]), noise, s)
    with pytest.raises(ValueError, match="one timestep per sample"):
        diffusion.q_sample(x0, np.array([1, 2, 3]), noise, s)
    with pytest.raises(ValueError, match="same shape"):
        diffusion.q_sample(x0, np.array([1, 2]), np.zeros((2, 4)), s)


@pytest.mark.parametrize("T", [0, -5, 2.5, True])
def test_bad_T_is_refused(T):
    with pytest.raises(ValueError, match="T"):
        diffusion.NoiseSchedule.linear(T)
    with pytest.raises(ValueError, match="T"):
        diffusion.NoiseSchedule.cosine(T)


def test_bad_betas_are_refused():
    with pytest.raises(ValueError, match="at least one step"):
        diffusion.NoiseSchedule([])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        diffusion.NoiseSchedule([0.1, 1.0])


def test_denoiser_shapes_and_bad_shapes():
    net = diffusion.build_denoiser(widths=(8, 16))
    out = net([np.zeros((3, 28, 28, 1), np.float32), np.array([1, 5, 9], np.int32)])
    assert out.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(out.numpy(), 0.0)  # zero-initialised last layer: "no noise" at first
    with pytest.raises(ValueError, match="divisible by 4"):
        diffusion.build_denoiser(image_shape=(30, 30, 3))
    with pytest.raises(ValueError, match="1 \\(grey\\) or 3"):
        diffusion.build_denoiser(image_shape=(32, 32, 4))
    with pytest.raises(ValueError, match="multiples of 8"):
        diffusion.build_denoiser(widths=(12, 16))


def test_time_embedding_distinguishes_timesteps():
    e = diffusion.SinusoidalEmbedding(16)(tf.constant([1, 2, 500])).numpy()
    assert e.shape == (3, 16) and np.all(np.abs(e) <= 1)
    assert np.linalg.norm(e[0] - e[1]) > 0.1 and np.linalg.norm(e[0] - e[2]) > 0.1
    with pytest.raises(ValueError, match="even"):
        diffusion.SinusoidalEmbedding(7)


def test_a_training_step_lowers_the_loss_and_updates_the_average():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).choice([-1.0, 1.0], (64, 28, 28, 1)).astype(np.float32)
    model = diffusion.DiffusionModel(diffusion.build_denoiser(widths=(8, 16)), diffusion.NoiseSchedule.linear(100), ema_decay=0.9)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    ema_before = [w.copy() for w in model.ema_denoiser.get_weights()]
    history = model.fit(x, batch_size=32, epochs=6, verbose=0).history["loss"]
    assert history[0] <= 1.1 and history[-1] < history[0]   # predicting 0 costs E[eps^2] = 1 at first
    assert any(not np.allclose(a, b) for a, b in zip(ema_before, model.ema_denoiser.get_weights()))


def test_model_refuses_bad_arguments():
    net = diffusion.build_denoiser(widths=(8, 16))
    with pytest.raises(TypeError, match="NoiseSchedule"):
        diffusion.DiffusionModel(net, np.linspace(1e-4, 0.02, 10))
    with pytest.raises(ValueError, match="ema_decay"):
        diffusion.DiffusionModel(net, diffusion.NoiseSchedule.linear(10), ema_decay=1.0)


def test_samplers_return_images_of_the_right_shape_and_range():
    net = diffusion.build_denoiser(widths=(8, 16))
    s = diffusion.NoiseSchedule.linear(20)
    images, kept = diffusion.ddpm_sample(net, 3, s, seed=1, return_steps=(10, 0))
    assert images.shape == (3, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    assert set(kept) == {10, 0} and kept[10].shape == (3, 28, 28, 1)
    again = diffusion.ddpm_sample(net, 3, s, seed=1)
    np.testing.assert_array_equal(images, again)             # same seed, same images
    fast = diffusion.ddim_sample(net, 4, s, steps=5, seed=2)
    assert fast.shape == (4, 28, 28, 1) and np.all(np.abs(fast) <= 1)


def test_an_ideal_denoiser_makes_ddim_recover_the_data_point():
    """With a denoiser that knows the data (all images equal to c), eps = (x_t - sqrt(ab) c) / sqrt(1 - ab),
    DDIM must land on c: a check of the sampler's algebra independent of training."""
    s = diffusion.NoiseSchedule.linear(50)
    c = np.random.default_rng(0).uniform(-0.9, 0.9, (28, 28, 1)).astype(np.float32)
    x_in, t_in = keras.Input((28, 28, 1)), keras.Input((), dtype="int32")
    ab = tf.constant(s.alpha_bars, tf.float32)

    class Ideal(keras.layers.Layer):
        def call(self, x, t):
            a = tf.reshape(tf.gather(ab, t - 1), (-1, 1, 1, 1))
            return (x - tf.sqrt(a) * c) / tf.sqrt(1 - a)

    ideal = keras.Model([x_in, t_in], Ideal()(x_in, t_in))
    np.testing.assert_allclose(diffusion.ddim_sample(ideal, 2, s, steps=10), np.broadcast_to(c, (2, 28, 28, 1)), atol=1e-4)
    np.testing.assert_allclose(diffusion.ddpm_sample(ideal, 2, s), np.broadcast_to(c, (2, 28, 28, 1)), atol=1e-4)


def test_samplers_refuse_bad_input():
    net = diffusion.build_denoiser(widths=(8, 16))
    s = diffusion.NoiseSchedule.linear(10)
    with pytest.raises(ValueError, match="positive integer"):
        diffusion.ddpm_sample(net, 0, s)
    with pytest.raises(ValueError, match="steps must be"):
        diffusion.ddim_sample(net, 2, s, steps=11)
    with pytest.raises(TypeError, match="NoiseSchedule"):
        diffusion.ddim_sample(net, 2, "linear")


def test_trains_under_a_distribution_strategy():
    """The lesson's scaling-out path: built and trained inside a (one-device) MirroredStrategy scope."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = diffusion.DiffusionModel(diffusion.build_denoiser(widths=(8, 16)), diffusion.NoiseSchedule.linear(50))
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
    before = [w.copy() for w in model.denoiser.get_weights()]
    loss = model.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0).history["loss"][-1]
    assert np.isfinite(loss)
    assert any(not np.allclose(a, b) for a, b in zip(before, model.denoiser.get_weights()))


# --------------------------------------------------------------------------------------------------------
# Vectors: the MLP denoiser for latent diffusion
# --------------------------------------------------------------------------------------------------------
def test_mlp_denoiser_shapes_starts_at_zero_and_refuses_bad_sizes():
    net = diffusion.build_mlp_denoiser(16, width=32, depth=2)
    out = net([np.random.default_rng(0).standard_normal((5, 16)).astype(np.float32), np.arange(1, 6, dtype=np.int32)])
    assert out.shape == (5, 16)
    np.testing.assert_array_equal(out.numpy(), 0.0)   # the zero-initialised last layer predicts "no noise"
    for bad in ({"dim": 0}, {"dim": 16, "width": 4}, {"dim": 16, "depth": 0}, {"dim": 2.5}):
        with pytest.raises(ValueError, match="must be an integer"):
            diffusion.build_mlp_denoiser(**bad)


def test_a_training_step_on_vectors_lowers_the_loss():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    codes = (rng.choice([-1.0, 1.0], (512, 1)) + 0.1 * rng.standard_normal((512, 4))).astype(np.float32)  # two clusters
    model = diffusion.DiffusionModel(diffusion.build_mlp_denoiser(4, width=32, depth=2), diffusion.NoiseSchedule.linear(50),
                                     ema_decay=0.9)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    history = model.fit(codes, batch_size=64, epochs=8, verbose=0).history["loss"]
    assert history[0] <= 1.1 and history[-1] < 0.8 * history[0]


def test_samplers_return_vectors_and_clip_only_when_asked():
    net = diffusion.build_mlp_denoiser(6, width=16, depth=1)
    s = diffusion.NoiseSchedule.linear(20)
    fast = diffusion.ddim_sample(net, 7, s, steps=5, seed=1, clip=False)
    slow = diffusion.ddpm_sample(net, 7, s, seed=1, clip=False)
    assert fast.shape == (7, 6) and slow.shape == (7, 6)
    assert np.abs(fast).max() > 1 and np.abs(slow).max() > 1   # untrained: still Gaussian noise, not clipped to [-1, 1]
    assert np.abs(diffusion.ddim_sample(net, 7, s, steps=5, seed=1)).max() <= 1
    assert np.abs(diffusion.ddpm_sample(net, 7, s, seed=1, clip=1.5)).max() <= 1.5   # a wider bound for codes
    with pytest.raises(ValueError, match="clip must be"):
        diffusion.ddim_sample(net, 7, s, steps=5, clip=-2.0)


def test_an_ideal_vector_denoiser_makes_both_samplers_recover_the_point():
    s = diffusion.NoiseSchedule.linear(50)
    c = np.array([3.0, -2.0, 0.5], np.float32)   # outside [-1, 1]: latent codes need not be pixels
    z_in, t_in = keras.Input((3,)), keras.Input((), dtype="int32")
    ab = tf.constant(s.alpha_bars, tf.float32)

    class Ideal(keras.layers.Layer):
        def call(self, z, t):
            a = tf.reshape(tf.gather(ab, t - 1), (-1, 1))
            return (z - tf.sqrt(a) * c) / tf.sqrt(1 - a)

    ideal = keras.Model([z_in, t_in], Ideal()(z_in, t_in))
    np.testing.assert_allclose(diffusion.ddim_sample(ideal, 4, s, steps=10, clip=False), np.broadcast_to(c, (4, 3)), atol=1e-3)
    np.testing.assert_allclose(diffusion.ddpm_sample(ideal, 4, s, clip=False), np.broadcast_to(c, (4, 3)), atol=1e-3)
