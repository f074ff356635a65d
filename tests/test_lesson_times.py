"""The timing script (benchmarks/lesson_times.py) writes measured times only, in the course's format, in one place each.

It runs no lesson here: that takes an hour and is not a test. These check its formatting and writing on fixed data.
"""
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("lesson_times", ROOT / "benchmarks" / "lesson_times.py")
lesson_times = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lesson_times)


def run(lesson, mode, seconds, started="2026-12-02 06:00", load=(1.2, 1.0, 0.9)):
    return {"lesson": lesson, "mode": mode, "seconds": seconds, "started_utc": started, "load_before": list(load),
            "load_after": list(load), "notebook": f"{lesson}_x.ipynb"}


def test_times_are_written_as_the_course_writes_them():
    assert [lesson_times.duration(s) for s in (12.4, 59.6, 60, 109, 503.2)] == [
        "12 s", "1 min 0 s", "1 min 0 s", "1 min 49 s", "8 min 23 s"]


def test_the_newest_run_of_each_lesson_and_mode_wins(tmp_path):
    first, second = tmp_path / "lesson_times_2026-12-01.json", tmp_path / "lesson_times_2026-12-02.json"
    first.write_text(json.dumps({"runs": [run("05", "quick", 30, "2026-12-05 10:00"), run("05", "full", 500, "2026-12-05 10:05")]}))
    second.write_text(json.dumps({"runs": [run("05", "quick", 24, "2026-12-06 09:00")]}))
    newest = lesson_times.newest_measurements([first, second], notebooks={"05_x.ipynb"})   # after the renumbering
    assert newest[("05", "quick")]["seconds"] == 24 and newest[("05", "full")]["seconds"] == 500


def test_runs_of_a_split_lesson_are_ignored_and_a_renamed_ones_carry_over(tmp_path):
    results = tmp_path / "lesson_times_2026-12-02.json"
    old_02 = {**run("02", "quick", 13), "notebook": "02_gan_objective.ipynb"}          # split in two on 2026-12-03
    old_05 = {**run("05", "quick", 28), "notebook": "05_dcgan.ipynb"}                  # renumbered to 07
    new_02 = {**run("02", "quick", 9, started="2026-12-04 10:00"), "notebook": "02_gan_objective.ipynb"}
    results.write_text(json.dumps({"runs": [old_02, old_05]}))
    notebooks = {"02_gan_objective.ipynb", "03_gan_losses_in_practice.ipynb", "07_dcgan.ipynb"}
    assert lesson_times.newest_measurements([results], notebooks=notebooks) == {("07", "quick"): old_05}
    results.write_text(json.dumps({"runs": [old_02, old_05, new_02]}))
    assert lesson_times.newest_measurements([results], notebooks=notebooks)[("02", "quick")] == new_02


def test_a_header_row_needs_every_mode_the_lesson_has():
    measured = {("05", "quick"): run("05", "quick", 24), ("05", "full"): run("05", "full", 475)}
    assert lesson_times.header_row("05", measured, has_load=True) is None           # its load mode is missing
    measured[("05", "load")] = run("05", "load", 23, load=(1.6, 1, 1))
    row = lesson_times.header_row("05", measured, has_load=True)
    assert row.startswith("| **Time on a 2-core CPU** | quick mode: 24 s · full mode: 7 min 55 s · full mode with "
                          "`COURSE_TRAINING=load`: 23 s (measured by `benchmarks/lesson_times.py` on 2026-12-02")
    assert "load average 1.2-1.6 before the runs" in row and row.endswith(") |")
    assert lesson_times.header_row("02", {("02", "quick"): run("02", "quick", 23), ("02", "full"): run("02", "full", 31)},
                                   has_load=False).count("·") == 1                 # lessons 00-03 have no load mode


def test_the_tables_get_measured_cells_only_and_one_footnote(tmp_path):
    table = tmp_path / "README.md"
    table.write_text("| # | lesson | quick | full |\n|---|---|---|---|\n"
                     "| 04 | [A first GAN](notebooks/04.ipynb): the skeleton | 18 s | 3 min 6 s |\n"
                     "| 05 | [DCGAN](notebooks/05.ipynb): train_step | ~1 min | 7 min 55 s* |\n\nAfter the table.\n")
    measured = {("05", "quick"): run("05", "quick", 24.4), ("05", "full"): run("05", "full", 481)}
    assert lesson_times.write_table_columns(table, measured)
    lines = table.read_text().splitlines()
    assert lines[2] == "| 04 | [A first GAN](notebooks/04.ipynb): the skeleton | 18 s | 3 min 6 s |"   # not measured
    assert lines[3] == "| 05 | [DCGAN](notebooks/05.ipynb): train_step | 24 s° | 8 min 1 s° |"
    assert lines[5] == lesson_times.FOOTNOTE and table.read_text().count("° measured by") == 1
    assert not lesson_times.write_table_columns(table, measured)                    # a second write changes nothing
    guide = tmp_path / "guide.md"
    guide.write_text("| 05 | DCGAN | ~1 min | 7 min 55 s\\* | start full mode, then lecture |\n")
    lesson_times.write_table_columns(guide, measured)
    assert guide.read_text().startswith("| 05 | DCGAN | 24 s° | 8 min 1 s° | start full mode, then lecture |\n")


def test_the_real_readme_and_guide_have_the_rows_it_rewrites():
    for path in (ROOT / "README.md", ROOT / "docs" / "instructor_guide.md"):
        rows = [line for line in path.read_text().splitlines() if re.match(r"^\| (\d\d) \|", line)]
        lessons = [p.name[:2] for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
        assert [row[2:4] for row in rows] == lessons, path.name
        assert all(len(row.split(" | ")) >= 4 for row in rows)


def test_an_unknown_lesson_is_refused(capsys):
    assert lesson_times.main(["--lessons", "42", "--modes", "quick"]) == 2
    assert "no lesson numbered 42" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        lesson_times.main(["--modes", "fast"])


def test_the_load_mode_sentences_are_rewritten_from_the_measurements(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("With load the training lessons take 13 s to 2 min 18 s each in full mode.\n")
    (tmp_path / "docs" / "instructor_guide.md").write_text(
        "Measured in full mode with `load` on this machine, idle, kernel start included: 04 13 s,\n05 23 s (14 and 15 "
        "still run their own measurements).\n")
    monkeypatch.setattr(lesson_times, "ROOT", tmp_path)
    measured = {("04", "load"): run("04", "load", 8.2), ("13", "load"): run("13", "load", 126), ("13", "quick"): run("13", "quick", 59)}
    assert lesson_times.write_load_sentences(measured) == ["README.md", "docs/instructor_guide.md"]
    assert "take 8 s to 2 min 6 s each in full mode (`benchmarks/lesson_times.py`, 2026-12-02)." in (tmp_path / "README.md").read_text()
    guide = (tmp_path / "docs" / "instructor_guide.md").read_text()
    assert "(2026-12-02), kernel start included: 04 8 s, 13 2 min 6 s (14 and 15 still run" in guide
    assert lesson_times.write_load_sentences(measured) == []                 # written once, then nothing changes


def test_a_cell_silent_for_too_long_is_named_with_its_first_line(tmp_path):
    path = tmp_path / "05_x.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": ["# 05"]},
                                          {"cell_type": "code", "source": ["\n", "# train\n", "model.fit(...)"]},
                                          {"cell_type": "code", "source": ["print(1)"]}]}))
    found = lesson_times.silent_cells(path, {1: 42.04, 2: 3.0})
    assert found == [{"cell": 1, "seconds": 42.0, "first_line": "# train"}]
    assert lesson_times.silent_cells(path, {1: 9.9, 2: 3.0}) == []
