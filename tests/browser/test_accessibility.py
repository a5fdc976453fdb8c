"""WCAG 2.2 AA with axe-core on every page, and the Do's & Don'ts layout on a phone and a desktop."""
from __future__ import annotations

import pytest


def test_every_page_has_no_axe_violations(school, visits):
    pages = visits(school)
    assert pages, f"no pages found for {school}"
    problems = []
    for visit in pages:
        for v in visit.violations:
            targets = "; ".join(v["targets"][:5]) + (f" (+{len(v['targets']) - 5} more)" if len(v["targets"]) > 5 else "")
            problems.append(f"{visit.url}: {v['id']} ({v['impact']}): {v['help']} — {targets}")
    assert not problems, f"{len(problems)} axe violation(s) in {school}:\n" + "\n".join(problems)


def dos_donts_page(sites, school: str) -> str | None:
    """The path of the school's page holding the Do's & Don'ts grid, found in the built HTML."""
    for path in sites.pages(school):
        html = (sites.root / school / path / "index.html").read_text(encoding="utf-8")
        if 'class="dd-grid' in html and "full-text" not in path:
            return path
    return None


@pytest.mark.parametrize("width, height, columns", [(390, 844, 1), (1280, 900, 2)], ids=["phone", "desktop"])
def test_dos_donts_columns(sites, page, width, height, columns):
    school = "curzon-crescent" if "curzon-crescent" in sites.schools else sites.schools[0]
    path = dos_donts_page(sites, school)
    assert path, f"{school} has no page with a .dd-grid"
    page.set_viewport_size({"width": width, "height": height})
    page.goto(sites.url(school, path))
    # The first group that has both a Do column and a Don't column.
    grid = page.locator(".md-content .dd-grid").filter(has=page.locator(":scope > .dd-do")).filter(
        has=page.locator(":scope > .dd-dont")).first
    cols = grid.locator(":scope > .dd-col")
    assert cols.count() == 2, f"{school}/{path}: no .dd-grid with both a .dd-do and a .dd-dont column"
    tracks = grid.evaluate("el => getComputedStyle(el).gridTemplateColumns.split(' ').length")
    assert tracks == columns, f"{width}px wide: {tracks} grid column(s), expected {columns}"
    boxes = [cols.nth(i).bounding_box() for i in range(2)]
    if columns == 1:
        assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1, "the columns should stack on a phone"
        assert boxes[0]["width"] > width * 0.7
    else:
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] - 1, \
            "the columns should sit side by side at 1280px"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
