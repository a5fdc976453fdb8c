"""No third-party requests: schools publish these handbooks on their public websites."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

FORBIDDEN_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net")
FORBIDDEN = re.compile(r"[^\s\"'`()]*(?:" + "|".join(re.escape(h) for h in FORBIDDEN_HOSTS) + r")[^\s\"'`()]*")

# Material's JavaScript bundle names two unpkg.com URLs that it only fetches as fallbacks:
# a ResizeObserver polyfill (every supported browser has ResizeObserver) and Mermaid (only on a
# page with a `.mermaid` diagram, which these handbooks never have: see test_no_mermaid_diagrams).
# Any other reference, or one of these anywhere else, fails.
MATERIAL_BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")
MATERIAL_DORMANT_FALLBACKS = {
    "https://unpkg.com/resize-observer-polyfill",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
}


def test_every_page_makes_only_local_requests(school, sites, context):
    """Load every page of a school; any request to another host is aborted and reported."""
    local = urlsplit(sites.base).netloc
    outside: list[str] = []
    current = {"url": ""}

    def handle(route):
        if urlsplit(route.request.url).netloc != local:
            outside.append(f"{current['url']} -> {route.request.url}")
            route.abort()
        else:
            route.fallback()

    page = context.new_page()
    try:
        page.route("**/*", handle)
        pages = sites.pages(school)
        assert pages, f"no pages found for {school}"
        for i, path in enumerate(pages):
            current["url"] = url = sites.url(school, path)
            response = page.goto(url, wait_until="load")
            assert response is not None and response.ok, f"{url}: HTTP {response.status if response else 'no response'}"
            if i == 0:
                # The home page is given time for late requests (search index, scripts loaded on demand).
                page.wait_for_load_state("networkidle")
    finally:
        page.close()
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
