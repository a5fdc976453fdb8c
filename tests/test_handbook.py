"""One handbook per school: a school adopting two models gets one site holding both, with
cross-policy references both ways, one quick reference, one forms page, one search, and every
link of the built site resolving."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pypdf import PdfReader

from factories import CLAUSES, POLICY, checked, project
from generator.outputs.history.changes import chain_ids
from generator.outputs.site.pages import prepare
from helpers import copy_site_config, policy_site

ALPHA = "policies/schools/alpha.yml"
OTHER = """\
id: other
title: Anti-Bullying Policy
category: Safeguarding and online safety
sections:
  - id: other-intro
    title: Cyberbullying
    clauses: [other-cyber, other-report]
  - id: other-quick
    title: Quick reference
    numbered: false
    dos_donts: true
  - id: other-forms
    title: Reporting form
    appendix: A
    forms: [report]
"""
TWO_POLICIES = {
    "policies/other/policy.yml": OTHER,
    "policies/other/clauses/other-cyber.md": "---\nid: other-cyber\ntitle: Cyberbullying\n---\nPhotos taken on phones can be misused; see [[model:rules-child-1]].\n",
    "policies/other/clauses/other-report.md": "---\nid: other-report\ntitle: Reporting\n---\nReport bullying at {{ school_name }} the same day.\n",
    "policies/other/dos-donts.yml": (
        "items:\n"
        "  - {id: report-same-day, kind: do, text: report bullying the same day, clauses: [other-report], topic: reporting}\n"
        "  - {id: no-sharing, kind: dont, text: share photos of a pupil being bullied, clauses: [other-cyber], topic: photos}\n"
    ),
    "policies/other/forms/report.yml": "id: report\ntitle: Bullying report\nfields:\n  - {id: what, label: What happened}\nrequired_by: [other-report]\n",
    "policies/model/clauses/rules-child-2.md": "---\nid: rules-child-2\ntitle: Calls\n---\nStaff must not call parents from a personal phone; see also [[other:other-cyber]].\n",
    ALPHA: "id: alpha\nname: Alpha School\nshort_name: Alpha\nfacts:\n  lead_name: Ann Lee\npolicies:\n  model: {}\n  other: {}\n",
    "policies/schools/beta.yml": None,
}


def _two(tmp_path: Path, changes: dict[str, str | None] | None = None) -> Path:
    return project(tmp_path, {**TWO_POLICIES, **(changes or {})})


def _errors(root: Path) -> list[str]:
    return [str(p) for p in checked(root).problems if p.severity == "error"]


def test_a_school_adopts_two_policies_into_one_handbook(tmp_path):
    result = checked(_two(tmp_path))
    assert result.ok, [str(p) for p in result.problems]
    handbook = result.schools["alpha"]
    assert [r.policy.id for r in handbook.policies] == ["model", "other"]  # by category, then title
    assert handbook.policy("model").values["lead_name"] == "Ann Lee"  # a fact, used by the policy that declares it
    assert "lead_name" not in handbook.policy("other").policy.policy.model.variables


@pytest.mark.parametrize("changes, expected", [
    ({"policies/other/clauses/other-cyber.md": "---\nid: other-cyber\n---\nLine one.\nSee [[model:rules-chld-1]].\n"},
     "policies/other/clauses/other-cyber.md:5: cross-reference to 'rules-chld-1' in policy 'model', which has no such clause, section or form for school 'alpha' (did you mean 'rules-child-1'?)"),
    ({"policies/other/clauses/other-cyber.md": "---\nid: other-cyber\n---\nSee [[modle:rules-child-1]].\n"},
     "policies/other/clauses/other-cyber.md:4: cross-reference to policy 'modle', which school 'alpha' does not adopt (did you mean 'model'?); expected one of its policies: model, other"),
    ({ALPHA: TWO_POLICIES[ALPHA].replace("  other: {}\n", "  other:\n    omit: [other-cyber]\n")},
     "policies/model/clauses/rules-child-2.md:5: cross-reference to 'other-cyber' in policy 'other', which has no such clause, section or form for school 'alpha'"),
    ({ALPHA: TWO_POLICIES[ALPHA].replace("  other: {}\n", ""), "policies/schools/beta.yml": None},
     "policies/model/clauses/rules-child-2.md:5: cross-reference to policy 'other', which school 'alpha' does not adopt"),
    ({ALPHA: TWO_POLICIES[ALPHA] + "  anti-bulying: {}\n"},
     "policies/schools/alpha.yml:9: adopts policy 'anti-bulying', which does not exist"),
], ids=["missing clause", "unknown policy", "clause the school omits", "policy the school does not adopt", "adopts a missing policy"])
def test_cross_policy_problems_name_the_reference(tmp_path, changes, expected):
    assert any(e.startswith(expected) for e in _errors(_two(tmp_path, changes))), _errors(_two(tmp_path, changes))


def test_a_trust_adopts_once_for_its_schools_and_facts_merge_down(tmp_path):
    trust = "id: trust\npublish: false\nfacts:\n  lead_name: Trust Lead\n  head_title: Executive Head\npolicies:\n  model:\n    omit: [intro-a]\n  other: {}\n"
    school = "id: alpha\nextends: trust\nname: Alpha School\nfacts:\n  lead_name: Ann Lee\npolicies:\n  other:\n    append:\n      other-report: Tell the office too.\n"
    result = checked(_two(tmp_path, {"policies/schools/trust.yml": trust, ALPHA: school}))
    assert result.ok, [str(p) for p in result.problems]
    assert set(result.schools) == {"alpha"}
    model, other = result.schools["alpha"].policy("model"), result.schools["alpha"].policy("other")
    assert model.clause("intro-a") is None and model.values["lead_name"] == "Ann Lee" and model.values["head_title"] == "Executive Head"
    assert other.clause("other-report").body.endswith("Tell the office too.")
    assert [v.model.id for v in other.chain] == ["trust", "alpha"]


def test_adoption_tags_per_school_and_policy(tmp_path):
    other = checked(_two(tmp_path)).schools["alpha"].policy("other")
    assert chain_ids(other) == ["alpha/other", "alpha", "other"]


def test_a_staff_only_policy_is_left_out_of_the_public_edition(tmp_path):
    root = _two(tmp_path, {"policies/other/policy.yml": OTHER + "audience: staff\n",
                           "policies/model/clauses/rules-child-2.md": "---\nid: rules-child-2\ntitle: Calls\n---\nNo calls.\n"})
    public, _ = prepare(root, "alpha", edition="public", history=False, documents=lambda h: {})
    staff, _ = prepare(root, "alpha", edition="staff", history=False, documents=lambda h: {})
    assert public is not None and staff is not None
    assert not any(path.startswith("other/") for path in public.files) and "Anti-Bullying" not in json.dumps(public.nav)
    assert "other/other-intro.md" in staff.files and "Anti-Bullying Policy" in staff.files["register.md"]
    assert "Anti-Bullying" not in "".join(v for v in public.files.values() if isinstance(v, str))


def test_a_school_can_adopt_eight_policies(tmp_path):
    changes: dict[str, str | None] = {"policies/schools/beta.yml": None}
    for n in range(1, 9):
        changes[f"policies/p{n}/policy.yml"] = POLICY.replace("id: model", f"id: p{n}").replace("title: Model Policy", f"title: Policy {n}\ncategory: Group {n % 3}")
        changes.update({f"policies/p{n}/clauses/{cid}.md": body for cid, body in CLAUSES.items()})
        changes[f"policies/p{n}/forms/log.yml"] = "id: log\ntitle: Incident log\n"
    changes[ALPHA] = "id: alpha\nname: Alpha School\nfacts: {lead_name: Ann Lee}\npolicies:\n" + "".join(f"  p{n}: {{}}\n" for n in range(1, 9))
    root = project(tmp_path, changes)
    site, problems = prepare(root, "alpha", history=False, documents=lambda h: {})
    assert site is not None, [str(p) for p in problems]
    assert len(site.parts) == 8
    groups = [next(iter(entry)) for entry in site.nav]
    assert groups[:2] == ["Home", "Policy register"] and {"Group 0", "Group 1", "Group 2"} <= set(groups)
    register = site.files["register.md"]
    assert all(f"[Policy {n}](p{n}/index.md)" in register for n in range(1, 9))
    assert len(json.loads(site.files["clauses.json"])["clauses"]) == 8 * 6


# The built site ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_site_config(_two(tmp_path_factory.mktemp("handbook")))
    result = policy_site("--root", str(root), "build", "--site-dir", str(root / "site"), "-j", "1")
    assert result.returncode == 0, result.stderr
    return root / "site" / "alpha"


def _article(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return page[page.index("<article"):page.index("</article>")]


def test_cross_policy_references_work_both_ways(site):
    model = _article(site / "model" / "rules" / "index.html")
    other = _article(site / "other" / "other-intro" / "index.html")
    assert re.search(r'<a href="\.\./\.\./other/other-intro/#other-cyber">Anti-Bullying Policy, 1\.1 Cyberbullying</a>', model), model
    assert re.search(r'<a href="\.\./\.\./model/rules/#rules-child-1">Model Policy, 2\.1\.1 Photos</a>', other), other


def test_one_quick_reference_across_policies(site):
    page = _article(site / "dos-donts" / "index.html")
    photos = page[page.index('id="photos"'):page.index('id="reporting"')]
    assert "take photos of children on your own phone" in photos and "share photos of a pupil being bullied" in photos
    assert "Model Policy:" in photos and "Anti-Bullying Policy:" in photos
    assert 'href="../model/rules/#rules-child-1"' in photos and 'href="../other/other-intro/#other-cyber"' in photos


def test_one_forms_page_and_one_register_for_the_school(site):
    forms = _article(site / "forms" / "index.html")
    assert "Incident log" in forms and "Bullying report" in forms
    assert 'href="../other/downloads/report.pdf"' in forms and 'href="../model/downloads/log.pdf"' in forms
    register = _article(site / "register" / "index.html")
    assert register.count('class="policy-status') == 2 and "Business Manager" in register
    home = _article(site / "index.html")
    assert home.index("Other policies") < home.index("Model Policy") < home.index("Safeguarding and online safety") < home.index("Anti-Bullying Policy")


def test_one_search_index_holds_the_clauses_of_both_policies_each_naming_its_policy(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    clauses = {d["location"]: d for d in index["docs"] if d.get("kind") == "clause"}
    assert clauses["model/rules/#rules-child-1"]["policy"] == "Model Policy"
    assert clauses["other/other-intro/#other-cyber"]["policy"] == "Anti-Bullying Policy"
    pages = {d["location"]: d for d in index["docs"] if d.get("kind") == "page"}
    assert pages["other/whats-changed/"]["parent"] == "Anti-Bullying Policy" and pages["other/"]["parent"] == ""
    data = json.loads((site / "clauses.json").read_text(encoding="utf-8"))
    assert {c["policy"]["id"] for c in data["clauses"]} == {"model", "other"}
    assert {c["url"] for c in data["clauses"]} >= {"model/rules/#rules-child-1", "other/other-intro/#other-cyber"}


def test_whole_handbook_pdf_holds_every_policy_tagged_with_a_bookmark_each(site):
    handbook = PdfReader(BytesIO((site / "downloads" / "handbook.pdf").read_bytes()))
    assert "/StructTreeRoot" in handbook.trailer["/Root"] and handbook.metadata.title == "Alpha School: policy handbook"
    top = [item.title for item in handbook.outline if not isinstance(item, list)]
    assert top[-2:] == ["Model Policy", "Anti-Bullying Policy"]
    text = " ".join(" ".join(page.extract_text() for page in handbook.pages).split())
    for words in ("This policy applies to Alpha School.", "Staff must not take photos of children on their own phones.",
                  "Report bullying at Alpha School the same day.", "Bullying report", "Incident log",
                  "see also Anti-Bullying Policy, 1.1 Cyberbullying"):
        assert words in text, words
    model = " ".join(page.extract_text() for page in PdfReader(site / "model" / "downloads" / "policy.pdf").pages)
    assert "see also Anti-Bullying Policy, 1.1 Cyberbullying" in " ".join(model.split())


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name in ("id", "name") and value:
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_of_the_built_site_resolves(site):
    parsed: dict[Path, _Links] = {}
    broken = []
    for page in sorted(site.rglob("*.html")):
        parsed.setdefault(page, _parse(page))
        for link in parsed[page].links:
            url = urlsplit(link)
            if url.scheme or url.netloc or link.startswith(("mailto:", "tel:", "javascript:")):
                continue
            base = site if url.path.startswith("/") else page.parent  # 404.html's addresses start at the site's root
            target = (base / unquote(url.path.lstrip("/"))).resolve() if url.path else page
            if url.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.parents and target != site.resolve():
                broken.append((page.relative_to(site).as_posix(), link))
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed.setdefault(target, _parse(target)).ids
                if unquote(url.fragment) not in ids:
                    broken.append((page.relative_to(site).as_posix(), link))
    assert broken == [], "\n".join(map(str, broken))
    assert len(parsed) > 20


def test_status_lists_each_policy_of_a_school(tmp_path):
    from datetime import date

    from generator.outputs.status import format_table, statuses

    rows = statuses(_two(tmp_path), date(2026, 1, 1))
    assert [(r.school, r.policy) for r in rows] == [("alpha", "model"), ("alpha", "other")]
    table = format_table(rows)
    assert "alpha: model" in table and "alpha: other" in table


def test_the_list_of_schools_counts_a_handbooks_policies_and_those_overdue(tmp_path):
    from datetime import date

    from generator.outputs.site.site_index import index_html

    page = index_html(checked(_two(tmp_path)), date(2026, 1, 1))
    assert "<p>2 policies</p>" in page and '<span class="status overdue">1 overdue for review</span>' in page
    staff_only = _two(tmp_path / "staff", {"policies/other/policy.yml": OTHER + "audience: staff\n",
                                            "policies/model/clauses/rules-child-2.md": "---\nid: rules-child-2\ntitle: Calls\n---\nNo calls.\n"})
    public = index_html(checked(staff_only), date(2026, 1, 1), edition="public")
    assert "<p>Model Policy</p>" in public and "2 policies" not in public


def test_diff_is_per_school_and_policy(tmp_path):
    from generator.outputs.history.diff import diff_checked

    before = checked(project(tmp_path / "a", {"policies/schools/beta.yml": None}))
    after = checked(_two(tmp_path / "b"))
    diffs = diff_checked(before, after)
    assert sorted(diffs) == ["alpha/model", "alpha/other"]
    assert diffs["alpha/other"].status == "added" and [c.id for c in diffs["alpha/model"].changed] == ["rules-child-2"]


def test_check_school_strict_judges_only_what_the_school_publishes(tmp_path):
    root = _two(tmp_path, {
        "policies/model/clauses/rules-child-2.md": "---\nid: rules-child-2\ntitle: Calls\n---\nNo calls.\n",
        "policies/other/clauses/other-stray.md": "---\nid: other-stray\n---\nNot listed in any section.\n",
        "policies/schools/beta.yml": "id: beta\nfacts: {lead_name: Bo Chan}\npolicies:\n  model: {}\n",
    })
    assert policy_site("--root", str(root), "check", "--school", "beta", "--strict").returncode == 0
    alpha = policy_site("--root", str(root), "check", "--school", "alpha", "--strict")
    assert alpha.returncode == 1 and "policies/other/clauses/other-stray.md:2: warning: clause 'other-stray' is not listed" in alpha.stderr


def test_two_policies_with_the_same_clause_ids_make_one_pdf(tmp_path):
    from generator.outputs.documents.downloads import handbook_downloads

    copy = {f"policies/copy/clauses/{cid}.md": body for cid, body in CLAUSES.items()}
    copy["policies/copy/policy.yml"] = POLICY.replace("id: model", "id: copy").replace("title: Model Policy", "title: Copy Policy")
    copy[ALPHA] = "id: alpha\nname: Alpha School\nfacts: {lead_name: Ann Lee}\npolicies:\n  model: {}\n  copy: {}\n"
    copy["policies/copy/forms/log.yml"] = "id: log\ntitle: Incident log\nrequired_by: [intro-b]\n"
    result = checked(project(tmp_path, {**copy, "policies/schools/beta.yml": None}))
    assert result.ok, [str(p) for p in result.problems]
    handbook = result.schools["alpha"]
    pdf = PdfReader(BytesIO(handbook_downloads(handbook)["downloads/handbook.pdf"]))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Copy Policy" in text and "Model Policy" in text and text.count("appoints Ann Lee") == 2


def test_serve_previews_every_policy_of_the_handbook(tmp_path):
    from test_serve import serving

    root = copy_site_config(_two(tmp_path / "project"))
    with serving(root, tmp_path / "serve.log", "--school", "alpha") as served:
        pages = {path: served.get(path) for path in ("/", "/register/", "/model/rules/", "/other/other-intro/", "/other/downloads/policy.pdf")}
    assert {path: status for path, (status, _) in pages.items()} == dict.fromkeys(pages, 200)
    assert "Anti-Bullying Policy, 1.1 Cyberbullying" in pages["/model/rules/"][1]


@pytest.mark.parametrize("adopted, expected", [("Summer 2024", "Summer 2026"), ("2024-02-29", "2026-02-28"), ("March 2025", "March 2027")])
def test_an_adoption_reviewed_every_two_years(tmp_path, adopted, expected):
    school = TWO_POLICIES[ALPHA].replace("  other: {}\n", f"  other:\n    metadata: {{adopted: '{adopted}', review_cycle_years: 2}}\n")
    handbook = checked(_two(tmp_path, {ALPHA: school})).schools["alpha"]
    assert handbook.policy("other").metadata.review_due == expected
    assert handbook.policy("model").metadata.review_due == "Summer 2021"  # its own date, from the model


def test_a_schools_review_cycle_wins_over_the_models_review_date(tmp_path):
    school = TWO_POLICIES[ALPHA].replace("  model: {}\n", "  model:\n    metadata: {adopted: Spring 2025, review_cycle_years: 3}\n")
    assert checked(_two(tmp_path, {ALPHA: school})).schools["alpha"].policy("model").metadata.review_due == "Spring 2028"
