"""Rendered Markdown of a small policy, compared with committed golden files.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_render_golden.py`
and review the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from factories import checked, project
from generator.core.render import render_pages

GOLDEN = Path(__file__).parent / "golden" / "alpha"


def pages(tmp_path):
    result = checked(project(tmp_path))
    return {p.path: p.markdown for p in render_pages(result.schools["alpha"].policy("model"), downloads={"downloads/log.pdf", "downloads/log.docx"})}


def test_golden_pages(tmp_path):
    rendered = pages(tmp_path)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for old in GOLDEN.glob("*.md"):
            old.unlink()
        for path, text in rendered.items():
            (GOLDEN / path).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.md")}
    assert sorted(rendered) == sorted(expected)
    for path, text in rendered.items():
        assert text == expected[path], f"{path} differs from tests/golden/alpha/{path}"


@pytest.mark.parametrize(
    "page, fragment",
    [
        ("intro.md", "## 1.2 Lead { #intro-b .clause }"),
        ("intro.md", "The Headteacher appoints Ann Lee; see [Appendix 1: Incident log](appendix-log.md)."),
        ("rules.md", "### 2.1.1 Photos { #rules-child-1 .clause }"),
        ("rules.md", "In the Do's and Don'ts: [Don’t: take photos of children on your own phone](quick.md#dd-no-photos)"),
        ("quick.md", '<span id="dd-no-photos"></span>take photos of children on your own phone <span class="dd-source">(see [2.1.1](rules.md#rules-child-1))</span>'),
        ("appendix-log.md", "| Date | What happened | Action taken |"),
        ("appendix-log.md", "[Download PDF](downloads/log.pdf){ download }"),
        ("index.md", '<div markdown><dt>Review due</dt><dd markdown="span">Summer 2021</dd></div>'),
        ("appendix-log.md", '<span id="form-log"></span>'),
    ],
)
def test_fragments(tmp_path, page, fragment):
    assert fragment in pages(tmp_path)[page]
