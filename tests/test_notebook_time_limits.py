"""The bound on whole notebook runs (tests/notebook_time_limits.py): a stalled cell fails fast, named."""
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.notebook_time_limits import NOTEBOOK_TIME_LIMITS, describe_stall, time_limit

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_every_lesson_has_a_limit_of_at_least_a_minute_and_far_below_the_old_15():
    assert sorted(NOTEBOOK_TIME_LIMITS) == [path.name[:2] for path in LESSONS]
    for path in LESSONS:
        assert 60 <= time_limit(path) <= 600, path.name


def test_the_message_names_the_notebook_the_cell_and_its_first_line():
    text = describe_stall("notebooks/09_conditional_gan.ipynb", "Cell 37", "\n# why\nMODELS = {...}\n", 180)
    assert "09_conditional_gan.ipynb" in text and "Cell 37" in text and "`# why`" in text and "180 s" in text


@pytest.mark.slow
def test_a_stalling_cell_fails_the_run_within_the_limit_with_notebook_and_cell_named(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("import time\ntime.sleep(600)  # stands for a kernel nobody answers"),
                nbformat.v4.new_code_cell("print('never reached in time')")]
    nbformat.write(nb, tmp_path / "99_stalls.ipynb")
    limit = 10
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.notebook_time_limits", "-p", "no:cacheprovider",
                          "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=900",
                          f"--notebook-time-limit={limit}", "99_stalls.ipynb"],
                         cwd=tmp_path, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - started
    assert run.returncode == 1, run.stdout[-3000:]
    assert "FAILED 99_stalls.ipynb::Cell 1" in run.stdout
    assert "99_stalls.ipynb did not finish within its time limit of 10 s" in run.stdout
    assert "begins `import time`" in run.stdout
    assert seconds < limit + 60, f"the stalled run took {seconds:.0f} s; the limit was {limit} s"
