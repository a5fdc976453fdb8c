"""Build school sites with MkDocs: in parallel, skipping unchanged schools, swapped into place.

Every school is built into a staging folder; only when all have succeeded does the staging
folder replace the site (generator.cli.publish), so a failed build leaves the previous site untouched.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, cast

from generator.dates import build_date
from generator.cli import publish
from generator.digests import code_digest, files_digest, folder_files
from generator.outputs.history.git import policy_history
from generator.outputs.site.offline import zip_site
from generator.outputs.site import site_index
from generator.core.validate import Checked
from generator.core.resolve import Handbook

if TYPE_CHECKING:
    from generator.adapter.plugin import PolicySitePlugin

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
CACHE_FILE = ".build-cache.json"
RECORDS = Path(".cache") / "pages"
INPUT_DIRS = ("docs", "overrides")


class BuildFailed(Exception):
    pass


@dataclass(frozen=True)
class Options:
    root: Path
    site_dir: Path
    strict: bool = False
    edition: str = "staff"
    jobs: int = 1
    force: bool = False
    zips: bool = False
    """The offline edition: a zip of each school beside its folder."""


@dataclass(frozen=True)
class Outcome:
    school: str
    seconds: float
    error: str | None = None
    cached: bool = False
    carried: int | None = None
    """Pages carried unchanged from the published site (generator.adapter.page_reuse), of `pages`."""
    pages: int = 0


def _warm_up() -> None:
    """Pay imports once per worker, not once per school. The theme's compiled templates are
    also kept per process (generator.adapter.plugin), so only a worker's first school compiles them.
    Typst, pypdf and python-docx are imported by the first document a worker makes, if any: a
    build whose documents all come from the cache does without them."""
    import material  # noqa: F401
    from mkdocs.commands import build  # noqa: F401

    import generator.outputs.documents.downloads  # noqa: F401
    import generator.adapter.plugin  # noqa: F401

    logging.getLogger("mkdocs").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Reuse:
    """Where a school's previous build is, for its unchanged pages to be carried over."""

    site_root: Path
    """The published site."""
    records: Path
    """Where each school's page record is kept (generator.adapter.page_reuse)."""
    shared: str
    """The hash of what every school's site is made from (`shared_digest`)."""


def build_one(root: Path, school: str, out: Path, strict: bool, edition: str, resolved: Handbook | None = None,
              reuse: Reuse | None = None) -> Outcome:
    """Build one school into `out`; `resolved`, when given, is its already-checked handbook, which
    spares the worker loading and checking the whole project again for every school; with `reuse`,
    pages unchanged since the published build are linked from it instead of rendered again."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    from generator.adapter.page_reuse import PageReuse, Record

    start = time.perf_counter()
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(out), strict=strict)
    plugin = cast("PolicySitePlugin", config.plugins["policy-site"])
    plugin.config.school = school
    plugin.config.edition = edition
    pages = None
    if resolved is not None and reuse is not None:
        record = reuse.records / f"{school}.json"
        pages = PageReuse(reuse.site_root / school, Record.read(record), reuse.shared, record)
    if resolved is not None:
        plugin.use_handbook(resolved, pages)
    try:
        mkdocs_build(config, dirty=pages is not None)
    except (Abort, MkDocsException) as exc:
        return Outcome(school, time.perf_counter() - start, str(exc) or type(exc).__name__)
    if pages is None:
        return Outcome(school, time.perf_counter() - start)
    return Outcome(school, time.perf_counter() - start, carried=len(pages.reused), pages=len(pages.pages))


def shared_digest(opts: Options) -> "hashlib._Hash":
    """What every school's site is made from: the shared pages, the project's files, the code, the options."""
    root = opts.root
    shared = hashlib.sha256()
    project_files = sorted((root / "policies").glob("*.yml"))  # the legislation register, the search synonyms
    shared.update(files_digest([root / "mkdocs.yml", *project_files, *(p for folder in INPUT_DIRS for p in folder_files(root / folder))], root).encode())
    shared.update(code_digest().encode())
    env = [os.environ.get(name) for name in ("SOURCE_DATE_EPOCH", "OFFLINE")]
    shared.update(json.dumps([opts.strict, opts.edition, *env]).encode())
    return shared


def input_hashes(opts: Options, checked: Checked, schools: list[str], shared: "hashlib._Hash | None" = None) -> dict[str, str]:
    """Everything each school's site is made from: its sources and their git history, the shared
    pages, the code, the options, and whether its review is overdue (a banner that depends on the date).

    What schools share (their policy's folder, docs/, overrides/, the code) is read and hashed once.
    """
    from generator.outputs.status import overdue_banner

    root = opts.root
    shared = shared or shared_digest(opts)
    newest, commits, tags = policy_history(root)
    tagged: dict[str, list[str]] = {}
    for line in tags.splitlines():  # refs/tags/adopted/<school, layer or policy ID>[/<policy ID>]/<date> <object>
        tagged.setdefault(line.split(" ")[0].split("/")[3] if line.count("/") >= 4 else "", []).append(line)
    folders: dict[str, tuple[str, int]] = {}
    today = build_date()
    hashes = {}
    for school in schools:
        handbook = checked.schools[school]
        digest = shared.copy()
        chain = [v.path for v in handbook.chain]
        touched = min((newest.get(path, len(commits)) for path in chain), default=len(commits))
        digest.update(files_digest([root / path for path in chain], root).encode())
        for resolved in handbook.policies:
            folder = resolved.policy.policy.path.split("/")[1]
            if folder not in folders:
                prefix = f"policies/{folder}/"
                changed = min((i for path, i in newest.items() if path.startswith(prefix)), default=len(commits))
                folders[folder] = (files_digest(folder_files(root / "policies" / folder), root), changed)
            files, changed = folders[folder]
            touched = min(touched, changed)
            digest.update(files.encode())
            digest.update(json.dumps(overdue_banner(resolved, today)).encode())
        ids = [*(v.model.id for v in handbook.chain), *(r.policy.id for r in handbook.policies), ""]
        adopted = [line for i in ids for line in tagged.get(i, [])]
        digest.update(json.dumps([commits[touched] if touched < len(commits) else None, adopted]).encode())
        hashes[school] = digest.hexdigest()
    return hashes


def shard(schools: list[str], spec: str | None) -> list[str]:
    """`K/N`: the K-th of N slices (1-based), so a CI matrix can spread schools over machines."""
    if not spec:
        return schools
    k, n = (int(x) for x in spec.split("/"))
    return [s for i, s in enumerate(sorted(schools)) if i % n == k - 1]


def _load_cache(site_dir: Path) -> dict[str, str]:
    try:
        return json.loads((site_dir / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build(
    opts: Options,
    checked: Checked,
    schools: list[str],
    full_site: bool = True,
    progress: Callable[[Outcome, int, int], None] | None = None,
) -> list[Outcome]:
    """Build `schools`; with `full_site`, the site holds exactly these schools and an index.

    Raises `PublishError` before anything is written if the site folder may not be replaced."""
    if not checked.schools:
        where = "policies/schools/ holds no school" if checked.project.policies else "policies/ holds no policy"
        raise BuildFailed(f"nothing to publish: {where}")
    site = opts.site_dir
    publish.refuse_unsafe(site, opts.root)
    publish.refuse_foreign(site)
    publish.refuse_unwritable(site)
    site.parent.mkdir(parents=True, exist_ok=True)
    with publish.lock(site):
        publish.recover(site)
        publish.clean_stale(site)
        return _build_locked(opts, checked, schools, full_site, progress)


def _build_locked(opts: Options, checked: Checked, schools: list[str], full_site: bool, progress) -> list[Outcome]:
    cache = _load_cache(opts.site_dir)
    shared = shared_digest(opts)
    hashes = input_hashes(opts, checked, schools, shared.copy())
    fresh = [s for s in schools if opts.force or cache.get(s) != hashes[s] or not (opts.site_dir / s / "index.html").is_file()]
    staging = publish.staging(opts.site_dir)
    reuse = None if opts.force else Reuse(opts.site_dir, opts.root / RECORDS / opts.edition, shared.hexdigest())
    try:
        outcomes = _run(opts, checked, fresh, staging, progress, len(schools), reuse)
        failed = [o for o in outcomes if o.error]
        if failed:
            raise BuildFailed("; ".join(f"{o.school}: {o.error}" for o in failed))
        kept = [s for s in schools if s not in fresh]
        for school in kept:
            outcomes.append(Outcome(school, 0.0, cached=True))
            if progress:
                progress(outcomes[-1], len(outcomes), len(schools))
        if full_site:
            _commit_site(opts, checked, staging, kept, hashes)
        else:
            _commit_schools(opts, staging, fresh, {**cache, **hashes})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outcomes


def _run(opts: Options, checked: Checked, schools: list[str], staging: Path, progress, total: int, reuse: Reuse | None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    args = [(opts.root, s, staging / s, opts.strict, opts.edition, checked.schools.get(s), reuse) for s in schools]
    if opts.jobs <= 1 or len(schools) <= 1:
        _warm_up()
        for a in args:
            outcomes.append(build_one(*a))
            if progress:
                progress(outcomes[-1], len(outcomes), total)
        return outcomes
    workers = min(opts.jobs, len(schools))
    waiting = iter(args)
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) as pool:
        # a few schools queued per worker, not all: each queued school is its whole handbook, pickled
        running = {pool.submit(build_one, *a) for a in itertools.islice(waiting, 2 * workers)}
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            running |= {pool.submit(build_one, *a) for a in itertools.islice(waiting, len(done))}
            for future in done:
                outcomes.append(future.result())
                if progress:
                    progress(outcomes[-1], len(outcomes), total)
    return outcomes


def _commit_site(opts: Options, checked: Checked, staging: Path, kept: list[str], hashes: dict[str, str]) -> None:
    """Complete the staging folder (unchanged schools, index, zips, cache, marker), then swap it in
    whole; or, when the site already holds exactly these schools, swap in the rebuilt ones only."""
    index = site_index.index_html(checked, edition=opts.edition)
    if kept and _holds_exactly(opts.site_dir, set(hashes)):
        (staging / "index.html").write_text(index, encoding="utf-8")
        _commit_schools(opts, staging, [s for s in hashes if s not in kept], hashes, staging / "index.html")
        return
    for school in kept:
        publish.link_tree(opts.site_dir / school, staging / school)
    (staging / "index.html").write_text(index, encoding="utf-8")
    if opts.zips:
        for school in hashes:
            zip_site(staging / school, staging / f"{school}-offline.zip")
    _save_cache(staging, hashes)
    publish.mark(staging)
    publish.publish([publish.Swap.of(staging, opts.site_dir)], opts.site_dir)


def _holds_exactly(site: Path, schools: set[str]) -> bool:
    """The published site is a site of exactly these schools (and their zips, if any)."""
    if not (site / "index.html").is_file():
        return False
    folders = {p.name for p in site.iterdir() if p.is_dir() and not p.name.startswith(".")}
    return folders == schools


def _commit_schools(opts: Options, staging: Path, fresh: list[str], cache: dict[str, str], index: Path | None = None) -> None:
    """Swap in each rebuilt school (and its zip), and the site's `index` if given; the rest of the
    site stays as it is."""
    site = opts.site_dir
    zips = [zip_site(staging / school, staging / f"{school}-offline.zip") for school in fresh] if opts.zips else []
    publish.adopt(site)
    publish.publish([publish.Swap.of(staging / school, site / school) for school in fresh], site)
    for archive in zips:
        os.replace(archive, site / archive.name)
    if index is not None:
        os.replace(index, site / "index.html")
    _save_cache(site, cache)


def _save_cache(site_dir: Path, hashes: dict[str, str]) -> None:
    temp = site_dir / f"{CACHE_FILE}.tmp"
    temp.write_text(json.dumps(hashes, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temp, site_dir / CACHE_FILE)


def progress_printer(stream=sys.stderr) -> Callable[[Outcome, int, int], None]:
    tty = stream.isatty()

    def show(outcome: Outcome, done: int, total: int) -> None:
        what = "unchanged, skipped" if outcome.cached else f"{outcome.seconds:.1f} s"
        if outcome.carried:
            what += f", {outcome.pages - outcome.carried} of {outcome.pages} pages rendered"
        if tty:
            bar = "#" * (20 * done // total)
            stream.write(f"\r[{bar:<20}] {done}/{total} {outcome.school} ({what})\033[K")
            if done == total:
                stream.write("\n")
        else:
            done_what = f"{outcome.school} {what}" if outcome.cached else f"built {outcome.school} ({what})"
            stream.write(f"{done_what} [{done}/{total}]\n")
        stream.flush()

    return show
