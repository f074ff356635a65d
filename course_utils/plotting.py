"""Figures the lessons share. Every function returns a matplotlib ``Figure`` and, given ``save_path``,
also writes it as a PNG. Inputs are checked, so a wrong shape or dtype fails with a message that says
what was expected rather than deep inside matplotlib."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.rcParams.setdefault("image.cmap", "gray")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from cycler import cycler  # noqa: E402  (installed with matplotlib)

# A qualitative palette readable with the common colour-vision deficiencies (Okabe & Ito, 2008), extended
# to ten classes with two neutral tones.
COLORBLIND_SAFE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                   "#D55E00", "#CC79A7", "#000000", "#999999", "#882255"]
# The colours lines get when a lesson gives none: the same palette without the yellow (too pale for a thin line
# on white), dark blue and orange first. Matplotlib's own default cycle puts green (C2) next to red (C3), a pair
# that readers with red-green colour blindness cannot tell apart; importing this module replaces it.
LINE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999999", "#882255"]
matplotlib.rcParams["axes.prop_cycle"] = cycler(color=LINE_COLORS)


def _curve_color(i: int) -> str:
    """The i-th curve's colour in the helpers below: COLORBLIND_SAFE in order, skipping its pale yellow."""
    usable = [c for c in COLORBLIND_SAFE if c != "#F0E442"]
    return usable[i % len(usable)]


def _save(fig, save_path):
    if save_path is not None:
        save_path = Path(save_path)
        save_path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(save_path, dpi=100, bbox_inches="tight")
    return fig


def _as_images(images, name="images") -> np.ndarray:
    """Accept (N, H, W) or (N, H, W, 1|3) real images in [0, 1] (floats) or 0..255 (uint8)."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = images.astype(np.float32) / 255.0
    elif not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"{name} must be uint8 (0..255) or floats in [0, 1], got dtype {images.dtype}.")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 3):
        raise ValueError(f"{name} must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3); got {images.shape}.")
    if len(images) == 0:
        raise ValueError(f"{name} is empty.")
    if not np.all(np.isfinite(images)):
        raise ValueError(f"{name} contains NaN or infinite values: the model producing them has diverged.")
    if images.min() < -1e-3 or images.max() > 1 + 1e-3:
        raise ValueError(f"{name} must lie in [0, 1]; got values in [{images.min():.3g}, {images.max():.3g}]. "
                         "Generator outputs in [-1, 1] go through datasets.from_minus_one_one first.")
    return np.clip(images, 0.0, 1.0)


def grid_array(images, ncols: int | None = None, pad: int = 1) -> np.ndarray:
    """Tile images into one uint8 array (used for GIF frames and by :func:`image_grid`)."""
    images = _as_images(images)
    n = len(images)
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    h, w = images.shape[1:3]
    channels = images.shape[3:] if images.ndim == 4 else ()
    canvas = np.ones((nrows * (h + pad) + pad, ncols * (w + pad) + pad) + channels, np.float32)
    for i, image in enumerate(images):
        r, c = divmod(i, ncols)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = image
    return (canvas * 255).round().astype(np.uint8)


def image_grid(images, labels=None, class_names=None, ncols: int | None = None, title: str | None = None,
               save_path=None, cell_inches: float = 0.9):
    """A grid of images, optionally each titled with its label (or class name). Every figure gets a title: say
    what the images are with ``title``; without one the grid is titled with the number of images."""
    images = _as_images(images)
    n = len(images)
    title = title or f"{n} images"
    if labels is not None and len(labels) != n:
        raise ValueError(f"{n} images but {len(labels)} labels.")
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * cell_inches, nrows * cell_inches + (0.4 if title else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray" if images.ndim == 3 else None, vmin=0.0, vmax=1.0)
        if labels is not None:
            text = class_names[int(labels[i])] if class_names is not None else str(labels[i])
            ax.set_title(text, fontsize=7, pad=2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, save_path)


def loss_curves(history, keys=None, title: str = "Training losses", xlabel: str = "epoch", ylabel: str = "loss",
                save_path=None):
    """Plot curves from a ``keras.callbacks.History``, its ``.history`` dict, or any ``{name: values}`` dict."""
    curves = getattr(history, "history", history)
    if not isinstance(curves, dict) or not curves:
        raise ValueError("loss_curves needs a Keras History or a non-empty dict of {name: list of values}.")
    keys = list(keys) if keys is not None else list(curves)
    missing = [k for k in keys if k not in curves]
    if missing:
        raise KeyError(f"No curve named {missing}; available: {sorted(curves)}.")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for i, key in enumerate(keys):
        values = np.asarray(curves[key], dtype=float)
        if values.ndim != 1:
            raise ValueError(f"curve {key!r} must be one-dimensional, got shape {values.shape}.")
        # markers on short curves: a one-epoch run (quick mode) would otherwise draw an invisible line of one point
        ax.plot(np.arange(1, len(values) + 1), values, label=key, color=_curve_color(i),
                marker="o" if len(values) <= 12 else None, markersize=3)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return _save(fig, save_path)


def latent_scatter(z, labels, class_names=None, title: str = "Latent space", save_path=None):
    """Scatter 2-D latent codes coloured by class (colour-blind-safe palette, legend with class names)."""
    z = np.asarray(z, dtype=float)
    labels = np.asarray(labels)
    if z.ndim != 2 or z.shape[1] != 2:
        raise ValueError(f"latent_scatter needs codes of shape (N, 2), got {z.shape}; project higher-dimensional "
                         "codes to 2-D first (for example with their first two principal components).")
    if len(labels) != len(z):
        raise ValueError(f"{len(z)} codes but {len(labels)} labels.")
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for cls in np.unique(labels):
        mask = labels == cls
        name = class_names[int(cls)] if class_names is not None else str(cls)
        ax.scatter(z[mask, 0], z[mask, 1], s=6, alpha=0.7, color=COLORBLIND_SAFE[int(cls) % 10], label=name)
    ax.set(title=title, xlabel="$z_1$", ylabel="$z_2$")
    ax.legend(markerscale=3, fontsize=8, loc="best")
    fig.tight_layout()
    return _save(fig, save_path)


def interpolation_strip(images, title: str = "Interpolation", alphas=None, save_path=None):
    """One row of images, e.g. decoded points on the line between two latent codes (alphas label them)."""
    images = _as_images(images)
    if alphas is not None and len(alphas) != len(images):
        raise ValueError(f"{len(images)} images but {len(alphas)} alphas.")
    n = len(images)
    fig, axes = plt.subplots(1, n, figsize=(n * 0.9, 1.4), squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.imshow(images[i], cmap="gray" if images.ndim == 3 else None, vmin=0, vmax=1)
        ax.axis("off")
        if alphas is not None:
            ax.set_title(f"{alphas[i]:.2f}", fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, save_path)


def toy_samples_2d(real, generated=None, density=None, extent=None, title: str = "2-D samples",
                   save_path=None, density_label: str = "density"):
    """Samples of a 2-D toy problem: real points, generated points, and optionally a density image.

    ``density`` is an (H, W) array over ``extent=(xmin, xmax, ymin, ymax)`` (e.g. a critic's score), drawn with
    the perceptually uniform, colour-blind-safe ``viridis`` map; ``density_label`` names it on the colour bar.
    """
    real = np.asarray(real, dtype=float)
    if real.ndim != 2 or real.shape[1] != 2:
        raise ValueError(f"real must have shape (N, 2), got {real.shape}.")
    fig, ax = plt.subplots(figsize=(5, 5))
    if density is not None:
        density = np.asarray(density, dtype=float)
        if density.ndim != 2 or extent is None:
            raise ValueError("density must be a 2-D array and needs extent=(xmin, xmax, ymin, ymax).")
        image = ax.imshow(density, origin="lower", extent=extent, cmap="viridis", alpha=0.8, aspect="auto")
        fig.colorbar(image, ax=ax, fraction=0.046, label=density_label)
    ax.scatter(real[:, 0], real[:, 1], s=4, alpha=0.5, color=COLORBLIND_SAFE[1], label="real")
    if generated is not None:
        generated = np.asarray(generated, dtype=float)
        if generated.ndim != 2 or generated.shape[1] != 2:
            raise ValueError(f"generated must have shape (N, 2), got {generated.shape}.")
        ax.scatter(generated[:, 0], generated[:, 1], s=4, alpha=0.5, color=COLORBLIND_SAFE[5], label="generated")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.legend(markerscale=3)
    fig.tight_layout()
    return _save(fig, save_path)


def density_1d(x, curves: dict, title: str = "Densities", xlabel: str = "x", ylabel: str = "density",
               save_path=None):
    """Several 1-D curves over a common grid ``x`` (densities, discriminator outputs), with a legend."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be one-dimensional, got shape {x.shape}.")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for i, (name, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != x.shape:
            raise ValueError(f"curve {name!r} has shape {values.shape}, but x has shape {x.shape}.")
        ax.plot(x, values, label=name, color=_curve_color(i))
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return _save(fig, save_path)


def training_gif(frames, save_path, duration_ms: int = 300):
    """Write an animated GIF from grid frames (e.g. ``SampleGridCallback.frames``); returns the path."""
    from PIL import Image

    if len(frames) == 0:
        raise ValueError("training_gif needs at least one frame; did the callback run (check its `every`)?")
    frames = [np.asarray(f) for f in frames]
    for f in frames:
        if f.dtype != np.uint8 or f.ndim not in (2, 3):
            raise ValueError(f"GIF frames must be uint8 images of shape (H, W) or (H, W, 3); got {f.dtype} {f.shape}.")
    images = [Image.fromarray(f) for f in frames]
    save_path = Path(save_path)
    save_path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(save_path, save_all=True, append_images=images[1:], duration=duration_ms, loop=0)
    return save_path
