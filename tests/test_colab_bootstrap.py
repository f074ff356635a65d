"""What the "Open in Colab" path of every lesson really does, without Colab.

Each notebook's bootstrap cell (its first code cell) is executed in a fresh Python process with a fake
`google.colab` module and `subprocess.run` replaced by a recorder, so the test sees the exact commands a
learner's Colab runtime would run. The fake `git clone` "creates" the course in a temporary folder (COURSE is
pointed there). Checked: the clone is of the repository the badge names, pip installs only that clone and with
`--no-deps` (Colab's TensorFlow and Keras are never replaced), and `course_utils` and `data/` are then found in the
clone; after a runtime restart (clone already there) and locally (no `google.colab`) no command runs at all.
Also: every Colab link in a lesson opens that very lesson. (tests/test_notebook_structure.py checks that the
bootstrap cell is CONTRIBUTING.md's, byte for byte, and that the header holds the expected badge URL.)
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import course_home

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COLAB_HOME = '"/content/gan-vae-course"'   # where the bootstrap clones the course on Colab
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/([^/\s)\"']+)/([^/\s)\"']+)/blob/([^/\s)\"']+)/([^\s)\"']+)")
BADGE = re.compile(r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]\((\S+?)\)")
HEAVY = re.compile(r"tensorflow|keras|jax|torch|requirements", re.IGNORECASE)

# Runs in a fresh interpreter: fakes Colab if asked, records every command, executes the bootstrap, reports JSON.
HARNESS = r'''
import json, os, shutil, subprocess, sys, types
spec = json.loads(sys.argv[1])
calls = []

def fake_run(cmd, *args, **kwargs):
    cmd = [str(c) for c in cmd]
    calls.append({"cmd": cmd, "check": kwargs.get("check", False)})
    if cmd[:2] == ["git", "clone"]:   # "clone": lay out the course as a clone of the repository would
        dest = cmd[-1]
        shutil.copytree(os.path.join(spec["root"], "course_utils"), os.path.join(dest, "course_utils"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(os.path.join(spec["root"], "data"), os.path.join(dest, "data"))
        shutil.copy(os.path.join(spec["root"], "pyproject.toml"), dest)
    return subprocess.CompletedProcess(cmd, 0)

def refuse(*args, **kwargs):
    calls.append({"cmd": [str(a) for a in args], "check": None})
    raise RuntimeError("the bootstrap started a process the test did not expect")

subprocess.run = fake_run
subprocess.Popen = subprocess.call = subprocess.check_call = subprocess.check_output = os.system = refuse
if spec["colab"]:
    google = types.ModuleType("google"); google.colab = types.ModuleType("google.colab")
    sys.modules["google"], sys.modules["google.colab"] = google, google.colab
if spec["hide_installed"]:   # as on Colab before a restart: the clone was pip-installed, but not importable yet
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != spec["root"]]
exec(compile(spec["code"], "<bootstrap cell>", "exec"), {"__name__": "__main__"})
import course_utils
from course_utils import datasets
(x, y), _ = datasets.load_mnist()   # checks the shipped files' SHA-256
print(json.dumps({"calls": calls, "python": sys.executable, "course_utils": course_utils.__file__,
                  "data_dir": str(datasets.data_dir()), "mnist": list(x.shape)}))
'''


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def bootstrap_of(path):
    return source(next(c for c in load(path)["cells"] if c["cell_type"] == "code"))


def run_bootstrap(code, course, *, colab, hide_installed, cwd):
    """Execute a bootstrap cell with COURSE moved to `course`; return what the harness reports."""
    assert code.count(COLAB_HOME) == 1, f"the bootstrap must clone into {COLAB_HOME}, named once"
    code = code.replace(COLAB_HOME, json.dumps(str(course)))
    spec = {"code": code, "colab": colab, "hide_installed": hide_installed, "root": str(ROOT)}
    result = subprocess.run([sys.executable, "-I", "-c", HARNESS, json.dumps(spec)], cwd=cwd, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, f"the bootstrap cell failed:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def repository_of_badge(first_cell, name):
    """Check the header's badge and every Colab link open this very notebook; return (clone URL, branch)."""
    badges = BADGE.findall(first_cell)
    assert len(badges) == 1, f"{name}: the header needs one '[![Open In Colab](...colab-badge.svg)](URL)' badge"
    links = COLAB_LINK.findall(first_cell)
    assert links and COLAB_LINK.fullmatch(badges[0]), f"{name}: the badge URL is not a Colab GitHub URL: {badges[0]}"
    owner, repo, branch, path = COLAB_LINK.fullmatch(badges[0]).groups()
    assert path == f"notebooks/{name}", f"{name}: the Colab badge opens {path}, not this notebook"
    assert (ROOT / path).is_file()
    return f"https://github.com/{owner}/{repo}", branch


def check_colab_commands(calls, course, clone_url, branch, python):
    """The two commands a fresh Colab runtime runs: clone the course, pip-install only it, without deps."""
    assert [c["cmd"][:2] for c in calls] == [["git", "clone"], [python, "-m"]], \
        f"expected a git clone then `python -m pip`, got {[c['cmd'] for c in calls]}"
    clone, pip = (c["cmd"] for c in calls)
    assert all(c["check"] is True for c in calls), "run both with check=True: a failed clone must stop the lesson"
    assert clone_url in clone and clone[-1] == str(course), f"clone {clone} should fetch {clone_url} into COURSE"
    for flag in ("--branch", "-b"):
        if flag in clone:
            assert clone[clone.index(flag) + 1] == branch, f"the badge opens branch {branch}; the clone takes another"
    assert pip[2:4] == ["pip", "install"], f"not a pip install: {pip}"
    assert "--no-deps" in pip, "pip must install course_utils with --no-deps: Colab's TensorFlow and Keras stay"
    targets = [a for a in pip[4:] if not a.startswith("-")]
    assert targets == [str(course)], f"pip may install only the clone, found {targets}"
    assert not any(HEAVY.search(a) for a in pip), f"pip must not (re)install TensorFlow/Keras: {pip}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_colab_link_opens_its_own_notebook(path):
    cells = load(path)["cells"]
    repository_of_badge(source(cells[0]), path.name)
    for cell in cells:
        for owner, repo, branch, linked in COLAB_LINK.findall(source(cell)):
            assert linked == f"notebooks/{path.name}", f"{path.name} links to Colab for {linked}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_on_colab_the_bootstrap_clones_installs_without_deps_then_finds_the_course(path, tmp_path):
    clone_url, branch = repository_of_badge(source(load(path)["cells"][0]), path.name)
    course = tmp_path / "content" / "gan-vae-course"
    report = run_bootstrap(bootstrap_of(path), course, colab=True, hide_installed=True, cwd=tmp_path)
    check_colab_commands(report["calls"], course, clone_url, branch, report["python"])
    assert Path(report["course_utils"]) == course / "course_utils" / "__init__.py", "course_utils not from the clone"
    assert Path(report["data_dir"]) == course / "data", "data/ should be found in the clone"
    assert report["mnist"][1:] == [28, 28]
    # After a runtime restart the clone is there: nothing is cloned or installed again.
    again = run_bootstrap(bootstrap_of(path), course, colab=True, hide_installed=True, cwd=tmp_path)
    assert again["calls"] == [], "with the clone present, the bootstrap must not clone or install again"
    assert Path(again["course_utils"]) == course / "course_utils" / "__init__.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_locally_the_bootstrap_runs_no_command(path, tmp_path):
    course = tmp_path / "content" / "gan-vae-course"
    report = run_bootstrap(bootstrap_of(path), course, colab=False, hide_installed=False, cwd=ROOT / "notebooks")
    assert report["calls"] == [], f"locally the bootstrap must run nothing, ran {report['calls']}"
    assert not course.exists()
    assert Path(report["course_utils"]).parent == ROOT / "course_utils"
    assert Path(report["data_dir"]).resolve() == ROOT / "data"


# The checks above must be able to fail: feed them a bootstrap or a header with one thing wrong.

def test_a_bootstrap_without_no_deps_fails(tmp_path):
    code = bootstrap_of(NOTEBOOKS[0])
    assert '"--no-deps", ' in code
    course = tmp_path / "content" / "gan-vae-course"
    report = run_bootstrap(code.replace('"--no-deps", ', ""), course, colab=True, hide_installed=True, cwd=tmp_path)
    with pytest.raises(AssertionError, match="--no-deps"):
        check_colab_commands(report["calls"], course, course_home.clone_url(), "main",
                             report["python"])


@pytest.mark.parametrize("wrong", [
    ["git", "clone", "-q", "--depth=1", "https://github.com/someone-else/fork", "COURSE"],
    ["python", "-m", "pip", "install", "-q", "--no-deps", "-e", "COURSE", "tensorflow==2.15"],
    ["python", "-m", "pip", "install", "-q", "--no-deps", "-r", "COURSE/requirements.txt"],
])
def test_a_wrong_command_fails(wrong, tmp_path):
    course = tmp_path / "course"
    good = [{"cmd": ["git", "clone", "-q", "--depth=1", course_home.clone_url(), str(course)],
             "check": True},
            {"cmd": ["python", "-m", "pip", "install", "-q", "--no-deps", "-e", str(course)], "check": True}]
    check_colab_commands(good, course, course_home.clone_url(), "main", "python")
    calls = [dict(c) for c in good]
    calls[0 if wrong[0] == "git" else 1] = {"cmd": [str(course) if a == "COURSE" else a.replace("COURSE", str(course))
                                                    for a in wrong], "check": True}
    with pytest.raises(AssertionError):
        check_colab_commands(calls, course, course_home.clone_url(), "main", "python")


def test_a_badge_for_another_notebook_fails():
    first, second = NOTEBOOKS[0], NOTEBOOKS[1]
    header = source(load(first)["cells"][0]).replace(f"notebooks/{first.name}", f"notebooks/{second.name}")
    with pytest.raises(AssertionError, match="not this notebook"):
        repository_of_badge(header, first.name)
