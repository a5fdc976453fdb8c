"""Build orchestration: cache of unchanged schools, shards, reproducible output."""
from __future__ import annotations

import re

import pytest

from factories import project
from helpers import copy_site_config, policy_site


def _counts(result) -> tuple[int, int]:
    assert result.returncode == 0, result.stderr
    match = re.search(r"(\d+) built, (\d+) unchanged", result.stdout)
    return int(match.group(1)), int(match.group(2))


@pytest.fixture
def root(tmp_path):
    return copy_site_config(project(tmp_path))


def test_unchanged_schools_are_not_rebuilt(root):
    build = lambda *a: policy_site("--root", str(root), "build", "--jobs", "1", *a)  # noqa: E731
    assert _counts(build()) == (2, 0)
    assert _counts(build()) == (0, 2)
    school = root / "policies/schools/alpha.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("Alpha School", "Alpha Primary School"), encoding="utf-8")
    assert _counts(build()) == (1, 1)
    assert "Alpha Primary School" in (root / "site/alpha/index.html").read_text(encoding="utf-8")
    clause = root / "policies/model/clauses/intro-a.md"
    clause.write_text(clause.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    assert _counts(build()) == (2, 0)
    assert _counts(build("--force")) == (2, 0)
    assert (root / "site/index.html").is_file() and (root / "site/beta/index.html").is_file()


def test_an_edit_to_the_search_synonyms_rebuilds_every_school(root):
    build = lambda: policy_site("--root", str(root), "build", "--jobs", "1")  # noqa: E731
    assert _counts(build()) == (2, 0)
    (root / "policies/search-synonyms.yml").write_text("groups:\n  - [phone, mobile]\n", encoding="utf-8")
    assert _counts(build()) == (2, 0)
    assert _counts(build()) == (0, 2)


@pytest.mark.parametrize("spec, expected", [("1/2", {"alpha"}), ("2/2", {"beta"}), ("1/1", {"alpha", "beta"})])
def test_shard_builds_its_slice(root, spec, expected):
    result = policy_site("--root", str(root), "build", "--shard", spec)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (root / "site").iterdir() if p.is_dir()} == expected


def test_bad_shard_is_a_clear_error(root):
    result = policy_site("--root", str(root), "build", "--shard", "3/2")
    assert result.returncode == 2
    assert "'3/2' is not a slice; expected K/N" in result.stderr


def test_two_builds_are_byte_identical(root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    trees = []
    for out in ("one", "two"):
        result = policy_site("--root", str(root), "build", "--force", "--site-dir", str(root / out))
        assert result.returncode == 0, result.stderr
        trees.append({p.relative_to(root / out).as_posix(): p.read_bytes() for p in (root / out).rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    different = [path for path in trees[0] if trees[0][path] != trees[1][path]]
    assert different == []
    assert any(path.endswith(".pdf") for path in trees[0]), "documents are part of the reproducible output"


def test_an_edit_to_one_school_swaps_in_that_school_only(root):
    build = lambda: policy_site("--root", str(root), "build", "--jobs", "1")  # noqa: E731
    assert _counts(build()) == (2, 0)
    site = root / "site"
    folders = {p.name: p.stat().st_ino for p in site.iterdir() if p.is_dir()}
    school = root / "policies/schools/alpha.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("Alpha School", "Alpha Primary School"), encoding="utf-8")
    assert _counts(build()) == (1, 1)
    after = {p.name: p.stat().st_ino for p in site.iterdir() if p.is_dir()}
    assert after["beta"] == folders["beta"] and after["alpha"] != folders["alpha"]
    assert "Alpha Primary School" in (site / "index.html").read_text(encoding="utf-8")
    (root / "policies/schools/beta.yml").unlink()
    assert _counts(build()) == (0, 1)
    assert {p.name for p in site.iterdir() if p.is_dir()} == {"alpha"}
