import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from course_utils import plotting  # noqa: E402


def test_image_grid_returns_figure_and_saves_png(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (12, 28, 28), dtype=np.uint8)
    fig = plotting.image_grid(images, labels=np.arange(12) % 10, class_names=list("abcdefghij"), ncols=6,
                              title="t", save_path=tmp_path / "g.png")
    assert len([ax for ax in fig.axes if ax.images]) == 12
    assert fig.axes[1].get_title() == "b"
    assert Image.open(tmp_path / "g.png").size[0] > 100


def test_grid_array_layout():
    images = np.linspace(0, 1, 5)[:, None, None] * np.ones((5, 4, 3))  # five 4x3 images, 0, 0.25, ..., 1
    grid = plotting.grid_array(images, ncols=3, pad=1)
    assert grid.shape == (2 * (4 + 1) + 1, 3 * (3 + 1) + 1) and grid.dtype == np.uint8
    assert grid[0, 0] == 255  # padding is white
    assert grid[1, 1] == 0 and grid[1, 1 + 4] == round(0.25 * 255) and grid[1 + 5, 1] == round(0.75 * 255)


@pytest.mark.parametrize("bad,error,match", [
    (np.zeros((28, 28)), ValueError, "shape"),
    (np.zeros((2, 28, 28, 2)), ValueError, "shape"),
    (np.zeros((2, 28, 28), np.int32), TypeError, "dtype"),
    (np.full((2, 8, 8), -1.0), ValueError, "from_minus_one_one"),
    (np.full((2, 8, 8), np.nan), ValueError, "NaN"),
    (np.zeros((0, 8, 8)), ValueError, "empty"),
])
def test_image_grid_rejects_bad_images(bad, error, match):
    with pytest.raises(error, match=match):
        plotting.image_grid(bad)


def test_image_grid_label_count():
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        plotting.image_grid(np.zeros((3, 8, 8)), labels=[1, 2])


def test_loss_curves_from_history_like(tmp_path):
    fig = plotting.loss_curves({"d_loss": [1.0, 0.8, 0.7], "g_loss": [2.0, 1.5, 1.2]}, save_path=tmp_path / "l.png")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["d_loss", "g_loss"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [2.0, 1.5, 1.2])
    assert ax.get_xlabel() == "epoch" and ax.get_title()
    assert (tmp_path / "l.png").exists()
    with pytest.raises(KeyError, match="available"):
        plotting.loss_curves({"a": [1]}, keys=["b"])
    with pytest.raises(ValueError, match="History"):
        plotting.loss_curves({})


def test_latent_scatter_colours_by_class():
    z = np.random.default_rng(0).normal(size=(30, 2))
    fig = plotting.latent_scatter(z, np.arange(30) % 3, class_names=["x", "y", "z"])
    ax = fig.axes[0]
    assert len(ax.collections) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x", "y", "z"]
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plotting.latent_scatter(np.zeros((30, 3)), np.zeros(30))
    with pytest.raises(ValueError, match="30 codes but 29 labels"):
        plotting.latent_scatter(z, np.zeros(29))


def test_interpolation_strip_and_toy_plots(tmp_path):
    fig = plotting.interpolation_strip(np.zeros((7, 8, 8)), alphas=np.linspace(0, 1, 7))
    assert len(fig.axes) == 7 and fig.axes[-1].get_title() == "1.00"
    fig = plotting.toy_samples_2d(np.zeros((10, 2)), np.ones((10, 2)), density=np.zeros((5, 5)),
                                  extent=(0, 1, 0, 1))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["real", "generated"]
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plotting.toy_samples_2d(np.zeros((10, 3)))
    fig = plotting.density_1d(np.linspace(0, 1, 5), {"p": np.ones(5)})
    assert fig.axes[0].lines[0].get_label() == "p"
    with pytest.raises(ValueError, match="shape"):
        plotting.density_1d(np.linspace(0, 1, 5), {"p": np.ones(4)})


def test_training_gif(tmp_path):
    frames = [np.full((10, 10), v, np.uint8) for v in (0, 128, 255)]
    path = plotting.training_gif(frames, tmp_path / "train.gif")
    gif = Image.open(path)
    assert gif.n_frames == 3
    with pytest.raises(ValueError, match="at least one frame"):
        plotting.training_gif([], tmp_path / "x.gif")
    with pytest.raises(ValueError, match="uint8"):
        plotting.training_gif([np.zeros((4, 4), np.float32)], tmp_path / "x.gif")


def test_default_line_colours_are_the_colour_blind_safe_palette():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    fig, ax = plt.subplots()
    lines = [ax.plot([0, 1], [i, i])[0] for i in range(4)]
    colours = [to_hex(line.get_color()).upper() for line in lines]
    assert colours == [c.upper() for c in plotting.LINE_COLORS[:4]]
    assert all(c.upper() in {p.upper() for p in plotting.COLORBLIND_SAFE} for c in plotting.LINE_COLORS)
    assert "#F0E442" not in plotting.LINE_COLORS          # pale yellow is unreadable as a thin line
    plt.close(fig)


def test_helper_curves_skip_the_pale_yellow():
    curves = {f"c{i}": np.arange(3.0) + i for i in range(5)}
    fig = plotting.loss_curves(curves)
    colours = [line.get_color() for line in fig.axes[0].lines]
    assert "#F0E442" not in colours and len(set(colours)) == 5
    assert colours[:3] == plotting.COLORBLIND_SAFE[:3]


def test_one_epoch_loss_curve_is_visible():
    fig = plotting.loss_curves({"d_loss": [0.6], "g_loss": [0.9]})
    assert all(line.get_marker() == "o" for line in fig.axes[0].lines)   # one point: a marker, not an invisible line
    fig = plotting.loss_curves({"loss": np.linspace(1, 0, 100)})
    assert fig.axes[0].lines[0].get_marker() in (None, "None", "")


def test_image_grid_always_has_a_title():
    fig = plotting.image_grid(np.zeros((3, 8, 8)))
    assert fig._suptitle is not None and fig._suptitle.get_text() == "3 images"
    fig = plotting.image_grid(np.zeros((3, 8, 8)), title="Three blank images")
    assert fig._suptitle.get_text() == "Three blank images"


def test_toy_density_colour_bar_is_labelled():
    fig = plotting.toy_samples_2d(np.zeros((10, 2)), density=np.zeros((5, 5)), extent=(0, 1, 0, 1),
                                  density_label="critic score")
    colour_bar_axes = fig.axes[1]
    assert colour_bar_axes.get_ylabel() == "critic score"
