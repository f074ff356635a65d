"""Test-session settings shared by tests/ and the nbval run over notebooks/."""
import os
from collections import defaultdict

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

# Every notebook run is bounded as a whole (tests/notebook_time_limits.py): a stall fails in minutes, named.
pytest_plugins = ["tests.notebook_time_limits"]

_durations: dict[str, float] = defaultdict(float)


# The tests that execute whole lessons outside nbval, and what their ids name (the lesson), for the summary below.
_LESSON_RUNS = {"tests/test_load_mode.py::test_the_lesson_runs_with_the_shipped_checkpoints": "load mode",
                "tests/browser/test_lessons_in_browser.py::": "JupyterLab"}


def pytest_runtest_logreport(report):
    """Add up the time of every cell (nbval item) and test per file, for the summary below."""
    if report.when == "call" or report.outcome != "passed":
        _durations[report.nodeid.split("::")[0]] += report.duration
        for prefix, how in _LESSON_RUNS.items():
            if report.nodeid.startswith(prefix):
                test = report.nodeid.split("::")[-1]
                lesson = test.split("[", 1)[1].rstrip("]") if "[" in test else test   # the parameter names the lesson
                _durations[f"{lesson} ({how})"] += report.duration


def pytest_terminal_summary(terminalreporter):
    notebooks = {k: v for k, v in _durations.items() if k.endswith(".ipynb")}
    lesson_runs = {k: v for k, v in _durations.items() if k.endswith(tuple(f"({how})" for how in _LESSON_RUNS.values()))}
    if not notebooks and not lesson_runs:
        return
    terminalreporter.section("time per notebook")
    for path, seconds in sorted(notebooks.items()):
        terminalreporter.write_line(f"{seconds:8.1f} s  {path}")
    if notebooks:
        terminalreporter.write_line(f"{sum(notebooks.values()):8.1f} s  all notebooks (nbval)")
    for name, seconds in sorted(lesson_runs.items()):
        terminalreporter.write_line(f"{seconds:8.1f} s  {name}")
