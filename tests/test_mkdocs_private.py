"""The MkDocs internals that generator/adapter/private.py relies on, checked against the installed
MkDocs: an upgrade that changes one fails here, by name, instead of slowing or breaking `serve`
and `build` without a word."""
from __future__ import annotations

import inspect
from pathlib import Path

import jinja2
import pytest
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.polling import PollingObserver

from generator.adapter.documents import ServedDocuments
from generator.adapter.private import SERVE_POLL_SECONDS, ServedDocument, poll_often, theme_env
from helpers import ROOT


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory):
    return load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path_factory.mktemp("site")))


def test_theme_get_env_still_makes_the_environment_our_caches_go_into(config):
    env = theme_env(config.theme)
    assert isinstance(env, jinja2.Environment)
    assert isinstance(env.bytecode_cache, jinja2.BytecodeCache), "Theme.get_env's environment no longer takes a bytecode cache"
    assert "main.html" in env.loader.list_templates(), "the theme's listing no longer holds main.html"
    assert env.get_template("main.html") is not None
    assert theme_env(config.theme).bytecode_cache is env.bytecode_cache, "the compiled templates are not kept for the process"


def test_a_served_document_is_written_with_the_newest_bytes_through_file_content(config):
    store = ServedDocuments()
    store.current = "newest"
    store.made["newest"] = {"policy.pdf": b"made in the background"}
    document = ServedDocument("policy.pdf", src_dir=None, dest_dir=config.site_dir, use_directory_urls=True)
    document.content_bytes = b"linked when the build started"
    document.store = store
    document.copy_file()
    written = Path(config.site_dir, "policy.pdf").read_bytes()
    assert written == b"made in the background", "File.copy_file no longer writes File._content"


def test_the_server_keeps_its_watch_list_and_observer_as_poll_often_expects(tmp_path: Path):
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        server.watch(str(tmp_path))
        server.watch(str(tmp_path))
        assert getattr(server, "_watched_paths", None) == {str(tmp_path): 2}, "LiveReloadServer._watched_paths changed"
        assert isinstance(server.observer, PollingObserver), "LiveReloadServer.observer is no longer a PollingObserver"
        poll_often(server)
        assert server.observer.timeout == SERVE_POLL_SECONDS, "the faster poll was not taken up"
        assert server._watched_paths == {str(tmp_path): 2}, "a watched path was lost when the observer was replaced"
    finally:
        server.server_close()


def test_the_server_still_calls_builder_and_error_handler_by_those_names():
    code = inspect.getsource(LiveReloadServer)
    assert "self.builder()" in code, "LiveReloadServer no longer rebuilds through self.builder()"
    assert "self.error_handler(code)" in code, "LiveReloadServer no longer makes error pages with self.error_handler"


def test_materials_search_plugin_still_merges_a_dirty_rebuild_through_search_index_prev(config):
    from generator.adapter.private import forget_previous_search_index

    search = config.plugins["material/search"]
    assert "search_index_prev" in vars(search), "Material's search plugin no longer keeps the last index as search_index_prev"
    assert "self.search_index_prev" in inspect.getsource(type(search).on_post_build)
    search.search_index_prev = object()
    forget_previous_search_index(config)
    assert search.search_index_prev is None
