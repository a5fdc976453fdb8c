"""The MkDocs adapter: a school's handbook becomes in-memory pages of the build.

Only public plugin events and `File.generated` are used here; the few MkDocs internals used for
speed are in `private.py`, the background documents of `serve` in `documents.py`.
"""
from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.adapter.documents import ServedDocuments, write_atomically
from generator.adapter.page_reuse import PageReuse, Record, page_url, project_digest
from generator.adapter.handbook_search import install_search
from generator.adapter.private import forget_previous_search_index, guard_server, poll_often, served_file, theme_env
from generator.adapter.serving import error_page, failure_line, problem_lines
from generator.adapter.theme_files import is_unused_theme_file, lighter_page, search_languages, tidy_theme_files
from generator.core.a11y import table_headers, unique_nav_labels
from generator.core.resolve import Handbook
from generator.core.sanitize import clean_html
from generator.errors import Problem
from generator.outputs.site import search
from generator.outputs.site.pages import SchoolSite, prepare

log = logging.getLogger("mkdocs.plugins.policy_site")
Documents = Callable[[Handbook], dict[str, bytes]]


class PolicySiteConfig(Config):
    school = c.Type(str, default="")
    """The school to build; `POLICY_SITE_SCHOOL` in the environment when empty."""
    edition = c.Choice(("staff", "public"), default="staff")


class PolicySitePlugin(BasePlugin[PolicySiteConfig]):
    """Having `on_startup`, one instance lasts as long as the process (all `serve` rebuilds)."""

    site: SchoolSite
    serving = False
    documents: ServedDocuments | None = None
    handbook: Handbook | None = None
    """Given by `policy-site build` for one build (`use_handbook`): the school's checked handbook."""
    failed: list[tuple[str, str]] | None = None
    """`serve` only: why the latest build could not make the school's site, shown in the browser."""
    served_pages: frozenset[str] = frozenset()
    """`serve` only: the pages of the latest good build, each of which shows `failed` while it lasts."""
    school_id = ""
    reuse: PageReuse | None = None
    """The pages this (dirty) build may carry from the last: given by `policy-site build`, or in `serve`
    made for each rebuild from `served`, the record of the one before."""
    served = Record()

    def use_handbook(self, handbook: Handbook, reuse: PageReuse | None = None) -> None:
        """Build the next site from this already-checked handbook rather than load the project."""
        self.handbook, self.reuse = handbook, reuse

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.serving:
            self.documents = ServedDocuments()

    @event_priority(50)  # before the search plugin's, so that its environment has the caches too
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.theme.get_env = functools.partial(theme_env, config.theme)  # type: ignore[method-assign]
        school = self.config.school or os.environ.get("POLICY_SITE_SCHOOL", "")
        root = Path(config.config_file_path).parent
        handbook, self.handbook = self.handbook, None
        if handbook is not None and handbook.school.model.id != school:
            handbook = None
        documents: Documents | None = None
        if self.documents is not None:
            store, site_dir = self.documents, Path(config.site_dir)
            documents = lambda h: store.for_build(h, site_dir, root)  # noqa: E731
        site, problems = prepare(root, school, self.config.edition, history=not self.serving, resolved=handbook, documents=documents)
        for problem in problems:
            (log.warning if problem.severity == "warning" else log.error)(str(problem))
        self.school_id, self.failed = school, None
        self.reuse = self.reuse if not self.serving else None
        if site is None and self.serving:
            return self._show_problems(config, problems)
        if site is None:
            raise PluginError(f"policy sources for '{school}' have errors (listed above); run 'policy-site check'")
        self.site = site
        if self.serving:  # each rebuild renders only the pages a save changed
            self.reuse = PageReuse(Path(config.site_dir), self.served, project_digest(root))
            forget_previous_search_index(config)
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
        languages = search_languages(config)
        for file in [f for f in files if is_unused_theme_file(f.dest_uri, languages)]:
            files.remove(file)  # never copied, rather than copied and deleted
        if self.failed is not None:
            return self._error_files(files, config)
        served = self.documents.linked if self.documents is not None else frozenset()
        if self.reuse is not None:
            self.reuse.start(config, [*self.site.files, *(f.src_uri for f in files)])
            for page in [f for f in files.documentation_pages() if not f.generated_by]:
                Path(page.abs_dest_path).unlink(missing_ok=True)  # filled with the school's values: always rendered
        for path, content in self.site.files.items():
            existing = files.get_file_from_path(path)
            if existing:
                files.remove(existing)
            if self.reuse is not None and isinstance(content, str) and path.endswith(".md"):
                files.append(self.reuse.page(config, path, content))
            elif path in served and self.documents is not None:
                files.append(served_file(self.documents, config, path, content))
            else:
                files.append(File.generated(config, path, content=content))
        if self.serving:
            self.served_pages = frozenset(f.dest_uri for f in files.documentation_pages())
        if self.reuse is not None:
            self.reuse.pages = [(page_url(f), f.dest_uri) for f in files.documentation_pages()]
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        if self.reuse is not None:
            self.reuse.finish(site, site / search.INDEX)
            if self.serving:
                self.served = self.reuse.record
                log.info(f"{len(self.reuse.pages) - len(self.reuse.reused)} of {len(self.reuse.pages)} pages rendered; the others had not changed")
        install_search(config, log)
        tidy_theme_files(site, search_languages(config), purge=not self.serving)  # serve keeps each CSS file as copied
        if self.documents is not None:
            self.documents.start()

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
        poll_often(server)
        site_dir, root, shown_otherwise = Path(config.site_dir), Path(config.config_file_path).parent, server.error_handler
        guard_server(
            server,
            lambda rebuild: self._guarded(rebuild, site_dir, root),
            lambda code: self._error_bytes() if self.failed is not None else shown_otherwise(code),
        )
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
                    write_atomically(path, page.encode("utf-8"))
        return build

    def on_shutdown(self) -> None:
        if self.documents is not None:
            self.documents.stop()
            if self.documents.signal_dir:
                shutil.rmtree(self.documents.signal_dir, ignore_errors=True)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.site.fill(markdown) if not page.file.generated_by else markdown

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return lighter_page(unique_nav_labels(output))

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        return lighter_page(output_content) if template_name.endswith(".html") else output_content

    @event_priority(100)  # first, so that every other plugin (search included) sees the cleaned page
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return table_headers(clean_html(html))
