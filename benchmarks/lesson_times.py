"""How long each lesson takes, measured in one run, and the one place every lesson time in the course comes from.

    python benchmarks/lesson_times.py                          # every lesson, quick, full and load mode (over an hour)
    python benchmarks/lesson_times.py --modes quick load       # minutes: the two short modes only
    python benchmarks/lesson_times.py --lessons 06 05 --modes full
    python benchmarks/lesson_times.py --write                  # write the newest results into the course (below)

Each lesson runs top to bottom with nbclient from ``notebooks/`` in its own kernel (kernel start included), as a learner's
"Run All" would: ``quick`` is ``COURSE_MODE=quick`` (what CI runs), ``full`` the default full mode (training), ``load``
full mode with ``COURSE_TRAINING=load`` (the shipped checkpoints; lessons 00-05 train nothing and have no load mode). The
machine, the date and the load average before and after each run are recorded with it, in
``benchmarks/results/lesson_times_<date>.json`` (a second run on the same day adds to that file, newest first), with
the cells that showed nothing new for more than ``SILENT_SECONDS`` (issue 16: a learner would think them frozen).

``--write`` puts the newest measurement of every lesson and mode into: each lesson header's "Time on a 2-core CPU" row,
the README's lesson table (its quick and full columns) and its load-mode range, the instructor guide's table and its
load-mode list. Only
measured values are written; where a mode was never measured the old text stays. Measure on an idle machine (the load
average says whether it was): the lessons train for seconds, so a busy machine makes them look slower and train less.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "docs" / "site"))
import build_site  # noqa: E402  (its bounded lesson runner: one way to execute a lesson)

MODES = ("quick", "full", "load")
ENVIRONMENT = {"quick": {"COURSE_MODE": "quick", "COURSE_TRAINING": "train"},
               "full": {"COURSE_MODE": "full", "COURSE_TRAINING": "train"},
               "load": {"COURSE_MODE": "full", "COURSE_TRAINING": "load"}}
LIMITS = {"quick": 600, "full": 1800, "load": 600}   # seconds for one whole lesson


def offers_load(path: Path) -> bool:
    return "TRAINING = checkpoints.train_or_load()" in path.read_text()


def machine() -> dict:
    return {"platform": platform.platform(), "cpu_cores": os.cpu_count(), "python": platform.python_version()}


def measure(path: Path, mode: str) -> dict:
    """Run one lesson in one mode; its wall time (kernel start included) and the load around it."""
    os.environ.update(ENVIRONMENT[mode], TF_CPP_MIN_LOG_LEVEL="3")
    os.environ.pop("MPLBACKEND", None)
    before = build_site.load_average()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    silences = {}
    _, seconds = build_site.execute_lesson(path, LIMITS[mode], silences=silences)
    return {"lesson": path.name[:2], "notebook": path.name, "mode": mode, "seconds": round(seconds, 1),
            "started_utc": started, "load_before": before, "load_after": build_site.load_average(),
            "silent_cells": silent_cells(path, silences)}


SILENT_SECONDS = 10   # issue 16: no cell may show nothing new for longer than about this


def silent_cells(path: Path, silences: dict[int, float], threshold: float = SILENT_SECONDS) -> list[dict]:
    """The cells whose output did not change for more than ``threshold`` seconds, longest first, each with its
    first line, so the table says which cell a learner would stare at."""
    cells = json.loads(path.read_text())["cells"]
    found = [{"cell": index, "seconds": round(seconds, 1),
              "first_line": next((line.strip() for line in "".join(cells[index]["source"]).splitlines() if line.strip()), "")[:80]}
             for index, seconds in silences.items() if seconds > threshold]
    return sorted(found, key=lambda cell: -cell["seconds"])


def results_file(day: str) -> Path:
    return RESULTS / f"lesson_times_{day}.json"


def save(runs: list[dict], day: str) -> Path:
    path = results_file(day)
    old = json.loads(path.read_text())["runs"] if path.exists() else []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": machine(), "runs": runs + old}, indent=1) + "\n")
    return path


# On 2026-12-03 the four lessons over about 60 cells and the old lesson 12 were split where their topics part, and the
# lessons renumbered (issue 18). A run measured before that counts for the lesson it was, under today's name, if that
# lesson was only renamed; the times of a lesson that was split describe neither part, so they are ignored until the
# parts are measured.
RENUMBERED_UTC = "2026-12-03 17:10"
RENAMED = {"00_setup_and_tour.ipynb": "00_setup_and_tour.ipynb",
           "01_generation_as_probability.ipynb": "01_generation_as_probability.ipynb",
           "04_first_gan_keras.ipynb": "06_first_gan_keras.ipynb", "05_dcgan.ipynb": "07_dcgan.ipynb",
           "06_gan_training_problems.ipynb": "08_gan_training_problems.ipynb",
           "07_conditional_gan.ipynb": "09_conditional_gan.ipynb",
           "09_beta_and_conditional_vae.ipynb": "12_beta_and_conditional_vae.ipynb",
           "10_evaluating_generators.ipynb": "13_evaluating_generators.ipynb",
           "13_colour_avatars.ipynb": "18_colour_avatars.ipynb"}


def newest_measurements(files: list[Path] | None = None, notebooks: set[str] | None = None) -> dict[tuple[str, str], dict]:
    """``{(lesson, mode): run}``: the newest run of each lesson and mode over all result files, counting only runs of
    the notebooks there are now (``notebooks``, by default those in ``notebooks/``), under their names of today."""
    files = sorted(files or RESULTS.glob("lesson_times_*.json"))
    notebooks = notebooks if notebooks is not None else {p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    newest = {}
    for path in files:
        for run in json.loads(path.read_text())["runs"]:
            name = RENAMED.get(run["notebook"]) if run["started_utc"] < RENUMBERED_UTC else run["notebook"]
            if name not in notebooks:
                continue
            key = (name[:2], run["mode"])
            if key not in newest or run["started_utc"] > newest[key]["started_utc"]:
                newest[key] = run
    return newest


def duration(seconds: float) -> str:
    """23 s, 1 min 49 s, 8 min 0 s: how the course writes times."""
    seconds = int(round(seconds))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60} s"


def where(run: dict) -> str:
    load = run.get("load_before")
    return f"{run['started_utc'][:10]}, load average {load[0]:.1f} before" if load else run["started_utc"][:10]


def header_row(lesson: str, measured: dict, has_load: bool) -> str | None:
    """The header's time row, from the measurements, or None where a mode the lesson has is missing."""
    modes = [m for m in MODES if m != "load" or has_load]
    if any((lesson, m) not in measured for m in modes):
        return None
    names = {"quick": "quick mode", "full": "full mode", "load": "full mode with `COURSE_TRAINING=load`"}
    parts = [f"{names[m]}: {duration(measured[(lesson, m)]['seconds'])}" for m in modes]
    dates = sorted({measured[(lesson, m)]["started_utc"][:10] for m in modes})
    loads = [measured[(lesson, m)]["load_before"][0] for m in modes if measured[(lesson, m)].get("load_before")]
    note = (f"measured by `benchmarks/lesson_times.py` on {', '.join(dates)}, kernel start included"
            + (f", load average {min(loads):.1f}-{max(loads):.1f} before the runs" if loads else ""))
    return f"| **Time on a 2-core CPU** | {' · '.join(parts)} ({note}) |"


def write_headers(measured: dict) -> list[str]:
    changed = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        row = header_row(path.name[:2], measured, offers_load(path))
        if row is None:
            continue
        nb = json.loads(path.read_text())
        source = "".join(nb["cells"][0]["source"])
        new = re.sub(r"^\| \*\*Time on a 2-core CPU\*\* \|.*\|$", lambda _: row, source, count=1, flags=re.M)
        if new != source:
            nb["cells"][0]["source"] = new.splitlines(keepends=True)
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
            changed.append(path.name)
    return changed


FOOTNOTE = ("° measured by `benchmarks/lesson_times.py` (kernel start included; the machine, date and load average of each "
            "run are in `benchmarks/results/lesson_times_*.json`).")


def write_table_columns(path: Path, measured: dict, quick_column: int = 2, full_column: int = 3) -> bool:
    """Replace the quick and full cells of each lesson row (``| NN | ...``) of the markdown table in ``path``, marking
    each written time with ° and putting the footnote that says where ° comes from under the table once."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    last_row = None
    for i, line in enumerate(lines):
        match = re.match(r"^\| (\d\d) \|", line)
        if not match:
            continue
        last_row = i
        cells = line.rstrip("\n").split(" | ")
        for column, mode in ((quick_column, "quick"), (full_column, "full")):
            if (match.group(1), mode) in measured:
                ending = " |" if column == len(cells) - 1 else ""
                cells[column] = duration(measured[(match.group(1), mode)]["seconds"]) + "°" + ending
        lines[i] = " | ".join(cells) + "\n"
    if last_row is not None and FOOTNOTE not in text and any("°" in line for line in lines):
        lines.insert(last_row + 1, "\n" + FOOTNOTE + "\n")
    new = "".join(lines)
    if new != text:
        path.write_text(new)
    return new != text


def write_load_sentences(measured: dict) -> list[str]:
    """The two sentences that give the load-mode times: the README's range and the instructor guide's list."""
    loads = {lesson: run["seconds"] for (lesson, mode), run in sorted(measured.items()) if mode == "load"}
    if not loads:
        return []
    day = max(run["started_utc"][:10] for (lesson, mode), run in measured.items() if mode == "load")
    listed = ", ".join(f"{lesson} {duration(seconds)}" for lesson, seconds in loads.items())
    rewrites = [
        ("README.md", r"the training lessons take .*? each in full mode(?: \(`benchmarks/lesson_times\.py`, [\d-]+\))?\.",
         f"the training lessons take {duration(min(loads.values()))} to {duration(max(loads.values()))} each in "
         f"full mode (`benchmarks/lesson_times.py`, {day})."),
        ("docs/instructor_guide.md", r"Measured in full mode with `load` (?:on|by) .*?, kernel start included: .*? \(14 and 15 still run",
         f"Measured in full mode with `load` by `benchmarks/lesson_times.py` ({day}), kernel start included: "
         f"{listed} (14 and 15 still run"),
    ]
    changed = []
    for name, pattern, replacement in rewrites:
        path = ROOT / name
        text = path.read_text()
        new = re.sub(pattern, lambda _: replacement, text, count=1, flags=re.S)
        if new != text:
            path.write_text(new)
            changed.append(name)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", nargs="+", metavar="NN", help="two-digit lesson numbers (default: all)")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--write", action="store_true", help="write the newest measurements into the course")
    args = parser.parse_args(argv)
    if args.write:
        measured = newest_measurements()
        if not measured:
            print(f"no measurements in {RESULTS}: run this script without --write first", file=sys.stderr)
            return 1
        print("headers written:", ", ".join(write_headers(measured)) or "none (a lesson needs all its modes measured)")
        for path in (ROOT / "README.md", ROOT / "docs" / "instructor_guide.md"):
            print(f"{path.relative_to(ROOT)}:", "written" if write_table_columns(path, measured) else "unchanged")
        print("load-mode sentences written:", ", ".join(write_load_sentences(measured)) or "none")
        return 0
    try:
        paths = build_site.lesson_paths(args.lessons)
    except build_site.SiteBuildError as error:
        print(error, file=sys.stderr)
        return 2
    day = datetime.date.today().isoformat()
    runs = []
    print(f"{machine()}; load average now {build_site.load_average()}")
    for path in paths:
        for mode in args.modes:
            if mode == "load" and not offers_load(path):
                continue
            run = measure(path, mode)
            runs.append(run)
            print(f"{path.name:45s} {mode:>5}: {duration(run['seconds']):>10}  (load {run['load_before']} -> "
                  f"{run['load_after']})", flush=True)
            for cell in run["silent_cells"]:
                print(f"    silent for {cell['seconds']:.0f} s (over {SILENT_SECONDS} s): cell {cell['cell']}, "
                      f"`{cell['first_line']}`", flush=True)
            save([run], day)   # after every run: a long measurement interrupted keeps what it measured
    print(f"results: {results_file(day)}; write them into the course with --write")
    return 0


if __name__ == "__main__":
    sys.exit(main())
