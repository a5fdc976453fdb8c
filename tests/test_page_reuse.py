"""Pages an edit did not touch are carried from the published site, counted by the files' identity:
a carried page is a hard link to the published file, a rendered one a new file. The site is
checked byte for byte against a `--force` build, which renders every page."""
from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
import yaml

from factories import BOTH
from generator.adapter.page_reuse import merged_entries
from helpers import ROOT, copy_site_config, policy_site

@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in ("brent-esafety", "cbc-social-media"):
        shutil.copytree(ROOT / "policies" / name, root / "policies" / name)
    for name in ("references.yml", "search-synonyms.yml"):
        shutil.copy2(ROOT / "policies" / name, root / "policies" / name)
    (root / "policies/schools").mkdir()
    (root / "policies/schools/both.yml").write_text(BOTH, encoding="utf-8")
    return copy_site_config(root)


def _build(root: Path, *args: str) -> str:
    result = policy_site("--root", str(root), "build", "--jobs", "1", *args)
    assert result.returncode == 0, result.stderr
    return result.stderr


def _pages(site: Path) -> dict[str, int]:
    """Each HTML page of the school by its path, with its file's identity."""
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in (site / "both").rglob("*.html")}


def _rendered(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, inode in after.items() if before.get(path) != inode}


def _same_as_full_build(root: Path, site: Path) -> None:
    _build(root, "--force", "--site-dir", str(root / "full"))
    compared = filecmp.dircmp(site / "both", root / "full" / "both")
    pending, differ = [compared], []
    while pending:
        current = pending.pop()
        assert not current.left_only and not current.right_only, (current.left_only, current.right_only)
        _, mismatch, errors = filecmp.cmpfiles(current.left, current.right, current.common_files, shallow=False)
        differ += mismatch + errors
        pending += current.subdirs.values()
    assert differ == []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_to_one_clause_renders_only_its_policys_pages_again(root: Path) -> None:
    site = root / "site"
    _build(root)
    before = _pages(site)
    assert len([p for p in before if p.startswith("both/cbc-social-media/")]) > 3

    clause = next((root / "policies/brent-esafety/clauses").glob("*.md"))
    clause.write_text(clause.read_text(encoding="utf-8").rstrip("\n") + " A sentence added.\n", encoding="utf-8")
    told = _build(root)
    rendered = _rendered(before, _pages(site))
    assert f", {len(rendered) - 1} of {len(before) - 1} pages rendered" in told  # 404.html is not a page
    assert rendered, "the edited clause's page is rendered again"
    assert not {p for p in rendered if p.startswith("both/cbc-social-media/")}
    assert len(rendered) < len(before) / 2
    assert "A sentence added." in "".join((site / p).read_text(encoding="utf-8") for p in rendered)
    _same_as_full_build(root, site)


def test_a_change_every_page_shows_renders_every_page_again(root: Path) -> None:
    site = root / "site"
    _build(root)
    before = _pages(site)
    _edit(root / "policies/schools/both.yml", "name: Both Policies School", "name: Both Policies Primary School")
    _build(root)
    assert _rendered(before, _pages(site)) == set(before)  # the school's name is in every page's header
    _same_as_full_build(root, site)


def test_a_published_page_changed_by_hand_is_rendered_again(root: Path) -> None:
    site = root / "site"
    _build(root)
    page = next(p for p in (site / "both/cbc-social-media").rglob("index.html") if p.parent.name != "cbc-social-media")
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>changed by hand</p></body>"), encoding="utf-8")
    clause = next((root / "policies/brent-esafety/clauses").glob("*.md"))
    clause.write_text(clause.read_text(encoding="utf-8").rstrip("\n") + " Another sentence.\n", encoding="utf-8")
    _build(root)
    assert "changed by hand" not in page.read_text(encoding="utf-8")
    _same_as_full_build(root, site)


def test_a_section_taken_out_leaves_no_page_behind(root: Path) -> None:
    site = root / "site"
    _build(root)
    policy = root / "policies/cbc-social-media/policy.yml"
    data = yaml.safe_load(policy.read_text(encoding="utf-8"))
    gone = data["sections"].pop(1)["id"]
    policy.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert (site / "both/cbc-social-media" / gone / "index.html").is_file()
    _build(root)
    assert not (site / "both/cbc-social-media" / gone).exists()
    _same_as_full_build(root, site)


@pytest.mark.parametrize(
    ("docs", "pages", "reused", "expected"),
    [
        ([], [], {}, []),
        ([{"location": "a/"}, {"location": "a/#x"}], ["a/"], {}, [{"location": "a/"}, {"location": "a/#x"}]),
        ([{"location": "b/"}], ["", "a/", "b/"], {"": [{"location": ""}], "a/": [{"location": "a/#y"}]},
         [{"location": ""}, {"location": "a/#y"}, {"location": "b/"}]),
        ([{"location": "#top"}], [""], {}, [{"location": "#top"}]),  # the home page's headings
        ([{"location": "gone/"}], ["a/"], {"a/": []}, [{"location": "gone/"}]),  # kept, not dropped
    ],
)
def test_search_entries_follow_page_order_with_reused_pages_carried_in(docs, pages, reused, expected) -> None:
    merged, by_page = merged_entries({"docs": docs}, pages, reused)
    assert merged == expected
    assert set(by_page) == set(pages)
