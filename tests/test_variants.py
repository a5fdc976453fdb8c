"""Variant resolution: numbering from order, overlays, chains."""
from __future__ import annotations

import pytest

from factories import SCHOOL, adoption, checked, project

ALPHA = "policies/schools/alpha.yml"
BASE = SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Lee")


def numbers(tmp_path, changes=None, school="alpha"):
    result = checked(project(tmp_path, changes))
    assert result.ok, [str(p) for p in result.problems]
    return [(c.id, c.number) for c in result.schools[school].policy("model").clauses()]


def test_numbers_follow_order_nesting_and_unnumbered_lead_ins(tmp_path):
    assert numbers(tmp_path) == [
        ("intro-a", "1.1"),
        ("intro-b", "1.2"),
        ("rules-lead", None),
        ("rules-parent", "2.1"),
        ("rules-child-1", "2.1.1"),
        ("rules-child-2", "2.1.2"),
    ]


@pytest.mark.parametrize(
    "overlay, expected",
    [
        ("omit: [intro-a]\n", [("intro-b", "1.1"), ("rules-lead", None), ("rules-parent", "2.1"), ("rules-child-1", "2.1.1"), ("rules-child-2", "2.1.2")]),
        ("omit: [rules-parent]\n", [("intro-a", "1.1"), ("intro-b", "1.2"), ("rules-lead", None)]),
        (
            "insert:\n  - after: rules-child-1\n    clause: {id: alpha-extra, title: Extra, text: Our own rule.}\n",
            [("intro-a", "1.1"), ("intro-b", "1.2"), ("rules-lead", None), ("rules-parent", "2.1"), ("rules-child-1", "2.1.1"), ("alpha-extra", "2.1.2"), ("rules-child-2", "2.1.3")],
        ),
    ],
    ids=["omit renumbers", "omit drops sub-clauses", "insert after a sub-clause"],
)
def test_structural_overlays(tmp_path, overlay, expected):
    assert numbers(tmp_path, {ALPHA: BASE + adoption(overlay), "policies/model/dos-donts.yml": None}) == expected


def test_replace_and_append_change_only_that_school(tmp_path):
    overlay = "replace:\n  intro-a: Our own purpose.\nappend:\n  rules-child-2: Except in an emergency.\n"
    result = checked(project(tmp_path, {ALPHA: BASE + adoption(overlay)}))
    alpha, beta = result.schools["alpha"].policy("model"), result.schools["beta"].policy("model")
    assert alpha.clause("intro-a").body == "Our own purpose."
    assert alpha.clause("intro-a").path == ALPHA
    assert alpha.clause("rules-child-2").body.endswith("personal phone.\n\nExcept in an emergency.")
    assert beta.clause("intro-a").body == "This policy applies to {{ school_name }}."


def test_variant_of_a_variant(tmp_path):
    trust = "id: trust\npublish: false\nfacts:\n  head_title: Executive Headteacher\npolicies:\n  model:\n    omit: [rules-child-2]\n"
    school = "id: alpha\nextends: trust\nname: Alpha School\npolicies:\n  model:\n    variables:\n      lead_name: Ann Lee\n    append:\n      intro-a: Alpha's addition.\n"
    result = checked(project(tmp_path, {"policies/schools/trust.yml": trust, ALPHA: school}))
    assert result.ok, [str(p) for p in result.problems]
    assert "trust" not in result.schools
    alpha = result.schools["alpha"].policy("model")
    assert [v.model.id for v in alpha.chain] == ["trust", "alpha"]
    assert alpha.values["head_title"] == "Executive Headteacher"
    assert alpha.clause("rules-child-2") is None
    assert alpha.clause("intro-a").body.endswith("Alpha's addition.")


def test_school_metadata_overrides_the_model(tmp_path):
    result = checked(project(tmp_path, {ALPHA: BASE + adoption("metadata:\n  review_due: Summer 2026\n")}))
    assert result.schools["alpha"].policy("model").metadata.review_due == "Summer 2026"
    assert result.schools["alpha"].policy("model").metadata.approving_committee == "Resources"
    assert result.schools["beta"].policy("model").metadata.review_due == "Summer 2021"


def test_appendix_sections_keep_their_label(tmp_path):
    result = checked(project(tmp_path))
    labels = [s.label for s in result.schools["alpha"].policy("model").sections]
    assert labels == ["1. Introduction", "2. Rules", "Appendix 1: Incident log", "Do's and Don'ts"]
