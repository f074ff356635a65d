"""`make home REPO=owner/name` re-points every Colab badge and bootstrap clone of the course at a fork."""
import json
import shutil

import pytest

from tests import course_home


@pytest.fixture
def copy_of_the_course(tmp_path, monkeypatch):
    for name in ("pyproject.toml", "CONTRIBUTING.md"):
        shutil.copy(course_home.ROOT / name, tmp_path / name)
    shutil.copytree(course_home.ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("outputs"))
    monkeypatch.setattr(course_home, "ROOT", tmp_path)
    monkeypatch.setattr(course_home, "PYPROJECT", tmp_path / "pyproject.toml")
    return tmp_path


def test_repoint_moves_the_setting_every_badge_and_every_clone(copy_of_the_course):
    old_repository, _ = course_home.home()
    changed = course_home.repoint("my-school/gan-course", "spring-2027")
    lessons = sorted((copy_of_the_course / "notebooks").glob("*.ipynb"))
    assert len(changed) == len(lessons) + 2   # pyproject.toml, CONTRIBUTING.md, every lesson
    assert course_home.home() == ("my-school/gan-course", "spring-2027")
    for path in lessons:
        text = path.read_text()
        json.loads(text)
        assert old_repository not in text, path.name
        assert course_home.colab_url(path.name) in text
        assert '\\"https://github.com/my-school/gan-course\\"' in text   # the bootstrap's clone, in the JSON
    contributing = (copy_of_the_course / "CONTRIBUTING.md").read_text()
    assert old_repository not in contributing and '"https://github.com/my-school/gan-course"' in contributing
    assert course_home.repoint("my-school/gan-course", "spring-2027") == []   # a second run changes nothing


@pytest.mark.parametrize("repository, branch", [("just-a-name", "main"), ("a/b/c", "main"), ("a/b", "no spaces")])
def test_repoint_refuses_what_is_not_a_github_home(copy_of_the_course, repository, branch):
    with pytest.raises(SystemExit, match="REPO must be|BRANCH must be"):
        course_home.repoint(repository, branch)
    assert course_home.home() == ("gan-vae-course/gan-vae-course", "main")   # nothing written
