"""Pages an edit did not touch, carried from the previous build instead of rendered again.

A page's HTML is made from its own Markdown and from what every page of the school's site shares:
the nav, the site's name, logo and style sheets, the list of its files, the theme and templates,
the generator's code and the build's options. A page's key hashes both. Each build records, per
page, its key, a hash of the HTML made for it and the search entries Material made from it. A
page whose key is the recorded one, and whose published HTML is the recorded HTML, is linked from
the published site into the new build and left out of MkDocs' rendering (a `dirty` build skips a
file whose `is_modified()` is false); its search entries are carried with it, so the site's index
is the one a full build makes. Anything shared that changes (a title, a page added, a template)
changes every key, so every page is rendered again.

Records are kept in the project's `.cache/pages/<edition>/<school>.json`, not in the published
site. Checking the published HTML against the record makes a record that outlived its site (a
build that failed after writing it, another `--site-dir`) harmless: its pages are rendered.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from generator.digests import files_digest, folder_files

FORMAT = "policy-site pages 2"
DIRTY_WARNING = "A 'dirty' build is being performed"
Entry = dict[str, Any]


@dataclass
class Record:
    """One school's build: each page's key and the hash of its HTML (by its path in the site), and
    Material's search entries for it (by its URL)."""

    keys: dict[str, str] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)
    entries: dict[str, list[Entry]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Record:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        return cls(dict(data.get("keys", {})), dict(data.get("html", {})), dict(data.get("entries", {})))

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps({"format": FORMAT, "keys": self.keys, "html": self.html, "entries": self.entries}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(temp, path)


class ReusedPage(File):
    """A generated page whose HTML was linked from the previous build: MkDocs' dirty build skips it."""

    def is_modified(self) -> bool:
        return False


def site_signature(shared: str, config: MkDocsConfig, paths: list[str]) -> str:
    """What every page of the site is made from besides its own Markdown. `shared`: what every
    school's site is made from (code, templates, project files, options), hashed by the build."""
    digest = hashlib.sha256(f"{FORMAT}\0{shared}\0".encode())
    versions = [f"{name}={metadata.version(name)}" for name in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions")]
    theme = {key: config.theme.get(key) for key in ("logo", "favicon", "palette", "features", "language")}
    parts = [versions, config.nav, config.site_name, config.site_url, config.extra_css, config.extra_javascript, theme, sorted(paths)]
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def project_digest(root: Path) -> str:
    """The project's files a page is made from besides its Markdown, for `serve` (where the code
    cannot change): mkdocs.yml, overrides/ (the templates) and docs/."""
    return files_digest([*folder_files(root / "overrides"), *folder_files(root / "docs"), root / "mkdocs.yml"], root)


def page_key(signature: str, path: str, content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(f"{signature}\0{path}\0".encode() + data).hexdigest()


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def carry(previous: Path, new: Path, made: str | None) -> bool:
    """Link (or copy) a page's published HTML into the new build if it is the HTML `made` hashes."""
    if made is None or file_hash(previous) != made:
        return False
    if previous == new:  # `serve`: the page is already in place
        return True
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(previous, new)
    except OSError:
        shutil.copyfile(previous, new)
    return True


def merged_entries(index: dict[str, Any], pages: list[str], reused: dict[str, list[Entry]]) -> tuple[list[Entry], dict[str, list[Entry]]]:
    """Material's entries, in page order as a full build lists them, with the reused pages' carried
    in; and every page's entries by its URL, for the next build's record."""
    fresh: dict[str, list[Entry]] = {}
    for entry in index.get("docs", []):
        fresh.setdefault(str(entry.get("location", "")).partition("#")[0], []).append(entry)
    by_page = {url: reused[url] if url in reused else fresh.pop(url, []) for url in pages}
    leftover = [entry for entries in fresh.values() for entry in entries]  # anything not a page's (none today)
    return [entry for url in pages for entry in by_page[url]] + leftover, by_page


def page_url(file: File) -> str:
    """The URL MkDocs gives the file's page (and Material its search entries): '' for the home page."""
    return "" if file.url in (".", "./") else file.url


class PageReuse:
    """One school's build, with the pages of its last site (`previous`: the published one, or in
    `serve` the site being rebuilt) carried where they are unchanged since the build `before`
    describes. This build's record is `record`, written to `path` if given."""

    def __init__(self, previous: Path, before: Record, shared: str, path: Path | None = None) -> None:
        self.previous, self.before, self.shared, self.path = previous, before, shared, path
        self.record = Record()
        self.signature = ""
        self.pages: list[tuple[str, str]] = []
        """Each page's URL and its path in the site, in MkDocs' order."""
        self.reused: dict[str, list[Entry]] = {}
        quiet_dirty_warning()

    def start(self, config: MkDocsConfig, paths: list[str]) -> None:
        self.signature = site_signature(self.shared, config, paths)

    def page(self, config: MkDocsConfig, path: str, content: str) -> File:
        """The page's file: a `ReusedPage` linked from the previous build, or one to render."""
        file = File.generated(config, path, content=content)
        key = self.record.keys[file.dest_uri] = page_key(self.signature, path, content)
        url = page_url(file)
        if self.before.keys.get(file.dest_uri) != key or url not in self.before.entries:
            return file
        if not carry(self.previous / file.dest_uri, Path(file.abs_dest_path), self.before.html.get(file.dest_uri)):
            return file
        self.reused[url] = self.before.entries[url]
        return ReusedPage.generated(config, path, content=content)

    def finish(self, site_dir: Path, index_path: Path) -> None:
        """Material's index with the reused pages' entries carried in; this build's record."""
        index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else {}
        docs, self.record.entries = merged_entries(index, [url for url, _ in self.pages], self.reused)
        if index:
            index_path.write_text(json.dumps({**index, "docs": docs}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        made = {dest: self.before.html[dest] if url in self.reused else file_hash(site_dir / dest) for url, dest in self.pages if dest in self.record.keys}
        self.record.html = {dest: digest for dest, digest in made.items() if digest}
        if self.path is not None:
            self.record.write(self.path)


class _NotDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation out of date: here every page whose
    navigation could differ is rendered again, so the warning is not for the editor."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_WARNING)


_FILTER = _NotDirtyWarning()


def quiet_dirty_warning() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


__all__ = ["PageReuse", "Record", "ReusedPage", "carry", "merged_entries", "page_key", "page_url", "project_digest", "quiet_dirty_warning", "site_signature"]
