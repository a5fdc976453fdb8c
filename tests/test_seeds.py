"""Issue 4: the five seed policies published complete and faithful, one handbook per school."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from helpers import ROOT
from generator.sources.reading import FolderReader
from generator.core.validate import check

SEEDS = Path(__file__).parent / "seeds"
CHECKED = check(FolderReader(ROOT))

# school: (clauses, forms, review due, adopted); a bulleted list in the policy is one clause
EXPECTED = {
    "curzon-crescent": (26, {"esl-contact-details", "incident-log", "staff-declaration"}, "Summer 2021", "Summer 2019"),
    "fawood": (26, {"esl-contact-details", "incident-log", "staff-declaration"}, "Summer 2021", "Summer 2019"),
    "hampreston": (62, set(), "September 2025", "January 2024"),
    "broomwood": (47, {"acceptable-use-agreement"}, None, None),
    "constance-bridgeman": (31, set(), "September 2024", "2022-11-29"),
    "parklands": (112, {"acceptable-use-agreement", "filtering-monitoring-checklist"}, None, None),
}


def test_sources_have_no_problems():
    assert [str(p) for p in CHECKED.problems if p.severity == "error"] == []


def test_every_seed_school_has_a_site():
    assert set(CHECKED.schools) == set(EXPECTED) | {"decoy"}  # Decoy: imported from its own PDFs, tested in test_decoy.py


@pytest.mark.parametrize("school", sorted(EXPECTED))
def test_school_content(school):
    clauses, forms, review_due, adopted = EXPECTED[school]
    resolved = CHECKED.schools[school].policies[0]
    assert len(resolved.clauses()) == clauses
    assert set(resolved.forms) == forms
    assert resolved.metadata.review_due == review_due
    assert resolved.metadata.adopted == adopted


@pytest.mark.parametrize("school", sorted(EXPECTED))
def test_every_dos_donts_item_links_to_an_existing_clause(school):
    resolved = CHECKED.schools[school].policies[0]
    assert resolved.dos_donts and resolved.dos_donts.model.items, f"{school} has no Do's and Don'ts"
    assert any(s.dos_donts for s in resolved.sections), f"{school} shows no Do's and Don'ts page"
    ids = {c.id for c in resolved.clauses()}
    for item in resolved.dos_donts.model.items:
        assert item.clauses and set(item.clauses) <= ids, f"{school}: {item.id} cites {item.clauses}"


def _words(text: str) -> list[str]:
    text = re.sub(r"\[\[[a-z0-9-]+\]\]|<[^>]+>", " ", text)
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))


def _runs(words: list[str], n: int = 4) -> set[str]:
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


SEED_SCHOOL = {
    "000_7094ecd687d3e6c6.txt": "curzon-crescent",
    "001_82f1255d3fa936dd.txt": "hampreston",
    "002_cf33700194d28a5a.txt": "broomwood",
    "003_776ab686d2bfa508.txt": "constance-bridgeman",
    "004_6732541b9b77af20.txt": "parklands",
}
OWN_LISTS = sorted(seed for seed, school in SEED_SCHOOL.items() if CHECKED.schools[school].policies[0].dos_donts.model.source == "policy")


@pytest.mark.parametrize("seed", OWN_LISTS)
def test_dos_donts_keep_the_policys_words(seed):
    """A list the policy has itself (`source: policy`) keeps its words: every 4-word run of an item
    is in the seed. The handbook's own summaries are checked in test_faithful.py."""
    resolved = CHECKED.schools[SEED_SCHOOL[seed]].policies[0]
    text = (SEEDS / seed).read_text(encoding="utf-8")
    source, vocabulary = _runs(_words(text)), set(_words(text))
    for item in resolved.dos_donts.model.items:
        words = _words(item.text)
        runs = _runs(words)
        assert set(words) <= vocabulary, f"{seed}: item {item.id} adds words: {sorted(set(words) - vocabulary)}"
        found = len(runs & source) / len(runs)  # a page break in the seed may split an item
        assert found >= 0.95, f"{seed}: item {item.id} is reworded ({found:.0%} of its word runs are the policy's)"


def test_only_seed_000_has_its_own_dos_and_donts():
    assert OWN_LISTS == ["000_7094ecd687d3e6c6.txt"]


@pytest.fixture(scope="module")
def fidelity_tool():
    spec = importlib.util.spec_from_file_location("fidelity", SEEDS / "fidelity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", sorted(SEED_SCHOOL))
def test_fidelity_at_least_95_percent(built_site, fidelity_tool, seed):
    """95% of the seed's 6-word runs are on its school's site, measured exactly as the shared
    `fidelity.py` does (numbers included: a number the seed does not print breaks its runs)."""
    wanted = fidelity_tool.shingles(fidelity_tool.words((SEEDS / seed).read_text(encoding="utf-8")))
    have = fidelity_tool.site_text(built_site / SEED_SCHOOL[seed])
    share = len(wanted & have) / len(wanted)
    assert share >= 0.95, f"{seed}: only {share:.1%} of its 6-word runs are in site/{SEED_SCHOOL[seed]}"
