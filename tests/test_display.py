import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from course_utils import display as course_display
from course_utils import gan
from course_utils.display import interactive_figure, show_source


def test_show_source_prints_the_code(capsys):
    assert show_source(gan.build_gan, gan.fixed_noise) is None  # displays, returns nothing for Jupyter to echo
    text = capsys.readouterr().out
    assert text.startswith("def build_gan(") and "def fixed_noise(" in text
    assert "discriminator.trainable = False" in text


def test_show_source_needs_an_object():
    with pytest.raises(ValueError, match="at least one"):
        show_source()


class _Handle:
    def __init__(self):
        self.updates = []

    def update(self, obj):
        self.updates.append(obj)


@pytest.fixture
def shown(monkeypatch):
    """Record what interactive_figure displays instead of sending it to a front end."""
    record = {"objects": [], "handle": _Handle()}

    def fake_display(obj, display_id=None):
        record["objects"].append((obj, display_id))
        return record["handle"] if display_id else None

    monkeypatch.setattr(course_display, "display", fake_display)
    return record


def _draw(seed, scale):
    fig, ax = plt.subplots()
    ax.set_title(f"seed {seed}, scale {scale}")
    return fig, seed * scale


def test_interactive_figure_draws_once_then_on_every_change(shown, tmp_path):
    seed, scale = widgets.IntSlider(value=3, min=0, max=9), widgets.Dropdown(options=[1, 10], value=10)
    result = interactive_figure(_draw, {"seed": seed, "scale": scale}, save_to=tmp_path / "figure.png")
    assert result == 30                                      # the first drawing's result, from the controls' values
    (box, box_id), (figure, figure_id) = shown["objects"]
    assert isinstance(box, widgets.HBox) and list(box.children) == [seed, scale] and box_id is None
    assert figure.axes[0].get_title() == "seed 3, scale 10" and figure_id is True
    assert (tmp_path / "figure.png").stat().st_size > 0
    assert not plt.get_fignums(), "the figure must be closed, or the inline backend shows it a second time"

    seed.value = 5
    scale.value = 1
    titles = [f.axes[0].get_title() for f in shown["handle"].updates]
    assert titles == ["seed 5, scale 10", "seed 5, scale 1"]  # replaced in place, through the display handle
    assert len(shown["objects"]) == 2                          # nothing new appended below the cell


def test_interactive_figure_accepts_a_plain_figure(shown):
    figure = interactive_figure(lambda seed: _draw(seed, 1)[0], {"seed": widgets.IntSlider(value=2)})
    assert figure.axes[0].get_title() == "seed 2, scale 1"


def test_interactive_figure_rejects_what_it_cannot_draw(shown):
    with pytest.raises(ValueError, match="at least one control"):
        interactive_figure(_draw, {})
    with pytest.raises(TypeError, match="not an ipywidgets control"):
        interactive_figure(_draw, {"seed": 3})
    with pytest.raises(TypeError, match="must return a matplotlib figure"):
        interactive_figure(lambda seed: seed, {"seed": widgets.IntSlider()})
