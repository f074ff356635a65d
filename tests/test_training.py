import time

import numpy as np
import pytest

from course_utils import training


@pytest.mark.parametrize("value,expected", [("quick", "quick"), ("full", "full"), ("FULL", "full"), ("", "full")])
def test_run_mode_values(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_MODE", value)
    assert training.run_mode() == expected


def test_run_mode_default_is_full(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    assert training.run_mode() == "full"
    assert training.by_mode(quick=1, full=30) == 30


def test_unknown_run_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match="'fast' is not a run mode.*'quick'.*'full'"):
        training.run_mode()


def test_by_mode_quick(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "quick")
    assert training.by_mode(quick=1, full=30) == 1


def test_set_seed_repeats_numpy_and_tensorflow():
    import tensorflow as tf

    training.set_seed(3)
    a = (np.random.rand(3), tf.random.normal([3]).numpy())
    training.set_seed(3)
    b = (np.random.rand(3), tf.random.normal([3]).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_timer_measures():
    import time

    with training.Timer("sleep", verbose=False) as timer:
        time.sleep(0.05)
    assert 0.04 < timer.seconds < 1.0


def test_a_long_timer_block_says_it_is_still_working_in_a_notebook_and_ends_with_its_time(monkeypatch, capsys,
                                                                                          notebook_display):
    """A computation wrapped in Timer (lesson 10's importance-weighted bounds) must not leave its cell silent for
    more than ~10 s (issue 16): one line, replaced in place, emptied at the end, when the time is printed (where a
    block shorter than the heartbeat prints it too: the same output on a fast machine and a slow one)."""
    import time

    shown = notebook_display
    monkeypatch.setattr(training, "in_notebook", lambda: True)
    with training.Timer("bounds", every_seconds=0.2) as timer:
        time.sleep(0.9)
    time.sleep(0.4)                                      # nothing may follow the end of the block
    kinds = [kind for kind, _ in shown]
    assert kinds[0] == "display" and kinds.count("display") == 1 and len(kinds) >= 4, shown   # one output, updated
    assert all("working" in obj["text/plain"] for _, obj in shown[:-1]), shown
    assert shown[-1][1]["text/plain"] == ""                                # emptied at the end ...
    assert capsys.readouterr().out == f"bounds: {timer.seconds:.1f} s\n"   # ... and the time printed, as always


def test_a_short_or_quiet_timer_block_shows_only_its_time(monkeypatch, capsys):
    import time

    monkeypatch.setattr(training, "in_notebook", lambda: True)
    with training.Timer("short", every_seconds=5) as timer:
        time.sleep(0.05)
    assert capsys.readouterr().out == f"short: {timer.seconds:.1f} s\n" and timer.lines == [f"short: {timer.seconds:.1f} s"]
    with training.Timer("quiet", verbose=False, every_seconds=0.05) as timer:
        time.sleep(0.3)
    assert capsys.readouterr().out == "" and timer.lines == []
    with pytest.raises(ValueError, match="every_seconds"):
        training.Timer("bad", every_seconds=0)


def test_sample_grid_callback_collects_frames(tmp_path):
    noise = np.zeros((4, 2), np.float32)
    calls = []

    def sample_fn(z):
        calls.append(len(z))
        return np.full((len(z), 8, 8, 1), 0.5, np.float32)  # mid-grey in [-1, 1] -> 0.75

    callback = training.SampleGridCallback(sample_fn, noise, every=2, show=False, save_dir=tmp_path)
    for epoch in range(5):
        callback.on_epoch_end(epoch)
    assert calls == [4, 4]  # epochs 2 and 4
    assert len(callback.frames) == 2 and callback.frames[0].dtype == np.uint8
    assert abs(np.median(callback.frames[0]) - 0.75 * 255) <= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch_002.png", "epoch_004.png"]
    with pytest.raises(ValueError, match="positive"):
        training.SampleGridCallback(sample_fn, noise, every=0)


def test_the_weight_average_follows_the_formula_with_its_warm_up():
    import keras
    import tensorflow as tf

    network = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    average, step = training.weight_average_copy(network), tf.Variable(0.0)
    start = [w.copy() for w in network.get_weights()]
    np.testing.assert_array_equal(average.get_weights()[0], start[0])            # starts as a copy
    network.set_weights([w + 1.0 for w in start])
    training.update_weight_average(average, network, decay=0.999, step=step)    # t = 0: d = min(0.999, 1/10)
    for got, before in zip(average.get_weights(), start):
        np.testing.assert_allclose(got, 0.1 * before + 0.9 * (before + 1.0), rtol=1e-6)
    assert float(step.numpy()) == 1.0
    step.assign(1e6)                                                              # late: d = decay
    before_update = [w.copy() for w in average.get_weights()]
    training.update_weight_average(average, network, decay=0.5, step=step)
    for got, before, now in zip(average.get_weights(), before_update, network.get_weights()):
        np.testing.assert_allclose(got, 0.5 * before + 0.5 * now, rtol=1e-6)


def test_time_budget_stops_fit():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    budget = training.TimeBudget(seconds=0.3)
    x = np.zeros((32000, 2), np.float32)
    model.fit(x, x[:, :1], batch_size=1, epochs=50, verbose=0, callbacks=[budget])
    assert 0.3 <= budget.elapsed < 3.0  # stopped soon after the budget, far before 50 epochs of 32000 steps
    assert 0 < budget.steps < 32000
    with pytest.raises(ValueError, match="positive"):
        training.TimeBudget(0)
    with pytest.raises(ValueError, match="min_steps"):
        training.TimeBudget(1, min_steps=-1)


def test_time_budget_min_steps_outlasts_the_seconds():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    budget = training.TimeBudget(seconds=1e-6, min_steps=40)
    x = np.zeros((1000, 2), np.float32)
    model.fit(x, x[:, :1], batch_size=1, epochs=1, verbose=0, callbacks=[budget])
    assert budget.steps == 40


def test_time_budget_max_steps_stops_at_exactly_that_many_steps():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    budget = training.TimeBudget(float("inf"), min_steps=25, max_steps=25)
    x = np.zeros((1000, 2), np.float32)
    model.fit(x, x[:, :1], batch_size=1, epochs=5, verbose=0, callbacks=[budget])
    assert budget.steps == 25 and budget.by_steps and budget.describe() == "25 steps (quick mode)"
    with pytest.raises(ValueError, match="max_steps must be at least"):
        training.TimeBudget(1, min_steps=10, max_steps=5)


def test_a_hand_written_loop_counts_its_steps_against_the_budget():
    budget = training.TimeBudget(float("inf"), max_steps=30)
    rounds = 0
    while not budget.count(10):
        rounds += 1
    assert budget.steps == 30 and rounds == 2


def test_lesson_budget_is_steps_in_quick_mode_and_seconds_in_full_mode(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "quick")
    quick = training.lesson_budget(240, quick_steps=60)
    assert (quick.min_steps, quick.max_steps, quick.by_steps) == (60, 60, True)
    monkeypatch.setenv("COURSE_MODE", "full")
    full = training.lesson_budget(240, quick_steps=60)
    assert (full.seconds, full.max_steps, full.by_steps, full.describe()) == (240, None, False, "240 s of training")
    with pytest.raises(ValueError, match="quick_steps"):
        training.lesson_budget(240, quick_steps=0)


def test_time_budget_does_not_count_the_first_step():
    """The first step builds the graph (seconds on a busy machine); a budget shorter than that must still train."""
    import time

    import keras

    class SlowFirstStep(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if batch == 0:
                time.sleep(0.6)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    budget = training.TimeBudget(seconds=0.4)
    x = np.zeros((32000, 2), np.float32)
    model.fit(x, x[:, :1], batch_size=1, epochs=1, verbose=0, callbacks=[SlowFirstStep(), budget])
    assert budget.steps > 10 and 0.4 <= budget.elapsed < 3.0


def test_merge_settings_changes_some_and_refuses_a_typo():
    defaults = {"latent_dim": 64, "g_width": 32}
    assert training.merge_settings(defaults, {"g_width": 16}) == {"latent_dim": 64, "g_width": 16}
    assert training.merge_settings(defaults, None) == defaults and defaults == {"latent_dim": 64, "g_width": 32}
    with pytest.raises(ValueError, match=r"unknown settings \['g_widht'\]"):
        training.merge_settings(defaults, {"g_widht": 16})
    from course_utils import cgan, gan, vae

    for build in (gan.build_lesson_07_dcgan, cgan.build_lesson_09_cgan, vae.build_lesson_10_vae, vae.build_lesson_12_cvae):
        with pytest.raises(ValueError, match="unknown settings"):
            build({"no_such_setting": 1})


def test_training_progress_counts_every_step_and_says_how_far_it_is(capsys):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=5)          # callbacks then see every fifth step only
    budget = training.TimeBudget(float("inf"), max_steps=40)
    progress = training.TrainingProgress("toy", budget, every_seconds=1e-9)
    x = np.zeros((200, 2), np.float32)
    model.fit(x, x[:, :1], batch_size=10, epochs=3, verbose=0, callbacks=[progress])
    assert progress.lines[-1].startswith("toy: 60 steps of 40 steps in ") and progress.lines[-1].endswith("(done)")
    assert "steps/s" in progress.lines[-1] and "loss" in progress.lines[-1]
    assert len(progress.lines) >= 12 and "toy: 5 steps" in capsys.readouterr().out   # a script gets printed lines
    model.compile("sgd", "mse", steps_per_execution=25)         # longer than an epoch of 20 steps
    model.fit(x, x[:, :1], batch_size=10, epochs=2, verbose=0, callbacks=[progress])
    assert progress.lines[-1].startswith("toy: 40 steps")
    with pytest.raises(ValueError, match="every_seconds"):
        training.TrainingProgress(every_seconds=0)


def test_a_slow_step_keeps_the_line_alive_and_the_heartbeat_ends_with_the_run(capsys):
    """The first step builds the graph and can take tens of seconds: the line must not freeze meanwhile (issue 16),
    and once training ends no line may follow the "(done)" one."""
    progress = training.TrainingProgress("slow", every_seconds=0.2)
    progress.start()
    time.sleep(1.3)                                    # one long "first step": nothing calls advance()
    during = list(progress.lines)
    assert len(during) >= 3 and all("the first step builds the training graph" in line for line in during), during
    progress.advance(1)
    time.sleep(0.7)                                    # a slow later step
    assert any("a step is running" in line for line in progress.lines[len(during):]), progress.lines
    progress.finish()
    done = len(progress.lines)
    time.sleep(0.6)
    assert len(progress.lines) == done and progress.lines[-1].endswith("(done)"), progress.lines[done - 1:]
    assert "the first step builds the training graph" in capsys.readouterr().out   # a script gets it printed


def test_the_heartbeat_stays_quiet_while_steps_keep_coming():
    """Steps that end every 0.05 s: the line is the step's own, never "a step is running" (that would be untrue)."""
    progress = training.TrainingProgress("busy", every_seconds=0.2)
    progress.start()
    for step in range(1, 30):
        time.sleep(0.05)
        progress.advance(step)
    progress.finish()
    assert len(progress.lines) >= 4 and not any("so far" in line for line in progress.lines), progress.lines


def test_the_heartbeat_leaves_a_run_that_stopped_long_ago_alone(monkeypatch):
    monkeypatch.setattr(training.TrainingProgress, "HEARTBEAT_LIMIT_SECONDS", 0.5)
    progress = training.TrainingProgress("stopped", every_seconds=0.1)
    progress.start()                                   # never advanced nor finished: an interrupted run
    time.sleep(1.5)
    shown = len(progress.lines)
    time.sleep(0.6)
    assert len(progress.lines) == shown and 2 <= shown <= 8, progress.lines


class _FakeHandle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, obj, **kwargs):
        self.shown.append(("update", obj))


@pytest.fixture
def notebook_display(monkeypatch):
    """IPython's display replaced by a recorder: the list of ("display" | "update", object) it was asked to show. Every
    progress output must carry training.PROGRESS_METADATA (the repeat test leaves such outputs out)."""
    import IPython.display

    shown = []

    def fake_display(obj, raw=False, display_id=False, **kwargs):
        assert kwargs.get("metadata") == training.PROGRESS_METADATA
        shown.append(("display", obj))
        return _FakeHandle(shown)

    monkeypatch.setattr(IPython.display, "display", fake_display)
    return shown


def test_training_progress_refreshes_one_sample_grid_in_place_in_a_notebook(monkeypatch, notebook_display):
    import keras
    from matplotlib.figure import Figure

    shown = notebook_display
    monkeypatch.setattr(training.TrainingProgress, "_in_notebook", lambda self: True)
    drawn = []

    def preview():
        drawn.append(1)
        return np.full((4, 6, 6, 1), 0.5, np.float32)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.zeros((200, 2), np.float32)
    progress = training.TrainingProgress("toy", preview=preview, grid_every_seconds=1e-9, value_range=(0.0, 1.0))
    model.fit(x, x[:, :1], batch_size=10, epochs=2, verbose=0, callbacks=[progress])
    figures = [(kind, obj) for kind, obj in shown if isinstance(obj, Figure)]
    assert figures[0][0] == "display" and all(kind == "update" for kind, _ in figures[1:])   # one output, replaced
    assert progress.grids_shown == len(figures) == len(drawn) == 41                          # 40 steps, then the end
    assert figures[-1][1].texts[0].get_text() == "toy: samples after 40 steps"

    # a run shorter than grid_every_seconds (quick mode) shows no grid at all: the lesson's figures are not repeated
    shown.clear(); drawn.clear()
    short = training.TrainingProgress("toy", preview=preview, grid_every_seconds=3600)
    model.fit(x, x[:, :1], batch_size=10, epochs=1, verbose=0, callbacks=[short])
    assert short.grids_shown == 0 and not drawn and not any(isinstance(obj, Figure) for _, obj in shown)
    with pytest.raises(TypeError, match="preview must be a function"):
        training.TrainingProgress(preview="grid")


def test_a_hand_written_loop_drives_the_same_progress_line(capsys):
    progress = training.TrainingProgress("loop", every_seconds=1e-9)
    progress.start()
    for steps in (10, 20, 30):
        progress.advance(steps, {"d_loss": 0.5})
    progress.finish({"d_loss": 0.4})
    assert progress.lines[0].startswith("loop: 10 steps in ") and "d_loss 0.500" in progress.lines[0]
    assert progress.lines[-1].startswith("loop: 30 steps") and progress.lines[-1].endswith("d_loss 0.400 (done)")
    assert "loop: 20 steps" in capsys.readouterr().out


def test_preview_of_draws_fixed_samples_of_image_models_only():
    from course_utils import recipes

    preview, value_range = training.preview_of(recipes.LESSON_10.build())
    assert value_range == (0.0, 1.0) and np.asarray(preview()).shape == (16, 28, 28, 1)
    np.testing.assert_array_equal(preview(), preview())                   # the same noise: the same samples improve
    preview, value_range = training.preview_of(recipes.LESSON_09.build())
    assert value_range == (-1.0, 1.0) and np.asarray(preview()).shape == (16, 28, 28, 1)
    assert training.preview_of(recipes.LESSON_08_WGAN_GP.build()) == (None, None)   # points, not images
    assert training.preview_of(recipes.LESSON_17_PIXEL.build()) == (None, None)     # 200 passes per sample


def test_judge_claim_checks_only_runs_with_the_steps_it_was_measured_with(capsys):
    claim = "samples are sharp"
    assert training.judge_claim(claim, True, 2000, 1500, mode="full") is True
    assert "checked after 2,000 steps" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="after 2,000 steps.*does not hold: samples are sharp"):
        training.judge_claim(claim, False, 2000, 1500, mode="full")
    # a slower machine: too few steps, so the claim is not judged, and the lesson says what to do instead of failing
    assert training.judge_claim(claim, False, 700, 1500, mode="full") is None
    said = capsys.readouterr().out
    assert "NOT JUDGED" in said and "700 steps" in said and "COURSE_TRAINING=load" in said and "does not hold yet" in said
    assert training.judge_claim(claim, False, 30, 1500, mode="quick") is None
    assert "quick mode (30 steps): not judged" in capsys.readouterr().out


def test_the_line_stays_alive_while_the_last_sample_grid_is_drawn(monkeypatch, notebook_display):
    """The final grid can take many seconds (lesson 13's VAE: 30 s in full mode): the heartbeat keeps speaking until it
    is drawn, and the run's last line is still its "(done)" line."""
    monkeypatch.setattr(training.TrainingProgress, "_in_notebook", lambda self: True)
    calls = []

    def preview():
        calls.append(1)
        if len(calls) > 1:
            time.sleep(1.0)                            # the last grid is slow
        return np.full((4, 6, 6, 1), 0.5, np.float32)

    progress = training.TrainingProgress("slow end", every_seconds=0.2, preview=preview, grid_every_seconds=1e-9,
                                         value_range=(0.0, 1.0))
    progress.start()
    progress.advance(1)                                # the first grid, fast
    progress.finish()
    assert any("drawing the last samples" in line for line in progress.lines), progress.lines
    assert progress.lines[-1].endswith("(done)") and progress.grids_shown == 2
