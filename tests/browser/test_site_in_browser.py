"""The course website (`make site`, docs/site/build_site.py) as a reader sees it, in a real (headless) Chromium.

Builds the site for lessons 02 and 03 (quick mode, to keep CI short: the full build is `make site`), serves it on
localhost and opens the home page, the lessons and "How this site was built": every image loads, every formula is typeset by
MathJax (served by the site itself: the network is closed), no page shows an error output, and lesson 03's slider
stands as a note beside its still figure. To show that the checks can fail, a page with a missing figure, an error
output and a formula MathJax cannot read is built and opened too: the checks must name all three. Screenshots go to
notebooks/outputs/browser/ (git-ignored): look at them.

Needs what tests/browser/test_lessons_in_browser.py needs, and the site's tools (`pip install -r
requirements-site.lock`); without them it skips, saying what is missing (a failure under COURSE_REQUIRE_BROWSER_TEST=1).
"""
import functools
import http.server
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.browser.test_lessons_in_browser import MISSING, REQUIRED, SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "site"))
import build_site  # noqa: E402


def _missing():
    if MISSING:
        return MISSING
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
        build_site._mathjax_folder()
    except (ImportError, build_site.SiteBuildError):
        return "the site's tools are not installed: `.venv/bin/pip install -r requirements-site.lock`"
    return None


SITE_MISSING = _missing()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(SITE_MISSING is not None and not REQUIRED,
                                                   reason=f"site browser test skipped: {SITE_MISSING}")]

# What is wrong with a page, read from the page itself once MathJax has finished (its "End" startup signal).
PAGE_PROBLEMS = """() => {
  const problems = [];
  for (const img of document.querySelectorAll('img')) {
    if (!img.complete || img.naturalWidth === 0) problems.push('broken image: ' + img.getAttribute('src'));
  }
  for (const out of document.querySelectorAll('.output.traceback, .output.error')) {
    problems.push('error output: ' + out.textContent.trim().slice(0, 120));
  }
  const formulas = [...document.querySelectorAll('span.math.notranslate, div.math.notranslate')];
  const raw = formulas.filter(m => !m.querySelector('.MathJax, .MathJax_Display, .MathJax_SVG, .MathJax_CHTML'));
  if (raw.length) problems.push(raw.length + ' formulas not typeset, e.g. ' + raw[0].textContent.slice(0, 80));
  // MathJax 2 shows TeX it cannot read as its source (.noError, the noErrors extension) over an <merror>
  for (const m of formulas.filter(m => m.querySelector('.noError, .MathJax_Error, merror'))) {
    problems.push('math error: ' + (m.querySelector('script')?.textContent || '').slice(0, 80));
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The site of lessons 02 and 03 and the broken page's site, each served on localhost."""
    if SITE_MISSING:
        pytest.fail(f"COURSE_REQUIRE_BROWSER_TEST=1 but {SITE_MISSING}")
    work = tmp_path_factory.mktemp("site")
    build_site.build_site(work / "course", lessons=["02", "03"], mode="quick", training="load")

    broken = work / "broken-notebooks"
    broken.mkdir()
    nb = new_notebook(cells=[
        new_markdown_cell("# 90 · A broken page\n\nA formula MathJax cannot read: $\\frac{1}{$, and one it can: $x^2$."),
        new_code_cell("raise ValueError('this cell fails')", outputs=[new_output(
            "error", ename="ValueError", evalue="this cell fails", traceback=["ValueError: this cell fails"])]),
        new_code_cell("show()", outputs=[new_output("display_data", data={
            "text/html": '<img src="no-such-figure.png" alt="a lost figure">', "text/plain": "<img>"})]),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, broken / "90_broken_page.ipynb")
    build_site.build_site(work / "broken", execute=False, source=broken)

    servers, urls = [], {}
    for name in ("course", "broken"):
        handler = functools.partial(_QuietHandler, directory=str(work / name / "html"))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield urls
    finally:
        for server in servers:
            server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def open_page(browser, url, screenshot):
    """Open a page, wait until its images and MathJax are done, screenshot it; returns (page, its problems)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = browser.new_page()
    page.goto(url, wait_until="load")
    if page.evaluate("document.querySelectorAll('span.math.notranslate, div.math.notranslate').length"):
        page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.Register", timeout=30_000)
        page.evaluate("MathJax.Hub.Register.StartupHook('End', () => { window.__typeset = true; })")
        page.wait_for_function("() => window.__typeset === true", timeout=60_000)
        try:   # the theme copies headings (with their formulas) into its tables of contents as the page settles
            page.wait_for_function(f"() => !({PAGE_PROBLEMS})().some(p => p.includes('not typeset'))", timeout=20_000)
        except PlaywrightTimeout:
            pass   # reported below, with the formulas that stayed raw
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / screenshot)
    return page, page.evaluate(PAGE_PROBLEMS)


FIGURES = "[...document.querySelectorAll('.cell_output img')].map(i => i.naturalWidth)"


def test_the_lesson_pages_show_their_figures_typeset_math_and_no_error(browser, sites):
    page, problems = open_page(browser, f"{sites['course']}/notebooks/02_gan_objective.html", "site_02_top.png")
    try:
        assert problems == []
        figures = page.evaluate(FIGURES)
        assert len(figures) >= 4 and min(figures) > 100, f"the lesson's figures, by width: {figures}"
        assert page.locator("span.math.notranslate").count() > 100        # the derivations, typeset above
        badge = page.locator("a[href*='colab.research.google.com/github'] img")
        assert badge.count() == 1 and badge.evaluate("i => i.naturalWidth") > 50
    finally:
        page.close()
    page, problems = open_page(browser, f"{sites['course']}/notebooks/03_gan_losses_in_practice.html", "site_03_top.png")
    try:
        assert problems == []
        figures = page.evaluate(FIGURES)
        assert len(figures) >= 5 and min(figures) > 100, f"the lesson's figures, by width: {figures}"
        note = page.locator(".widget-note")
        assert note.count() == 1 and "mean of p_g (FloatSlider)" in note.inner_text()
        note.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "site_03_widget_note.png")
        # the slider's figure follows its note as an ordinary image
        assert page.evaluate("""() => { const cell = document.querySelector('.widget-note').closest('.cell');
                                        return cell.querySelectorAll('img').length; }""") >= 1
    finally:
        page.close()


def test_the_home_page_lists_the_lesson_and_the_build_page_its_time(browser, sites):
    page, problems = open_page(browser, f"{sites['course']}/index.html", "site_index.png")
    try:
        assert problems == []
        assert page.locator("nav a, .toctree-wrapper a", has_text="The GAN objective").count() >= 1
        assert page.locator("nav a, .toctree-wrapper a", has_text="Generator losses in practice").count() >= 1
    finally:
        page.close()
    page, problems = open_page(browser, f"{sites['course']}/about_this_build.html", "site_about.png")
    try:
        assert problems == []
        text = page.inner_text("article")
        assert "quick mode, loading the shipped checkpoints" in text and "02_gan_objective.ipynb" in text
        assert "03_gan_losses_in_practice.ipynb" in text
    finally:
        page.close()


def test_the_checks_name_a_broken_image_an_error_output_and_bad_math(browser, sites):
    page, problems = open_page(browser, f"{sites['broken']}/notebooks/90_broken_page.html", "site_broken.png")
    page.close()
    assert any(p.startswith("broken image: no-such-figure.png") for p in problems), problems
    assert any(p.startswith("error output:") and "ValueError" in p for p in problems), problems
    assert any(p.startswith("math error:") for p in problems), problems
