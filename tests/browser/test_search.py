"""Issue 14: search answers a member of staff's question first time.

Each question in search_questions.yml is typed into the school's search box (opened with "/") as
a user types it, in Chromium, and the results shown are read in order. A result is one clause or
one anchored item of a clause's list (its own link in the list); a page's link counts as a result only when no clause is shown under
it. For each school and overall the test measures the share of questions answered at rank 1, the
share answered in the first 3 results, and the mean reciprocal rank, prints them, and holds them
to issue 14's thresholds, which hold for every school and overall.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

QUESTIONS_FILE = Path(__file__).with_name("search_questions.yml")
TOP1, TOP3 = 0.70, 0.90  # answered at rank 1, answered in the first 3: for every school and overall
MIN_PER_SCHOOL = 10


def load_questions() -> dict[str, list[dict]]:
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


QUESTIONS = load_questions()

# The results a user reads, best first: in each item of the list, the clause (or heading) links
# shown under its page; the page's own link when nothing is shown under it. Folded sections
# ("N more on this page") are not read.
RESULTS = """
() => [...document.querySelectorAll(".md-search-result__list > .md-search-result__item")].flatMap(item => {
  const links = [...item.querySelectorAll(":scope > a.md-search-result__link")];
  const deep = links.filter(a => new URL(a.href).hash);
  const heading = (item.querySelector("h1") || {textContent: ""}).textContent.trim().replace(/\\s+/g, " ");
  return (deep.length ? deep : links.slice(0, 1)).map(a => ({
    href: a.href, heading,
    title: (a.querySelector("h1, h2") || a).textContent.trim().replace(/\\s+/g, " "),
    snippet: a.querySelector("article").innerHTML,
  }));
})
"""


def ask(search, school: str, query: str) -> list[dict]:
    search.open(school)
    search.type(query)
    return search.page.evaluate(RESULTS)


def rank(results: list[dict], answers: list[str]) -> int | None:
    """The position (from 1) of the first result that answers, or None."""
    for i, r in enumerate(results, 1):
        if urlsplit(r["href"]).fragment in answers:
            return i
    return None


@dataclass
class Figures:
    ranks: list[int | None] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.ranks)

    def share(self, top: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= top) / self.n

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r) / self.n

    def row(self, name: str) -> str:
        return f"| {name} | {self.n} | {self.share(1):.0%} | {self.share(3):.0%} | {self.mrr:.2f} |"


def measure(search, questions: dict[str, list[dict]]) -> tuple[dict[str, Figures], list[str]]:
    """Every question asked: figures per school, and a line for each question not answered first."""
    per_school: dict[str, Figures] = {}
    misses = []
    for school, items in questions.items():
        figures = per_school.setdefault(school, Figures())
        for item in items:
            results = ask(search, school, item["q"])
            found = rank(results, item["answers"])
            figures.ranks.append(found)
            if found != 1:
                shown = ", ".join(urlsplit(r["href"]).fragment or r["title"] for r in results[:3])
                misses.append(f"{school}: {item['q']!r} at rank {found or '-'} (first: {shown})")
    return per_school, misses


def table(per_school: dict[str, Figures]) -> str:
    overall = Figures([r for f in per_school.values() for r in f.ranks])
    rows = [f.row(s) for s, f in per_school.items()] + [overall.row("**all**")]
    return "\n".join(["| School | Questions | Rank 1 | Top 3 | MRR |", "|---|---:|---:|---:|---:|", *rows])


def test_questions_file_is_well_formed():
    problems = []
    for school, items in QUESTIONS.items():
        for i, item in enumerate(items):
            if set(item) != {"q", "answers"} or not item["q"].strip() or not item["answers"]:
                problems.append(f"{school}[{i}]: {item!r}; expected q: <question> and answers: [<clause ID or list-item anchor>, ...]")
    assert not problems, "\n".join(problems)
    assert sum(len(v) for v in QUESTIONS.values()) >= 80


def test_every_published_school_has_questions(sites):
    thin = [s for s in sites.schools if len(QUESTIONS.get(s, [])) < MIN_PER_SCHOOL]
    assert not thin, f"schools with fewer than {MIN_PER_SCHOOL} questions in {QUESTIONS_FILE.name}: {thin}"


def test_every_answer_is_a_clause_or_an_item_of_a_clause_of_its_school(sites):
    missing = []
    for school, items in QUESTIONS.items():
        clauses = json.loads((sites.root / school / "clauses.json").read_text(encoding="utf-8"))["clauses"]
        known = {c["id"] for c in clauses} | {i["id"] for c in clauses for i in c["items"]}
        missing += [f"{school}: {cid} (for {item['q']!r})" for item in items for cid in item["answers"] if cid not in known]
    assert not missing, "answers that are neither a clause nor an anchored list item of a clause: " + ", ".join(missing)


def test_staff_questions_are_answered_first_time(search):
    per_school, misses = measure(search, QUESTIONS)
    report = table(per_school) + "\n\nNot answered first:\n" + "\n".join(misses)
    print("\n" + report)
    overall = Figures([r for f in per_school.values() for r in f.ranks])
    low = [s for s, f in {**per_school, "all": overall}.items() if f.share(1) < TOP1 or f.share(3) < TOP3]
    assert not low, (f"expected at least {TOP1:.0%} at rank 1 and {TOP3:.0%} in the top 3 for every school "
                     f"and overall; below: {low}\n" + report)


def test_a_result_names_the_clause_or_list_item_its_policy_and_the_matching_words(search):
    """The answer is an item of section 7's list: titled by the section and the item's first words."""
    results = ask(search, "curzon-crescent", "photos of pupils")
    first = results[0]
    assert urlsplit(first["href"]).fragment == "esp-mobile-photos", results[:3]
    assert first["title"].startswith("7. Mobile technologies: Staff are not permitted to take photos"), first
    assert "E-Safety Policy" in first["heading"] and "7. Mobile technologies" in first["heading"], first
    assert re.search(r"<mark>photos</mark>", first["snippet"], re.I), first["snippet"]


def test_one_result_per_clause_ranked_above_its_page(search):
    where = [urlsplit(r["href"]) for r in ask(search, "parklands", "social media")]
    targets = [f"{u.path}#{u.fragment}" for u in where]
    assert len(targets) == len(set(targets)), targets
    page = next((i for i, u in enumerate(where) if u.path.endswith("/park-social-media/") and not u.fragment), len(where))
    clause = next(i for i, u in enumerate(where) if u.path.endswith("/park-social-media/") and u.fragment)
    assert clause < page, targets


def test_a_list_item_is_a_result_of_its_own_above_its_list(search):
    results = ask(search, "broomwood", "install an app")
    fragments = [urlsplit(r["href"]).fragment for r in results]
    assert fragments[0] == "broom-it-no-installs", fragments[:3]
    assert "broom-it-equipment" in fragments, fragments
    assert results[0]["title"].startswith("Use of Schools IT equipment: Do not install any application"), results[0]
    assert re.search(r"<mark>install</mark>", results[0]["snippet"]), results[0]["snippet"]


def test_a_short_word_is_not_a_prefix_of_every_word(search):
    """'of' in "photos of pupils" must not match "official" (issue 14)."""
    results = ask(search, "parklands", "photos of pupils")
    assert "park-sm-official-use" not in [urlsplit(r["href"]).fragment for r in results[:3]], results[:3]


def test_search_results_have_no_axe_violations(page, sites):
    from conftest import AXE_OPTIONS, SEARCH_PROBE, Search, _axe_script

    # axe comes in as an init script: the handbook's Content-Security-Policy refuses inline scripts.
    page.add_init_script(script=SEARCH_PROBE)
    page.add_init_script(script=_axe_script())
    ask(Search(page, sites), "hampreston", "photos of children on my phone")
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert not found, found


def test_a_synonym_phrase_of_short_words_is_matched_word_for_word(search):
    """"how long" (a synonym of "time scale") is not the word "long"; "evening" (of "working late") is not "even"."""
    assert "time-scales-you-must-raise-complaint" not in [urlsplit(r["href"]).fragment for r in ask(search, "decoy", "long")]
    results = ask(search, "decoy", "working late")
    assert urlsplit(results[0]["href"]).fragment == "personal-safety-staff-working-outside-normal", results[:3]
    assert not any(re.search(r"<mark>even</mark>", r["snippet"], re.I) for r in results), results[:3]
