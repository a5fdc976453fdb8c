"""Browser tests: every school site is built once, served locally and opened in one Chromium.

The suite needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM) and the `test` extras
(playwright, axe-playwright-python); `./run test` installs both. Without them the tests fail with
the command to run: a browser test that skips itself would pass without testing anything.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]



@dataclass(frozen=True)
class BuiltSites:
    root: Path          # the folder that holds <school-id>/ folders
    base: str           # http://127.0.0.1:<port>
    schools: list[str]

    def url(self, school: str, path: str = "") -> str:
        return f"{self.base}/{school}/{path}"

    def pages(self, school: str) -> list[str]:
        """Every page of a school, as a path relative to its site (``""`` for the home page)."""
        site = self.root / school
        out = []
        for index in sorted(site.rglob("index.html")):
            rel = index.parent.relative_to(site).as_posix()
            out.append("" if rel == "." else rel + "/")
        return out


def published_schools() -> list[str]:
    """The school IDs expected to have a site, read from policies/schools/*.yml at collection time."""
    import yaml

    out = []
    for path in sorted((ROOT / "policies" / "schools").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("publish", True):
            out.append(str(data.get("id") or path.stem))
    return out


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes a `school` argument runs once per published school."""
    explicit = any("school" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if "school" in metafunc.fixturenames and not explicit:
        metafunc.parametrize("school", published_schools())


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def _build(site_dir: Path) -> None:
    exe = Path(sys.executable).with_name("policy-site")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "generator.cli.main"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([*cmd, "--root", str(ROOT), "build", "--site-dir", str(site_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"policy-site build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory):
    """All school sites, built once into a temporary folder and served on 127.0.0.1:<free port>."""
    site_dir = tmp_path_factory.mktemp("browser") / "site"
    _build(site_dir)
    schools = sorted(p.name for p in site_dir.iterdir() if (p / "index.html").is_file())
    assert schools, f"the build produced no school sites in {site_dir}"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site_dir)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield BuiltSites(site_dir, f"http://{host}:{port}", schools)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        pytest.fail("playwright is not installed: run the tests with ./run test (or pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: run the tests with ./run test (or apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def context(browser, sites):
    """One browser context for the session; requests to any host but the local server are aborted."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                              service_workers="block")
    ctx.set_default_timeout(10_000)
    ctx.route(lambda url: not url.startswith(sites.base + "/"), lambda route: route.abort())
    yield ctx
    ctx.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


@dataclass
class Visit:
    """One page as loaded in the browser: the requests it made outside the server, its axe violations."""
    school: str
    path: str
    url: str
    status: int
    outside: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT  # axe-core, bundled offline

    return AXE_SCRIPT


@pytest.fixture(scope="session")
def visits(sites, context):
    """`visits(school)`: every page of a school, each loaded once and checked for privacy and with axe.

    The privacy and accessibility tests share these visits so each page is loaded only once.
    """
    local = urlsplit(sites.base).netloc
    cache: dict[str, list[Visit]] = {}
    page = context.new_page()
    page.add_init_script(script=_axe_script())
    current: dict[str, Visit] = {}

    def handle(route):
        if urlsplit(route.request.url).netloc != local:
            # A late request (after the next navigation began) is put down to the page that was showing.
            current["visit"].outside.append(route.request.url)
            route.abort()
        else:
            route.fallback()

    page.route("**/*", handle)

    def run(school: str) -> list[Visit]:
        if school not in cache:
            out = []
            for i, path in enumerate(sites.pages(school)):
                visit = Visit(school, path, sites.url(school, path), 0)
                current["visit"] = visit
                response = page.goto(visit.url, wait_until="load")
                visit.status = response.status if response else 0
                if i == 0:
                    # The home page is given time for late requests (search index, scripts loaded on demand).
                    page.wait_for_load_state("networkidle")
                result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
                visit.violations = [
                    {"id": v["id"], "impact": v["impact"], "help": v["help"],
                     "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]],
                     "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else ""}
                    for v in result["violations"]
                ]
                out.append(visit)
            cache[school] = out
        return cache[school]

    yield run
    page.close()


@pytest.fixture()
def page(context):
    """A fresh page for tests that type, resize or otherwise change state."""
    page = context.new_page()
    yield page
    page.close()


# Material's search runs in a Web Worker: each query is posted to it (type 2) and answered (type 3).
# Counting both lets a test wait until the results on screen are those of the whole query typed,
# not of a prefix, without sleeping.
SEARCH_PROBE = """
(() => {
  const probe = window.__searchProbe = {sent: 0, received: 0, last: null};
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", event => {
        if (event.data && event.data.type === 3) probe.received++;
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 2) { probe.sent++; probe.last = message.data; }
      return super.postMessage(message, ...rest);
    }
  };
})();
"""

# The result links a user sees, in order: for each page in the results, its own link and the
# sections shown under it; sections folded into "N more on this page" are not counted.
VISIBLE_RESULTS = """
() => [...document.querySelectorAll(".md-search-result__list > .md-search-result__item")]
  .flatMap(item => [...item.querySelectorAll(":scope > a.md-search-result__link")])
  .map(a => ({href: a.href, title: (a.querySelector("h1, h2") || a).textContent.trim().replace(/\\s+/g, " ")}))
"""


class Search:
    """Material's search driven by the keyboard, on one reused page."""

    def __init__(self, page, sites: BuiltSites) -> None:
        self.page = page
        self.sites = sites

    def open(self, school: str) -> None:
        """Be on the school's home page with the search open and empty."""
        home = self.sites.url(school)
        if self.page.url.split("#")[0].split("?")[0] != home:
            self.page.goto(home)
        else:
            self.page.keyboard.press("Escape")
        self.page.keyboard.press("/")
        box = self.page.locator(".md-search__input")
        sync_expect()(box).to_be_focused()
        box.press("Control+a")
        box.press("Backspace")

    def type(self, query: str) -> list[dict]:
        """Type the query as a user does and return the result links shown, best first."""
        self.page.locator(".md-search__input").press_sequentially(query, delay=20)
        return self.results(query)

    def results(self, query: str) -> list[dict]:
        """Wait until the results shown are the answer to `query`, then list their links."""
        self.page.wait_for_function(
            "q => { const p = window.__searchProbe; return p && p.last === q && p.received >= p.sent; }",
            arg=query, polling=20)
        # The answer is rendered on the next frames; results appear as .md-search-result__item.
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return self.page.evaluate(VISIBLE_RESULTS)


def sync_expect():
    from playwright.sync_api import expect

    return expect


@pytest.fixture(scope="session")
def search(context, sites):
    page = context.new_page()
    page.add_init_script(script=SEARCH_PROBE)
    yield Search(page, sites)
    page.close()
