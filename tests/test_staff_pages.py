"""Pages that speak to staff, not to developers: what's changed, how the policy differs from
its model, values the school has not given, forms as on paper, the poster, cover dates, the
list of schools and clauses.json addresses, on the built sites of every school."""
from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from factories import SCHOOL, adoption, checked, project
from generator.outputs.history.changes import changes_since_adopted, differs_from_model, differs_from_model_page, whats_changed_page
from generator.outputs.history.opendata import clauses_json
from generator.outputs.documents.downloads import POLICY, POSTER, build_downloads
from generator.sources.load import Located
from generator.outputs.site.pages import prepare
from generator.outputs.site.site_index import review_status
from generator.sources.reading import FolderReader
from generator.core.validate import check
from helpers import ROOT

SCHOOLS = ("broomwood", "constance-bridgeman", "curzon-crescent", "fawood", "hampreston", "parklands")
EDITOR_WORDS = ("to be confirmed", "git tag", "adopted/<", "<YYYY-MM-DD>", "policy-site ", "an editor records")


@pytest.fixture(scope="module")
def real():
    result = check(FolderReader(ROOT))
    assert result.ok, result.problems
    return {school: handbook.policies[0] for school, handbook in result.schools.items()}


def _folder(site: Path, school: str) -> Path:
    """Where the seed school's one policy is in its handbook site."""
    return site / school / check(FolderReader(ROOT), school).schools[school].policies[0].policy.id


def _article(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return page[page.index("<article"):page.index("</article>")]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&amp;", "&").split())


def test_built_sites_of_every_school_have_no_editor_markers_or_instructions(built_site: Path):
    assert sorted(p.name for p in built_site.iterdir() if p.is_dir()) == sorted([*SCHOOLS, "decoy"])  # Decoy: test_decoy.py
    for school in SCHOOLS:
        pages = list((built_site / school).rglob("*.html"))
        assert len(pages) > 5, school
        for page in pages:
            text = page.read_text(encoding="utf-8")
            for words in EDITOR_WORDS:
                assert words not in text, f"{page.relative_to(built_site)} contains {words!r}"


@pytest.mark.parametrize(
    "school, expected",
    [
        ("curzon-crescent", "No changes since this policy was adopted in Summer 2019."),
        ("constance-bridgeman", "No changes since this policy was adopted on 29 November 2022."),
        ("hampreston", "No changes since this policy was adopted in January 2024."),
        ("broomwood", "No changes since this policy was published here."),
    ],
)
def test_whats_changed_speaks_to_staff(built_site: Path, school, expected):
    assert expected in _text(_article(_folder(built_site, school) / "whats-changed" / "index.html"))


def test_whats_changed_page_before_any_adoption_tag(tmp_path):
    resolved = checked(project(tmp_path)).schools["alpha"].policy("model")
    page = whats_changed_page(changes_since_adopted(tmp_path, "alpha", resolved), resolved)
    assert page == "# What's changed\n\nNo changes since this policy was adopted in Summer 2019.\n"


def test_no_real_school_has_a_differs_page_since_none_changes_its_model(built_site: Path, real):
    for school in SCHOOLS:
        assert not differs_from_model(real[school]), school
        assert not (_folder(built_site, school) / "differs-from-model").exists(), school
        assert "differs from the model" not in (_folder(built_site, school) / "index.html").read_text(encoding="utf-8")


OVERLAY = SCHOOL.format(id="alpha", adopts="model", name="Alpha School", short="Alpha", lead="Ann Lee") + adoption(
    "omit: [intro-b]\n"
    "replace:\n  rules-child-2: Staff must not call parents from any phone.\n"
    "append:\n  rules-child-1: Ask the office first.\n"
)
PLAIN = "id: beta\nname: Beta School\npolicies:\n  model: {}\n"


def test_differs_page_says_exactly_what_differs(tmp_path):
    result = checked(project(tmp_path, {"policies/schools/alpha.yml": OVERLAY, "policies/schools/beta.yml": PLAIN}))
    alpha, beta = result.schools["alpha"].policy("model"), result.schools["beta"].policy("model")
    assert differs_from_model(alpha) and not differs_from_model(beta)
    page = differs_from_model_page(alpha)
    for words in ("## Clauses left out", "## Wording replaced", "## Text added", "<del>a personal</del><ins>any</ins>", "<ins>Ask the office first.</ins>", "left out; the model says: The Headteacher appoints", "## Names and contacts filled in", "| Name of the lead | Ann Lee |"):
        assert words in page
    assert "unchanged" not in page and "Title of the head" not in page  # a model default is not the school's own value
    site, _ = prepare(tmp_path, "beta", history=False, resolved=result.schools["beta"], documents=lambda r: {})
    assert site is not None and "model/differs-from-model.md" not in site.files and "model/index.md" in site.files


def test_values_only_variant_says_the_text_is_the_models_word_for_word(tmp_path):
    resolved = checked(project(tmp_path)).schools["alpha"].policy("model")
    page = differs_from_model_page(resolved)
    assert "uses the model *Model Policy* word for word: no clause is left out, replaced or added." in page
    assert "| Name of the lead | Ann Lee |" in page


@pytest.mark.parametrize("school", ["curzon-crescent", "fawood"])
def test_missing_contact_says_who_to_ask_and_stays_a_blank(built_site: Path, school):
    article = _article(_folder(built_site, school) / "esp-appendix-esl-contact" / "index.html")
    text = _text(article)
    assert "Ask the school office for the name of the Partnership's E-Safety Lead." in text
    assert "Ask the school office for the school contact number of the E-Safety Lead." in text
    assert "(Appendix 2)" not in text and "confirmed" not in text
    assert article.count('<span class="blank">') == 3


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._in = tag
            self.found.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            tag, text = self.found[-1]
            self.found[-1] = (tag, text + data.replace("¶", ""))


def test_form_pages_look_like_the_paper_form(built_site: Path):
    for school, page in (("curzon-crescent", "esp-appendix-esl-contact"), ("curzon-crescent", "esp-appendix-declaration"), ("broomwood", None), ("parklands", "park-filtering-monitoring")):
        folders = [_folder(built_site, school) / page] if page else [p.parent for p in _folder(built_site, school).glob("*/index.html")]
        for folder in folders:
            article = _article(folder / "index.html")
            assert "<th>Field</th>" not in article and "Field | Entry" not in article, folder
            parser = _Headings()
            parser.feed(article)
            titles = [" ".join(t.split()) for _, t in parser.found]
            for title in titles:
                assert not any(other != title and other.endswith(": " + title) for other in titles), (folder, titles)
    declaration = _article(_folder(built_site, "curzon-crescent") / "esp-appendix-declaration" / "index.html")
    assert '<div class="form-declaration">' in declaration
    assert re.search(r'form-field--signature">\s*<dt>Signed</dt>\s*<dd><span class="blank">', declaration)
    checklist = _article(_folder(built_site, "parklands") / "park-filtering-monitoring" / "index.html")
    assert "<table>" in checklist and checklist.count("☐") >= 5


def _sizes(pdf: bytes) -> dict[float, int]:
    """Characters of body text by their size in points (the page footer left out)."""
    sizes: dict[float, int] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and tm[5] * cm[3] + cm[5] > 60:
            points = round(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), 1)
            sizes[points] = sizes.get(points, 0) + len(text.strip())

    for page in PdfReader(BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.fixture(scope="module")
def documents(real):
    return {school: build_downloads(real[school]) for school in SCHOOLS}


def test_poster_body_text_is_readable_from_a_wall(documents):
    for school in SCHOOLS:
        sizes = _sizes(documents[school][POSTER])
        total = sum(sizes.values())
        large = sum(n for size, n in sizes.items() if size >= 11)
        assert max(sizes, key=sizes.get) >= 11, (school, sizes)
        assert large / total >= 0.8, (school, sizes)


def test_cover_dates_in_one_style(built_site: Path, documents):
    home = _article(_folder(built_site, "constance-bridgeman") / "index.html")
    assert "29 November 2022" in _text(home) and "2022-11-29" not in home
    assert "About this policy" not in home and '<dl class="policy-facts">' in home
    pdf = " ".join(page.extract_text() for page in PdfReader(BytesIO(documents["constance-bridgeman"][POLICY])).pages[:2])
    assert "29 November 2022" in pdf and "2022-11-29" not in pdf


def test_list_of_schools_has_the_handbook_look_and_review_status(built_site: Path, real):
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert "<style>" in index and "-apple-system" in index and "Times" not in index
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", index)
    for school in SCHOOLS:
        resolved = real[school]
        assert f'<a href="{school}/">' in index
        assert resolved.policy.policy.model.title.replace("'", "&#x27;") in index
    assert index.count('class="status overdue"') == 5  # and Decoy's, imported with its review dates long past
    assert index.count('class="status draft"') == 1 and index.count('class="status undated"') == 1
    assert "Review overdue: was due Summer 2021" in index and "Review overdue: was due September 2024" in index


def test_review_status_words(real):
    from datetime import date

    cbc = real["constance-bridgeman"]
    assert review_status(cbc, date(2024, 1, 1)).text == "Review due September 2024"
    assert review_status(cbc, date(2025, 1, 1)).text == "Review overdue: was due September 2024"
    assert review_status(real["broomwood"], date(2025, 1, 1)).text == "Draft: not yet adopted"
    assert review_status(real["parklands"], date(2025, 1, 1)).text == "No adoption or review date given"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k == "id" and v)


def test_every_clauses_json_url_leads_to_a_page_and_anchor(built_site: Path):
    for school in SCHOOLS:
        folder = built_site / school
        data = json.loads((folder / "clauses.json").read_text(encoding="utf-8"))
        assert data["clauses"], school
        ids: dict[Path, set[str]] = {}
        for clause in data["clauses"]:
            url = urlsplit(clause["url"])
            assert not url.scheme and not url.path.endswith(".md"), clause["url"]
            page = folder / url.path / "index.html"
            assert page.is_file(), (school, clause["url"])
            if page not in ids:
                parser = _Ids()
                parser.feed(page.read_text(encoding="utf-8"))
                ids[page] = parser.ids
            assert url.fragment == clause["id"] and url.fragment in ids[page], (school, clause["url"])


def test_clauses_json_urls_are_absolute_with_site_url(real):
    resolved = real["hampreston"]
    school = resolved.school.model.model_copy(update={"site_url": "https://example.org/hampreston/"})
    with_url = replace(resolved, school=Located(school, resolved.school.doc))
    urls = [c["url"] for c in json.loads(clauses_json(with_url, {}))["clauses"]]
    assert urls[0] == "https://example.org/hampreston/hamp-introduction/#hamp-intro-independent-judgement"
    assert all(u.startswith("https://example.org/hampreston/") for u in urls)
    offline = [c["url"] for c in json.loads(clauses_json(resolved, {}, directory_urls=False))["clauses"]]
    assert offline[0] == "hamp-introduction.html#hamp-intro-independent-judgement"
