"""The offline edition opens from file:// and its search works, with no request off the machine."""
from __future__ import annotations

import zipfile
from pathlib import Path

from helpers import policy_site


def test_offline_zip_works_from_file_urls(browser, tmp_path: Path):
    out = tmp_path / "offline"
    result = policy_site("build", "--offline", "--school", "fawood", "--site-dir", str(out))
    assert result.returncode == 0, result.stderr
    archive = out / "fawood-offline.zip"
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "unzipped")
    index = tmp_path / "unzipped" / "fawood" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "unpkg.com" not in html and "iframe-worker/shim.js" in html

    context = browser.new_context()
    page = context.new_page()
    outside = []
    page.route("**/*", lambda route: (outside.append(route.request.url), route.abort()) if not route.request.url.startswith("file://") else route.continue_())
    page.goto(index.as_uri())
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("privacy settings", delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    context.close()
    assert any("esp-personal-use" in h for h in hrefs), hrefs  # the list holding #esp-personal-privacy-settings
    assert outside == []
