"""Same seed, same training run: every train step draws its randomness from seeded Keras generators (issue 14).

Each model is built and trained twice for the same few steps from the same seed; the weights must agree exactly.
Before, the GAN, WGAN-GP and diffusion steps drew unseeded ``tf.random`` noise. The non-saturating GAN and the
diffusion model run their steps as graphs (``fit``'s default, what the lessons run); the others eagerly, which draws
from the same seed generators and keeps this file fast (``make unit``)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import cgan, datasets, diffusion, gan, training, vae, wgan

IMAGES = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
LABELS = np.arange(32) % 10


def _non_saturating():
    model = gan.NonSaturatingGAN(gan.build_dcgan_generator(8, width=4), gan.build_dcgan_discriminator(width=4),
                                 ema_decay=0.9, seed=3)
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return model, datasets.make_dataset(IMAGES, batch_size=8, seed=0)


def _conditional():
    model = cgan.build_lesson_09_cgan({"latent_dim": 8, "g_width": 4, "d_width": 4})
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), run_eagerly=True)
    return model, datasets.make_dataset(IMAGES, LABELS, batch_size=8, seed=0)


def _wgan_gp():
    model = wgan.WGANGP(gan.build_dcgan_generator(8, width=4), gan.build_dcgan_discriminator(width=4), seed=3)
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), critic_steps=2, run_eagerly=True)
    return model, datasets.make_dataset(IMAGES, batch_size=8, seed=0)


def _vae():
    model = vae.VAE(vae.build_encoder(4, hidden=(16,)), vae.build_decoder(4, hidden=(16,)), dynamic_binarization=True,
                    seed=3)
    model.compile(keras.optimizers.Adam(1e-3), run_eagerly=True)
    return model, datasets.make_dataset((IMAGES + 1) / 2, batch_size=8, seed=0)


def _diffusion():
    """The vector denoiser of latent diffusion: the same train_step as the image one, at a tenth of the tracing time."""
    model = diffusion.DiffusionModel(diffusion.build_mlp_denoiser(16, width=32, depth=1), diffusion.NoiseSchedule.linear(50),
                                     seed=3)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    vectors = tf.data.Dataset.from_tensor_slices(IMAGES.reshape(32, -1)[:, :16]).shuffle(32, seed=0).batch(8)
    return model, vectors


@pytest.mark.parametrize("build", [_non_saturating, _conditional, _wgan_gp, _vae, _diffusion],
                         ids=["non-saturating GAN", "conditional GAN", "WGAN-GP", "VAE", "diffusion"])
def test_two_runs_from_the_same_seed_end_with_the_same_weights(build):
    runs = []
    for _ in range(2):
        training.set_seed(0)
        model, data = build()
        model.fit(data, epochs=1, steps_per_epoch=3, shuffle=False, verbose=0)
        runs.append([w.numpy().copy() for w in model.weights])
    assert len(runs[0]) == len(runs[1])
    for first, second in zip(*runs):
        np.testing.assert_array_equal(first, second)


def test_vae_evaluation_is_repeatable_and_leaves_the_training_noise_alone(monkeypatch):
    training.set_seed(0)
    model, _ = _vae()
    x = (IMAGES[:16] + 1) / 2
    state = model.sampling.seed_generator.state
    before = keras.ops.convert_to_numpy(state.value).copy()
    first = model.negative_elbo(x, seed=5)
    monkeypatch.setattr(keras.utils, "set_random_seed", lambda seed: pytest.fail("negative_elbo reseeded the process"))
    assert model.negative_elbo(x, seed=5) == first        # the same seed gives the same numbers
    assert model.negative_elbo(x, seed=6) != first
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(state.value), before)   # training's stream goes on unchanged
