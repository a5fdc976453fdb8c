"""Issue 12: the policy's own words, and only those, as the policy.

Headings printed as policy (policy PDF, whole-policy page) are the seed's headings; the
handbook's labels are shown apart and never printed as policy; lists stay lists; the
whole-policy page holds what the PDF holds; no commit date poses as a policy date; the
handbook's Do's & Don'ts read as instructions and say they summarise.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from factories import CLAUSES, checked, project
from generator.outputs.history.adoptions import adoptions
from generator.outputs.history.changes import chain_ids
from generator.core.render import render_pages
from helpers import ROOT
from test_seeds import CHECKED, SEED_SCHOOL, SEEDS

SCHOOLS = sorted(s for s in CHECKED.schools if s in {*SEED_SCHOOL.values(), "fawood"})  # the seed schools (Decoy: test_decoy.py)


def policy_dir(site: Path, school: str) -> Path:
    """The folder of the seed school's one policy in its handbook site."""
    return site / school / CHECKED.schools[school].policies[0].policy.id
SEED_OF = {school: seed for seed, school in SEED_SCHOOL.items()} | {"fawood": "000_7094ecd687d3e6c6.txt"}
NUMBER = re.compile(r"^\s*(appendix\s+\w+\s*[:\-–]?|\d+(\.\d+)*\.?|[a-z]\))\s*", re.I)


def norm(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.findall(r"[a-z0-9]+", text.replace("'", "")))


def seed_heading_lines(school: str) -> set[str]:
    """The seed's lines with numbering dropped, alone and joined to the next (a heading may wrap)."""
    lines = [norm(NUMBER.sub("", line)) for line in (SEEDS / SEED_OF[school]).read_text(encoding="utf-8").splitlines() if line.strip()]
    return set(lines) | {f"{line} {nxt}" for line, nxt in zip(lines, lines[1:])}


def is_seed_heading(heading: str, seed_lines: set[str]) -> bool:
    """A whole line of the seed (numbers aside): not the opening words of a paragraph."""
    words = norm(NUMBER.sub("", heading))
    return not words or words in seed_lines


def pdf_headings(pdf: Path) -> list[str]:
    out: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            walk(item) if isinstance(item, list) else out.append(item.title)

    walk(PdfReader(pdf).outline)
    return out


class _Headings(HTMLParser):
    """Heading texts inside the article, without permalinks or visually hidden text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.classes: list[list[str]] = []
        self.stack: list[str] = []
        self.current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if re.fullmatch(r"h[2-6]", tag):
            self.current = []
            self.classes.append([])
        if self.current is not None:
            self.stack.append(tag)
            self.classes[-1] += classes
            if "headerlink" in classes or "visually-hidden" in classes:
                self.stack[-1] = "skip"

    def handle_endtag(self, tag: str) -> None:
        if self.current is None:
            return
        if re.fullmatch(r"h[2-6]", tag):
            self.headings.append(" ".join("".join(self.current).split()))
            self.current, self.stack = None, []
        elif self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.current is not None and "skip" not in self.stack:
            self.current.append(data)


def page_headings(page: Path) -> tuple[list[str], list[list[str]]]:
    text = page.read_text(encoding="utf-8")
    parser = _Headings()
    parser.feed(text[text.index("<article"): text.index("</article>")])
    return parser.headings, parser.classes


# --- labels and headings --------------------------------------------------------------------


def test_every_clause_heading_is_the_policys_or_a_label():
    """A `title` is only ever a heading the seed prints; everything else the editor wrote is a `label`."""
    wrong = []
    for school in ("curzon-crescent", "hampreston", "broomwood", "constance-bridgeman", "parklands"):
        lines = seed_heading_lines(school)
        for clause in CHECKED.schools[school].policies[0].clauses():
            lead_in = clause.title and norm(clause.body).startswith(norm(NUMBER.sub("", clause.title)))  # the body's own first words
            if clause.title and (lead_in or not is_seed_heading(clause.title, lines)):
                wrong.append(f"{school}: {clause.id} title {clause.title!r}")
    assert wrong == []


@pytest.mark.parametrize("school", SCHOOLS)
def test_policy_pdf_headings_are_in_the_seed(built_site, school):
    lines = seed_heading_lines(school)
    headings = pdf_headings(policy_dir(built_site, school) / "downloads" / "policy.pdf")
    assert headings, "the policy PDF has no headings"
    assert [h for h in headings if not is_seed_heading(h, lines)] == []


@pytest.mark.parametrize("school", SCHOOLS)
def test_whole_policy_page_headings_are_in_the_seed(built_site, school):
    lines = seed_heading_lines(school)
    headings, classes = page_headings(policy_dir(built_site, school) / "full-text" / "index.html")
    assert not any("handbook-label" in c for c in classes)
    assert [h for h in headings if h != "Contents" and not is_seed_heading(h, lines)] == []


@pytest.mark.parametrize("school", SCHOOLS)
def test_whole_policy_page_holds_every_heading_of_the_pdf(built_site, school):
    page, _ = page_headings(policy_dir(built_site, school) / "full-text" / "index.html")
    pdf = pdf_headings(policy_dir(built_site, school) / "downloads" / "policy.pdf")
    assert [h for h in pdf if norm(h) not in {norm(p) for p in page}] == []


@pytest.mark.parametrize("school, heading", [
    ("parklands", "3.1"), ("parklands", "3.2"), ("parklands", "9.1 Definitions"), ("parklands", "9.2 Personal Safety and Protection"),
    ("parklands", "9.9.1 Introduction"), ("parklands", "a) Keep calm"), ("broomwood", "What is social media?"),
    ("hampreston", "Introduction"),  # its "1.1" was the handbook's: the seed numbers none of its paragraphs (test_numbers.py)
])
def test_whole_policy_page_keeps_numbers_and_headings_named_in_the_issue(built_site, school, heading):
    assert heading in page_headings(policy_dir(built_site, school) / "full-text" / "index.html")[0]


def test_labels_are_shown_as_the_handbooks_on_section_pages(built_site):
    page = (policy_dir(built_site, "parklands") / "park-email" / "index.html").read_text(encoding="utf-8")
    heading = re.search(r'<h2 class="clause" id="park-email-alternatives">(.*?)</h2>', page).group(1)
    assert heading.startswith('3.1 <span class="handbook-label"><span class="visually-hidden">Handbook label: </span>Alternatives to email</span>')
    assert re.search(r'<a [^>]*href="#park-email-alternatives"[^>]*>\s*(<span[^>]*>)?\s*3\.1 \[Alternatives to email\]', page), "the navigation marks the label"


def test_label_is_rendered_apart_and_never_as_policy(tmp_path):
    labelled = CLAUSES["intro-a"].replace("title: Purpose", 'label: Who it is for <b>"now"</b>')
    result = checked(project(tmp_path, {"policies/model/clauses/intro-a.md": labelled}))
    pages = {p.path: p.markdown for p in render_pages(result.schools["alpha"].policies[0])}
    assert '## 1.1 <span class="handbook-label"><span class="visually-hidden">Handbook label: </span>Who it is for &lt;b&gt;&quot;now&quot;&lt;/b&gt;</span> { #intro-a .clause data-toc-label="1.1 [Who it is for &lt;b&gt;\'now\'&lt;/b&gt;]" }' in pages["intro.md"]
    assert "Who it is for" not in pages["full-text.md"] and "### 1.1 { #intro-a }" in pages["full-text.md"]


# --- lists ----------------------------------------------------------------------------------


def seed_lists(school: str) -> list[list[str]]:
    lists, current = [], []
    for line in (SEEDS / SEED_OF[school]).read_text(encoding="utf-8").splitlines():
        item = re.match(r"^\s*[-•·]\s*(.+)", line)
        if item:
            current.append(item.group(1))
        elif line.strip():
            lists, current = lists + [current] if current else lists, []
    return [items for items in lists + [current] if len(items) >= 2]


def site_lists(folder: Path) -> list[list[str]]:
    out = []
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for ul in re.findall(r"<ul>(.*?)</ul>", text, re.S):
            out.append([norm(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", ul, re.S)])
    return out


def _is_a_list(items: list[str], lists: list[list[str]]) -> bool:
    starts = [" ".join(norm(item).split()[:6]) for item in items]
    return any(all(any(li.startswith(s) for li in found) for s in starts) for found in lists)


@pytest.mark.parametrize("school", sorted(SEED_SCHOOL.values()))
def test_every_list_in_the_seed_is_a_list_on_the_site(built_site, school):
    lists = site_lists(built_site / school)
    missing = [items[0][:60] for items in seed_lists(school) if not _is_a_list(items, lists)]
    assert missing == []


@pytest.mark.parametrize("first", [
    "All employees of the School who use the School computers",   # IT equipment, 7 items
    "If an employee already has or plans to have a personal blog",  # Blogging, 3
    "Make sure any wiki entries, articles or comments are neutral",  # Wikis, 7
    "Make sure all video and media is safe to share",  # Media, 3
    "It is not a good idea to invite parents to become friends",  # Discussions, 3
])
def test_broomwoods_lists_are_lists(built_site, first):
    seed = next(items for items in seed_lists("broomwood") if any(norm(i).startswith(norm(first)) for i in items))
    assert len(seed) >= 3 and _is_a_list(seed, site_lists(built_site / "broomwood"))


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("school", SCHOOLS)
def test_last_changed_is_only_an_adoption_date(built_site, school):
    days = {f"{a.day.day} {a.day:%B %Y}" for a in adoptions(ROOT, chain_ids(CHECKED.schools[school].policies[0]))}
    shown = set()
    for page in (built_site / school).rglob("*.html"):
        shown |= set(re.findall(r"Last changed (\d{1,2} \w+ \d{4})", page.read_text(encoding="utf-8")))
    assert shown <= days, f"{school} shows {sorted(shown - days)} but its adoptions are {sorted(days) or 'none'}"


# --- Do's & Don'ts --------------------------------------------------------------------------

DERIVED = [school for school in SCHOOLS if CHECKED.schools[school].policies[0].dos_donts.model.source == "handbook"]
OPENINGS = re.compile(r"^(do|don'?t|do not|never|must|should|employees|staff|members|the|if|are|is)\b", re.I)


def test_only_brents_list_is_the_policys_own():
    assert sorted(s for s in SCHOOLS if s not in DERIVED) == ["curzon-crescent", "fawood"]


@pytest.mark.parametrize("school", DERIVED)
def test_derived_items_read_after_do_or_dont(school):
    bad = []
    for item in CHECKED.schools[school].policies[0].dos_donts.model.items:
        text = item.text.replace("’", "'")
        if OPENINGS.match(text) or not (text[0].islower() or text[0] == "'") or text.endswith("."):
            bad.append(f"{item.id}: {item.text}")
    assert bad == []


@pytest.mark.parametrize("school", DERIVED)
def test_derived_list_says_it_summarises_on_the_page_and_poster(built_site, school):
    page_path = next(policy_dir(built_site, school).glob("*quick-reference/index.html"))
    page = page_path.read_text(encoding="utf-8")
    assert 'class="handbook-note"' in page and "the clause's wording prevails" in html.unescape(page)
    poster = " ".join(p.extract_text() for p in PdfReader(policy_dir(built_site, school) / "downloads" / "dos-donts-poster.pdf").pages)
    assert "wording prevails" in " ".join(poster.split())


@pytest.mark.parametrize("school", SCHOOLS)
def test_no_dont_do_not_in_cited_by_boxes(built_site, school):
    for page in (built_site / school).rglob("*.html"):
        assert not re.search(r"Don’t: (Do not|Don't|Never)\b|Do: (Do|Are|Is)\b", page.read_text(encoding="utf-8")), page
