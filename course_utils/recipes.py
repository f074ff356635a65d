"""Recipes: each trained model of the course in one place (issue 14).

A recipe holds what makes a lesson's model: its settings, its builder, how it trains for a time budget, its
full-mode budgets and the names of its shipped checkpoints. The lesson, ``data/make_checkpoints.py`` and the
benchmark (``benchmarks/dcgan_vs_tutorial.py``) all take the model from its recipe, so they cannot drift apart, and
loading a checkpoint compares the recipe's settings with those the checkpoint was trained with: a changed setting
is refused, named, instead of loading weights that belong to another model.

So far the GANs of lessons 05 (:data:`LESSON_05`) and 07 (:data:`LESSON_07`) have recipes; the other lessons still
keep their settings in their modules (``vae.LESSON_08_SETTINGS``, ...) and in the checkpoint script.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import keras

from . import cgan, checkpoints, datasets, gan, training


@dataclass(frozen=True)
class Recipe:
    """One trained model: ``settings``, ``builder(settings, image_shape) -> compiled model``, the full-mode
    ``budget_seconds`` per dataset, the ``checkpoint`` name pattern (``{dataset}`` is filled in) and which network
    of the model the checkpoint holds (``saved_network``: ``"sampler"`` is the weight-averaged generator)."""

    name: str
    lesson: str
    settings: Mapping[str, Any]
    builder: Callable[..., keras.Model]
    budget_seconds: Mapping[str, float]
    checkpoint: str
    saved_network: str = "generator"
    conditional: bool = False
    shuffle_seed: int = 0
    notes: str = field(default="", compare=False)

    def build(self, settings: Mapping[str, Any] | None = None, image_shape=gan.IMAGE_SHAPE) -> keras.Model:
        """The compiled model with the recipe's settings (``settings`` overrides some, for an experiment)."""
        return self.builder({**self.settings, **(settings or {})}, image_shape=image_shape)

    def dataset(self, images, labels=None):
        """The ``tf.data`` pipeline the model trains on: shuffled batches of ``settings["batch_size"]``."""
        if self.conditional and labels is None:
            raise ValueError(f"{self.name} is a conditional model: it trains on images and their labels.")
        return datasets.make_dataset(images, labels if self.conditional else None,
                                     batch_size=self.settings["batch_size"], seed=self.shuffle_seed)

    def train(self, model: keras.Model, images, labels=None, seconds: float = 60.0, min_steps: int = 0,
              callbacks=()) -> tuple[training.TimeBudget, keras.callbacks.History]:
        """Train ``model`` for ``seconds`` of wall-clock time (``training.TimeBudget``). Returns the budget (its
        ``steps`` and ``elapsed``) and the ``History`` that ``fit`` returns."""
        budget = training.TimeBudget(seconds, min_steps=min_steps)
        history = model.fit(self.dataset(images, labels), epochs=1_000_000, shuffle=False, verbose=0,
                            callbacks=[budget, *callbacks])
        return budget, history

    def checkpoint_name(self, dataset: str) -> str:
        if dataset not in self.budget_seconds:
            raise ValueError(f"{self.name} is trained on {sorted(self.budget_seconds)}, not {dataset!r}.")
        return self.checkpoint.format(dataset=dataset)

    def checkpoint_settings(self, dataset: str, seconds: float) -> dict:
        """What the checkpoint's manifest entry records as its settings (and what loading compares)."""
        return {**self.settings, "dataset": dataset, "budget_seconds": seconds}

    def load(self, dataset: str, directory=None) -> tuple[keras.Model, dict]:
        """The model built from the recipe with the shipped checkpoint's weights, and the checkpoint's manifest
        entry. Refuses a checkpoint trained with other settings than the recipe's (``checkpoints.CheckpointError``,
        naming the setting)."""
        model = self.build()
        entry = checkpoints.load_weights_into(getattr(model, self.saved_network), self.checkpoint_name(dataset),
                                              directory, settings={**self.settings, "dataset": dataset})
        return model, entry


LESSON_05 = Recipe(
    name="lesson 05 DCGAN", lesson="05", settings=gan.LESSON_05_SETTINGS,
    builder=lambda settings, image_shape: gan.build_lesson_05_dcgan(settings, image_shape=image_shape),
    budget_seconds={"mnist": 270, "fashion_mnist": 180}, checkpoint="lesson05_{dataset}_generator",
    saved_network="sampler")

LESSON_07 = Recipe(
    name="lesson 07 conditional GAN", lesson="07", settings=cgan.LESSON_07_SETTINGS,
    builder=lambda settings, image_shape: cgan.build_lesson_07_cgan(settings, image_shape=image_shape),
    budget_seconds={"mnist": 165, "fashion_mnist": 165}, checkpoint="lesson07_{dataset}_generator",
    conditional=True)

RECIPES = {recipe.lesson: recipe for recipe in (LESSON_05, LESSON_07)}
