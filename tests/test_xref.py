"""Do's & Don'ts cross-referenced both ways; clause references by ID; orphan rules report."""
from __future__ import annotations

import re
from pathlib import Path

from factories import checked, project
from helpers import ROOT, policy_site
from generator.core.orphans import orphans
from generator.sources.reading import FolderReader
from generator.core.validate import check


def test_every_appendix_1_item_links_to_its_clause_and_back(built_site: Path):
    resolved = check(FolderReader(ROOT), "curzon-crescent").schools["curzon-crescent"].policy("brent-esafety")
    dos_section = next(s for s in resolved.sections if s.dos_donts)
    site = built_site / "curzon-crescent" / "brent-esafety"
    dos_html = (site / dos_section.id / "index.html").read_text(encoding="utf-8")
    items = resolved.dos_donts.model.items
    assert len(items) >= 20
    for item in items:
        match = re.search(rf'<span id="dd-{item.id}"></span>(.*?)</li>', dos_html, re.S)
        assert match, f"item {item.id} is not on the Do's and Don'ts page"
        for clause_id in item.clauses:
            section = next(s for s in resolved.sections if any(c.id == clause_id for c in s.clauses))
            assert f'href="../{section.id}/#{clause_id}"' in match.group(1), f"{item.id} does not link to {clause_id}"
            clause_html = (site / section.id / "index.html").read_text(encoding="utf-8")
            assert f'href="../{dos_section.id}/#dd-{item.id}"' in clause_html, f"{clause_id} does not show {item.id} back"


def test_appendix_references_render_as_current_number_and_title(built_site: Path):
    html = (built_site / "curzon-crescent" / "brent-esafety" / "esp-support" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../esp-appendix-incident-log/">Appendix 4: Online Safety Incident Report Log</a>' in html
    assert "Do: maintain an online safety incident report log (Appendix 4:…" in html


def test_orphans_lists_uncited_rules_only(tmp_path):
    resolved = checked(project(tmp_path)).schools["alpha"].policy("model")
    found = {o.clause.id: o.phrase for o in orphans(resolved)}
    assert found == {"rules-child-2": "must not", "rules-lead": "should"}


def test_check_orphans_is_a_report_not_an_error(tmp_path):
    result = policy_site("--root", str(project(tmp_path)), "check", "--orphans", "--school", "alpha")
    assert result.returncode == 0
    assert "alpha (model): 2 clause(s) state a rule no Do's & Don'ts item cites" in result.stdout
    assert "rules-child-2 states a rule ('must not')" in result.stdout


def test_forms_link_back_to_the_clauses_that_require_them(built_site: Path):
    resolved = check(FolderReader(ROOT), "curzon-crescent").schools["curzon-crescent"].policy("brent-esafety")
    form = resolved.forms["staff-declaration"].model
    page = next(s for s in resolved.sections if "staff-declaration" in s.forms)
    html = (built_site / "curzon-crescent" / "brent-esafety" / page.id / "index.html").read_text(encoding="utf-8")
    for clause_id in form.required_by:
        assert f"#{clause_id}" in html
    assert 'download' in html and "downloads/staff-declaration.pdf" in html
