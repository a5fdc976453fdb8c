"""The handbook's search: one entry per clause, the editors' synonyms, and the worker that ranks them.

Material's search plugin writes `search/search_index.json` with one entry per heading, grouped by
page when shown. `install` rewrites that index as one entry per clause (its number, title, policy
and section, and its text) and one per anchored item of a clause's list (`items` in clauses.json),
keeps the other pages as entries of their own, adds the synonyms from
`policies/search-synonyms.yml`, and puts the handbook's worker (`templates/search-worker.js`) in
place of Material's: it stems words, expands synonyms, tolerates typing slips and ranks clauses
above the pages that hold them, and a list's best-matching item above the list. Material's search box and result list are kept as they are.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.core.markdown_html import clause_html

from generator import TEMPLATES
from generator.errors import Problem
from generator.sources.reading import FolderReader, load_yaml

SYNONYMS = "policies/search-synonyms.yml"
WORKER = TEMPLATES / "search-worker.js"
INDEX = "search/search_index.json"
MATERIAL_WORKER = "assets/javascripts/workers/search.*.min.js"
CLAUSES = "clauses.json"
TERM = re.compile(r"[a-z0-9]+(?:[ '-][a-z0-9]+)*")
TAG = re.compile(r"<[^>]+>")
BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|table|thead|tbody|tr|td|th|br|hr|blockquote|pre|div)\b[^>]*>")
ITEM_WORDS = 8
COMMENT = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*\n|[ \t]*/\*.*?\*/", re.S | re.M)


@dataclass(frozen=True)
class Synonyms:
    """Groups of words and phrases staff use for the same thing (each term in one group only)."""

    groups: tuple[tuple[str, ...], ...]


def load_synonyms(root: Path) -> tuple[Synonyms, list[Problem]]:
    """The synonyms file, checked: every problem with its line. No file: no synonyms."""
    if not (root / SYNONYMS).is_file():
        return Synonyms(()), []
    doc, problem = load_yaml(FolderReader(root), SYNONYMS)
    if doc is None:
        return Synonyms(()), [problem] if problem else []
    if not isinstance(doc.data, dict) or set(doc.data) != {"groups"} or not isinstance(doc.data["groups"], list):
        keys = ", ".join(map(str, doc.data)) if isinstance(doc.data, dict) else type(doc.data).__name__
        return Synonyms(()), [Problem(SYNONYMS, 1, f"found {keys or 'nothing'}; expected one key, 'groups:', holding a list of groups such as [photo, picture, image]")]
    return _check_groups(doc.data["groups"], doc.line)


def _check_groups(raw: list[Any], line: Any) -> tuple[Synonyms, list[Problem]]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    groups = []
    for i, group in enumerate(raw):
        where = line(("groups", i))
        if not isinstance(group, list) or len(group) < 2:
            problems.append(Problem(SYNONYMS, where, f"group {group!r} has fewer than two terms; expected a list of two or more words or phrases, such as [phone, mobile]"))
            continue
        terms = []
        for term in group:
            text = term if isinstance(term, str) else ""
            norm = " ".join(text.lower().split())
            if not TERM.fullmatch(norm):
                problems.append(Problem(SYNONYMS, where, f"term {term!r} is not a word or phrase; expected letters and digits, with spaces, hyphens or apostrophes between words"))
            elif norm in seen:
                other = seen[norm]
                problems.append(Problem(SYNONYMS, where, f"term '{norm}' is also in the group on line {other}; expected each term in one group only (merge the two groups)"))
            else:
                seen[norm] = where
                terms.append(norm)
        groups.append(tuple(terms))
    return Synonyms(tuple(g for g in groups if len(g) > 1)), problems


def _plain(text: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def _clause_label(clause: dict[str, Any], fallback: str) -> str:
    title = clause.get("title") or _plain(fallback)
    number = clause.get("number")
    return f"{number} {title}" if number and title != number and not title.startswith(f"{number} ") else title


def _clause_text(clause: dict[str, Any]) -> str:
    """The clause's Markdown as the words a reader sees (no list marks, link targets or `{ #id }` anchors)."""
    rendered = clause_html(clause["text"])
    return _plain(TAG.sub("", BLOCK_TAG.sub(" ", rendered)))


def _first_words(text: str) -> str:
    words = text.split()
    return " ".join(words[:ITEM_WORDS]) + (" …" if len(words) > ITEM_WORDS else "")


@dataclass(frozen=True)
class _Handbook:
    """What the index needs to know of the handbook beyond Material's entries."""

    clauses: dict[tuple[str, str], dict[str, Any]]
    """(policy ID, clause ID) → the clause's open data; the policy ID is '' in a one-policy clauses.json."""
    sections: frozenset[tuple[str, str]]
    section_paths: dict[tuple[str, str], str]
    """(policy ID, section ID) → the section page's location."""
    policy: str
    policies: dict[str, str]
    """Policy ID → title, for a handbook of several policies (each under its own folder)."""
    page_titles: dict[str, str]
    excluded: frozenset[str]


def handbook_index(material: dict[str, Any], open_data: dict[str, Any] | None, synonyms: Synonyms,
                   excluded: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Material's index → one entry per clause, one per anchored list item, one per section page,
    one per other page or heading.

    Each entry: `location`, `title`, `text` (plain) and `kind` (clause, item, section or page); a
    clause or item names its `section` (shown after the policy's title, `config.policy`, or its own
    `policy` in a handbook of several), any other heading its page's title (`parent`). A clause or
    item whose `heading` (the words indexed as its title) differs from the title shown carries it;
    one with no heading of its own, the heading it sits under on its page (`under`), if any.
    Pages in `excluded` (their paths) are found by their title only.
    """
    data = open_data or {}
    clauses = {((c.get("policy") or {}).get("id", ""), c["id"]): c for c in data.get("clauses", [])}
    docs = material.get("docs", [])
    sections = frozenset((pid, c["section"]["id"]) for (pid, _), c in clauses.items())
    handbook = _Handbook(
        clauses=clauses,
        sections=sections,
        section_paths={_page_key(d["location"]): d["location"] for d in docs
                       if "#" not in d["location"] and _page_key(d["location"]) in sections},
        policy=(data.get("policy") or {}).get("title") or "",
        policies={p["id"]: p["title"] for p in data.get("policies", [])},
        page_titles={d["location"]: _plain(d.get("title", "")) for d in docs if "#" not in d["location"]},
        excluded=excluded,
    )
    entries = [e for e in (_entry(d, handbook) for d in docs) if e]
    placed = {(_folder(e["location"].partition("#")[0]), e["location"].partition("#")[2]) for e in entries if e["kind"] == "clause"}
    entries += [e for key, c in clauses.items() if key not in placed for e in _unheaded(key[0], c, handbook)]
    entries += [e for (pid, _), c in clauses.items() for e in _items(pid, c, handbook)]
    under = _headings_above(data.get("clauses", []))
    entries = [_under(e, under) for e in entries]
    config = {**material.get("config", {}), "policy": handbook.policy, "synonyms": [list(g) for g in synonyms.groups]}
    return {"config": config, "docs": entries}


def _headings_above(clauses: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(policy ID, clause ID) → the heading an untitled, unnumbered clause sits under on its page:
    the title of the clause just before it in its section that has one ('Search:' over the
    paragraphs that follow it). A clause's number or label is a heading too, and one with no
    title ends the run: a number shows a clause stands on its own."""
    found: dict[tuple[str, str], str] = {}
    above, where = "", None
    for c in clauses:
        pid = (c.get("policy") or {}).get("id", "")
        if (pid, c["section"]["id"]) != where:
            above, where = "", (pid, c["section"]["id"])
        if c.get("title") or c.get("number") or c.get("label"):
            above = _heading(c)
        elif above:
            found[(pid, c["id"])] = above
    return found


def _under(entry: dict[str, Any], under: dict[tuple[str, str], str]) -> dict[str, Any]:
    """A clause or item with no heading of its own, with the heading it sits under (`under`), if any."""
    if entry.get("heading") != "":
        return entry
    path, _, anchor = (entry.get("list") or entry["location"]).partition("#")
    above = under.get((_folder(path), anchor))
    return {**entry, "under": above} if above else entry


def _folder(path: str) -> str:
    """The policy's folder a page is in, in a handbook of several policies; '' otherwise."""
    return path.split("/", 1)[0] if path.count("/") > 1 or (path.count("/") == 1 and path.endswith(".html")) else ""


def _page_key(path: str) -> tuple[str, str]:
    return _folder(path), path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")


def _clause_entry(location: str, title: str, clause: dict[str, Any], policy: str) -> dict[str, Any]:
    entry = {"location": location, "title": title, "text": _clause_text(clause), "kind": "clause",
             "section": clause["section"]["title"]}
    return {**entry, "policy": policy} if policy else entry


def _heading(clause: dict[str, Any]) -> str:
    """The clause's own heading (number and title); none for a clause without a title, such as a list."""
    return _clause_label(clause, "") if clause.get("title") else ""


def _section_page(pid: str, clause: dict[str, Any], handbook: _Handbook) -> str | None:
    path = handbook.section_paths.get((pid, clause["section"]["id"]))
    return None if path is None or path in handbook.excluded else path


def _named(pid: str, handbook: _Handbook) -> str:
    """The policy a clause's entry names, in a handbook of several policies."""
    return handbook.policies.get(pid, handbook.policy) if pid else ""


def _unheaded(pid: str, clause: dict[str, Any], handbook: _Handbook) -> list[dict[str, Any]]:
    """A clause with no heading in Material's index (a list, say): an entry at its anchor on its section's page."""
    path = _section_page(pid, clause, handbook)
    if path is None:
        return []
    heading = _heading(clause)
    entry = _clause_entry(f"{path}#{clause['id']}", heading or clause["section"]["title"], clause, _named(pid, handbook))
    return [{**entry, "heading": heading}]


def _items(pid: str, clause: dict[str, Any], handbook: _Handbook) -> list[dict[str, Any]]:
    """Each anchored item of the clause's list: its text at its anchor, titled by the clause (or
    its section) and the item's first words; `list` is where the clause itself is."""
    path = _section_page(pid, clause, handbook)
    if path is None:
        return []
    heading, policy = _heading(clause), _named(pid, handbook)
    shown = heading or clause["section"]["title"]
    items = [{"location": f"{path}#{item['id']}", "title": f"{shown}: {_first_words(item['text'])}", "heading": heading,
              "text": item["text"], "kind": "item", "section": clause["section"]["title"], "list": f"{path}#{clause['id']}"}
             for item in clause.get("items", [])]
    return [{**item, "policy": policy} for item in items] if policy else items


def _entry(doc: dict[str, Any], handbook: _Handbook) -> dict[str, Any] | None:
    location = doc["location"]
    path, _, anchor = location.partition("#")
    title, text = _plain(doc.get("title", "")), _plain(doc.get("text", ""))
    if path in handbook.excluded:
        return None if anchor else {"location": path, "title": title, "text": "", "kind": "page", "parent": ""}
    folder, page = _page_key(path)
    policy = handbook.policies.get(folder, handbook.policy)
    if (folder, anchor) in handbook.clauses:
        clause = handbook.clauses[(folder, anchor)]
        entry = _clause_entry(location, _clause_label(clause, title), clause, policy if folder else "")
        # A handbook label is shown as such ("Handbook label: …"); only its own words are weighed as the
        # title. A clause with neither (its number only) is weighed by its section's title, as a list is.
        return entry if clause.get("title") else {**entry, "heading": clause.get("label") or ""}
    if not anchor and (folder, page) in handbook.sections:
        return {"location": path, "title": title, "text": text, "kind": "section", "parent": policy}
    if title or text:
        own = policy if folder and path.rstrip("/") not in (folder, f"{folder}/index.html") else ""  # a policy's page, under its name
        return {"location": location, "title": title, "text": text, "kind": "page",
                "parent": handbook.page_titles.get(path, "") if anchor else own}
    return None


def _quick_reference(site_dir: Path, material: dict[str, Any]) -> frozenset[str]:
    """Pages holding the Do's and Don'ts, and the handbook's own lists of its policies: digests of
    clauses, so their text is left to the clauses."""
    paths = {d["location"].partition("#")[0] for d in material.get("docs", [])}
    def page(path: str) -> Path:
        return site_dir / path if path.endswith(".html") else site_dir / path / "index.html"
    return frozenset(p for p in paths if page(p).is_file() and re.search(r'class="(dd-grid|handbook-index)', page(p).read_text(encoding="utf-8")))


def worker_text() -> str:
    """The handbook's worker as served: without its comments, which are for the people who read it here."""
    return COMMENT.sub("", WORKER.read_text(encoding="utf-8"))


def install(site_dir: Path, synonyms: Synonyms) -> None:
    """Rewrite the built site's search index and put the handbook's worker in place of Material's."""
    index_path = site_dir / INDEX
    if not index_path.is_file():
        return
    material = json.loads(index_path.read_text(encoding="utf-8"))
    clauses_path = site_dir / CLAUSES
    open_data = json.loads(clauses_path.read_text(encoding="utf-8")) if clauses_path.is_file() else None
    index = handbook_index(material, open_data, synonyms, _quick_reference(site_dir, material))
    workers = sorted(site_dir.glob(MATERIAL_WORKER))
    if not workers:
        raise FileNotFoundError(f"no {MATERIAL_WORKER} in {site_dir}: expected Material 9's search worker, to put the handbook's in its place")
    index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for worker in workers:
        worker.write_text(worker_text(), encoding="utf-8")


__all__ = ["Synonyms", "handbook_index", "install", "load_synonyms", "worker_text"]
