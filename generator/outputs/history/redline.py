"""Word-level redlines: what changed between two texts, marked for plain text, a terminal, Markdown, the site or HTML."""
from __future__ import annotations
import difflib
import html
import re
from typing import Iterable, Literal


Op = Literal["=", "-", "+"]


Token = tuple[Op, str]


Style = Literal["text", "ansi", "markdown", "site", "html"]


WORD = re.compile(r"\S+\s*")


MARKS: dict[str, dict[str, tuple[str, str]]] = {
    "text": {"-": ("[-", "-]"), "+": ("{+", "+}")},
    "ansi": {"-": ("\x1b[31m[-", "-]\x1b[0m"), "+": ("\x1b[32m{+", "+}\x1b[0m")},
    "markdown": {"-": ("~~", "~~"), "+": ("**", "**")},
    "site": {"-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")},
    "html": {"-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")},
}


def redline_tokens(old: str, new: str) -> list[Token]:
    """The word-level edit from `old` to `new`: runs of kept (=), deleted (-) and inserted (+) text."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    out: list[Token] = []
    opcodes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            kept = "".join(b[j1:j2])
            if n + 1 < len(opcodes) and opcodes[n + 1][0] in ("delete", "replace"):
                kept = kept.rstrip() + a[i2 - 1][len(a[i2 - 1].rstrip()) :]  # the old spacing before deleted words
            out.append(("=", kept))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def words_changed(old: str, new: str) -> int:
    """How many words an edit touches (a replaced run counts its longer side)."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def _words(text: str) -> list[str]:
    lead = text[: len(text) - len(text.lstrip())]
    words = WORD.findall(text)
    return ([lead] if lead else []) + words


def redline(old: str, new: str, style: Style = "text") -> str:
    return render_tokens(redline_tokens(old, new), style)


def render_tokens(tokens: Iterable[Token], style: Style = "text") -> str:
    """`[-old-]{+new+}` (text), coloured (ansi), `~~old~~ **new**` (markdown) or `<del>`/`<ins>`."""
    tokens = list(tokens)
    escape = html.escape if style == "html" else (lambda s: s)
    out: list[str] = []
    for i, (op, text) in enumerate(tokens):
        if op == "=":
            out.append(escape(text))
            continue
        body, trail = text.rstrip(), text[len(text.rstrip()) :]
        followed_by_insert = op == "-" and i + 1 < len(tokens) and tokens[i + 1][0] == "+"
        if followed_by_insert:
            trail = " " if style == "markdown" else ""
        out.append(_mark(escape(body), *MARKS[style][op]) + trail)
    return "".join(out)


def _mark(text: str, start: str, end: str) -> str:
    """Wrap each line of a run separately, so a marker never spans a line break."""
    lines = text.split("\n")
    return "\n".join(f"{start}{line.rstrip()}{end}{line[len(line.rstrip()):]}" if line.strip() else line for line in lines)
