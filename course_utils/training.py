"""Reproducibility, quick/full run mode, and the small pieces of training plumbing every lesson shares."""
from __future__ import annotations

import contextvars
import os
import random
import threading
import time
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from . import plotting

RUN_MODES = ("quick", "full")


def set_seed(seed: int = 42) -> None:
    """Seed Python, NumPy, TensorFlow and Keras so a lesson's run can be repeated."""
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    keras.utils.set_random_seed(seed)  # also seeds TensorFlow on the TF backend


def run_mode() -> str:
    """``"quick"`` (CI and tests: small data, few steps) or ``"full"`` (learners, the default).

    Read from the environment variable ``COURSE_MODE``; anything else raises a clear error.
    """
    mode = os.environ.get("COURSE_MODE", "full").strip().lower() or "full"
    if mode not in RUN_MODES:
        raise ValueError(f"COURSE_MODE={os.environ['COURSE_MODE']!r} is not a run mode: set it to 'quick' "
                         "(CI, a few seconds a lesson) or 'full' (the real training, the default), or unset it.")
    return mode


def merge_settings(defaults: dict, overrides: dict | None) -> dict:
    """A lesson's settings with some changed (``build_lesson_07_dcgan({"g_width": 16})``); a key the lesson does
    not have is a typo, and a clear error."""
    unknown = set(overrides or {}) - set(defaults)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; the settings are {sorted(defaults)}.")
    return {**defaults, **(overrides or {})}


def by_mode(quick, full):
    """Pick a size by run mode: ``epochs = by_mode(quick=1, full=30)``."""
    return quick if run_mode() == "quick" else full


def in_notebook() -> bool:
    """Whether this code runs in a notebook kernel (JupyterLab, VS Code, Colab, nbclient/nbval), where output can be
    replaced in place through a display handle; in a script or a test, lines are printed instead."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None and getattr(get_ipython(), "kernel", None) is not None


def start_heartbeat(beat, stop: threading.Event, name: str) -> None:
    """Run ``beat(stop)`` in a daemon thread, in the calling cell's context, so that ipykernel sends what the thread
    shows to that cell's output (``Timer`` and ``TrainingProgress`` keep a silent cell alive this way)."""
    threading.Thread(target=contextvars.copy_context().run, args=(beat, stop), daemon=True, name=name).start()


# Every output a progress display puts in a notebook carries this metadata: a line or a grid that says a run is alive
# and is replaced as it goes. What it shows depends on the machine's speed (a slower run shows a grid or a heartbeat
# a faster one never needed), so the quick-mode repeat test leaves such outputs out.
PROGRESS_METADATA = {"course_utils": "progress"}


class Timer:
    """``with Timer("training") as t: ...`` then ``t.seconds``; prints the time when the block ends.

    In a notebook, a block that runs longer than ``every_seconds`` shows that it is still working: one line,
    "label: working, 15 s so far", replaced in place every ``every_seconds`` (no cell may look frozen for more than
    ~10 s, issue 16) and emptied when the block ends, which prints its time as it always does. ``verbose=False``
    shows nothing: the block's own output says it is alive (a training run's ``TrainingProgress`` line).
    ``self.lines`` keeps what was shown."""

    def __init__(self, label: str = "", verbose: bool = True, every_seconds: float = 5.0):
        if every_seconds <= 0:
            raise ValueError(f"every_seconds must be positive, got {every_seconds}.")
        self.label, self.verbose, self.every_seconds, self.seconds = label, verbose, float(every_seconds), None
        self.lines: list[str] = []

    def __enter__(self):
        self._start = time.perf_counter()
        self._handle, self._lock, self._stop = None, threading.Lock(), threading.Event()
        if self.verbose and in_notebook():
            start_heartbeat(self._heartbeat, self._stop, f"timer heartbeat: {self.label}")
        return self

    def _heartbeat(self, stop: threading.Event) -> None:
        from IPython.display import display

        while not stop.wait(self.every_seconds):
            with self._lock:
                if stop.is_set():
                    return
                text = f"{self.label or 'elapsed'}: working, {time.perf_counter() - self._start:.0f} s so far"
                self.lines.append(text)
                if self._handle is None:
                    self._handle = display({"text/plain": text}, raw=True, display_id=True, metadata=PROGRESS_METADATA)
                else:
                    self._handle.update({"text/plain": text}, raw=True, metadata=PROGRESS_METADATA)

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        with self._lock:
            self._stop.set()
            handle = self._handle
        if handle is not None:   # the heartbeat's line goes; the time is printed where it always is
            handle.update({"text/plain": ""}, raw=True, metadata=PROGRESS_METADATA)
        if self.verbose:
            text = f"{self.label or 'elapsed'}: {self.seconds:.1f} s"
            self.lines.append(text)
            print(text)
        return False


def weight_average_copy(network: keras.Model) -> keras.Model:
    """A copy of ``network`` holding the same weights: the start of an exponential moving average of them."""
    average = keras.models.clone_model(network)
    average.set_weights(network.get_weights())
    return average


def update_weight_average(average: keras.Model, network: keras.Model, decay: float, step: tf.Variable) -> None:
    """One step of the exponential moving average of ``network``'s weights, kept in ``average``:
    ``w_avg <- d * w_avg + (1 - d) * w`` with ``d = min(decay, (1 + t) / (10 + t))`` and ``t = step``, then
    ``step += 1``. The warm-up keeps the first steps from being averaged with the random initial weights for long.
    The GANs (``gan.TwoPlayerGAN``) and the diffusion model (``diffusion.DiffusionModel``) draw with the average."""
    d = tf.minimum(decay, (1.0 + step) / (10.0 + step))
    for averaged, current in zip(average.weights, network.weights):
        averaged.assign(d * averaged + (1.0 - d) * current)
    step.assign_add(1.0)


class SampleGridCallback(keras.callbacks.Callback):
    """Every ``every`` epochs, draw samples from a fixed noise batch and show (or save) their grid.

    ``sample_fn(noise) -> images`` maps the fixed noise to images in [-1, 1] (``value_range=(-1, 1)``) or
    [0, 1]. Keeping the noise fixed makes the grids a film of the same samples improving. The grids are
    kept in ``self.frames`` (uint8 arrays) for :func:`course_utils.plotting.training_gif`.
    """

    def __init__(self, sample_fn, noise, every: int = 1, value_range=(-1.0, 1.0), show: bool = True,
                 save_dir: str | Path | None = None, title: str = "samples"):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be a positive number of epochs, got {every}.")
        self.sample_fn, self.noise, self.every = sample_fn, noise, every
        self.value_range, self.show, self.title = value_range, show, title
        self.save_dir = Path(save_dir) if save_dir else None
        self.frames: list[np.ndarray] = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        images = np.asarray(self.sample_fn(self.noise))
        low, high = self.value_range
        images = np.clip((images - low) / (high - low), 0.0, 1.0)
        self.frames.append(plotting.grid_array(images))
        if self.show or self.save_dir:
            fig = plotting.image_grid(images, title=f"{self.title}, epoch {epoch + 1}")
            if self.save_dir:
                self.save_dir.mkdir(parents=True, exist_ok=True)
                fig.savefig(self.save_dir / f"epoch_{epoch + 1:03d}.png", dpi=80)
            if self.show:
                from IPython.display import display

                display(fig)
            plt.close(fig)


class TimeBudget(keras.callbacks.Callback):
    """Stop ``fit`` once ``seconds`` of training have passed (checked after every batch), or after ``max_steps``.

    Comparing models "for the same wall-clock budget" (lessons 07 and 13, the benchmark) needs this rather
    than a number of epochs, since models differ in speed. The clock starts when the first step ends: that step
    also builds the TensorFlow graph, which takes from a fraction of a second to many seconds on a busy machine
    and is not training. ``min_steps`` guarantees a floor of updates even on a slow or busy machine; ``max_steps``
    a ceiling. ``elapsed`` (seconds since the first step) and ``steps`` (all steps) report what was used.

    A lesson makes its budget with :func:`lesson_budget`: seconds in full mode, an exact number of steps in quick
    mode. A hand-written loop (lesson 13's fully-connected GAN) calls :meth:`count` after its steps and stops when
    it returns ``True``.
    """

    def __init__(self, seconds: float, min_steps: int = 0, max_steps: int | None = None):
        super().__init__()
        if not seconds > 0:
            raise ValueError(f"seconds must be positive, got {seconds}.")
        if min_steps < 0:
            raise ValueError(f"min_steps must be >= 0, got {min_steps}.")
        if max_steps is not None and max_steps < max(1, min_steps):
            raise ValueError(f"max_steps must be at least 1 and at least min_steps ({min_steps}), got {max_steps}.")
        self.seconds, self.min_steps, self.max_steps = seconds, int(min_steps), max_steps
        self.elapsed, self.steps, self._start = 0.0, 0, None

    @property
    def by_steps(self) -> bool:
        """True when the budget is a number of steps (quick mode), not a time."""
        return self.seconds == float("inf")

    def describe(self) -> str:
        """What the budget is, for a lesson's printout: ``"240 s of training"`` or ``"60 steps (quick mode)"``."""
        return f"{self.max_steps} steps (quick mode)" if self.by_steps else f"{self.seconds:g} s of training"

    def on_train_begin(self, logs=None):
        self._start = None

    def count(self, steps: int = 1) -> bool:
        """Record ``steps`` more training steps; ``True`` when the budget is spent."""
        self.steps += steps
        if self._start is None:  # the first step ends: graph built, start the clock
            self._start = time.perf_counter()
            return self.max_steps is not None and self.steps >= self.max_steps
        self.elapsed = time.perf_counter() - self._start
        if self.max_steps is not None and self.steps >= self.max_steps:
            return True
        return self.elapsed >= self.seconds and self.steps >= self.min_steps

    def on_train_batch_end(self, batch, logs=None):
        if self.count(1):
            self.model.stop_training = True


def lesson_budget(full_seconds: float, quick_steps: int) -> TimeBudget:
    """A lesson's training budget for the run mode (``COURSE_MODE``).

    * full mode: ``full_seconds`` of wall-clock training. A faster machine makes more steps, a slower one fewer;
      the budget's ``steps`` say how many, and the lessons print them.
    * quick mode (CI): exactly ``quick_steps`` steps, however fast the machine. A quick-mode run is then the same
      computation everywhere, so the same seed prints the same numbers, and its checks hold on any machine.
    """
    if quick_steps < 1:
        raise ValueError(f"quick_steps must be a positive number of steps, got {quick_steps}.")
    if run_mode() == "quick":
        return TimeBudget(float("inf"), min_steps=quick_steps, max_steps=quick_steps)
    return TimeBudget(full_seconds)


def judge_claim(claim: str, holds: bool, steps: int, steps_needed: int, mode: str | None = None) -> bool | None:
    """Judge a lesson's quality claim against the training it got, and say the verdict in plain words.

    A full-mode run trains for seconds, so a slower machine makes fewer steps. ``steps_needed`` is how many steps the
    claim was measured to need (the lesson says where it comes from). With at least that many, the claim is checked:
    ``holds`` false raises ``AssertionError``. With fewer, nothing is raised: the lesson prints that the budget bought
    too few steps and what to do (more seconds, or ``COURSE_TRAINING=load``). Quick mode, which trains a few steps on
    purpose, never checks full-mode claims. Returns ``True`` (checked, holds), ``None`` (not judged)."""
    mode = mode or run_mode()
    if mode == "quick":
        print(f"quick mode ({steps:,} steps): not judged; the full-mode claim is: {claim}.")
        return None
    if steps < steps_needed:
        print(f"NOT JUDGED: this run made {steps:,} steps, fewer than the {steps_needed:,} the claim '{claim}' was "
              f"measured with ({'it holds anyway' if holds else 'it does not hold yet'}). Your machine is slower than the "
              "course's: give the training more seconds, or run the lesson with COURSE_TRAINING=load.")
        return None
    if not holds:
        raise AssertionError(f"after {steps:,} steps (at least the {steps_needed:,} it needs) the claim does not hold: "
                             f"{claim}.")
    print(f"checked after {steps:,} steps: {claim}.")
    return True


class TrainingProgress(keras.callbacks.Callback):
    """One line that shows a training run is alive: steps made, time used against the budget, speed, current losses.

    In a notebook (JupyterLab, VS Code, Colab, and under nbclient/nbval) it is one output, replaced in place every
    ``every_seconds`` (``IPython.display`` with a display id: bounded output, no widget); in a script it prints a line
    every ``every_seconds``. The default, 5 s, keeps every wait for a sign of life well under the 10 s after which a
    learner takes a cell for frozen (issue 16), even when one step takes a few seconds. ``Recipe.train`` adds one to every run. The line says ``steps/s``, which marks it as
    measured (the quick-mode repeat test leaves such lines out).

    With ``preview`` (a function of no arguments returning a batch of images, in ``value_range``), a notebook also
    shows a grid of those images, one output replaced in place every ``grid_every_seconds``, so the learner watches
    the samples improve. The first grid appears only after ``grid_every_seconds``: a run shorter than that (quick
    mode) shows none, and the lesson's own figures are not repeated. The last grid is drawn when training ends.
    ``Recipe.train`` passes the model's own fixed-noise samples (:func:`preview_of`).

    A step that takes longer than ``every_seconds`` (the first builds the graph: many seconds on a busy laptop) does
    not leave the cell frozen: a background thread refreshes the line, saying how long the step has run, until it
    ends (for at most ``HEARTBEAT_LIMIT_SECONDS``, after which an interrupted or failed run is left alone).
    """

    def __init__(self, name: str = "training", budget: "TimeBudget | None" = None, every_seconds: float = 5.0,
                 preview=None, grid_every_seconds: float = 30.0, value_range=(-1.0, 1.0)):
        super().__init__()
        if every_seconds <= 0 or grid_every_seconds <= 0:
            raise ValueError(f"every_seconds and grid_every_seconds must be positive, got {every_seconds} and "
                             f"{grid_every_seconds}.")
        if preview is not None and not callable(preview):
            raise TypeError(f"preview must be a function of no arguments returning images, got {type(preview).__name__}.")
        self.name, self.budget, self.every_seconds = name, budget, float(every_seconds)
        self.preview, self.grid_every_seconds, self.value_range = preview, float(grid_every_seconds), value_range
        self.lines: list[str] = []   # every line shown, for tests and for a look afterwards
        self.grids_shown = 0          # how many times the grid was drawn (replaced in place)
        self._handle = self._grid_handle = self._start = self._last = self._last_grid = None
        self._steps = self._epoch_start = 0
        self._logs, self._last_step_time, self._lock, self._stop = None, None, threading.Lock(), threading.Event()
        self._finishing = False   # training has ended and the last grid is being drawn

    def _target(self) -> str:
        if self.budget is None:
            return ""
        return f" of {self.budget.max_steps:,} steps" if self.budget.by_steps else f" of {self.budget.seconds:g} s"

    def line(self, logs=None) -> str:
        elapsed = time.perf_counter() - self._start
        losses = ", ".join(f"{key} {float(value):.3f}" for key, value in (logs or {}).items()
                           if not key.startswith("val_"))
        speed = self._steps / elapsed if elapsed > 0 else 0.0
        return (f"{self.name}: {self._steps:,} steps{self._target()} in {elapsed:.0f} s ({speed:.1f} steps/s)"
                + (f"; {losses}" if losses else ""))

    def _show(self, text: str) -> None:
        with self._lock:   # the heartbeat thread shows lines too
            self._show_unlocked(text)

    def _show_unlocked(self, text: str) -> None:
        self.lines.append(text)
        if self._handle is not None:
            self._handle.update({"text/plain": text}, raw=True, metadata=PROGRESS_METADATA)
        else:
            print(text, flush=True)

    def _in_notebook(self) -> bool:
        return in_notebook()

    def _show_grid(self) -> None:
        """Draw the preview's grid and put it in the notebook: a new output the first time, the same one after."""
        from IPython.display import display

        images = np.asarray(self.preview())
        low, high = self.value_range
        fig = plotting.image_grid(np.clip((images - low) / (high - low), 0.0, 1.0), ncols=min(8, len(images)),
                                  title=f"{self.name}: samples after {self._steps:,} steps")
        plt.close(fig)   # shown through the display handle only
        if self._grid_handle is None:
            self._grid_handle = display(fig, display_id=True, metadata=PROGRESS_METADATA)
        else:
            self._grid_handle.update(fig, metadata=PROGRESS_METADATA)
        self.grids_shown += 1
        self._last_grid = time.perf_counter()

    def on_train_begin(self, logs=None):
        self._start = self._last = self._last_grid = time.perf_counter()
        self._steps = self._epoch_start = 0
        self._handle = self._grid_handle = None
        self.grids_shown = 0
        if self._in_notebook():
            from IPython.display import display

            self._handle = display({"text/plain": f"{self.name}: starting"}, raw=True, display_id=True,
                                   metadata=PROGRESS_METADATA)
        self._last_step_time, self._logs, self._finishing = self._start, None, False
        self._stop.set()                  # a heartbeat of an earlier run of this callback ends
        self._stop = threading.Event()
        start_heartbeat(self._heartbeat, self._stop, f"progress heartbeat: {self.name}")

    # The longest a heartbeat keeps reporting that no step has finished: after it, the run is taken for stopped
    # (interrupted, or failed) and the line stays as it is.
    HEARTBEAT_LIMIT_SECONDS = 180

    def _heartbeat(self, stop: threading.Event) -> None:
        """While a step takes longer than ``every_seconds`` (the first one builds the graph; on a slow machine any
        step can), refresh the line with how long the current step has run, so the cell never looks frozen."""
        while not stop.wait(min(1.0, self.every_seconds / 2)):
            now = time.perf_counter()
            waiting = now - self._last_step_time
            if waiting > self.HEARTBEAT_LIMIT_SECONDS:
                return
            with self._lock:
                # only when no step has ended for a while: between steps, the line is _tick's to show
                if stop.is_set() or now - self._last < self.every_seconds or waiting < self.every_seconds:
                    continue
                self._last = now
                what = ("drawing the last samples" if self._finishing else
                        "the first step builds the training graph" if self._steps == 0 else "a step is running")
                self._show_unlocked(f"{self.line(self._logs)}; {what} ({waiting:.0f} s so far)")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = self._steps

    def on_train_batch_end(self, batch, logs=None):
        per_epoch = (self.params or {}).get("steps") or float("inf")
        # ``batch`` is the last step done: steps_per_execution runs several per call (and may overshoot a short epoch)
        self._steps = self._epoch_start + int(min(batch + 1, per_epoch))
        self._tick(logs)

    # A hand-written training loop (lesson 06's ``train_gan``) drives the same line: start(), advance(steps), finish().
    def start(self) -> None:
        self.on_train_begin()

    def advance(self, steps: int, logs=None) -> None:
        """``steps`` made so far in all; shows the line (and the grid) when they are due."""
        self._steps = int(steps)
        self._tick(logs)

    def finish(self, logs=None) -> None:
        self.on_train_end(logs)

    def _tick(self, logs) -> None:
        now = time.perf_counter()
        self._last_step_time, self._logs = now, logs
        with self._lock:
            due = now - self._last >= self.every_seconds
            if due:
                self._last = now
                self._show_unlocked(self.line(logs))
        if self.preview is not None and self._handle is not None and now - self._last_grid >= self.grid_every_seconds:
            self._show_grid()

    def on_train_end(self, logs=None):
        done = self.line(logs) + " (done)"
        if self._grid_handle is not None:   # a grid is on the page: leave it showing the final samples
            # drawing them can take many seconds (lesson 13's VAE: 30 s): the heartbeat says so meanwhile
            self._last_step_time, self._finishing = time.perf_counter(), True
            self._show(done)
            self._show_grid()
        self._stop.set()
        self._show(done)


def preview_of(model, n: int = 16):
    """``(preview, value_range)`` for :class:`TrainingProgress`: ``n`` images the model draws from fixed noise (the
    same every time, so the grid shows the same samples improving), or ``(None, None)`` for a model that does not
    draw images (points, diffusion models, whose sampling takes many passes)."""
    generate = getattr(model, "generate", None)
    if generate is None or type(model).__name__ == "DiffusionModel":
        return None, None
    shape = getattr(model, "image_shape", None) or tuple(getattr(getattr(model, "generator", None), "output_shape", ())[1:])
    if len(tuple(shape)) != 3:
        return None, None
    conditional = "labels" in generate.__code__.co_varnames[:generate.__code__.co_argcount]
    value_range = (0.0, 1.0) if hasattr(model, "encoder") else (-1.0, 1.0)   # a VAE decodes to [0, 1]
    n_classes = getattr(model, "n_classes", 10)
    if conditional:
        return (lambda: generate(np.arange(n) % n_classes, seed=0)), value_range
    return (lambda: generate(n, seed=0)), value_range
