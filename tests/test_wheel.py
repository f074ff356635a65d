"""A normal (non-editable) install has all of course_utils: build the wheel, install it into a fresh virtual
environment, import a subpackage from there. Every route of the course uses `pip install -e .`, so a package list
that leaves a subpackage out would otherwise go unnoticed until someone installs the wheel."""
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def source_packages() -> set[str]:
    """Every package folder of course_utils in the source tree, dotted: {"course_utils", "course_utils.exercises"}."""
    return {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "course_utils").rglob("__init__.py")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out, source = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("source")
    # Built from a copy of what the package is made of: setuptools reuses a build/ folder left in the checkout,
    # which would hide a package left out of the list.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "course_utils", source / "course_utils", ignore=shutil.ignore_patterns("__pycache__"))
    # No build isolation: setuptools comes from the locked environment, so this works offline.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(source)], check=True, capture_output=True, text=True)
    (built,) = out.glob("gan_vae_course-*.whl")
    return built


def test_the_wheel_holds_every_subpackage(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    in_wheel = {name.rsplit("/", 1)[0].replace("/", ".") for name in names if name.endswith("/__init__.py")}
    assert source_packages() <= in_wheel, f"left out of the wheel: {sorted(source_packages() - in_wheel)}"
    assert "course_utils/exercises/lesson_07.py" in names


def test_the_wheel_installed_in_a_fresh_venv_imports_the_exercises(wheel, tmp_path):
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, text=True)
    # The course's dependencies (numpy, Keras, ...) come from this environment, appended after the fresh venv's own
    # site-packages: the editable install here is not processed (.pth files in an appended folder are not read).
    (site / "course_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = ("import course_utils, course_utils.exercises.lesson_07 as lesson, pathlib; "
             "print(pathlib.Path(course_utils.__file__).resolve()); print(callable(lesson.check_1))")
    run = subprocess.run([python, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert run.returncode == 0, run.stderr[-3000:]
    where, has_check = run.stdout.split()
    assert Path(where).is_relative_to(site), f"course_utils came from {where}, not from the wheel in {site}"
    assert has_check == "True"
