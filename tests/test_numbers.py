"""Issue 12: clause numbers are the policy's. Every number printed as policy (whole-policy page,
policy PDF) is one the seed prints; an unnumbered clause is named without an invented number."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from factories import CLAUSES, DOS, checked, project
from generator.core.render import Renderer, render_pages
from generator.core.resolve import clause_names
from test_faithful import SCHOOLS, SEED_OF, policy_dir
from test_seeds import CHECKED, SEEDS

# A number at the start of a line: "3.1", "9.9.1", "12." or "a)"; a bare "24" is left out
# (a quantity or a page number as often as a heading).
LEADING_NUMBER = re.compile(r"(?m)^[ \t]*(\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.|[a-z]\))(?=\s|[A-Za-z]|$)")

# The computed numbering cannot say these as the seed's text does (reported to the lead):
NOT_IN_THE_SEED = {
    "parklands": {
        "9.7": "the seed's text prints 9.6 and then 9.8 beside 'Expectations' and 'Responding to Online "
        "safety Incidents': its 9.7 is lost, and numbers are computed without gaps",
        "9.9.4": "the seed prints '9.94 Resolving Difficult Situations', an OCR slip for 9.9.4",
    },
}
BLOCK = re.compile(r"<(?:/?(?:h[1-6]|p|li|div|dt|dd|td|th|tr|br)\b)[^>]*>", re.I)


def numbers_in(text: str) -> set[str]:
    return {m.group(1).rstrip(".") for m in LEADING_NUMBER.finditer(text)}


def seed_numbers(school: str) -> set[str]:
    return numbers_in((SEEDS / SEED_OF[school]).read_text(encoding="utf-8"))


def page_text(page: Path) -> str:
    """The whole-policy page's article as lines of visible text (one per block element)."""
    source = page.read_text(encoding="utf-8")
    article = source[source.index("<article") : source.index("</article>")]
    article = re.sub(r'<(a|span) [^>]*class="(headerlink|visually-hidden)"[^>]*>.*?</\1>', "", article, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", BLOCK.sub("\n", article)))


def pdf_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.mark.parametrize("school", SCHOOLS)
def test_whole_policy_page_prints_only_the_seeds_numbers(built_site, school):
    printed = numbers_in(page_text(policy_dir(built_site, school) / "full-text" / "index.html"))
    assert printed - seed_numbers(school) == set(NOT_IN_THE_SEED.get(school, {}))


@pytest.mark.parametrize("school", SCHOOLS)
def test_policy_pdf_prints_only_the_seeds_numbers(built_site, school):
    printed = numbers_in(pdf_text(policy_dir(built_site, school) / "downloads" / "policy.pdf"))
    assert printed - seed_numbers(school) == set(NOT_IN_THE_SEED.get(school, {}))


@pytest.mark.parametrize("school", SCHOOLS)
def test_every_clause_number_of_the_seed_is_printed(built_site, school):
    """The other way round: the seed's numbers are all on the whole-policy page and in the PDF
    (but for its OCR slip '9.94')."""
    wanted = seed_numbers(school) - {"9.94"}
    assert wanted - numbers_in(page_text(policy_dir(built_site, school) / "full-text" / "index.html")) == set()
    assert wanted - numbers_in(pdf_text(policy_dir(built_site, school) / "downloads" / "policy.pdf")) == set()


def test_the_numbers_checked_are_there_to_check():
    assert numbers_in("3.2Improper statements\n 9.9. Dealing\n9.9.1 Introduction\na) Keep calm\n12. The law\n24 hours\n") == {"3.2", "9.9", "9.9.1", "a)", "12"}


# --- naming an unnumbered clause ------------------------------------------------------------

UNNUMBERED = {
    "policies/model/clauses/intro-b.md": "---\nid: intro-b\nlabel: Who leads\nnumbered: false\n---\nThe {{ head_title }} appoints {{ lead_name }}.\n",
    "policies/model/clauses/rules-child-1.md": "---\nid: rules-child-1\ntitle: a) Photos\nnumbered: false\n---\nStaff must not take photos of children on their own phones.\n",
    "policies/model/clauses/rules-child-2.md": "---\nid: rules-child-2\nnumbered: false\n---\nStaff must not call parents from a personal phone.\n",
    "policies/model/clauses/intro-a.md": CLAUSES["intro-a"] + "See [[intro-b]] and [[rules-child-2]].\n",
    "policies/model/dos-donts.yml": DOS + "  - id: who\n    kind: do\n    text: ask who leads\n    clauses: [intro-b, intro-a]\n",
}


@pytest.fixture
def alpha(tmp_path):
    result = checked(project(tmp_path, UNNUMBERED))
    assert result.ok, [str(p) for p in result.problems]
    return result.schools["alpha"].policy("model")


def test_an_unnumbered_clause_is_named_by_where_it_stands(alpha):
    assert clause_names(alpha) == {
        "intro-a": "1.1 Purpose",
        "intro-b": "1. Introduction – [Who leads]",
        "rules-lead": "2. Rules",
        "rules-parent": "2.1 Phones",
        "rules-child-1": "2.1 – a) Photos",
        "rules-child-2": "2.1",
    }


def test_links_to_unnumbered_clauses_never_show_an_invented_number(alpha):
    pages = {p.path: p.markdown for p in render_pages(alpha)}
    assert "See [1. Introduction – \\[Who leads\\]](intro.md#intro-b) and [2.1](rules.md#rules-child-2)." in pages["intro.md"]
    item = Renderer(alpha).item(next(i for i in alpha.dos_donts.model.items if i.id == "who"))
    assert "(see [1. Introduction – \\[Who leads\\]](intro.md#intro-b), [1.1](intro.md#intro-a))" in item
    assert "1.2" not in "".join(pages.values())


# --- which clause has which number ------------------------------------------------------------

SEED_LINE = re.compile(r"^[ \t]*(\d{1,2}(?:\.\d{1,2})+|\d{1,2}(?=\.))\.?[ \t]*([A-Za-z].*)$", re.M)


def _words(text: str, most: int = 3) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))[:most]


@pytest.mark.parametrize("school", SCHOOLS)
def test_each_number_heads_the_words_the_seed_puts_after_it(school):
    """Where the seed prints a number with words after it on the same line ("3.2Improper
    statements", "9.9.1 Introduction", "12. The law"), the clause or section given that number
    starts with those words."""
    resolved = CHECKED.schools[school].policies[0]
    ours = {s.number: s.title for s in resolved.sections if s.number}
    ours |= {c.number: f"{c.title or ''} {c.body}" for c in resolved.clauses() if c.number}
    seed = (SEEDS / SEED_OF[school]).read_text(encoding="utf-8")
    pairs = [(m.group(1), _words(m.group(2))) for m in SEED_LINE.finditer(seed)]
    checked_numbers = [n for n, _ in pairs if n in ours]
    wrong = [f"{n}: seed {words}, ours {_words(ours[n])}" for n, words in pairs if n in ours and _words(ours[n], len(words)) != words]
    assert wrong == []
    assert set(ours) <= set(checked_numbers) | set(NOT_IN_THE_SEED.get(school, {})) | _STACKED.get(school, set())


# Numbers the seed prints in a column apart from their words (its PDF's layout): checked by the
# page and PDF tests above, but not against the words that follow them.
_STACKED = {"parklands": {"8.1", "8.2", "9.2", "9.3", "9.4", "9.5", "9.6", "9.8"}}
