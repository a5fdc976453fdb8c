"""The MkDocs adapter: one school's resolved policy becomes in-memory pages of the build."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.site import SchoolSite, prepare

log = logging.getLogger("mkdocs.plugins.policy_site")


def _search_languages(config: MkDocsConfig) -> list[str]:
    search = config.plugins.get("search") or config.plugins.get("material/search")
    langs = search.config.get("lang") if search else None
    return list(langs or ["en"])


def unused_theme_files(site: Path, languages: list[str]) -> list[Path]:
    """Source maps, and search language packs for languages the site does not use.

    Every school would otherwise publish ~2 MB of identical theme files it never loads.
    """
    found = list(site.glob("assets/**/*.map"))
    lunr = site / "assets" / "javascripts" / "lunr"
    if languages == ["en"] and lunr.is_dir():
        found += [p for p in lunr.rglob("*") if p.is_file()]
    elif lunr.is_dir():
        keep = {f"lunr.{lang}.min.js" for lang in languages} | {"lunr.stemmer.support.min.js", "lunr.multi.min.js"}
        found += [p for p in (lunr / "min").glob("*.js") if p.name not in keep]
    return found


class PolicySiteConfig(Config):
    school = c.Type(str, default="")
    """The school to build; `POLICY_SITE_SCHOOL` in the environment when empty."""
    edition = c.Choice(("staff", "public"), default="staff")


class PolicySitePlugin(BasePlugin[PolicySiteConfig]):
    site: SchoolSite

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        school = self.config.school or os.environ.get("POLICY_SITE_SCHOOL", "")
        root = Path(config.config_file_path).parent
        site, problems = prepare(root, school, self.config.edition)
        for problem in problems:
            (log.warning if problem.severity == "warning" else log.error)(str(problem))
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

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for path, content in self.site.files.items():
            existing = files.get_file_from_path(path)
            if existing:
                files.remove(existing)
            files.append(File.generated(config, path, content=content))
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        for path in unused_theme_files(site, _search_languages(config)):
            path.unlink()
        for folder in sorted(site.glob("assets/**/"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.site.fill(markdown) if not page.file.generated_by else markdown
