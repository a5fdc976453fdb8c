"""The MkDocs adapter: one school's resolved policy becomes in-memory pages of the build.

Speed (issue 7): a worker process builds school after school and `serve` rebuilds one school on
every save, so what does not change between builds is kept for the life of the process: the
theme's compiled Jinja templates and the listing of the installed theme's files. Theme files the
site does not use are never copied. `serve` skips the git history walk, and makes the school's
PDFs and Word files in the background (`_ServedDocuments`).
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import os
import pickle
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, cast

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

from generator.outputs.site import search
from generator.core.a11y import table_headers
from generator.errors import Problem
from generator.core.sanitize import clean_html
from generator.adapter.serving import error_page, failure_line, problem_lines
from generator.outputs.site.pages import SchoolSite, build_downloads, prepare
from generator.core.resolve import Handbook

log = logging.getLogger("mkdocs.plugins.policy_site")
Documents = Callable[[Handbook], dict[str, bytes]]


def _search_languages(config: MkDocsConfig) -> list[str]:
    search = config.plugins.get("search") or config.plugins.get("material/search")
    langs = search.config.get("lang") if search else None
    return list(langs or ["en"])


def is_unused_theme_file(path: str, languages: list[str]) -> bool:
    """`path` (in the site) is a source map, or a search language pack the site does not use."""
    if not path.startswith("assets/"):
        return False
    if path.endswith(".map"):
        return True
    if not path.startswith("assets/javascripts/lunr/"):
        return False
    if languages == ["en"]:
        return True
    keep = {f"lunr.{lang}.min.js" for lang in languages} | {"lunr.stemmer.support.min.js", "lunr.multi.min.js"}
    folder, _, name = path.rpartition("/")
    return folder == "assets/javascripts/lunr/min" and name.endswith(".js") and name not in keep


def unused_theme_files(site: Path, languages: list[str]) -> list[Path]:
    """Source maps, and search language packs for languages the site does not use.

    Every school would otherwise publish ~2 MB of identical theme files it never loads.
    """
    found = (p for p in site.glob("assets/**/*") if p.is_file())
    return [p for p in found if is_unused_theme_file(p.relative_to(site).as_posix(), languages)]


# The theme, compiled once per process ----------------------------------------------------

class _ProcessBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates, kept for the life of the process.

    MkDocs makes a new Jinja environment for every build, which would otherwise parse and
    compile Material's templates again for every school a worker builds and on every `serve`
    rebuild. Jinja checks each entry against the template's current source, so an edited
    override is compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


@functools.lru_cache(maxsize=None)
def _bytecode_cache(dirs: tuple[str, ...], locale: str) -> _ProcessBytecodeCache:
    return _ProcessBytecodeCache()  # one per theme set-up: compiled code depends on the environment


def _hidden(name: str) -> bool:
    return name.startswith(".") or "/." in name


@functools.lru_cache(maxsize=None)
def _installed_listing(folder: str) -> tuple[str, ...]:
    return tuple(name for name in jinja2.FileSystemLoader(folder).list_templates() if not _hidden(name))


class _ThemeLoader(jinja2.FileSystemLoader):
    """Lists an installed theme's files once per process; `custom_dir` is listed afresh.

    MkDocs lists the theme's templates on every build to find its static files, and Material
    ships ~14,000 icons under `.icons/`. The listing leaves out hidden paths (a part starting
    with '.'), which MkDocs' filter (`.*`, `*/.*`) drops anyway; they can still be loaded.
    """

    def __init__(self, searchpath: list[str], custom_dir: str | None) -> None:
        super().__init__(searchpath)
        self.custom_dir = custom_dir

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder in self.searchpath:
            if folder == self.custom_dir:
                found.update(name for name in jinja2.FileSystemLoader(folder).list_templates() if not _hidden(name))
            else:
                found.update(_installed_listing(folder))
        return sorted(found)


def _theme_env(theme: Theme) -> jinja2.Environment:
    """MkDocs' own environment for the theme, with the per-process caches above."""
    env = Theme.get_env(theme)
    env.loader = _ThemeLoader(theme.dirs, theme.custom_dir)
    env.bytecode_cache = _bytecode_cache(tuple(theme.dirs), str(theme.locale))
    return env


# The school's site -----------------------------------------------------------------------

_PREPARE_TAKES = frozenset(inspect.signature(prepare).parameters)


def _prepare(root: Path, school: str, edition: str, history: bool, resolved: Handbook | None, documents: Documents | None):
    """`site.prepare`, handing it an already-checked policy and a maker of documents where it
    accepts them (`resolved=`, `documents=`); otherwise the plain call."""
    extra: dict[str, Any] = {}
    if resolved is not None and "resolved" in _PREPARE_TAKES:
        extra["resolved"] = resolved
    if documents is not None and "documents" in _PREPARE_TAKES:
        extra["documents"] = documents
    return prepare(root, school, edition, history=history, **extra)


def _digest(resolved: Handbook) -> str | None:
    try:
        return hashlib.sha256(pickle.dumps(resolved, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    except Exception:  # something unpicklable: never reused, always made afresh
        return None


class _ServedDocuments:
    """`serve` only: the school's PDFs and Word files, made in the background.

    Making them takes longer than rebuilding every page, and an edit to any clause changes the
    whole-policy PDF. So a rebuild does not wait for them: its pages link to the newest documents
    made so far, and a background thread, started once the pages are written so that it does not
    slow them, makes this version's documents and writes them into the served site. The last few
    are kept by a digest of the resolved policy they are made from, so undoing an edit costs
    nothing. Should the new set of files differ (a form added or removed), a rebuild is requested
    so that the pages link to exactly the files there are.
    """

    KEEP = 4

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Condition(self.lock)
        self.made: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self.current: str | None = None  # the digest the latest build wants
        self.linked: frozenset[str] = frozenset()  # the files its pages link to
        self.site_dir: Path | None = None
        self.root: Path | None = None  # the project, whose document cache is used
        self.wanted: tuple[str, Handbook] | None = None
        self.worker: threading.Thread | None = None
        self.signal_dir: str | None = None  # watched by the server: a file written there rebuilds
        self.stopped = False

    def for_build(self, resolved: Handbook, site_dir: Path, root: Path | None = None) -> dict[str, bytes]:
        key = _digest(resolved)
        docs: dict[str, bytes] | None = None
        with self.lock:
            self.site_dir, self.current, self.wanted, self.root = site_dir, key, None, root
            if key is not None and key in self.made:
                self.made.move_to_end(key)
                docs = self.made[key]
            elif key is not None and self.made:
                self.wanted = (key, resolved)
                docs = next(reversed(self.made.values()))
        if docs is None:  # the first build, with nothing to show yet: made now
            docs = build_downloads(resolved, root)
            self._keep(key, docs)
        with self.lock:
            self.linked = frozenset(docs)
        return docs

    def _keep(self, key: str | None, docs: dict[str, bytes]) -> None:
        if key is None:
            return
        with self.lock:
            self.made[key] = docs
            self.made.move_to_end(key)
            while len(self.made) > self.KEEP:
                self.made.popitem(last=False)

    def newest(self, path: str, fallback: bytes) -> bytes:
        """What a build writes for `path`: its own version's file, if made by now. Hold `lock`."""
        docs = self.made.get(self.current) if self.current else None
        return docs.get(path, fallback) if docs else fallback

    def start(self) -> None:
        """Once a build's pages are written: make the documents it is waiting for."""
        with self.lock:
            if self.wanted is None:
                return
            if self.worker is None or not self.worker.is_alive():
                self.worker = threading.Thread(target=self._work, name="policy-site documents", daemon=True)
                self.worker.start()
            self.wake.notify_all()

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self.wake.notify_all()

    def _work(self) -> None:
        while True:
            with self.lock:
                while self.wanted is None and not self.stopped:
                    self.wake.wait()
                if self.stopped or self.wanted is None:
                    return
                (key, resolved), self.wanted = self.wanted, None
                root = self.root
            try:
                docs = build_downloads(resolved, root)
            except Exception as exc:  # shown in the serve log; the pages stay up
                log.error(f"documents not made: {type(exc).__name__}: {exc}")
                continue
            self._keep(key, docs)
            with self.lock:
                if key != self.current or self.site_dir is None:
                    continue  # superseded by a newer edit
                for path, content in docs.items():
                    _write_atomically(self.site_dir / path, content)
                relink = frozenset(docs) != self.linked
            if relink and self.signal_dir:
                Path(self.signal_dir, "documents-made").write_text(key, encoding="utf-8")


def _write_atomically(target: Path, content: bytes) -> None:
    """Replace `target` whole, so the server never sends a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.replace(temp, target)


class _ServedDocument(File):
    """A document in a `serve` build, written with the newest bytes made for its version."""

    store: _ServedDocuments

    def copy_file(self, dirty: bool = False) -> None:
        with self.store.lock:
            self._content = self.store.newest(self.src_uri, self.content_bytes)
            super().copy_file(dirty)


SERVE_POLL_SECONDS = 0.1


def _poll_often(server) -> None:
    """MkDocs looks for changed files every 0.5 s, a quarter of a second's wait on average before a
    rebuild even starts; poll every 0.1 s instead (a stat of a few hundred files each time).
    Only done when the server's watch list is as MkDocs 1.6 keeps it: otherwise left alone."""
    from watchdog.observers.polling import PollingObserver

    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or not isinstance(server.observer, PollingObserver):
        return
    paths = dict(watched)
    for path, count in paths.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = PollingObserver(timeout=SERVE_POLL_SECONDS)
    for path, count in paths.items():
        for _ in range(count):
            server.watch(path)


# The plugin ------------------------------------------------------------------------------

class PolicySiteConfig(Config):
    school = c.Type(str, default="")
    """The school to build; `POLICY_SITE_SCHOOL` in the environment when empty."""
    edition = c.Choice(("staff", "public"), default="staff")


class PolicySitePlugin(BasePlugin[PolicySiteConfig]):
    """Having `on_startup`, one instance lasts as long as the process (all `serve` rebuilds)."""

    site: SchoolSite
    serving = False
    documents: _ServedDocuments | None = None
    resolved: Handbook | None = None
    """Set by `policy-site build` for one build: the school's policy, resolved and checked."""
    failed: list[tuple[str, str]] | None = None
    """`serve` only: why the latest build could not make the school's site, shown in the browser."""
    served_pages: frozenset[str] = frozenset()
    """`serve` only: the pages of the latest good build, each of which shows `failed` while it lasts."""
    school_id = ""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.serving and "documents" in _PREPARE_TAKES:
            self.documents = _ServedDocuments()

    @event_priority(50)  # before the search plugin's, so that its environment has the caches too
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.theme.get_env = functools.partial(_theme_env, config.theme)  # type: ignore[method-assign]
        school = self.config.school or os.environ.get("POLICY_SITE_SCHOOL", "")
        root = Path(config.config_file_path).parent
        resolved, self.resolved = self.resolved, None
        if resolved is not None and resolved.school.model.id != school:
            resolved = None
        documents: Documents | None = None
        if self.documents is not None:
            store, site_dir = self.documents, Path(config.site_dir)
            documents = lambda r: store.for_build(r, site_dir, root)  # noqa: E731
        site, problems = _prepare(root, school, self.config.edition, not self.serving, resolved, documents)
        for problem in problems:
            (log.warning if problem.severity == "warning" else log.error)(str(problem))
        self.school_id, self.failed = school, None
        if site is None and self.serving:
            return self._show_problems(config, problems)
        if site is None:
            raise PluginError(f"policy sources for '{school}' have errors (listed above); run 'policy-site check'")
        self.site = site
        config.site_name = site.site_name
        config.nav = site.nav
        config.extra_css = [*config.extra_css, site.css_path]
        if site.logo:
            config.theme["logo"] = site.logo
            config.theme["favicon"] = site.logo
        return config

    def _show_problems(self, config: MkDocsConfig, problems: list[Problem]) -> MkDocsConfig:
        """`serve`: the sources have errors, so this build makes a site of pages listing them
        rather than failing (MkDocs' server would keep the browser waiting for a good build)."""
        found = [p for p in problems if p.severity == "error"] or [
            Problem(f"policies/schools/{self.school_id}.yml", 1, f"school '{self.school_id}' has no site to build; expected a published school (publish: true)")
        ]
        self.failed = problem_lines(found)
        log.error(f"{len(found)} error(s) stop the site from building; the browser shows them until they are fixed")
        config.nav = []
        return config

    def _error_files(self, files: Files, config: MkDocsConfig) -> Files:
        page = error_page(self.school_id, self.failed or [])
        shown = {"index.html", *self.served_pages}
        for file in [f for f in files if f.is_documentation_page() or f.dest_uri in shown]:
            files.remove(file)
        for path in sorted(shown):
            files.append(File.generated(config, path, content=page))
        return files

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        languages = _search_languages(config)
        for file in [f for f in files if is_unused_theme_file(f.dest_uri, languages)]:
            files.remove(file)  # never copied, rather than copied and deleted
        if self.failed is not None:
            return self._error_files(files, config)
        served = self.documents.linked if self.documents is not None else frozenset()
        for path, content in self.site.files.items():
            existing = files.get_file_from_path(path)
            if existing:
                files.remove(existing)
            if path in served:
                document = cast(_ServedDocument, _ServedDocument.generated(config, path, content=content))
                assert self.documents is not None  # only served documents are linked
                document.store = self.documents
                files.append(document)
            else:
                files.append(File.generated(config, path, content=content))
        if self.serving:
            self.served_pages = frozenset(f.dest_uri for f in files.documentation_pages())
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        self._install_search(config)
        for path in unused_theme_files(site, _search_languages(config)):
            path.unlink()
        for folder in sorted(site.glob("assets/**/"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if self.documents is not None:
            self.documents.start()

    def _install_search(self, config: MkDocsConfig) -> None:
        """The handbook's search index and worker, over Material's: after the search plugin has
        written its index (listed before this plugin), before the offline plugin inlines it (-100)."""
        synonyms, problems = search.load_synonyms(Path(config.config_file_path).parent)
        for problem in problems:
            log.error(str(problem))
        if problems:
            raise PluginError(f"{search.SYNONYMS} has errors (listed above)")
        try:
            search.install(Path(config.site_dir), synonyms)
        except FileNotFoundError as exc:
            raise PluginError(str(exc)) from exc

    def on_serve(self, server, config: MkDocsConfig, builder):
        _poll_often(server)
        server.builder = self._guarded(server.builder, Path(config.site_dir), Path(config.config_file_path).parent)
        shown_otherwise = server.error_handler
        server.error_handler = lambda code: self._error_bytes() if self.failed is not None else shown_otherwise(code)
        if self.documents is not None:
            self.documents.signal_dir = tempfile.mkdtemp(prefix="policy-site-documents-")
            server.watch(self.documents.signal_dir)
        return server

    def _error_bytes(self) -> bytes:
        return error_page(self.school_id, self.failed or [], refresh=True).encode("utf-8")

    def _guarded(self, builder: Callable[[], None], site_dir: Path, root: Path) -> Callable[[], None]:
        """A rebuild that fails for any other reason also shows why in the browser, which MkDocs'
        server would otherwise keep waiting for a good build."""
        def build() -> None:
            try:
                builder()
            except (Exception, SystemExit) as exc:  # MkDocs' Abort is a SystemExit
                reason = failure_line(exc, root)
                log.error(reason)
                log.debug("the build's traceback", exc_info=True)
                self.failed = [("error", reason)]
                page = error_page(self.school_id, self.failed)
                for path in [site_dir / "index.html", *site_dir.rglob("*.html")]:
                    _write_atomically(path, page.encode("utf-8"))
        return build

    def on_shutdown(self) -> None:
        if self.documents is not None:
            self.documents.stop()
            if self.documents.signal_dir:
                shutil.rmtree(self.documents.signal_dir, ignore_errors=True)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.site.fill(markdown) if not page.file.generated_by else markdown

    @event_priority(100)  # first, so that every other plugin (search included) sees the cleaned page
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return table_headers(clean_html(html))
