"""The course's public home, one setting: ``[tool.course]`` in pyproject.toml (a GitHub ``owner/name`` and a branch).

Every lesson names it twice: its "Open in Colab" badge (colab.research.google.com/github/OWNER/NAME/blob/BRANCH/...)
and its bootstrap cell, which clones https://github.com/OWNER/NAME on Colab. A workshop that forks the course
re-points all of them with one command::

    make home REPO=my-school/gan-vae-course            # or: python -m tests.course_home my-school/gan-vae-course main

which rewrites the setting, every notebook's badge and bootstrap, and the templates in CONTRIBUTING.md.
tests/test_notebook_structure.py holds the notebooks to the setting, and tests/test_colab_bootstrap.py runs the
bootstrap with it.
"""
from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
_SETTING = re.compile(r'(?m)^(repository|branch) = "([^"]*)"')
_BADGE = re.compile(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[\w./-]+?/notebooks/")
_CLONE = re.compile(r'https://github\.com/[\w.-]+/[\w.-]+(?=\\?")')   # followed by " (or \" inside a notebook's JSON)


def home() -> tuple[str, str]:
    """``(repository, branch)`` from pyproject.toml, e.g. ``("gan-vae-course/gan-vae-course", "main")``."""
    setting = tomllib.loads(PYPROJECT.read_text())["tool"]["course"]
    return setting["repository"], setting["branch"]


def clone_url() -> str:
    return f"https://github.com/{home()[0]}"


def colab_url(notebook: str) -> str:
    repository, branch = home()
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/{notebook}"


def _check(repository: str, branch: str) -> None:
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise SystemExit(f"REPO must be a GitHub owner/name such as my-school/gan-vae-course, got {repository!r}.")
    if not re.fullmatch(r"[\w./-]+", branch):
        raise SystemExit(f"BRANCH must be a branch name such as main, got {branch!r}.")


def repoint(repository: str, branch: str = "main") -> list[Path]:
    """Point the setting, every notebook and CONTRIBUTING.md at ``repository`` and ``branch``; return what changed."""
    _check(repository, branch)
    badge = f"https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/"
    clone = f"https://github.com/{repository}"
    changed = []
    text = PYPROJECT.read_text()
    new = _SETTING.sub(lambda m: f'{m[1]} = "{repository if m[1] == "repository" else branch}"', text)
    if new != text:
        PYPROJECT.write_text(new)
        changed.append(PYPROJECT)
    for path in [*sorted((ROOT / "notebooks").glob("*.ipynb")), ROOT / "CONTRIBUTING.md"]:
        text = path.read_text()
        new = _CLONE.sub(clone, _BADGE.sub(badge, text))
        if new != text:
            if path.suffix == ".ipynb":
                json.loads(new)   # still a notebook
            path.write_text(new)
            changed.append(path)
    return changed


def main(argv: list[str]) -> None:
    if not 1 <= len(argv) <= 2:
        raise SystemExit("usage: python -m tests.course_home OWNER/NAME [BRANCH]   (or: make home REPO=OWNER/NAME)")
    changed = repoint(*argv)
    print(f"the course's home is now github.com/{argv[0]} ({argv[1] if len(argv) > 1 else 'main'}); "
          f"{len(changed)} files changed" + "".join(f"\n  {path.relative_to(ROOT)}" for path in changed))


if __name__ == "__main__":
    main(sys.argv[1:])
