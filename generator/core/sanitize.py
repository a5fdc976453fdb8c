"""The allow-list every page body passes before it is published, and what plain text needs to stay plain.

Rendered Markdown is cleaned by Ammonia (nh3): only the tags and attributes the handbook's
renderer, its Markdown extensions and Material produce are kept; URLs keep only the schemes
below, judged after entity decoding as a browser would; images and other subresources may
only come from the site itself. SVG logos are checked against an SVG allow-list (`svg_problems`).
"""
from __future__ import annotations

import html
import re
import xml.parsers.expat
from urllib.parse import urlsplit

import nh3

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
SUBRESOURCE_ATTRIBUTES = frozenset({"src", "srcset", "poster", "background", "data", "xlink:href"})
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role", "hidden", "data-search-exclude", "data-pagefind-ignore", "data-pagefind-body"})
TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "colgroup", "col", "a", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "kbd", "samp", "var", "abbr", "q", "cite", "dfn", "time", "details", "summary", "figure", "figcaption",
    "img", "label", "input", "wbr",
})
ATTRIBUTES: dict[str, set[str]] = {
    "*": set(GLOBAL_ATTRIBUTES),
    "a": {"href", "download", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "scope", "style", "align"},
    "td": {"colspan", "rowspan", "style", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "details": {"open"},
    "label": {"for"},
    "input": {"checked", "disabled"},
}
# pymdownx.tasklist draws its boxes as disabled checkboxes; nothing else may be an input.
FORCED = {"input": {"type": "checkbox", "disabled": "disabled"}}
REMOVED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math", "textarea", "select", "frame", "frameset", "noembed", "xmp"})
# Python-Markdown's tables extension aligns columns with a style attribute; nothing else may style.
STYLE_PROPERTIES = frozenset({"text-align"})
BLANKS = re.compile(r"[\x00-\x20\x7f]+")


def other_host(url: str) -> bool:
    """`url` names a scheme or a host (browsers read a backslash as a slash)."""
    parts = urlsplit(BLANKS.sub("", url).replace("\\", "/"))
    return bool(parts.scheme or parts.netloc)


def is_local(url: str) -> bool:
    """`url` points inside the site: relative, with no scheme and no host."""
    return not other_host(url) and not BLANKS.sub("", url).startswith(("/", "\\"))


def scheme_allowed(url: str) -> bool:
    """A link a reader may follow: one of URL_SCHEMES or relative, judged as a browser reads it."""
    compact = BLANKS.sub("", html.unescape(url))
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", compact)
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name in SUBRESOURCE_ATTRIBUTES and not is_local(value):
        return None
    if name == "href" and BLANKS.sub("", value).replace("\\", "/").startswith("//"):
        return None  # protocol-relative: another host, whatever the page's scheme
    if name in ("id", "for") and value.startswith("__"):
        return None  # Material's own controls (__drawer, __search) must not be shadowed
    return value


def clean_html(fragment: str) -> str:
    """A page body with everything outside the allow-list removed."""
    return nh3.clean(
        fragment,
        tags=set(TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        set_tag_attribute_values={tag: dict(values) for tag, values in FORCED.items()},
        filter_style_properties=set(STYLE_PROPERTIES),
        generic_attribute_prefixes={"aria-"},
    )


def escape_text(text: str) -> str:
    """Plain text as HTML that shows it literally (names, values: no Markdown is looked for)."""
    return html.escape(text, quote=True)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]|#!])")


def escape_markdown(text: str) -> str:
    """Plain text as Markdown inline text that shows it literally (titles, labels, table cells)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


# SVG logos ------------------------------------------------------------------------------

SVG_TAGS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "title", "desc", "defs", "lineargradient", "radialgradient", "stop", "clippath", "mask", "symbol",
    "use", "metadata",
})
SVG_ATTRIBUTES = frozenset({
    "xmlns", "xmlns:xlink", "version", "id", "class", "viewbox", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "d", "points", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
    "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "opacity",
    "transform", "offset", "stop-color", "stop-opacity", "gradientunits", "gradienttransform", "clip-path",
    "clip-rule", "mask", "font-family", "font-size", "font-weight", "text-anchor", "preserveaspectratio",
    "role", "aria-label", "aria-hidden", "href", "xlink:href", "dx", "dy", "fx", "fy", "spreadmethod",
    "clippathunits", "maskunits", "style",
})
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
_SVG_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"]*)", re.I)


def _svg_value_problem(name: str, value: str) -> str | None:
    compact = BLANKS.sub("", value)
    if name in ("href", "xlink:href") and not compact.startswith("#"):
        return f"{name}=\"{value}\" (only #references inside the image are allowed)"
    if any(not target.startswith("#") for target in _SVG_URL.findall(compact)) or "@import" in compact.lower() or "expression(" in compact.lower():
        return f"{name}=\"{value}\" loads something from outside the image"
    return None


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """What in an SVG image is outside the allow-list, as (line in the file, what); [] when clean.

    The file is published as it is, so anything that could run script or fetch from another
    host is refused rather than silently removed.
    """
    found: list[tuple[int, str]] = []
    parser = xml.parsers.expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        if tag.lower() not in SVG_TAGS:
            found.append((line, f"<{tag}> element"))
        for name, value in attrs.items():
            if name.lower() not in SVG_ATTRIBUTES:
                found.append((line, f"{name}= attribute on <{tag}>"))
            elif (problem := _svg_value_problem(name.lower(), value)):
                found.append((line, problem))

    def instruction(target: str, _data: str) -> None:
        found.append((parser.CurrentLineNumber, f"a <?{target}?> processing instruction"))

    declared = _DECLARATION.search(data)
    if declared:
        return [(data.count(b"\n", 0, declared.start()) + 1, "a DOCTYPE or entity declaration (remove it)")]
    parser.StartElementHandler = start
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        found.append((error.lineno, f"XML that does not parse ({xml.parsers.expat.ErrorString(error.code)})"))
    return found
