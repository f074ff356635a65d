"""Checks every lesson follows the template in CONTRIBUTING.md (the parts a machine can check)."""
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import course_home

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BOOTSTRAP = (ROOT / "CONTRIBUTING.md").read_text().split("## The bootstrap cell")[1].split("```python\n")[1].split("```")[0].rstrip("\n")


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_lessons():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_setup_and_tour.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_name_is_numbered(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), "lessons are named NN_short_name.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_header(path):
    first = source(load(path)["cells"][0])
    assert first.startswith(f"# {path.name[:2]} · "), "the first cell is the title: '# NN · Title'"
    assert course_home.colab_url(path.name) in first, ("the Colab badge must open this very notebook in the course's home "
                                                       "(pyproject.toml [tool.course]; `make home REPO=...` re-points)")
    for field in ("**You will learn**", "**Prerequisites**", "**Time on a 2-core CPU**", "**Accelerator**"):
        assert field in first, f"header is missing {field}"
    assert not re.search(r"QUICK_TIME|FULL_TIME|TODO", first)


def test_the_bootstrap_clones_the_courses_home():
    assert f'"{course_home.clone_url()}"' in BOOTSTRAP, "the bootstrap must clone pyproject.toml's [tool.course] home"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_bootstrap(path):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    assert source(code[0]) == BOOTSTRAP, "the first code cell must be CONTRIBUTING.md's bootstrap cell, unchanged"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_its_own_id(path):
    """nbformat 4.5 requires a unique id per cell; a cell added by a script without one is a warning today (an error
    in future nbformat) and makes `nbformat.validate` fail, which the checkpoint and site tests use."""
    nb = load(path)
    ids = [cell.get("id") for cell in nb["cells"]]
    assert (nb["nbformat"], nb["nbformat_minor"]) >= (4, 5), "save the notebook as nbformat 4.5 or later"
    missing = [index for index, cell_id in enumerate(ids) if not cell_id]
    assert not missing, f"cells {missing} have no id: give each a short unique one (JupyterLab does when it saves)"
    assert len(set(ids)) == len(ids), f"cell ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, "clear outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_a_hidden_checked_solution(path):
    cells = load(path)["cells"]
    prompts = [int(n) for c in cells if c["cell_type"] == "markdown"
               for n in re.findall(r"\*\*Exercise (\d+)\.\*\*", source(c))]
    assert prompts, "every lesson has exercises"
    assert prompts == list(range(1, len(prompts) + 1)), "exercises are numbered 1, 2, 3, ..."
    solutions = {int(m.group(1)): c for c in cells if c["cell_type"] == "code"
                 for m in [re.match(r"# Solution to exercise (\d+)\n", source(c))] if m}
    for number in prompts:
        assert number in solutions, f"exercise {number} has no solution cell"
        cell = solutions[number]
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, f"solution {number} must be hidden"
        assert "assert " in source(cell) or "check_" in source(cell), f"solution {number} must check itself"


def exercise_cells(cells):
    """{N: (index of the prompt, index of the answer cell or None, index of the solution cell or None)}."""
    found = {}
    for i, cell in enumerate(cells):
        text = source(cell)
        if cell["cell_type"] == "markdown":
            for n in re.findall(r"\*\*Exercise (\d+)\.\*\*", text):
                found[int(n)] = [i, None, None]
        elif (m := re.match(r"# Your answer to exercise (\d+)\b", text)) and int(m.group(1)) in found:
            found[int(m.group(1))][1] = i
        elif (m := re.match(r"# Solution to exercise (\d+)\n", text)) and int(m.group(1)) in found:
            found[int(m.group(1))][2] = i
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_an_answer_cell_and_a_check(path):
    """CONTRIBUTING.md, "Exercises": prompt, visible answer cell calling exercises.check_N, hidden solution ending
    with `assert exercises.check_N(...)`; the check lives in course_utils/exercises/lesson_NN.py, with tests."""
    lesson = path.name[:2]
    cells = load(path)["cells"]
    code = [source(c) for c in cells if c["cell_type"] == "code"]
    import_line = f"from course_utils.exercises import lesson_{lesson} as exercises"
    assert any(import_line in text for text in code[1:3]), f"the imports cell must contain `{import_line}`"
    found = exercise_cells(cells)
    for number, (prompt, answer, solution) in sorted(found.items()):
        assert answer is not None, f"exercise {number} has no answer cell ('# Your answer to exercise {number}: ...')"
        assert solution is not None, f"exercise {number} has no solution cell"
        assert prompt < answer < solution, f"exercise {number}: the order must be prompt, answer cell, hidden solution"
        answer_cell, answer_text = cells[answer], source(cells[answer])
        assert not answer_cell["metadata"].get("jupyter", {}).get("source_hidden"), f"answer cell {number} must be visible"
        assert f"exercises.check_{number}(" in answer_text, f"answer cell {number} must call exercises.check_{number}"
        assert answer_text.rstrip().endswith(");"), \
            f"answer cell {number} must end with `;` after the check, so only its message shows (not True/False)"
        assert "None" in answer_text, f"answer cell {number} must start as None (it runs in CI and prints 'Not answered yet')"
        last_line = source(cells[solution]).rstrip().split("\n")[-1]
        assert last_line.startswith(f"assert exercises.check_{number}("), \
            f"solution {number} must end with `assert exercises.check_{number}(...)`"
    module_path = ROOT / "course_utils" / "exercises" / f"lesson_{lesson}.py"
    assert module_path.exists(), f"the checks live in {module_path.relative_to(ROOT)}"
    module = importlib.import_module(f"course_utils.exercises.lesson_{lesson}")
    checks = {name for name in dir(module) if re.fullmatch(r"check_\d+", name)}
    assert checks == {f"check_{n}" for n in found}, \
        f"lesson_{lesson}.py must define exactly check_1 ... check_{len(found)}, one per exercise; it has {sorted(checks)}"
    assert all(callable(getattr(module, name)) for name in checks)
    tests = ROOT / "tests" / "exercises" / f"test_lesson_{lesson}.py"
    assert tests.exists(), f"{tests.relative_to(ROOT)} must test the checks (right answer, wrong answer with hint, None)"
    text = tests.read_text()
    untested = [n for n in found if f"check_{n}(" not in text]
    assert not untested, f"{tests.relative_to(ROOT)} does not call check_{untested[0]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_summary_and_further_reading(path):
    text = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    assert "## Summary" in text and "## Further reading" in text


def test_bootstrap_finds_course_utils_in_a_fresh_clone(tmp_path):
    """Without `pip install -e .`, run from notebooks/, the bootstrap must still import course_utils."""
    code = BOOTSTRAP + "\nprint(course_utils.__file__)"
    python = getattr(sys, "_base_executable", sys.executable)  # the interpreter outside the venv
    result = subprocess.run([python, "-I", "-c", code], cwd=ROOT / "notebooks", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).parent == ROOT / "course_utils"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_draw_through_interactive_figure_not_an_output_widget(path):
    """An ipywidgets Output widget filled in its own cell makes nbclient-based runners stall (issue 13)."""
    code = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "code")
    assert not re.search(r"widgets\.Output\b|\bOutput\(\)|clear_output", code), (
        "draw widget figures with course_utils.display.interactive_figure (see CONTRIBUTING.md, nbval facts)")
    if ".observe(" in code or "ipywidgets" in code:
        assert "interactive_figure(" in code
