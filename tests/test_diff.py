"""Clause-level diff between two git revisions: identity by clause ID, redlines, minor edits."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.sources.load
from factories import POLICY, SCHOOL, project, write
from generator.cli.main import main
from generator.outputs.history.diff import diff_revisions
from generator.outputs.history.report import format_report
from generator.outputs.history.redline import redline, words_changed
from generator.sources.model import ClauseMeta

C = "policies/model/clauses"
ALPHA = "policies/schools/alpha.yml"

POLICY_B = POLICY.replace(
    "    clauses: [intro-a, intro-b]\n", "    clauses: [intro-a, rules-child-1]\n"
).replace(
    "          - rules-child-1\n          - rules-child-2\n", "          - rules-child-2\n      - rules-new\n"
)

EDITS: dict[str, str | None] = {
    # reword
    f"{C}/intro-a.md": "---\nid: intro-a\ntitle: Purpose\n---\nThis policy applies to everyone at {{ school_name }}.\n",
    # remove (the form that named it now names intro-a)
    f"{C}/intro-b.md": None,
    "policies/model/forms/log.yml": "id: log\ntitle: Incident log\ntables:\n  - id: entries\n    columns: [Date, What happened, Action taken]\n    rows: 5\nrequired_by: [intro-a]\n",
    # move rules-child-1 into the introduction, add rules-new at the end of the rules
    "policies/model/policy.yml": POLICY_B,
    f"{C}/rules-new.md": "---\nid: rules-new\ntitle: Tablets\n---\nTablets stay in school.\n",
    # minor edit, declared in the clause's front matter
    f"{C}/rules-child-2.md": "---\nid: rules-child-2\ntitle: Calls\nminor_edit: phone → telephone\n---\nStaff must not call parents from a personal telephone.\n",
    # a school's variable
    ALPHA: SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Smith"),
}


class _ClauseMetaWithMinorEdit(ClauseMeta):
    minor_edit: str | None = None


@pytest.fixture(scope="module", autouse=True)
def minor_edit_field():
    """Until `ClauseMeta` has `minor_edit`, let the loader accept it (see the module docstring of generator.outputs.history.diff)."""
    with pytest.MonkeyPatch.context() as patch:
        if "minor_edit" not in ClauseMeta.model_fields:
            patch.setattr(generator.sources.load, "ClauseMeta", _ClauseMetaWithMinorEdit)
        yield


def git(root: Path, *args: str, day: str = "2024-01-10") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00"}
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def commit(root: Path, message: str, day: str) -> str:
    git(root, "add", "-A", day=day)
    git(root, "commit", "-q", "-m", message, day=day)
    return git(root, "rev-parse", "HEAD").strip()


def edit(root: Path, changes: dict[str, str | None]) -> None:
    for rel, text in changes.items():
        if text is None:
            (root / rel).unlink()
        else:
            write(root, {rel: text})


def history_repo(tmp_path: Path) -> Path:
    """Commit 1 (2024-01-10): the minimal project. Commit 2 (2024-03-05): EDITS."""
    root = project(tmp_path)
    git(root, "init", "-q", "-b", "main")
    commit(root, "first version", "2024-01-10")
    edit(root, EDITS)
    commit(root, "second version", "2024-03-05")
    return root


@pytest.fixture
def repo(tmp_path):
    return history_repo(tmp_path)


@pytest.fixture(scope="module")
def shared_repo(tmp_path_factory):
    """The same history, shared by tests that only read it."""
    return history_repo(tmp_path_factory.mktemp("history"))


@pytest.mark.parametrize(
    "old, new, style, expected, words",
    [
        ("a b c", "a x c", "text", "a [-b-]{+x+} c", 1),
        ("a b c", "a c", "text", "a [-b-] c", 1),
        ("a c", "a b c", "markdown", "a **b** c", 1),
        ("a b c", "a x y c", "markdown", "a ~~b~~ **x y** c", 2),
        ("a <b> c", "a <i> c", "html", "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins> c", 1),
        ("one\ntwo", "one\nthree", "text", "one\n[-two-]{+three+}", 1),
        ("same words\nhere", "same   words here", "text", "same   words here", 0),
    ],
    ids=["replace", "delete", "insert md", "replace md", "html escapes", "across lines", "whitespace only"],
)
def test_word_redline(old, new, style, expected, words):
    assert redline(old, new, style) == expected
    assert words_changed(old, new) == words


def test_diff_reports_exactly_the_edits(shared_repo):
    result = diff_revisions(shared_repo, "HEAD~1", "HEAD")
    assert (result.errors_a, result.errors_b) == (0, 0)
    assert sorted(result.schools) == ["alpha/model", "beta/model"]
    alpha = result.schools["alpha/model"]
    assert [(r.id, r.number) for r in alpha.added] == [("rules-new", "2.2")]
    assert [(r.id, r.number) for r in alpha.removed] == [("intro-b", "1.2")]
    assert [(m.id, m.before.number, m.after.number, m.after.section) for m in alpha.moved] == [("rules-child-1", "2.1.1", "1.2", "intro")]
    assert [(m.id, m.before.number, m.after.number) for m in alpha.renumbered] == [("rules-child-2", "2.1.2", "2.1.1")]
    assert [(c.id, c.words) for c in alpha.changed] == [("intro-a", 2)]
    assert [(c.id, c.minor_note) for c in alpha.minor] == [("rules-child-2", "phone → telephone")]
    assert [(v.key, v.old, v.new) for v in alpha.variables] == [("lead_name", "Ann Lee", "Ann Smith")]
    assert [(f.id, f.details) for f in alpha.forms] == [("log", ("required_by ['intro-b'] → ['intro-a']",))]
    assert (alpha.metadata, alpha.sections, alpha.dos_donts) == ([], [], [])
    beta = result.schools["beta/model"]
    assert beta.variables == [] and [c.id for c in beta.changed] == ["intro-a"]


def test_a_revision_against_itself_is_empty(shared_repo):
    result = diff_revisions(shared_repo, "HEAD", "HEAD")
    assert all(d.empty for d in result.schools.values())


def test_minor_note_only_counts_when_new(repo):
    """A later reword that keeps the old minor_edit note is substantive."""
    edit(repo, {f"{C}/rules-child-2.md": "---\nid: rules-child-2\ntitle: Calls\nminor_edit: phone → telephone\n---\nStaff must never call parents from a personal telephone.\n"})
    commit(repo, "reword", "2024-04-01")
    alpha = diff_revisions(repo, "HEAD~1", "HEAD", school="alpha").schools["alpha/model"]
    assert [c.id for c in alpha.changed] == ["rules-child-2"] and alpha.minor == []


FORMAT_FRAGMENTS = {
    "text": [
        "== alpha: Alpha School: Model Policy",
        "  Added:\n    - 2.2 Tablets [rules-new]: new clause in 2. Rules",
        "  Removed:\n    - 1.2 Lead [intro-b]: removed (was 1.2 in 1. Introduction)",
        "  Moved:\n    - 1.2 Photos [rules-child-1]: moved from 2.1.1 in 2. Rules to 1.2 in 1. Introduction",
        "    - 1.1 Purpose [intro-a]: wording changed (2 words)\n        This policy applies to {+everyone at+} {{ school_name }}.",
        "  Minor edits:\n    - 2.1.1 Calls [rules-child-2]: wording changed (1 word); minor edit: phone → telephone\n        Staff must not call parents from a personal [-phone.-]{+telephone.+}",
        "  Renumbered:\n    - 2.1.1 Calls [rules-child-2]: renumbered 2.1.2 → 2.1.1",
        "  Variables:\n    - lead_name: 'Ann Lee' → 'Ann Smith'",
        "  Forms:\n    - log: changed: required_by ['intro-b'] → ['intro-a']",
    ],
    "markdown": [
        "## Alpha School: Model Policy (alpha)",
        "### Added\n\n- **2.2 Tablets** `rules-new`: new clause in 2. Rules",
        "### Removed\n\n- **1.2 Lead** `intro-b`: removed (was 1.2 in 1. Introduction)",
        "### Moved\n\n- **1.2 Photos** `rules-child-1`: moved from 2.1.1 in 2. Rules to 1.2 in 1. Introduction",
        "- **1.1 Purpose** `intro-a`: wording changed (2 words)\n\n    This policy applies to **everyone at** {{ school_name }}.",
        "personal ~~phone.~~ **telephone.**",
        "### Variables\n\n- **lead_name**: 'Ann Lee' → 'Ann Smith'",
    ],
    "html": [
        "<h2>Alpha School: Model Policy <code>alpha</code></h2>",
        "<li><strong>2.2 Tablets</strong> <code>rules-new</code>: new clause in 2. Rules</li>",
        "<li><strong>1.2 Lead</strong> <code>intro-b</code>: removed (was 1.2 in 1. Introduction)</li>",
        "moved from 2.1.1 in 2. Rules to 1.2 in 1. Introduction",
        '<div class="redline">This policy applies to <ins>everyone at</ins> {{ school_name }}.</div>',
        "personal <del>phone.</del><ins>telephone.</ins>",
        "lead_name</strong>: &#x27;Ann Lee&#x27; → &#x27;Ann Smith&#x27;",
    ],
}


def test_text_is_coloured_for_a_terminal(shared_repo):
    result = diff_revisions(shared_repo, "HEAD~1", "HEAD", school="alpha")
    out = format_report(result.schools.values(), "text", color=True)
    assert "\x1b[32m{+everyone at+}\x1b[0m" in out and "\x1b[31m[-phone.-]\x1b[0m\x1b[32m{+telephone.+}\x1b[0m" in out


@pytest.mark.parametrize("fmt", sorted(FORMAT_FRAGMENTS))
def test_cli_diff_in_each_format(shared_repo, fmt):
    result = CliRunner().invoke(main, ["--root", str(shared_repo), "diff", "HEAD~1", "HEAD", "--format", fmt])
    assert result.exit_code == 0, result.output
    for fragment in FORMAT_FRAGMENTS[fmt]:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    assert "\x1b[" not in result.output  # no colour when stdout is not a terminal


def test_cli_diff_one_school_and_the_working_tree(repo):
    edit(repo, {ALPHA: SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Jones")})
    result = CliRunner().invoke(main, ["--root", str(repo), "diff", "HEAD", "--school", "alpha"])
    assert result.exit_code == 0, result.output
    assert "lead_name: 'Ann Smith' → 'Ann Jones'" in result.output
    assert "beta" not in result.output


def test_cli_diff_unknown_revision_is_a_clear_error(shared_repo):
    result = CliRunner().invoke(main, ["--root", str(shared_repo), "diff", "nope", "HEAD"])
    assert result.exit_code != 0
    assert "'nope' is not a commit" in result.output
    assert "Traceback" not in result.output
