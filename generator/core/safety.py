"""Source text that would be removed from a page, reported where it is written.

Pages are made safe at the output (generator/core/sanitize.py, an allow-list); this module tells the
editor, as path:line with the fix, about each construct the output would drop: HTML outside the
allow-list, event handlers and styles, script or data URLs, and files fetched from other hosts.
Every URL and attribute is judged as a browser reads it, after entity decoding.
"""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Iterable

from markdown.extensions.attr_list import get_attrs_and_remainder

from generator.errors import Problem
from generator.core.sanitize import ATTRIBUTES, GLOBAL_ATTRIBUTES, SUBRESOURCE_ATTRIBUTES, TAGS, is_local, other_host, scheme_allowed
from generator.sources.limits import Source

URL_ATTRIBUTES = SUBRESOURCE_ATTRIBUTES | {"href", "action", "formaction", "cite", "longdesc", "ping"}
INLINE_LINK = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?((?:[^\s()>]|\([^\s()]*\))*)")
REFERENCE = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]+)", re.M)
IMAGE_REFERENCE = re.compile(r"!\[([^\]]*)\]\[([^\]]*)\]")
ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
VARIABLE_USE = re.compile(r"\{\{.*?\}\}")
ELEMENT_NAME = re.compile(r"^[a-z][a-z0-9-]*$")

SCRIPT_URL = "a script or data: URL in source text ('{0}'); expected an https://, mailto: or tel: link"
OUTSIDE_FILE = "an image or other file from another host ('{0}') in source text; expected a file inside the site (put it under docs/ and link it relatively), as pages make no request to another host"


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos)


def _bad_link(target: str) -> bool:
    if re.match(r"^(https?:|mailto:|tel:|#)", target, re.I):
        return False
    return target.startswith("/") or ".." in target.split("/") or "://" in target or target.startswith("file:")


def _shown(value: str) -> str:
    """A value on one line, its control characters (a tab, a newline) written as escapes."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], value)


def _url_problem(name: str, value: str) -> str | None:
    if not scheme_allowed(value):
        return SCRIPT_URL.format(_shown(value))
    if name in SUBRESOURCE_ATTRIBUTES and other_host(value):
        return OUTSIDE_FILE.format(_shown(value))
    if _bad_link(value.strip()):
        return f"link to '{_shown(value)}' leaves the project; expected an https:// address, a #anchor or a [[clause-id]] reference"
    if name in SUBRESOURCE_ATTRIBUTES and not is_local(value):
        return OUTSIDE_FILE.format(_shown(value))
    return None


def attribute_problem(name: str, value: str, allowed: frozenset[str] | set[str] | None) -> str | None:
    """What is wrong with one attribute (its value already entity-decoded), or None.

    `allowed`: the attributes the element may have; None when the element is not known (attr_list).
    """
    name = name.lower()
    if name.startswith("on"):
        return f"an {name}= event attribute in source text; expected plain Markdown without HTML event handlers"
    if name == "style":
        return "a style attribute in source text; expected plain Markdown (the theme styles every page)"
    if name in URL_ATTRIBUTES:
        return _url_problem(name, value)
    if allowed is not None and name not in allowed and not name.startswith("aria-"):
        return f"a {name}= attribute in source text, which pages do not keep; expected one of: {', '.join(sorted(allowed))}"
    return None


class _Tags(HTMLParser):
    """Raw HTML in source text, with each problem's line (the parser decodes attribute entities)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0] - 1
        if not ELEMENT_NAME.match(tag):
            return  # an autolink such as <https://…> or <office@school.sch.uk>, not an element
        if tag not in TAGS:
            self.found.append((line, f"raw <{tag}> HTML in source text; expected plain Markdown (scripts, embedded content, forms and styles are not allowed)"))
            return
        allowed = GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, set()) | {"markdown"}
        for name, value in attrs:
            problem = attribute_problem(name, value or "", allowed)
            if problem:
                self.found.append((line, problem))

    handle_startendtag = handle_starttag


def _html_problems(text: str) -> list[tuple[int, str]]:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.found


def _link_problems(text: str) -> Iterable[tuple[int, str]]:
    definitions = {m.group(1).strip().lower(): m for m in REFERENCE.finditer(text)}
    images = {(m.group(2) or m.group(1)).strip().lower() for m in IMAGE_REFERENCE.finditer(text)}
    for m in INLINE_LINK.finditer(text):
        problem = _url_problem("src" if m.group(1) else "href", unescape(m.group(2)))
        if problem:
            yield _line(text, m.start()), problem
    for label, m in definitions.items():
        problem = _url_problem("src" if label in images else "href", unescape(m.group(2)))
        if problem:
            yield _line(text, m.start()), problem


def _attr_list_problems(text: str) -> Iterable[tuple[int, str]]:
    blanked = VARIABLE_USE.sub(lambda m: " " * len(m.group()), text)
    for m in ATTR_LIST.finditer(blanked):
        attrs, rest = get_attrs_and_remainder(m.group(1))
        for name, value in attrs:
            if name in ("#", "."):
                continue
            problem = attribute_problem(name, unescape(value), None)
            if problem:
                yield _line(text, m.start()), problem


def unsafe(texts: Iterable[Source]) -> list[Problem]:
    problems = []
    for t in texts:
        found = [*_html_problems(t.text), *_link_problems(t.text), *_attr_list_problems(t.text)]
        problems += [Problem(t.path, t.line + offset, message) for offset, message in dict.fromkeys(found)]
    return problems
