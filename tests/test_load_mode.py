"""Every lesson that offers "train or load" runs top to bottom in load mode (``COURSE_TRAINING=load``), quick sizes.

CI's nbval run over ``notebooks/`` takes the default branch, "train"; this test takes the other one, with the
checkpoints shipped in ``data/checkpoints/``, so a broken load branch (a renamed checkpoint, a model built with other
settings, a variable only the training branch sets) fails here and not in a workshop. Each lesson runs once per
mode: lesson 09's load mode is run by the real-browser test (tests/browser/) wherever that test can run, as a
workshop would run it, so it runs here only where the browser test cannot.

Each run is bounded as a whole by the lesson's limit in tests/notebook_time_limits.py: a stalled cell fails in
minutes, with the lesson and the cell named.
"""
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from tests.browser.test_lessons_in_browser import MISSING as BROWSER_MISSING, WIDGET_LESSON
from tests.notebook_time_limits import describe_stall, time_limit

ROOT = Path(__file__).resolve().parent.parent
OFFERING = sorted(path for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                  if "TRAINING = checkpoints.train_or_load()" in path.read_text())
LESSONS = [path for path in OFFERING if BROWSER_MISSING is not None or path.name != WIDGET_LESSON]


def test_the_lessons_that_train_for_minutes_offer_the_choice():
    assert [path.name[:2] for path in OFFERING] == ["06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "17", "18"]


def _printed(nb) -> str:
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            elif "data" in output:
                texts.append(output["data"].get("text/plain", ""))
    return "\n".join(texts)


def run_bounded(path: Path, limit: float):
    """Execute the notebook with nbclient, every cell's timeout being what is left of the whole run's ``limit``."""
    nb = nbformat.read(path, as_version=4)
    started = time.monotonic()
    current = {}

    def time_left(cell):
        current["cell"] = cell
        return max(1, int(limit - (time.monotonic() - started)))

    client = NotebookClient(nb, timeout_func=time_left, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellTimeoutError:
        cell = current["cell"]
        index = nb.cells.index(cell) if cell in nb.cells else "?"
        pytest.fail(describe_stall(path, f"cell {index} (counting all cells from 0)", cell.source, limit))
    return nb


pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_the_lesson_runs_with_the_shipped_checkpoints(path, monkeypatch):
    monkeypatch.setenv("COURSE_TRAINING", "load")
    monkeypatch.setenv("COURSE_MODE", "quick")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        nb = run_bounded(path, time_limit(path))
    except CellExecutionError as error:
        pytest.fail(f"{path.name} fails in load mode (COURSE_TRAINING=load):\n{str(error)[-3000:]}")
    printed = _printed(nb)
    assert "loaded checkpoint" in printed, f"{path.name}: no cell printed checkpoints.describe(...): did the load branch run?"
    assert "Traceback" not in printed


def test_a_stalled_cell_fails_within_the_limit_and_is_named(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 99"), nbformat.v4.new_code_cell("import time\ntime.sleep(600)")]
    nbformat.write(nb, tmp_path / "99_stalls.ipynb")
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match=r"99_stalls.ipynb did not finish within its time limit of 8 s.*"
                                                    r"cell 1 \(counting all cells from 0\), which begins `import time`"):
        run_bounded(tmp_path / "99_stalls.ipynb", 8)
    assert time.monotonic() - started < 40
