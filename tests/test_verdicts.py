"""A build judges only the schools an edit touched: the others were found without a problem
before, from the same sources (generator/cli/verdicts.py). Counted by the calls of the
per-school check, and by what the command reports."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import generator.core.validate as validate
from factories import project
from generator.cli.verdicts import SchoolVerdicts
from generator.sources.reading import FolderReader
from helpers import copy_site_config, policy_site


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Schools whose adoptions the per-school check judged, counted."""
    calls: Counter[str] = Counter()
    real = validate.check_school

    def counted(resolved, view):
        calls[resolved.school.model.id] += 1
        return real(resolved, view)

    monkeypatch.setattr(validate, "check_school", counted)
    return calls


def _check(root: Path) -> validate.Checked:
    verdicts = SchoolVerdicts(root)
    checked = validate.check(FolderReader(root), verdicts=verdicts)
    verdicts.save(set(checked.project.schools))
    return checked


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_only_the_edited_school_is_judged_again(tmp_path: Path, judged: Counter[str]) -> None:
    root = project(tmp_path)
    first = _check(root)
    assert judged == {"alpha": 1, "beta": 1} and first.ok
    judged.clear()
    again = _check(root)
    assert judged == {} and sorted(again.schools) == ["alpha", "beta"]
    assert again.schools["alpha"].policies[0].values == first.schools["alpha"].policies[0].values
    _edit(root / "policies/schools/alpha.yml", "Ann Lee", "Ann Leigh")
    _check(root)
    assert judged == {"alpha": 1}


def test_an_edit_to_a_policy_judges_every_school_that_adopts_it(tmp_path: Path, judged: Counter[str]) -> None:
    root = project(tmp_path)
    _check(root)
    judged.clear()
    clause = root / "policies/model/clauses/intro-a.md"
    clause.write_text(clause.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    _check(root)
    assert judged == {"alpha": 1, "beta": 1}


def test_a_problem_is_reported_on_every_build_not_remembered(tmp_path: Path) -> None:
    root = copy_site_config(project(tmp_path))
    build = lambda: policy_site("--root", str(root), "build", "--jobs", "1")  # noqa: E731
    assert build().returncode == 0
    _edit(root / "policies/schools/alpha.yml", "lead_name: Ann Lee", "lead_name: Ann Lee\n      no_such_variable: x")
    for _ in range(2):
        result = build()
        assert "policies/schools/alpha.yml" in result.stderr and "no_such_variable" in result.stderr
