"""A clause's Markdown as HTML, for the outputs that read it outside MkDocs (search, open data, documents)."""
from __future__ import annotations

import functools
import threading

import markdown

EXTENSIONS = ("tables", "attr_list")
_CONVERTERS = threading.local()


@functools.lru_cache(maxsize=16384)
def clause_html(text: str) -> str:
    """Markdown → HTML, remembered: most clauses read the same in every school a worker builds,
    and search, open data and the documents each read every clause. One converter per thread,
    reset between texts, rather than a new one (and its parser) for each."""
    if not hasattr(_CONVERTERS, "md"):
        _CONVERTERS.md = markdown.Markdown(extensions=list(EXTENSIONS))
    return _CONVERTERS.md.reset().convert(text)


__all__ = ["clause_html"]
