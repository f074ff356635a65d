"""The shipped checkpoints (data/checkpoints/, made by data/make_checkpoints.py) and course_utils.checkpoints."""
import json
import re
import shutil
import sys
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest

from course_utils import checkpoints, recipes, vae

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "checkpoints"
MANIFEST = json.loads((SHIPPED / checkpoints.MANIFEST).read_text()) if (SHIPPED / checkpoints.MANIFEST).exists() else {}


def test_the_manifest_is_shipped_and_complete():
    assert MANIFEST, f"no {SHIPPED / checkpoints.MANIFEST}: run python data/make_checkpoints.py"
    lessons = {entry["lesson"] for entry in MANIFEST.values()}
    assert lessons == {"06", "07", "08", "09", "10", "11", "12", "13", "17", "18"}   # 14 reuses those of 07 and 10, 15 those of 11 and 12; 16 trains only seconds
    for name, entry in MANIFEST.items():
        assert entry["file"] == f"{name}.keras"
        assert (SHIPPED / entry["file"]).stat().st_size == entry["bytes"]
        assert entry["steps"] > 0 and entry["seconds"] > 0 and entry["settings"] and entry["date"]
    # 38 MB for the grey lessons, 9.6 MB for lesson 18's colour models (its VAE alone 6.9: 3,072 inputs, lesson 10's widths)
    assert sum(e["bytes"] for e in MANIFEST.values()) < 50e6, "keep the checkpoints small"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_checkpoint_reloads_to_the_saved_samples(name):
    model = checkpoints.load(name, SHIPPED)
    with np.load(SHIPPED / checkpoints.REFERENCE_SAMPLES) as samples:
        inputs = [samples[f"{name}/input_{i}"] for i in range(len(model.inputs))]
        expected = [samples[k] for k in sorted(samples.files) if k.startswith(f"{name}/output_")]
    outputs = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    assert len(outputs) == len(expected) > 0
    for got, want in zip(outputs, expected):
        assert got.shape == want.shape
        np.testing.assert_allclose(np.asarray(got), want, atol=1e-5, rtol=1e-5)
        assert np.std(want) > 1e-3, "a constant output: was the model trained?"


# ------------------------------------------------------------------ the loader, on a tiny checkpoint of its own
def _tiny_model(units=3):
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(units, name="out")(keras.layers.Dense(5, activation="relu")(inputs)))


@pytest.fixture
def tiny(tmp_path):
    model = _tiny_model()
    path = tmp_path / "tiny.keras"
    checkpoints.as_float16(model).save(path)
    import hashlib
    data = path.read_bytes()
    (tmp_path / checkpoints.MANIFEST).write_text(json.dumps({"tiny": {
        "file": "tiny.keras", "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "lesson": "99",
        "seconds": 1.0, "steps": 10, "epochs": 1, "settings": {"units": 3}, "date": "2026-01-01", "history": None}}))
    return tmp_path, model


def test_load_returns_a_float32_model_with_the_weights(tiny):
    folder, model = tiny
    loaded = checkpoints.load("tiny", folder)
    assert all(w.dtype == np.float32 for w in loaded.get_weights())
    x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    np.testing.assert_allclose(loaded(x), model(x), atol=2e-2)     # float16 storage: rounded weights
    target = _tiny_model()
    entry = checkpoints.load_weights_into(target, "tiny", folder)
    assert entry["steps"] == 10
    np.testing.assert_allclose(target(x), loaded(x), atol=1e-6)


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_a_damaged_or_missing_file_says_how_to_restore_it(tiny, damage):
    folder, _ = tiny
    path = folder / "tiny.keras"
    if damage == "corrupt":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    else:
        path.unlink()
    with pytest.raises(checkpoints.CheckpointError, match=damage) as error:
        checkpoints.load("tiny", folder)
    assert "git checkout -- data/checkpoints/" in str(error.value)
    assert "python data/make_checkpoints.py" in str(error.value)


def test_a_missing_manifest_says_how_to_restore_it(tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match="git checkout -- data/checkpoints/"):
        checkpoints.load("tiny", tmp_path)


def test_loading_uses_safe_mode(tiny, monkeypatch):
    folder, _ = tiny
    calls = []
    original = keras.saving.load_model

    def recording(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(keras.saving, "load_model", recording)
    checkpoints.load("tiny", folder)
    assert calls and all(call.get("safe_mode") is True for call in calls)


def test_an_unknown_name_lists_the_shipped_ones(tiny):
    folder, _ = tiny
    with pytest.raises(checkpoints.CheckpointError, match=r"no checkpoint named 'tiny_gan'.*\['tiny'\]"):
        checkpoints.load("tiny_gan", folder)


def test_a_model_built_with_other_settings_is_refused(tiny):
    folder, _ = tiny
    other = _tiny_model(units=7)
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(checkpoints.CheckpointError, match="made for other settings"):
        checkpoints.load_weights_into(other, "tiny", folder)
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights()))   # left untouched


@pytest.mark.skipif("lesson10_vae_decoder" not in MANIFEST, reason="needs the shipped lesson-10 checkpoint")
def test_a_shipped_checkpoint_refuses_a_lesson_model_with_another_latent_size():
    with pytest.raises(checkpoints.CheckpointError, match="made for other settings.*latent_dim"):
        checkpoints.load_weights_into(vae.build_lesson_10_vae({"latent_dim": 4}).decoder, "lesson10_vae_decoder", SHIPPED)


def test_a_recorded_run_looks_like_a_budget_and_a_fit_history():
    entry = {"file": "x.keras", "steps": 1234, "seconds": 45.6, "history": {"loss": [3.0, 2.5, 2.25]}}
    run = checkpoints.RecordedRun(entry)
    assert (run.steps, run.elapsed) == (1234, 45.6)
    assert isinstance(run.history, keras.callbacks.History) and run.history.history == {"loss": [3.0, 2.5, 2.25]}
    run.history.history["loss"].append(0.0)
    assert entry["history"]["loss"] == [3.0, 2.5, 2.25], "the manifest entry must not change"
    assert "1,234 steps in 46 s" in repr(run)
    assert checkpoints.RecordedRun({**entry, "history": None}).history.history == {}


@pytest.mark.parametrize("value, expected", [(None, "train"), ("", "train"), ("train", "train"), ("load", "load"),
                                             (" LOAD ", "load")])
def test_train_or_load_reads_course_training(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("COURSE_TRAINING", raising=False)
    else:
        monkeypatch.setenv("COURSE_TRAINING", value)
    assert checkpoints.train_or_load() == expected


def test_a_bad_course_training_value_is_refused(monkeypatch):
    monkeypatch.setenv("COURSE_TRAINING", "pretrained")
    with pytest.raises(ValueError, match="COURSE_TRAINING='pretrained' is not a choice.*'train'.*'load'"):
        checkpoints.train_or_load()


def test_checkpoint_dir_follows_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert checkpoints.checkpoint_dir() == tmp_path / "checkpoints"


# ------------------------------------------------------------------ every lesson with checkpoints offers the choice
LESSONS_THAT_LOAD_OTHERS = {"14", "15"}   # 14 builds lessons 07 and 10's models, 15 those of 11 and 12; both load their checkpoints


def _names_in_recipes(recipe) -> list[str]:
    """How a lesson can name ``recipe``: ``recipes.LESSON_11_2D``, or the function that makes it (lesson 12's betas)."""
    names = [f"recipes.{key}" for key, value in vars(recipes).items() if value is recipe]
    return names or ["recipes.lesson_12_beta_vae"]


@pytest.mark.parametrize("lesson", sorted({e["lesson"] for e in MANIFEST.values()} | LESSONS_THAT_LOAD_OTHERS))
def test_every_lesson_with_checkpoints_offers_train_or_load(lesson):
    [path] = sorted((ROOT / "notebooks").glob(f"{lesson}_*.ipynb"))
    cells = nbformat.read(path, as_version=4).cells
    code = [c.source for c in cells if c.cell_type == "code"]
    imports = code[1]   # the cell after the bootstrap
    assert "TRAINING = checkpoints.train_or_load()" in imports, f"{path.name}: the imports cell must offer the choice"
    source = "\n".join(code)
    assert 'if TRAINING == "load"' in source
    # the lesson loads through its recipes, which know the checkpoints' names and refuse other settings
    assert ".load(" in source or ".load_into(" in source, f"{path.name} does not load through a recipe"
    assert "checkpoints.load_weights_into(" not in source, f"{path.name} loads a checkpoint around its recipe"
    if lesson not in LESSONS_THAT_LOAD_OTHERS:
        for recipe in recipes.for_lesson(lesson):
            assert any(name in source for name in _names_in_recipes(recipe)), f"{path.name} never uses {recipe.name}"
    assert any("COURSE_TRAINING" in c.source for c in cells if c.cell_type == "markdown"), \
        f"{path.name}: say in a markdown cell how to choose"


def test_every_checkpoint_a_lesson_names_is_shipped():
    """A typo in a lesson's checkpoint name would only show in load mode, which CI's nbval run does not take."""
    named = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        for name in re.findall(r'"(lesson\d\d_[A-Za-z0-9_.{}:]+)"', source):
            named.setdefault(name, path.name)
    for recipe in recipes.RECIPES.values():   # the lessons take their checkpoints' names from their recipes
        for dataset in recipe.budget_seconds:
            for name in recipe.checkpoint_names(dataset).values():
                named.setdefault(name, recipe.name)
    assert len(named) >= 40
    for name, notebook in named.items():
        if "{" in name:          # a pattern filled in a loop: lesson 12's beta sweep
            pattern = re.escape(name).replace(re.escape("{beta:g}"), "[0-9.]+")
            assert any(re.fullmatch(pattern, n) for n in MANIFEST), f"{notebook}: no checkpoint matches {name!r}"
        else:
            assert name in MANIFEST, f"{notebook} loads {name!r}, which data/checkpoints/manifest.json does not have"


def test_the_data_readme_table_is_the_manifest():
    """The table of steps and seconds in data/README.md is written from the manifest, never typed."""
    sys.path.insert(0, str(ROOT / "data"))
    import make_checkpoints

    readme = (ROOT / "data" / "README.md").read_text()
    start = readme.index(make_checkpoints.TABLE_START) + len(make_checkpoints.TABLE_START)
    assert readme[start:readme.index(make_checkpoints.TABLE_END)].strip() == make_checkpoints.checkpoint_table(MANIFEST)
