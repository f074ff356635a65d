"""Every image model of the course builds and trains for 28x28 grey, 32x32 colour and 64x64 colour images with the
same code: the image shape is a parameter, not a copy of the grey code (issue 14). One training step each.

The steps run eagerly (``run_eagerly=True``): what is tested is that every shape flows through every layer and loss;
tracing the same steps into graphs would triple the time, and the graph path is what the other model tests and the
lessons themselves run."""
import keras
import numpy as np
import pytest

from course_utils import cgan, classifier, datasets, diffusion, gan, vae, wgan

SHAPES = [(28, 28, 1), (32, 32, 3), (64, 64, 3)]
ids = ["28x28x1", "32x32x3", "64x64x3"]


def _images(shape, n=8, low=-1.0):
    return np.random.default_rng(0).uniform(low, 1.0, (n, *shape)).astype(np.float32)


def _moved(before, after):
    return any(not np.allclose(a, b) for a, b in zip(before, after))


def _adam():
    return keras.optimizers.Adam(1e-3)


@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_dcgan_networks_make_and_read_the_shape(shape):
    generator = gan.build_dcgan_generator(latent_dim=8, width=8, image_shape=shape)
    discriminator = gan.build_dcgan_discriminator(width=8, image_shape=shape)
    assert generator.output_shape == (None, *shape) and discriminator.output_shape == (None, 1)
    doublings = sum(isinstance(layer, keras.layers.Conv2DTranspose) for layer in generator.layers)
    assert doublings == gan.upsampling_plan(shape)[1] == {28: 2, 32: 3, 64: 4}[shape[0]]


def test_the_28x28_dcgan_is_lesson_07s_network_layer_for_layer():
    """The shipped lesson-07 checkpoints hold these very weights: the default shape must not change them."""
    generator = gan.build_dcgan_generator(latent_dim=64, width=32)
    assert [tuple(w.shape) for w in generator.weights if "kernel" in w.path] == [(64, 3136), (4, 4, 32, 64), (4, 4, 1, 32)]
    discriminator = gan.build_dcgan_discriminator(width=32)
    assert [tuple(w.shape) for w in discriminator.weights if "kernel" in w.path] == [(4, 4, 1, 32), (4, 4, 32, 64), (3136, 1)]


@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_non_saturating_and_wgan_gp_train_a_step(shape):
    images = _images(shape)
    for model in (gan.NonSaturatingGAN(gan.build_dcgan_generator(8, width=8, image_shape=shape),
                                       gan.build_dcgan_discriminator(width=8, image_shape=shape), ema_decay=0.9, seed=1),
                  wgan.WGANGP(gan.build_dcgan_generator(8, width=8, image_shape=shape),
                              gan.build_dcgan_discriminator(width=8, image_shape=shape), seed=1)):
        if isinstance(model, wgan.WGANGP):
            model.compile(_adam(), _adam(), critic_steps=2, run_eagerly=True)
        else:
            model.compile(_adam(), _adam(), run_eagerly=True)
        before = model.generator.get_weights()
        model.fit(datasets.make_dataset(images, batch_size=4), epochs=1, steps_per_epoch=1, verbose=0)
        assert _moved(before, model.generator.get_weights())
        assert model.generate(3, seed=2).shape == (3, *shape)


@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_conditional_gan_trains_a_step(shape):
    model = cgan.build_lesson_09_cgan({"latent_dim": 8, "g_width": 8, "d_width": 8}, image_shape=shape)
    model.compile(_adam(), _adam(), run_eagerly=True)
    before = model.generator.get_weights()
    model.fit(datasets.make_dataset(_images(shape), np.arange(8) % 10, batch_size=4), epochs=1, steps_per_epoch=1, verbose=0)
    assert _moved(before, model.generator.get_weights())
    assert model.generate([0, 3, 9]).shape == (3, *shape)


@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_fully_connected_gan_of_lesson_06_trains_a_step(shape):
    generator = gan.build_generator(latent_dim=8, image_shape=shape)
    discriminator = gan.build_discriminator(image_shape=shape)
    history = gan.train_gan(generator, discriminator, gan.build_gan(generator, discriminator), _images(shape),
                            epochs=1, batch_size=8)
    assert len(history["g_loss"]) == 1 and generator.output_shape == (None, *shape)


@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_vae_and_conditional_vae_train_a_step(shape):
    images = _images(shape, low=0.0)
    model = vae.VAE(vae.build_encoder(4, image_shape=shape), vae.build_decoder(4, image_shape=shape), seed=0)
    model.compile(_adam(), run_eagerly=True)
    model.fit(images, batch_size=4, epochs=1, verbose=0)
    assert model.generate(2).shape == (2, *shape) and set(model.negative_elbo(images)) == {"loss", "reconstruction", "kl"}
    conditional = vae.ConditionalVAE(vae.build_encoder(2, n_classes=10, image_shape=shape),
                                     vae.build_decoder(2, n_classes=10, image_shape=shape))
    conditional.compile(_adam(), run_eagerly=True)
    conditional.fit(datasets.make_dataset(images, np.arange(8) % 10, batch_size=4), epochs=1, verbose=0)
    assert conditional.generate([1, 2]).shape == (2, *shape)


@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_classifier_and_denoiser_train_a_step(shape):
    images = _images(shape)
    judge = classifier.build_classifier(image_shape=shape)
    judge.compile(_adam(), keras.losses.SparseCategoricalCrossentropy(from_logits=True), run_eagerly=True)
    judge.fit(images, np.arange(8) % 10, epochs=1, verbose=0)
    features, probabilities = classifier.features_and_probabilities(judge, images)
    assert features.shape == (8, 64) and probabilities.shape == (8, 10)
    model = diffusion.DiffusionModel(diffusion.build_denoiser(widths=(8, 16), image_shape=shape),
                                     diffusion.NoiseSchedule.linear(50), seed=0)
    model.compile(optimizer=_adam(), run_eagerly=True)
    history = model.fit(datasets.make_dataset(images, batch_size=4), epochs=1, steps_per_epoch=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert diffusion.ddim_sample(model.ema_denoiser, 2, model.schedule, steps=3).shape == (2, *shape)


@pytest.mark.parametrize("bad", [(28, 28), (28, 28, 2), (4, 4, 1), "28x28"])
def test_an_impossible_image_shape_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="image_shape must be"):
        gan.build_dcgan_generator(image_shape=bad)
    with pytest.raises(ValueError, match="image_shape must be"):
        vae.build_encoder(image_shape=bad)


IMAGE_RECIPES = ["lesson06", "lesson07", "lesson09", "lesson10_vae", "lesson12_cvae", "lesson13_wgan_gp", "lesson17_pixel"]


@pytest.mark.parametrize("prefix", IMAGE_RECIPES)
def test_every_image_recipe_builds_and_trains_for_colour_avatars(prefix):
    """The colour capstone trains the course's recipes on 32x32 RGB avatars: each builds for that shape and takes a
    step through its own training (``recipe.train`` with a one-step budget), DiffAugment included for lesson 07's."""
    from course_utils import recipes, training

    recipe = recipes.RECIPES[prefix]
    shape = (32, 32, 3)
    overrides = {"diff_augment": True} if prefix == "lesson07" else {}
    model = recipe.build(overrides, image_shape=shape)
    n = recipe.settings["batch_size"]   # one batch
    pixels = np.random.default_rng(0).integers(0, 256, (n, *shape), dtype=np.uint8)
    data, labels = recipe.scale(pixels), np.arange(n) % 10
    if recipe.budget_seconds[recipe.default_dataset] is None:
        _, history = recipe.train(model, data, labels, epochs=1)
    else:
        budget, history = recipe.train(model, data, labels, budget=training.TimeBudget(float("inf"), max_steps=1))
        assert budget.steps == 1
    losses = getattr(history, "history", history)
    assert all(np.isfinite(values[-1]) for values in losses.values())
