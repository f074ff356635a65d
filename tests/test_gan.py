import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import gan


def tiny_images(n=64, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


def test_skeleton_shapes():
    generator = gan.build_generator(latent_dim=8)
    images = generator.predict_on_batch(np.zeros((3, 8), np.float32))
    assert images.shape == (3, 28, 28, 1) and np.abs(images).max() <= 1.0
    discriminator = gan.build_discriminator()
    scores = discriminator.predict_on_batch(images)
    assert scores.shape == (3, 1) and np.all((scores >= 0) & (scores <= 1))


def test_train_gan_updates_both_players_and_only_them():
    """Fails if the discriminator is left frozen (the Keras 2 habit) or the GAN step moves the discriminator."""
    keras.utils.set_random_seed(0)
    generator, discriminator = gan.build_generator(latent_dim=8), gan.build_discriminator()
    combined = gan.build_gan(generator, discriminator)
    d_before = [w.copy() for w in discriminator.get_weights()]
    g_before = [w.copy() for w in generator.get_weights()]
    seen = []
    history = gan.train_gan(generator, discriminator, combined, tiny_images(), epochs=2, batch_size=32,
                            on_epoch_end=lambda epoch, logs: seen.append(epoch))
    assert seen == [0, 1] and set(history) == {"d_loss", "d_acc", "g_loss"} and len(history["g_loss"]) == 2
    assert any(not np.allclose(a, b) for a, b in zip(d_before, discriminator.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(g_before, generator.get_weights()))
    # a generator step alone must leave the discriminator untouched
    d_mid = [w.copy() for w in discriminator.get_weights()]
    discriminator.trainable = False
    combined.train_on_batch(np.zeros((4, 8), np.float32), np.ones((4, 1), np.float32))
    assert all(np.allclose(a, b) for a, b in zip(d_mid, discriminator.get_weights()))


def test_train_gan_bad_input():
    generator, discriminator = gan.build_generator(latent_dim=8), gan.build_discriminator()
    combined = gan.build_gan(generator, discriminator)
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        gan.train_gan(generator, discriminator, combined, np.zeros((10, 28, 28)), epochs=1, batch_size=4)
    with pytest.raises(ValueError, match="batch_size"):
        gan.train_gan(generator, discriminator, combined, tiny_images(8), epochs=1, batch_size=16)


def test_dcgan_shapes():
    generator = gan.build_dcgan_generator(latent_dim=16, width=8)
    assert generator.output_shape == (None, 28, 28, 1)
    assert gan.build_dcgan_discriminator(width=8).output_shape == (None, 1)


class ConstantLogit(keras.layers.Layer):
    """A discriminator that answers logit w * mean(x) with w = 0, i.e. D = 1/2 whatever it sees, yet has a
    gradient path to its weight and to the generator."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(), initializer="zeros")

    def call(self, x):
        return self.w * keras.ops.mean(x, axis=-1, keepdims=True)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_dcgan_losses_have_the_right_values(smoothing):
    """With D = 1/2 everywhere: d_loss = BCE(1-s, 1/2) + BCE(0, 1/2) = 2 log 2; g_loss = log 2 (non-saturating).
    (With D = 1/2, BCE(t, 1/2) = log 2 for any target t, so smoothing must not change the value.)"""
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), ConstantLogit()])
    model = gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=4, width=4), discriminator)
    model.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0), label_smoothing=smoothing)
    logs = model.train_step(tiny_images(8))
    assert abs(float(logs["d_loss"]) - 2 * np.log(2)) < 1e-5
    assert abs(float(logs["g_loss"]) - np.log(2)) < 1e-5
    assert abs(float(logs["d_real"]) - 0.5) < 1e-6 and abs(float(logs["d_fake"]) - 0.5) < 1e-6


def test_dcgan_fit_moves_both_networks_and_generates_reproducibly():
    keras.utils.set_random_seed(0)
    model = gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=8, width=4), gan.build_dcgan_discriminator(width=4))
    model.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5), label_smoothing=0.1)
    g_before = [w.copy() for w in model.generator.get_weights()]
    d_before = [w.copy() for w in model.discriminator.get_weights()]
    history = model.fit(tiny_images(64), batch_size=32, epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert any(not np.allclose(a, b) for a, b in zip(g_before, model.generator.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(d_before, model.discriminator.get_weights()))
    np.testing.assert_array_equal(model.generate(4, seed=1), model.generate(4, seed=1))
    assert not np.array_equal(model.generate(4, seed=1), model.generate(4, seed=2))


def test_dcgan_rejects_bad_label_smoothing():
    model = gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=4, width=4), gan.build_dcgan_discriminator(width=4))
    with pytest.raises(ValueError, match="label_smoothing"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), label_smoothing=0.7)


def test_fixed_noise_is_fixed():
    np.testing.assert_array_equal(gan.fixed_noise(3, 5, seed=2), gan.fixed_noise(3, 5, seed=2))
    assert gan.fixed_noise(3, 5).shape == (3, 5)


def test_lesson_07_dcgan_uses_its_settings():
    model = gan.build_lesson_07_dcgan({"g_width": 4, "d_width": 4})
    assert model.latent_dim == gan.LESSON_07_SETTINGS["latent_dim"]
    assert model.label_smoothing == gan.LESSON_07_SETTINGS["label_smoothing"]
    assert float(model.d_optimizer.learning_rate) == pytest.approx(gan.LESSON_07_SETTINGS["learning_rate"])
    assert float(model.g_optimizer.beta_1) == 0.5


def test_dcgan_ema_generator_follows_the_formula():
    """After step t = 0 the warmed-up decay is min(d, 1/10) = 0.1: w_ema = 0.1 * w_before + 0.9 * w_after."""
    keras.utils.set_random_seed(0)
    model = gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=8, width=4), gan.build_dcgan_discriminator(width=4),
                      ema_decay=0.999)
    model.compile(keras.optimizers.Adam(1e-2, beta_1=0.5), keras.optimizers.Adam(1e-2, beta_1=0.5))
    before = [w.numpy().copy() for w in model.generator.weights]
    np.testing.assert_array_equal(model.ema_generator.weights[0].numpy(), before[0])  # starts as a copy
    model.train_step(tiny_images(16))
    after = [w.numpy() for w in model.generator.weights]
    assert any(not np.allclose(a, b) for a, b in zip(before, after))
    for average, b, a in zip(model.ema_generator.weights, before, after):
        np.testing.assert_allclose(average.numpy(), 0.1 * b + 0.9 * a, rtol=1e-5, atol=1e-6)
    assert model.sampler is model.ema_generator
    noise = tf.random.stateless_normal((2, 8), seed=(5, 0))
    np.testing.assert_allclose(model.generate(2, seed=5), model.ema_generator(noise, training=False).numpy())


def test_dcgan_without_ema_samples_from_the_generator_and_rejects_bad_decay():
    model = gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=4, width=4), gan.build_dcgan_discriminator(width=4))
    assert model.sampler is model.generator and model.ema_generator is None
    with pytest.raises(ValueError, match="ema_decay"):
        gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=4, width=4), gan.build_dcgan_discriminator(width=4), ema_decay=1.0)


def test_r1_penalty_is_the_mean_squared_gradient_norm_per_image():
    gradients = tf.constant(np.stack([np.ones((2, 2, 1)), 2 * np.ones((2, 2, 1))]), tf.float32)   # |g|^2 = 4 and 16
    assert float(gan.r1_penalty(gradients)) == pytest.approx(10.0)   # mean over images, not sum, not norm


def _linear_critic_pair(r1_weight, w):
    """A fixed generator and a linear discriminator D(x) = w . x: its gradient at every image is w, so R1 = |w|^2 and
    the penalty's gradient with respect to w is r1_weight * w."""
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.Reshape((2, 2, 1))])
    critic = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(1, use_bias=False)])
    critic.layers[-1].set_weights([w.reshape(4, 1)])
    generator.set_weights([np.full((2, 4), 0.1, np.float32), np.zeros(4, np.float32)])
    model = gan.NonSaturatingGAN(generator, critic, seed=0)
    model.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.0), r1_weight=r1_weight)
    return model


def test_r1_adds_gamma_over_two_times_the_squared_slope_to_the_discriminator_loss():
    """With SGD, the discriminator's update with the penalty differs from the one without by exactly
    -lr * gamma * w; the logged r1 is |w|^2. A wrong factor (gamma, not gamma / 2), a norm instead of its square, or a
    penalty on generated images would all fail."""
    w = np.array([0.5, -1.0, 2.0, 0.0], np.float32)
    real = np.random.default_rng(0).uniform(-1, 1, (8, 2, 2, 1)).astype(np.float32)
    updated = {}
    for gamma in (0.0, 3.0):
        model = _linear_critic_pair(gamma, w)
        logs = model.train_on_batch(real, return_dict=True)
        updated[gamma] = model.discriminator.get_weights()[0][:, 0]
        if gamma:
            assert logs["r1"] == pytest.approx(float(np.sum(w ** 2)), rel=1e-5)
        else:
            assert "r1" not in logs
    np.testing.assert_allclose(updated[3.0] - updated[0.0], -0.1 * 3.0 * w, rtol=1e-4, atol=1e-6)


def test_hinge_losses_have_the_right_values():
    model = gan.HingeGAN(gan.build_dcgan_generator(8, width=4), gan.build_dcgan_discriminator(width=4))
    real, fake = tf.constant([[2.0], [0.5]]), tf.constant([[-2.0], [0.0]])
    d_loss, logs = model.discriminator_loss(real, fake, None, None, None)
    assert float(d_loss) == pytest.approx(0.25 + 0.5)   # only the 0.5 real and the 0 fake are inside the margin
    assert float(model.generator_loss(fake)) == pytest.approx(1.0)
    assert float(logs["d_real"]) == pytest.approx(1.25) and float(logs["d_fake"]) == pytest.approx(-1.0)


def test_lesson_07_dcgan_builds_each_loss_and_refuses_unknown_ones():
    hinge = gan.build_lesson_07_dcgan({"loss": "hinge", "label_smoothing": 0.0, "g_width": 4, "d_width": 4})
    assert isinstance(hinge, gan.HingeGAN)
    assert isinstance(gan.build_lesson_07_dcgan({"g_width": 4, "d_width": 4}), gan.NonSaturatingGAN)
    with pytest.raises(ValueError, match="label_smoothing=0"):
        gan.build_lesson_07_dcgan({"loss": "hinge"})
    with pytest.raises(ValueError, match="not one of the course's GAN losses"):
        gan.build_lesson_07_dcgan({"loss": "wasserstein"})
    with pytest.raises(ValueError, match="r1_weight"):
        gan.build_lesson_07_dcgan({"r1_weight": -1.0})
