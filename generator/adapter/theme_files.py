"""Theme files a school's site never loads (source maps, other languages' search packs, the
palette's colour schemes), left out of the build: every school would otherwise publish ~2 MB of
identical files; and Material's style sheet cut to the rules the site's pages can use."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import tinycss2
from mkdocs.config.defaults import MkDocsConfig


PALETTE = re.compile(r"assets/stylesheets/palette\.[0-9a-f]+\.min\.css")
"""Material's colour schemes and named colours: the school's colours are its own `assets/school.css`.
(`theme.palette` stays set: without it Material adds an inline script the pages' CSP refuses.)"""
PALETTE_LINK = re.compile(r'<link rel="stylesheet" href="[^"]*/?assets/stylesheets/palette\.[0-9a-f]+\.min\.css">\s*')


def search_languages(config: MkDocsConfig) -> list[str]:
    search = config.plugins.get("search") or config.plugins.get("material/search")
    langs = search.config.get("lang") if search else None
    return list(langs or ["en"])


def is_unused_theme_file(path: str, languages: list[str]) -> bool:
    """`path` (in the site) is a source map, the palette, or a search language pack the site does not use."""
    if not path.startswith("assets/"):
        return False
    if path.endswith(".map") or PALETTE.fullmatch(path):
        return True
    if not path.startswith("assets/javascripts/lunr/"):
        return False
    if languages == ["en"]:
        return True
    keep = {f"lunr.{lang}.min.js" for lang in languages} | {"lunr.stemmer.support.min.js", "lunr.multi.min.js"}
    folder, _, name = path.rpartition("/")
    return folder == "assets/javascripts/lunr/min" and name.endswith(".js") and name not in keep


def unused_theme_files(site: Path, languages: list[str]) -> list[Path]:
    """Source maps, the palette, and search language packs for languages the site does not use.

    Every school would otherwise publish ~2 MB of identical theme files it never loads.
    """
    found = (p for p in site.glob("assets/**/*") if p.is_file())
    return [p for p in found if is_unused_theme_file(p.relative_to(site).as_posix(), languages)]


CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
WORD = re.compile(r"[A-Za-z0-9_-]+")
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
ALTERNATIVES = re.compile(r":(?:is|not|where|has)\(")
VARIABLE = re.compile(r"var\(\s*(--[\w-]+)")
PURGED_STYLESHEETS = "assets/stylesheets/main.*.min.css"


def used_names(site: Path) -> set[str]:
    """Every class any page of the site has, and every word of its scripts (which may add a class)."""
    names: set[str] = set()
    for page in site.rglob("*.html"):
        for found in CLASS_ATTRIBUTE.finditer(page.read_text(encoding="utf-8")):
            names.update(found.group(1).split())
    for script in site.rglob("*.js"):
        names.update(WORD.findall(script.read_text(encoding="utf-8")))
    return names


def _outside_alternatives(selector: str) -> str:
    """The selector without the insides of :is(), :not(), :where() and :has(): a class named only
    there does not have to be present for the selector to match."""
    out, depth, i = [], 0, 0
    while i < len(selector):
        opened = ALTERNATIVES.match(selector, i) if depth == 0 else None
        if opened:
            depth, i = 1, opened.end()
            continue
        char = selector[i]
        if depth:
            depth += {"(": 1, ")": -1}.get(char, 0)
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _selectors(prelude: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in prelude:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return [*parts, "".join(current).strip()]


def _can_match(selector: str, used: set[str]) -> bool:
    return all(name in used for name in CLASS.findall(_outside_alternatives(selector)))


def _kept_rules(rules: list, used: set[str]) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            kept = [s for s in _selectors(tinycss2.serialize(rule.prelude)) if _can_match(s, used)]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
            inner = _kept_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), used)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        elif rule.type not in ("comment", "whitespace"):
            out.append(tinycss2.serialize([rule]))
    return out


def _without_unset_variables(css: str, referenced: set[str]) -> str:
    """Declarations of custom properties nothing reads (`var(--x)`) removed, empty rules too."""
    def declarations(match: re.Match[str]) -> str:
        kept = [d for d in tinycss2.parse_blocks_contents(match.group(2), skip_comments=True, skip_whitespace=True)
                if not (d.type == "declaration" and d.name.startswith("--") and d.name not in referenced)]
        body = ";".join(tinycss2.serialize([d]) if d.type != "declaration" else f"{d.name}:{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}" for d in kept)
        return f"{match.group(1)}{{{body}}}" if body else ""
    return re.sub(r"([^{}]+)\{([^{}]*--[^{}]*)\}", declarations, css)


def unused_css_removed(css: str, used: set[str], elsewhere: str = "") -> str:
    """`css` without the selectors that name a class no page has and no script may add, and
    without the custom properties (Material's icons as data URIs) nothing then reads.

    `elsewhere`: the site's other style sheets and scripts, which may read a custom property.
    """
    read_elsewhere = set(VARIABLE.findall(elsewhere)) | {w for w in WORD.findall(elsewhere) if w.startswith("--")}
    return _purged(css, frozenset(used & set(CLASS.findall(css))), frozenset(read_elsewhere))


@functools.lru_cache(maxsize=8)  # a build worker's schools mostly use the same classes: parsed once
def _purged(css: str, used: frozenset[str], read_elsewhere: frozenset[str]) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = "".join(_kept_rules(rules, set(used)))
    while True:
        smaller = _without_unset_variables(kept, set(VARIABLE.findall(kept)) | read_elsewhere)
        if smaller == kept:
            return kept
        kept = smaller


def purge_theme_css(site: Path) -> None:
    """Material's main style sheet, cut to what this site's pages and scripts can use."""
    used = used_names(site)
    sheets = sorted(site.glob(PURGED_STYLESHEETS))
    others = [p for p in [*site.rglob("*.css"), *site.rglob("*.js")] if p not in sheets]
    elsewhere = "\n".join(p.read_text(encoding="utf-8") for p in others)
    for sheet in sheets:
        sheet.write_text(unused_css_removed(sheet.read_text(encoding="utf-8"), used, elsewhere), encoding="utf-8")


VERBATIM = re.compile(r"(<(pre|textarea|script|style|code|kbd)\b.*?</\2>)", re.S | re.I)
INDENTATION = re.compile(r"[ \t]*\n\s*")


def lighter_page(html: str) -> str:
    """A page as Material renders it, without the link to palette.css and the templates' indentation."""
    return without_template_indentation(PALETTE_LINK.sub("", html, count=1))


def without_template_indentation(html: str) -> str:
    """The page without the blank lines and indentation Material's templates leave (a third of a
    page): every run of white space holding a line break becomes one line break, which the browser
    shows alike; text whose white space shows (pre, code, kbd, textarea, scripts, styles) is kept."""
    parts = VERBATIM.split(html)
    return "".join(INDENTATION.sub("\n", part) if i % 3 == 0 else part for i, part in enumerate(parts) if i % 3 != 2)


def tidy_theme_files(site: Path, languages: list[str], purge: bool = True) -> None:
    """After the build: the theme's files no page uses removed, and (with `purge`) its style sheet
    cut. `serve` does not cut it: a dirty rebuild copies only theme files newer than the site's
    copy, so a sheet cut for the pages of one save would lack the rules a later save needs."""
    for path in unused_theme_files(site, languages):
        path.unlink()
    for folder in sorted(site.glob("assets/**/"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if purge:
        purge_theme_css(site)
