"""Rendered Markdown as JSON nodes for the Typst templates: the HTML the site shows, re-read into a tree."""
from __future__ import annotations
import re
from html.parser import HTMLParser
from typing import Any, Iterable, Union
from generator.core.markdown_html import clause_html
from generator.core.render import Renderer
from generator.sources.model import XREF



def _escape_label(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text)


def source_text(renderer: Renderer, source: str, anchors: Iterable[str] = ()) -> str:
    """Variables filled; a reference becomes a `#id` link when its target is in the document, else its label."""
    anchored = set(anchors)

    def ref(target_id: str) -> str:
        target = renderer.targets.get(target_id)
        if target is None:
            return f"[[{target_id}]]"
        return f"[{_escape_label(target.label)}](#{target_id})" if target_id in anchored else target.label

    return renderer.plain(XREF.sub(lambda m: ref(m.group(1)), source))




Node = Union[str, dict[str, Any]]


BLOCKS = {"p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div"}


CONTAINERS = {"ul", "ol", "table", "thead", "tbody", "tr"}


VOID = {"br", "hr", "img", "input"}


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, Any] = {"t": "root", "c": []}
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: dict[str, Any] = {"t": tag, "c": []}
        found = dict(attrs)
        if tag == "a":
            node["href"] = found.get("href") or ""
        elif tag == "ol" and (start := found.get("start") or "").isdigit():
            node["start"] = int(start)
        elif tag == "input":
            node["checked"] = "checked" in found
        self.stack[-1]["c"].append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth]["t"] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1]["c"].append(data)


def _tidy(node: dict[str, Any], anchors: frozenset[str], pre: bool = False) -> dict[str, Any]:
    pre = pre or node["t"] == "pre"
    if node["t"] == "a" and node["href"].startswith("#") and node["href"][1:] not in anchors:
        node["href"] = ""
    kids: list[Node] = []
    for kid in node["c"]:
        if isinstance(kid, dict):
            kids.append(_tidy(kid, anchors, pre))
        elif pre:
            kids.append(kid)
        else:
            kids.append(re.sub(r"\s+", " ", kid))
    if not pre:
        has_blocks = node["t"] in CONTAINERS or node["t"] == "root" or any(isinstance(k, dict) and k["t"] in BLOCKS for k in kids)
        if has_blocks:
            kids = [k for k in kids if not (isinstance(k, str) and not k.strip())]
        if node["t"] in BLOCKS or node["t"] == "root":
            if kids and isinstance(kids[0], str):
                kids[0] = kids[0].lstrip()
            if kids and isinstance(kids[-1], str):
                kids[-1] = kids[-1].rstrip()
            kids = [k for k in kids if k != ""]
    node["c"] = kids
    return node


class MarkdownNodes:
    """Converts Markdown to the JSON nodes `common.typ` renders, for one document: `anchors`
    are the IDs labelled in it, so `#id` links to anything else become plain text."""

    def __init__(self, anchors: Iterable[str] = ()) -> None:
        self.anchors = frozenset(anchors)

    def blocks(self, text: str | None) -> list[Node] | None:
        if not text or not text.strip():
            return None
        tree = _Tree()
        tree.feed(clause_html(text))
        tree.close()
        return _tidy(tree.root, self.anchors)["c"]

    def source(self, renderer: Renderer, source: str | None) -> list[Node] | None:
        """Source text (variables, references) → nodes, references linked when labelled here."""
        return self.blocks(source_text(renderer, source, self.anchors)) if source else None

    def inline(self, text: str) -> list[Node]:
        nodes = self.blocks(text) or []
        if len(nodes) == 1 and isinstance(nodes[0], dict) and nodes[0]["t"] == "p":
            return nodes[0]["c"]
        return nodes
