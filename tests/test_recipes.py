"""Recipes (course_utils.recipes): one place for a lesson's model, and loading refuses weights from another recipe."""
import json
import shutil

import numpy as np
import pytest

from course_utils import checkpoints, datasets, recipes

SHIPPED = checkpoints.checkpoint_dir()


@pytest.mark.parametrize("lesson", sorted(recipes.RECIPES))
@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_every_recipe_loads_its_shipped_checkpoints(lesson, dataset):
    recipe = recipes.RECIPES[lesson]
    model, entry = recipe.load(dataset)
    assert entry["lesson"] == lesson and entry["settings"]["dataset"] == dataset
    assert {k: entry["settings"][k] for k in recipe.settings} == json.loads(json.dumps(dict(recipe.settings)))
    drawn = model.generate(np.arange(4) % 10) if recipe.conditional else model.generate(4)
    assert drawn.shape == (4, 28, 28, 1) and np.abs(drawn).max() <= 1.0


@pytest.fixture
def copied_checkpoints(tmp_path):
    for name in ("manifest.json", "lesson05_mnist_generator.keras"):
        shutil.copy(SHIPPED / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("setting, value", [("ema_decay", 0.99), ("learning_rate", 2e-4), ("label_smoothing", 0.0)])
def test_a_checkpoint_of_a_changed_recipe_is_refused_naming_the_setting(copied_checkpoints, setting, value):
    """Same shapes, other training: the shape check alone would load these weights without a word."""
    changed = recipes.Recipe(**{**recipes.LESSON_05.__dict__, "settings": {**recipes.LESSON_05.settings, setting: value}})
    with pytest.raises(checkpoints.CheckpointError, match=rf"trained with {setting}=.*recipe now has {setting}={value!r}"):
        changed.load("mnist", copied_checkpoints)
    model, _ = recipes.LESSON_05.load("mnist", copied_checkpoints)   # the recipe itself still loads


def test_a_manifest_without_the_setting_is_refused(copied_checkpoints):
    path = copied_checkpoints / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["lesson05_mnist_generator"]["settings"]["ema_decay"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(checkpoints.CheckpointError, match="no 'ema_decay' setting.*--only lesson05"):
        recipes.LESSON_05.load("mnist", copied_checkpoints)


def test_train_runs_for_its_budget_and_conditional_recipes_need_labels():
    images = datasets.to_minus_one_one(np.random.default_rng(0).integers(0, 256, (128, 28, 28), dtype=np.uint8))
    recipe = recipes.LESSON_05
    model = recipe.build({"g_width": 8, "d_width": 8, "latent_dim": 8})
    budget, history = recipe.train(model, images, seconds=0.5, min_steps=3)
    assert budget.steps >= 3 and len(history.history["d_loss"]) >= 1
    with pytest.raises(ValueError, match="conditional model"):
        recipes.LESSON_07.dataset(images)
    with pytest.raises(ValueError, match="not 'cifar'"):
        recipe.checkpoint_name("cifar")
