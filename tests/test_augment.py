"""DiffAugment (course_utils.augment): shapes kept, one random transformation per seed whatever the image
(so real and generated batches get the same kind of operation), differentiable, bad input refused."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import augment, gan


def images(n=6, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


@pytest.mark.parametrize("op", [augment.translation, augment.cutout, augment.diff_augment])
def test_shapes_and_dtype_are_kept(op):
    out = op(images(), seed=1)
    assert out.shape == (6, 28, 28, 1) and out.dtype == tf.float32
    assert np.all(np.isfinite(out.numpy()))


def test_translation_moves_pixels_without_changing_them():
    x = np.full((64, 28, 28, 1), -1.0, np.float32)
    x[:, 12, 15, 0] = 1.0                                   # one bright pixel per image
    out = augment.translation(x, ratio=0.125, fill=-1.0, seed=2).numpy()
    positions = np.array([np.argwhere(o[..., 0] == 1.0)[0] for o in out])
    shifts = positions - np.array([12, 15])
    assert np.all(np.abs(shifts) <= 3)                     # 0.125 * 28 = 3.5 -> at most 3 pixels
    assert len({tuple(s) for s in shifts}) > 5             # each image gets its own shift
    assert np.all(np.isin(out, [-1.0, 1.0]))               # a pure shift: no value is blended


def test_cutout_blanks_one_square():
    out = augment.cutout(np.ones((32, 28, 28, 1), np.float32), ratio=0.5, fill=0.0, seed=3).numpy()
    blanked = (out == 0).reshape(32, -1).sum(1)
    assert np.all(blanked <= 14 * 14) and np.all(blanked >= 7 * 7)   # a 14x14 square, at most half off the edge
    assert np.all(np.isin(out, [0.0, 1.0]))


@pytest.mark.parametrize("op", [augment.translation, augment.cutout, augment.diff_augment])
def test_one_seed_one_operation_whatever_the_images(op):
    """The transformation depends on the seed, not on the pixels: with the same seed it is one linear map,
    applied alike to a 'real' and a 'fake' batch (fill 0: op(a x + b y) = a op(x) + b op(y))."""
    real, fake = images(seed=1), images(seed=2)
    mixed = op(0.3 * real + 0.7 * fake, seed=5).numpy()
    np.testing.assert_allclose(mixed, 0.3 * op(real, seed=5).numpy() + 0.7 * op(fake, seed=5).numpy(), atol=1e-5)
    assert not np.allclose(op(real, seed=5).numpy(), op(real, seed=6).numpy())   # other seed, other draw


def test_gradient_flows_through_the_augmentation():
    x = tf.Variable(images())
    weights = tf.constant(images(seed=9))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(weights * augment.cutout(x, seed=4))
    grad = tape.gradient(loss, x)
    mask = augment.cutout(np.ones((6, 28, 28, 1), np.float32), seed=4)        # the same squares
    np.testing.assert_allclose(grad.numpy(), weights.numpy() * mask.numpy(), atol=1e-6)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(weights * augment.diff_augment(x, seed=4))
    grad = tape.gradient(loss, x)
    assert grad is not None and np.all(np.isfinite(grad.numpy())) and np.abs(grad.numpy()).sum() > 0


class CountingAugment(augment.DiffAugment):
    calls = 0

    def call(self, x, training=False):
        if training:
            CountingAugment.calls += 1
        return super().call(x, training=training)


def test_layer_augments_in_training_only_and_every_discriminator_call():
    layer = augment.DiffAugment(seed=0)
    x = images()
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    first, second = layer(x, training=True).numpy(), layer(x, training=True).numpy()
    assert not np.allclose(first, second)                 # a new draw at every call
    # In front of a DCGAN's discriminator: real and generated images, in both players' updates, are augmented.
    keras.utils.set_random_seed(0)
    CountingAugment.calls = 0
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), CountingAugment(seed=0), gan.build_dcgan_discriminator(width=8)])
    model = gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=8, width=8), discriminator)
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), run_eagerly=True)
    before = [w.copy() for w in model.generator.get_weights()]
    logs = model.fit(images(16), batch_size=8, epochs=1, verbose=0, shuffle=False).history
    assert CountingAugment.calls == 2 * 3                # 2 steps x (real, fake for D; fake for G)
    assert np.isfinite(logs["g_loss"][-1])
    assert any(not np.allclose(a, b) for a, b in zip(before, model.generator.get_weights()))  # G learns through it


def test_layer_saves_and_reloads(tmp_path):
    model = keras.Sequential([keras.Input((28, 28, 1)), augment.DiffAugment(policy=["cutout"], fill=-1.0, seed=3)])
    model.save(tmp_path / "m.keras")
    layer = keras.saving.load_model(tmp_path / "m.keras").layers[0]
    assert layer.policy == ("cutout",) and layer.fill == -1.0


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        augment.translation(np.zeros((28, 28, 1), np.float32), seed=0)
    with pytest.raises(ValueError, match="floats"):
        augment.cutout(np.zeros((2, 28, 28, 1), np.uint8), seed=0)
    with pytest.raises(ValueError, match="unknown augmentation"):
        augment.diff_augment(images(), policy=("colour",), seed=0)
    with pytest.raises(ValueError, match="unknown augmentation"):
        augment.DiffAugment(policy="flip")
    with pytest.raises(ValueError, match="pass a seed"):
        augment.translation(images())
    with pytest.raises(ValueError, match="ratio"):
        augment.cutout(images(), ratio=1.5, seed=0)


def test_dcgan_with_diffaugment_trains_under_a_distribution_strategy():
    """The lesson's scaling-out path: the lesson-07 DCGAN (here with DiffAugment) built inside a MirroredStrategy
    scope (all GPUs there are; here the CPU alone) and trained for two steps. Keras builds an unbuilt model under
    a strategy by calling it on a data batch, which would feed images to a GAN's call (it takes noise): the GAN
    must arrive built, with nothing more for the learner to do."""
    keras.utils.set_random_seed(0)
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        discriminator = keras.Sequential([keras.Input((28, 28, 1)), augment.DiffAugment(seed=0), gan.build_dcgan_discriminator(width=8)])
        model = gan.NonSaturatingGAN(gan.build_dcgan_generator(latent_dim=8, width=8), discriminator, ema_decay=0.99)
        model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    before = [w.copy() for w in model.generator.get_weights()]
    logs = model.fit(tf.data.Dataset.from_tensor_slices(images(32)).batch(16), epochs=1, verbose=0).history
    assert all(np.isfinite(logs[key][-1]) for key in ("d_loss", "g_loss"))
    assert any(not np.allclose(a, b) for a, b in zip(before, model.generator.get_weights()))
