"""Theme files a school's site never loads (source maps, other languages' search packs), left
out of the build: every school would otherwise publish ~2 MB of identical files."""
from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig


def search_languages(config: MkDocsConfig) -> list[str]:
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
