"""Browser tests: every school site is built once, served locally and opened in one Chromium.

The suite needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM) and the `test` extras
(playwright, axe-playwright-python). It is skipped, not failed, when either is missing.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


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

    def all_pages(self) -> list[tuple[str, str]]:
        return [(school, page) for school in self.schools for page in self.pages(school)]


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
    if "school" in metafunc.fixturenames:
        metafunc.parametrize("school", published_schools())


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def _build(site_dir: Path) -> None:
    exe = Path(sys.executable).with_name("policy-site")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "generator.cli"]
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


@pytest.fixture(scope="session")
def shared_page(context):
    """A page reused by the tests that only navigate and read."""
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture()
def page(context):
    """A fresh page for tests that type, resize or otherwise change state."""
    page = context.new_page()
    yield page
    page.close()
