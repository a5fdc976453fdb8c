"""The hostile corpus in Chromium (issue 10): every page built from it opens with no dialog, no
script of the payloads run, no request to another host, and the theme still works under its
Content-Security-Policy (no violation reported, search answers).

The project is tests/hostile.py's: every plain-text field hostile, and a page of hostile bodies
that `check` never reads, so that only the output sanitiser stands between them and the reader.
"""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hostile import FIELDS, build, hostile_project

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
RAN = "() => ({pwned: window.__pwned !== undefined, violations: window.__violations})"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-browser")
    root = hostile_project(tmp / "project")
    done = build(root, tmp / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp / "site")))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="hostile-server", daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield tmp / "site" / "alpha", f"http://{host}:{port}/alpha/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def watched(browser, hostile_site):
    """A page that records dialogs and requests to any other host (aborting them)."""
    _, base = hostile_site
    context = browser.new_context(service_workers="block")
    context.set_default_timeout(10_000)
    seen: dict[str, list[str]] = {"dialogs": [], "outside": []}

    def route(r):
        if urlsplit(r.request.url).netloc != urlsplit(base).netloc:
            seen["outside"].append(r.request.url)
            r.abort()
        else:
            r.fallback()

    context.route("**/*", route)
    page = context.new_page()
    page.add_init_script(script=WATCH)
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    yield page, seen
    context.close()


def _pages(site: Path) -> list[str]:
    return sorted("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html"))


def test_no_page_built_from_hostile_sources_runs_script_or_requests_another_host(hostile_site, watched):
    site, base = hostile_site
    page, seen = watched
    paths = _pages(site)
    assert "hostile/" in paths and "model/intro/" in paths
    ran, violated = [], []
    for path in paths:
        page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        state = page.evaluate(RAN)
        if state["pwned"]:
            ran.append(path)
        violated += [f"{path}: {v}" for v in state["violations"]]
    assert not ran, f"a payload ran on: {ran}"
    assert not seen["dialogs"], seen["dialogs"]
    assert not seen["outside"], seen["outside"]
    assert not violated, "the CSP blocked something the theme needs:\n" + "\n".join(violated)


def test_search_works_under_the_csp_and_shows_names_literally(hostile_site, watched):
    _, base = hostile_site
    page, seen = watched
    page.goto(base, wait_until="load")
    page.keyboard.press("/")
    page.locator(".md-search__input").press_sequentially("appoints", delay=20)
    result = page.locator(".md-search-result__item").first
    result.wait_for()
    title = {f.name: f.text for f in FIELDS}["clause-title-script"]
    assert title in page.locator(".md-search-result").inner_text()
    state = page.evaluate(RAN)
    assert not state["pwned"] and not state["violations"] and not seen["dialogs"] and not seen["outside"]


def test_school_name_shows_literally_in_the_tab_title(hostile_site, watched):
    _, base = hostile_site
    page, _ = watched
    page.goto(base + "model/intro/", wait_until="load")
    text = {f.name: f.text for f in FIELDS}
    assert page.title() == f"1. {text['section-title']} - {text['short-name']}: policy handbook"


def test_the_csp_alone_stops_inline_script_that_got_into_a_page(hostile_site, watched):
    """Defence in depth: a built page with script written into it after the build still runs none."""
    site, base = hostile_site
    page_html = (site / "model" / "intro" / "index.html").read_text(encoding="utf-8")
    injected = page_html.replace("</article>", '<script>window.__pwned=1</script><img src="x" onerror="window.__pwned=1"></article>')
    assert injected != page_html
    (site / "model" / "intro" / "injected.html").write_text(injected, encoding="utf-8")
    page, seen = watched
    page.goto(base + "model/intro/injected.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    state = page.evaluate(RAN)
    assert not state["pwned"]
    assert any(v.startswith("script-src") for v in state["violations"]), state["violations"]
