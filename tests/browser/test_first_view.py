"""What a clause page loads in Chromium before anyone searches (issue 15: ≤ 60 KB gzip), and that
search, loaded when first used, still answers."""
from __future__ import annotations

import gzip

from playwright.sync_api import expect

FIRST_VIEW_GZ = 60 * 1024
SCHOOL, CLAUSE_PAGE = "parklands", "parklands-it-safety/park-email/"
SEARCH_FILES = ("search/search_index.json", "/workers/search.")


def _gz(body: bytes, url: str) -> int:
    return len(body) if url.endswith((".png", ".ico")) else len(gzip.compress(body, compresslevel=6, mtime=0))


def test_a_clause_page_loads_at_most_60_kb_gzip_and_search_when_first_used(page, sites):
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(sites.url(SCHOOL, CLAUSE_PAGE))
    page.wait_for_load_state("networkidle")
    first_view = {r.url: _gz(r.body(), r.url) for r in list(responses)}
    assert not [url for url in first_view if any(f in url for f in SEARCH_FILES)], first_view
    assert sum(first_view.values()) <= FIRST_VIEW_GZ, first_view

    page.keyboard.press("/")
    page.locator(".md-search__input").press_sequentially("email", delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    later = [r.url for r in responses[len(first_view):]]
    assert all(any(f in url for url in later) for f in SEARCH_FILES), later


def test_a_page_reached_from_a_search_result_highlights_its_words(page, sites):
    page.goto(sites.url(SCHOOL, CLAUSE_PAGE) + "?h=email")
    expect(page.locator("mark").first).to_be_visible()
