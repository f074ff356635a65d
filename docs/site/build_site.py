"""Build the course website: every lesson executed, rendered with all its outputs by Sphinx + MyST-NB (`make site`).

    python docs/site/build_site.py                     # every lesson, full mode, loading the shipped checkpoints
    python docs/site/build_site.py --lessons 02 05     # only these lessons (the index lists what was built)
    python docs/site/build_site.py --training train    # full mode, training every model (over an hour on 2 cores)
    python docs/site/build_site.py --no-execute --source DIR   # render notebooks already run and saved with outputs

The steps: (1) each lesson is executed with nbclient from ``notebooks/`` (so it finds ``data/`` and its checkpoints
as in JupyterLab), with ``COURSE_MODE`` and ``COURSE_TRAINING`` set, and bounded in time; a lesson that raises stops
the build and names its cell. (2) Two things that need the network or a kernel are made still: the Colab badge image
is served from the site, and each ipywidgets output becomes a note (the figure the controls draw is an ordinary image
output, course_utils.display.interactive_figure, so it stays on the page with the controls' starting values).
(3) Sphinx renders the executed notebooks (no execution by Sphinx), MathJax included, into ``<out>/html``, and a page
"How this site was built" records the machine, the date, the mode and each lesson's time as measured here.

Nothing is committed: the site is a build output (``build/`` is git-ignored).
"""
from __future__ import annotations

import argparse
import datetime
import html
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "build" / "site"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REMOTE_COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
LOCAL_COLAB_BADGE = "/_static/colab-badge.svg"   # Sphinx reads an image path starting with / from the source root
# Seconds for one whole lesson: load and quick mode take under 2.5 minutes per lesson on 2 cores, training up to ~10.
TIME_LIMITS = {"load": 600, "quick": 600, "train": 1800}


class SiteBuildError(RuntimeError):
    """The site could not be built; the message says why and what to do."""


def lesson_paths(numbers: list[str] | None = None, source: Path = NOTEBOOKS) -> list[Path]:
    """The lessons in ``source`` (``NN_name.ipynb``), all of them or those with the given two-digit numbers."""
    lessons = sorted(Path(source).glob("[0-9][0-9]_*.ipynb"))
    if not lessons:
        raise SiteBuildError(f"no lesson notebooks (NN_name.ipynb) in {source}")
    if not numbers:
        return lessons
    by_number = {path.name[:2]: path for path in lessons}
    unknown = [n for n in numbers if n.zfill(2) not in by_number]
    if unknown:
        raise SiteBuildError(f"no lesson numbered {', '.join(unknown)} in {source}; the lessons are "
                             f"{', '.join(by_number)} (give two-digit numbers, e.g. --lessons 02 05)")
    return [by_number[n.zfill(2)] for n in numbers]


# What a learner sees change in a cell's output area: new output, an output updated in place, a cleared output.
_VISIBLE_MESSAGES = {"stream", "display_data", "update_display_data", "execute_result", "error", "clear_output"}


def _silence_watching_client():
    """An nbclient ``NotebookClient`` that records, for every code cell, the longest stretch in which the learner
    would see nothing change: from the cell's start to its first output, between two outputs (an in-place
    update counts), and from its last output to its end."""
    from nbclient import NotebookClient

    class SilenceWatchingClient(NotebookClient):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.longest_silences: dict[int, float] = {}   # cell index -> seconds
            self._last_change: dict[int, float] = {}

        def process_message(self, msg, cell, cell_index):
            now, kind = time.monotonic(), msg["msg_type"]
            state = msg["content"].get("execution_state") if kind == "status" else None
            if kind == "execute_input":
                self._last_change[cell_index] = now
            elif (kind in _VISIBLE_MESSAGES or state == "idle") and cell_index in self._last_change:
                gap = now - self._last_change[cell_index]
                self.longest_silences[cell_index] = max(self.longest_silences.get(cell_index, 0.0), gap)
                self._last_change[cell_index] = now
            return super().process_message(msg, cell, cell_index)

    return SilenceWatchingClient


def execute_lesson(path: Path, limit: float, silences: dict | None = None):
    """Run one lesson top to bottom in its own kernel from ``notebooks/``; returns (notebook, seconds). Given a dict
    ``silences``, fills it with each code cell's longest silent stretch in seconds (``{cell index: seconds}``): how
    long a learner would look at a cell whose output does not change."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(path, as_version=4)
    started = time.monotonic()

    def time_left(cell):
        return max(1, int(limit - (time.monotonic() - started)))

    client = _silence_watching_client()(nb, timeout_func=time_left, kernel_name="python3", record_timing=False,
                                        resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        try:
            client.execute()
        finally:
            if silences is not None:
                silences.update(client.longest_silences)
    except CellTimeoutError as error:
        raise SiteBuildError(f"{path.name} did not finish within {limit:.0f} s ({error}); give it longer with "
                             "--lesson-time-limit, or build in load mode") from None
    except CellExecutionError as error:
        raise SiteBuildError(f"{path.name} raised an error, so the site was not built. Run the lesson in JupyterLab "
                             f"to see it in place:\n{str(error)[-2000:]}") from None
    return nb, time.monotonic() - started


def _widget_labels(model_id: str, state: dict) -> list[str]:
    """What a learner would read on the controls of one widget output: each control's description, or its kind."""
    labels = []

    def visit(model_id):
        model = state.get(model_id, {}).get("state", {})
        children = model.get("children") or []
        if children:
            for child in children:
                visit(str(child).removeprefix("IPY_MODEL_"))
        elif model:
            kind = model.get("_model_name", "control").removesuffix("Model")
            labels.append(f"{model['description']} ({kind})" if model.get("description") else kind)

    visit(model_id)
    return labels


def replace_widgets(nb) -> int:
    """Replace each ipywidgets output by a note that the controls are live in JupyterLab and Colab; returns how many.

    A widget needs a running kernel (and, in a static page, JavaScript from the network); the figure the controls
    draw is a separate image output and stays. The notebook's saved widget state is dropped with them.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    replaced = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            labels = _widget_labels(data[WIDGET_VIEW].get("model_id", ""), state)
            controls = ", ".join(labels) if labels else "interactive controls"
            text = (f"Live controls here: {controls}. They work when the lesson runs in JupyterLab or Colab; "
                    "this page shows the figure they draw with their starting values.")
            output["data"] = {"text/html": f'<p class="widget-note">{html.escape(text)}</p>', "text/plain": text}
            output.pop("metadata", None)
            output["metadata"] = {}
            replaced += 1
    nb.metadata.pop("widgets", None)
    return replaced


def localise_badges(nb) -> int:
    """Point the Colab badge's image at the site's own copy (the link still opens the lesson in Colab)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and REMOTE_COLAB_BADGE in cell.source:
            count += cell.source.count(REMOTE_COLAB_BADGE)
            cell.source = cell.source.replace(REMOTE_COLAB_BADGE, LOCAL_COLAB_BADGE)
    return count


# TensorFlow's C++ start-up log, which its TF_CPP_MIN_LOG_LEVEL cannot silence (it is written before the level is
# read): the kernel forwards it as stderr, and on a page it reads like a warning about the lesson. Only these lines go.
STARTUP_NOISE = re.compile(r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
                           r"|I0000 00:00:\S+\s+\d+ port\.cc:\d+\] oneDNN custom operations are on\..*)\n?", re.M)


def drop_startup_noise(nb) -> int:
    """Remove TensorFlow's start-up log lines from stderr outputs (and outputs left empty); returns lines removed."""
    removed = 0
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["text"], count = STARTUP_NOISE.subn("", output["text"])
                removed += count
                if not output["text"].strip():
                    continue
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return removed


def _mathjax_folder() -> Path:
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise SiteBuildError("MathJax is missing: install the site's tools with "
                             "`.venv/bin/pip install -r requirements-site.lock` (make site does it)") from None
    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (folder / "MathJax.js").exists():
        raise SiteBuildError(f"{folder} has no MathJax.js: reinstall jupyter-server-mathjax")
    return folder


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def about_page(records: list[tuple[str, float | None]], settings: dict, started: str, load_before) -> str:
    """The page "How this site was built": what ran, where, when, and each lesson's measured time."""
    import keras
    import tensorflow as tf

    how = {("full", "load"): "full mode, loading the shipped checkpoints (`COURSE_MODE=full COURSE_TRAINING=load`)",
           ("full", "train"): "full mode, training every model (`COURSE_MODE=full COURSE_TRAINING=train`)",
           ("quick", "load"): "quick mode, loading the shipped checkpoints (`COURSE_MODE=quick COURSE_TRAINING=load`)",
           ("quick", "train"): "quick mode, training every model for seconds (`COURSE_MODE=quick`)"}
    if settings["execute"]:
        ran = how[(settings["mode"], settings["training"])]
    else:
        ran = "not executed by the build: the notebooks' saved outputs were rendered as they were"
    lines = ["# How this site was built", "",
             f"- **Outputs:** {ran}.",
             f"- **Built:** {started} (UTC), course commit `{_git_commit()}`, by `docs/site/build_site.py`.",
             f"- **Machine:** {platform.platform()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
             f"TensorFlow {tf.__version__}, Keras {keras.__version__}; GPUs: "
             f"{len(tf.config.list_physical_devices('GPU')) or 'none'}.",
             f"- **Load average** (1, 5, 15 min) before the build: {_load_text(load_before)}; after: {_load_text(load_average())}.",
             "", "| lesson | seconds to run |", "|---|---|"]
    for name, seconds in records:
        lines.append(f"| [{name}](notebooks/{name}) | {'not run' if seconds is None else f'{seconds:.0f}'} |")
    if settings["execute"]:
        total = sum(s for _, s in records if s is not None)
        lines += ["", f"All lessons together: {total:.0f} s ({total / 60:.1f} min), kernel start-up included."]
    return "\n".join(lines) + "\n"


def load_average() -> list[float] | None:
    """The load averages, read by the course's one reader (the timing script calls this too)."""
    from course_utils.environment import load_average as read   # course_utils is installed wherever this runs

    return read()


def _load_text(load) -> str:
    return " ".join(f"{x:.2f}" for x in load) if load else "not available on this system"


def build_site(out: Path = DEFAULT_OUT, lessons: list[str] | None = None, mode: str = "full", training: str = "load",
               execute: bool = True, source: Path = NOTEBOOKS, lesson_time_limit: float | None = None,
               log=print) -> Path:
    """Build the site into ``out/html`` and return the path of its ``index.html``. See the module docstring."""
    if mode not in ("full", "quick"):
        raise SiteBuildError(f"unknown mode {mode!r}: use 'full' (what a learner runs) or 'quick' (CI's sizes)")
    if training not in ("load", "train"):
        raise SiteBuildError(f"unknown training {training!r}: use 'load' (the shipped checkpoints) or 'train'")
    paths = lesson_paths(lessons, source)
    mathjax = _mathjax_folder()
    out = Path(out)
    src, html_dir = out / "src", out / "html"
    started, load_before = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), load_average()
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    for name in ("conf.py", "index.md"):
        shutil.copy(HERE / name, src / name)
    shutil.copytree(HERE / "_static", src / "_static")
    shutil.copytree(mathjax, src / "_static" / "mathjax")

    import nbformat
    os.environ.update(COURSE_MODE=mode, COURSE_TRAINING=training, TF_CPP_MIN_LOG_LEVEL="3")
    os.environ.pop("MPLBACKEND", None)   # the kernels must use the inline backend, as in JupyterLab
    limit = lesson_time_limit or TIME_LIMITS[training if mode == "full" else "quick"]
    records = []
    for path in paths:
        if execute:
            log(f"running {path.name} ({mode} mode, training={training}) ...", flush=True)
            nb, seconds = execute_lesson(path, limit)
            log(f"  {seconds:.0f} s", flush=True)
        else:
            nb, seconds = nbformat.read(path, as_version=4), None
        replace_widgets(nb)
        localise_badges(nb)
        drop_startup_noise(nb)
        nbformat.write(nb, src / "notebooks" / path.name)
        records.append((path.name, seconds))
    settings = {"mode": mode, "training": training, "execute": execute}
    (src / "about_this_build.md").write_text(about_page(records, settings, started, load_before))

    shutil.rmtree(html_dir, ignore_errors=True)
    warnings = out / "sphinx-warnings.txt"
    log("rendering with Sphinx ...", flush=True)
    # In a process of its own: the theme's deprecation warnings are Sphinx's business, not the caller's (the
    # course's tests turn deprecation warnings into errors).
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-w", str(warnings), str(src),
                           str(html_dir)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SiteBuildError(f"Sphinx failed (exit status {done.returncode}); its messages are in {warnings}:\n"
                             f"{(done.stderr or done.stdout)[-2000:]}")
    problems = [line for line in warnings.read_text().splitlines() if line.strip()]
    if problems:
        log(f"Sphinx warned {len(problems)} times (in {warnings}); the first: {problems[0]}")
    index = html_dir / "index.html"
    log(f"site built: {index}  (open it in a browser, or serve it: "
        f"python -m http.server --directory {html_dir})")
    return index


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", nargs="+", metavar="NN", help="two-digit lesson numbers (default: all)")
    parser.add_argument("--mode", choices=("full", "quick"), default="full",
                        help="the lessons' sizes: full (what a learner runs, default) or quick (CI's)")
    parser.add_argument("--training", choices=("load", "train"), default="load",
                        help="load the shipped checkpoints (default: minutes) or train every model (over an hour on 2 cores)")
    parser.add_argument("--no-execute", action="store_true",
                        help="render the notebooks' saved outputs instead of running them (use with --source)")
    parser.add_argument("--source", type=Path, default=NOTEBOOKS, help="folder of the notebooks (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"build folder (default: {DEFAULT_OUT})")
    parser.add_argument("--lesson-time-limit", type=float, help="seconds allowed for one whole lesson")
    args = parser.parse_args(argv)
    if args.source.resolve() != NOTEBOOKS.resolve() and not args.no_execute:
        parser.error("lessons are executed from notebooks/ (for their data and checkpoints); "
                     "a --source folder is rendered with --no-execute")
    started = time.monotonic()
    try:
        build_site(args.out, args.lessons, args.mode, args.training, not args.no_execute, args.source,
                   args.lesson_time_limit)
    except SiteBuildError as error:
        print(f"site not built: {error}", file=sys.stderr)
        return 1
    print(f"the whole build took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
