"""A school's differences as a report: plain text (optionally coloured), Markdown or HTML."""
from __future__ import annotations
import html
from dataclasses import dataclass
from typing import Callable, Iterable, Literal
from generator.outputs.history.redline import Style, Token, redline_tokens, render_tokens
from generator.outputs.history.diff import Changed, ClauseRef, SchoolDiff

Link = Callable[[str], str | None]


HTML_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}}
del{{background:#ffe3e3;color:#8a1212}}ins{{background:#dcf5dc;color:#0b5d1e;text-decoration:none}}
.redline{{white-space:pre-wrap;border-left:3px solid #ccc;padding-left:.75rem}}code{{color:#555}}</style>
</head><body>"""


Format = Literal["text", "markdown", "html"]


@dataclass(frozen=True)
class Entry:
    """One line of a report: a clause (or item) label, what happened, and maybe a redline."""

    label: str
    text: str
    clause: str | None = None
    """The clause ID, for a link to it; None when it no longer exists."""
    ident: str | None = None
    """The ID shown to editors."""
    tokens: tuple[Token, ...] = ()


@dataclass(frozen=True)
class Block:
    title: str
    entries: tuple[Entry, ...]


def _where(ref: ClauseRef) -> str:
    return f"{ref.number} in {ref.section_label}" if ref.number else ref.section_label


def blocks(diff: SchoolDiff, show: Callable[[str], str] | None = None) -> list[Block]:
    """The report of one school as titled blocks of entries, ready for any format.

    `show` turns source text into what readers see (variables filled) before it is redlined.
    """
    def tokens(old: str, new: str) -> tuple[Token, ...]:
        if old == new:
            return ()
        return tuple(redline_tokens(show(old), show(new)) if show else redline_tokens(old, new))

    if diff.status != "changed":
        return [Block("School", (Entry(diff.school, f"school {diff.status}"),))]
    out = [
        Block("Added", tuple(Entry(r.label, f"new clause in {r.section_label}", r.id, r.id) for r in diff.added)),
        Block("Removed", tuple(Entry(r.label, f"removed (was {_where(r)})", None, r.id) for r in diff.removed)),
        Block("Moved", tuple(Entry(m.after.label, f"moved from {_where(m.before)} to {_where(m.after)}", m.id, m.id) for m in diff.moved)),
        Block("Changed", tuple(_changed_entry(c, tokens) for c in diff.changed)),
        Block("Minor edits", tuple(_changed_entry(c, tokens) for c in diff.minor)),
        Block("Renumbered", tuple(Entry(m.after.label, f"renumbered {m.before.number or '(unnumbered)'} → {m.after.number or '(unnumbered)'}", m.id, m.id) for m in diff.renumbered)),
        Block("Sections", tuple(Entry(v.key, v.change()) for v in diff.sections)),
        Block("Metadata", tuple(Entry(v.key, v.change()) for v in diff.metadata)),
        Block("Variables", tuple(Entry(v.key, v.change()) for v in diff.variables)),
        Block("Do's & Don'ts", tuple(Entry(i.id, f"{i.kind}: {'; '.join(i.details)}", tokens=tokens(i.old_text, i.new_text) if i.kind == "changed" else ()) for i in diff.dos_donts)),
        Block("Forms", tuple(Entry(i.id, f"{i.kind}: {'; '.join(i.details)}", tokens=tokens(i.old_text, i.new_text)) for i in diff.forms)),
    ]
    return [b for b in out if b.entries]


def _changed_entry(change: Changed, tokens: Callable[[str, str], tuple[Token, ...]]) -> Entry:
    what = []
    if change.wording_changed:
        what.append(f"wording changed ({change.words} word{'s' if change.words != 1 else ''})")
    what += change.fields
    if change.minor_note:
        what.append(f"minor edit: {change.minor_note}")
    return Entry(change.after.label, "; ".join(what), change.id, change.id, tokens(change.old_body, change.new_body))


def format_text(diffs: Iterable[SchoolDiff], color: bool = False) -> str:
    out: list[str] = []
    style: Style = "ansi" if color else "text"
    for diff in diffs:
        out += [f"== {diff.school}: {diff.title} ({diff.summary()})"]
        for block in blocks(diff):
            out.append(f"  {block.title}:")
            for e in block.entries:
                ident = f" [{e.ident}]" if e.ident and e.ident != e.label else ""
                out.append(f"    - {e.label}{ident}: {e.text}")
                if e.tokens:
                    out += [f"        {line}" for line in render_tokens(e.tokens, style).split("\n")]
        out.append("")
    return "\n".join(out)


def format_markdown(diffs: Iterable[SchoolDiff], link: Link | None = None, style: Style = "markdown", level: int = 2) -> str:
    """Markdown; `link(clause_id)` gives an href for a clause that still exists (site pages)."""
    out: list[str] = []
    for diff in diffs:
        out += [f"{'#' * level} {diff.title} ({diff.school})", "", f"*{diff.summary()}*", ""]
        out += markdown_blocks(blocks(diff), link, style, level + 1)
    return "\n".join(out)


def markdown_blocks(parts: Iterable[Block], link: Link | None = None, style: Style = "markdown", level: int = 3) -> list[str]:
    out: list[str] = []
    for block in parts:
        out += [f"{'#' * level} {block.title}", ""]
        for e in block.entries:
            href = link(e.clause) if link and e.clause else None
            label = f"[{e.label}]({href})" if href else f"**{e.label}**"
            ident = f" `{e.ident}`" if e.ident and not link and e.ident != e.label else ""
            out.append(f"- {label}{ident}: {e.text}")
            if e.tokens:
                out += [""] + [f"    {line}" if line.strip() else "" for line in render_tokens(e.tokens, style).split("\n")] + [""]
        if out[-1] != "":
            out.append("")
    return out


def format_html(diffs: Iterable[SchoolDiff], title: str = "Policy changes") -> str:
    out = [HTML_HEAD.format(title=html.escape(title)), f"<h1>{html.escape(title)}</h1>"]
    for diff in diffs:
        out += [f"<h2>{html.escape(diff.title)} <code>{html.escape(diff.school)}</code></h2>", f"<p><em>{html.escape(diff.summary())}</em></p>"]
        out += html_blocks(blocks(diff))
    out.append("</body></html>\n")
    return "\n".join(out)


def html_blocks(parts: Iterable[Block], level: int = 3) -> list[str]:
    out: list[str] = []
    for block in parts:
        out += [f"<h{level}>{html.escape(block.title)}</h{level}>", "<ul>"]
        for e in block.entries:
            ident = f" <code>{html.escape(e.ident)}</code>" if e.ident and e.ident != e.label else ""
            red = f'<div class="redline">{render_tokens(e.tokens, "html")}</div>' if e.tokens else ""
            out.append(f"<li><strong>{html.escape(e.label)}</strong>{ident}: {html.escape(e.text)}{red}</li>")
        out.append("</ul>")
    return out


def format_report(diffs: Iterable[SchoolDiff], fmt: Format, color: bool = False, title: str = "Policy changes") -> str:
    diffs = list(diffs)
    if fmt == "markdown":
        return f"# {title}\n\n" + format_markdown(diffs)
    if fmt == "html":
        return format_html(diffs, title)
    return format_text(diffs, color)
