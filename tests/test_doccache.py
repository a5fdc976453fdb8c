"""The document cache: a document is made once for its data, counted by calls of the writers."""
from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

import generator.outputs.documents.downloads as downloads
from generator.outputs.documents.cache import FOLDER, DocumentCache, document_key
from generator.outputs.documents.downloads import POLICY, POSTER, handbook_downloads
from generator.core.render import HANDBOOK_PDF, download_name
from generator.outputs.site.pages import build_downloads as site_downloads
from generator.core.resolve import Handbook
from factories import BOTH, SCHOOL, checked, project

ROOT = Path(__file__).resolve().parent.parent
FORM_PDF, FORM_DOCX = (f"model/{download_name('log', kind)}" for kind in ("pdf", "docx"))
MODEL_POSTER, MODEL_POLICY = f"model/{POSTER}", f"model/{POLICY}"


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Calls of the writers that make the documents, by what they make."""
    calls: Counter[str] = Counter()

    def spy(name: str, kind=lambda *args: None):
        real = getattr(downloads, name)

        def counted(*args):
            calls[kind(*args) or name] += 1
            return real(*args)

        monkeypatch.setattr(downloads, name, counted)

    spy("compile_pdf", lambda template, data: template)
    spy("fillable_pdf")
    spy("word_form")
    return calls


def _schools(root: Path) -> dict[str, Handbook]:
    result = checked(root)
    assert result.ok, result.problems
    return result.schools


def _edit(path: Path, words: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f" {words}\n", encoding="utf-8")


def test_an_edited_clause_remakes_only_the_policy_pdf(tmp_path: Path, writers: Counter[str]) -> None:
    root = project(tmp_path / "project")
    cache = DocumentCache(tmp_path / "cache")
    first = handbook_downloads(_schools(root)["alpha"], cache)
    assert writers == {"fillable_pdf": 1, "word_form": 1, "poster.typ": 1, "policy.typ": 1, "handbook.typ": 1}

    writers.clear()
    _edit(root / "policies/model/clauses/rules-child-2.md", "Texts too.")
    second = handbook_downloads(_schools(root)["alpha"], cache)
    assert writers == {"policy.typ": 1, "handbook.typ": 1}
    assert second[MODEL_POLICY] != first[MODEL_POLICY] and second[HANDBOOK_PDF] != first[HANDBOOK_PDF]
    assert {path: second[path] for path in (FORM_PDF, FORM_DOCX, MODEL_POSTER)} == {path: first[path] for path in (FORM_PDF, FORM_DOCX, MODEL_POSTER)}


def test_a_rebuild_with_nothing_changed_makes_no_document(tmp_path: Path, writers: Counter[str]) -> None:
    resolved = _schools(project(tmp_path / "project"))["alpha"]
    cache = DocumentCache(tmp_path / "cache")
    first = handbook_downloads(resolved, cache)
    writers.clear()
    again = handbook_downloads(resolved, DocumentCache(tmp_path / "cache"))
    assert writers == {}
    assert again == first


def test_the_cached_documents_are_the_ones_made_without_a_cache(tmp_path: Path) -> None:
    resolved = _schools(project(tmp_path / "project"))["alpha"]
    handbook_downloads(resolved, DocumentCache(tmp_path / "cache"))
    assert handbook_downloads(resolved, DocumentCache(tmp_path / "cache")) == handbook_downloads(resolved)


def test_two_schools_with_the_same_facts_share_their_forms(tmp_path: Path, writers: Counter[str]) -> None:
    twin = SCHOOL.format(id="gamma", adopts="model", name="Alpha School", short="Alpha", lead="Ann Lee")
    root = project(tmp_path / "project", {"policies/schools/gamma.yml": twin + "    append: {intro-a: Gamma's own words.}\n"})
    schools = _schools(root)
    cache = DocumentCache(tmp_path / "cache")
    alpha = handbook_downloads(schools["alpha"], cache)
    writers.clear()
    gamma = handbook_downloads(schools["gamma"], cache)
    assert writers == {"policy.typ": 1, "handbook.typ": 1}
    assert gamma[FORM_PDF] == alpha[FORM_PDF] and gamma[FORM_DOCX] == alpha[FORM_DOCX] and gamma[MODEL_POSTER] == alpha[MODEL_POSTER]

    writers.clear()
    handbook_downloads(schools["beta"], cache)  # another name and lead: forms of its own
    assert writers == {"fillable_pdf": 1, "word_form": 1, "poster.typ": 1, "policy.typ": 1, "handbook.typ": 1}


def test_a_document_date_makes_the_documents_again(tmp_path: Path, writers: Counter[str], monkeypatch: pytest.MonkeyPatch) -> None:
    resolved = _schools(project(tmp_path / "project"))["alpha"]
    cache = DocumentCache(tmp_path / "cache")
    handbook_downloads(resolved, cache)
    writers.clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    handbook_downloads(resolved, cache)
    assert writers == {"fillable_pdf": 1, "word_form": 1, "poster.typ": 1, "policy.typ": 1, "handbook.typ": 1}


def test_the_project_cache_is_kept_under_dot_cache(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    files = site_downloads(_schools(root)["alpha"], root)
    kept = sorted(p for p in (root / FOLDER).glob("*/*"))
    assert len(kept) == len(files)
    assert all(p.parent.name == p.name[:2] and len(p.name) == 64 for p in kept)
    assert sorted(p.read_bytes() for p in kept) == sorted(files.values())


def test_an_unwritable_cache_still_gives_every_document(tmp_path: Path) -> None:
    resolved = _schools(project(tmp_path / "project"))["alpha"]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    assert handbook_downloads(resolved, DocumentCache(blocked)) == handbook_downloads(resolved)


def test_trim_removes_the_least_recently_used_past_the_limit(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    for n in range(4):
        DocumentCache(folder).document("test", n, lambda: bytes(1000))
    paths = {n: folder / document_key("test", n)[:2] / document_key("test", n) for n in range(4)}
    for n, path in paths.items():
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    cache = DocumentCache(folder, limit=2500)
    cache.document("test", 0, lambda: b"unused")  # a use: now the most recent
    cache.trim()
    assert {n for n, path in paths.items() if path.exists()} == {0, 3}


def test_a_cache_that_keeps_writing_stays_within_its_bound(tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path / "cache", limit=10_000)
    for n in range(50):
        cache.document("test", n, lambda: bytes(1000))
    assert sum(p.stat().st_size for p in (tmp_path / "cache").glob("*/*")) <= 10_000
    assert cache.made["test"] == 50


def test_an_edit_to_one_model_clause_remakes_only_the_policy_that_holds_it(tmp_path: Path, writers: Counter[str]) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "policies", root / "policies")
    (root / "policies/schools/both.yml").write_text(BOTH, encoding="utf-8")
    cache = DocumentCache(tmp_path / "cache")
    before = {school: handbook_downloads(handbook, cache) for school, handbook in _schools(root).items()}
    edited = {school for school, files in before.items() if f"brent-esafety/{POLICY}" in files}
    assert "both" in edited and 1 < len(edited) < len(before)

    writers.clear()
    _edit(root / "policies/brent-esafety/clauses/esp-intro-ict-scope.md", "Cached documents too.")
    after = {school: handbook_downloads(handbook, cache) for school, handbook in _schools(root).items()}
    assert writers == {"policy.typ": len(edited), "handbook.typ": len(edited)}
    remade = {f"brent-esafety/{POLICY}", HANDBOOK_PDF}
    for school, files in after.items():
        assert files.keys() == before[school].keys()
        kept = files.keys() - remade if school in edited else files.keys()
        assert {p: files[p] for p in kept} == {p: before[school][p] for p in kept}, school
        assert all(files[p] != before[school][p] for p in files.keys() - kept), school
    assert any(path.startswith("cbc-social-media/") for path in after["both"])


def test_serve_makes_its_documents_in_the_background_through_the_project_cache(tmp_path: Path) -> None:
    from generator.adapter.documents import ServedDocuments

    root = project(tmp_path / "project")
    store = ServedDocuments()
    first = store.for_build(_schools(root)["alpha"], tmp_path / "site", root)
    kept = lambda: sorted(p.read_bytes() for p in (root / FOLDER).glob("*/*"))  # noqa: E731
    assert kept() == sorted(first.values())

    _edit(root / "policies/model/clauses/rules-child-2.md", "Texts too.")
    assert store.for_build(_schools(root)["alpha"], tmp_path / "site", root) == first  # the newest made so far
    store.start()
    for _ in range(600):  # at most a minute
        if len(store.made) == 2:
            break
        time.sleep(0.1)
    store.stop()
    newest = next(reversed(store.made.values()))
    assert newest[MODEL_POLICY] != first[MODEL_POLICY] and newest[FORM_PDF] == first[FORM_PDF]
    assert kept() == sorted([*first.values(), newest[MODEL_POLICY], newest[HANDBOOK_PDF]])
