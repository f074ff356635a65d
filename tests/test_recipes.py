"""Recipes (course_utils.recipes): every trained model in one place, and loading refuses weights from another recipe."""
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from course_utils import checkpoints, datasets, diffusion, gan, recipes, training

SHIPPED = checkpoints.checkpoint_dir()
ROOT = Path(__file__).resolve().parent.parent


def draw(recipe, model):
    """Four samples (or denoiser outputs) from a model built by ``recipe``, whatever its kind."""
    if isinstance(model, gan.SkeletonGAN):
        return model.generator.predict(gan.fixed_noise(4, recipe.settings["latent_dim"]), verbose=0)
    if isinstance(model, diffusion.DiffusionModel):
        shape = (4, *model.ema_denoiser.inputs[0].shape[1:])
        return model.ema_denoiser([np.zeros(shape, np.float32), np.full(4, 10, np.int32)]).numpy()
    asks_for_labels = recipe.conditional and recipe.labeller is None   # a self-conditioned GAN samples without them
    return model.generate(np.arange(4) % 10) if asks_for_labels else model.generate(4)


@pytest.mark.parametrize("prefix", sorted(recipes.RECIPES))
def test_every_recipe_loads_its_shipped_checkpoints_with_its_own_settings(prefix):
    recipe = recipes.RECIPES[prefix]
    for dataset in recipe.budget_seconds:
        model, entry = recipe.load(dataset)
        assert entry["lesson"] == recipe.lesson and entry["settings"]["dataset"] == dataset
        recorded = {key: entry["settings"][key] for key in recipe.settings}
        assert recorded == json.loads(json.dumps(dict(recipe.settings)))
        if recipe.budget_seconds[dataset] is not None:   # trained for the recipe's full-mode budget
            assert entry["settings"]["budget_seconds"] == recipe.budget_seconds[dataset]
        drawn = draw(recipe, model)
        assert drawn.shape[0] == 4 and np.all(np.isfinite(drawn))


def test_every_shipped_checkpoint_comes_from_exactly_one_recipe():
    """No checkpoint is made outside the recipes (a lesson's settings written a second time in the script)."""
    owners = {}
    for recipe in recipes.RECIPES.values():
        for dataset in recipe.budget_seconds:
            for name in recipe.checkpoint_names(dataset).values():
                assert name not in owners, f"{name} belongs to {owners.get(name)} and {recipe.name}"
                owners[name] = recipe.name
    assert set(owners) == set(checkpoints.manifest())


def test_the_checkpoint_script_trains_every_recipe_through_its_lesson_job():
    sys.path.insert(0, str(ROOT / "data"))
    import make_checkpoints

    lessons = {recipe.lesson for recipe in recipes.RECIPES.values()}
    assert {f"lesson{lesson}" for lesson in lessons} == set(make_checkpoints.JOBS)
    source = (ROOT / "data" / "make_checkpoints.py").read_text()
    for builder in ("build_lesson_", "keras.optimizers", "LESSON_0", "LESSON_1"):   # settings live in the recipes only
        assert builder not in source.replace("recipes.LESSON_", ""), builder


@pytest.fixture
def copied_checkpoints(tmp_path):
    for name in ("manifest.json", "lesson07_mnist_generator.keras"):
        shutil.copy(SHIPPED / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("setting, value", [("ema_decay", 0.99), ("learning_rate", 2e-4), ("label_smoothing", 0.0)])
def test_a_checkpoint_of_a_changed_recipe_is_refused_naming_the_setting(copied_checkpoints, setting, value):
    """Same shapes, other training: the shape check alone would load these weights without a word."""
    changed = recipes.Recipe(**{**recipes.LESSON_07.__dict__, "settings": {**recipes.LESSON_07.settings, setting: value}})
    with pytest.raises(checkpoints.CheckpointError, match=rf"trained with {setting}=.*recipe now has {setting}={value!r}"):
        changed.load("mnist", copied_checkpoints)
    model, _ = recipes.LESSON_07.load("mnist", copied_checkpoints)   # the recipe itself still loads


def test_a_variant_with_a_changed_setting_is_refused_too():
    changed = recipes.LESSON_10.variant("a VAE with another beta", recipes.LESSON_10.checkpoint, settings={"beta": 2.0})
    with pytest.raises(checkpoints.CheckpointError, match=r"beta=1\.0.*recipe now has beta=2\.0.*--only lesson10"):
        changed.load()
    with pytest.raises(ValueError, match=r"unknown settings \['bta'\]"):
        recipes.LESSON_10.variant("a typo", None, settings={"bta": 2.0})
    with pytest.raises(ValueError, match="ships no checkpoint"):
        recipes.LESSON_10.variant("not shipped", None).load()


def test_a_manifest_without_the_setting_is_refused(copied_checkpoints):
    path = copied_checkpoints / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["lesson07_mnist_generator"]["settings"]["ema_decay"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(checkpoints.CheckpointError, match="no 'ema_decay' setting.*--only lesson07"):
        recipes.LESSON_07.load("mnist", copied_checkpoints)


def test_train_runs_for_its_budget_and_conditional_recipes_need_labels():
    images = datasets.to_minus_one_one(np.random.default_rng(0).integers(0, 256, (128, 28, 28), dtype=np.uint8))
    recipe = recipes.LESSON_07
    model = recipe.build({"g_width": 8, "d_width": 8, "latent_dim": 8})
    budget, history = recipe.train(model, images, budget=training.TimeBudget(float("inf"), max_steps=5))
    assert budget.steps == 5 and len(history.history["d_loss"]) == 3   # 2 batches of 64 per epoch: epochs of 2, 2, 1 steps
    with pytest.raises(ValueError, match="budget .* or for a number of epochs"):
        recipe.train(model, images)
    with pytest.raises(ValueError, match="conditional model"):
        recipes.LESSON_09.dataset(images)
    with pytest.raises(ValueError, match="batches of 128, but got only 100 examples"):
        recipes.LESSON_10.dataset(images[:100])
    with pytest.raises(ValueError, match="not 'cifar'"):
        recipe.checkpoint_name("cifar")
    with pytest.raises(ValueError, match="trains for settings\\['epochs'\\] epochs"):
        recipes.LESSON_06.budget(10)


def test_recipes_for_points_and_the_skeleton_loop_train_too():
    points = np.random.default_rng(0).standard_normal((512, 2)).astype(np.float32)
    recipe = recipes.LESSON_08_PLAIN_GAN
    model = recipe.build()
    _, history = recipe.train(model, points, epochs=1)
    assert len(history.history["d_loss"]) == 1
    images = datasets.to_minus_one_one(np.random.default_rng(0).integers(0, 256, (256, 28, 28), dtype=np.uint8))
    skeleton = recipes.LESSON_13_MLP_GAN.build()
    budget, history = recipes.LESSON_13_MLP_GAN.train(skeleton, images, budget=training.TimeBudget(float("inf"), max_steps=20))
    assert budget.steps == 20 and len(history["g_loss"]) == 5   # 256 images: rounds of lesson 06's loop of 4 steps each
    assert "epochs" not in recipes.LESSON_13_MLP_GAN.settings      # it trains for a budget, not for lesson 06's epochs


def test_for_lesson_lists_a_lessons_recipes_and_refuses_an_unknown_lesson():
    assert [r.name for r in recipes.for_lesson("08")] == ["lesson 08 plain GAN", "lesson 08 SN-GAN", "lesson 08 WGAN-GP"]
    assert len(recipes.for_lesson("13")) == 7
    with pytest.raises(ValueError, match="no recipe for lesson '15'"):
        recipes.for_lesson("15")


def test_a_recipe_on_fewer_images_trains_on_the_first_ones_and_records_it():
    scarce = recipes.LESSON_18_SCARCE_DCGAN
    images = np.arange(9000 * 2 * 2 * 3, dtype=np.int64).reshape(9000, 2, 2, 3).astype(np.uint8)
    labels = np.arange(9000)
    x, y = scarce.training_data(images, labels)
    assert len(x) == recipes.LESSON_18_SCARCE_IMAGES and np.array_equal(y, labels[: recipes.LESSON_18_SCARCE_IMAGES])
    assert x.min() >= -1 and x.max() <= 1
    assert len(recipes.LESSON_18_DCGAN.training_data(images)[0]) == 9000
    settings = scarce.checkpoint_settings()
    assert settings["n_images"] == 500 and settings["image_shape"] == [32, 32, 3]
    assert "n_images" not in recipes.LESSON_18_DCGAN.checkpoint_settings()
    assert "image_shape" not in recipes.LESSON_07.checkpoint_settings()   # the grey lessons' manifests stay as they were
    model = recipes.LESSON_18_CGAN.build()
    assert model.generator.output_shape == (None, 32, 32, 3) and model.n_classes == 12 and model.ema_generator is not None


@pytest.mark.slow
def test_the_64x64_avatar_gan_is_the_colour_recipe_one_doubling_up_and_its_samples_meet_the_judge():
    """Lesson 18's section 10 (run where a GPU is present): the colour DCGAN's settings at 64x64 on Adventurer's
    heads, trained here for two steps; its samples, shrunk to 32x32, are what the avatars' judge reads."""
    from course_utils import classifier, datasets

    recipe = recipes.LESSON_18_AVATARS_64
    assert recipe.settings == recipes.LESSON_18_DCGAN.settings and recipe.image_shape == (64, 64, 3)
    assert recipe.checkpoint is None and "avatars" in recipe.budget_seconds
    avatars = datasets.load_avatars("avatars", size=64)
    model = recipe.build()
    budget, _ = recipe.train(model, recipe.scale(avatars.x_train[:256]),
                             budget=training.TimeBudget(float("inf"), min_steps=2, max_steps=2), show_progress=False)
    samples = model.generate(4, seed=1)
    assert budget.steps == 2 and samples.shape == (4, 64, 64, 3)
    judge, _ = classifier.load_avatar_judge("avatars")
    features, _ = classifier.features_and_probabilities(judge, datasets.shrink(samples, 2))
    assert features.shape[0] == 4
