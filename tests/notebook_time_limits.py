"""A time limit for each whole notebook run, so that a stalled lesson fails in minutes and says where.

A stalled notebook looks like an idle kernel and an idle client (course issue 13): without a bound it waits for the
cell timeout, and a run of all the lessons then takes hours. Each lesson gets a limit of about three times its
normal quick-mode time on the 2-core CI machine (the per-notebook times that `make test` prints), and at least a
minute. The limit covers the whole notebook: each cell may use what the cells before it left.

Used by the nbval run (a pytest plugin, loaded by the root conftest.py: each cell's timeout is what is left of its
notebook's limit) and by the tests that execute lessons with nbclient (`tests/test_load_mode.py`), through
:func:`time_limit`. ``--notebook-time-limit=SECONDS`` overrides the table for every notebook (a test of the bound
itself uses it).
"""
from __future__ import annotations

import time
from pathlib import Path

# Seconds for a whole quick-mode run, training or loading (the measured quick times are in the README's table).
NOTEBOOK_TIME_LIMITS = {
    "00": 60, "01": 60, "02": 90, "03": 90, "04": 90, "05": 90, "06": 90, "07": 240, "08": 120, "09": 180,
    "10": 180, "11": 180, "12": 180, "13": 240, "14": 240, "15": 240, "16": 240, "17": 240, "18": 180,
}
DEFAULT_TIME_LIMIT = 120   # a notebook that is not a numbered lesson
_override: float | None = None


def time_limit(notebook: str | Path) -> float:
    """The limit in seconds for a whole run of this notebook (by its number, ``09_conditional_gan.ipynb`` -> 07)."""
    if _override is not None:
        return _override
    return NOTEBOOK_TIME_LIMITS.get(Path(notebook).name[:2], DEFAULT_TIME_LIMIT)


def describe_stall(notebook: str | Path, cell_label: str, cell_source: str, limit: float) -> str:
    first_line = next((line for line in cell_source.splitlines() if line.strip()), "")
    return (f"{Path(notebook).name} did not finish within its time limit of {limit:.0f} s: it stalled or ran too long "
            f"in {cell_label}, which begins `{first_line[:100]}`. If the lesson really needs longer, raise its entry "
            "in NOTEBOOK_TIME_LIMITS (tests/notebook_time_limits.py); if its kernel sat idle, see issue 13 "
            "(course_utils.display.interactive_figure, never an ipywidgets Output widget).")


# The pytest plugin: nbval items are the cells of a notebook (IPyNbCell), children of the notebook (IPyNbFile).
_started: dict[str, float] = {}


def pytest_addoption(parser):
    parser.addoption("--notebook-time-limit", type=float, default=None,
                     help="seconds for each whole notebook run (default: NOTEBOOK_TIME_LIMITS by lesson number)")


def pytest_configure(config):
    global _override
    _override = config.getoption("--notebook-time-limit")


def _is_notebook_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item.config.option, "nbval_cell_timeout")


def pytest_runtest_setup(item):
    if not _is_notebook_cell(item):
        return
    path = str(item.parent.path)
    started = _started.setdefault(path, time.monotonic())
    if not hasattr(item.config, "_nbval_cell_ceiling"):
        item.config._nbval_cell_ceiling = float(item.config.option.nbval_cell_timeout)
    left = time_limit(path) - (time.monotonic() - started)
    # nbval reads this option when the cell starts: the cell may run for what its notebook has left.
    item.config.option.nbval_cell_timeout = max(1.0, min(item.config._nbval_cell_ceiling, left))
    item._notebook_time_left = left


def pytest_runtest_makereport(item, call):
    if call.when != "call" or call.excinfo is None or not _is_notebook_cell(item):
        return
    if "Timeout" in str(call.excinfo.value) or "timed out" in str(call.excinfo.value).lower():
        limit = time_limit(item.parent.path)
        if item.config.option.nbval_cell_timeout < item.config._nbval_cell_ceiling:   # the notebook's limit bit
            item.add_report_section("call", "notebook time limit",
                                    describe_stall(item.parent.path, item.name, item.cell.source, limit))
