"""The handbook's search index (generator/outputs/site/search.py): synonyms checked on load, one entry per clause."""
from __future__ import annotations

from pathlib import Path

import pytest

import json

from generator.outputs.history.opendata import anchored_items
from generator.outputs.site.search import MATERIAL_WORKER, SYNONYMS, Synonyms, handbook_index, install, load_synonyms, worker_text

ROOT = Path(__file__).resolve().parents[1]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / SYNONYMS
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_projects_synonyms_load_without_problems():
    synonyms, problems = load_synonyms(ROOT)
    assert problems == []
    assert ("photo", "photograph", "picture", "image", "pic", "selfie") in synonyms.groups


def test_synonyms_are_lower_cased_and_spaces_tidied(tmp_path):
    synonyms, problems = load_synonyms(_write(tmp_path, "groups:\n  - [Phone, 'Mobile   Phone']\n"))
    assert problems == [] and synonyms.groups == (("phone", "mobile phone"),)


def test_no_synonyms_file_means_no_synonyms(tmp_path):
    assert load_synonyms(tmp_path) == (Synonyms(()), [])


@pytest.mark.parametrize("text, line, expected", [
    ("- [a, b]\n", 1, "expected one key, 'groups:'"),
    ("groups:\n  - [photo]\n", 2, "fewer than two terms"),
    ("groups:\n  - [photo, picture]\n  - [phone, <b>]\n", 3, "term '<b>' is not a word or phrase"),
    ("groups:\n  - [photo, picture]\n  - [image, Picture]\n", 3, "term 'picture' is also in the group on line 2"),
    ("groups:\n  - [photo, picture\n", 3, "malformed YAML"),
])
def test_each_problem_in_the_synonyms_names_its_line(tmp_path, text, line, expected):
    _, problems = load_synonyms(_write(tmp_path, text))
    assert len(problems) == 1, problems
    assert problems[0].path == SYNONYMS and problems[0].line == line and expected in problems[0].message, problems[0]


MATERIAL = {
    "config": {"lang": ["en"]},
    "docs": [
        {"location": "", "title": "Home", "text": "<p>Welcome</p>"},
        {"location": "sec-mobile/", "title": "7. Mobile technologies", "text": ""},
        {"location": "sec-mobile/#photos", "title": "7.3 Photos and videos", "text": "<p>Old &amp; rendered</p>"},
        {"location": "sec-mobile/#untitled", "title": "Untitled", "text": "<p>x</p>"},
        {"location": "quick/", "title": "Do's and Don'ts", "text": ""},
        {"location": "quick/#phones", "title": "Phones", "text": "<p>Do not</p>"},
    ],
}
OPEN_DATA = {
    "policy": {"title": "E-Safety Policy"},
    "clauses": [
        {"id": "photos", "number": "7.3", "title": "Photos and videos", "text": "Staff are *not* permitted to take [photos](https://example.org/photos).",
         "section": {"id": "sec-mobile", "title": "7. Mobile technologies"}},
        {"id": "untitled", "number": None, "title": None, "text": "A clause without a title.",
         "section": {"id": "sec-mobile", "title": "7. Mobile technologies"}},
    ],
}


def test_one_entry_per_clause_naming_its_number_policy_and_section():
    index = handbook_index(MATERIAL, OPEN_DATA, Synonyms((("photo", "picture"),)), frozenset({"quick/"}))
    by_location = {d["location"]: d for d in index["docs"]}
    assert by_location["sec-mobile/#photos"] == {
        "location": "sec-mobile/#photos", "title": "7.3 Photos and videos", "text": "Staff are not permitted to take photos.",
        "kind": "clause", "section": "7. Mobile technologies"}
    assert by_location["sec-mobile/#untitled"]["title"] == "Untitled"
    assert by_location["sec-mobile/"]["kind"] == "section"
    assert by_location[""] == {"location": "", "title": "Home", "text": "Welcome", "kind": "page", "parent": ""}
    assert [d for d in index["docs"] if d["location"].startswith("quick/")] == [
        {"location": "quick/", "title": "Do's and Don'ts", "text": "", "kind": "page", "parent": ""}]
    assert index["config"] == {"lang": ["en"], "policy": "E-Safety Policy", "synonyms": [["photo", "picture"]]}


LIST = {"id": "mobile-list", "number": None, "title": None, "section": {"id": "sec-mobile", "title": "7. Mobile technologies"},
        "text": "- Staff may use phones in the staff room.\n    { #phones-staff-room }\n- Never take photos of children on a personal phone, tablet or camera at any time.\n    { #phones-photos }\n",
        "items": [{"id": "phones-staff-room", "text": "Staff may use phones in the staff room."},
                  {"id": "phones-photos", "text": "Never take photos of children on a personal phone, tablet or camera at any time."}]}


def test_a_list_and_each_anchored_item_are_entries_on_the_lists_section_page():
    index = handbook_index(MATERIAL, {**OPEN_DATA, "clauses": [LIST, *OPEN_DATA["clauses"]]}, Synonyms(()))
    by_location = {d["location"]: d for d in index["docs"]}
    assert by_location["sec-mobile/#mobile-list"] == {
        "location": "sec-mobile/#mobile-list", "title": "7. Mobile technologies", "heading": "", "kind": "clause",
        "text": "Staff may use phones in the staff room. Never take photos of children on a personal phone, tablet or camera at any time.",
        "section": "7. Mobile technologies"}
    assert by_location["sec-mobile/#phones-photos"] == {
        "location": "sec-mobile/#phones-photos", "title": "7. Mobile technologies: Never take photos of children on a personal …",
        "heading": "", "text": "Never take photos of children on a personal phone, tablet or camera at any time.",
        "kind": "item", "section": "7. Mobile technologies", "list": "sec-mobile/#mobile-list"}
    assert by_location["sec-mobile/#phones-staff-room"]["title"] == "7. Mobile technologies: Staff may use phones in the staff room."


def test_in_a_handbook_of_several_policies_an_item_names_its_policy():
    material = {"docs": [{"location": "esafety/sec-mobile/", "title": "7. Mobile technologies", "text": ""}]}
    data = {"policies": [{"id": "esafety", "title": "E-Safety Policy"}],
            "clauses": [{**LIST, "policy": {"id": "esafety", "title": "E-Safety Policy"}}]}
    docs = {d["location"]: d for d in handbook_index(material, data, Synonyms(()))["docs"]}
    assert docs["esafety/sec-mobile/#mobile-list"]["policy"] == "E-Safety Policy"
    assert docs["esafety/sec-mobile/#phones-photos"]["policy"] == "E-Safety Policy"
    assert docs["esafety/sec-mobile/#phones-photos"]["list"] == "esafety/sec-mobile/#mobile-list"


def test_an_item_of_a_titled_clause_is_titled_by_the_clause():
    titled = {**LIST, "number": "7.4", "title": "Phones"}
    index = handbook_index(MATERIAL, {**OPEN_DATA, "clauses": [titled]}, Synonyms(()))
    item = next(d for d in index["docs"] if d["location"] == "sec-mobile/#phones-staff-room")
    assert item["title"] == "7.4 Phones: Staff may use phones in the staff room." and item["heading"] == "7.4 Phones"


def test_no_item_entry_on_a_page_left_out_of_the_index():
    index = handbook_index(MATERIAL, {**OPEN_DATA, "clauses": [LIST]}, Synonyms(()), frozenset({"sec-mobile/"}))
    assert [d["location"] for d in index["docs"] if d["location"].startswith("sec-mobile/")] == ["sec-mobile/"]


def test_a_handbook_label_is_shown_as_such_and_weighed_by_its_own_words():
    material = {"docs": [{"location": "sec-mobile/#labelled", "title": "Handbook label: Phones at work", "text": ""}]}
    labelled = {**OPEN_DATA["clauses"][1], "id": "labelled", "label": "Phones at work"}
    [entry] = handbook_index(material, {**OPEN_DATA, "clauses": [labelled]}, Synonyms(()))["docs"]
    assert entry["title"] == "Handbook label: Phones at work" and entry["heading"] == "Phones at work"


def test_a_clause_numbered_but_untitled_shows_its_number_once_and_is_weighed_by_its_section():
    """Imported clauses (Decoy's "8.1") have a number and no title: "8.1", not "8.1 8.1", and no heading of their own."""
    material = {"docs": [{"location": "sec-mobile/#numbered", "title": "8.1", "text": ""}]}
    numbered = {**OPEN_DATA["clauses"][1], "id": "numbered", "number": "8.1"}
    [entry] = handbook_index(material, {**OPEN_DATA, "clauses": [numbered]}, Synonyms(()))["docs"]
    assert entry["title"] == "8.1" and entry["heading"] == "", entry


def test_anchored_items_are_the_list_items_with_an_id_in_plain_text():
    source = ("Lead-in.\n{ #lead-in }\n\n- First *item* with [a link](https://example.org).\n    { #first }\n"
              "- No anchor.\n- Third &amp; last\n    { #third }\n\n    - nested\n        { #nested }\n")
    assert anchored_items(source) == [
        {"id": "first", "text": "First item with a link."},
        {"id": "third", "text": "Third & last nested"},
        {"id": "nested", "text": "nested"},
    ]


def test_a_built_site_lists_each_anchored_item_and_indexes_it(built_site: Path):
    clauses = json.loads((built_site / "broomwood" / "clauses.json").read_text(encoding="utf-8"))["clauses"]
    equipment = next(c for c in clauses if c["id"] == "broom-it-equipment")
    assert {"id": "broom-it-no-installs", "text": "Do not install any application without prior permission."} in equipment["items"]
    assert all(c["items"] == [] for c in clauses if "\n- " not in "\n" + c["text"])
    index = json.loads((built_site / "broomwood" / "search" / "search_index.json").read_text(encoding="utf-8"))
    kinds = {d["location"].partition("#")[2]: d["kind"] for d in index["docs"]}
    assert kinds["broom-it-no-installs"] == "item" and kinds["broom-it-equipment"] == "clause"
    assert not any("full-text" in d["location"] for d in index["docs"])


def test_a_built_site_runs_the_handbooks_worker_on_one_entry_per_clause(built_site: Path):
    """Fails loudly if a Material upgrade moves its worker (the handbook's takes its place)."""
    for school in (p for p in built_site.iterdir() if (p / "index.html").is_file()):
        workers = list(school.glob(MATERIAL_WORKER))
        assert workers and all(w.read_text(encoding="utf-8") == worker_text() for w in workers), school
        index = (school / "search" / "search_index.json").read_text(encoding="utf-8")
        assert '"kind":"clause"' in index, school


def test_a_site_without_materials_worker_is_an_error(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text('{"config": {}, "docs": []}', encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="expected Material 9's search worker"):
        install(tmp_path, Synonyms(()))


def _section_of(*clauses: dict) -> list[dict]:
    return [{"id": cid, "number": number, "title": title, "text": "Words.", "section": {"id": "search", "title": "Policy Statements"}}
            for cid, number, title in clauses]


def test_an_untitled_unnumbered_clause_is_weighed_by_the_heading_it_sits_under():
    """Decoy's 'Search:' is the title of the first of twelve paragraphs; the others sit under it on the page."""
    clauses = _section_of(("lead", None, "Search:"), ("after", None, None), ("numbered", "4.1", None), ("past-number", None, None))
    clauses.append({**clauses[1], "id": "next-section", "section": {"id": "other", "title": "Other"}})
    docs = {d["location"].partition("#")[2]: d for d in handbook_index({"docs": [
        {"location": "search/", "title": "Policy Statements", "text": ""},
        {"location": "other/", "title": "Other", "text": ""}]}, {"clauses": clauses}, Synonyms(()))["docs"]}
    assert docs["after"]["under"] == "Search:" and docs["after"]["heading"] == "", docs["after"]
    assert "under" not in docs["lead"] and "under" not in docs["numbered"], (docs["lead"], docs["numbered"])
    assert "under" not in docs["past-number"], "a numbered clause is a heading of its own: the run under 'Search:' ends there"
    assert "under" not in docs["next-section"], "a heading does not reach into the next section"


def test_the_items_of_an_untitled_list_sit_under_the_same_heading():
    titled = {**LIST, "id": "phones", "title": "Phones", "items": []}
    index = handbook_index(MATERIAL, {**OPEN_DATA, "clauses": [titled, LIST]}, Synonyms(()))
    docs = {d["location"].partition("#")[2]: d for d in index["docs"]}
    assert docs["phones-photos"]["under"] == "Phones" and docs["mobile-list"]["under"] == "Phones"
