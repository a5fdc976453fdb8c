"""Adoption tags (adopted/<school>[/<policy>]/<date>): when a school's governors adopted each version."""
from __future__ import annotations
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from generator.outputs.history.git import GitError, git


TAG = re.compile(r"^adopted/((?:[a-z0-9][a-z0-9-]*/)?[a-z0-9][a-z0-9-]*)/(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Adoption:
    tag: str
    day: date
    commit: str


def adoptions(repo: Path, ids: list[str]) -> list[Adoption]:
    """Adoption tags for any of `ids` reachable from HEAD, oldest first."""
    try:
        out = git(repo, "for-each-ref", "--merged=HEAD", "--format=%(refname:short) %(objectname) %(*objectname)", "refs/tags/adopted/").decode()
    except GitError:
        return []
    found = []
    for line in out.splitlines():
        name, obj, *peeled = line.split()
        match = TAG.match(name)
        if not match or match.group(1) not in ids:
            continue
        try:
            day = date.fromisoformat(match.group(2))
        except ValueError:
            continue
        commit = peeled[0] if peeled else obj
        found.append((day, _depth(repo, commit), Adoption(name, day, commit)))
    return [a for _, _, a in sorted(found, key=lambda t: (t[0], t[1]))]


def _depth(repo: Path, commit: str) -> int:
    return int(git(repo, "rev-list", "--count", commit).decode().strip() or 0)
