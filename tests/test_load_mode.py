"""Every lesson that offers "train or load" runs top to bottom in load mode (``COURSE_TRAINING=load``), quick sizes.

CI's nbval run over ``notebooks/`` takes the default branch, "train"; this test takes the other one, with the
checkpoints shipped in ``data/checkpoints/``, so a broken load branch (a renamed checkpoint, a model built with other
settings, a variable only the training branch sets) fails here and not in a workshop.
"""
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(path for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                 if "TRAINING = checkpoints.train_or_load()" in path.read_text())


def test_the_lessons_that_train_for_minutes_offer_the_choice():
    assert [path.name[:2] for path in LESSONS] == ["04", "05", "06", "07", "08", "09", "10", "11", "12"]


def _printed(nb) -> str:
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            elif "data" in output:
                texts.append(output["data"].get("text/plain", ""))
    return "\n".join(texts)


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_the_lesson_runs_with_the_shipped_checkpoints(path, monkeypatch):
    monkeypatch.setenv("COURSE_TRAINING", "load")
    monkeypatch.setenv("COURSE_MODE", "quick")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name} fails in load mode (COURSE_TRAINING=load):\n{str(error)[-3000:]}")
    printed = _printed(nb)
    assert "loaded checkpoint" in printed, f"{path.name}: no cell printed checkpoints.describe(...): did the load branch run?"
    assert "Traceback" not in printed
