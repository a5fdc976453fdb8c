"""`policy-site status`, the overdue banner, and the references register and scan."""
from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, policy_site
from factories import SCHOOL, adoption, checked, project
from generator.dates import parse_policy_date
from generator.core.legislation import Registry, load_registry, outdated, scan
from generator.sources.reading import FolderReader
from generator.outputs.status import Overdue, format_table, overdue_banner, overdue_by, statuses
from test_diff import history_repo, minor_edit_field  # noqa: F401  (autouse fixture)

TODAY = date(2026, 11, 22)
ALPHA = "policies/schools/alpha.yml"


@pytest.mark.parametrize(
    "due, today, expected",
    [
        ("2021-07-31", "2026-11-22", (63, 22, 1940)),
        ("2024-09-30", "2026-11-22", (25, 23, 783)),
        ("2024-01-31", "2024-02-29", (1, 0, 29)),
        ("2024-02-29", "2024-03-28", (0, 28, 28)),
        ("2024-01-31", "2024-03-31", (2, 0, 60)),
        ("2024-09-30", "2024-09-30", None),
        ("2024-09-30", "2024-01-01", None),
    ],
    ids=["brent", "cbc", "month end to month end", "under a month", "two month ends", "due today", "not yet due"],
)
def test_overdue_by(due, today, expected):
    late = overdue_by(date.fromisoformat(due), date.fromisoformat(today))
    assert (None if late is None else (late.months, late.days, late.total_days)) == expected


@pytest.fixture(scope="module")
def real_status():
    result = policy_site("status", "--today", TODAY.isoformat(), "--format", "json")
    assert result.returncode == 0, result.stderr
    return {row["school"]: row for row in json.loads(result.stdout)["schools"]}


def test_status_reports_overdue_reviews_the_real_dates_imply(real_status):
    brent = real_status["curzon-crescent"]
    assert (brent["review_due"], brent["due_date"]) == ("Summer 2021", "2021-07-31")
    assert brent["overdue"] == {"months": 63, "days": 22, "total_days": 1940}
    assert brent["review"] == "overdue by 5 years 3 months"
    assert brent["unset_variables"] == ["esl_address", "esl_name", "esl_phone"]
    assert brent["warnings"] >= 3
    for school, row in real_status.items():
        due = parse_policy_date(row["review_due"]) if row["review_due"] else None
        late = overdue_by(due, TODAY) if due else None
        assert row["overdue"] == (None if late is None else {"months": late.months, "days": late.days, "total_days": late.total_days}), school


def test_status_says_when_there_is_no_adoption_tag(tmp_path):
    repo = history_repo(tmp_path)
    assert {str(s.model_changes) for s in statuses(repo, TODAY)} == {"no adoption tag"}
    subprocess.run(["git", "-C", str(repo), "tag", "adopted/alpha/2024-03-05", "HEAD"], check=True)
    summaries = {s.school: str(s.model_changes) for s in statuses(repo, TODAY)}
    assert summaries == {"alpha": "none since adopted/alpha/2024-03-05", "beta": "no adoption tag"}


@pytest.mark.parametrize(
    "months, days, expected",
    [(63, 29, "5 years 3 months"), (12, 4, "1 year"), (13, 0, "1 year 1 month"), (2, 5, "2 months"), (0, 1, "1 day"), (0, 28, "28 days")],
)
def test_overdue_reads_in_years_and_months(months, days, expected):
    assert str(Overdue(months, days, 0)) == expected


def test_status_table_has_a_row_per_school():
    result = policy_site("status", "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["school", "adopted", "review"]
    assert any(line.startswith("curzon-crescent ") and "overdue by 5 years 3 months" in line for line in lines)
    assert max(len(line) for line in lines) <= 100


def test_status_table_wide_has_every_column():
    result = policy_site("status", "--today", TODAY.isoformat(), "--wide")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["school", "policy", "adopted"]
    assert any(line.startswith("curzon-crescent ") and "esl_address, esl_name, esl_phone" in line for line in lines)
    assert max(len(line) for line in lines) > 100


def test_status_table_wraps_long_cells_to_fit(tmp_path):
    repo = history_repo(tmp_path)
    subprocess.run(["git", "-C", str(repo), "tag", "adopted/model/2024-01-15", "HEAD~1"], check=True)
    table = format_table(statuses(repo, TODAY), 60)
    assert max(len(line) for line in table.splitlines()) <= 60
    assert "since" in table and "2024-01-15" in table


def test_status_bad_today_is_a_usage_error():
    result = policy_site("status", "--today", "22/11/2026")
    assert result.returncode == 2 and "expected YYYY-MM-DD" in result.stderr


def test_model_changes_since_the_adoption_tag(tmp_path):
    repo = history_repo(tmp_path)
    subprocess.run(["git", "-C", str(repo), "tag", "adopted/model/2024-01-15", "HEAD~1"], check=True)
    alpha = next(s for s in statuses(repo, TODAY) if s.school == "alpha")
    changes = alpha.model_changes
    assert changes.since == "adopted/model/2024-01-15"
    assert changes.commits == 1
    assert changes.clauses == ["intro-a", "intro-b", "rules-child-2", "rules-new"]
    assert changes.files == ["policies/model/forms/log.yml", "policies/model/policy.yml"]


def test_no_git_repository(tmp_path):
    root = project(tmp_path)
    assert {str(s.model_changes) for s in statuses(root, TODAY)} == {"not a git repository"}


@pytest.mark.parametrize(
    "today, expected",
    [(date(2026, 11, 22), "5 years 3 months overdue"), (date(2021, 7, 31), None)],
    ids=["overdue", "due today"],
)
def test_overdue_banner(tmp_path, today, expected):
    resolved = checked(project(tmp_path)).schools["alpha"].policy("model")
    banner = overdue_banner(resolved, today)
    if expected is None:
        assert banner is None
    else:
        assert banner.startswith('!!! warning "Review overdue"\n    This policy was due for review by Summer 2021 (31 July 2021)')
        assert expected in banner and "ask the Business Manager" in banner


# --- references ---------------------------------------------------------------------------

REGISTRY = ROOT / "policies" / "references.yml"


@pytest.fixture(scope="module")
def registry() -> Registry:
    located, problems = load_registry(FolderReader(ROOT))
    assert problems == [] and located is not None
    return located.model


@pytest.mark.parametrize(
    "text, expected",
    [
        ("according to the Data Protection Act 1998.", [("Data Protection Act 1998", "Data Protection Act 2018")]),
        ("the data protection act, 1998 applies", [("Data Protection Act 1998", "Data Protection Act 2018")]),
        ("Data Protection Act (2018) and UK GDPR", []),
        ("Keeping Children Safe in Education (DfE September 2022)", [("Keeping Children Safe in Education 2022", "Keeping Children Safe in Education 2025")]),
        ("KCSIE 2023 says", [("Keeping Children Safe in Education 2023", "Keeping Children Safe in Education 2025")]),
        ("Keeping Children Safe in Education 2025", []),
        ("the latest Keeping Children Safe in Education document", []),
        ("the Disability Discrimination Act 1995", [("Disability Discrimination Act 1995", "Equality Act 2010")]),
        ("Communications Act 2003, Malicious Communications Act 1988, Computer Misuse Act 1990", []),
    ],
    ids=["dpa 1998", "lower case", "current", "kcsie 2022", "kcsie short", "kcsie current", "kcsie undated", "dda", "current acts"],
)
def test_outdated_citations(registry, text, expected):
    assert [(c.cited, c.replacement) for c in outdated(registry, text)] == expected


def test_registry_seeds_the_required_entries(registry):
    titles = {r.title for r in registry.references}
    for title in ("Data Protection Act 1998", "Data Protection Act 2018", "UK GDPR", "Keeping Children Safe in Education",
                  "Communications Act 2003", "Malicious Communications Act 1988", "Protection from Harassment Act 1997",
                  "Computer Misuse Act 1990", "Education and Inspections Act 2006", "Safeguarding Vulnerable Groups Act 2006",
                  "Freedom of Information Act 2000", "Defamation Act 2013", "Human Rights Act 1998", "Equality Act 2010", "Public Order Act 1986"):
        assert title in titles
    assert all(r.url.startswith("https://") for r in registry.references)


def test_scan_flags_the_hampreston_data_protection_act_1998():
    reader = FolderReader(ROOT)
    messages = [str(p) for p in scan(checked(ROOT).project, reader)]
    assert (
        "policies/hampreston-esafety/clauses/hamp-pd-data-protection-act.md:5: warning: cites 'Data Protection Act 1998', "
        "superseded by 'Data Protection Act 2018'; expected the current reference (the wording stays; this is for the editor)"
    ) in messages


def _with_registry(tmp_path: Path, text: str, changes: dict[str, str] | None = None) -> list[str]:
    root = project(tmp_path, {"policies/references.yml": text, **(changes or {})})
    return [str(p) for p in scan(checked(root).project, FolderReader(root))]


def test_scan_finds_citations_in_school_overlays_and_sub_lines(tmp_path):
    overlay = SCHOOL.format(id="alpha", adopts="model", name="Alpha", short="A", lead="Ann") + adoption("append:\n  intro-a: |\n    First line.\n    See the Data Protection Act 1998.\n")
    clause = "---\nid: intro-a\n---\nLine one.\nLine two cites KCSIE 2019.\n"
    messages = _with_registry(tmp_path, REGISTRY.read_text(encoding="utf-8"), {ALPHA: overlay, "policies/model/clauses/intro-a.md": clause})
    assert any(m.startswith(f"{ALPHA}:11: warning: cites 'Data Protection Act 1998'") for m in messages), messages
    assert any(m.startswith("policies/model/clauses/intro-a.md:5: warning: cites 'Keeping Children Safe in Education 2019'") for m in messages), messages


ENTRY = "  - id: {id}\n    title: T\n    url: https://e.org\n    status: {status}\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("references:\n" + ENTRY.format(id="a", status="current") + "    titel: x\n", "policies/references.yml:6: unknown key 'titel' (did you mean 'title'?)"),
        ("references:\n" + ENTRY.format(id="a", status="superseded"), "policies/references.yml:2: references.0: a superseded reference needs superseded_by"),
        ("references:\n" + ENTRY.format(id="a", status="superseded") + "    superseded_by: bb\n" + ENTRY.format(id="b", status="current"),
         "policies/references.yml:6: superseded_by names 'bb', which is not in the register (did you mean 'b'?)"),
        ("references:\n" + ENTRY.format(id="a", status="current") + "    patterns: ['(unclosed']\n", "policies/references.yml:6: references.0.patterns: pattern '(unclosed' is not a regular expression"),
        ("references:\n" + ENTRY.format(id="a", status="current") + ENTRY.format(id="a", status="current"), "policies/references.yml:6: duplicate reference ID 'a'"),
        ("references: [\n", "policies/references.yml:2: malformed YAML"),
    ],
    ids=["unknown key", "superseded without successor", "unknown successor", "bad regex", "duplicate id", "malformed"],
)
def test_registry_problems_have_path_and_line(tmp_path, text, expected):
    messages = _with_registry(tmp_path, text)
    assert any(m.startswith(expected) for m in messages), messages


def test_real_registry_is_valid_yaml_with_unique_ids():
    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    ids = [r["id"] for r in data["references"]]
    assert len(ids) == len(set(ids))
