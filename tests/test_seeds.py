"""Issue 4: the five seed policies published complete and faithful, one handbook per school."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from helpers import ROOT
from generator.sources import FolderReader
from generator.validate import check

SEEDS = Path(__file__).parent / "seeds"
CHECKED = check(FolderReader(ROOT))

# school: (clauses, forms, review due, adopted)
EXPECTED = {
    "curzon-crescent": (58, {"esl-contact-details", "incident-log", "staff-declaration"}, "Summer 2021", "Summer 2019"),
    "fawood": (58, {"esl-contact-details", "incident-log", "staff-declaration"}, "Summer 2021", "Summer 2019"),
    "hampreston": (62, set(), "September 2025", "January 2024"),
    "broomwood": (65, {"acceptable-use-agreement"}, None, None),
    "constance-bridgeman": (38, set(), "September 2024", "2022-11-29"),
    "parklands": (112, {"acceptable-use-agreement", "filtering-monitoring-checklist"}, None, None),
}


def test_sources_have_no_problems():
    assert [str(p) for p in CHECKED.problems if p.severity == "error"] == []


def test_every_seed_school_has_a_site():
    assert set(CHECKED.schools) == set(EXPECTED)


@pytest.mark.parametrize("school", sorted(EXPECTED))
def test_school_content(school):
    clauses, forms, review_due, adopted = EXPECTED[school]
    resolved = CHECKED.schools[school]
    assert len(resolved.clauses()) == clauses
    assert set(resolved.forms) == forms
    assert resolved.metadata.review_due == review_due
    assert resolved.metadata.adopted == adopted


@pytest.mark.parametrize("school", sorted(EXPECTED))
def test_every_dos_donts_item_links_to_an_existing_clause(school):
    resolved = CHECKED.schools[school]
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


@pytest.mark.parametrize("seed", sorted(SEED_SCHOOL := {
    "000_7094ecd687d3e6c6.txt": "curzon-crescent",
    "001_82f1255d3fa936dd.txt": "hampreston",
    "002_cf33700194d28a5a.txt": "broomwood",
    "003_776ab686d2bfa508.txt": "constance-bridgeman",
    "004_6732541b9b77af20.txt": "parklands",
}))
def test_dos_donts_keep_the_policys_words(seed):
    """Items are cut from the policy's text, never reworded: nearly every 4-word run of an item
    is found in the seed or the school's cleaned clauses (a cut may join two phrases)."""
    resolved = CHECKED.schools[SEED_SCHOOL[seed]]
    source = _runs(_words((SEEDS / seed).read_text(encoding="utf-8")))
    source |= _runs(_words(" ".join(c.body for c in resolved.clauses())))
    for item in resolved.dos_donts.model.items:
        runs = set().union(*(_runs(_words(piece)) for piece in re.split(r"…|\.\.\.", item.text)))
        if not runs:
            continue  # only fragments shorter than four words: too short to judge
        found = len(runs & source) / len(runs)
        assert found >= 0.85, f"{seed}: item {item.id} is reworded ({found:.0%} of its word runs are the policy's)"


@pytest.fixture(scope="module")
def fidelity_tool():
    spec = importlib.util.spec_from_file_location("fidelity", SEEDS / "fidelity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", sorted(SEED_SCHOOL))
def test_fidelity_at_least_95_percent(built_site, fidelity_tool, seed):
    toks = fidelity_tool.words((SEEDS / seed).read_text(encoding="utf-8"))
    wanted = fidelity_tool.shingles(toks)
    have = fidelity_tool.site_text(built_site / SEED_SCHOOL[seed])
    share = len(wanted & have) / len(wanted)
    assert share >= 0.95, f"{seed}: only {share:.1%} of its 6-word runs are in site/{SEED_SCHOOL[seed]}"
