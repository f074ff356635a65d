"""Train the models of lessons 04-10 and 12 and write the checkpoints that ship in `data/checkpoints/`.

A workshop can then run those lessons with `COURSE_TRAINING=load` and skip their training (issue 8). Lesson 11
trains nothing of its own that takes long: in load mode it uses the checkpoints of lessons 05, 08 and 09, whose models
it builds with the same settings, and lesson 12 uses lesson 08's VAE (its latent-diffusion job trains on that
checkpoint's codes, so run the lesson08 job first).
Each job trains with the lesson's FULL-mode settings, data and time budget (the same builders from
`course_utils`), then saves the functional sub-models the lesson needs (generators, VAE encoders and decoders)
as `.keras` files with float16 weights (`course_utils.checkpoints.as_float16`: half the bytes; the lesson
computes in float32 with the rounded weights, and the script checks the rounding changes outputs by < 0.02).

What is written
---------------
* `data/checkpoints/<name>.keras`, one per checkpoint;
* `data/checkpoints/manifest.json`: name -> file, sha256, bytes, lesson, seconds, steps, epochs, settings,
  date, history (per-epoch metrics), max_rounding_difference;
* `data/checkpoints/reference_samples.npz`: for each checkpoint `<name>/input_<i>` (a fixed input: noise from a
  seed, class labels, images) and `<name>/output_<i>`, the output of the model as `checkpoints.load` returns it;
  `tests/test_checkpoints.py` reloads every checkpoint and reproduces these.

Training is bounded by wall-clock seconds, so a busy CPU makes fewer steps: the manifest records them.
The manifest and samples are updated after every job, so `--only` reruns one job and keeps the others.

Usage (about 30 minutes on a 2-core CPU; no network):

    python data/make_checkpoints.py                    # every job
    python data/make_checkpoints.py --only lesson05    # one or more jobs: lesson04 ... lesson10, lesson12
    python data/make_checkpoints.py --seconds 3 --out /tmp/ck   # a smoke test: 3 s per model, elsewhere
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils import cgan, checkpoints, datasets, diffusion, gan, recipes, training, vae, wgan  # noqa: E402

BATCH = 8   # rows of each reference input


class Job:
    """Collects the checkpoints one lesson's training produces."""

    def __init__(self, seconds_override, folder):
        self.seconds_override, self.folder, self.saved = seconds_override, folder, []

    def seconds(self, seconds):
        """The lesson's full-mode budget, or ``--seconds`` for a smoke test."""
        return seconds if self.seconds_override is None else self.seconds_override

    def budget(self, seconds, min_steps=0):
        seconds = self.seconds(seconds)
        return training.TimeBudget(seconds, min_steps=min_steps), seconds

    def add(self, name, model, lesson, seconds, steps, epochs, settings, history=None):
        self.saved.append({"name": name, "model": model, "lesson": lesson, "seconds": float(seconds),
                           "steps": int(steps), "epochs": int(epochs), "settings": settings,
                           "history": _round_history(history)})


def _round_history(history):
    if history is None:
        return None
    history = getattr(history, "history", history)
    return {key: [int(v) if isinstance(v, (int, np.integer)) else round(float(v), 5) for v in values]
            for key, values in history.items()}


def _jsonable(settings):
    return {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}


# ---------------------------------------------------------------------------------------------- the lessons
def lesson04(job):
    """04_first_gan_keras: main() with EPOCHS = 30 on all shipped images, and the failing run (EPOCHS // 3)."""
    epochs, latent_dim, batch_size = 30, 64, 64
    if job.seconds_override is not None:
        epochs = 1
    training.set_seed(0)
    (x_train, _), _ = datasets.load_mnist()
    images = datasets.to_minus_one_one(x_train)
    generator, discriminator = gan.build_generator(latent_dim), gan.build_discriminator()
    combined = gan.build_gan(generator, discriminator)
    start = time.perf_counter()
    history = gan.train_gan(generator, discriminator, combined, images, epochs, batch_size)
    seconds = time.perf_counter() - start
    steps = epochs * int(np.ceil(len(images) / batch_size))
    settings = {"latent_dim": latent_dim, "batch_size": batch_size, "epochs": epochs, "n_images": len(images)}
    job.add("lesson04_generator", generator, "04", seconds, steps, epochs, settings, history)
    # section 8: the discriminator 10x faster, the generator 10x slower, a third of the epochs
    bad_epochs = max(1, epochs // 3)
    bad_generator = gan.build_generator(latent_dim)
    bad_discriminator = gan.build_discriminator(learning_rate=2e-3)
    bad_gan = gan.build_gan(bad_generator, bad_discriminator, learning_rate=2e-5)
    start = time.perf_counter()
    bad_history = gan.train_gan(bad_generator, bad_discriminator, bad_gan, images, bad_epochs, batch_size)
    seconds = time.perf_counter() - start
    job.add("lesson04_bad_generator", bad_generator, "04", seconds, bad_epochs * int(np.ceil(len(images) / batch_size)),
            bad_epochs, {**settings, "epochs": bad_epochs, "d_learning_rate": 2e-3, "g_learning_rate": 2e-5}, bad_history)


def lesson05(job):
    """05_dcgan: lesson 05's recipe (recipes.LESSON_05), 270 s on MNIST and 180 s on Fashion-MNIST; the weight-averaged
    generator (the one that draws the samples) is saved."""
    _gan_recipe_checkpoints(job, recipes.LESSON_05)


def lesson06(job):
    """06_gan_training_problems: the plain GAN and the SN-GAN (30 epochs of 100 updates) and WGAN-GP (15 epochs) on
    the ring of 8 Gaussians; the generators are saved, with the per-epoch mode coverage in the history."""
    latent_dim, batch_size, steps_per_epoch = 16, 256, 100
    epochs = {"plain_gan": 30, "sn_gan": 30, "wgan_gp": 15}
    if job.seconds_override is not None:
        epochs = dict.fromkeys(epochs, 1)
    metric = dict(modes=8, radius=2.0, std=0.05)
    data = wgan.ring_of_gaussians(batch_size * steps_per_epoch, seed=0, **metric)
    for name, n_epochs in epochs.items():
        training.set_seed(0)
        if name == "wgan_gp":
            model = wgan.WGANGP(wgan.build_mlp_generator(latent_dim), wgan.build_mlp_critic())
            model.compile(keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.9), keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.9),
                          gp_weight=10.0, critic_steps=5, steps_per_execution=25)
        else:
            model = gan.NonSaturatingGAN(wgan.build_mlp_generator(latent_dim), wgan.build_mlp_critic(spectral_norm=name == "sn_gan"))
            model.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5), steps_per_execution=25)
        coverage = wgan.ModeCoverageCallback(**metric)
        start = time.perf_counter()
        history = model.fit(data, batch_size=batch_size, epochs=n_epochs, verbose=0, callbacks=[coverage]).history
        seconds = time.perf_counter() - start
        history.update({f"coverage_{key}": values for key, values in coverage.history.items()})
        job.add(f"lesson06_{name}_generator", model.generator, "06", seconds, n_epochs * steps_per_epoch, n_epochs,
                {"latent_dim": latent_dim, "batch_size": batch_size, "steps_per_epoch": steps_per_epoch, **metric}, history)


def lesson07(job):
    """07_conditional_gan: lesson 07's recipe (recipes.LESSON_07), 165 s each on MNIST and Fashion-MNIST."""
    _gan_recipe_checkpoints(job, recipes.LESSON_07)


def _gan_recipe_checkpoints(job, recipe):
    """Train a recipe's model on each of its datasets for its full-mode budget and add the network it ships."""
    for name, full_seconds in recipe.budget_seconds.items():
        (x_train, y_train), _ = datasets.load_dataset(name)[0]
        training.set_seed(0)
        model = recipe.build()
        seconds = job.seconds(full_seconds)
        budget, history = recipe.train(model, datasets.to_minus_one_one(x_train), y_train, seconds=seconds)
        job.add(recipe.checkpoint_name(name), getattr(model, recipe.saved_network), recipe.lesson, budget.elapsed,
                budget.steps, len(history.history["d_loss"]), recipe.checkpoint_settings(name, seconds), history)


def _vae_checkpoints(job, prefix, model, lesson, elapsed, steps, seconds, history, settings):
    """The encoder and the decoder of one trained VAE, as ``<prefix>_encoder`` and ``<prefix>_decoder``."""
    history = getattr(history, "history", history)
    epochs = len(history["loss"]) if history else 0
    entry_settings = {**_jsonable(settings), "budget_seconds": seconds}
    job.add(f"{prefix}_encoder", model.encoder, lesson, elapsed, steps, epochs, entry_settings, history)
    job.add(f"{prefix}_decoder", model.decoder, lesson, elapsed, steps, epochs, entry_settings, history)


def lesson08(job):
    """08_vae_keras: the latent-16 MNIST VAE (240 s, test set evaluated every 5 epochs), latent 2 (60 s),
    Fashion-MNIST without binarisation (75 s)."""
    (x_train_u8, _), (x_test_u8, _) = datasets.load_mnist()
    x_train = datasets.to_zero_one(x_train_u8)
    x_test = vae.stochastic_binarize(datasets.to_zero_one(x_test_u8), seed=0)
    batch_size = vae.LESSON_08_SETTINGS["batch_size"]
    training.set_seed(0)
    train_data = datasets.make_dataset(x_train, batch_size=batch_size, seed=0)
    model = vae.build_lesson_08_vae()
    budget, seconds = job.budget(240)
    history = model.fit(train_data, epochs=100_000, callbacks=[budget], validation_data=(x_test,),
                        validation_freq=5, verbose=0).history
    _vae_checkpoints(job, "lesson08_vae", model, "08", budget.elapsed, budget.steps, seconds, history,
                     {**vae.LESSON_08_SETTINGS, "validate_every": 5})
    model_2d = vae.build_lesson_08_vae({"latent_dim": 2})
    budget, seconds = job.budget(60)
    history = model_2d.fit(train_data, epochs=100_000, callbacks=[budget], verbose=0).history
    _vae_checkpoints(job, "lesson08_vae_2d", model_2d, "08", budget.elapsed, budget.steps, seconds, history,
                     {**vae.LESSON_08_SETTINGS, "latent_dim": 2})
    (f_train_u8, _), _ = datasets.load_fashion_mnist()
    fashion_model = vae.build_lesson_08_vae({"dynamic_binarization": False})
    budget, seconds = job.budget(75)
    history = fashion_model.fit(datasets.make_dataset(datasets.to_zero_one(f_train_u8), batch_size=batch_size),
                                epochs=100_000, callbacks=[budget], verbose=0).history
    _vae_checkpoints(job, "lesson08_fashion_vae", fashion_model, "08", budget.elapsed, budget.steps, seconds, history,
                     {**vae.LESSON_08_SETTINGS, "dynamic_binarization": False, "dataset": "fashion_mnist"})


LESSON_09_BETAS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def beta_name(beta: float) -> str:
    """The checkpoint prefix of lesson 09's beta-VAE: ``beta_name(0.25) == "lesson09_beta_0.25"``."""
    return f"lesson09_beta_{beta:g}"


def lesson09(job):
    """09_beta_and_conditional_vae: one lesson-08 VAE per beta (35 s each), the conditional VAE (100 s) and the
    conditional GAN it is compared with (100 s, MNIST)."""
    (x_train_u8, y_train), _ = datasets.load_mnist()
    x_train = datasets.to_zero_one(x_train_u8)
    batch_size = vae.LESSON_09_SETTINGS["batch_size"]
    train_data = datasets.make_dataset(x_train, batch_size=batch_size, seed=0)
    for beta in LESSON_09_BETAS:
        training.set_seed(0)
        model = vae.build_lesson_08_vae({"beta": beta})
        budget, seconds = job.budget(35)
        history = model.fit(train_data, epochs=100_000, callbacks=[budget], verbose=0).history
        _vae_checkpoints(job, beta_name(beta), model, "09", budget.elapsed, budget.steps, seconds, history, {**vae.LESSON_08_SETTINGS, "beta": beta})
    training.set_seed(0)
    cvae = vae.build_lesson_09_cvae()
    budget, seconds = job.budget(100)
    history = cvae.fit(datasets.make_dataset(x_train, y_train, batch_size=batch_size, seed=0), epochs=100_000,
                       callbacks=[budget], verbose=0).history
    _vae_checkpoints(job, "lesson09_cvae", cvae, "09", budget.elapsed, budget.steps, seconds, history, vae.LESSON_09_SETTINGS)
    training.set_seed(0)
    cgan_model = cgan.build_lesson_07_cgan()
    budget, seconds = job.budget(100)
    gan_data = datasets.make_dataset(datasets.to_minus_one_one(x_train_u8), y_train,
                                     batch_size=cgan.LESSON_07_SETTINGS["batch_size"], seed=0)
    history = cgan_model.fit(gan_data, epochs=100_000, callbacks=[budget], verbose=0)
    job.add("lesson09_cgan_generator", cgan_model.generator, "09", budget.elapsed, budget.steps,
            len(history.history["d_loss"]), {**cgan.LESSON_07_SETTINGS, "budget_seconds": seconds}, history)


LESSON_10_SECONDS = 45
LESSON_10_WGAN = {"learning_rate": 1e-3, "beta_1": 0.5, "beta_2": 0.9, "critic_steps": 2, "gp_weight": 10.0}


def _fit_for(model, dataset, job, seconds):
    """Lesson 10's fit_for: one warm-up step outside the clock, then the time budget."""
    model.fit(dataset.take(1), epochs=1, verbose=0, shuffle=False)
    budget, _ = job.budget(seconds)
    history = model.fit(dataset, epochs=100_000, verbose=0, shuffle=False, callbacks=[budget])
    return budget.steps + 1, budget.elapsed, history


def lesson10(job):
    """10_evaluating_generators, section 8: the seven generators of lessons 04-09, 45 s each on the 9,001 MNIST
    images with the lesson's trainers; generators (and VAE encoders, for the likelihood column) are saved."""
    (x_train, y_train), _ = datasets.load_mnist()
    gan_data, vae_data = datasets.to_minus_one_one(x_train), datasets.to_zero_one(x_train)
    seconds = LESSON_10_SECONDS
    common = {"budget_seconds": seconds if job.seconds_override is None else job.seconds_override, "n_images": len(x_train)}

    training.set_seed(0)                               # the MLP GAN: lesson 04's loop on random slices of 640 images
    generator, discriminator = gan.build_generator(64), gan.build_discriminator()
    combined = gan.build_gan(generator, discriminator)
    pick = np.random.default_rng(0)
    gan.train_gan(generator, discriminator, combined, gan_data[:64], epochs=1, batch_size=64)
    steps, start = 1, time.perf_counter()
    limit = common["budget_seconds"]
    while time.perf_counter() - start < limit:
        gan.train_gan(generator, discriminator, combined, gan_data[pick.choice(len(gan_data), 640, replace=False)],
                      epochs=1, batch_size=64, seed=steps)
        steps += 10
    job.add("lesson10_mlp_gan_generator", generator, "10", time.perf_counter() - start, steps, 0,
            {"latent_dim": 64, "batch_size": 64, **common})

    training.set_seed(0)
    model = gan.build_lesson_05_dcgan()
    steps, elapsed, history = _fit_for(model, datasets.make_dataset(gan_data, batch_size=64), job, seconds)
    job.add("lesson10_dcgan_generator", model.sampler, "10", elapsed, steps, len(history.history["d_loss"]),
            {**gan.LESSON_05_SETTINGS, **common}, history)

    training.set_seed(0)
    w = LESSON_10_WGAN
    model = wgan.WGANGP(gan.build_dcgan_generator(64, width=32), gan.build_dcgan_discriminator(width=32, dropout=0.0))
    model.compile(keras.optimizers.Adam(w["learning_rate"], w["beta_1"], w["beta_2"]),
                  keras.optimizers.Adam(w["learning_rate"], w["beta_1"], w["beta_2"]),
                  gp_weight=w["gp_weight"], critic_steps=w["critic_steps"])
    steps, elapsed, history = _fit_for(model, datasets.make_dataset(gan_data, batch_size=64), job, seconds)
    job.add("lesson10_wgan_gp_generator", model.generator, "10", elapsed, steps, len(history.history["wasserstein"]),
            {**w, "latent_dim": 64, "width": 32, **common}, history)

    training.set_seed(0)
    model = cgan.build_lesson_07_cgan()
    steps, elapsed, history = _fit_for(model, datasets.make_dataset(gan_data, y_train, batch_size=64), job, seconds)
    job.add("lesson10_cgan_generator", model.generator, "10", elapsed, steps, len(history.history["d_loss"]),
            {**cgan.LESSON_07_SETTINGS, **common}, history)

    for prefix, beta in (("lesson10_vae", 1.0), ("lesson10_beta_vae", 4.0)):
        training.set_seed(0)
        model = vae.build_lesson_08_vae({"beta": beta})
        steps, elapsed, history = _fit_for(
            model, datasets.make_dataset(vae_data, batch_size=vae.LESSON_08_SETTINGS["batch_size"]), job, seconds)
        _vae_checkpoints(job, prefix, model, "10", elapsed, steps, common["budget_seconds"], history,
                         {**vae.LESSON_08_SETTINGS, "beta": beta, "n_images": common["n_images"]})

    training.set_seed(0)
    model = vae.build_lesson_09_cvae()
    steps, elapsed, history = _fit_for(
        model, datasets.make_dataset(vae_data, y_train, batch_size=vae.LESSON_09_SETTINGS["batch_size"]), job, seconds)
    _vae_checkpoints(job, "lesson10_cvae", model, "10", elapsed, steps, common["budget_seconds"], history,
                     {**vae.LESSON_09_SETTINGS, "n_images": common["n_images"]})


LESSON_12_T = 200


def lesson12(job):
    """12_challenges_and_next_steps, section 5: the pixel-space DDPM's U-Net (75 s) and the MLP that denoises the codes
    of lesson 08's VAE (35 s, on the shipped lesson08_vae checkpoint's codes); the weight-averaged denoisers are saved."""
    (x_train, _), _ = datasets.load_mnist()
    schedule = diffusion.NoiseSchedule.linear(LESSON_12_T)
    training.set_seed(0)
    pixel_model = diffusion.DiffusionModel(diffusion.build_denoiser(widths=(32, 64)), schedule, ema_decay=0.995)
    pixel_model.compile(optimizer=keras.optimizers.Adam(2e-3))
    budget, seconds = job.budget(75)
    history = pixel_model.fit(datasets.make_dataset(datasets.to_minus_one_one(x_train), batch_size=64).repeat(),
                              steps_per_epoch=25, epochs=1_000_000, verbose=0, callbacks=[budget])
    job.add("lesson12_pixel_denoiser", pixel_model.ema_denoiser, "12", budget.elapsed, budget.steps,
            len(history.history["loss"]), {"T": LESSON_12_T, "widths": [32, 64], "ema_decay": 0.995, "learning_rate": 2e-3,
                                           "batch_size": 64, "log_every": 25, "budget_seconds": seconds}, history)

    latent_vae = vae.build_lesson_08_vae()            # lesson 08's VAE, as shipped: its codes are the training data
    checkpoints.load_weights_into(latent_vae.encoder, "lesson08_vae_encoder", job.folder)
    checkpoints.load_weights_into(latent_vae.decoder, "lesson08_vae_decoder", job.folder)
    code_means, _ = latent_vae.encode(datasets.to_zero_one(x_train))
    codes = ((code_means - code_means.mean(axis=0)) / code_means.std(axis=0)).astype(np.float32)
    training.set_seed(0)
    latent_model = diffusion.DiffusionModel(diffusion.build_mlp_denoiser(latent_vae.latent_dim, width=128), schedule,
                                            ema_decay=0.999)
    latent_model.compile(optimizer=keras.optimizers.Adam(2e-3))
    code_data = tf.data.Dataset.from_tensor_slices(codes).shuffle(len(codes), seed=0).batch(256, drop_remainder=True).repeat()
    budget, seconds = job.budget(35)
    history = latent_model.fit(code_data, steps_per_epoch=200, epochs=1_000_000, verbose=0, callbacks=[budget])
    job.add("lesson12_latent_denoiser", latent_model.ema_denoiser, "12", budget.elapsed, budget.steps,
            len(history.history["loss"]), {"T": LESSON_12_T, "width": 128, "ema_decay": 0.999, "learning_rate": 2e-3,
                                           "batch_size": 256, "log_every": 200, "vae": "lesson08_vae",
                                           "budget_seconds": seconds}, history)


JOBS = {"lesson05": lesson05, "lesson08": lesson08, "lesson04": lesson04, "lesson07": lesson07, "lesson09": lesson09,
        "lesson06": lesson06, "lesson10": lesson10, "lesson12": lesson12}   # lesson12 after lesson08: it uses its VAE


# ---------------------------------------------------------------------------------------------- writing
def reference_inputs(model, seed: int = 0) -> list:
    """A fixed input for every input of ``model``: class labels 0..9 for integer inputs, N(0, 1) noise for
    codes, uniform [0, 1] images for image inputs."""
    rng = np.random.default_rng(seed)
    values = []
    for tensor in model.inputs:
        shape = (BATCH,) + tuple(int(d) for d in tensor.shape[1:])
        if "int" in str(tensor.dtype):
            values.append((np.arange(BATCH) % 10).astype(np.int32).reshape(shape))
        elif len(shape) == 4:
            values.append(rng.uniform(0, 1, shape).astype(np.float32))
        else:
            values.append(rng.standard_normal(shape).astype(np.float32))
    return values


def outputs_of(model, inputs) -> list:
    result = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    result = result if isinstance(result, (list, tuple)) else [result]
    return [np.asarray(r, dtype=np.float32) for r in result]


def save(job, folder: Path, manifest: dict, samples: dict):
    for item in job.saved:
        name, model = item["name"], item["model"]
        path = folder / f"{name}.keras"
        checkpoints.as_float16(model).save(path)
        data = path.read_bytes()
        manifest[name] = {"file": path.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                          "lesson": item["lesson"], "seconds": round(item["seconds"], 1), "steps": item["steps"],
                          "epochs": item["epochs"], "settings": _jsonable(item["settings"]),
                          "date": datetime.date.today().isoformat(), "history": item["history"]}
        (folder / checkpoints.MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        loaded = checkpoints.load(name, folder)
        inputs = reference_inputs(model)
        trained, shipped = outputs_of(model, inputs), outputs_of(loaded, inputs)
        gap = max(float(np.max(np.abs(a - b))) for a, b in zip(trained, shipped))
        scale = max(float(np.max(np.abs(a))) for a in trained)
        manifest[name]["max_rounding_difference"] = round(gap, 6)
        assert gap < 0.02 * max(1.0, scale), f"{name}: float16 storage changed the outputs by {gap} (scale {scale})"
        for i, value in enumerate(inputs):
            samples[f"{name}/input_{i}"] = value
        for i, value in enumerate(shipped):
            samples[f"{name}/output_{i}"] = value
        print(f"  {name}: {item['steps']:,} steps in {item['seconds']:.0f} s, {len(data) / 1e6:.2f} MB, "
              f"float16 rounding changes outputs by at most {gap:.1e}", flush=True)
    (folder / checkpoints.MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    np.savez_compressed(folder / checkpoints.REFERENCE_SAMPLES, **samples)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=sorted(JOBS), help="train only these lessons' models")
    parser.add_argument("--seconds", type=float, default=None,
                        help="override every time budget (a smoke test; lesson 04 then trains 1 epoch)")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "checkpoints", help="where to write")
    args = parser.parse_args(argv)
    folder = args.out
    folder.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((folder / checkpoints.MANIFEST).read_text()) if (folder / checkpoints.MANIFEST).exists() else {}
    samples = {}
    if (folder / checkpoints.REFERENCE_SAMPLES).exists():
        with np.load(folder / checkpoints.REFERENCE_SAMPLES) as archive:
            samples = {key: archive[key] for key in archive.files}
    for job_name in args.only or list(JOBS):
        print(f"{job_name}: training ({time.strftime('%H:%M:%S')})", flush=True)
        for old in [n for n, e in manifest.items() if f"lesson{e['lesson']}" == job_name]:
            manifest.pop(old)
            samples = {k: v for k, v in samples.items() if not k.startswith(old + "/")}
        job = Job(args.seconds, folder)
        JOBS[job_name](job)
        save(job, folder, manifest, samples)
    total = sum(e["bytes"] for e in manifest.values())
    print(f"{len(manifest)} checkpoints, {total / 1e6:.1f} MB in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
