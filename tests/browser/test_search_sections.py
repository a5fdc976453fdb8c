"""Issue 4: search in each school's site finds each of its sections.

For every section, a distinctive phrase is typed into the search box: the section's own title
(without its number). The section's page must be among the first 5 result links shown.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from helpers import ROOT
from generator.sources.reading import FolderReader
from generator.core.validate import check

CHECKED = check(FolderReader(ROOT))
TOP = 5


def _phrase(title: str) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z']+", title)
    return " ".join(words[:6])


@pytest.mark.parametrize("school", sorted(CHECKED.schools))
def test_each_section_is_found_by_its_title(search, school):
    missed = []
    policy = CHECKED.schools[school].policies[0]
    for section in policy.sections:
        query = _phrase(section.title)
        search.open(school)
        results = search.type(query)[:TOP]
        pages = {urlsplit(r["href"]).path.rstrip("/").rsplit("/", 1)[-1] for r in results}
        # A section titled as its policy (an imported document's opening) is found by the policy's own page.
        wanted = {section.id, policy.policy.id} if query == _phrase(policy.policy.policy.model.title) else {section.id}
        if not wanted & pages:
            missed.append(f"{section.id} ({query!r}): {[r['title'] for r in results]}")
    assert not missed, f"{school}: {len(missed)} section(s) not in the first {TOP} results:\n" + "\n".join(missed)
