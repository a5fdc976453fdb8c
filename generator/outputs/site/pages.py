"""Everything one school's site needs, prepared without MkDocs: pages, nav, files, branding."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from generator.dates import build_date
from generator.outputs.history.opendata import CLAUSES_JSON, FEED_PATH, atom_feed, handbook_clauses_json
from generator.outputs.history.changes import DIFFERS_PAGE, History, WHATS_CHANGED_PAGE, changes_since_adopted, differs_from_model, differs_from_model_page, last_changed, whats_changed_page

from generator.core.edition import for_edition
from generator.errors import Problem
from generator.outputs.site.handbook_pages import handbook_pages
from generator.outputs.site.part import PolicyPart
from generator.sources.model import School
from generator.core.render import HOME, Others, Page, Renderer, cross_targets
from generator.core.sanitize import escape_text
from generator.sources.reading import FolderReader
from generator.outputs.status import overdue_banner
from generator.core.text import substitute
from generator.core.validate import check
from generator.core.resolve import Handbook, Resolved

CSS_PATH = "assets/school.css"
WHATS_CHANGED_PREVIEW = (
    "# What's changed\n\nThis preview does not read the policy's recorded adoptions, so it cannot list what "
    "has changed since the policy was adopted; the published handbook shows that here.\n"
)
SHARED_PAGES = (("Using this handbook", "how-to-use.md"), ("Accessibility statement", "accessibility.md"))


@dataclass
class SchoolSite:
    handbook: Handbook
    parts: list[PolicyPart]
    pages: list[Page]
    """The handbook's own pages at the site's root (home, register, quick reference, forms)."""
    files: dict[str, str | bytes] = field(default_factory=dict)

    @property
    def school(self) -> School:
        return self.handbook.school.model

    @property
    def site_name(self) -> str:
        """HTML, as MkDocs' templates print it unescaped."""
        return escape_text(f"{self.handbook.short_name}: policy handbook")

    @property
    def logo(self) -> str | None:
        return self.school.branding.logo if self.school.branding else None

    @property
    def css_path(self) -> str:
        return CSS_PATH

    @property
    def nav(self) -> list[dict[str, object]]:
        nav: list[dict[str, object]] = [{escape_text(page.title): page.path} for page in self.pages]
        for category, parts in _by_category(self.parts):
            nav.append({escape_text(category): [{escape_text(part.title): _policy_nav(part)} for part in parts]})
        nav.append({"About this handbook": [{title: path} for title, path in SHARED_PAGES]})
        return nav

    def fill(self, markdown: str) -> str:
        values = self.handbook.values
        return substitute(markdown, lambda name: escape_text(values[name]) if name in values else "")


def _policy_nav(part: PolicyPart) -> list[dict[str, str]]:
    return [{escape_text("Cover and contents" if page.path == HOME else page.title): part.path(page.path)} for page in part.pages]


def _by_category(parts: list[PolicyPart]) -> list[tuple[str, list[PolicyPart]]]:
    groups: dict[str, list[PolicyPart]] = {}
    for part in parts:
        groups.setdefault(part.category, []).append(part)
    return list(groups.items())


def school_css(handbook: Handbook) -> str:
    colour = handbook.school.model.branding.primary_color if handbook.school.model.branding else "#3f51b5"
    return (
        ":root, [data-md-color-scheme=default] {\n"
        f"  --md-primary-fg-color: {colour};\n"
        f"  --md-primary-fg-color--dark: {colour};\n"
        f"  --md-accent-fg-color: {colour};\n"
        "}\n"
    )


def prepare(
    root: Path,
    school: str,
    edition: str = "staff",
    history: bool = True,
    resolved: Handbook | None = None,
    documents: Callable[[Handbook], dict[str, bytes]] | None = None,
) -> tuple[SchoolSite | None, list[Problem]]:
    """Everything for one school's site; `history=False` (live preview) skips the git history walk.

    `resolved`: the school's handbook when the caller has already checked the sources (a build of
    many schools), so they are not loaded and checked again. `documents`: what makes the PDFs
    and Word files (live preview makes them in the background)."""
    problems: list[Problem] = []
    if resolved is None:
        checked = check(FolderReader(root), school or None)
        if not checked.ok or school not in checked.schools:
            return None, checked.problems
        resolved, problems = checked.schools[school], checked.problems
    handbook = for_edition(resolved, edition)  # the one filter: nothing below sees staff-only data in a public build
    downloads = documents(handbook) if documents else build_downloads(handbook, root)
    others = cross_targets(handbook.policies)
    today = build_date()
    files: dict[str, str | bytes] = {}
    parts: list[PolicyPart] = []
    changed_by_policy: dict[str, dict[str, date]] = {}
    for policy in handbook.policies:
        part, changed = _policy_part(root, policy, downloads, others, history, today, files)
        parts.append(part)
        changed_by_policy[policy.policy.id] = changed
    files.update(downloads)
    pages = handbook_pages(handbook, parts, downloads, today)
    files.update({page.path: page.markdown for page in pages})
    files[CSS_PATH] = school_css(handbook)
    files[CLAUSES_JSON] = handbook_clauses_json(handbook, changed_by_policy, directory_urls=not _offline())
    return SchoolSite(handbook, parts, pages, files), problems


def _policy_part(root: Path, resolved: Resolved, downloads: dict[str, bytes], others: Others, history: bool, today: date, files: dict[str, str | bytes]) -> tuple[PolicyPart, dict[str, date]]:
    """One policy's pages (and feed) into `files`, under its folder."""
    school, policy_id = resolved.school.model.id, resolved.policy.id
    public = resolved.edition == "public"
    own = {path.removeprefix(f"{policy_id}/") for path in downloads if path.startswith(f"{policy_id}/")}
    versions = History(root, school, resolved) if history else None
    changed = last_changed(root, school, history=versions) if versions else {}
    renderer = Renderer(resolved, own, changed, banner=overdue_banner(resolved, today), others=others)
    pages = renderer.pages()
    school_changes = changes_since_adopted(root, school, history=versions) if versions else None
    if school_changes is not None:
        pages.append(Page(WHATS_CHANGED_PAGE, "What's changed", whats_changed_page(school_changes, resolved, public=public, pending=not public, renderer=renderer)))
    else:
        pages.append(Page(WHATS_CHANGED_PAGE, "What's changed", WHATS_CHANGED_PREVIEW))
    if differs_from_model(resolved):
        pages.append(Page(DIFFERS_PAGE, "How our policy differs from the model", differs_from_model_page(resolved, public=public, renderer=renderer)))
    part = PolicyPart(resolved, renderer, pages)
    files.update({part.path(page.path): page.markdown for page in pages})
    site_url = resolved.school.model.site_url
    if school_changes is not None and site_url:
        files[part.path(FEED_PATH)] = atom_feed(resolved, school_changes, f"{site_url}{policy_id}/", renderer)
    return part, changed


def _offline() -> bool:
    """The offline edition (mkdocs.yml's `offline` plugin, switched on by OFFLINE) has `page.html` addresses."""
    return os.environ.get("OFFLINE", "").strip().lower() in ("true", "1", "yes")


def build_downloads(handbook: Handbook, root: Path | None = None) -> dict[str, bytes]:
    """The documents, taken from `root`'s document cache where made before (none: made afresh)."""
    from generator.outputs.documents.cache import project_cache
    from generator.outputs.documents.downloads import handbook_downloads

    return handbook_downloads(handbook, project_cache(root) if root else None)
