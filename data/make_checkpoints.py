"""Train the models of lessons 06-13, 17 and 18 and write the checkpoints that ship in `data/checkpoints/`.

A workshop can then run those lessons with `COURSE_TRAINING=load` and skip their training (issue 8). Lessons 14
and 15 train nothing of their own that takes long: in load mode they use the checkpoints of lessons 07 and 10 (14) and
11 and 12 (15), whose models they build with the same settings, and lesson 17 uses lesson 10's VAE (its latent-diffusion job trains on that
checkpoint's codes, so run the lesson10 job first).
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

Usage (about 48 minutes on a 2-core CPU; no network):

    python data/make_checkpoints.py                    # every job
    python data/make_checkpoints.py --only lesson07    # one or more jobs: lesson06 ... lesson13, lesson17, lesson18
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


from course_utils import checkpoints, datasets, diffusion, recipes, training, vae, wgan  # noqa: E402

BATCH = 8   # rows of each reference input


class Job:
    """Collects the checkpoints one lesson's training produces."""

    def __init__(self, seconds_override, folder):
        self.seconds_override, self.folder, self.saved = seconds_override, folder, []

    def seconds(self, seconds):
        """The lesson's full-mode budget, or ``--seconds`` for a smoke test."""
        return seconds if self.seconds_override is None else self.seconds_override

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
def train_recipe(job, recipe, dataset=None, data=None, labels=None, callbacks=(), extra_history=None, extra_settings=None,
                 **train_kwargs):
    """Train one recipe (``course_utils.recipes``) as its lesson does in full mode and add its checkpoints: for its
    full-mode budget on ``dataset`` (``--seconds`` overrides it), or for its ``epochs`` (1 with ``--seconds``).
    ``data`` (already scaled) replaces the dataset's training images; ``extra_history()`` adds to the saved history and
    ``extra_settings`` to the recorded settings (how the lesson's run was watched, not what the model is)."""
    dataset = dataset or recipe.default_dataset
    if data is None:
        (x_train, labels), _ = datasets.load_dataset(dataset)[0]
        data, labels = recipe.training_data(x_train, labels)   # scaled, and only the first n_images where the recipe says
    full_seconds = recipe.budget_seconds[dataset]
    seconds = None if full_seconds is None else job.seconds(full_seconds)
    epochs = None if seconds is not None else (1 if job.seconds_override is not None else recipe.settings["epochs"])
    training.set_seed(0)
    model = recipe.build()
    start = time.perf_counter()
    budget, history = recipe.train(model, data, labels, budget=None if seconds is None else training.TimeBudget(seconds),
                                   epochs=epochs, callbacks=callbacks, **train_kwargs)
    history = dict(getattr(history, "history", history))
    history.update(extra_history() if extra_history else {})
    if budget is not None:
        elapsed, steps = budget.elapsed, budget.steps
    else:
        elapsed, steps = time.perf_counter() - start, epochs * (len(data) // recipe.settings["batch_size"])
    n_epochs = len(next(iter(history.values()))) if history else 0
    for network, name in recipe.checkpoint_names(dataset).items():
        job.add(name, getattr(model, recipe.networks[network]), recipe.lesson, elapsed, steps, n_epochs,
                {**recipe.checkpoint_settings(dataset, seconds), **(extra_settings or {})}, history)
    return model


def lesson06(job):
    """06_first_gan_keras: main() with its 30 epochs on all shipped images, and section 8's failing run."""
    train_recipe(job, recipes.LESSON_06)
    train_recipe(job, recipes.LESSON_06_DISCRIMINATOR_WINS)


def lesson07(job):
    """07_dcgan: the DCGAN of sections 1-4 for 60 s on MNIST, then the headline self-conditioned DCGAN for 300 s on MNIST
    and on Fashion-MNIST (its recipe's training_data makes the k-means clusters it trains on). For each, the sampler is
    saved: the weight-averaged generator, and for the self-conditioned one its cluster choice with the shares."""
    for recipe in (recipes.LESSON_07, recipes.LESSON_07_SELF_CONDITIONED):
        for dataset in recipe.budget_seconds:
            train_recipe(job, recipe, dataset)


def lesson08(job):
    """08_gan_training_problems: the plain GAN and the SN-GAN (30 epochs of 100 updates) and WGAN-GP (15 epochs) on
    the ring of 8 Gaussians; the generators are saved, with the per-epoch mode coverage in the history."""
    for recipe in recipes.for_lesson("08"):
        s = recipe.settings
        metric = {key: s[key] for key in ("modes", "radius", "std")}
        coverage = wgan.ModeCoverageCallback(**metric)
        train_recipe(job, recipe, data=wgan.ring_of_gaussians(s["batch_size"] * s["steps_per_epoch"], seed=0, **metric),
                     callbacks=[coverage],
                     extra_history=lambda: {f"coverage_{key}": values for key, values in coverage.history.items()})


def lesson09(job):
    """09_conditional_gan: 165 s each on MNIST and Fashion-MNIST."""
    for dataset in recipes.LESSON_09.budget_seconds:
        train_recipe(job, recipes.LESSON_09, dataset)


def lesson10(job):
    """10_vae_keras: the latent-16 MNIST VAE (240 s, the binarised test set evaluated every 5 epochs)."""
    _, (x_test, _) = datasets.load_mnist()
    binary_test = vae.stochastic_binarize(datasets.to_zero_one(x_test), seed=0)
    train_recipe(job, recipes.LESSON_10, validation_data=(binary_test,), validation_freq=5, extra_settings={"validate_every": 5})


def lesson11(job):
    """11_vae_latent_space: the VAE with latent 2 (60 s) and the Fashion-MNIST VAE without binarisation (75 s)."""
    train_recipe(job, recipes.LESSON_11_2D)
    train_recipe(job, recipes.LESSON_11_FASHION)


def lesson12(job):
    """12_beta_and_conditional_vae: one lesson-10 VAE per beta (35 s each), the conditional VAE (100 s) and the
    conditional GAN it is compared with (100 s)."""
    for recipe in recipes.for_lesson("12"):
        train_recipe(job, recipe)


def lesson13(job):
    """13_evaluating_generators, section 8: the seven generators of lessons 06-12, 45 s each on the 9,001 MNIST
    images; generators (and VAE encoders, for the likelihood column) are saved."""
    for recipe in recipes.for_lesson("13"):
        train_recipe(job, recipe)


def lesson17(job):
    """17_diffusion_models, sections 4 and 7: the pixel-space DDPM's U-Net (75 s) and the MLP that denoises the codes
    of lesson 10's VAE (35 s, on the codes of the lesson10_vae checkpoint in the same folder: run lesson10 first); the
    weight-averaged denoisers are saved."""
    pixel = recipes.LESSON_17_PIXEL
    train_recipe(job, pixel, steps_per_epoch=pixel.settings["log_every"])
    latent = recipes.LESSON_17_LATENT
    latent_vae, _ = recipes.LESSON_10.load(directory=job.folder)
    (x_train, _), _ = datasets.load_mnist()
    codes, _, _ = diffusion.standardised_codes(latent_vae, datasets.to_zero_one(x_train))
    train_recipe(job, latent, data=codes, steps_per_epoch=latent.settings["log_every"])


def lesson18(job):
    """18_colour_avatars: on the 32x32 Pixel Art characters, the colour DCGAN and the plain one (120 s each), the
    colour DCGAN on the first 500 characters (50 s), the conditional GAN asked for a shirt colour (120 s) and the
    colour VAE (40 s)."""
    characters = datasets.load_avatars("pixel_characters", size=32)
    for recipe in recipes.for_lesson("18"):
        labels = characters.labels("clothing_colour")[0] if recipe.conditional else None
        images, labels = recipe.training_data(characters.x_train, labels)
        train_recipe(job, recipe, "pixel_characters", data=images, labels=labels)


JOBS = {"lesson07": lesson07, "lesson10": lesson10, "lesson11": lesson11, "lesson06": lesson06, "lesson09": lesson09, "lesson12": lesson12,
        "lesson08": lesson08, "lesson13": lesson13, "lesson17": lesson17,   # lesson17 after lesson10: it uses its VAE
        "lesson18": lesson18}


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


README = Path(__file__).resolve().parent / "README.md"
TABLE_START, TABLE_END = "<!-- checkpoint table: written by make_checkpoints.py -->", "<!-- end of checkpoint table -->"


def checkpoint_table(manifest: dict) -> str:
    """The data README's table of the shipped checkpoints, from the manifest: what each run really got."""
    groups = {}
    for name, entry in sorted(manifest.items()):
        prefix = name.rsplit("_", 1)[0] if name.endswith(("_encoder", "_decoder")) else name
        groups.setdefault((entry["lesson"], prefix), []).append((name, entry))
    rows = ["| lesson | checkpoints | steps each (seconds of training) | made on | size |", "|---|---|---|---|---|"]
    for (lesson, _), items in sorted(groups.items()):
        entry = items[0][1]
        files = " + ".join(f"`{e['file']}`" for _, e in items)
        rows.append(f"| {lesson} | {files} | {entry['steps']:,} ({entry['seconds']:.0f} s) | {entry['date']} | "
                    f"{sum(e['bytes'] for _, e in items) / 1e6:.2f} MB |")
    total = sum(e["bytes"] for e in manifest.values())
    return "\n".join(rows) + f"\n\n{len(manifest)} files, {total / 1e6:.1f} MB in all."


def write_table(manifest: dict, readme: Path = README) -> None:
    """Replace the table between the README's markers with :func:`checkpoint_table`."""
    text = readme.read_text()
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    readme.write_text(text[:start] + "\n" + checkpoint_table(manifest) + "\n" + text[end:])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=sorted(JOBS), help="train only these lessons' models")
    parser.add_argument("--seconds", type=float, default=None,
                        help="override every time budget (a smoke test; lesson 06 then trains 1 epoch)")
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
    if folder.resolve() == (ROOT / "data" / "checkpoints").resolve():
        write_table(manifest)
        print(f"the table in {README} is updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
