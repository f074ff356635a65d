"""Render the course's colour images, avatars and game characters, from npm packages (issue 17).

Where the images come from
--------------------------
DiceBear draws an avatar from an artist's parts: a head, hair, eyes, a mouth, glasses, a hat, clothes, each part one
of a few dozen hand-drawn variants in one of a palette of colours. This script draws each avatar's parts itself, from
a fixed seed, and passes them to DiceBear as explicit options, so every image comes with its attributes (which hair,
which colour, glasses or not, ...), like Google's Cartoon Set. Two styles, two data sets:

* `data/pixel_characters.npz`: **Pixel Art** by DiceBear (CC0 1.0, public domain): an 8-bit game character's head and
  shoulders on a 16x16 pixel grid, rendered at 64x64 (each of its pixels a 4x4 block).
* `data/avatars.npz`: **Adventurer** by Lisa Wischofsky (CC BY 4.0): a colourful cartoon head, rendered at 64x64.

Packages (npm registry, pinned): `@dicebear/core` and `@dicebear/collection` 9.4.3 (MIT code; each style's licence is
in its metadata, printed below), rasterised by `@resvg/resvg-js` 2.6.2 (MPL-2.0). Each avatar is drawn on one flat
background colour of its set.

What is written
---------------
Each `.npz` holds `x_train` (9,000 characters; 6,000 avatars, whose finer drawings compress less) and `x_test` (1,000): uint8 RGB of shape (N, 64, 64, 3); for every attribute
`<name>_train` and `<name>_test` (uint8 indices; 0 means "none" for the optional parts); `attributes` (the names) and
`<name>_values` (what each index is, DiceBear's variant names or colours). `course_utils.datasets.load_avatars` loads
them (and makes the 32x32 images the CPU lessons train on, by averaging 2x2 blocks), after checking the SHA-256 that
the script prints.

Usage (needs Node's npm and the network, once; the course itself never downloads):

    python data/make_avatars.py                 # installs the pinned packages in a temporary folder, renders both sets
    python data/make_avatars.py --only pixel_characters
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent
PACKAGES = ["@dicebear/core@9.4.3", "@dicebear/collection@9.4.3", "@resvg/resvg-js@2.6.2"]
SIZE, N_TEST = 64, 1000

# Per set: the DiceBear style, its background, and its attributes: (DiceBear option, values, probability of "some").
# A probability below 1 makes the part optional: index 0 is "none", index k the (k-1)-th value.
SETS = {
    "pixel_characters": {
        "style": "pixelArt", "seed": 20261202, "background": "b6e3f4", "n_train": 9000,
        "attributes": {
            "hair": ("hair", None, 1.0), "hair_colour": ("hairColor", None, 1.0), "skin_colour": ("skinColor", None, 1.0),
            "eyes": ("eyes", None, 1.0), "mouth": ("mouth", None, 1.0), "clothing": ("clothing", None, 1.0),
            "clothing_colour": ("clothingColor", None, 1.0), "glasses": ("glasses", None, 0.3),
            "hat": ("hat", None, 0.2), "beard": ("beard", None, 0.15), "accessories": ("accessories", None, 0.15),
        },
    },
    "avatars": {
        "style": "adventurer", "seed": 20261203, "background": "d1d4f9", "always": {"hairProbability": 100},
        "n_train": 6000,   # finer drawings compress less: 7,000 keep the two sets under 15 MB
        "attributes": {
            "hair": ("hair", None, 1.0), "hair_colour": ("hairColor", None, 1.0), "skin_colour": ("skinColor", None, 1.0),
            "eyes": ("eyes", None, 1.0), "eyebrows": ("eyebrows", None, 1.0), "mouth": ("mouth", None, 1.0),
            "glasses": ("glasses", None, 0.3), "earrings": ("earrings", None, 0.2), "features": ("features", None, 0.2),
        },
    },
}

RENDERER = r"""
const { createAvatar } = require('@dicebear/core');
const collection = require('@dicebear/collection');
const { Resvg } = require('@resvg/resvg-js');
const fs = require('fs');
const [command, style, file] = process.argv.slice(2);
if (command === 'schema') {
  const s = collection[style];
  const out = { meta: s.meta, options: {} };
  for (const [key, value] of Object.entries(s.schema.properties)) {
    if (value.type === 'array') out.options[key] = value.default;
  }
  process.stdout.write(JSON.stringify(out));
} else {
  const jobs = JSON.parse(fs.readFileSync(file, 'utf8'));
  const size = jobs.size;
  const chunks = [];
  for (const options of jobs.avatars) {
    const svg = createAvatar(collection[style], options).toString();
    const image = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render();
    chunks.push(Buffer.from(image.pixels));
  }
  process.stdout.write(Buffer.concat(chunks));
}
"""


def install(workdir: Path) -> None:
    subprocess.run(["npm", "init", "-y"], cwd=workdir, check=True, capture_output=True)
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", *PACKAGES], cwd=workdir, check=True)
    (workdir / "render.js").write_text(RENDERER)


def schema(workdir: Path, style: str) -> dict:
    out = subprocess.run(["node", "render.js", "schema", style], cwd=workdir, check=True, capture_output=True)
    return json.loads(out.stdout)


def draw_attributes(spec: dict, options: dict, n: int) -> tuple[dict, dict]:
    """Each avatar's attribute indices, from the set's seed, and the values each index stands for."""
    rng = np.random.default_rng(spec["seed"])
    labels, values = {}, {}
    for name, (option, chosen, probability) in spec["attributes"].items():
        choices = list(chosen or options[option])
        index = rng.integers(0, len(choices), n)
        if probability < 1.0:   # 0: none; k: choices[k - 1]
            index = np.where(rng.random(n) < probability, index + 1, 0)
            choices = ["none", *choices]
        labels[name], values[name] = index.astype(np.uint8), choices
    return labels, values


def dicebear_options(spec: dict, labels: dict, values: dict, i: int) -> dict:
    options = {"seed": f"course-{i}", "backgroundColor": [spec["background"]]}
    for name, (option, _, probability) in spec["attributes"].items():
        value = values[name][labels[name][i]]
        if probability < 1.0:
            options[f"{option}Probability"] = 0 if value == "none" else 100
            if value == "none":
                continue
        options[option] = [value]
    options.update(spec.get("always", {}))   # parts DiceBear would otherwise leave out at random
    return options


def render(workdir: Path, spec: dict, options: list[dict]) -> np.ndarray:
    job = workdir / "job.json"
    job.write_text(json.dumps({"size": SIZE, "avatars": options}))
    out = subprocess.run(["node", "render.js", "render", spec["style"], str(job)], cwd=workdir, check=True,
                         capture_output=True).stdout
    rgba = np.frombuffer(out, np.uint8).reshape(len(options), SIZE, SIZE, 4)
    if rgba[..., 3].min() != 255:
        raise ValueError("an avatar came out partly transparent: the background colour did not apply")
    return np.ascontiguousarray(rgba[..., :3])


def make_set(workdir: Path, name: str) -> Path:
    spec = SETS[name]
    info = schema(workdir, spec["style"])
    print(f"{name}: DiceBear style {info['meta']['title']!r} by {info['meta']['creator']}, "
          f"licence {info['meta']['license']['name']} ({info['meta']['license']['url']})")
    n_train = spec["n_train"]
    n = n_train + N_TEST
    labels, values = draw_attributes(spec, info["options"], n)
    images = render(workdir, spec, [dicebear_options(spec, labels, values, i) for i in range(n)])
    arrays = {"x_train": images[:n_train], "x_test": images[n_train:], "attributes": np.array(list(labels))}
    for attribute, index in labels.items():
        arrays[f"{attribute}_train"], arrays[f"{attribute}_test"] = index[:n_train], index[n_train:]
        arrays[f"{attribute}_values"] = np.array(values[attribute])
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path = DATA_DIR / f"{name}.npz"
    # np.savez_compressed writes zip entries with the current time: fix it so the bytes depend on the data alone
    path.write_bytes(_without_timestamps(buffer.getvalue()))
    print(f"  {path.name}: {n:,} images {images.shape[1:]}, {path.stat().st_size / 1e6:.2f} MB, "
          f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")
    return path


def _without_timestamps(data: bytes) -> bytes:
    """The same zip archive with every entry's date set to 1980-01-01, so that a rerun writes identical bytes."""
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, item.external_attr
            out.writestr(fixed, source.read(item.filename))
    return target.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=sorted(SETS), help="render only these sets")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        install(workdir)
        for name in args.only or list(SETS):
            make_set(workdir, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
