"""The command line as an editor meets it: exit codes, path:line messages, no tracebacks."""
from __future__ import annotations

import json
import re
import shutil

import yaml

from helpers import ROOT, copy_site_config, policy_site
from factories import project
from generator.sources.schema import SCHEMAS, schema_json

LINE = re.compile(r"^(\S+?):(\d+): ", re.M)


def test_check_real_sources_passes():
    result = policy_site("check")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_three_broken_sources_give_three_messages(tmp_path):
    """Issue acceptance: a misspelt key, a duplicate clause ID and an unset required variable."""
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    clauses = sorted((tmp_path / "policies/brent-esafety/clauses").glob("*.md"))
    misspelt, duplicated = clauses[0], clauses[-1]
    misspelt.write_text(misspelt.read_text(encoding="utf-8").replace("\nnumbered:", "\nnumberd:", 1), encoding="utf-8")
    (duplicated.parent / "zz-duplicate.md").write_text(duplicated.read_text(encoding="utf-8"), encoding="utf-8")
    fawood = yaml.safe_load((tmp_path / "policies/schools/fawood.yml").read_text(encoding="utf-8"))
    assert "esl_name" not in fawood.get("variables", {})
    result = policy_site("--root", str(tmp_path), "check", "--school", "fawood")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    messages = [m for m in result.stderr.splitlines() if LINE.match(m)]
    expected = [
        (misspelt, "unknown key 'numberd' (did you mean 'numbered'?)"),
        (duplicated.parent / "zz-duplicate.md", "duplicate clause ID"),
        (tmp_path / "policies/schools/fawood.yml", "required variable 'esl_name'"),
    ]
    for path, words in expected:
        rel = path.relative_to(tmp_path).as_posix()
        assert any(m.startswith(f"{rel}:") and words in m for m in messages), (rel, words, messages)


def test_strict_turns_warnings_into_failure(tmp_path):
    root = project(tmp_path, {"policies/schools/alpha.yml": "id: alpha\npolicies:\n  model: {}\n"})
    assert policy_site("--root", str(root), "check").returncode == 0
    strict = policy_site("--root", str(root), "check", "--strict")
    assert strict.returncode == 1
    assert "policies/schools/alpha.yml:3: warning: required variable 'lead_name'" in strict.stderr


def test_malformed_yaml_gives_no_traceback(tmp_path):
    root = project(tmp_path, {"policies/model/policy.yml": "id: model\n  title: [\n"})
    result = policy_site("--root", str(root), "check")
    assert result.returncode == 1
    assert result.stderr.startswith("policies/model/policy.yml:")
    assert "Traceback" not in result.stderr


def test_unknown_school_suggests_one(tmp_path):
    root = project(tmp_path)
    result = policy_site("--root", str(root), "build", "--school", "alpah")
    assert result.returncode == 1
    assert "no school 'alpah' (did you mean 'alpha'?)" in result.stderr


def test_committed_schemas_match_the_model():
    for name, model in SCHEMAS.items():
        committed = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert committed == schema_json(model), f"schemas/{name}.schema.json is stale: run 'policy-site schema'"


def test_schema_rejects_unknown_keys():
    school = json.loads(schema_json(SCHEMAS["school"]))
    assert school["additionalProperties"] is False
    assert school["required"] == ["id"]
    adoption = school["$defs"]["Adoption"]
    assert adoption["additionalProperties"] is False and {"omit", "replace", "append", "insert", "variables", "metadata"} <= set(adoption["properties"])


def test_failed_build_leaves_previous_site_untouched(tmp_path):
    root = copy_site_config(project(tmp_path))
    first = policy_site("--root", str(root), "build")
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    (root / "policies/model/clauses/intro-a.md").write_text("---\nid: intro-a\n---\nSee [[nowhere]].\n", encoding="utf-8")
    second = policy_site("--root", str(root), "build")
    assert second.returncode == 1
    after = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(root.glob(".building-*"))


def test_commands_find_the_project_from_a_subfolder(tmp_path):
    root = project(tmp_path)
    inside = policy_site("check", cwd=root / "policies" / "model" / "clauses")
    assert inside.returncode == 0, inside.stderr
    assert "ok: 1 policies" in inside.stdout


def test_outside_any_project_says_where_to_run(tmp_path):
    result = policy_site("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "no policy-site project here or in any folder above" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_and_build_name_the_line_of_a_bad_synonym_group(tmp_path):
    root = project(tmp_path / "project", {"policies/search-synonyms.yml": "groups:\n  - [phone, mobile]\n  - [photo, 7]\n"})
    result = policy_site("--root", str(root), "check")
    assert result.returncode == 1
    assert "policies/search-synonyms.yml:3:" in result.stderr and "Traceback" not in result.stderr
    build = policy_site("--root", str(root), "build", "--site-dir", str(tmp_path / "site"))
    assert build.returncode == 1 and "policies/search-synonyms.yml:3:" in build.stderr
    assert not (tmp_path / "site").exists()
