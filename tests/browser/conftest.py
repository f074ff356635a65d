"""What the real-browser tests share: one headless Chromium per test module (Debian's, never a downloaded one)."""
import tempfile

import pytest

from tests.browser.test_lessons_in_browser import CHROMIUM, CHROMIUM_FLAGS


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        # A persistent context is how Playwright takes an explicit, fresh --user-data-dir.
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000})
        try:
            yield context
        finally:
            context.close()
