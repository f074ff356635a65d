"""A quick-mode lesson run twice with the same seed prints the same numbers (issue 14).

Quick mode trains every model for a fixed number of steps (``training.lesson_budget``), the data are shuffled, the
noise drawn and the networks initialised from seeds, and nothing reseeds the process in the middle: so the second run
is the same computation as the first, and every loss, distance, accuracy and count it prints is the same. Only
measured times differ (seconds, steps per second, the machine's load), and they are masked before the comparison.

Each lesson takes twice its quick-mode time, so CI runs the lessons in ``CI_LESSONS`` (a GAN and a VAE that train for
a budget); ``COURSE_REPEAT_LESSONS=all`` (``make repeat-check``) runs every lesson, or give a list: ``05,08,12``.
"""
import os
import re
from pathlib import Path

import pytest

from course_utils.training import PROGRESS_METADATA
from tests.notebook_time_limits import time_limit
from tests.test_load_mode import run_bounded

ROOT = Path(__file__).resolve().parent.parent
ALL_LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CI_LESSONS = ("07", "10")
_chosen = os.environ.get("COURSE_REPEAT_LESSONS", ",".join(CI_LESSONS))
LESSONS = [p for p in ALL_LESSONS if _chosen == "all" or p.name[:2] in _chosen.split(",")]

# What a run measures rather than computes: a line about speed or load is left out whole, and any time is masked.
MEASURED_LINE = re.compile(r"steps/s|images/s|load average|times float32's speed|faster|slower")
TIME = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:ms|s|seconds|minutes)\b")
ADDRESS = re.compile(r"0x[0-9a-f]{6,}")   # where Python put an object: differs between processes


def comparable(printed: str) -> list[str]:
    """The printed lines with what was measured (times, speeds, load) masked."""
    return [ADDRESS.sub("<address>", TIME.sub("<time>", line)) for line in printed.splitlines()
            if not MEASURED_LINE.search(line)]


def is_progress(output) -> bool:
    """A progress line or grid (``training.TrainingProgress``, the heartbeat of ``training.Timer``): whether it shows,
    and what, depends on the machine's speed, as a measured time does."""
    return (output.get("metadata") or {}).get("course_utils") == PROGRESS_METADATA["course_utils"]


def printed_by_cell(nb) -> list[str]:
    """What each code cell printed (its standard output, joined as the reader sees it, and its results' text), with the
    cell's number on every line, so that a difference is reported where it is."""
    lines = []
    for index, cell in enumerate(nb.cells):
        streams = "".join(o.get("text", "") for o in cell.get("outputs", [])
                          if o.get("output_type") == "stream" and o.get("name") == "stdout")   # not TensorFlow's notes
        results = [o["data"].get("text/plain", "") for o in cell.get("outputs", []) if "data" in o and not is_progress(o)]
        lines += [f"[{index}] {line}" for line in comparable("\n".join([streams, *results]))]
    return lines


def test_progress_outputs_are_left_out_and_results_kept():
    import nbformat

    cell = nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="loss 1.25\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "training: 3 of 9 s"}, metadata=dict(PROGRESS_METADATA)),
        nbformat.v4.new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1)])
    assert printed_by_cell(nbformat.v4.new_notebook(cells=[cell])) == ["[0] loss 1.25", "[0] ", "[0] 0.5"]


def test_masking_keeps_computed_numbers_and_hides_measured_ones():
    assert comparable("400 steps in 5.3 s; loss 101.65\nload average 1.2\n12.0 steps/s") == ["400 steps in <time>; loss 101.65"]
    assert comparable("FD 24.5 after 1,234 steps")[0] == "FD 24.5 after 1,234 steps"


pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_a_quick_mode_lesson_prints_the_same_numbers_twice(path, monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "quick")
    monkeypatch.delenv("COURSE_TRAINING", raising=False)
    first, second = (printed_by_cell(run_bounded(path, time_limit(path))) for _ in range(2))
    differing = [(a, b) for a, b in zip(first, second) if a != b] or (
        [] if len(first) == len(second) else [("\n".join(first[len(second):]), "\n".join(second[len(first):]))])
    assert not differing, (
        f"{path.name}: {len(differing)} printed lines differ between two quick runs with the same seed, e.g.\n"
        + "\n".join(f"  1st: {a[:200]}\n  2nd: {b[:200]}" for a, b in differing[:5]))
