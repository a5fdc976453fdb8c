"""`policy-site serve`: every page a build makes, the sources' errors shown in the browser, a
quiet log. Each test runs the real server on a free port and always stops it."""
from __future__ import annotations

import contextlib
import io
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from factories import POLICY, SCHOOL, project
from generator.errors import Problem
from generator.adapter.serving import ERROR_TITLE, error_page, problem_lines
from generator.sources.reading import FolderReader
from generator.core.validate import check
from helpers import ROOT, copy_site_config, policy_site

WAIT_SECONDS = 240  # a bound, not a timing: the machine is shared, a build may be slow
SECRET = "Ring the duty line out of hours."
STAFF_ONLY = {
    "policies/model/policy.yml": POLICY.replace("clauses: [intro-a, intro-b]", "clauses: [intro-a, intro-b, intro-secret]"),
    "policies/model/clauses/intro-secret.md": f"---\nid: intro-secret\ntitle: Out of hours\nstaff_only: true\n---\n{SECRET}\n",
}
CLAUSE = "policies/model/clauses/intro-a.md"


@dataclass
class Served:
    base: str
    log: Path
    process: subprocess.Popen

    def get(self, path: str) -> tuple[int | None, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None, ""

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not ready():
            if self.process.poll() is not None:
                pytest.fail(f"serve stopped (exit {self.process.returncode}) while waiting for {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {WAIT_SECONDS} s:\n{self.output()}")
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(root: Path, log: Path, *args: str) -> Iterator[Served]:
    exe = Path(sys.executable).with_name("policy-site")
    port = _free_port()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [str(exe), "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}", *args], stdout=out, stderr=subprocess.STDOUT
        )
    served = Served(f"http://127.0.0.1:{port}", log, process)
    try:
        served.wait_for(lambda: served.get("/")[0] == 200, "first page")
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_site_config(project(tmp_path / "project", STAFF_ONLY))


def _built_pages(root: Path, school: str, edition: str, out: Path) -> list[str]:
    result = policy_site("--root", str(root), "build", "--school", school, "--edition", edition, "--site-dir", str(out))
    assert result.returncode == 0, result.stderr
    site = out / school
    return sorted("/" + p.relative_to(site).as_posix().removesuffix("index.html") for p in site.rglob("*.html"))


@pytest.mark.parametrize("edition", ["staff", "public"])
def test_every_page_a_build_makes_is_served(root, edition):
    pages = _built_pages(root, "alpha", edition, root.parent / "built")
    assert "/model/whats-changed/" in pages
    with serving(root, root.parent / "serve.log", "--school", "alpha", "--edition", edition) as served:
        statuses = {page: served.get(page)[0] for page in pages}
        section = served.get("/model/intro/")[1]
    assert {page: status for page, status in statuses.items() if status != 200} == {}
    assert (SECRET in section) == (edition == "staff")


def test_every_page_of_a_real_school_is_served(tmp_path):
    pages = _built_pages(ROOT, "parklands", "staff", tmp_path / "built")
    with serving(ROOT, tmp_path / "serve.log", "--school", "parklands") as served:
        statuses = {page: served.get(page)[0] for page in pages}
    assert len(statuses) > 10
    assert {page: status for page, status in statuses.items() if status != 200} == {}


def test_broken_front_matter_is_shown_in_the_browser_until_fixed(root):
    clause = root / CLAUSE
    good = clause.read_text(encoding="utf-8")
    with serving(root, root.parent / "serve.log", "--school", "alpha") as served:
        assert "This policy applies to Alpha School" in served.get("/model/intro/")[1]
        clause.write_text(good.replace("title: Purpose", "title: Purpose: <b>"), encoding="utf-8")
        served.wait_for(lambda: ERROR_TITLE in served.get("/model/intro/")[1], "error page")
        for page in ("/model/intro/", "/", "/model/whats-changed/", "/register/"):
            status, body = served.get(page)
            assert status == 200
            assert f"{CLAUSE}:3: malformed YAML" in body
            assert "livereload(" in body  # the server's script: fixing the file reloads the page
        assert "<b>" not in served.get("/model/intro/")[1]
        clause.write_text(good, encoding="utf-8")
        served.wait_for(lambda: ERROR_TITLE not in served.get("/model/intro/")[1], "page after the fix")
        assert "This policy applies to Alpha School" in served.get("/model/intro/")[1]
        assert served.process.poll() is None
    assert f"{CLAUSE}:3: malformed YAML" in served.output()


def test_a_rebuild_that_fails_otherwise_is_shown_too(root):
    template = root / "overrides/main.html"
    with serving(root, root.parent / "serve.log", "--school", "alpha") as served:
        template.write_text('{% extends "base.html" %}\n{% block content %}\n', encoding="utf-8")
        served.wait_for(lambda: ERROR_TITLE in served.get("/model/intro/")[1], "error page")
        assert "overrides/main.html:2: Unexpected end of template" in served.get("/model/intro/")[1]
        template.unlink()
        served.wait_for(lambda: ERROR_TITLE not in served.get("/model/intro/")[1], "page after the fix")
        assert "This policy applies to Alpha School" in served.get("/model/intro/")[1]


def test_broken_school_file_is_reported_as_itself(root):
    school = root / "policies/schools/alpha.yml"
    school.write_text(school.read_text(encoding="utf-8") + "short_name: [Alpha\n", encoding="utf-8")
    with serving(root, root.parent / "serve.log", "--school", "alpha") as served:
        body = served.get("/")[1]
    assert "policies/schools/alpha.yml:" in body
    assert "no school" not in body and "no school" not in served.output()


def test_each_problem_prints_once_per_build_and_one_line_gives_the_url(root):
    school = root / "policies/schools/alpha.yml"
    school.write_text("id: alpha\nname: Alpha School\nshort_name: Alpha\npolicies:\n  model: {}\n", encoding="utf-8")
    warning = "required variable 'lead_name'"
    with serving(root, root.parent / "serve.log", "--school", "alpha") as served:
        served.wait_for(lambda: "Open http" in served.output(), "address line")
        assert served.output().count(warning) == 1
        school.write_text(school.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        served.wait_for(lambda: "Reloading browsers" in served.output(), "rebuild")
        output = served.output()
    builds = output.count("Building documentation")
    assert builds >= 2
    assert output.count(warning) == builds
    assert [line for line in output.splitlines() if served.base in line] == [
        f"Open {served.base}/ in a browser to preview alpha (staff edition); Ctrl+C stops"
    ]


def test_unknown_school_stops_at_once_with_a_suggestion(root):
    result = policy_site("--root", str(root), "serve", "--school", "alpah", "--dev-addr", f"127.0.0.1:{_free_port()}")
    assert result.returncode == 1
    assert "no school 'alpah' (did you mean 'alpha'?)" in result.stderr


def test_a_port_in_use_stops_at_once_with_a_clear_message(root):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = "127.0.0.1:%d" % taken.getsockname()[1]
        result = policy_site("--root", str(root), "serve", "--school", "alpha", "--dev-addr", address)
    assert result.returncode == 1
    assert f"--dev-addr {address} is already in use" in result.stderr
    assert "Building documentation" not in result.stderr + result.stdout


def test_check_names_the_broken_school_file_not_a_missing_school(tmp_path):
    root = project(tmp_path, {"policies/schools/alpha.yml": SCHOOL.format(id="alpha", adopts="model", name="[Alpha", short="A", lead="Ann Lee")})
    problems = check(FolderReader(root), "alpha").problems
    assert [p.path for p in problems if p.severity == "error"] == ["policies/schools/alpha.yml"]


def test_error_page_escapes_every_message():
    page = error_page("alpha<i>", problem_lines([Problem("a.md", 2, "got '<script>alert(1)</script>' & more")]))
    assert "a.md:2: got &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27; &amp; more" in page
    assert "<script>" not in page and "<i>" not in page


def test_error_page_lists_errors_before_warnings():
    lines = problem_lines([Problem("b.md", 1, "later", "warning"), Problem("z.md", 9, "first")])
    assert lines == [("error", "z.md:9: first"), ("warning", "b.md:1: warning: later")]


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(body)).pages)


def _get_bytes(served: Served, path: str) -> bytes:
    with urllib.request.urlopen(served.base + path, timeout=30) as response:
        return response.read()


def test_a_saved_clause_is_served_then_its_pdf_follows_from_the_background(root):
    from generator.core.render import HANDBOOK_PDF, POLICY_PDF

    clause = root / CLAUSE
    with serving(root, root.parent / "serve.log", "--school", "alpha") as served:
        pdf = f"/model/{POLICY_PDF}"
        assert "Ring-fenced" not in _pdf_text(_get_bytes(served, pdf))
        clause.write_text(clause.read_text(encoding="utf-8").replace("This policy applies", "Ring-fenced: this policy applies"), encoding="utf-8")
        served.wait_for(lambda: "Ring-fenced" in served.get("/model/intro/")[1], "the edited page (the watched sources are polled)")
        served.wait_for(lambda: "Ring-fenced" in _pdf_text(_get_bytes(served, pdf)), "the policy PDF made in the background")
        assert "Ring-fenced" in _pdf_text(_get_bytes(served, f"/{HANDBOOK_PDF}"))
        assert served.process.poll() is None
    assert "documents not made" not in served.output()


def test_a_rebuild_renders_what_a_save_changed_and_keeps_the_rest_whole(root):
    """`serve` rebuilds dirty (generator/adapter/page_reuse.py): the pages a save did not change are
    kept, and still found by search; a change every page shows reaches every page."""
    import json

    clause = root / CLAUSE
    school = root / "policies/schools/alpha.yml"
    with serving(root, root.parent / "serve.log", "--school", "alpha") as served:
        index = lambda: json.loads(served.get("/search/search_index.json")[1] or "{}").get("docs", [])  # noqa: E731
        before = {d["location"] for d in index()}
        assert {"model/intro/", "how-to-use/"} <= {loc.partition("#")[0] for loc in before}
        clause.write_text(clause.read_text(encoding="utf-8").replace("This policy applies", "Ring-fenced: this policy applies"), encoding="utf-8")
        served.wait_for(lambda: "Ring-fenced" in served.get("/model/intro/")[1], "the edited page")
        served.wait_for(lambda: any("Ring-fenced" in d.get("text", "") for d in index()), "the edit in the search index")
        assert {d["location"] for d in index()} == before
        rendered = re.findall(r"^(\d+) of (\d+) pages rendered", served.output(), re.M)
        assert rendered[0][0] == rendered[0][1] and int(rendered[-1][0]) < int(rendered[-1][1]) / 2, rendered
        school.write_text(school.read_text(encoding="utf-8").replace("name: Alpha School", "name: Alpha Primary School"), encoding="utf-8")
        served.wait_for(lambda: "Alpha Primary School" in served.get("/how-to-use/")[1], "the school's new name on a shared page")
        for page in ("/", "/model/intro/", "/accessibility/"):
            assert "Alpha Primary School" in served.get(page)[1], page
        assert served.process.poll() is None
