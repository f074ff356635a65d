"""One lock of every package (requirements.lock), installed the same way by make, .ci/run and conda.

requirements.txt holds the course's top-level pins with their reasons; `make lock` resolves them, with everything
they pull in, into requirements.lock for every platform (markers pick each machine's lines). These tests hold the
three files and the installed environment to each other, so that two fresh machines install the same stack.
"""
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
IN_COURSE_VENV = Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def pins(path: Path) -> dict[str, str]:
    """name -> version of every line of a requirements file that applies to this machine (its marker holds)."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: {line!r} must pin one version with =="
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{path.name}: two lines pin {name} on this machine"
        found[name] = spec.version
    return found


def test_every_line_of_the_lock_is_an_exact_pin():
    lines = [l for l in (ROOT / "requirements.lock").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert len(lines) > 100, "the lock holds every package, not only the top level"
    for line in lines:
        assert re.match(r"^[A-Za-z0-9_.\-]+==[^ ;#]+", line), f"not an exact pin: {line!r}"
        if ";" in line:
            Marker(line.split(";", 1)[1].split("#", 1)[0])   # a marker pip can read


def test_the_top_level_pins_are_the_locked_versions():
    locked = pins(ROOT / "requirements.lock")
    for name, version in pins(ROOT / "requirements.txt").items():
        assert locked.get(name) == version, (f"requirements.txt pins {name}=={version} but requirements.lock has "
                                             f"{locked.get(name)}: run `make lock` and commit both files")
    browser = pins(ROOT / "requirements-browser.lock")
    for name, version in pins(ROOT / "requirements-browser.txt").items():
        assert browser.get(name) == version, "requirements-browser.lock is stale: run `make lock`"
    for name in set(browser) & set(locked):
        assert browser[name] == locked[name], f"{name}: the browser lock and the course lock disagree"
    site = pins(ROOT / "requirements-site.lock")
    for line in (ROOT / "requirements-site.txt").read_text().splitlines():
        if line.split("#", 1)[0].strip():
            name = canonicalize_name(Requirement(line.split("#", 1)[0]).name)
            assert name in site, f"requirements-site.lock lacks {name}: run `make lock`"
    for name in set(site) & set(locked):
        assert site[name] == locked[name], f"{name}: the site lock and the course lock disagree"


def test_make_ci_and_conda_install_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements.lock" in makefile
    assert re.search(r"\$\(STAMP\): requirements\.lock pyproject\.toml", makefile), "a changed lock must reinstall"
    assert "-r requirements.lock" in (ROOT / "environment.yml").read_text()
    assert "-r requirements-browser.lock" in (ROOT / ".ci" / "run").read_text()
    assert "-r requirements-site.lock" in (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet -r requirements-site.lock" in makefile   # make site
    assert "requirements.txt" not in (ROOT / "environment.yml").read_text().split("dependencies:")[1]


@pytest.mark.skipif(not IN_COURSE_VENV, reason="checks the course's own .venv (make setup); this is another environment")
def test_the_installed_environment_is_exactly_the_lock():
    expected = pins(ROOT / "requirements.lock")
    extras = {**pins(ROOT / "requirements-browser.lock"), **pins(ROOT / "requirements-site.lock")}
    expected.update(extras)   # .ci/run and make site add these; make lab does not
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed.pop("gan-vae-course", None)   # the course itself, installed editable without dependencies
    extras_only = set(extras) - set(pins(ROOT / "requirements.lock"))
    missing = {n: v for n, v in expected.items() if n not in installed and n not in extras_only}
    different = {n: (installed[n], v) for n, v in expected.items() if n in installed and installed[n] != v}
    extra = sorted(set(installed) - set(expected))
    assert not different, f"installed (version, locked version) differ: {different}; run `make clean setup`"
    assert not missing, f"locked but not installed: {missing}; run `make clean setup`"
    assert not extra, f"installed but not in the lock: {extra}; add them to requirements.txt and run `make lock`"
