"""Layout staff see in a real browser: the phone header shows the whole site title, the
sidebar title stays clear of scrolled items, a checklist's tables line up."""
from __future__ import annotations

import pytest

HEADER_TITLE = ".md-header__title .md-header__topic:first-child .md-ellipsis"


@pytest.mark.parametrize("school", ["constance-bridgeman", "curzon-crescent", "hampreston"])
def test_phone_header_shows_the_whole_site_title(sites, page, school):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(sites.url(school))
    title = page.locator(HEADER_TITLE)
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1"), title.inner_text()
    box = title.bounding_box()
    assert box and box["x"] + box["width"] <= 390


def test_sidebar_title_does_not_overlap_scrolled_items(sites, page):
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(sites.url("parklands", "parklands-it-safety/park-email/"))
    page.evaluate("document.querySelector('.md-sidebar--primary .md-sidebar__scrollwrap').scrollTop = 200")
    found = page.evaluate("""() => {
        const title = document.querySelector('.md-nav--primary > .md-nav__title');
        const box = title.getBoundingClientRect(), style = getComputedStyle(title);
        const under = document.elementFromPoint(box.left + 20, box.bottom - 2);
        return {covered: !!(under && under.closest('.md-nav__title')), background: style.backgroundColor, rule: style.borderBottomWidth};
    }""")
    assert found["covered"] and found["background"] not in ("transparent", "rgba(0, 0, 0, 0)"), found
    assert found["rule"] != "0px", "the sidebar title should be ruled off from the items scrolled under it"

@pytest.mark.parametrize("width", [390, 1280])
def test_checklist_tables_line_up(sites, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(sites.url("parklands", "parklands-it-safety/park-filtering-monitoring/"))
    tables = page.locator(".paper-form table")
    assert tables.count() >= 5
    widths = {round(tables.nth(i).bounding_box()["width"]) for i in range(tables.count())}
    ticks = {round(page.locator(".paper-form table").nth(i).locator("th").last.bounding_box()["x"]) for i in range(tables.count())}
    assert len(widths) == 1 and len(ticks) == 1, (widths, ticks)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
