"""The handbook's search: one entry per clause, the editors' synonyms, and the worker that ranks them.

Material's search plugin writes `search/search_index.json` with one entry per heading, grouped by
page when shown. `install` rewrites that index as one entry per clause (its number, title, policy
and section, and its text), keeps the other pages as entries of their own, adds the synonyms from
`policies/search-synonyms.yml`, and puts the handbook's worker (`templates/search-worker.js`) in
place of Material's: it stems words, expands synonyms, tolerates typing slips and ranks clauses
above the pages that hold them. Material's search box and result list are kept as they are.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Problem
from generator.sources import FolderReader, load_yaml

SYNONYMS = "policies/search-synonyms.yml"
WORKER = Path(__file__).parent / "templates" / "search-worker.js"
INDEX = "search/search_index.json"
MATERIAL_WORKER = "assets/javascripts/workers/search.*.min.js"
CLAUSES = "clauses.json"
TERM = re.compile(r"[a-z0-9]+(?:[ '-][a-z0-9]+)*")
TAG = re.compile(r"<[^>]+>")


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
    return f"{number} {title}" if number and not title.startswith(f"{number} ") else title


def handbook_index(material: dict[str, Any], open_data: dict[str, Any] | None, synonyms: Synonyms,
                   excluded: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Material's index → one entry per clause, one per section page, one per other page or heading.

    Pages in `excluded` (their paths) are found by their title only.
    Each entry: `location`, `title`, `text` (plain) and `kind` (clause, section or page); a clause
    names its `section` (shown after the policy's title, `config.policy`), any other heading its
    page's title (`parent`).
    """
    clauses = {c["id"]: c for c in (open_data or {}).get("clauses", [])}
    policy = ((open_data or {}).get("policy") or {}).get("title") or ""
    sections = {c["section"]["id"] for c in clauses.values()}
    page_titles: dict[str, str] = {}
    docs = []
    for doc in material.get("docs", []):
        path, _, anchor = doc["location"].partition("#")
        title = _plain(doc.get("title", ""))
        if path in excluded:
            if not anchor:
                docs.append({"location": path, "title": title, "text": "", "kind": "page", "parent": ""})
            continue
        if not anchor:
            page_titles[path] = title
        page = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
        if anchor in clauses:
            clause = clauses[anchor]
            section = clause["section"]["title"]
            docs.append({"location": doc["location"], "title": _clause_label(clause, title), "text": clause["text"],
                         "kind": "clause", "section": section})
        elif not anchor and page in sections:
            docs.append({"location": path, "title": title, "text": _plain(doc.get("text", "")), "kind": "section",
                         "parent": policy})
        elif title or doc.get("text"):
            docs.append({"location": doc["location"], "title": title, "text": _plain(doc.get("text", "")), "kind": "page",
                         "parent": page_titles.get(path, "") if anchor else ""})
    config = {**material.get("config", {}), "policy": policy, "synonyms": [list(g) for g in synonyms.groups]}
    return {"config": config, "docs": docs}


def _quick_reference(site_dir: Path, material: dict[str, Any]) -> frozenset[str]:
    """Pages holding the Do's and Don'ts: a digest of clauses, so their text is left to the clauses."""
    paths = {d["location"].partition("#")[0] for d in material.get("docs", [])}
    def page(path: str) -> Path:
        return site_dir / path if path.endswith(".html") else site_dir / path / "index.html"
    return frozenset(p for p in paths if page(p).is_file() and 'class="dd-grid' in page(p).read_text(encoding="utf-8"))


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
        worker.write_text(WORKER.read_text(encoding="utf-8"), encoding="utf-8")


__all__ = ["Synonyms", "handbook_index", "install", "load_synonyms"]
