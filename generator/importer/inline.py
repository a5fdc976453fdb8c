"""Plain source text → inline Markdown that renders as exactly that text."""
from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>{}|])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])(?=\s|$)")


def escape(text: str) -> str:
    """Escape what Markdown, variables (`{{ }}`) and cross-references (`[[ ]]`) would read as markup."""
    return escape_start(escape_inline(text))


def escape_inline(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def escape_start(text: str) -> str:
    """A paragraph starting '- ' or '1. ' would read as a list."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def styled(text: str, bold: bool = False, italic: bool = False) -> str:
    """Escaped text with emphasis kept, spaces left outside the markers so Markdown sees them."""
    core = text.strip()
    if not core or not (bold or italic):
        return escape_inline(text)
    mark = "**" if bold and not italic else "*" if italic and not bold else "***"
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{mark}{escape_inline(core)}{mark}{trail}"


def link(text: str, url: str) -> str:
    if not re.match(r"^(https?://|mailto:)", url):
        return escape(text)
    return f"[{escape(text)}](<{url.replace('>', '%3E')}>)"


def join_runs(parts: list[str]) -> str:
    """Adjacent runs with the same emphasis would otherwise read as `**a****b**`."""
    return "".join(parts).replace("******", "").replace("****", "").strip()


def words(text: str) -> list[str]:
    """Word tokens as the fidelity measure counts them."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("'", "")
    return [t for t in re.findall(r"[a-z0-9]+", text) if len(t) > 1 or t in {"a", "i"}]
