"""Keyboard only: find a clause with search and open it; reach a form's download link and download it."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_PRESSES = 150


def test_search_and_open_a_clause_with_the_keyboard(search, sites):
    school, query, clause, clause_page = "parklands", "encrypt portable devices", "park-encryption-portable-devices", "parklands-it-safety/park-encryption/"
    page = search.page
    search.open(school)  # home page, "/" pressed, search box focused and empty
    page.keyboard.type(query, delay=20)  # keyboard events only, into the focused box
    results = search.results(query)  # waits for the answer to the whole query
    assert any(urlsplit(r["href"]).fragment == clause for r in results), f"no result for #{clause}: {results}"

    for _ in range(20):
        page.keyboard.press("ArrowDown")
        href = page.evaluate("() => document.activeElement && document.activeElement.href || ''")
        if urlsplit(href).fragment == clause:
            break
    else:
        raise AssertionError(f"ArrowDown never reached the result for #{clause}; focus is on {href!r}")

    with page.expect_navigation():
        page.keyboard.press("Enter")
    url = urlsplit(page.url)
    assert url.path == f"/{school}/{clause_page}", f"Enter opened {page.url}"
    assert url.fragment == clause, f"Enter opened {page.url}, not the clause #{clause}"
    from playwright.sync_api import expect

    expect(page.locator(f"[id='{clause}']")).to_be_in_viewport()


def _form_page(sites, school: str) -> str | None:
    """The appendix holding the staff declaration form, else any section page with a downloadable form."""
    candidates = []
    for path in sites.pages(school):
        if "full-text/" in path or path.endswith("forms/"):
            continue
        html = (sites.root / school / path / "index.html").read_text(encoding="utf-8")
        if re.search(r"<a\b[^>]*\bdownload\b", html):
            candidates.append((0 if 'id="form-staff-declaration"' in html else 1, path))
    return min(candidates)[1] if candidates else None


def test_tab_to_a_form_download_and_press_enter(sites, page):
    school = "curzon-crescent" if "curzon-crescent" in sites.schools else sites.schools[0]
    path = _form_page(sites, school) or "forms/"
    html = (sites.root / school / path / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<a\b[^>]*\bdownload\b", html), (
        f"{school}/{path}: no link with the download attribute (a plain PDF link opens the browser's viewer)")

    page.goto(sites.url(school, path))
    page.locator("body").focus()
    for _ in range(1, MAX_PRESSES + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a[download]')"):
            break
    else:
        raise AssertionError(f"{MAX_PRESSES} presses of Tab never reached a download link on {school}/{path}")
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    # A visible focus indicator on the link (WCAG 2.4.7).
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }")
    assert outline, f"the focused download link {href} shows no focus indicator"

    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.failure() is None, f"download of {href} failed: {download.failure()}"
    name = download.suggested_filename
    assert name == href.rsplit("/", 1)[-1], f"downloaded {name!r} from {href!r}"
    data = open(download.path(), "rb").read()
    magic = {".pdf": b"%PDF", ".docx": b"PK"}
    ext = name[name.rfind("."):]
    assert data.startswith(magic.get(ext, b"")) and len(data) > 500, f"{name}: {len(data)} bytes, not a {ext} file"
