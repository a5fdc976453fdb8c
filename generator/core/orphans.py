"""Clauses that state a rule but that no Do's & Don'ts item cites: a report for editors, not an error."""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.core.resolve import Clause, Resolved

RULE = re.compile(
    r"\b(must(?: not)?|should(?: not|n't)?|shall(?: not)?|will not|are not permitted|is not permitted|"
    r"are required to|is required to|never|under no circumstances|do not|don't)\b",
    re.I,
)


@dataclass(frozen=True)
class Orphan:
    clause: Clause
    phrase: str

    def __str__(self) -> str:
        label = f"{self.clause.number} " if self.clause.number else ""
        return f"{self.clause.path}:{self.clause.line}: {label}{self.clause.id} states a rule ('{self.phrase}') that no Do's & Don'ts item cites"


def orphans(resolved: Resolved) -> list[Orphan]:
    cited = {c for item in (resolved.dos_donts.model.items if resolved.dos_donts else []) for c in item.clauses}
    found = []
    for clause in resolved.clauses():
        match = RULE.search(clause.body)
        if match and clause.id not in cited:
            found.append(Orphan(clause, match.group(0)))
    return found
