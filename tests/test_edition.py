"""The public edition leaves every staff-only item out of every output."""
from __future__ import annotations

from pathlib import Path

from factories import POLICY, SCHOOL, project
from helpers import copy_site_config, policy_site

SECRET_CLAUSE = "Ring the duty line on 07700 900123 out of hours."
SECRET_ITEM = "use the code word BLUEBELL"
SECRET_FIELD = "Staff payroll number"
SECRET_FORM = "Internal escalation sheet"
SECRET_PHONE = "020 7946 0999"

CHANGES = {
    "policies/model/policy.yml": POLICY.replace(
        "variables:\n", "variables:\n  duty_phone: {type: phone, required: true, staff_only: true, description: Duty phone}\n"
    ).replace("clauses: [intro-a, intro-b]", "clauses: [intro-a, intro-b, intro-secret]").replace("forms: [log]", "forms: [log, escalation]"),
    "policies/model/clauses/intro-secret.md": f"---\nid: intro-secret\ntitle: Out of hours\nstaff_only: true\n---\n{SECRET_CLAUSE}\n",
    "policies/model/clauses/intro-a.md": "---\nid: intro-a\ntitle: Purpose\n---\nThis policy applies to {{ school_name }}. Duty phone: {{ duty_phone }}.\n",
    "policies/model/dos-donts.yml": (
        "items:\n"
        "  - {id: no-photos, kind: dont, text: take photos of children on your own phone, clauses: [rules-child-1]}\n"
        f"  - {{id: code-word, kind: do, text: {SECRET_ITEM}, clauses: [rules-child-2], staff_only: true}}\n"
    ),
    "policies/model/forms/log.yml": (
        "id: log\ntitle: Incident log\nfields:\n  - {id: name, label: Name}\n"
        f"  - {{id: payroll, label: {SECRET_FIELD}, staff_only: true}}\n"
    ),
    "policies/model/forms/escalation.yml": f"id: escalation\ntitle: {SECRET_FORM}\nstaff_only: true\nfields:\n  - {{id: who, label: Who}}\n",
    "policies/schools/alpha.yml": SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Lee") + f"      duty_phone: {SECRET_PHONE}\n",
}
SECRETS = (SECRET_CLAUSE, SECRET_ITEM, SECRET_FIELD, SECRET_FORM, SECRET_PHONE, "intro-secret", "code-word", "escalation")


def _all_text(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in site.rglob("*") if p.is_file())


def _build(root: Path, edition: str) -> Path:
    out = root / f"site-{edition}"
    result = policy_site("--root", str(root), "build", "--school", "alpha", "--edition", edition, "--site-dir", str(out))
    assert result.returncode == 0, result.stderr
    return out / "alpha"


def test_public_build_contains_no_staff_only_string(tmp_path):
    root = copy_site_config(project(tmp_path, CHANGES))
    staff = _all_text(_build(root, "staff"))
    for secret in (SECRET_CLAUSE, SECRET_ITEM, SECRET_FIELD, SECRET_FORM, SECRET_PHONE):
        assert secret in staff, f"the staff edition should show {secret!r}"
    public_site = _build(root, "public")
    public = _all_text(public_site)
    for secret in SECRETS:
        assert secret not in public, f"public edition leaks {secret!r}"
    assert "take photos of children on your own phone" in public
    assert "(available in the staff edition)" in public
