"""Decoy Community Primary School's handbook, brought in with `policy-site import` from the school's
own Word-made PDFs (../shared/corpus/decoy): ten files, which are seven policies, the newer
version of two of them (Anti-Bullying 2020 → 2021, Complaints 2021 → 2022) and the parents'
complaint form. Built here as the school's one site and read as a reader would."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.helpers import ROOT, policy_site
from tests.test_import_corpus import _Visible

CORPUS = ROOT.parent / "shared" / "corpus" / "decoy"
FIDELITY = ROOT.parent / "shared" / "tools" / "fidelity.py"
# each policy, the source of the version the repository holds, and the share of that source's
# 6-word runs the built site must keep (measured 2026-11-29; the running footers cut runs in the
# source that the site rightly joins, and `pdftotext` reads some tables column by column)
POLICIES = {
    "decoy-online-safety": ("2018-online-safety-policy", 0.92),
    "decoy-anti-bullying": ("2021-anti-bullying-policy", 0.97),
    "decoy-whistleblowing": ("2020-whistleblowing-policy", 0.97),
    "decoy-charging-remissions": ("2021-charging-and-remissions-policy", 0.91),  # footnotes under their paragraphs (0.914)
    "decoy-complaints": ("2022-complaints-policy", 0.92),
    "decoy-health-safety": ("2021-health-safety-policy", 0.90),
    "decoy-promoting-positive-behaviour": ("2022-promoting-positive-behaviour-policy", 0.97),
}
RUNNING = [
    r"SWGfL Online Safety Policies", r"Belvedere House, Woodwater Park", r"All rights reserved SWGfL",
    r"Approved by the FGB July 20\d\d", r"Page \d+ of \d+", r"Updated March 2021",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("decoy") / "site"
    run = policy_site("build", "--school", "decoy", "--site-dir", str(out), "--jobs", "1")
    assert run.returncode == 0, run.stderr
    return out / "decoy"


def _text(page: Path) -> str:
    parser = _Visible()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def test_one_handbook_holds_every_policy_the_files_hold(site: Path) -> None:
    school = yaml.safe_load((ROOT / "policies" / "schools" / "decoy.yml").read_text(encoding="utf-8"))
    assert (school["name"], school["short_name"], school["publish"]) == ("Decoy Community Primary School", "Decoy", True)
    assert set(school["policies"]) == set(POLICIES)
    home = _text(site / "index.html")
    for policy in POLICIES:
        title = yaml.safe_load((ROOT / "policies" / policy / "policy.yml").read_text(encoding="utf-8"))["title"]
        assert (site / policy / "index.html").is_file() and title in home


def test_the_parents_complaint_form_is_a_fillable_form_of_the_complaints_policy(site: Path) -> None:
    assert not list((ROOT / "policies").glob("decoy-*form*"))
    policy = yaml.safe_load((ROOT / "policies" / "decoy-complaints" / "policy.yml").read_text(encoding="utf-8"))
    assert "complaints-procedure-form-parents" in [f for s in policy["sections"] for f in s.get("forms", [])]
    fields = PdfReader(str(site / "decoy-complaints" / "downloads" / "complaints-procedure-form-parents.pdf")).get_fields() or {}
    assert {"your-name", "pupils-name", "signature", "date"} <= set(fields) and len(fields) >= 12


def test_each_policy_keeps_the_words_of_its_source(site: Path, tmp_path: Path) -> None:
    for policy, (source, _) in POLICIES.items():
        subprocess.run(["pdftotext", str(CORPUS / f"{source}.pdf"), str(tmp_path / f"{policy}.txt")], check=True)
    run = subprocess.run([sys.executable, str(FIDELITY), str(tmp_path), str(site.parent), "--min", "0", "--json"], capture_output=True, text=True)
    scores = {name.removesuffix(".txt"): v["coverage"] for name, v in json.loads(run.stdout.splitlines()[0]).items()}
    short = {policy: scores[policy] for policy, (_, floor) in POLICIES.items() if scores[policy] < floor}
    assert not short, f"below the floor: {short}"


@pytest.mark.parametrize("running", RUNNING)
def test_no_running_header_footer_or_page_number_in_any_page(site: Path, running: str) -> None:
    pages = [p for p in site.rglob("*.html") if re.search(running, _text(p))]
    assert not pages, pages[:3]


def test_no_clause_is_a_page_number_or_a_repeated_header() -> None:
    for path in (ROOT / "policies").glob("*/clauses/*.md"):
        if path.parent.parent.name not in POLICIES:
            continue
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        assert not re.search(r"^(\d{1,3}|Page \d+ of \d+|Decoy Primary School)$", body, re.M), path


@pytest.mark.parametrize(
    ("policy", "newer", "changes"),
    [
        ("decoy-anti-bullying", "Feb 2021", [r"Learning and Well-being Committee.*→.*Full Governing Board", r"Amended"]),
        ("decoy-complaints", "July 2023", [r"adopted: 'July 2021' → 'July 2022'", r"review_due: 'July 2022' → 'July 2023'"]),
    ],
)
def test_both_versions_are_in_history_and_differ_only_where_the_documents_do(policy: str, newer: str, changes: list[str]) -> None:
    """The commit that brought in the newer version (the first to state its date) against its parent."""
    log = subprocess.run(["git", "-C", str(ROOT), "log", "--format=%H", f"-G{newer}", "--", f"policies/{policy}/policy.yml"], capture_output=True, text=True, check=True)
    commits = log.stdout.split()
    if not commits:
        pytest.fail(f"no commit brings '{newer}' into policies/{policy}/policy.yml in this clone; expected the newer version's commit (a full clone)")
    diff = policy_site("diff", f"{commits[-1]}^", commits[-1], "--school", "decoy")
    assert diff.returncode == 0, diff.stderr
    title = yaml.safe_load((ROOT / "policies" / policy / "policy.yml").read_text(encoding="utf-8"))["title"]
    mine = next(part for part in diff.stdout.split("== ") if part and title in part.splitlines()[0])
    for change in changes:
        assert re.search(change, mine), mine
    assert "clauses: " not in mine and "Sections:" not in mine, mine


def test_a_heading_with_no_text_of_its_own_leads_to_the_sections_under_it(site: Path) -> None:
    """Whistleblowing's PROCEDURE heading stands over sections 4 to 8: its page is not left blank."""
    page = (site / "decoy-whistleblowing" / "procedure" / "index.html").read_text(encoding="utf-8")
    note = page[page.index('class="handbook-note"'):]
    note = note[: note.index("</div>")]
    assert "Handbook note:" in note
    linked = re.findall(r'<a href="([^"]+)">([^<]+)</a>', note)
    assert [text.split(".")[0] for _, text in linked] == ["4", "5", "6", "7", "8"]
    for href, _ in linked:
        assert (site / "decoy-whistleblowing" / "procedure" / href / "index.html").resolve().is_file(), href
