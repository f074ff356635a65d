"""Issue 8, accessibility: every key figure has a caption, no rainbow colour maps, and the plotting helpers give
every figure a title and labelled axes.

A *key figure* is one a lesson saves: a code cell containing ``savefig(`` or ``save_path=`` that is not a hidden
``# Solution`` cell. The next markdown cell must open with an italic caption sentence (``*...*``) saying what to
notice (CONTRIBUTING.md, "The lesson template")."""
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plotting  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RAINBOWS = ("jet", "rainbow", "hsv", "gist_rainbow")
# a rainbow map named as a string ("jet", 'rainbow_r') or as an attribute (cm.jet, plt.cm.hsv, colormaps.rainbow)
RAINBOW_USE = re.compile(r"""(["'])(%s)(_r)?\1|\b(?:cm|colormaps)\.(%s)(_r)?\b""" % ("|".join(RAINBOWS), "|".join(RAINBOWS)))
CAPTION = re.compile(r"\*[^*\s][^*]*\*(?!\*)", re.S)   # opens with *text*, not with **bold**


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def is_key_figure(cell):
    text = source(cell)
    return (cell["cell_type"] == "code" and ("savefig(" in text or "save_path=" in text)
            and not text.lstrip().startswith("# Solution"))


def is_caption(text):
    return CAPTION.match(text.lstrip()) is not None


def uncaptioned_key_figures(cells):
    """Indices of key-figure cells whose next markdown cell does not open with an italic caption."""
    missing = []
    for i, cell in enumerate(cells):
        if is_key_figure(cell):
            following = next((c for c in cells[i + 1:] if c["cell_type"] == "markdown"), None)
            if following is None or not is_caption(source(following)):
                missing.append(i)
    return missing


def test_caption_rule_recognises_captions():
    assert is_caption("*The curve peaks at the fraction of 1s.*\n\nNow fit all pixels")
    assert is_caption("*What to notice:* the encoder never saw a black square")
    assert not is_caption("**Exercise 3.** Which digit ...")
    assert not is_caption("## Summary\n*not first*")
    assert not is_caption("A few hundred prototypes can never cover ...")
    cells = [{"cell_type": "code", "source": "fig.savefig('a.png')"}, {"cell_type": "markdown", "source": "## Next"}]
    assert uncaptioned_key_figures(cells) == [0]
    cells[1]["source"] = "*Notice the blur.*\n\n## Next"
    assert uncaptioned_key_figures(cells) == []
    cells.insert(1, {"cell_type": "code", "source": "fig = plotting.image_grid(x, save_path=p)"})   # two figures, one caption
    assert uncaptioned_key_figures(cells) == []
    hidden = {"cell_type": "code", "source": "# Solution to exercise 1\nfig.savefig('s.png')"}
    assert uncaptioned_key_figures([hidden, {"cell_type": "markdown", "source": "## Next"}]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_key_figure_has_a_caption(path):
    cells = json.loads(path.read_text())["cells"]
    missing = uncaptioned_key_figures(cells)
    assert not missing, (f"{path.name}: the figure saved in cell(s) {missing} has no caption: start the next markdown "
                         "cell with an italic sentence (*...*) saying what the learner should notice")


def test_rainbow_detector():
    for text in ('cmap="jet"', "cmap='rainbow_r'", "plt.cm.hsv(0.3)", 'plt.get_cmap("gist_rainbow")', "colormaps.jet"):
        assert RAINBOW_USE.search(text), text
    for text in ('cmap="viridis"', "colors.rgb_to_hsv(x)", "# a jet engine", 'mode="HSV"'):
        assert not RAINBOW_USE.search(text), text


def code_sources():
    for path in NOTEBOOKS:
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "code":
                yield f"{path.name} cell {i}", source(cell)
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        yield str(path.relative_to(ROOT)), path.read_text()


def test_no_rainbow_colour_maps():
    found = [f"{where}: {m.group(0)}" for where, text in code_sources() for m in RAINBOW_USE.finditer(text)]
    assert not found, ("rainbow colour maps are unreadable for colour-blind learners and distort values; use "
                       f"'viridis' (sequential), 'cividis' or 'gray', or plotting.COLORBLIND_SAFE for classes: {found}")


def figure_title(fig):
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return suptitle or next((ax.get_title() for ax in fig.axes if ax.get_title()), "")


RNG = np.random.default_rng(0)
HELPERS = {
    "image_grid": lambda: plotting.image_grid(RNG.random((4, 8, 8))),
    "image_grid, labels": lambda: plotting.image_grid(RNG.random((4, 8, 8)), labels=[0, 1, 2, 3]),
    "loss_curves": lambda: plotting.loss_curves({"d_loss": [0.7, 0.6], "g_loss": [0.8, 0.9]}),
    "loss_curves, one epoch": lambda: plotting.loss_curves({"loss": [1.0]}),
    "latent_scatter": lambda: plotting.latent_scatter(RNG.normal(size=(6, 2)), [0, 1, 2, 0, 1, 2]),
    "interpolation_strip": lambda: plotting.interpolation_strip(RNG.random((3, 8, 8))),
    "toy_samples_2d": lambda: plotting.toy_samples_2d(RNG.normal(size=(5, 2)), RNG.normal(size=(5, 2)),
                                                      density=np.zeros((4, 4)), extent=(0, 1, 0, 1)),
    "density_1d": lambda: plotting.density_1d(np.linspace(0, 1, 5), {"p": np.ones(5), "q": np.zeros(5)}),
}


def test_every_figure_helper_is_checked():
    public = {name for name, obj in vars(plotting).items() if callable(obj) and not name.startswith("_")
              and getattr(obj, "__module__", "") == plotting.__name__}
    not_figures = {"grid_array", "training_gif"}            # return an array and a file path, not a figure
    assert public - not_figures == {name.split(",")[0] for name in HELPERS}, "add the new helper to HELPERS"


def assert_accessible(fig):
    """A title on the figure; on every axes with lines or scatter points, both axis labels, and a legend when it
    holds more than one labelled line or point set; a label on every colour bar."""
    assert figure_title(fig), "the figure has no title (fig.suptitle or an axes title)"
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            assert ax.get_ylabel() or ax.get_xlabel(), "the colour bar has no label saying what the colours mean"
            continue
        if ax.lines or ax.collections:
            assert ax.get_xlabel() and ax.get_ylabel(), f"axes {ax.get_title()!r} has an unlabelled axis"
        drawn = [a for a in list(ax.lines) + list(ax.collections) if not a.get_label().startswith("_")]
        if len(drawn) > 1:
            assert ax.get_legend() is not None, f"axes {ax.get_title()!r} has {len(drawn)} curves and no legend"


@pytest.mark.parametrize("name", HELPERS)
def test_helper_figures_have_titles_and_labelled_axes(name):
    fig = HELPERS[name]()
    try:
        assert_accessible(fig)
    finally:
        plt.close(fig)


def test_accessibility_check_can_fail():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="first")
    with pytest.raises(AssertionError, match="title"):
        assert_accessible(fig)
    ax.set_title("a title")
    with pytest.raises(AssertionError, match="unlabelled"):
        assert_accessible(fig)
    ax.set(xlabel="x", ylabel="y")
    ax.plot([0, 1], [1, 0], label="second")
    with pytest.raises(AssertionError, match="no legend"):
        assert_accessible(fig)
    ax.legend()
    assert_accessible(fig)
    image = ax.imshow(np.zeros((2, 2)))
    bar = fig.colorbar(image, ax=ax)
    with pytest.raises(AssertionError, match="colour bar"):
        assert_accessible(fig)
    bar.set_label("score")
    assert_accessible(fig)
    plt.close(fig)
