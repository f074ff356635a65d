"""Test-session settings shared by tests/ and the nbval run over notebooks/."""
import os
from collections import defaultdict

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

# Every notebook run is bounded as a whole (tests/notebook_time_limits.py): a stall fails in minutes, named.
pytest_plugins = ["tests.notebook_time_limits"]

_durations: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    """Add up the time of every cell (nbval item) and test per file, for the summary below."""
    if report.when == "call" or report.outcome != "passed":
        _durations[report.nodeid.split("::")[0]] += report.duration


def pytest_terminal_summary(terminalreporter):
    notebooks = {k: v for k, v in _durations.items() if k.endswith(".ipynb")}
    if not notebooks:
        return
    terminalreporter.section("time per notebook")
    for path, seconds in sorted(notebooks.items()):
        terminalreporter.write_line(f"{seconds:8.1f} s  {path}")
    terminalreporter.write_line(f"{sum(notebooks.values()):8.1f} s  all notebooks")
