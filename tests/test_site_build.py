"""The site builder's own steps (docs/site/build_site.py), without running a lesson or Sphinx.

The whole build, opened in a real browser, is tested in tests/browser/test_site_in_browser.py.
"""
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "site"))
import build_site  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _widget_notebook():
    """A notebook as nbclient saves one: an HBox of two sliders, its state in the metadata, a figure after it."""
    nb = new_notebook(cells=[new_code_cell("interactive_figure(...)", outputs=[
        new_output("display_data", data={WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
                                         "text/plain": "HBox(children=(IntSlider(value=0),))"}),
        new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
    ])])
    nb.metadata["widgets"] = {build_site.WIDGET_STATE: {"state": {
        "box": {"model_name": "HBoxModel", "state": {"_model_name": "HBoxModel",
                                                     "children": ["IPY_MODEL_seed", "IPY_MODEL_digit"]}},
        "seed": {"state": {"_model_name": "IntSliderModel", "description": "noise seed", "value": 0}},
        "digit": {"state": {"_model_name": "DropdownModel", "description": "", "index": 3}},
    }}}
    return nb


def test_a_widget_becomes_a_note_naming_its_controls_and_the_figure_stays():
    nb = _widget_notebook()
    assert build_site.replace_widgets(nb) == 1
    first, figure = nb.cells[0].outputs
    assert WIDGET_VIEW not in first.data and "widgets" not in nb.metadata
    note = first.data["text/html"]
    assert note.startswith('<p class="widget-note">') and "JupyterLab or Colab" in note
    assert "noise seed (IntSlider)" in note and "Dropdown" in note    # the description, or the kind when it has none
    assert figure.data["image/png"] == "iVBORw0KGgo="                 # the figure the controls drew is untouched


def test_a_widget_without_saved_state_still_gets_a_note():
    nb = _widget_notebook()
    del nb.metadata["widgets"]
    assert build_site.replace_widgets(nb) == 1
    assert "interactive controls" in nb.cells[0].outputs[0].data["text/plain"]


def test_the_colab_badge_is_served_by_the_site_and_still_links_to_colab():
    source = ("# 05 · DCGAN\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
              "(https://colab.research.google.com/github/o/r/blob/main/notebooks/07_dcgan.ipynb)")
    nb = new_notebook(cells=[new_markdown_cell(source)])
    assert build_site.localise_badges(nb) == 1
    assert "(/_static/colab-badge.svg)" in nb.cells[0].source
    assert "(https://colab.research.google.com/github/o/r/blob/main/notebooks/07_dcgan.ipynb)" in nb.cells[0].source
    assert (ROOT / "docs" / "site" / "_static" / "colab-badge.svg").read_text().startswith("<svg")


def test_every_lesson_has_the_badge_the_builder_replaces():
    for path in build_site.lesson_paths():
        assert build_site.localise_badges(nbformat.read(path, as_version=4)) == 1, path.name


def test_only_tensorflows_start_up_log_is_dropped_from_stderr():
    noise = ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
             "I0000 00:00:1796190156.713653   11847 port.cc:153] oneDNN custom operations are on. You may see "
             "slightly different numerical results due to floating-point round-off errors.\n")
    nb = new_notebook(cells=[new_code_cell("x", outputs=[
        new_output("stream", name="stderr", text=noise),
        new_output("stream", name="stderr", text=noise + "UserWarning: a real warning\n"),
        new_output("stream", name="stdout", text=noise)])])
    assert build_site.drop_startup_noise(nb) == 4
    outputs = nb.cells[0].outputs
    assert [o.text for o in outputs] == ["UserWarning: a real warning\n", noise]   # stdout is never touched


def test_an_unknown_lesson_number_or_option_is_refused_with_what_to_give():
    with pytest.raises(build_site.SiteBuildError, match=r"no lesson numbered 99 .*the lessons are 00, 01"):
        build_site.lesson_paths(["02", "99"])
    assert [p.name[:2] for p in build_site.lesson_paths(["2", "17"])] == ["02", "17"]
    with pytest.raises(build_site.SiteBuildError, match="unknown mode 'fast'.*'full'.*'quick'"):
        build_site.build_site(mode="fast")
    with pytest.raises(build_site.SiteBuildError, match="unknown training 'resume'"):
        build_site.build_site(training="resume")
    with pytest.raises(SystemExit):
        build_site.main(["--source", str(ROOT), "--lessons", "02"])   # other folders are rendered, not executed


def test_a_folder_without_lessons_is_refused(tmp_path):
    with pytest.raises(build_site.SiteBuildError, match="no lesson notebooks"):
        build_site.lesson_paths(None, tmp_path)


def test_the_runner_measures_how_long_each_cell_shows_nothing_new(tmp_path):
    """The silence meter behind issue 16's "no training cell is silent for more than ~10 seconds": a cell that sleeps
    is silent for its sleep; one that prints, or updates a display in place (how TrainingProgress shows its line and
    its grid), every 0.3 s is never silent for long. A meter that only counted new outputs would fail the third."""
    path = tmp_path / "90_silence.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("import time\ntime.sleep(2.5)"),
        new_markdown_cell("text"),
        new_code_cell("for i in range(6):\n    print(i, flush=True)\n    time.sleep(0.3)"),
        new_code_cell("handle = display('start', display_id=True)\nfor i in range(6):\n    time.sleep(0.3)\n"
                      "    handle.update(f'step {i}')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), path)
    silences = {}
    nb, _ = build_site.execute_lesson(path, 120, silences=silences)
    assert set(silences) == {0, 2, 3}, silences                      # code cells only, by their index in the notebook
    assert 2.4 <= silences[0] < 10, silences
    assert silences[2] < 1.5 and silences[3] < 1.5, silences
    assert nb.cells[3].outputs[0]["data"]["text/plain"] == "'step 5'"   # updated in place: one output, the last text
