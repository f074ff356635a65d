import keras
import numpy as np
import pytest

from course_utils import cgan, datasets


def tiny_batch(n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), np.arange(n) % 10


def tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    return cgan.build_lesson_09_cgan({"latent_dim": 8, "embedding_dim": 4, "g_width": 4, "d_width": 4,
                                      "learning_rate": 1e-3})


def test_shapes():
    generator = cgan.build_conditional_generator(latent_dim=8, n_classes=5, width=4, embedding_dim=3)
    images = generator([np.zeros((3, 8), np.float32), np.array([0, 2, 4])]).numpy()
    assert images.shape == (3, 28, 28, 1) and np.abs(images).max() <= 1.0
    discriminator = cgan.build_conditional_discriminator(n_classes=5, width=4)
    assert discriminator([images, np.array([0, 2, 4])]).shape == (3, 1)


def test_train_step_moves_both_networks():
    model = tiny_model()
    g_before = [w.copy() for w in model.generator.get_weights()]
    d_before = [w.copy() for w in model.discriminator.get_weights()]
    g_embedding = model.generator.get_layer("class_embedding").get_weights()[0].copy()
    d_projection = model.discriminator.get_layer("class_projection").get_weights()[0].copy()
    images, labels = tiny_batch(32)
    history = model.fit(datasets.make_dataset(images, labels, batch_size=16), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert any(not np.allclose(a, b) for a, b in zip(g_before, model.generator.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(d_before, model.discriminator.get_weights()))
    # the class vectors of both networks are trained too: they are what carries the label
    assert not np.allclose(g_embedding, model.generator.get_layer("class_embedding").get_weights()[0])
    assert not np.allclose(d_projection, model.discriminator.get_layer("class_projection").get_weights()[0])


def test_generate_is_deterministic_and_depends_on_the_label():
    model = tiny_model()
    model.train_step(tiny_batch())  # move the embedding away from its small random start
    np.testing.assert_array_equal(model.generate([3, 7], seed=1), model.generate([3, 7], seed=1))
    assert not np.array_equal(model.generate([3], seed=1), model.generate([3], seed=2))
    three, seven = model.generate([3], seed=1), model.generate([7], seed=1)   # same noise, different class
    assert np.abs(three - seven).max() > 1e-4
    images = model.generate(np.arange(10), seed=0)
    assert images.shape == (10, 28, 28, 1) and images.min() >= -1.0 and images.max() <= 1.0


def test_generate_with_given_noise_holds_the_style():
    model = tiny_model()
    noise = np.random.default_rng(0).standard_normal((1, model.latent_dim)).astype(np.float32)
    np.testing.assert_array_equal(model.generate([5], noise=noise), model.generate([5], noise=noise, seed=99))
    with pytest.raises(ValueError, match="noise must have shape"):
        model.generate([1, 2], noise=noise)


def test_discriminator_uses_the_label():
    keras.utils.set_random_seed(0)
    discriminator = cgan.build_conditional_discriminator(width=4)
    images, _ = tiny_batch(4)
    as_three = discriminator([images, np.full(4, 3)], training=False).numpy()
    as_seven = discriminator([images, np.full(4, 7)], training=False).numpy()
    assert np.abs(as_three - as_seven).max() > 1e-5
    np.testing.assert_allclose(as_three, discriminator([images, np.full(4, 3)], training=False).numpy())


def test_generator_uses_the_label():
    keras.utils.set_random_seed(0)
    generator = cgan.build_conditional_generator(latent_dim=8, width=4, embedding_dim=4)
    z = np.ones((2, 8), np.float32)
    images = generator([z, np.array([3, 7])], training=False).numpy()
    assert np.abs(images[0] - images[1]).max() > 1e-5


class ConstantLogit(keras.layers.Layer):
    """Logit w * mean(x) with w = 0: D = 1/2 whatever it sees, yet there is a gradient path to w and the generator."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(), initializer="zeros")

    def call(self, x):
        return self.w * keras.ops.mean(x, axis=-1, keepdims=True)


def half_discriminator(n_classes=10):
    image = keras.Input((28, 28, 1))
    label = keras.Input((), dtype="int32")
    class_vector = keras.layers.Embedding(n_classes, 1)(label)
    features = keras.layers.Concatenate()([keras.layers.Flatten()(image), class_vector])
    return keras.Model([image, label], ConstantLogit()(features))


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_losses_have_the_right_values(smoothing):
    """With logit 0 (D = 1/2) for every pair: d_loss = BCE(1-s, 1/2) + BCE(0, 1/2) = 2 log 2, g_loss = log 2."""
    generator = cgan.build_conditional_generator(latent_dim=4, width=4, embedding_dim=2)
    model = cgan.ConditionalGAN(generator, half_discriminator())
    model.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0), label_smoothing=smoothing)
    logs = model.train_step(tiny_batch(8))
    assert abs(float(logs["d_loss"]) - 2 * np.log(2)) < 1e-5
    assert abs(float(logs["g_loss"]) - np.log(2)) < 1e-5
    assert abs(float(logs["d_real"]) - 0.5) < 1e-6 and abs(float(logs["d_fake"]) - 0.5) < 1e-6


def test_bad_labels_raise_clear_errors():
    model = tiny_model()
    images, labels = tiny_batch(8)
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9"):
        model.train_step((images, labels + 5))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9"):
        model.generate([-1, 2])
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9"):
        model.generate([10])
    with pytest.raises(ValueError, match="8 images but 5 labels"):
        model.train_step((images, labels[:5]))
    with pytest.raises(ValueError, match="integer class indices"):
        model.generate([1.5, 2.0])
    with pytest.raises(ValueError, match=r"\(images, labels\) batches"):
        model.train_step(images)


def test_out_of_range_labels_stop_fit():
    """Inside fit (a graph) the check is a runtime assertion: training stops instead of reading a wrong row."""
    import tensorflow as tf

    model = tiny_model()
    images, labels = tiny_batch(16)
    with pytest.raises((ValueError, tf.errors.InvalidArgumentError), match="labels must be"):
        model.fit(datasets.make_dataset(images, labels + 10, batch_size=8), epochs=1, verbose=0)


def test_lesson_09_cgan_uses_its_settings():
    model = cgan.build_lesson_09_cgan({"g_width": 4, "d_width": 4})
    s = cgan.LESSON_09_SETTINGS
    assert model.latent_dim == s["latent_dim"] and model.n_classes == s["n_classes"]
    assert model.label_smoothing == s["label_smoothing"]
    assert float(model.d_optimizer.learning_rate) == pytest.approx(s["learning_rate"])
    assert float(model.g_optimizer.beta_1) == pytest.approx(s["beta_1"])
    with pytest.raises(ValueError, match="unknown settings"):
        cgan.build_lesson_09_cgan({"widht": 4})
    with pytest.raises(ValueError, match="label_smoothing"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), label_smoothing=0.7)


def test_diff_augment_reaches_only_the_image_and_only_in_training():
    """gan.diff_augmented on the conditional discriminator (lesson 18): in inference it is the discriminator itself; in
    training the image is augmented (other logits), and the label still decides the answer."""
    keras.utils.set_random_seed(0)
    model = cgan.build_lesson_09_cgan({"g_width": 4, "d_width": 4, "d_dropout": 0.0, "diff_augment": True, "ema_decay": 0.99},
                                      image_shape=(16, 16, 3))
    wrapped = model.discriminator
    inner = next(layer for layer in wrapped.layers if layer.name == "conditional_discriminator")
    images = np.random.default_rng(1).uniform(-1, 1, (8, 16, 16, 3)).astype(np.float32)
    labels = np.arange(8) % 10
    np.testing.assert_allclose(wrapped([images, labels], training=False), inner([images, labels], training=False), atol=1e-6)
    assert not np.allclose(wrapped([images, labels], training=True), inner([images, labels], training=False), atol=1e-4)
    assert not np.allclose(wrapped([images, labels], training=False), wrapped([images, (labels + 1) % 10], training=False))
    assert model.ema_generator is not None and model.sampler is model.ema_generator
    assert model.generate(np.arange(4)).shape == (4, 16, 16, 3)
