"""Benchmark of `policy-site`: build time against the number of schools, the generator's overhead
over plain MkDocs, edit-to-reload latency in `serve`, page weight and site size, peak memory.

    python benchmarks/run.py --out benchmarks/out/results.json          # N = 1, 10, 50, 200; handbooks 200 × 6
    python benchmarks/run.py --sizes 1,10 --out benchmarks/out/quick.json  # a quick run (handbooks 10 × 6)
    python benchmarks/run.py --sizes 200 --only handbook --jobs 2       # the handbook authority alone

Not part of the tests. Everything runs in a temporary folder: a synthetic authority per size
(benchmarks/authority.py) and a copy of this project for `serve --school parklands`; nothing
in the project is modified. Every command is timed as a subprocess, as an editor would run it.
The machine's load average is recorded with each measurement: on a shared machine, compare
medians and look at the load before trusting a difference.
"""
from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402

from authority import ROOT, SITE_FILES, make_authority, shared_clause  # noqa: E402

BIN = Path(sys.executable).parent
POLICY_SITE = str(BIN / "policy-site")
MKDOCS = str(BIN / "mkdocs")
GZIP_LEVEL = 6  # a typical web server's setting
BINARY = {".pdf", ".docx", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".gz", ".zip", ".woff", ".woff2"}
TIMED = r"""
import json, resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
done = subprocess.run(cmd, capture_output=True, text=True)
wall = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"wall": wall, "cpu": use.ru_utime + use.ru_stime, "max_rss_kb": use.ru_maxrss, "rc": done.returncode,
           "stdout": done.stdout[-20000:], "stderr": done.stderr[-20000:]}, open(out, "w"))
"""


def load() -> float:
    return round(os.getloadavg()[0], 2)


def timed(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run `cmd` in a fresh process tree: wall and CPU seconds, and the largest process's peak RSS."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    try:
        subprocess.run([sys.executable, "-c", TIMED, out, *cmd], check=True, env=env)
        result = json.loads(Path(out).read_text())
    finally:
        os.unlink(out)
    if result["rc"] != 0:
        raise SystemExit(f"failed ({result['rc']}): {' '.join(cmd)}\n{result['stderr']}")
    return result


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else float("nan")


def clear_documents(root: Path) -> None:
    """Empty the project's document cache, so that a build makes every document (a cold build)."""
    shutil.rmtree(root / ".cache" / "documents", ignore_errors=True)


def school_seconds(stderr: str) -> list[float]:
    return [float(s) for s in re.findall(r"^built \S+ \(([0-9.]+) s[,)]", stderr, re.M)]


# (a) and (e): builds against N -------------------------------------------------------------

def bench_builds(work: Path, sizes: list[int], jobs: list[int], repeat: int) -> list[dict]:
    rows = []
    for n in sizes:
        root = make_authority(work / f"authority-{n}", n)
        runs_wanted = repeat if n <= 10 else 1
        for j in jobs:
            site = root / f"site-j{j}"
            runs = []
            for _ in range(runs_wanted):
                clear_documents(root)
                before = load()
                r = timed([POLICY_SITE, "--root", str(root), "build", "--force", "--jobs", str(j), "--site-dir", str(site)])
                runs.append({"wall_s": round(r["wall"], 3), "cpu_s": round(r["cpu"], 3), "max_rss_mb": round(r["max_rss_kb"] / 1024, 1),
                             "school_s": school_seconds(r["stderr"]), "load_before": before, "load_after": load()})
            again = timed([POLICY_SITE, "--root", str(root), "build", "--jobs", str(j), "--site-dir", str(site)])
            walls = [run["wall_s"] for run in runs]
            row = {
                "schools": n, "jobs": j, "runs": runs,
                "total_s": median(walls),
                "per_school_s": round(median(walls) / n, 3),
                "school_build_median_s": median([s for run in runs for s in run["school_s"]]),
                "cpu_s": median([run["cpu_s"] for run in runs]),
                "cpu_per_school_s": round(median([run["cpu_s"] for run in runs]) / n, 3),
                "max_rss_mb": max(run["max_rss_mb"] for run in runs),
                "unchanged_rebuild_s": round(again["wall"], 3),
                "load": [runs[0]["load_before"], runs[-1]["load_after"]],
            }
            rows.append(row)
            print(f"  build N={n:<4} jobs={j}: {row['total_s']:8.2f} s total, {row['per_school_s']:.3f} s/school, "
                  f"peak RSS {row['max_rss_mb']:.0f} MB, unchanged rebuild {row['unchanged_rebuild_s']:.2f} s (load {row['load']})", flush=True)
    return rows


# (b): overhead over a plain MkDocs build of the same pages -----------------------------------

def _env_tag(loader: yaml.SafeLoader, node: yaml.Node):
    values = loader.construct_sequence(node)
    return values[-1] if values else None


def plain_project(root: Path, school: str, out: Path) -> Path:
    """The school's pages pre-written as Markdown in docs/, its documents as static files, and
    mkdocs.yml without the policy-site plugin: what MkDocs alone would have to build."""
    from generator.outputs.site.pages import prepare

    site, problems = prepare(root, school)
    if site is None:
        raise SystemExit(f"cannot prepare {school}: {problems}")
    shutil.copytree(root / "docs", out / "docs")
    for shared in (out / "docs").rglob("*.md"):
        shared.write_text(site.fill(shared.read_text(encoding="utf-8")), encoding="utf-8")
    for path, content in site.files.items():
        target = out / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    if (root / "overrides").is_dir():
        shutil.copytree(root / "overrides", out / "overrides")
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", _env_tag)
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)
    config["plugins"] = [p for p in config.get("plugins", []) if not (p == "policy-site" or isinstance(p, dict) and "policy-site" in p)]
    config["site_name"] = site.site_name
    config["nav"] = site.nav
    config["extra_css"] = [*config.get("extra_css", []), site.css_path]
    if site.logo:
        config["theme"]["logo"] = config["theme"]["favicon"] = site.logo
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def bench_overhead(work: Path, repeat: int) -> dict:
    root = make_authority(work / "overhead", 1)
    plain = plain_project(root, "school-001", work / "overhead-plain")
    full, cached, bare = [], [], []
    loads = [load()]
    build = [POLICY_SITE, "--root", str(root), "build", "--school", "school-001", "--force", "--jobs", "1", "--site-dir", str(work / "overhead-site")]
    for _ in range(repeat):  # interleaved, so that a change in load hits both alike
        clear_documents(root)
        full.append(timed(build)["wall"])
        cached.append(timed(build)["wall"])  # every page built again, the documents read from the cache
        bare.append(timed([MKDOCS, "build", "-q", "-f", str(plain / "mkdocs.yml"), "-d", str(work / "overhead-plain-site")],
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})["wall"])
    loads.append(load())
    pages = len(list((work / "overhead-plain-site").rglob("*.html")))
    result = {"school": "school-001", "pages": pages, "policy_site_build_s": median(full), "plain_mkdocs_build_s": median(bare),
              "ratio": round(median(full) / median(bare), 2), "ratio_documents_cached": round(median(cached) / median(bare), 2),
              "runs": {"policy_site": [round(x, 3) for x in full], "policy_site_documents_cached": [round(x, 3) for x in cached], "mkdocs": [round(x, 3) for x in bare]},
              "load": loads}
    print(f"  overhead: policy-site {result['policy_site_build_s']:.2f} s / plain mkdocs {result['plain_mkdocs_build_s']:.2f} s"
          f" = {result['ratio']:.2f}x; with the documents from the cache {median(cached):.2f} s = {result['ratio_documents_cached']:.2f}x"
          f" ({pages} HTML files; load {loads})", flush=True)
    return result


# (f): an edit to one model clause every school adopts: the document cache ----------------------

def _edited(clause: Path, original: str, k: int) -> None:
    clause.write_text(original.rstrip("\n") + f" Benchmark edit {k}.\n", encoding="utf-8")


DOCUMENT_SAMPLE = 20
"""Schools whose documents are timed in-process: a school's documents cost the same at any N."""


def documents_cpu(root: Path, cache_dir: Path) -> dict:
    """CPU seconds per policy for the documents alone, in this process: without the document cache
    (as before it), with it empty, with nothing changed, and after an edit to a shared model clause."""
    from generator.outputs.documents.cache import DocumentCache
    from generator.outputs.documents.downloads import handbook_downloads
    from generator.sources.reading import FolderReader
    from generator.core.validate import check
    from generator.core.resolve import Handbook

    clause = shared_clause(root)
    original = clause.read_text(encoding="utf-8")

    def renamed(handbook: Handbook, suffix: str) -> Handbook:
        policies = tuple(replace(r, values={**r.values, "school_name": f"{r.values.get('school_name')}{suffix}"}) for r in handbook.policies)
        return replace(handbook, policies=policies)

    def per_policy(cache: DocumentCache | None, suffix: str = "") -> float:
        """All of a school's documents (the joined handbook PDF too) ÷ its policies. `suffix`: each school
        under another name, so that Typst's memory of recent compiles does not flatter the second run."""
        handbooks = [renamed(h, suffix) if suffix else h for h in list(check(FolderReader(root)).schools.values())[:DOCUMENT_SAMPLE]]
        start = time.process_time()
        for handbook in handbooks:
            handbook_downloads(handbook, cache)
        return round((time.process_time() - start) / sum(len(h.policies) for h in handbooks), 3)

    shutil.rmtree(cache_dir, ignore_errors=True)
    cache = DocumentCache(cache_dir)
    try:
        per_policy(None, " (warm-up)")  # Typst's fonts loaded
        result = {"no_cache": per_policy(None, " (no cache)"), "cold_cache": per_policy(cache), "unchanged": per_policy(cache)}
        _edited(clause, original, 0)
        result["after_clause_edit"] = per_policy(cache)
    finally:
        clause.write_text(original, encoding="utf-8")
    result["made"], result["reused"] = dict(cache.made), dict(cache.reused)
    return result


def bench_edit(work: Path, sizes: list[int], jobs: int) -> list[dict]:
    """`build --force` (every site rebuilt, so only the document cache helps) after an edit to a
    model clause all N schools adopt, against a cold build and the same rebuild without the cache."""
    rows = []
    for n in sizes:
        root = make_authority(work / f"edit-{n}", n)
        clause = shared_clause(root)
        original = clause.read_text(encoding="utf-8")
        build = [POLICY_SITE, "--root", str(root), "build", "--force", "--jobs", str(jobs), "--site-dir", str(root / "site")]
        loads = [load()]
        try:
            clear_documents(root)
            cold = timed(build)
            _edited(clause, original, 1)
            cached = timed(build)
            _edited(clause, original, 2)
            clear_documents(root)
            uncached = timed(build)
        finally:
            clause.write_text(original, encoding="utf-8")
        loads.append(load())
        row = {"schools": n, "jobs": jobs, "load": loads, "documents_cpu_per_policy_s": documents_cpu(root, work / f"edit-{n}-cache")}
        for name, r in (("cold", cold), ("edit_cached", cached), ("edit_uncached", uncached)):
            row[name] = {"wall_s": round(r["wall"], 3), "cpu_s": round(r["cpu"], 3), "cpu_per_school_s": round(r["cpu"] / n, 3)}
        row["edit_cached_over_cold"] = round(cached["wall"] / cold["wall"], 2)
        row["edit_cached_over_cold_cpu"] = round(cached["cpu"] / cold["cpu"], 2)  # steadier than wall time on a shared machine
        rows.append(row)
        d = row["documents_cpu_per_policy_s"]
        print(f"  edit N={n:<4} jobs={jobs}: cold {cold['wall']:.2f} s, after a shared clause edit {cached['wall']:.2f} s with the document cache"
              f" ({row['edit_cached_over_cold']:.2f}x cold, CPU {row['edit_cached_over_cold_cpu']:.2f}x), {uncached['wall']:.2f} s without; documents CPU-s a policy: no cache {d['no_cache']},"
              f" cold cache {d['cold_cache']}, unchanged {d['unchanged']}, after the edit {d['after_clause_edit']} (load {loads})", flush=True)
    return rows


# (g): the handbook authority: N schools × M models, cold and incremental --------------------------

def _build_row(r: dict, n: int) -> dict:
    return {"wall_s": round(r["wall"], 3), "cpu_s": round(r["cpu"], 3), "cpu_per_school_s": round(r["cpu"] / n, 3),
            "max_rss_mb": round(r["max_rss_kb"] / 1024, 1), "rebuilt": len(school_seconds(r["stderr"]))}


def bench_handbook(work: Path, sizes: list[int], models: int, jobs: int) -> list[dict]:
    """N schools each adopting `models` models with overlays of their own: a cold build (HTML and
    every PDF and Word file, the document cache empty), then `build` as an editor runs it after an
    edit to one model clause every school adopts, and after an edit to one school's file."""
    rows = []
    for n in sizes:
        root = make_authority(work / f"handbook-{n}x{models}", n, models=models)
        clause, school = shared_clause(root), root / "policies" / "schools" / "school-001.yml"
        originals = {clause: clause.read_text(encoding="utf-8"), school: school.read_text(encoding="utf-8")}
        build = [POLICY_SITE, "--root", str(root), "build", "--jobs", str(jobs), "--site-dir", str(root / "site")]
        row: dict = {"schools": n, "models": models, "jobs": jobs, "load": [load()]}
        try:
            clear_documents(root)
            row["cold"] = _build_row(timed(build), n)
            print(f"  handbook {n}x{models} jobs={jobs}: cold {row['cold']['wall_s']:.1f} s ({row['cold']['cpu_per_school_s']:.2f} CPU-s a school,"
                  f" peak RSS {row['cold']['max_rss_mb']:.0f} MB; load {row['load'][0]} → {load()})", flush=True)
            _edited(clause, originals[clause], 1)
            row["shared_clause_edit"] = _build_row(timed(build), n)
            row["shared_clause_edit_over_cold"] = round(row["shared_clause_edit"]["wall_s"] / row["cold"]["wall_s"], 2)
            row["shared_clause_edit_over_cold_cpu"] = round(row["shared_clause_edit"]["cpu_s"] / row["cold"]["cpu_s"], 2)
            school.write_text(originals[school].replace("Summer 2031", "Autumn 2031", 1), encoding="utf-8")
            row["school_edit"] = _build_row(timed(build), n)
        finally:
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")
        row["load"].append(load())
        rows.append(row)
        print(f"  handbook {n}x{models}: after a shared clause edit {row['shared_clause_edit']['wall_s']:.1f} s"
              f" ({row['shared_clause_edit_over_cold']:.2f}x cold, CPU {row['shared_clause_edit_over_cold_cpu']:.2f}x; {row['shared_clause_edit']['rebuilt']} schools rebuilt),"
              f" after an edit to one school's file {row['school_edit']['wall_s']:.2f} s ({row['school_edit']['rebuilt']} rebuilt) (load {row['load']})", flush=True)
    return rows


# (c): edit-to-reload latency in serve -----------------------------------------------------------

def copy_project(dest: Path) -> Path:
    """This project's sources and site set-up, committed to a new git repository."""
    dest.mkdir(parents=True)
    for name in (*SITE_FILES, "policies"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)
    run = lambda *a: subprocess.run(["git", "-C", str(dest), *a], check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    run("add", "-A")
    run("-c", "user.name=Benchmark", "-c", "user.email=benchmark@example.invalid", "commit", "-q", "-m", "copy")
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 30) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        return None


def _edit_target(root: Path, school: str) -> tuple[Path, str]:
    """A clause in the middle of the school's policy, and the page that shows it."""
    from generator.sources.reading import FolderReader
    from generator.core.validate import check

    resolved = check(FolderReader(root), school).schools[school].policies[0]
    sections = [s for s in resolved.sections if s.clauses]
    section = sections[len(sections) // 2]
    overlaid = {cid for variant in resolved.chain for cid in variant.model.replace}
    clause = next(c for c in section.clauses if c.id in resolved.policy.clauses and c.id not in overlaid)
    return root / resolved.policy.clauses[clause.id].path, f"{resolved.policy.id}/{section.id}/"


def bench_serve(root: Path, school: str, edits: int, log_dir: Path) -> dict:
    clause, page = _edit_target(root, school)
    pdf = f"{page.split('/')[0]}/downloads/policy.pdf"  # the edited policy's PDF, under its folder
    original = clause.read_text(encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = open(log_dir / f"serve-{school}.log", "w")
    start = time.perf_counter()
    proc = subprocess.Popen([POLICY_SITE, "--root", str(root), "serve", "--school", school, "--dev-addr", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    latencies, documents, loads = [], [], []
    try:
        while _get(base + page, timeout=5) is None:
            if proc.poll() is not None or time.perf_counter() - start > 300:
                raise SystemExit(f"serve did not start; see {log.name}")
            time.sleep(0.1)
        startup = time.perf_counter() - start
        time.sleep(3)  # the first build's background work, if any
        for k in range(edits):
            marker = f"Benchmarkmarker{k}x{secrets.token_hex(4)}"
            before_pdf = _get(base + pdf)
            loads.append(load())
            clause.write_text(original.rstrip("\n") + f" {marker}\n", encoding="utf-8")
            t0 = time.perf_counter()
            while marker.encode() not in (_get(base + page) or b""):
                if time.perf_counter() - t0 > 60:
                    raise SystemExit(f"edit {k} never appeared; see {log.name}")
                time.sleep(0.01)
            latencies.append(round(time.perf_counter() - t0, 3))
            while (_get(base + pdf) or before_pdf) == before_pdf and time.perf_counter() - t0 < 30:
                time.sleep(0.02)
            documents.append(round(time.perf_counter() - t0, 3))
            time.sleep(1.5)
    finally:
        clause.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGINT)  # as Ctrl-C: the server removes its temporary folders
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    result = {"school": school, "page": page, "startup_s": round(startup, 2), "edit_to_page_s": latencies, "median_s": median(latencies),
              "max_s": max(latencies), "edit_to_new_policy_pdf_s": documents, "load": loads}
    print(f"  serve {school}: edit → page median {result['median_s']:.2f} s (max {result['max_s']:.2f} s), "
          f"→ new policy.pdf median {median(documents):.2f} s; startup {result['startup_s']:.1f} s (load {loads})", flush=True)
    return result


# (d): page weight and site size ------------------------------------------------------------------

class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("href") and any(r in (a.get("rel") or "").split() for r in ("stylesheet", "icon", "modulepreload", "preload")):
            self.refs.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.refs.append(a["src"])


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def _local(page: Path, ref: str, site: Path) -> Path | None:
    if re.match(r"^[a-z]+:|^//|^#", ref):
        return None
    ref = ref.split("#")[0].split("?")[0]
    target = (page.parent / ref).resolve()
    return target if target.is_relative_to(site.resolve()) else None


def site_weight(site: Path) -> dict:
    """Every page's first load (HTML + the CSS, JS and images it references), the search index,
    and the site's size with and without its PDFs and Word files, raw and gzipped."""
    pages, missing = [], set()
    for html in sorted(site.rglob("*.html")):
        parser = _Refs()
        raw = html.read_bytes()
        parser.feed(raw.decode("utf-8", errors="replace"))
        total, total_gz = len(raw), _gz(raw)
        for ref in dict.fromkeys(parser.refs):
            target = _local(html, ref, site)
            if target is None:
                continue
            if not target.is_file():
                missing.add(target.relative_to(site.resolve()).as_posix())
                continue
            data = target.read_bytes()
            total += len(data)
            total_gz += len(data) if target.suffix in BINARY else _gz(data)
        pages.append({"page": html.relative_to(site).as_posix(), "html": len(raw), "html_gz": _gz(raw), "first_load": total, "first_load_gz": total_gz,
                      "clause_page": b'class="clause"' in raw})
    largest = max(pages, key=lambda p: p["first_load_gz"])
    clause_views = sorted(p["first_load_gz"] for p in pages if p["clause_page"])
    index = site / "search" / "search_index.json"

    def size(include_documents: bool) -> tuple[int, int]:
        raw = gz = 0
        for path in site.rglob("*"):
            if not path.is_file() or (not include_documents and path.suffix in {".pdf", ".docx"}):
                continue
            data = path.read_bytes()
            raw += len(data)
            gz += len(data) if path.suffix in BINARY else _gz(data)
        return raw, gz

    without, with_docs = size(False), size(True)
    return {
        "pages": len(pages),
        "largest_first_load": largest,
        "clause_page_first_load_gz": {"median": clause_views[len(clause_views) // 2], "max": clause_views[-1], "pages": len(clause_views)} if clause_views else None,
        "pages_over_150kb_gz": [p["page"] for p in pages if p["first_load_gz"] > 150 * 1024],
        "search_index": {"raw": index.stat().st_size, "gz": _gz(index.read_bytes())} if index.is_file() else None,
        "site_without_documents": {"raw": without[0], "gz": without[1]},
        "site_with_documents": {"raw": with_docs[0], "gz": with_docs[1]},
        "missing_local_references": sorted(missing),
    }


def whole_set(site_root: Path) -> dict:
    raw = sum(p.stat().st_size for p in site_root.rglob("*") if p.is_file())
    docs = sum(p.stat().st_size for p in site_root.rglob("*") if p.is_file() and p.suffix in {".pdf", ".docx"})
    return {"raw": raw, "raw_without_documents": raw - docs}


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB"


def _clause_views(w: dict) -> str:
    views = w.get("clause_page_first_load_gz")
    return f"{kb(views['median'])} median, {kb(views['max'])} max gzip" if views else "(no clause page)"


def report_weight(name: str, w: dict) -> None:
    big = w["largest_first_load"]
    print(f"  weight {name}: largest first load {big['page']} {kb(big['first_load'])} raw / {kb(big['first_load_gz'])} gzip "
          f"(HTML {kb(big['html_gz'])} gzip); a clause page's first load {_clause_views(w)}; search index {kb(w['search_index']['raw'])} / {kb(w['search_index']['gz'])}; "
          f"site without PDFs/Word {kb(w['site_without_documents']['raw'])} / {kb(w['site_without_documents']['gz'])}, "
          f"with {kb(w['site_with_documents']['raw'])}; missing local references: {len(w['missing_local_references'])}", flush=True)


# -------------------------------------------------------------------------------------------------

def features() -> dict:
    """Which speed-ups the installed generator has (they live in several modules)."""
    import inspect

    import generator
    import generator.outputs.site.pages as site
    import generator.sources.reading as sources

    params = inspect.signature(site.prepare).parameters
    return {"generator": str(Path(generator.__file__).parent), "prepare_accepts_resolved": "resolved" in params,
            "prepare_accepts_documents": "documents" in params, "libyaml_sources": "CSafeLoader" in inspect.getsource(sources)}


PARTS = {"builds", "edit", "handbook", "overhead", "serve", "weight"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,50,200", help="numbers of schools (default 1,10,50,200)")
    parser.add_argument("--jobs", default="1,2", help="values of --jobs (default 1,2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement for N ≤ 10 and the overhead (default 3)")
    parser.add_argument("--edits", type=int, default=5, help="clause edits per serve measurement (default 5)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: builds,edit,handbook,overhead,serve,weight")
    parser.add_argument("--only", default="", help="comma-separated parts to run (default: all)")
    parser.add_argument("--models", type=int, default=6, help="models every school of the handbook authority adopts (default 6)")
    parser.add_argument("--handbook-sizes", default="", help="numbers of schools of the handbook authority (default: the largest of --sizes)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    jobs = [int(x) for x in args.jobs.split(",") if x]
    skip = set(filter(None, args.skip.split(",")))
    if args.only:
        skip |= PARTS - set(args.only.split(","))
    handbook_sizes = [int(x) for x in args.handbook_sizes.split(",") if x] or [max(sizes)]
    work = Path(tempfile.mkdtemp(prefix="policy-site-bench-"))
    results: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(), "load_at_start": list(os.getloadavg())},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "features": features(),
    }
    print(f"policy-site benchmark in {work} ({os.cpu_count()} CPUs, load {results['machine']['load_at_start']})", flush=True)
    try:
        if "builds" not in skip:
            results["builds"] = bench_builds(work, sizes, jobs, args.repeat)
        if "edit" not in skip:
            results["edit"] = bench_edit(work, sizes, jobs[-1])
        if "handbook" not in skip:
            results["handbook"] = bench_handbook(work, handbook_sizes, args.models, jobs[-1])
        if "overhead" not in skip:
            results["overhead"] = bench_overhead(work, args.repeat)
        if {"serve", "weight"} - skip:
            project = copy_project(work / "project")
        if "serve" not in skip:
            logs = args.out.parent
            logs.mkdir(parents=True, exist_ok=True)
            synthetic = work / f"authority-{sizes[0]}" if "builds" not in skip else make_authority(work / "serve-authority", sizes[0])
            results["serve"] = [bench_serve(project, school, args.edits, logs) for school in ("parklands", "decoy")]
            results["serve"].append(bench_serve(synthetic, "school-001", args.edits, logs))
        if "weight" not in skip:
            timed([POLICY_SITE, "--root", str(project), "build", "--force", "--site-dir", str(project / "site")])
            weights = {"parklands": site_weight(project / "site" / "parklands")}
            biggest = max(sizes)
            synthetic_site = work / f"authority-{biggest}" / f"site-j{jobs[-1]}"
            if not synthetic_site.is_dir():
                root = make_authority(work / f"weight-{biggest}", biggest)
                synthetic_site = root / "site"
                timed([POLICY_SITE, "--root", str(root), "build", "--site-dir", str(synthetic_site)])
            weights["school-001"] = site_weight(synthetic_site / "school-001")
            for name, w in weights.items():
                report_weight(name, w)
            results["weight"] = {"schools": weights, "whole_set": {"real project (6 schools)": whole_set(project / "site"), f"synthetic ({biggest} schools)": whole_set(synthetic_site)}}
            for name, total in results["weight"]["whole_set"].items():
                print(f"  whole set, {name}: {total['raw'] / 2**20:,.1f} MB, {total['raw_without_documents'] / 2**20:,.1f} MB without PDFs/Word", flush=True)
    finally:
        results["machine"]["load_at_end"] = list(os.getloadavg())
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(f"wrote {args.out}")
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_table(results)


def print_table(results: dict) -> None:
    print("\nN schools  jobs  total s  s/school  CPU s/school  school median s  peak RSS MB  unchanged s")
    for row in results.get("builds", []):
        print(f"{row['schools']:>9}  {row['jobs']:>4}  {row['total_s']:>7.2f}  {row['per_school_s']:>8.3f}  {row.get('cpu_per_school_s', 0):>12.3f}  {row['school_build_median_s']:>15.3f}"
              f"  {row['max_rss_mb']:>11.0f}  {row['unchanged_rebuild_s']:>11.2f}")
    if results.get("edit"):
        print("\nN schools  jobs  cold s  edit, cache s  edit, no cache s  ÷ cold  CPU ÷ cold  documents CPU-s/policy: none  cold  unchanged  edit")
        for row in results["edit"]:
            d = row["documents_cpu_per_policy_s"]
            print(f"{row['schools']:>9}  {row['jobs']:>4}  {row['cold']['wall_s']:>6.2f}  {row['edit_cached']['wall_s']:>13.2f}  {row['edit_uncached']['wall_s']:>16.2f}"
                  f"  {row['edit_cached_over_cold']:>6.2f}  {row['edit_cached_over_cold_cpu']:>10.2f}  {d['no_cache']:>29.3f}  {d['cold_cache']:>4.3f}  {d['unchanged']:>9.3f}  {d['after_clause_edit']:>4.3f}")
    if "overhead" in results:
        o = results["overhead"]
        print(f"\noverhead: {o['ratio']:.2f}x  (policy-site {o['policy_site_build_s']:.2f} s, plain mkdocs {o['plain_mkdocs_build_s']:.2f} s)")
    for s in results.get("serve", []):
        print(f"serve {s['school']}: edit → page {s['median_s']:.2f} s median, {s['max_s']:.2f} s max; → new policy.pdf {median(s['edit_to_new_policy_pdf_s']):.2f} s")
    for name, w in results.get("weight", {}).get("schools", {}).items():
        big = w["largest_first_load"]
        print(f"weight {name}: largest page {big['page']} {kb(big['first_load_gz'])} gzip first load; search index {kb(w['search_index']['gz'])} gzip;"
              f" site without PDFs {kb(w['site_without_documents']['raw'])} ({kb(w['site_without_documents']['gz'])} gzip)")
    print_targets(results)


def _targets(results: dict) -> list[tuple[str, str, str]]:
    """(what, measured, the issue's target) for every figure of this run that has a target."""
    rows = []
    for h in results.get("handbook", []):
        name = f"{h['schools']} schools x {h['models']} models, jobs {h['jobs']}"
        rows.append((f"{name}: cold (HTML, PDFs, Word)", f"{h['cold']['wall_s']:.0f} s ({h['cold']['cpu_per_school_s']:.2f} CPU-s a school)",
                     "<= 300 s at 200 x 6"))
        rows.append((f"{name}: edit to a model clause all adopt, / cold", f"{h['shared_clause_edit_over_cold']:.2f} (CPU {h['shared_clause_edit_over_cold_cpu']:.2f})", "<= 0.25"))
        rows.append((f"{name}: edit to one school's file", f"{h['school_edit']['wall_s']:.2f} s ({h['school_edit']['rebuilt']} school rebuilt)", "<= 3 s"))
        peaks = "/".join(f"{h[k]['max_rss_mb']:.0f}" for k in ("cold", "shared_clause_edit", "school_edit"))
        rows.append((f"{name}: peak memory, largest process (cold/shared edit/school edit)", f"{peaks} MB", "flat in N"))
    for e in results.get("edit", []):
        d = e["documents_cpu_per_policy_s"]
        rows.append((f"documents, CPU-s a policy (cold cache, N={e['schools']})", f"{d['cold_cache']:.3f}", "<= 0.15"))
    if "overhead" in results:
        o = results["overhead"]
        rows.append(("one school, one policy: policy-site / plain mkdocs", f"{o['ratio']:.2f}x cold, {o['ratio_documents_cached']:.2f}x documents cached", "<= 1.3x"))
    for s in results.get("serve", []):
        rows.append((f"serve {s['school']}: clause saved -> page served, median", f"{s['median_s']:.2f} s", "<= 0.5 s"))
    for name, w in results.get("weight", {}).get("schools", {}).items():
        views = w.get("clause_page_first_load_gz")
        if views:
            rows.append((f"{name}: a clause page's first view (median / max)", f"{kb(views['median'])} / {kb(views['max'])} gzip", "<= 60 KB gzip"))
        rows.append((f"{name}: site without PDFs and Word files", kb(w["site_without_documents"]["raw"]), "<= 1.0 MB"))
    return rows


def print_targets(results: dict) -> None:
    rows = _targets(results)
    if rows:
        width = max(len(r[0]) for r in rows)
        print(f"\n{'':{width}}  measured{'':22}  target")
        for what, measured, target in rows:
            print(f"{what:{width}}  {measured:30}  {target}")
        print(f"load average: start {results['machine']['load_at_start']}, end {results['machine'].get('load_at_end')}")


if __name__ == "__main__":
    main()
