"""A newer version of an imported policy onto the IDs it already has, by content.

Each new clause takes the ID of the most similar old clause (word overlap, one to one, best
pairs first); sections take the ID of the old section with the same title or holding most of
their clauses. What matches nothing gets a fresh ID never used before, so `policy-site diff`
shows a reworded clause as changed, not as removed and added.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.importer.inline import words
from generator.importer.structure import Draft, walk

THRESHOLD = 0.5


def _old_clauses(folder: Path) -> dict[str, set[str]]:
    out = {}
    for path in sorted((folder / "clauses").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)
        front = yaml.safe_load(parts[1]) if len(parts) == 3 else {}
        body = parts[2] if len(parts) == 3 else text
        title = (front or {}).get("title") or ""
        out[path.stem] = set(words(f"{title} {body}"))
    return out


def _old_sections(folder: Path) -> dict[str, tuple[str, set[str]]]:
    data = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8")) or {}
    out = {}
    for s in data.get("sections", []):
        out[s["id"]] = (str(s.get("title", "")).lower(), set(_flat(s.get("clauses", []))))
    return out


def _flat(entries: list) -> list[str]:
    out: list[str] = []
    for e in entries:
        if isinstance(e, str):
            out.append(e)
        else:
            for parent, children in e.items():
                out += [parent, *_flat(children)]
    return out


def similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def known_ids(folder: Path) -> set[str]:
    return set(_old_clauses(folder)) | set(_old_sections(folder))


def apply(draft: Draft, folder: Path) -> int:
    """Set matched IDs on the draft; returns how many clauses kept an old ID."""
    old = _old_clauses(folder)
    new = [c for s in draft.sections for c in walk(s.clauses)]
    bags = [set(words(f"{c.title or ''} {c.plain}")) for c in new]
    pairs = sorted(((similarity(bag, old_bag), i, oid) for i, bag in enumerate(bags) for oid, old_bag in old.items() if bag & old_bag), reverse=True)
    used_old: set[str] = set()
    for score, i, oid in pairs:
        if score < THRESHOLD:
            break
        if new[i].id or oid in used_old:
            continue
        new[i].id = oid
        used_old.add(oid)
    _sections(draft, _old_sections(folder))
    return len(used_old)


def _sections(draft: Draft, old: dict[str, tuple[str, set[str]]]) -> None:
    used: set[str] = set()
    for section in draft.sections:
        ids = {c.id for c in walk(section.clauses) if c.id}
        free = [kv for kv in old.items() if kv[0] not in used]
        best = max(free, key=lambda kv: (kv[1][0] == section.title.lower(), len(kv[1][1] & ids)), default=None)
        if best and (best[1][0] == section.title.lower() or best[1][1] & ids):
            section.id = best[0]
            used.add(best[0])
