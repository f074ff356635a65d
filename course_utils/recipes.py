"""Recipes: every trained model of the course in one place (issue 14).

A recipe holds what makes one of the course's trained models: its settings, its builder, the data it trains on,
how it trains for a budget, its full-mode budget and the names of its shipped checkpoints. The lesson,
``data/make_checkpoints.py`` and the benchmark (``benchmarks/dcgan_vs_tutorial.py``) all take the model from its
recipe, so they cannot drift apart; the lesson still shows the code it teaches (the builder's source, the
``train_step``). Loading a checkpoint compares the recipe's settings with those the checkpoint was trained with: a
changed setting is refused, named, instead of loading weights that belong to another model.

The settings and builders themselves live with their models (``gan.LESSON_07_SETTINGS`` and
``gan.build_lesson_07_dcgan``, ...); a recipe joins them to data, budget and checkpoints. :data:`RECIPES` lists
them all by checkpoint prefix; :func:`for_lesson` gives a lesson's.

>>> model = LESSON_07.build()                      # the lesson-07 DCGAN, compiled
>>> budget, history = LESSON_07.train(model, images, budget=training.lesson_budget(60, quick_steps=100))
>>> model, entry = LESSON_07.load("mnist")         # the same model with the shipped weights (settings checked)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import keras
import numpy as np

from . import cgan, checkpoints, datasets, diffusion, gan, self_conditioned_gan, training, vae, wgan


@dataclass(frozen=True, eq=False)
class Recipe:
    """One trained model of the course.

    * ``settings``: every choice that makes the model and its training (the builder's settings).
    * ``builder(settings, image_shape) -> model``: the compiled model (for lesson 06, ``gan.SkeletonGAN``).
    * ``budget_seconds``: the full-mode training seconds per dataset (``None`` for a recipe that trains for
      ``settings["epochs"]`` epochs).
    * ``checkpoint``: the shipped checkpoints' names, with ``{dataset}`` and ``{network}`` filled in, one per
      entry of ``networks`` (the checkpoint's network name -> the model's attribute that holds it; ``"sampler"`` is
      a GAN's weight-averaged generator).
    * ``scale``: uint8 images -> what the model trains on (``[-1, 1]`` for the GANs and diffusion, ``[0, 1]`` for
      the VAEs); ``conditional``: the model trains on ``(images, labels)``.
    * ``trainer``: how a recipe that is not trained by ``fit`` trains (lesson 06's loop); ``None`` for ``fit``.
    * ``image_shape``: the images it makes (28x28 grey for lessons 06-17, 32x32 colour for lesson 18).
    * ``n_images``: it trains on the first ``n_images`` training images only (lesson 18's scarce-data GAN); ``None``:
      on all of them. :meth:`training_data` applies it.
    * ``labeller(settings, images) -> labels``: a conditional model that makes its own labels from the (scaled)
      images, instead of the data set's (lesson 07's self-conditioned DCGAN: k-means clusters); :meth:`training_data`
      applies it.
    """

    name: str
    lesson: str
    settings: Mapping[str, Any]
    builder: Callable[..., Any]
    budget_seconds: Mapping[str, float | None]
    checkpoint: str | None
    networks: Mapping[str, str] = field(default_factory=lambda: {"generator": "generator"})
    scale: Callable[[np.ndarray], np.ndarray] = datasets.to_minus_one_one
    conditional: bool = False
    trainer: Callable[..., Any] | None = None
    shuffle_seed: int = 0
    image_shape: tuple[int, int, int] = gan.IMAGE_SHAPE
    n_images: int | None = None
    labeller: Callable[[Mapping[str, Any], np.ndarray], np.ndarray] | None = None

    # ------------------------------------------------------------------ the model
    def build(self, settings: Mapping[str, Any] | None = None, image_shape=None):
        """The compiled model with the recipe's settings (``settings`` overrides some, for an experiment), for the
        recipe's ``image_shape`` (28x28 grey, or 32x32 colour for lesson 18) or another one."""
        return self.builder(training.merge_settings(dict(self.settings), dict(settings or {})),
                            image_shape=image_shape or self.image_shape)

    def variant(self, name: str, checkpoint: str | None, budget_seconds: Mapping[str, float | None] | None = None,
                settings: Mapping[str, Any] | None = None, lesson: str | None = None, image_shape=None,
                n_images: int | None = None) -> "Recipe":
        """The same model trained again elsewhere, with other settings, budget, checkpoint names, image shape or
        number of training images (lesson 12's beta-VAEs, lesson 13's seven generators, lesson 18's colour models);
        ``checkpoint=None`` for one that ships none (lesson 15's small conditional VAE)."""
        return dataclasses.replace(self, name=name, checkpoint=checkpoint, lesson=lesson or self.lesson,
                                   budget_seconds=dict(budget_seconds or self.budget_seconds),
                                   settings=training.merge_settings(dict(self.settings), dict(settings or {})),
                                   image_shape=image_shape or self.image_shape, n_images=n_images or self.n_images)

    # ------------------------------------------------------------------ data and training
    @property
    def default_dataset(self) -> str:
        return next(iter(self.budget_seconds))

    def budget(self, quick_steps: int, dataset: str | None = None) -> training.TimeBudget:
        """A fresh training budget for the run mode: the recipe's full-mode seconds on ``dataset``, or exactly
        ``quick_steps`` steps in quick mode (``training.lesson_budget``)."""
        seconds = self.budget_seconds[dataset or self.default_dataset]
        if seconds is None:
            raise ValueError(f"{self.name} trains for settings['epochs'] epochs, not for a time budget.")
        return training.lesson_budget(seconds, quick_steps)

    def training_data(self, images, labels=None):
        """The recipe's training images (uint8, as the loaders return them), scaled (``scale``), and their labels: the
        first ``n_images`` of them where the recipe trains on fewer; for a recipe with a ``labeller``, the labels it
        makes from the scaled images (the data set's are not used)."""
        images = images[: self.n_images] if self.n_images else images
        labels = None if labels is None else (labels[: self.n_images] if self.n_images else labels)
        scaled = self.scale(images)
        return scaled, (self.labeller(self.settings, scaled) if self.labeller else labels)

    def dataset(self, data, labels=None):
        """The ``tf.data`` pipeline the model trains on (``datasets.make_dataset``): shuffled batches of
        ``settings["batch_size"]``. ``data`` is already scaled (``self.scale``): images ``(N, H, W, C)`` or vectors
        ``(N, d)`` (points, codes)."""
        if self.conditional and labels is None:
            raise ValueError(f"{self.name} is a conditional model: it trains on images and their labels.")
        data = np.asarray(data)
        batch_size = self.settings["batch_size"]
        if len(data) < batch_size:   # every batch is full (drop_remainder): no batch at all would train forever on nothing
            raise ValueError(f"{self.name} trains on batches of {batch_size}, but got only {len(data)} examples: give it "
                             f"at least {batch_size}, or build it with a smaller batch_size setting.")
        return datasets.make_dataset(data, labels if self.conditional else None, batch_size=batch_size,
                                     seed=self.shuffle_seed)

    def train(self, model, data, labels=None, budget: training.TimeBudget | None = None, epochs: int | None = None,
              callbacks=(), steps_per_epoch: int | None = None, show_progress: bool = True, **fit_kwargs):
        """Train ``model`` on ``data`` (scaled) until ``budget`` is spent (``training.lesson_budget``: seconds in
        full mode, steps in quick mode) or for ``epochs`` epochs. With ``steps_per_epoch`` the data repeat and an
        "epoch" is that many steps (one logged loss each). Returns the budget (``None`` without one) and the
        ``History`` that ``fit`` returns. A ``training.TrainingProgress`` line shows the run's steps, time and losses
        every 5 seconds, and for a model that draws images a grid of its samples every 30 seconds
        (``show_progress=False`` turns both off)."""
        if (budget is None) == (epochs is None):
            raise ValueError("train for a budget (training.lesson_budget(...)) or for a number of epochs: give one.")
        if self.trainer is not None:
            return budget, self.trainer(self, model, data, labels, epochs=epochs, budget=budget, callbacks=callbacks)
        pipeline = self.dataset(data, labels)
        if steps_per_epoch is not None:
            pipeline = pipeline.repeat()
        preview, value_range = training.preview_of(model)   # image models: a grid of samples, refreshed in place
        progress = ([training.TrainingProgress(self.name, budget, preview=preview, value_range=value_range)]
                    if show_progress else [])
        history = model.fit(pipeline, epochs=epochs or 1_000_000, steps_per_epoch=steps_per_epoch, shuffle=False,
                            verbose=0, callbacks=[*([budget] if budget else []), *callbacks, *progress], **fit_kwargs)
        return budget, history

    # ------------------------------------------------------------------ checkpoints
    def checkpoint_names(self, dataset: str | None = None) -> dict[str, str]:
        """``{network: checkpoint name}`` of the recipe's shipped checkpoints for ``dataset``."""
        dataset = dataset or self.default_dataset
        if not self.checkpoint:
            raise ValueError(f"{self.name} ships no checkpoint: train it (unset COURSE_TRAINING).")
        if dataset not in self.budget_seconds:
            raise ValueError(f"{self.name} is trained on {sorted(self.budget_seconds)}, not {dataset!r}.")
        return {network: self.checkpoint.format(dataset=dataset, network=network) for network in self.networks}

    def checkpoint_name(self, dataset: str | None = None) -> str:
        """The name of the recipe's first (often only) checkpoint for ``dataset``."""
        return next(iter(self.checkpoint_names(dataset).values()))

    def checkpoint_settings(self, dataset: str | None = None, seconds: float | None = None) -> dict:
        """What the checkpoints' manifest entries record as their settings (and what loading compares)."""
        recorded = {**self.settings, "dataset": dataset or self.default_dataset}
        if self.image_shape != gan.IMAGE_SHAPE:
            recorded["image_shape"] = list(self.image_shape)
        if self.n_images:
            recorded["n_images"] = self.n_images
        return recorded if seconds is None else {**recorded, "budget_seconds": seconds}

    def load_into(self, model, dataset: str | None = None, directory=None) -> dict:
        """Copy the shipped checkpoints of ``dataset`` into ``model`` (built by :meth:`build`) and return the manifest
        entry of the first. Refuses a checkpoint trained with other settings than the recipe's
        (``checkpoints.CheckpointError``, naming the setting)."""
        entries = [checkpoints.load_weights_into(getattr(model, self.networks[network]), name, directory,
                                                 settings=self.checkpoint_settings(dataset))
                   for network, name in self.checkpoint_names(dataset).items()]
        return entries[0]

    def load(self, dataset: str | None = None, directory=None):
        """The model built from the recipe with the shipped checkpoints' weights, and the first checkpoint's manifest
        entry (steps, seconds, history of the run that made it)."""
        model = self.build()
        return model, self.load_into(model, dataset, directory)


# ---------------------------------------------------------------------------------------------- lesson 06
def _train_skeleton_gan(recipe, model, images, labels=None, epochs=None, budget=None, callbacks=()):
    """Lesson 06's recipe trains with the overview's loop, ``gan.train_gan``, for ``settings["epochs"]`` epochs."""
    if budget is not None:
        raise ValueError("lesson 06's GAN trains for a number of epochs (the overview's train_gan), not a time budget.")
    return gan.train_gan(model.generator, model.discriminator, model.gan, images, epochs, recipe.settings["batch_size"])


LESSON_06 = Recipe(
    name="lesson 06 fully-connected GAN", lesson="06", settings=gan.LESSON_06_SETTINGS, builder=gan.build_lesson_06_gan,
    budget_seconds={"mnist": None}, checkpoint="lesson06_{network}", trainer=_train_skeleton_gan)
LESSON_06_DISCRIMINATOR_WINS = LESSON_06.variant(   # section 8: the discriminator 10x faster, the generator 10x slower
    "lesson 06 GAN whose discriminator wins", "lesson06_bad_{network}",
    settings={"epochs": 10, "d_learning_rate": 2e-3, "g_learning_rate": 2e-5})

# ---------------------------------------------------------------------------------------------- lessons 07 and 09
LESSON_07 = Recipe(
    name="lesson 07 DCGAN", lesson="07", settings=gan.LESSON_07_SETTINGS, builder=gan.build_lesson_07_dcgan,
    budget_seconds={"mnist": 60}, checkpoint="lesson07_{dataset}_{network}",
    networks={"generator": "sampler"})

# Lesson 07's headline model (issue 15): the DCGAN made self-conditioned, on k-means clusters of the training images
# (course_utils/self_conditioned_gan.py), trained for the 300 s on each data set.
LESSON_07_SELF_CONDITIONED = Recipe(
    name="lesson 07 self-conditioned DCGAN", lesson="07", settings=self_conditioned_gan.LESSON_07_SELF_CONDITIONED_SETTINGS,
    builder=self_conditioned_gan.build_lesson_07_self_conditioned_dcgan, budget_seconds={"mnist": 300, "fashion_mnist": 300},
    checkpoint="lesson07_self_conditioned_{dataset}_{network}", networks={"generator": "sampler"}, conditional=True,
    labeller=self_conditioned_gan.clusters_of)

LESSON_09 = Recipe(
    name="lesson 09 conditional GAN", lesson="09", settings=cgan.LESSON_09_SETTINGS, builder=cgan.build_lesson_09_cgan,
    budget_seconds={"mnist": 165, "fashion_mnist": 165}, checkpoint="lesson09_{dataset}_{network}", conditional=True)

# ---------------------------------------------------------------------------------------------- lesson 08
LESSON_08_PLAIN_GAN = Recipe(
    name="lesson 08 plain GAN", lesson="08", settings=wgan.LESSON_08_GAN_SETTINGS, builder=wgan.build_lesson_08_gan,
    budget_seconds={"ring_of_gaussians": None}, checkpoint="lesson08_plain_gan_{network}", scale=np.asarray)
LESSON_08_SN_GAN = LESSON_08_PLAIN_GAN.variant("lesson 08 SN-GAN", "lesson08_sn_gan_{network}",
                                               settings={"spectral_norm": True})
LESSON_08_WGAN_GP = dataclasses.replace(
    LESSON_08_PLAIN_GAN, name="lesson 08 WGAN-GP", settings=wgan.LESSON_08_WGAN_GP_SETTINGS,
    builder=wgan.build_lesson_08_wgan_gp, checkpoint="lesson08_wgan_gp_{network}")

# ---------------------------------------------------------------------------------------------- lessons 10, 11 and 12
_VAE_NETWORKS = {"encoder": "encoder", "decoder": "decoder"}
LESSON_10 = Recipe(
    name="lesson 10 VAE", lesson="10", settings=vae.LESSON_10_SETTINGS, builder=vae.build_lesson_10_vae,
    budget_seconds={"mnist": 240}, checkpoint="lesson10_vae_{network}", networks=_VAE_NETWORKS,
    scale=datasets.to_zero_one)
LESSON_11_2D = LESSON_10.variant("lesson 11 VAE with a 2-D code", "lesson11_vae_2d_{network}", {"mnist": 60},
                                 settings={"latent_dim": 2}, lesson="11")
LESSON_11_FASHION = LESSON_10.variant("lesson 11 Fashion-MNIST VAE", "lesson11_fashion_vae_{network}",
                                      {"fashion_mnist": 75}, settings={"dynamic_binarization": False}, lesson="11")

LESSON_12_BETAS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def lesson_12_beta_vae(beta: float) -> Recipe:
    """Lesson 12's beta-VAE for one beta: lesson 10's VAE, 35 s, checkpoints ``lesson12_beta_<beta>_...``."""
    return LESSON_10.variant(f"lesson 12 beta-VAE, beta = {beta:g}", f"lesson12_beta_{beta:g}_{{network}}", {"mnist": 35},
                             settings={"beta": float(beta)}, lesson="12")


LESSON_12_CVAE = Recipe(
    name="lesson 12 conditional VAE", lesson="12", settings=vae.LESSON_12_SETTINGS, builder=vae.build_lesson_12_cvae,
    budget_seconds={"mnist": 100}, checkpoint="lesson12_cvae_{network}", networks=_VAE_NETWORKS,
    scale=datasets.to_zero_one, conditional=True)
LESSON_12_CGAN = LESSON_09.variant("lesson 12 conditional GAN (lesson 09's, as long as the conditional VAE)",
                                   "lesson12_cgan_{network}", {"mnist": 100}, lesson="12")

# ---------------------------------------------------------------------------------------------- lesson 13
LESSON_13_SECONDS = 45   # the same wall-clock budget for each of the seven generators


def _for_lesson_13(recipe: Recipe, prefix: str, settings=None) -> Recipe:
    return recipe.variant(f"lesson 13 {recipe.name.split(' ', 2)[-1]}", f"lesson13_{prefix}_{{network}}",
                          {"mnist": LESSON_13_SECONDS}, settings=settings, lesson="13")


def _train_fully_connected_gan_for_budget(recipe, model, images, labels=None, epochs=None, budget=None, callbacks=()):
    """Lesson 06's loop for a time budget: ``gan.train_gan`` on random slices of 10 batches until ``budget`` is spent."""
    if budget is None:
        raise ValueError("lesson 13's fully-connected GAN trains for a budget: give training.lesson_budget(...).")
    batch_size, pick = recipe.settings["batch_size"], np.random.default_rng(recipe.shuffle_seed)
    slice_size = min(len(images), 10 * batch_size)
    done, history = False, {"d_loss": [], "d_acc": [], "g_loss": []}
    progress = training.TrainingProgress(recipe.name, budget)
    progress.start()
    while not done:
        part = gan.train_gan(model.generator, model.discriminator, model.gan,
                             images[pick.choice(len(images), slice_size, replace=False)], 1, batch_size,
                             seed=budget.steps)
        for key, values in part.items():
            history[key] += values
        done = budget.count(slice_size // batch_size)
        progress.advance(budget.steps, {key: values[-1] for key, values in history.items()})
    progress.finish({key: values[-1] for key, values in history.items()})
    return history


LESSON_13_MLP_GAN = dataclasses.replace(   # lesson 06's GAN, for a budget instead of its 30 epochs
    _for_lesson_13(LESSON_06, "mlp_gan"), name="lesson 13 fully-connected GAN",
    settings={key: value for key, value in LESSON_06.settings.items() if key != "epochs"},
    trainer=_train_fully_connected_gan_for_budget)
LESSON_13_DCGAN = _for_lesson_13(LESSON_07, "dcgan")
LESSON_13_WGAN_GP = Recipe(
    name="lesson 13 WGAN-GP", lesson="13", settings=wgan.LESSON_13_WGAN_GP_SETTINGS, builder=wgan.build_lesson_13_wgan_gp,
    budget_seconds={"mnist": LESSON_13_SECONDS}, checkpoint="lesson13_wgan_gp_{network}")
LESSON_13_CGAN = _for_lesson_13(LESSON_09, "cgan")
LESSON_13_VAE = _for_lesson_13(LESSON_10, "vae")
LESSON_13_BETA_VAE = _for_lesson_13(LESSON_10, "beta_vae", settings={"beta": 4.0})
LESSON_13_CVAE = _for_lesson_13(LESSON_12_CVAE, "cvae")

# ---------------------------------------------------------------------------------------------- lesson 17
LESSON_17_PIXEL = Recipe(
    name="lesson 17 diffusion in pixel space", lesson="17", settings=diffusion.LESSON_17_PIXEL_SETTINGS,
    builder=diffusion.build_lesson_17_pixel_diffusion, budget_seconds={"mnist": 75},
    checkpoint="lesson17_pixel_{network}", networks={"denoiser": "ema_denoiser"})
LESSON_17_LATENT = Recipe(   # trains on the standardised codes of lesson 10's shipped VAE (diffusion.standardised_codes)
    name="lesson 17 diffusion on the VAE's codes", lesson="17", settings=diffusion.LESSON_17_LATENT_SETTINGS,
    builder=diffusion.build_lesson_17_latent_diffusion, budget_seconds={"mnist": 35},
    checkpoint="lesson17_latent_{network}", networks={"denoiser": "ema_denoiser"}, scale=np.asarray)


# ---------------------------------------------------------------------------------------------- lesson 18
# The capstone brings lessons 07, 09 and 10 to colour: the same builders, with the image shape as a parameter.
AVATAR_SHAPE = (32, 32, 3)
LESSON_18_SECONDS = 120       # the same wall-clock budget for the two DCGANs and the conditional GAN: a fair comparison
LESSON_18_SCARCE_IMAGES = 500
_PIXEL = "pixel_characters"
# Lesson 07's DCGAN with lesson 16's DiffAugment and its weight average, and two changes chosen by 120 s trials (one at a
# time: benchmarks/colour_dcgan_trials.py, raw numbers in benchmarks/results/): more dropout before the discriminator's
# verdict (a second brake on memorising) and a faster learning rate for both players.
LESSON_18_COLOUR_SETTINGS = {"diff_augment": True, "d_dropout": 0.5, "learning_rate": 1e-3}
# Those trials (2026-12-02) were made before lesson 07 took the R1 penalty (issue 15, 2026-12-04): the colour models keep
# the recipe they were measured with, without it, until the colour trials are made again with it.
_NO_R1 = {"r1_weight": 0.0}
LESSON_18_DCGAN = LESSON_07.variant(
    "lesson 18 colour DCGAN", "lesson18_dcgan_{network}", {_PIXEL: LESSON_18_SECONDS},
    settings={**LESSON_18_COLOUR_SETTINGS, **_NO_R1}, lesson="18", image_shape=AVATAR_SHAPE)
LESSON_18_PLAIN_DCGAN = LESSON_07.variant(   # the comparison: a plain DCGAN (no DiffAugment, no average, no R1)
    "lesson 18 plain colour DCGAN", "lesson18_plain_dcgan_{network}", {_PIXEL: LESSON_18_SECONDS},
    settings={"ema_decay": None, **_NO_R1}, lesson="18", image_shape=AVATAR_SHAPE)
LESSON_18_SCARCE_DCGAN = LESSON_18_DCGAN.variant(   # the source's "scarce data" challenge: 500 characters
    "lesson 18 colour DCGAN on 500 characters", "lesson18_scarce_dcgan_{network}", {_PIXEL: 50},
    n_images=LESSON_18_SCARCE_IMAGES)
LESSON_18_CGAN = dataclasses.replace(LESSON_09.variant(   # asks for one of the 12 shirt colours
    "lesson 18 colour conditional GAN", "lesson18_cgan_{network}", {_PIXEL: LESSON_18_SECONDS},
    settings={"n_classes": len(datasets.PIXEL_CLOTHING_COLOUR_NAMES), "ema_decay": 0.999, **LESSON_18_COLOUR_SETTINGS},
    lesson="18", image_shape=AVATAR_SHAPE), networks={"generator": "sampler"})
LESSON_18_VAE = LESSON_10.variant(   # lesson 10's VAE: pixels are grey levels in [0, 1], not black-or-white, so no binarising
    "lesson 18 colour VAE", "lesson18_vae_{network}", {_PIXEL: 40},
    settings={"latent_dim": 32, "dynamic_binarization": False}, lesson="18", image_shape=AVATAR_SHAPE)

# Where a GPU is present, section 10 draws bigger pictures: the colour DCGAN on Adventurer's cartoon heads at 64x64 (the
# same builder, one more doubling). It ships no checkpoint: on a CPU the lesson leaves it out of full mode.
AVATAR_SHAPE_64 = (64, 64, 3)
LESSON_18_AVATARS_64 = LESSON_18_DCGAN.variant(
    "lesson 18 colour DCGAN on 64x64 avatars", None, {"avatars": 300}, image_shape=AVATAR_SHAPE_64)


RECIPES: dict[str, Recipe] = {   # every recipe that ships checkpoints, by their names' common prefix
    recipe.checkpoint.split("{")[0].rstrip("_"): recipe for recipe in (
        LESSON_06, LESSON_06_DISCRIMINATOR_WINS, LESSON_07, LESSON_07_SELF_CONDITIONED, LESSON_08_PLAIN_GAN, LESSON_08_SN_GAN, LESSON_08_WGAN_GP,
        LESSON_09, LESSON_10, LESSON_11_2D, LESSON_11_FASHION, *map(lesson_12_beta_vae, LESSON_12_BETAS),
        LESSON_12_CVAE, LESSON_12_CGAN, LESSON_13_MLP_GAN, LESSON_13_DCGAN, LESSON_13_WGAN_GP, LESSON_13_CGAN,
        LESSON_13_VAE, LESSON_13_BETA_VAE, LESSON_13_CVAE, LESSON_17_PIXEL, LESSON_17_LATENT, LESSON_18_DCGAN,
        LESSON_18_PLAIN_DCGAN, LESSON_18_SCARCE_DCGAN, LESSON_18_CGAN, LESSON_18_VAE)}


def for_lesson(lesson: str) -> list[Recipe]:
    """The recipes of lesson ``lesson`` (``"10"``), in the order ``data/make_checkpoints.py`` trains them."""
    found = [recipe for recipe in RECIPES.values() if recipe.lesson == lesson]
    if not found:
        raise ValueError(f"no recipe for lesson {lesson!r}; the lessons with recipes are "
                         f"{sorted({recipe.lesson for recipe in RECIPES.values()})}.")
    return found
