"""Every use the generator makes of MkDocs' (and Jinja's) internals, each for speed, in one place.

- `Theme.get_env` replaced (`theme_env`): a per-process bytecode cache and a listing of the
  installed theme's ~14,000 files kept for the process (a worker builds school after school;
  `serve` rebuilds on every save).
- `File._content` written (`ServedDocument`): in `serve`, a document is written with the newest
  bytes made for its version by the time the build copies it.
- `LiveReloadServer._watched_paths` read and `.observer` replaced (`poll_often`): files are polled
  every 0.1 s instead of 0.5 s.
- Material's search plugin's `search_index_prev` cleared (`forget_previous_search_index`): in a
  dirty `serve` rebuild it merges the last index as if one page had changed; the handbook merges
  the carried pages' entries itself (generator.adapter.page_reuse).
- `LiveReloadServer.builder` wrapped and `.error_handler` replaced (`guard_server`): a rebuild
  that fails shows why in the browser instead of keeping it waiting.

tests/test_mkdocs_private.py checks each against the installed MkDocs, so an upgrade that
changes one fails loudly there rather than quietly here.
"""
from __future__ import annotations

import functools
from typing import Callable

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File
from mkdocs.theme import Theme

from generator.adapter.documents import ServedDocuments


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


def theme_env(theme: Theme) -> jinja2.Environment:
    """MkDocs' own environment for the theme, with the per-process caches above."""
    env = Theme.get_env(theme)
    env.loader = _ThemeLoader(theme.dirs, theme.custom_dir)
    env.bytecode_cache = _bytecode_cache(tuple(theme.dirs), str(theme.locale))
    return env


class ServedDocument(File):
    """A document in a `serve` build, written with the newest bytes made for its version."""

    store: ServedDocuments

    def copy_file(self, dirty: bool = False) -> None:
        with self.store.lock:
            self._content = self.store.newest(self.src_uri, self.content_bytes)
            super().copy_file(dirty)


def served_file(store: ServedDocuments, config: MkDocsConfig, path: str, content: str | bytes) -> File:
    document = ServedDocument.generated(config, path, content=content)
    assert isinstance(document, ServedDocument)
    document.store = store
    return document


def forget_previous_search_index(config: MkDocsConfig) -> None:
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is not None and hasattr(search, "search_index_prev"):
        search.search_index_prev = None


SERVE_POLL_SECONDS = 0.1


def poll_often(server: LiveReloadServer) -> None:
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


def guard_server(server: LiveReloadServer, build: Callable[[Callable[[], None]], Callable[[], None]], error_page: Callable[[int], bytes | None]) -> None:
    """Wrap the server's rebuild in `build(rebuild)`, and answer HTTP errors with `error_page`."""
    server.builder = build(server.builder)
    server.error_handler = error_page
