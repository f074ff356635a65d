import pytest

from course_utils import gan
from course_utils.display import show_source


def test_show_source_prints_the_code(capsys):
    assert show_source(gan.build_gan, gan.fixed_noise) is None  # displays, returns nothing for Jupyter to echo
    text = capsys.readouterr().out
    assert text.startswith("def build_gan(") and "def fixed_noise(" in text
    assert "discriminator.trainable = False" in text


def test_show_source_needs_an_object():
    with pytest.raises(ValueError, match="at least one"):
        show_source()
