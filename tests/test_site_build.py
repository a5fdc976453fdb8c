"""The real project built into sites: every clause published with its permalink, nothing third-party."""
from __future__ import annotations

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from helpers import ROOT
from generator.sources.reading import FolderReader
from generator.core.validate import check

CHECKED = check(FolderReader(ROOT))
SCHOOLS = sorted(CHECKED.schools)
THIRD_PARTY = ("fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")


def test_plugin_is_registered_as_an_entry_point():
    names = {ep.name: ep.value for ep in entry_points(group="mkdocs.plugins")}
    assert names.get("policy-site") == "generator.adapter.plugin:PolicySitePlugin"


def test_one_folder_per_school_and_an_index(built_site: Path):
    assert {p.name for p in built_site.iterdir() if p.is_dir()} == set(SCHOOLS)
    index = (built_site / "index.html").read_text(encoding="utf-8")
    for school in SCHOOLS:
        assert f'href="{school}/"' in index
        assert (built_site / school / "index.html").is_file()
        assert (built_site / school / "search" / "search_index.json").is_file()


@pytest.mark.parametrize("school", SCHOOLS)
def test_every_clause_has_its_anchor_on_its_section_page(built_site: Path, school: str):
    resolved = CHECKED.schools[school].policies[0]
    for section in resolved.sections:
        html = (built_site / school / resolved.policy.id / section.id / "index.html").read_text(encoding="utf-8")
        for clause in section.clauses:
            assert f'id="{clause.id}"' in html, f"{school}: clause {clause.id} has no anchor on {section.id}/"
            if clause.number and clause.title:
                assert f'href="#{clause.id}"' in html, f"{school}: clause {clause.id} has no visible permalink"


@pytest.mark.parametrize("school", SCHOOLS)
def test_search_index_holds_every_clause(built_site: Path, school: str):
    index = json.loads((built_site / school / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    resolved = CHECKED.schools[school].policies[0]
    for clause in resolved.clauses():
        if clause.title:
            assert f"{resolved.policy.id}/{clause.section}/#{clause.id}" in locations, f"{school}: {clause.id} not a search entry"
    assert not any("full-text/" in loc for loc in locations), "the one-page view must not duplicate search results"


def test_no_third_party_hosts_in_any_built_page(built_site: Path):
    """Static scan of pages and styles; Material's JS bundle names unpkg for its file:// polyfill,
    which is never fetched over HTTP — tests/browser proves no page makes a third-party request."""
    for path in built_site.rglob("*"):
        if path.suffix in {".html", ".css", ".json", ".xml"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for host in THIRD_PARTY:
                assert host not in text, f"{path.relative_to(built_site)} references {host}"


def test_the_two_centres_share_clauses_but_not_identity(built_site: Path):
    curzon = (built_site / "curzon-crescent" / "index.html").read_text(encoding="utf-8")
    fawood = (built_site / "fawood" / "index.html").read_text(encoding="utf-8")
    assert "Curzon Crescent" in curzon and "Fawood" not in re.sub(r"<[^>]+>", "", curzon).split("Contents")[0]
    assert "Fawood" in fawood
    assert [c.id for c in CHECKED.schools["curzon-crescent"].policies[0].clauses()] == [c.id for c in CHECKED.schools["fawood"].policies[0].clauses()]


def test_school_colour_is_applied(built_site: Path):
    for school in SCHOOLS:
        branding = CHECKED.schools[school].school.model.branding
        css = (built_site / school / "assets" / "school.css").read_text(encoding="utf-8")
        assert f"--md-primary-fg-color: {branding.primary_color}" in css
        assert "assets/school.css" in (built_site / school / "index.html").read_text(encoding="utf-8")
