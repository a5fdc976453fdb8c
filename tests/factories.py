"""Small source trees for tests: a minimal valid project, and ways to break it."""
from __future__ import annotations

import textwrap
from pathlib import Path

from generator.sources.reading import FolderReader
from generator.core.validate import Checked, check

POLICY = """\
id: model
title: Model Policy
metadata:
  policy_lead: Business Manager
  approving_committee: Resources
  adopted: Summer 2019
  review_due: Summer 2021
variables:
  lead_name: {type: name, required: true, description: Name of the lead}
  head_title: {type: text, default: Headteacher, description: Title of the head}
sections:
  - id: intro
    title: Introduction
    clauses: [intro-a, intro-b]
  - id: rules
    title: Rules
    clauses:
      - rules-lead
      - rules-parent:
          - rules-child-1
          - rules-child-2
  - id: appendix-log
    appendix: "1"
    title: Incident log
    forms: [log]
  - id: quick
    title: Do's and Don'ts
    numbered: false
    dos_donts: true
"""

CLAUSES = {
    "intro-a": "---\nid: intro-a\ntitle: Purpose\n---\nThis policy applies to {{ school_name }}.\n",
    "intro-b": "---\nid: intro-b\ntitle: Lead\n---\nThe {{ head_title }} appoints {{ lead_name }}; see [[appendix-log]].\n",
    "rules-lead": "---\nid: rules-lead\nnumbered: false\n---\nStaff should observe the following.\n",
    "rules-parent": "---\nid: rules-parent\ntitle: Phones\n---\nPersonal phones:\n",
    "rules-child-1": "---\nid: rules-child-1\ntitle: Photos\n---\nStaff must not take photos of children on their own phones.\n",
    "rules-child-2": "---\nid: rules-child-2\ntitle: Calls\n---\nStaff must not call parents from a personal phone.\n",
}

DOS = """\
items:
  - id: no-photos
    kind: dont
    text: take photos of children on your own phone
    clauses: [rules-child-1]
    topic: photos
"""

FORM = """\
id: log
title: Incident log
tables:
  - id: entries
    columns: [Date, What happened, Action taken]
    rows: 5
required_by: [intro-b]
"""

SCHOOL = """\
id: {id}
name: {name}
short_name: {short}
policies:
  {adopts}:
    variables:
      lead_name: {lead}
"""

BOTH = """\
id: both
name: Both Policies School
policies:
  brent-esafety: {}
  cbc-social-media: {}
"""
"""A school adopting two of the project's real policies (copied into a test project)."""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return root


def minimal_files() -> dict[str, str]:
    files = {"policies/model/policy.yml": POLICY, "policies/model/dos-donts.yml": DOS, "policies/model/forms/log.yml": FORM}
    files.update({f"policies/model/clauses/{cid}.md": body for cid, body in CLAUSES.items()})
    files["policies/schools/alpha.yml"] = SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Lee")
    files["policies/schools/beta.yml"] = SCHOOL.format(id="beta", adopts="model", name="Beta School", short="Beta", lead="Bo Chan")
    return files


def project(tmp_path: Path, changes: dict[str, str | None] | None = None) -> Path:
    """A minimal project with some files replaced (text) or removed (None)."""
    files = minimal_files()
    for rel, text in (changes or {}).items():
        if text is None:
            files.pop(rel, None)
        else:
            files[rel] = text
    return write(tmp_path, files)


def checked(root: Path) -> Checked:
    return check(FolderReader(root))


def adoption(text: str) -> str:
    """Keys of the school's adoption of `model`, to append to a school file made from SCHOOL."""
    return textwrap.indent(text, "    ")
