"""No staff-only text in any file of a public build, even through the adoption history.

The project below has a staff-only item of every kind (clause, sub-clause, Do's & Don'ts item,
whole form, form field, variable with a value and one with a default, a clause a school inserts,
a school's replacement and addition on staff-only clauses, an omitted staff-only clause) and three
adoptions in which the staff-only wording changed. Every staff-only string contains the marker
"kestrelx", so one search of every output file finds any leak, including ones not listed here.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from factories import POLICY, project
from generator.outputs.history.changes import differs_from_model_page
from generator.core.edition import for_edition
from generator.sources.reading import FolderReader
from generator.core.validate import check
from helpers import copy_site_config, policy_site
from test_diff import commit, git

MARKER = re.compile(r"kestrelx\w*", re.IGNORECASE)
ALPHA = "policies/schools/alpha.yml"
TAGS = (("adopted/alpha/2024-01-15", "2024-01-15"), ("adopted/alpha/2024-03-10", "2024-03-10"), ("adopted/alpha/2024-05-20", "2024-05-20"))

STAFF_NUMBERS = ["2.1", "2.1.1", "2.1.2", "2.1.3", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]
PUBLIC_NUMBERS = ["2.1", "2.1.1", "2.1.2", "2.2", "2.3"]


def _policy(v: int) -> str:
    rules = ["      - rules-lead", "      - rules-parent:", "          - rules-child-1", "          - kestrelx-sub", "          - rules-child-2",
             "      - kestrelx-replaced", "      - kestrelx-appended", "      - kestrelx-omitted"]
    rules += ["      - rules-after", "      - kestrelx-plain"] if v > 1 else ["      - kestrelx-gone", "      - rules-after"]
    rules += ["      - rules-last"]
    variables = (
        "variables:\n"
        "  duty_code: {type: text, required: true, staff_only: true, description: Kestrelxdescription}\n"
        "  safe_word: {type: text, required: false, staff_only: true, default: Kestrelxdefault, description: Safe word}\n"
    )
    return (
        POLICY.replace("variables:\n", variables)
        .replace("      - rules-lead\n      - rules-parent:\n          - rules-child-1\n          - rules-child-2\n", "\n".join(rules) + "\n")
        .replace("forms: [log]", "forms: [log, kestrelx-form]")
    )


def _clause(cid: str, title: str, body: str, staff_only: bool = True) -> str:
    return f"---\nid: {cid}\ntitle: {title}\n{'staff_only: true' if staff_only else ''}\n---\n{body}\n"


def version(v: int) -> dict[str, str | None]:
    """The sources at adoption `v` (1–3) and in the working tree (4)."""
    c = "policies/model/clauses"
    log_required = "[intro-b, kestrelx-plain]" if v > 2 else "[intro-b]"
    mixed = "  - {id: mixed, kind: do, text: report calls at once, clauses: [rules-child-2, kestrelx-plain]}\n" if v > 1 else ""
    return {
        "policies/model/policy.yml": _policy(v),
        f"{c}/intro-a.md": _clause("intro-a", "Purpose", "This policy applies to {{ school_name }}. Duty code: {{ duty_code }}, word {{ safe_word }}. "
                                   "See [[kestrelx-plain]] and [[kestrelx-form]].", staff_only=False),
        f"{c}/rules-child-2.md": _clause("rules-child-2", "Calls", f"Staff must not call parents from a personal phone (version {v}).", staff_only=False),
        f"{c}/kestrelx-sub.md": _clause("kestrelx-sub", f"Kestrelxsubtitle{v}", f"Kestrelxsub{v} text of a staff-only sub-clause."),
        f"{c}/kestrelx-replaced.md": _clause("kestrelx-replaced", "Kestrelxreplacedtitle", f"Kestrelxreplacedmodel{v} model wording."),
        f"{c}/kestrelx-appended.md": _clause("kestrelx-appended", "Kestrelxappendedtitle", f"Kestrelxappendedmodel{v} model wording."),
        f"{c}/kestrelx-omitted.md": _clause("kestrelx-omitted", "Kestrelxomittedtitle", f"Kestrelxomitted{v} model wording."),
        f"{c}/rules-after.md": _clause("rules-after", "After", "Staff report concerns the same day.", staff_only=False),
        f"{c}/kestrelx-plain.md": _clause("kestrelx-plain", f"Kestrelxplaintitle{v}", f"Kestrelxplain{v} ring the duty line.") if v > 1 else None,
        f"{c}/kestrelx-gone.md": _clause("kestrelx-gone", "Kestrelxgonetitle", "Kestrelxgone text.") if v == 1 else None,
        f"{c}/rules-last.md": _clause("rules-last", "Last", f"Public wording, version {v}.", staff_only=False),
        "policies/model/dos-donts.yml": (
            "items:\n"
            "  - {id: no-photos, kind: dont, text: take photos of children on your own phone, clauses: [rules-child-1], topic: photos}\n"
            f"  - {{id: kestrelx-item, kind: do, text: Kestrelxitem{v} use the code word, clauses: [rules-child-2], staff_only: true}}\n"
            "  - {id: kestrelx-only-cites-staff, kind: dont, text: Kestrelxcitesstaff, clauses: [kestrelx-sub]}\n"
            + mixed
        ),
        "policies/model/forms/log.yml": (
            "id: log\ntitle: Incident log\nfields:\n  - {id: name, label: Name}\n"
            f"  - {{id: kestrelx-field, label: Kestrelxfield{v}, staff_only: true}}\n"
            f"required_by: {log_required}\n"
        ),
        "policies/model/forms/kestrelx-form.yml": (
            f"id: kestrelx-form\ntitle: Kestrelxformtitle\nstaff_only: true\nintro: Kestrelxformintro{v} for the duty team.\n"
            "fields:\n  - {id: who, label: Who}\n"
        ),
        ALPHA: (
            "id: alpha\nname: Alpha School\nshort_name: Alpha\nsite_url: https://alpha.example.org/handbook/\n"
            f"facts:\n  duty_code: Kestrelxcode{v}\n"
            "policies:\n  model:\n"
            "    variables:\n      lead_name: Ann Lee\n"
            "    omit: [kestrelx-omitted]\n"
            f"    replace:\n      kestrelx-replaced: Kestrelxreplace{v} wording of our own.\n"
            f"    append:\n      kestrelx-appended: Kestrelxappend{v} added by the school.\n"
            "    insert:\n      - after: rules-after\n"
            f"        clause: {{id: kestrelx-inserted, title: Kestrelxinsertedtitle, text: Kestrelxinserted{v} text of our own., staff_only: true}}\n"
        ),
        "policies/schools/beta.yml": None,
    }


def _project(tmp_path: Path) -> Path:
    root = project(tmp_path, version(1))
    git(root, "init", "-q", "-b", "main")
    for v, (tag, day) in enumerate(TAGS, start=1):
        project(tmp_path, version(v))
        commit(root, f"version {v}", day)
        git(root, "tag", tag)
    project(tmp_path, version(4))
    return copy_site_config(root)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return _project(tmp_path_factory.mktemp("leak"))


@pytest.fixture(scope="module")
def sites(root) -> dict[str, Path]:
    out = {}
    for edition in ("staff", "public"):
        result = policy_site("--root", str(root), "build", "--school", "alpha", "--edition", edition, "--site-dir", str(root / f"site-{edition}"))
        assert result.returncode == 0, result.stderr
        out[edition] = root / f"site-{edition}" / "alpha"
    return out


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(v) for v in (reader.metadata or {}).values()]
    for name, field in (reader.get_fields() or {}).items():
        parts += [name, str(field.get("/TU", "")), str(field.get("/V", ""))]
    return "\n".join(parts)


def _texts(name: str, data: bytes) -> list[tuple[str, str]]:
    """The readable text of one output file, or of each member of an archive."""
    if name.endswith(".pdf"):
        return [(name, _pdf_text(data)), (name, data.decode("latin-1"))]
    if name.endswith((".docx", ".zip")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [t for member in archive.namelist() for t in _texts(f"{name}:{member}", archive.read(member))]
    if name.endswith(".gz"):
        return _texts(name.removesuffix(".gz"), gzip.decompress(data))
    return [(name, data.decode("utf-8", errors="replace"))]


def _every_text(site: Path) -> list[tuple[str, str]]:
    return [t for p in sorted(site.rglob("*")) if p.is_file() for t in _texts(p.relative_to(site).as_posix(), p.read_bytes())]


def _leaks(site: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, text in _every_text(site):
        hits = {m.lower() for m in MARKER.findall(text)}
        if hits:
            found.setdefault(name, set()).update(hits)
    return found


def test_every_kind_of_output_is_scanned(sites):
    names = {name.split(":")[0] for name, _ in _every_text(sites["public"])}
    for expected in ("index.html", "model/index.html", "model/whats-changed/index.html", "search/search_index.json", "model/changes.xml",
                     "clauses.json", "register/index.html", "forms/index.html", "dos-donts/index.html", "sitemap.xml",
                     "downloads/handbook.pdf", "model/downloads/policy.pdf", "model/downloads/log.docx", "model/downloads/log.pdf"):
        assert expected in names


def test_staff_edition_shows_every_staff_only_item(sites):
    staff = {m.lower() for _, text in _every_text(sites["staff"]) for m in MARKER.findall(text)}
    current = {"kestrelxsubtitle4", "kestrelxsub4", "kestrelxreplace4", "kestrelxappendedmodel4", "kestrelxappend4", "kestrelxplaintitle4",
               "kestrelxplain4", "kestrelxinserted4", "kestrelxinsertedtitle", "kestrelxitem4", "kestrelxfield4", "kestrelxformtitle",
               "kestrelxformintro4", "kestrelxcode4", "kestrelxdefault", "kestrelxomitted4", "kestrelxcitesstaff"}
    history = {"kestrelxsub2", "kestrelxsub3", "kestrelxreplace2", "kestrelxappend3", "kestrelxplain2", "kestrelxinserted1",
               "kestrelxitem2", "kestrelxformintro3", "kestrelxgonetitle"}
    assert current | history <= staff, sorted((current | history) - staff)
    by_file: dict[str, str] = {}  # the scanner reads inside PDFs and Word files
    for name, text in _every_text(sites["staff"]):
        by_file[name] = by_file.get(name, "") + text
    assert "Kestrelxplain4" in by_file["model/downloads/policy.pdf"] and "Kestrelxformintro4" in by_file["model/downloads/kestrelx-form.pdf"]
    assert "Kestrelxfield4" in by_file["model/downloads/log.docx:word/document.xml"]


def test_staff_history_reports_staff_only_changes(sites):
    page = (sites["staff"] / "model" / "whats-changed" / "index.html").read_text(encoding="utf-8")
    feed = (sites["staff"] / "model" / "changes.xml").read_text(encoding="utf-8")
    for marker in ("Kestrelxsub2", "Kestrelxsub3", "Kestrelxreplace3", "Kestrelxcode3", "Kestrelxformintro2"):
        assert marker in page and marker in feed


def test_public_edition_contains_no_staff_only_string(sites):
    assert _leaks(sites["public"]) == {}


def test_public_edition_keeps_the_public_text(sites):
    text = "\n".join(t for _, t in _every_text(sites["public"]))
    for public in ("take photos of children on your own phone", "report calls at once", "Public wording, version 4",
                   "(available in the staff edition)", "Staff report concerns the same day"):
        assert public in text
    page = (sites["public"] / "model" / "whats-changed" / "index.html").read_text(encoding="utf-8")
    assert "version <del>2.</del><ins>3.</ins>" in page


def test_public_history_shows_no_renumbering_caused_by_staff_only_clauses(sites):
    staff = (sites["staff"] / "model" / "whats-changed" / "index.html").read_text(encoding="utf-8")
    public = (sites["public"] / "model" / "whats-changed" / "index.html").read_text(encoding="utf-8")
    assert "renumbered 2.5 → 2.4" in staff
    assert "renumbered" not in public.lower()


def _numbers(site: Path, section: str) -> list[str]:
    data = json.loads((site / "clauses.json").read_text(encoding="utf-8"))
    return [c["number"] for c in data["clauses"] if c["section"]["id"] == section and c["number"]]


def test_public_clause_numbers_have_no_gaps(sites):
    assert _numbers(sites["staff"], "rules") == STAFF_NUMBERS
    assert _numbers(sites["public"], "rules") == PUBLIC_NUMBERS
    page = (sites["public"] / "model" / "rules" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h[2-6][^>]*>(\d+(?:\.\d+)+) ", page)
    assert headings == PUBLIC_NUMBERS
    assert "2.3 Last" in _pdf_text((sites["public"] / "model" / "downloads" / "policy.pdf").read_bytes())
    assert "2.7 Last" in _pdf_text((sites["staff"] / "model" / "downloads" / "policy.pdf").read_bytes())


def _resolved(root: Path, edition: str):
    checked = check(FolderReader(root), "alpha")
    assert checked.ok, [str(p) for p in checked.problems]
    return for_edition(checked.schools["alpha"], edition).policy("model")


def test_source_numbering_kept_when_asked(tmp_path):
    files = version(4)
    files[ALPHA] = files[ALPHA].replace("    variables:\n", "    public_numbering: source\n    variables:\n")
    public = _resolved(project(tmp_path, files), "public")
    assert [c.number for c in public.clauses() if c.section == "rules" and c.number] == ["2.1", "2.1.1", "2.1.3", "2.4", "2.7"]


def test_policy_sets_numbering_for_every_school(tmp_path):
    files = version(4)
    files["policies/model/policy.yml"] = files["policies/model/policy.yml"].replace("title: Model Policy\n", "title: Model Policy\npublic_numbering: source\n")
    public = _resolved(project(tmp_path, files), "public")
    assert [c.number for c in public.clauses() if c.section == "rules" and c.number] == ["2.1", "2.1.1", "2.1.3", "2.4", "2.7"]


def test_public_data_holds_nothing_staff_only(tmp_path):
    """The filtered policy itself, not only its pages: sources, school layers, forms, variables."""
    public = _resolved(project(tmp_path, version(4)), "public")
    own_references = re.compile(r"\[\[kestrelx-(plain|form)\]\]")  # a public clause's source text; rendered as a neutral phrase
    assert MARKER.findall(own_references.sub("", repr(public))) == []
    staff = _resolved(project(tmp_path, version(4)), "staff")
    assert len(set(MARKER.findall(own_references.sub("", repr(staff))))) > 20


def test_offline_public_edition_has_no_staff_only_string(root):
    out = root / "site-offline-public"
    result = policy_site("--root", str(root), "build", "--offline", "--school", "alpha", "--edition", "public", "--site-dir", str(out))
    assert result.returncode == 0, result.stderr
    assert _leaks(out) == {} and any(name.endswith(".zip:alpha/index.html") for name, _ in _every_text(out))


def test_clauses_under_a_staff_only_clause_are_left_out_with_it(tmp_path):
    files = version(4)
    files["policies/model/clauses/rules-parent.md"] = _clause("rules-parent", "Phones", "Personal phones:")
    public = _resolved(project(tmp_path, files), "public")
    ids = [c.id for c in public.clauses() if c.section == "rules"]
    assert ids == ["rules-lead", "rules-after", "rules-last"]
    assert [c.number for c in public.clauses() if c.section == "rules" and c.number] == ["2.1", "2.2"]
    assert [i.id for i in public.dos_donts.model.items] == []
    assert "rules-child-1" not in public.policy.clauses and "rules-child-1" not in public.policy.policy.model.model_dump_json()


def test_public_clause_inserted_after_a_staff_only_one(tmp_path):
    files = version(4)
    files[ALPHA] += "      - after: kestrelx-plain\n        clause: {id: alpha-own, title: Our own, text: A public clause of our own.}\n"
    root = project(tmp_path, files)
    public = _resolved(root, "public")
    assert [(c.id, c.number) for c in public.clauses() if c.section == "rules"][-3:] == [("rules-after", "2.2"), ("alpha-own", "2.3"), ("rules-last", "2.4")]
    page = differs_from_model_page(public, public=True)
    assert "- [2.3 Our own](rules.md#alpha-own): a clause of our own, after 2.2 After" in page
    assert not MARKER.search(page)
    assert "Kestrelxreplace4" in differs_from_model_page(_resolved(root, "staff"))
