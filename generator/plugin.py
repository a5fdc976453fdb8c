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

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.site.fill(markdown) if not page.file.generated_by else markdown
