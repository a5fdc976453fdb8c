"""Adopted versions from tags, last substantive change per clause, the two pages, open data, feed."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from factories import SCHOOL, adoption, checked, project
from generator.outputs.history.opendata import atom_feed, clauses_json
from generator.outputs.history.changes import changes_since_adopted, differs_from_model_page, last_changed, whats_changed_page
from test_diff import ALPHA, commit, edit, git, history_repo, minor_edit_field  # noqa: F401  (autouse fixture)

ATOM = "{http://www.w3.org/2005/Atom}"
PENDING = SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Smith") + adoption("append:\n  rules-child-2: Except in an emergency.\n")


def make_tagged(tmp_path):
    """Commit 1 adopted for the whole model policy, commit 2 adopted by alpha; a later tag for
    beta and one off HEAD's history are ignored; alpha has an unadopted edit in the working tree."""
    repo = history_repo(tmp_path)
    git(repo, "tag", "adopted/model/2024-01-15", "HEAD~1")
    git(repo, "tag", "-a", "-m", "Adopted by the governors", "adopted/alpha/2024-03-10", "HEAD")
    git(repo, "tag", "adopted/beta/2024-05-01", "HEAD")
    git(repo, "switch", "-q", "-c", "elsewhere")
    edit(repo, {"policies/model/clauses/intro-a.md": "---\nid: intro-a\ntitle: Purpose\n---\nSomething else.\n"})
    commit(repo, "not on main", "2024-06-01")
    git(repo, "tag", "adopted/alpha/2024-06-02", "HEAD")
    git(repo, "switch", "-q", "main")
    edit(repo, {ALPHA: PENDING})
    return repo


@pytest.fixture
def tagged(tmp_path):
    return make_tagged(tmp_path)


@pytest.fixture(scope="module")
def whats_changed(tmp_path_factory) -> str:
    repo = make_tagged(tmp_path_factory.mktemp("tagged"))
    return whats_changed_page(changes_since_adopted(repo, "alpha"), checked(repo).schools["alpha"].policy("model"))


@pytest.fixture(scope="module")
def differs(tmp_path_factory) -> str:
    base = SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Lee")
    result = checked(project(tmp_path_factory.mktemp("differs"), {ALPHA: base + adoption(OVERLAY), "policies/model/forms/log.yml": "id: log\ntitle: Incident log\n"}))
    assert result.ok, [str(p) for p in result.problems]
    return differs_from_model_page(result.schools["alpha"].policy("model"))


def test_changes_since_adopted(tagged):
    changes = changes_since_adopted(tagged, "alpha")
    assert [c.adoption.tag for c in changes.history] == ["adopted/alpha/2024-03-10", "adopted/model/2024-01-15"]
    assert changes.adopted.day == date(2024, 3, 10) and changes.previous.tag == "adopted/model/2024-01-15"
    adopted = changes.since_previous
    assert ([r.id for r in adopted.added], [r.id for r in adopted.removed], [m.id for m in adopted.moved]) == (["rules-new"], ["intro-b"], ["rules-child-1"])
    assert [c.id for c in adopted.changed] == ["intro-a"] and [c.id for c in adopted.minor] == ["rules-child-2"]
    assert changes.history[1].diff is None
    assert [c.id for c in changes.pending.changed] == ["rules-child-2"]
    assert changes.pending.variables == []


def test_no_adoption_tag(tmp_path):
    changes = changes_since_adopted(history_repo(tmp_path), "alpha")
    assert changes.history == [] and changes.pending is None and changes.adopted is None


def test_last_substantive_change_is_an_adopted_version_skipping_minor_edits_and_moves(tagged):
    assert last_changed(tagged, "alpha") == {
        "intro-a": date(2024, 3, 10),        # reworded on 2024-03-05, adopted on 2024-03-10
        "rules-child-1": date(2024, 1, 15),  # only moved
        "rules-lead": date(2024, 1, 15),
        "rules-parent": date(2024, 1, 15),
        "rules-child-2": date(2024, 1, 15),  # minor edit; the working-tree append is not adopted
        "rules-new": date(2024, 3, 10),      # added
    }


def test_no_last_changed_date_before_any_adoption(tmp_path):
    assert last_changed(history_repo(tmp_path), "alpha") == {}


def test_last_changed_follows_school_overlays(tagged):
    commit(tagged, "alpha appends", "2024-04-02")
    assert last_changed(tagged, "alpha")["rules-child-2"] == date(2024, 1, 15)  # committed, not yet adopted
    git(tagged, "tag", "adopted/alpha/2024-04-03", "HEAD")
    assert last_changed(tagged, "alpha")["rules-child-2"] == date(2024, 4, 3)
    assert last_changed(tagged, "beta")["rules-child-2"] == date(2024, 1, 15)


@pytest.mark.parametrize(
    "fragment",
    [
        "# What's changed",
        "## Adopted on 10 March 2024 { #adopted-2024-03-10 }",
        "Compared with the version adopted on 15 January 2024:",
        "- [2.2 Tablets](rules.md#rules-new): new clause in 2. Rules",
        "- **1.2 Lead**: removed (was 1.2 in 1. Introduction)",
        "- [1.2 Photos](intro.md#rules-child-1): moved from 2.1.1 in 2. Rules to 1.2 in 1. Introduction",
        "    This policy applies to <ins>everyone at</ins> Alpha School.",
        "minor edit: phone → telephone",
        "### Names and contacts\n\n- **Name of the lead**: 'Ann Lee' → 'Ann Smith'",
        "## Earlier: adopted on 15 January 2024 { #adopted-2024-01-15 }\n\nThe first recorded adoption of this policy.",
        "## Changes not yet adopted { #not-yet-adopted }",
        "    <ins>Except in an emergency.</ins>",
    ],
)
def test_whats_changed_page(whats_changed, fragment):
    assert fragment in whats_changed, whats_changed


def test_whats_changed_page_without_history(tmp_path):
    root = project(tmp_path)
    resolved = checked(root).schools["alpha"].policy("model")
    page = whats_changed_page(changes_since_adopted(root, "alpha", resolved), resolved)
    assert "No changes since this policy was adopted in Summer 2019." in page and "git tag" not in page


OVERLAY = """\
omit: [intro-b]
replace:
  rules-child-2: Staff must never call parents from a personal phone, except in an emergency.
append:
  intro-a: It also applies to visitors.
insert:
  - after: rules-child-1
    clause: {id: alpha-tablets, title: Tablets, text: Tablets stay in school.}
"""


@pytest.mark.parametrize(
    "fragment",
    [
        "# How our policy differs from the model",
        "Alpha School uses the model *Model Policy*, with the changes below.",
        "## Clauses left out\n\n- **1.2 Lead**: left out; the model says: The Headteacher appoints Ann Lee; see Appendix 1: Incident log.",
        "## Wording replaced\n\n- [2.1.3 Calls](rules.md#rules-child-2): wording replaced (model text struck through)",
        "    Staff must <del>not</del><ins>never</ins> call parents from a personal <del>phone.</del><ins>phone, except in an emergency.</ins>",
        "## Text added\n\n- [1.1 Purpose](intro.md#intro-a): text added after the model's\n\n    <ins>It also applies to visitors.</ins>",
        "## Clauses added\n\n- [2.1.2 Tablets](rules.md#alpha-tablets): a clause of our own, after 2.1.1 Photos",
        "| Name of the lead | Ann Lee |",
    ],
)
def test_differs_from_model_page(differs, fragment):
    assert fragment in differs, differs


def test_unchanged_school_says_so(tmp_path):
    page = differs_from_model_page(checked(project(tmp_path)).schools["beta"].policy("model"))
    assert "Beta School uses the model *Model Policy* word for word: no clause is left out, replaced or added." in page


def test_clauses_json(tagged):
    resolved = checked(tagged).schools["alpha"].policy("model")
    data = json.loads(clauses_json(resolved, last_changed(tagged, "alpha", resolved)))
    assert data["school"] == {"id": "alpha", "name": "Alpha School"}
    by_id = {c["id"]: c for c in data["clauses"]}
    assert list(by_id) == ["intro-a", "rules-child-1", "rules-lead", "rules-parent", "rules-child-2", "rules-new"]
    assert by_id["rules-child-1"] == {
        "id": "rules-child-1", "number": "1.2", "title": "Photos", "label": None,
        "text": "Staff must not take photos of children on their own phones.",
        "section": {"id": "intro", "title": "1. Introduction"}, "topics": [],
        "last_changed": "2024-01-15", "dos_donts": ["no-photos"], "url": "intro/#rules-child-1", "items": [],
    }
    assert by_id["intro-a"]["text"] == "This policy applies to everyone at Alpha School."


def test_atom_feed_is_valid_with_an_entry_per_adoption(tagged):
    resolved = checked(tagged).schools["alpha"].policy("model")
    xml = atom_feed(resolved, changes_since_adopted(tagged, "alpha", resolved), "https://handbooks.example.org/alpha")
    feed = ET.fromstring(xml.encode())
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2024-03-10T00:00:00Z"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://handbooks.example.org/alpha/changes.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "https://handbooks.example.org/alpha/whats-changed/#adopted-2024-03-10",
        "https://handbooks.example.org/alpha/whats-changed/#adopted-2024-01-15",
    ]
    assert entries[0].findtext(f"{ATOM}title").startswith("Adopted on 10 March 2024: clauses: 1 added, 1 removed")
    content = entries[0].find(f"{ATOM}content")
    assert content.get("type") == "html" and "<ins>everyone at</ins>" in content.text
    for entry in entries:
        assert all(entry.find(f"{ATOM}{tag}") is not None for tag in ("id", "title", "updated"))


def test_a_tag_for_one_schools_adoption_of_one_policy(tmp_path):
    repo = history_repo(tmp_path)
    git(repo, "tag", "adopted/alpha/model/2024-01-15", "HEAD~1")
    git(repo, "tag", "adopted/alpha/model/2024-03-10", "HEAD")
    git(repo, "tag", "adopted/alpha/other/2024-04-01", "HEAD")  # another policy's adoption: not this one's
    git(repo, "tag", "adopted/beta/model/2024-05-01", "HEAD")  # another school's
    changes = changes_since_adopted(repo, "alpha")
    assert [c.adoption.tag for c in changes.history] == ["adopted/alpha/model/2024-03-10", "adopted/alpha/model/2024-01-15"]
    assert [r.id for r in changes.since_previous.added] == ["rules-new"]
