"""No third-party requests: schools publish these handbooks on their public websites."""
from __future__ import annotations

import re

FORBIDDEN_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net")
FORBIDDEN = re.compile(r"(?:https?:)?(?://)?(?:" + "|".join(re.escape(h) for h in FORBIDDEN_HOSTS) + r")[^\s\"'`()<>]*")

# Material's JavaScript bundle names two unpkg.com URLs that it only fetches as fallbacks:
# a ResizeObserver polyfill (every supported browser has ResizeObserver) and Mermaid (only on a
# page with a `.mermaid` diagram, which these handbooks never have: see test_no_mermaid_diagrams).
# Any other reference, or one of these anywhere else, fails.
MATERIAL_BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")
MATERIAL_DORMANT_FALLBACKS = {
    "https://unpkg.com/resize-observer-polyfill",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
}


def test_every_page_makes_only_local_requests(school, sites, visits):
    """Every page of a school is loaded; any request to another host is aborted and reported."""
    pages = visits(school)
    assert pages, f"no pages found for {school}"
    not_ok = [f"{v.url}: HTTP {v.status}" for v in pages if not (200 <= v.status < 300 or v.status == 304)]
    assert not not_ok, "pages that did not load:\n" + "\n".join(not_ok)
    outside = [f"{v.url} -> {url}" for v in pages for url in v.outside]
    assert not outside, f"{len(outside)} third-party request(s) from {school}:\n" + "\n".join(outside)


def test_built_files_reference_no_font_or_cdn_hosts(sites):
    """A static scan of every built HTML, JS and CSS file."""
    found: list[str] = []
    for path in sorted(sites.root.rglob("*")):
        if path.suffix not in {".html", ".js", ".css"} or not path.is_file():
            continue
        rel = path.relative_to(sites.root).as_posix()
        for match in FORBIDDEN.finditer(path.read_text(encoding="utf-8", errors="replace")):
            url = match.group(0)
            if MATERIAL_BUNDLE.search(rel) and url in MATERIAL_DORMANT_FALLBACKS:
                continue
            found.append(f"{rel}: {url}")
    assert not found, "built files reference third-party font/CDN hosts:\n" + "\n".join(found)


def test_no_mermaid_diagrams(sites):
    """Material would fetch Mermaid from unpkg.com for a diagram; the handbooks must not have one."""
    pages = [p for p in sites.root.rglob("*.html") if 'class="mermaid"' in p.read_text(encoding="utf-8")]
    assert not pages, "pages with a Mermaid diagram (Material loads it from unpkg.com): " + ", ".join(map(str, pages))
