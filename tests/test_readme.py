"""The README is the front door: every command, option and file it names must exist."""
from __future__ import annotations

import re
import shutil

import click
import pytest
import yaml

from generator.cli.main import main
from generator.sources.model import DosDonts, Form, Policy, clause_ids
from helpers import ROOT, policy_site

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMAND = re.compile(r"policy-site ([a-z]+)((?:[ \t]+[^\s|`]+)*)")
OPTION = re.compile(r"--[a-z][a-z-]*")
PATH = re.compile(r"`((?:\.ci|\.vscode|benchmarks|docs|generator|overrides|policies|schemas|tests)/[^`\s<>…*]*)`")
# Paths that name what a build or a user makes, not files kept in the repository.
MADE = ("site/", "site-offline/")


def _commands() -> list[tuple[str, list[str]]]:
    out = []
    for line in README.splitlines():
        for m in COMMAND.finditer(line):
            if m.group(1) in {"generator"}:  # prose: "A static policy-site generator"
                continue
            out.append((m.group(1), OPTION.findall(m.group(2))))
    return out


def test_the_readme_names_commands():
    assert len(_commands()) >= 10


@pytest.mark.parametrize(("name", "options"), _commands(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_each_command_and_option_exists(name, options):
    command = main.commands.get(name)
    assert isinstance(command, click.Command), f"README names 'policy-site {name}', which does not exist"
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    assert set(options) <= known, f"'policy-site {name}' has no option {sorted(set(options) - known)}"


@pytest.mark.parametrize("path", sorted(set(PATH.findall(README))))
def test_each_repository_path_exists(path):
    assert (ROOT / path).exists(), f"README names {path}, which is not in the repository"


def test_the_two_set_up_commands_are_there():
    assert "./run serve" in README and "./run test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run test" in ci


# --- the editor's guide: its examples are real ---------------------------------------------

def _block(heading: str, lang: str) -> str:
    m = re.search(rf"^### {re.escape(heading)}.*?^```{lang}\n(.*?)^```", README, re.S | re.M)
    assert m, f"README has no {lang} example under '### {heading}'"
    return m.group(1)


def _yaml(heading: str) -> dict:
    return yaml.safe_load(_block(heading, "yaml"))


def test_the_clause_example_is_a_real_clause():
    example = _block("A clause", "markdown")
    clause_id = re.search(r"^id: (\S+)", example, re.M).group(1)
    found = list((ROOT / "policies").glob(f"*/clauses/{clause_id}.md"))
    assert found, f"the README's clause {clause_id} does not exist"
    text = " ".join(found[0].read_text(encoding="utf-8").split())
    body = example.split("---\n")[2]
    assert " ".join(body.split()) in text


def test_the_policy_example_is_valid_and_its_ids_exist():
    data = _yaml("The policy: `policy.yml`")
    policy = Policy.model_validate(data)
    folder = ROOT / "policies" / policy.id
    real = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    real_sections = {s["id"]: s for s in real["sections"]}
    for section in policy.sections:
        assert section.id in real_sections, section.id
        for clause_id in clause_ids(section.clauses):
            assert (folder / "clauses" / f"{clause_id}.md").is_file(), clause_id
        for form_id in section.forms:
            assert (folder / "forms" / f"{form_id}.yml").is_file(), form_id


def test_the_dos_donts_and_form_examples_are_valid_and_cite_real_clauses():
    dd = DosDonts.model_validate(_yaml("Do's & Don'ts: `dos-donts.yml`"))
    form = Form.model_validate(_yaml("Forms: `forms/<form-id>.yml`"))
    clauses = {p.stem for p in (ROOT / "policies").glob("*/clauses/*.md")}
    cited = {c for item in dd.items for c in item.clauses} | set(form.required_by)
    assert cited <= clauses, cited - clauses
    assert (ROOT / "policies" / "brent-esafety" / "forms" / f"{form.id}.yml").is_file()


def test_the_school_example_checks_clean_in_the_real_project(tmp_path):
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    data = _yaml("Schools and their policies: `schools/<school-id>.yml`")
    data["id"] = "readme-example"
    (tmp_path / "policies" / "schools" / "readme-example.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = policy_site("--root", str(tmp_path), "check", "--school", "readme-example")
    assert result.returncode == 0, result.stderr
    errors = [line for line in result.stderr.splitlines() if "readme-example" in line and "warning:" not in line]
    assert not errors, errors
