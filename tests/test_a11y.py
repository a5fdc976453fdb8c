"""Page fixes for accessibility (generator/core/a11y.py), on the HTML MkDocs and Material make."""
from __future__ import annotations

import pytest

from generator.core.a11y import table_headers, unique_nav_labels

NAV = '<nav class="md-nav" aria-label="{}">'


@pytest.mark.parametrize("labels, expected", [
    (["Policy Statements", "User Actions", "Policy Statements", "Policy Statements"], ["Policy Statements", "User Actions", "Policy Statements (2)", "Policy Statements (3)"]),
    (["Introduction", "Scope"], ["Introduction", "Scope"]),
    ([], []),
])
def test_each_table_of_contents_landmark_gets_a_name_of_its_own(labels, expected):
    page = "".join(NAV.format(label) + "<ul></ul></nav>" for label in labels)
    assert unique_nav_labels(page) == "".join(NAV.format(label) + "<ul></ul></nav>" for label in expected)


def test_other_navigation_is_left_as_it_is():
    page = '<nav class="md-nav md-nav--primary" aria-label="Navigation"></nav><nav class="md-nav md-nav--primary" aria-label="Navigation"></nav>'
    assert unique_nav_labels(page) == page


@pytest.mark.parametrize("html, expected", [
    ("<table><thead><tr><th></th><th></th></tr></thead><tbody></tbody></table>", "<table><tbody></tbody></table>"),
    ("<thead><tr><th>Role</th><th></th></tr></thead>", '<thead><tr><th>Role</th><th><span class="visually-hidden">(no heading)</span></th></tr></thead>'),
])
def test_a_tables_empty_header_cells(html, expected):
    assert table_headers(html) == expected
