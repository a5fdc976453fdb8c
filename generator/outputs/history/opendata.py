"""Open data from a handbook: clauses.json (every clause with its URL and last change) and an Atom feed of adoptions."""
from __future__ import annotations
import json
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from typing import Any
from generator.core.markdown_html import clause_html
from generator.dates import long_date, parse_policy_date
from generator.outputs.history.report import blocks, html_blocks
from generator.core.render import Renderer, section_page
from generator.core.resolve import Handbook, Resolved
from generator.outputs.history.changes import WHATS_CHANGED_PAGE, SchoolChanges, readable_blocks


CLAUSES_JSON = "clauses.json"


FEED_PATH = "changes.xml"


ATOM = "http://www.w3.org/2005/Atom"


def page_url(page: str, anchor: str | None = None, site_url: str | None = None, directory_urls: bool = True) -> str:
    """The address of a built page (`introduction.md` → `introduction/`, or `introduction.html`
    in the offline edition), absolute when the school's `site_url` is set."""
    stem = page.removesuffix(".md")
    path = (stem.removesuffix("index") if stem == "index" or stem.endswith("/index") else stem + "/") if directory_urls else stem + ".html"
    return (site_url or "") + path + (f"#{anchor}" if anchor else "")


def clauses_json(resolved: Resolved, last_changed: dict[str, date], directory_urls: bool = True) -> str:
    """Every clause as open data: ID, number, title, text (values filled), section, topics,
    last substantive change, the Do's & Don'ts items citing it, its address on the site, and the
    items of its list that have an anchor of their own (`items`: ID and plain text)."""
    data = {
        "school": {"id": resolved.school.model.id, "name": resolved.values.get("school_name")},
        "policy": _policy_record(resolved),
        "clauses": clause_records(resolved, last_changed, directory_urls),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def handbook_clauses_json(handbook: Handbook, last_changed: dict[str, dict[str, date]], directory_urls: bool = True) -> str:
    """Every clause of every policy of the school, each naming its policy, with its address."""
    data = {
        "school": {"id": handbook.id, "name": handbook.name},
        "policies": [_policy_record(r) for r in handbook.policies],
        "clauses": [c for r in handbook.policies for c in clause_records(r, last_changed.get(r.policy.id, {}), directory_urls, f"{r.policy.id}/")],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _policy_record(resolved: Resolved) -> dict[str, object]:
    return {"id": resolved.policy.id, "title": resolved.policy.policy.model.title, "adopted": resolved.metadata.adopted, "review_due": resolved.metadata.review_due}


def clause_records(resolved: Resolved, last_changed: dict[str, date], directory_urls: bool = True, folder: str = "") -> list[dict[str, Any]]:
    renderer = Renderer(resolved)
    items = renderer.items()
    clauses = []
    for section in resolved.sections:
        for clause in section.clauses:
            changed = last_changed.get(clause.id)
            clauses.append({
                "id": clause.id,
                "number": clause.number,
                "title": clause.title,
                "label": clause.label,
                "text": renderer.plain(clause.body),
                "section": {"id": section.id, "title": section.label},
                "topics": list(clause.topics),
                "last_changed": changed.isoformat() if changed else None,
                "dos_donts": [i.id for i in items if clause.id in i.clauses],
                "url": page_url(folder + section_page(section), clause.id, resolved.school.model.site_url, directory_urls),
                "items": anchored_items(renderer.plain(clause.body)),
            })
            if folder:
                clauses[-1]["policy"] = {"id": resolved.policy.id, "title": resolved.policy.policy.model.title}
    return clauses


class _ItemText(HTMLParser):
    """The plain text of each list item (nested lists included), in the order they open, with its
    anchor: the item's `id`, or its first paragraph's in a loose list."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, str]] = []
        self._open: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id") or ""
        if tag == "li":
            self._open.append({"id": anchor, "text": ""})
            self.items.append(self._open[-1])
        elif tag == "p" and self._open and not self._open[-1]["id"] and not self._open[-1]["text"].strip():
            self._open[-1]["id"] = anchor

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._open:
            item = self._open.pop()
            item["text"] = " ".join(item["text"].split())

    def handle_data(self, data: str) -> None:
        for item in self._open:
            item["text"] += data


def anchored_items(source: str) -> list[dict[str, str]]:
    """The list items of a clause's Markdown that carry an anchor (`{ #id }`), in order."""
    parser = _ItemText()
    parser.feed(clause_html(source))
    parser.close()
    return [item for item in parser.items if item["id"]]


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(resolved: Resolved, changes: SchoolChanges, site_url: str, renderer: Renderer | None = None) -> str:
    """An Atom feed with one entry per adopted version and the changes it brought."""
    base = site_url.rstrip("/") + "/"
    page = base + WHATS_CHANGED_PAGE.removesuffix(".md") + "/"
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    title = f"{resolved.values.get('school_name')}: {resolved.policy.policy.model.title} — changes"
    _sub(feed, "title", title)
    _sub(feed, "id", base + FEED_PATH)
    fallback = parse_policy_date(resolved.metadata.adopted) if resolved.metadata.adopted else None
    updated = changes.adopted.day if changes.adopted else fallback or date(1970, 1, 1)
    _sub(feed, "updated", _stamp(updated))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=base + FEED_PATH)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _sub(author, "name", str(resolved.values.get("school_name")))
    renderer = renderer or Renderer(resolved)
    for step in changes.history:
        anchor = f"adopted-{step.adoption.day.isoformat()}"
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        summary = step.diff.summary() if step.diff else "first recorded adoption"
        _sub(entry, "title", f"Adopted on {long_date(step.adoption.day)}: {summary}")
        _sub(entry, "id", f"{page}#{anchor}")
        _sub(entry, "updated", _stamp(step.adoption.day))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{page}#{anchor}")
        body = "\n".join(html_blocks(readable_blocks(blocks(step.diff, renderer.plain), resolved, resolved.edition == "public"), 3)) if step.diff else "<p>The first recorded adoption of this policy.</p>"
        _sub(entry, "content", body or "<p>No changes to the policy's text.</p>", type="html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _sub(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element
