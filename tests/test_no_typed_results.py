"""No measured result is typed into a lesson's prose: numbers a run produces are printed by the run (issue 18).

A number in a markdown cell that sits next to a measured quantity (a Fréchet distance, an accuracy, nats, seconds,
steps, a percentage, ...) is flagged, unless it also appears in the lesson's code (a setting, a bound the code checks,
a budget) or in course_utils (the settings live in recipes.py and the models' modules). A measured result cannot be in
either place: the code computes it. Numbers in citations (years, arXiv numbers) and lesson numbers ("lesson 07", "06")
are not results.

What is left over and is not a result is listed in ALLOWED with its reason; a new entry needs one too.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

NUMBER = r"(?<![\w.$^_{:/-])\d[\d,]*(?:\.\d+)?(?![\w$}-])"
MEASURED = (r"(?:FD|Fréchet distance|accuracy|confidence|PSNR|SSIM|precision|recall|ELBO|bound|nats|ratio|coverage|covered"
            r"|loss|penalty|steps|seconds|faster|slower|speed-?up)")
UNITS = r"(?:nats?|s\b|seconds?|min(?:utes)?\b|%|steps\b|updates\b|images/s|steps/s|dB|ms\b|times (?:faster|slower))"
# a measured word, then a number in the same sentence (at most 40 characters on); or a number with a unit
PATTERN = re.compile(rf"{MEASURED}(?:(?!\.\s)[^\n]){{0,40}}?{NUMBER}|{NUMBER}\s*{UNITS}", re.I)
NOT_RESULTS = re.compile(r"\blessons? \d+|\b0\d\b|\b(?:19|20)\d\d\b|arXiv:\S+|https?://\S+|Table \d+|section \d+|Exercise \d+", re.I)

# (lesson, number, why it is not a typed result)
ALLOWED = [
    ("06", "4,200", "arithmetic of the settings: 30 epochs of 140 batches of 64 (9,001 // 64 = 140)"),
    ("11", "94", "the grid's span, set in the code as the prior's quantiles 0.03 to 0.97"),
]


def flagged_numbers(markdown: str, allowed_text: str) -> list[str]:
    """The numbers in ``markdown`` that look like measured results and are not in ``allowed_text`` (the code)."""
    found = []
    text = NOT_RESULTS.sub(" ", markdown)
    for match in PATTERN.finditer(text):
        number = re.findall(NUMBER, match.group(0))[-1]
        if number.replace(",", "") not in allowed_text:
            found.append(number)
    return found


def _course_code() -> str:
    sources = [path.read_text() for path in (ROOT / "course_utils").rglob("*.py")]
    return "\n".join(sources).replace("_", "").replace(",", "")


COURSE_CODE = _course_code()


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name[:2])
def test_no_measured_result_is_typed_into_the_prose(path):
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    allowed_text = code.replace("_", "").replace(",", "") + COURSE_CODE
    allowed = {number for lesson, number, _ in ALLOWED if lesson == path.name[:2]}
    typed = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown" or index == 0:   # cell 0: the header, see the test below
            continue
        for number in flagged_numbers("".join(cell["source"]), allowed_text):
            if number not in allowed:
                typed.append(f"cell {index}: {number}")
    assert not typed, (f"{path.name}: numbers that look like measured results are typed into the prose ({typed}). "
                       "Print them from the code instead, or remove them; if one is not a result, add it to ALLOWED "
                       "with the reason.")


def test_the_headers_times_are_the_one_known_exception():
    """Each header's "Time on a 2-core CPU" row is measured and typed: issue 16's timing script is to write it."""
    for path in LESSONS:
        header = "".join(json.loads(path.read_text())["cells"][0]["source"])
        rows = [line for line in header.splitlines()   # the prerequisites are lesson numbers ("10 (...) and 12")
                if line.startswith("| **") and not line.startswith("| **Prerequisites**")]
        timed = [row for row in rows if flagged_numbers(row, "")]
        assert all(row.startswith("| **Time on a 2-core CPU**") for row in timed), (path.name, timed)


def test_the_check_finds_typed_results_and_passes_settings_and_citations():
    assert flagged_numbers("The DCGAN reached a Fréchet distance of 23.4 after training.", "") == ["23.4"]
    assert flagged_numbers("Its test accuracy was 0.952 on this run.", "") == ["0.952"]
    assert flagged_numbers("It made 4,408 steps in 270 s.", "") == ["4,408", "270"]
    assert flagged_numbers("It made 4,408 steps in 270 s.", "4408 270") == []                 # both set in the code
    assert flagged_numbers("the bound of lesson 04 (Burda et al. 2016, arXiv:1509.00519)", "") == []
    assert flagged_numbers("Section 5 measures the confidence; see Table 1.", "") == []
    assert flagged_numbers("the saturating losses), 04 (training a GAN)", "") == []
    assert flagged_numbers("the Fréchet distance as the 2-Wasserstein distance", "") == []
    assert flagged_numbers("$x^2$ and $\\sigma_1$ are not results", "") == []
