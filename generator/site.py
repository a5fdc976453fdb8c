"""Everything one school's site needs, prepared without MkDocs: pages, nav, files, branding."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from generator.changes import (
    CLAUSES_JSON,
    DIFFERS_PAGE,
    FEED_PATH,
    WHATS_CHANGED_PAGE,
    atom_feed,
    changes_since_adopted,
    clauses_json,
    differs_from_model,
    differs_from_model_page,
    last_changed,
    whats_changed_page,
)

from generator.edition import for_edition
from generator.errors import Problem
from generator.render import Renderer, Page
from generator.sanitize import escape_text
from generator.sources import FolderReader
from generator.status import overdue_banner
from generator.text import substitute
from generator.validate import check
from generator.variants import Resolved

CSS_PATH = "assets/school.css"
WHATS_CHANGED_PREVIEW = (
    "# What's changed\n\nThis preview does not read the policy's recorded adoptions, so it cannot list what "
    "has changed since the policy was adopted; the published handbook shows that here.\n"
)
SHARED_PAGES = (("Using this handbook", "how-to-use.md"), ("Accessibility statement", "accessibility.md"))


@dataclass
class SchoolSite:
    resolved: Resolved
    renderer: Renderer
    pages: list[Page]
    files: dict[str, str | bytes] = field(default_factory=dict)

    @property
    def school(self):
        return self.resolved.school.model

    @property
    def site_name(self) -> str:
        """HTML, as MkDocs' templates print it unescaped."""
        return escape_text(f"{self.school.short_name or self.school.name or self.school.id}: {self.resolved.policy.policy.model.title}")

    @property
    def logo(self) -> str | None:
        return self.school.branding.logo if self.school.branding else None

    @property
    def css_path(self) -> str:
        return CSS_PATH

    @property
    def nav(self) -> list[dict[str, object]]:
        nav: list[dict[str, object]] = [{escape_text(page.title): page.path} for page in self.pages]
        nav.append({"About this handbook": [{title: path} for title, path in SHARED_PAGES]})
        return nav

    def fill(self, markdown: str) -> str:
        return substitute(markdown, self.renderer.value)


def school_css(resolved: Resolved) -> str:
    colour = resolved.school.model.branding.primary_color if resolved.school.model.branding else "#3f51b5"
    return (
        ":root, [data-md-color-scheme=default] {\n"
        f"  --md-primary-fg-color: {colour};\n"
        f"  --md-primary-fg-color--dark: {colour};\n"
        f"  --md-accent-fg-color: {colour};\n"
        "}\n"
    )


def build_date() -> date:
    """Today, or the day SOURCE_DATE_EPOCH names, so that reproducible builds stay reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date() if epoch else date.today()


def prepare(
    root: Path,
    school: str,
    edition: str = "staff",
    history: bool = True,
    resolved: Resolved | None = None,
    documents: Callable[[Resolved], dict[str, bytes]] | None = None,
) -> tuple[SchoolSite | None, list[Problem]]:
    """Everything for one school's site; `history=False` (live preview) skips the git history walk.

    `resolved`: the school's policy when the caller has already checked the sources (a build of
    many schools), so they are not loaded and checked again. `documents`: what makes the PDFs
    and Word files (live preview makes them in the background)."""
    problems: list[Problem] = []
    if resolved is None:
        checked = check(FolderReader(root), school or None)
        if not checked.ok or school not in checked.schools:
            return None, checked.problems
        resolved, problems = checked.schools[school], checked.problems
    resolved = for_edition(resolved, edition)  # the one filter: nothing below sees staff-only data in a public build
    public = edition == "public"
    changed = last_changed(root, school, current=resolved) if history else {}
    downloads = documents(resolved) if documents else build_downloads(resolved, root)
    renderer = Renderer(resolved, downloads, changed, banner=overdue_banner(resolved, build_date()))
    pages = renderer.pages()
    school_changes = changes_since_adopted(root, school, current=resolved) if history else None
    if school_changes is not None:
        pages.append(Page(WHATS_CHANGED_PAGE, "What's changed", whats_changed_page(school_changes, resolved, public=public, pending=not public)))
    else:
        pages.append(Page(WHATS_CHANGED_PAGE, "What's changed", WHATS_CHANGED_PREVIEW))
    if differs_from_model(resolved):
        pages.append(Page(DIFFERS_PAGE, "How our policy differs from the model", differs_from_model_page(resolved, public=public)))
    files: dict[str, str | bytes] = {page.path: page.markdown for page in pages}
    files.update(downloads)
    files[CSS_PATH] = school_css(resolved)
    files[CLAUSES_JSON] = clauses_json(resolved, changed, directory_urls=not _offline())
    site_url = resolved.school.model.site_url
    if school_changes is not None and site_url:
        files[FEED_PATH] = atom_feed(resolved, school_changes, site_url)
    return SchoolSite(resolved, renderer, pages, files), problems


def _offline() -> bool:
    """The offline edition (mkdocs.yml's `offline` plugin, switched on by OFFLINE) has `page.html` addresses."""
    return os.environ.get("OFFLINE", "").strip().lower() in ("true", "1", "yes")


def build_downloads(resolved: Resolved, root: Path | None = None) -> dict[str, bytes]:
    """The documents, taken from `root`'s document cache where made before (none: made afresh)."""
    from generator.doccache import project_cache
    from generator.downloads import build_downloads as documents

    return documents(resolved, project_cache(root) if root else None)
