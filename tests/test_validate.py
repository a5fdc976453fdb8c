"""Each kind of bad input gives one message naming the file and line, what is wrong and what was expected."""
from __future__ import annotations

import pytest

from factories import CLAUSES, POLICY, SCHOOL, adoption, checked, project

C = "policies/model/clauses"
ALPHA = "policies/schools/alpha.yml"

CASES = [
    (
        "misspelt key with suggestion",
        {f"{C}/intro-a.md": "---\nid: intro-a\ntitel: Purpose\n---\nText.\n"},
        f"{C}/intro-a.md:3: unknown key 'titel' (did you mean 'title'?); expected one of: id, title",
    ),
    (
        "malformed YAML",
        {"policies/model/policy.yml": POLICY.replace("title: Model Policy", "title: [Model Policy")},
        "policies/model/policy.yml:3: malformed YAML",
    ),
    (
        "tab indentation",
        {ALPHA: "id: alpha\npolicies:\n  model:\n\tvariables: {}\n"},
        f"{ALPHA}:4: malformed YAML: found character '\\t' that cannot start any token; indent with spaces, not tabs",
    ),
    (
        "missing required key",
        {ALPHA: "name: Alpha\npolicies: {model: {}}\n"},
        f"{ALPHA}:1: missing required key 'id'",
    ),
    (
        "a school file of the old one-policy shape",
        {ALPHA: "id: alpha\nadopts: model\nomit: [intro-a]\n"},
        f"{ALPHA}:2: unknown key 'adopts': a school file now lists each policy it adopts under 'policies:' (did you mean policies: {{model: {{}}}}?)",
    ),
    (
        "wrong type",
        {ALPHA: "publish: maybe\n" + SCHOOL.format(id="alpha", adopts="model", name="Alpha", short="A", lead="Ann")},
        f"{ALPHA}:1: publish: Input should be a valid boolean",
    ),
    (
        "bad date",
        {"policies/model/policy.yml": POLICY.replace("review_due: Summer 2021", "review_due: Sumer 2021")},
        "policies/model/policy.yml:7: metadata.review_due: expected a date such as 2024-01-15, January 2024 or Summer 2021; got 'Sumer 2021'",
    ),
    (
        "duplicate clause ID",
        {f"{C}/intro-copy.md": CLAUSES["intro-a"]},
        "duplicate clause ID 'intro-a', already used by",
    ),
    (
        "section lists a clause with no file",
        {f"{C}/intro-b.md": None},
        "policies/model/policy.yml:14: section 'intro' lists clause 'intro-b', which has no file (did you mean 'intro-a'?); expected clauses/intro-b.md",
    ),
    (
        "omit names a missing clause",
        {ALPHA: SCHOOL.format(id="alpha", adopts="model", name="Alpha", short="A", lead="Ann") + adoption("omit: [rules-chld-1]\n")},
        f"{ALPHA}:8: omit names clause 'rules-chld-1', which is not in the policy 'model' (did you mean 'rules-child-1'?)",
    ),
    (
        "replace names a missing clause",
        {ALPHA: SCHOOL.format(id="alpha", adopts="model", name="Alpha", short="A", lead="Ann") + adoption("replace:\n  intro-z: New text\n")},
        f"{ALPHA}:9: replace names clause 'intro-z', which is not in the policy 'model'",
    ),
    (
        "unknown variable in clause text",
        {f"{C}/intro-a.md": "---\nid: intro-a\n---\nLine one.\nAsk {{ lead_nme }}.\n"},
        f"{C}/intro-a.md:5: unknown variable 'lead_nme' (did you mean 'lead_name'?)",
    ),
    (
        "unknown variable in school",
        {ALPHA: "id: alpha\npolicies:\n  model:\n    variables:\n      lead_nam: Ann\n"},
        f"{ALPHA}:5: unknown variable 'lead_nam' for policy 'model' (did you mean 'lead_name'?)",
    ),
    (
        "unset required variable warns",
        {ALPHA: "id: alpha\npolicies:\n  model: {}\n"},
        f"{ALPHA}:3: warning: required variable 'lead_name' (Name of the lead) has no value; staff see a blank and 'ask the school office'",
    ),
    (
        "layers loop",
        {ALPHA: "id: alpha\nextends: beta\n", "policies/schools/beta.yml": "id: beta\nextends: alpha\n"},
        f"{ALPHA}:2: layers loop: alpha → beta → alpha; expected the chain of `extends` to end at a layer that extends nothing",
    ),
    (
        "extends an unknown layer",
        {ALPHA: "id: alpha\nextends: trsut\npolicies: {model: {}}\n", "policies/schools/trust.yml": "id: trust\npublish: false\n"},
        f"{ALPHA}:2: extends 'trsut', which is not a school or layer (did you mean 'trust'?)",
    ),
    (
        "a published school that adopts nothing",
        {ALPHA: "id: alpha\nname: Alpha\n"},
        f"{ALPHA}:1: school 'alpha' adopts no policy; expected at least one under policies:",
    ),
    (
        "adopts an unknown policy",
        {ALPHA: "id: alpha\npolicies:\n  modle: {}\n"},
        f"{ALPHA}:3: adopts policy 'modle', which does not exist (did you mean 'model'?)",
    ),
    (
        "dangling cross-reference",
        {f"{C}/intro-a.md": "---\nid: intro-a\n---\nSee [[apendix-log]].\n"},
        f"{C}/intro-a.md:4: cross-reference to 'apendix-log', which does not exist (did you mean 'appendix-log'?)",
    ),
    (
        "Do's and Don'ts item cites a missing clause",
        {"policies/model/dos-donts.yml": "items:\n  - id: x\n    kind: do\n    text: t\n    clauses: [rules-child-9]\n"},
        "policies/model/dos-donts.yml:5: item 'x' cites clause 'rules-child-9', which does not exist (did you mean 'rules-child-2'?)",
    ),
    (
        "form names a missing clause",
        {"policies/model/forms/log.yml": "id: log\ntitle: Log\nrequired_by: [intro-x]\n"},
        "policies/model/forms/log.yml:3: required_by names clause 'intro-x', which does not exist (did you mean",
    ),
    (
        "cross-reference to a clause the school omits",
        {ALPHA: SCHOOL.format(id="alpha", adopts="model", name="Alpha", short="A", lead="Ann") + adoption("omit: [rules-child-1]\n")},
        "policies/model/dos-donts.yml:5: item 'no-photos' cites clause 'rules-child-1', which school 'alpha' omits",
    ),
    (
        "no front matter",
        {f"{C}/intro-a.md": "Just text.\n"},
        f"{C}/intro-a.md:1: no front matter; expected the file to start with a '---' line",
    ),
    (
        "invalid ID",
        {f"{C}/intro-a.md": "---\nid: Intro A\n---\nText.\n"},
        f"{C}/intro-a.md:2: id: not a valid ID; expected lowercase letters, digits and hyphens",
    ),
    (
        "bad phone number",
        {"policies/model/policy.yml": POLICY.replace("variables:\n", "variables:\n  phone: {type: phone, required: false, description: Phone}\n"),
         ALPHA: SCHOOL.format(id="alpha", adopts="model", name="Alpha", short="A", lead="Ann") + "      phone: call us\n"},
        f"{ALPHA}:8: variable 'phone' is 'call us'; expected a phone number",
    ),
]


@pytest.mark.parametrize("name, changes, expected", CASES, ids=[c[0] for c in CASES])
def test_problem_message(tmp_path, name, changes, expected):
    result = checked(project(tmp_path, changes))
    messages = [str(p) for p in result.problems]
    assert any(expected in m for m in messages), "\n".join(messages)


def test_minimal_project_is_clean(tmp_path):
    result = checked(project(tmp_path))
    assert result.problems == []
    assert sorted(result.schools) == ["alpha", "beta"]


def test_non_utf8_file(tmp_path):
    root = project(tmp_path)
    (root / C / "intro-a.md").write_bytes(b"---\nid: intro-a\n---\nCaf\xe9\n")
    messages = [str(p) for p in checked(root).problems]
    assert f"{C}/intro-a.md:4: byte 0xe9 is not UTF-8; expected a UTF-8 text file (save it as UTF-8)" in messages


def test_every_problem_is_collected_not_just_the_first(tmp_path):
    root = project(tmp_path, {
        f"{C}/intro-a.md": "---\nid: intro-a\ntitel: x\n---\nText.\n",
        f"{C}/intro-copy.md": CLAUSES["intro-b"],
        ALPHA: "id: alpha\npolicies:\n  model: {}\n",
    })
    problems = checked(root).problems
    assert len([p for p in problems if p.severity == "error"]) == 2
    assert len([p for p in problems if p.severity == "warning"]) == 1
