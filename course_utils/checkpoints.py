"""Pretrained checkpoints, so a workshop can skip the long training runs (issue 8).

Every lesson whose full training takes more than about a minute on a 2-core CPU (06 to 15, 17 and 18) offers a choice in its
imports cell, ``TRAINING = checkpoints.train_or_load()``: ``"train"`` (the default) runs the lesson's own training;
``"load"`` (``COURSE_TRAINING=load``) builds the same models and copies the shipped weights into them. Lessons 14 and 15 and
lesson 17's VAE use the checkpoints of the lessons whose models they rebuild (07, 10, 11, 12) rather than copies.

The checkpoints live in ``data/checkpoints/`` and are made by ``python data/make_checkpoints.py``, which trains
each lesson's models with the lesson's full-mode settings and budgets and writes:

* one Keras 3 ``.keras`` file per *functional* sub-model (a generator, a VAE encoder or decoder), with the
  weights stored in half precision (float16) to halve the size; :func:`load` returns a float32 copy, exactly
  the model the lesson's builder makes;
* ``manifest.json``: name -> file, SHA-256, size, lesson, and what was trained (seconds, steps, epochs,
  settings, date, the per-epoch history), so a lesson in load mode can still report its steps and curves;
* ``reference_samples.npz``: for every checkpoint a fixed input and the loaded model's output, which
  ``tests/test_checkpoints.py`` reproduces.

Every load checks the file's SHA-256 against the manifest and opens it with ``safe_mode=True`` (no code is
deserialised from the file).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np

from . import datasets, diffusion  # noqa: F401  diffusion registers the custom layers the lesson-16 denoisers are made of

CHOICES = ("train", "load")
MANIFEST = "manifest.json"
REFERENCE_SAMPLES = "reference_samples.npz"
RESTORE = ("Restore the shipped checkpoints with `git checkout -- data/checkpoints/` (or clone the course again), "
           "or make them afresh with `python data/make_checkpoints.py` (about 30 minutes on 2 CPU cores); "
           "or train instead of loading: unset COURSE_TRAINING.")


class CheckpointError(datasets.ShippedFileError):
    """A shipped checkpoint is missing, damaged or does not fit the model; the message says what to do."""


def checkpoint_dir() -> Path:
    """``<data dir>/checkpoints``: ``data/checkpoints`` of the course (``COURSE_DATA_DIR`` moves it)."""
    return datasets.data_dir() / "checkpoints"


def train_or_load() -> str:
    """``"train"`` (the default) or ``"load"``, read from the environment variable ``COURSE_TRAINING``."""
    value = os.environ.get("COURSE_TRAINING", "train").strip().lower() or "train"
    if value not in CHOICES:
        raise ValueError(f"COURSE_TRAINING={os.environ['COURSE_TRAINING']!r} is not a choice: set it to 'train' "
                         "(run the lesson's training, the default) or 'load' (use the shipped checkpoints in "
                         "data/checkpoints/), or unset it.")
    return value


def manifest(directory: str | Path | None = None) -> dict:
    """The manifest written by ``data/make_checkpoints.py``: ``{name: entry}``."""
    path = Path(directory or checkpoint_dir()) / MANIFEST
    if not path.exists():
        raise CheckpointError(f"The checkpoint manifest {path} is missing. {RESTORE}")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise CheckpointError(f"The checkpoint manifest {path} is damaged ({error}). {RESTORE}") from None


def info(name: str, directory: str | Path | None = None) -> dict:
    """The manifest entry of checkpoint ``name``: file, sha256, bytes, lesson, seconds, steps, epochs, settings,
    date, history (per-epoch metrics of the run that made it)."""
    entries = manifest(directory)
    if name not in entries:
        raise CheckpointError(f"There is no checkpoint named {name!r}; the shipped ones are {sorted(entries)}.")
    return entries[name]


def _with_dtype(model: keras.Model, dtype: str) -> keras.Model:
    """A copy of a functional or Sequential model whose layers (nested models included) compute and store in
    ``dtype``, holding the same weights (cast)."""
    def clone(layer):
        if isinstance(layer, keras.Model):
            return _with_dtype(layer, dtype)
        config = layer.get_config()
        if "dtype" in config:
            config["dtype"] = dtype
        return layer.__class__.from_config(config)
    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights([np.asarray(w, dtype=dtype) for w in model.get_weights()])
    return copy


def as_float16(model: keras.Model) -> keras.Model:
    """A float16 copy of a functional model: what the shipped files hold (half the bytes)."""
    return _with_dtype(model, "float16")


def load(name: str, directory: str | Path | None = None) -> keras.Model:
    """The shipped model ``name`` as a float32 functional ``keras.Model``, after checking its SHA-256 against the
    manifest; the file is opened with Keras's safe mode."""
    directory = Path(directory or checkpoint_dir())
    entry = info(name, directory)
    path = datasets.verify_shipped_file(directory / entry["file"], entry["sha256"],
                                        f"checkpoint file of {name!r} (lesson {entry['lesson']})", RESTORE, CheckpointError)
    stored = keras.saving.load_model(path, compile=False, safe_mode=True)
    return _with_dtype(stored, "float32")


def check_settings(name: str, entry: dict, settings: dict) -> None:
    """Refuse a checkpoint whose recorded settings differ from ``settings`` (a lesson's recipe), naming the setting.

    Weight shapes alone do not tell: a changed learning rate, label smoothing or weight-average decay makes a
    model of the same shape that was trained differently, and its loaded numbers would not be the recipe's."""
    recorded = entry.get("settings") or {}
    for key, value in settings.items():
        expected = json.loads(json.dumps(value))   # as the manifest stores it: tuples become lists
        if key not in recorded or recorded[key] != expected:
            found = f"{key}={recorded[key]!r}" if key in recorded else f"no {key!r} setting"
            raise CheckpointError(
                f"The checkpoint {name!r} was trained with {found}, but the model's recipe now has {key}={expected!r}: "
                f"its weights belong to another model. Remake it with `python data/make_checkpoints.py --only "
                f"lesson{entry.get('lesson', 'NN')}`, or train instead of loading (unset COURSE_TRAINING).")


def load_weights_into(target: keras.Model, name: str, directory: str | Path | None = None,
                      settings: dict | None = None) -> dict:
    """Copy the weights of checkpoint ``name`` into ``target``, a freshly built model of the lesson (for example
    ``model.decoder`` of ``vae.build_lesson_10_vae()``). With ``settings`` (a recipe's, ``course_utils.recipes``),
    first check that the checkpoint was trained with exactly those (:func:`check_settings`). Returns the
    checkpoint's manifest entry (steps, seconds, history of the run that made it)."""
    entry = info(name, directory)
    if settings is not None:
        check_settings(name, entry, settings)
    source = load(name, directory)
    got = [tuple(w.shape) for w in source.get_weights()]
    want = [tuple(w.shape) for w in target.get_weights()]
    if got != want:
        raise CheckpointError(
            f"This checkpoint was made for other settings than the model you built: {name!r} holds "
            f"{len(got)} weight arrays {got[:4]}{' ...' if len(got) > 4 else ''}, your model {target.name!r} has "
            f"{len(want)}: {want[:4]}{' ...' if len(want) > 4 else ''}. The checkpoint was trained with "
            f"{entry.get('settings')}: build the model with those settings, or train it yourself "
            "(unset COURSE_TRAINING).")
    target.set_weights([np.asarray(w, dtype=t.dtype) for w, t in zip(source.get_weights(), target.get_weights())])
    return entry


def describe(entry: dict) -> str:
    """One line saying what a loaded checkpoint is: for the lesson's printout."""
    return (f"loaded checkpoint {entry['file']} (made by data/make_checkpoints.py on {entry['date']}: "
            f"{entry['steps']:,} steps in {entry['seconds']:.0f} s of training)")


class RecordedRun:
    """The training run that made a checkpoint, shaped like what a lesson has after training itself: ``steps`` and
    ``elapsed`` (seconds) as on a ``training.TimeBudget``, ``history`` as ``fit`` returns it, and the manifest ``entry``."""

    def __init__(self, entry: dict):
        self.entry, self.steps, self.elapsed = entry, int(entry["steps"]), float(entry["seconds"])
        self.history = recorded_history(entry)

    def __repr__(self):
        return f"RecordedRun({self.entry['file']!r}: {self.steps:,} steps in {self.elapsed:.0f} s)"


def recorded_history(entry: dict) -> keras.callbacks.History:
    """The per-epoch metrics of the run that made a checkpoint, as a ``keras.callbacks.History`` (what ``fit``
    returns), so the lesson's curves can still be drawn in load mode."""
    history = keras.callbacks.History()
    history.history = {key: list(values) for key, values in (entry.get("history") or {}).items()}
    return history
