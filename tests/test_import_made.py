"""`policy-site import` on small documents made here (python-docx, Typst), each with the sources expected."""
from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
import typst
import yaml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.helpers import policy_site


def _import(root: Path, path: Path, *extra: str) -> tuple[Path, str]:
    (root / "policies").mkdir(exist_ok=True)
    run = policy_site("--root", str(root), "import", str(path), "--school", "made", *extra)
    assert run.returncode == 0, run.stderr
    folder = next(p for p in (root / "policies").iterdir() if p.name != "schools")
    return folder, run.stdout


def _clauses(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in (folder / "clauses").glob("*.md")}


def _bodies(folder: Path) -> list[str]:
    return [text.split("---\n", 2)[2] for text in _clauses(folder).values()]


def _numbered(paragraph, num_id: int, level: int) -> None:
    pr = paragraph._p.get_or_add_pPr()
    num = OxmlElement("w:numPr")
    ilvl, nid = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    ilvl.set(qn("w:val"), str(level))
    nid.set(qn("w:val"), str(num_id))
    num.append(ilvl)
    num.append(nid)
    pr.append(num)


@pytest.fixture
def word_policy(tmp_path: Path) -> Path:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Made School – Conduct Policy – page header"
    d.sections[0].footer.paragraphs[0].text = "Printed copies are uncontrolled"
    d.add_heading("Conduct Policy", 0)
    cover = d.add_table(rows=3, cols=2)
    for row, (label, value) in zip(cover.rows, [("Date adopted", "12 March 2024"), ("Next review", "March 2025"), ("Ratified by", "Full Governing Board")]):
        row.cells[0].text, row.cells[1].text = label, value
    d.add_heading("Purpose", 1)
    d.add_paragraph("Staff must act with integrity at all times.")
    d.add_paragraph("The school expects:")
    bullets = [d.add_paragraph("Honesty in reporting", style="List Bullet"), d.add_paragraph("Care with data", style="List Bullet")]
    nested = d.add_paragraph("Encrypt laptops", style="List Bullet 2")
    d.add_paragraph("\uf0b7\tSymbol bullet typed in Normal style")
    d.add_heading("Reporting", 1)
    p = d.add_paragraph()
    p.add_run("Report concerns ").bold = False
    p.add_run("promptly").bold = True
    p.add_run(" to the ")
    p.add_run("designated lead").italic = True
    p.add_run(".")
    bold_only = d.add_paragraph()
    bold_only.add_run("Records of concern").bold = True
    d.add_paragraph("Keep every record for six years.")
    log = d.add_table(rows=2, cols=3)
    for cell, text in zip(log.rows[0].cells, ["Date", "Concern", "Action"]):
        cell.paragraphs[0].add_run(text).bold = True
    d.add_paragraph("A grid without a header row:")
    grid = d.add_table(rows=2, cols=2)
    for row, (a, b) in zip(grid.rows, [("Verbal", "Name-calling"), ("Physical", "Hitting")]):
        row.cells[0].text, row.cells[1].text = a, b
    path = tmp_path / "Conduct_Policy.docx"
    d.save(str(path))
    assert bullets and nested
    return path


def test_word_policy_becomes_sources(tmp_path: Path, word_policy: Path) -> None:
    folder, out = _import(tmp_path, word_policy)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert policy["title"] == "Conduct Policy"
    assert policy["metadata"] == {"adopted": "2024-03-12", "review_due": "March 2025", "approving_committee": "Full Governing Board"}
    assert [s["title"] for s in policy["sections"]] == ["Purpose", "Reporting"]
    bodies = "\n".join(_clauses(folder).values())
    assert "- Honesty in reporting\n- Care with data\n    - Encrypt laptops\n- Symbol bullet typed in Normal style" in bodies
    assert "Report concerns **promptly** to the *designated lead*." in bodies
    assert "title: Records of concern" in bodies
    assert "| Date | Concern | Action |\n|---|---|---|\n|  |  |  |" in bodies
    assert "|  |  |\n|---|---|\n| Verbal | Name\\-calling |" in bodies or "| Verbal | Name-calling |" in bodies
    assert "page header" not in bodies and "uncontrolled" not in bodies
    assert re.search(r"heading from bold text", out)
    assert re.search(r"running header/footer lines: 2", out)
    school = yaml.safe_load((tmp_path / "policies" / "schools" / "made.yml").read_text(encoding="utf-8"))
    assert school["policies"] == {folder.name: {}}
    assert policy_site("--root", str(tmp_path), "check").returncode == 0


def test_word_numbering_gives_numbered_clauses(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Numbered Policy", 0)
    d.add_heading("1 Introduction", 1)
    for text in ["1.1 The first rule applies to everyone.", "1.2 The second rule applies to staff.", "1.2.1 Staff sign the register.", "1.3 The third rule applies to visitors."]:
        d.add_paragraph(text)
    d.add_heading("2 Procedure", 1)
    d.add_paragraph("2.1 Concerns go to the head.")
    path = tmp_path / "numbered-policy.docx"
    d.save(str(path))
    folder, _ = _import(tmp_path, path)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    first = policy["sections"][0]
    assert first["title"] == "Introduction" and "numbered" not in first
    assert isinstance(first["clauses"][1], dict)
    child = next(iter(first["clauses"][1].values()))
    assert len(child) == 1
    bodies = _clauses(folder)
    assert "The first rule applies to everyone.\n" in "".join(bodies.values())
    assert not any(re.search(r"^1\.1 ", b, re.M) for b in bodies.values())


def test_word_list_numbering_is_a_list(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("List Policy", 0)
    d.add_heading("Steps", 1)
    d.add_paragraph("Follow these steps:")
    d.add_paragraph("Tell the lead", style="List Number")
    d.add_paragraph("Write it down", style="List Number")
    path = tmp_path / "list-policy.docx"
    d.save(str(path))
    folder, _ = _import(tmp_path, path)
    assert "Follow these steps:\n\n1. Tell the lead\n1. Write it down" in "".join(_clauses(folder).values())


def _typst_pdf(tmp_path: Path) -> Path:
    body = " ".join(["Every member of staff keeps pupils safe online and reports any concern without delay."] * 6)
    source = f"""
#set page(width: 300pt, height: 400pt, margin: (top: 50pt, bottom: 50pt, x: 30pt),
  header: [Made School Safety Policy], footer: context [Page #counter(page).display()])
#set text(size: 10pt, lang: "en", hyphenate: true)
#set par(justify: true)
#text(size: 18pt, weight: "bold")[Safety Policy]

#text(size: 14pt, weight: "bold")[Scope]

{body} Internationalisation considerations notwithstanding, comprehensiveness matters.

#text(size: 14pt, weight: "bold")[Duties]

{body}

- first duty
- second duty
"""
    path = tmp_path / "safety-policy.pdf"
    path.write_bytes(typst.compile(source.encode(), ignore_system_fonts=True))
    return path


def test_pdf_headers_footers_page_numbers_and_paragraphs(tmp_path: Path) -> None:
    pdf = _typst_pdf(tmp_path)
    folder, out = _import(tmp_path, pdf)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert policy["title"] == "Safety Policy"
    assert [s["title"] for s in policy["sections"]] == ["Scope", "Duties"]
    bodies = "\n".join(_clauses(folder).values())
    assert "Made School Safety Policy" not in bodies and not re.search(r"Page \d", bodies)
    assert "- first duty\n- second duty" in bodies
    paragraphs = [p for body in _bodies(folder) for p in body.split("\n\n") if "keeps pupils safe" in p]
    assert len(paragraphs) == 2
    assert all("\n" not in p.strip() for p in paragraphs)
    assert "comprehensiveness matters" in bodies and "Internationalisation" in bodies
    assert not re.search(r"[a-z]- [a-z]", bodies)
    assert "page numbers" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0", "save as .docx"),
        ("empty.pdf", b"", "the file is empty"),
        ("notes.odt", b"x", "expected a .docx, .pdf, .md or .txt"),
        ("broken.pdf", b"%PDF-1.4 nonsense", "not a readable PDF"),
        ("broken.docx", b"not a zip file", "not a readable Word .docx file"),
    ],
)
def test_refusals_are_one_clear_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (tmp_path / "policies").mkdir()
    run = policy_site("--root", str(tmp_path), "import", str(path), "--school", "made")
    assert run.returncode == 1
    assert message in run.stderr and "Traceback" not in run.stderr


def test_scanned_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(typst.compile(b'#set page(width: 100pt, height: 100pt)\n#rect(width: 50pt, height: 50pt, fill: black)', ignore_system_fonts=True))
    (tmp_path / "policies").mkdir()
    run = policy_site("--root", str(tmp_path), "import", str(path), "--school", "made")
    assert run.returncode == 1 and "no text layer; run OCR first, for example ocrmypdf" in run.stderr


def test_second_policy_joins_the_schools_handbook(tmp_path: Path, word_policy: Path) -> None:
    _import(tmp_path, word_policy)
    other = tmp_path / "other-policy.txt"
    other.write_text("Other Policy\n\nStaff read this.\n", encoding="utf-8")
    run = policy_site("--root", str(tmp_path), "import", str(other), "--school", "made")
    assert run.returncode == 0, run.stderr
    school = yaml.safe_load((tmp_path / "policies" / "schools" / "made.yml").read_text(encoding="utf-8"))
    assert list(school["policies"]) == [word_policy_id(tmp_path), "other"] and "added other to the policies made.yml adopts" in run.stdout
    assert not (tmp_path / "policies" / "schools" / "made-other.yml").exists()
    assert policy_site("--root", str(tmp_path), "check").returncode == 0


def test_word_comments_left_out_and_signature_lines_become_a_form(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Acceptable Use Policy", 0)
    d.add_heading("Agreement", 1)
    p = d.add_paragraph("Staff use school devices for school work.")
    d.add_comment(p.runs, text="DL: check this wording", author="DL", initials="DL")
    d.add_heading("Staff declaration", 1)
    d.add_paragraph("I have read and agree to this policy.")
    for label in ["Name: ______________", "Signature: ______________", "Date: ______________"]:
        d.add_paragraph(label)
    path = tmp_path / "acceptable-use-policy.docx"
    d.save(str(path))
    folder, out = _import(tmp_path, path)
    bodies = "\n".join(_clauses(folder).values())
    assert "Staff use school devices for school work." in bodies and "check this wording" not in bodies
    assert "Word comments: 1" in out
    form = yaml.safe_load(next((folder / "forms").glob("*.yml")).read_text(encoding="utf-8"))
    assert [(f["label"], f["type"]) for f in form["fields"]] == [("Name", "text"), ("Signature", "signature"), ("Date", "date")]
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert form["id"] in policy["sections"][-1]["forms"]
    assert policy_site("--root", str(tmp_path), "check").returncode == 0


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = _typst_pdf(tmp_path)
    writer = PdfWriter()
    writer.append(PdfReader(str(plain)))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    (tmp_path / "policies").mkdir()
    run = policy_site("--root", str(tmp_path), "import", str(locked), "--school", "made")
    assert run.returncode == 1 and "encrypted" in run.stderr and "Traceback" not in run.stderr


def test_markdown_policy_keeps_its_lists_and_sections(tmp_path: Path) -> None:
    path = tmp_path / "visitors-policy.md"
    path.write_text("# Visitors Policy\n\n## Signing in\n\nAll visitors sign in at reception.\n\n- wear a badge\n- stay with staff\n    - always\n\n## Leaving\n\nVisitors sign out.\n", encoding="utf-8")
    folder, _ = _import(tmp_path, path)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert (policy["title"], [s["title"] for s in policy["sections"]]) == ("Visitors Policy", ["Signing in", "Leaving"])
    assert "All visitors sign in at reception.\n\n- wear a badge\n- stay with staff\n    - always\n" in _bodies(folder)


def _pdf(tmp_path: Path, name: str, body: str) -> Path:
    """A PDF made here with Typst from `body` (Typst markup) on small pages with a running footer."""
    source = '#set page(width: 320pt, height: 420pt, margin: (top: 40pt, bottom: 50pt, x: 30pt), footer: context [Page #counter(page).display()])\n'
    source += '#set text(size: 10pt, lang: "en")\n' + body
    path = tmp_path / name
    path.write_bytes(typst.compile(source.encode(), ignore_system_fonts=True))
    return path


def test_pdf_round_bullets_and_tight_o_sub_bullets_are_lists(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "conduct-policy.pdf", """#text(size: 18pt, weight: "bold")[Conduct Policy]

#text(size: 14pt, weight: "bold")[Investigator]

The investigator will:

#set list(marker: ([●], [o]), body-indent: 1em)
- interview those involved
  #set list(body-indent: 0.3em)
  - consideration of records
  - analysing information
- keep notes of interviews
""")
    folder, _ = _import(tmp_path, pdf)
    assert "The investigator will:\n\n- interview those involved\n    - consideration of records\n    - analysing information\n- keep notes of interviews\n" in _bodies(folder)


def test_steps_numbered_1_to_n_become_a_counted_list_and_irregular_ones_stay_text(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "sanctions-policy.pdf", """#text(size: 18pt, weight: "bold")[Sanctions Policy]

#text(size: 14pt, weight: "bold")[Consequences]

Stages may be skipped.

1.) See the response above.

2.) Meeting between the children involved.

3.) Parents are informed.

#text(size: 14pt, weight: "bold")[Notes]

2.) A lone second point stays as written.

4.) So does a fourth.
""")
    folder, _ = _import(tmp_path, pdf)
    bodies = _bodies(folder)
    assert "Stages may be skipped.\n\n1. See the response above.\n1. Meeting between the children involved.\n1. Parents are informed.\n" in bodies
    assert "2.) A lone second point stays as written.\n" in bodies and "4.) So does a fourth.\n" in bodies


def test_cover_values_repeated_title_letterhead_and_bold_sentences(tmp_path: Path) -> None:
    body = " ".join(["Every child has the right to feel safe and happy at school."] * 3)
    pdf = _pdf(tmp_path, "kindness-policy.pdf", f"""#text(size: 20pt, weight: "bold")[Kindness Policy]

DATE OF ADOPTION: November 2020

#align(center)[#text(size: 14pt, weight: "bold")[Made Primary School]]

#align(center)[#text(size: 14pt, weight: "bold")[OUR VALUES]]

#align(center)[Have a go]

#align(center)[Do your best]

#align(center)[#text(size: 14pt, weight: "bold")[Our Golden Value]]

#align(center)[*Treat other people as you would like them to treat you*]
#pagebreak()
#v(40pt)
#text(size: 14pt, weight: "bold")[KINDNESS POLICY]

{body}

*Statutory Duty*

{body}

*Why children are unkind*

{body}

*NB: This is a suggested order of steps, but if necessary, certain steps may be missed out.*
""")
    folder, out = _import(tmp_path, pdf)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [s["title"] for s in policy["sections"]] == ["Kindness Policy", "Statutory Duty", "Why children are unkind"]
    assert {"label": "School", "value": "Made Primary School"} in policy["metadata"]["extra"]
    intro = policy["sections"][0]["clauses"]
    texts = [_clauses(folder)[c].split("---\n", 2)[2].strip() for c in intro]
    assert texts[:6] == ["**OUR VALUES**", "Have a go", "Do your best", "**Our Golden Value**", "**Treat other people as you would like them to treat you**", body]
    assert "KINDNESS POLICY" not in "".join(_clauses(folder).values()) and "repeated cover title: 1" in out
    assert "**NB: This is a suggested order of steps, but if necessary, certain steps may be missed out.**\n" in _bodies(folder)


def test_a_form_in_the_text_stays_in_its_section_and_a_letterhead_goes(tmp_path: Path) -> None:
    letterhead = "header: [#text(size: 16pt)[Made Primary School] \\ Made Road, Madetown \\ Tel: 01234 567890 \\ admin\\@made.example]"
    body = " ".join(["The headteacher answers every complaint in writing within ten school days."] * 8)
    source = f'#set page(width: 320pt, height: 420pt, margin: (top: 95pt, bottom: 40pt, x: 30pt), header-ascent: 10%, {letterhead})\n'
    source += f"""#set text(size: 10pt, lang: "en")
#text(size: 18pt, weight: "bold")[Complaints Policy]

#text(size: 14pt, weight: "bold")[Procedure]

{body}

#text(size: 14pt, weight: "bold")[Next Steps]

{body}

*A word version of this form is available on the school website*

*Complaint Form*

Please complete and return to the school office.

*Your name:*

*Pupil's name:*

*Signature:*

*Date:*

#text(size: 14pt, weight: "bold")[Roles]

{body}
"""
    path = tmp_path / "complaints-policy.pdf"
    path.write_bytes(typst.compile(source.encode(), ignore_system_fonts=True))
    folder, _ = _import(tmp_path, path)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [(s["title"], s.get("forms")) for s in policy["sections"]] == [("Procedure", None), ("Next Steps", ["complaint-form"]), ("Roles", None)]
    form = yaml.safe_load((folder / "forms" / "complaint-form.yml").read_text(encoding="utf-8"))
    assert form["title"] == "Complaint Form"
    assert form["intro"] == "A word version of this form is available on the school website\n\nPlease complete and return to the school office."
    assert [f["label"] for f in form["fields"]] == ["Your name", "Pupil’s name", "Signature", "Date"]
    bodies = "\n".join(_clauses(folder).values())
    assert not re.search(r"Made Road|01234 567890|admin@made", bodies + (folder / "policy.yml").read_text(encoding="utf-8"))


def test_numbered_document_keeps_unnumbered_headings_inside_their_section(tmp_path: Path) -> None:
    text = "Charges are based on the actual costs incurred, divided by the number of pupils."
    pdf = _pdf(tmp_path, "charging-policy.pdf", f"""#set super(typographic: false)
#text(size: 18pt, weight: "bold")[Charging Policy]

#text(size: 13pt, weight: "bold")[1 Calculating Charges]

1.1 {text}

1.2 {text}

#text(size: 13pt, weight: "bold")[GENERAL INFORMATION]

#text(size: 13pt, weight: "bold")[2 Contacts]

2.1 {text} Last updated 24#super[th] November 2023.

#text(size: 13pt, weight: "bold")[The Department for Education (DfE)]

0870 000 2288 www.education.gov.uk
""")
    folder, _ = _import(tmp_path, pdf)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [(s["title"], s.get("numbered", True)) for s in policy["sections"]] == [("Calculating Charges", True), ("GENERAL INFORMATION", False), ("Contacts", True)]
    contacts = _clauses(folder)[policy["sections"][2]["clauses"][-1]]
    assert "title: The Department for Education (DfE)" in contacts and "0870 000 2288 www.education.gov.uk" in contacts
    assert any("Last updated 24th November 2023." in body for body in _bodies(folder))


def test_bold_bullets_are_items_and_an_appendices_list_with_page_ranges_goes(tmp_path: Path) -> None:
    body = " ".join(["Staff report every incident of misuse to the online safety lead."] * 4)
    pdf = _pdf(tmp_path, "online-safety-policy.pdf", f"""#text(size: 18pt, weight: "bold")[Online Safety Policy]

#text(size: 13pt, weight: "bold")[Incidents]

{body}

#set list(marker: [•], body-indent: 0.3em)
- *incidents of grooming behaviour*
- *criminally racist material*

#text(size: 13pt, weight: "bold")[Appendices]

#text(size: 13pt, weight: "bold")[Can be found on the following pages:]

- *Pupil Acceptable Use Agreement – Year 5/6 20-21*
- *Class Charter – KS1 23*
- *Legislation 41*

#text(size: 13pt, weight: "bold")[Year groups]

- Year 3
- Year 4
- Year 5
""")
    folder, out = _import(tmp_path, pdf)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [s["title"] for s in policy["sections"]] == ["Incidents", "Year groups"]
    bodies = _bodies(folder)
    assert any(b.endswith("\n\n- **incidents of grooming behaviour**\n- **criminally racist material**\n") for b in bodies), bodies
    assert "- Year 3\n- Year 4\n- Year 5\n" in bodies
    assert "table of contents entries: 5" in out


def test_a_form_of_its_own_joins_its_policy_and_stays_through_a_newer_version(tmp_path: Path) -> None:
    policy = tmp_path / "complaints-policy.md"
    policy.write_text("# Complaints Policy\n\n## Procedure\n\nWe answer every complaint within ten school days.\n\n## Next steps\n\nYou may write to the Department for Education.\n", encoding="utf-8")
    form = tmp_path / "Complaint-Form-for-Parents.txt"
    form.write_text("Complaint Form\n\nPlease complete and return to the school office.\n\nYour name: ________\n\nSignature: ________\n\nDate: ________\n\n"
                    "Official use\n\nDate received: ________\n", encoding="utf-8")
    folder, _ = _import(tmp_path, policy)
    run = policy_site("--root", str(tmp_path), "import", str(form), "--school", "made", "--form-of", "complaints")
    assert run.returncode == 0, run.stderr
    written = yaml.safe_load((folder / "forms" / "complaint-form.yml").read_text(encoding="utf-8"))
    assert (written["title"], written["intro"]) == ("Complaint Form", "Please complete and return to the school office.")
    assert [(f["label"], f["type"]) for f in written["fields"]] == [("Your name", "text"), ("Signature", "signature"), ("Date", "date"), ("Official use: Date received", "date")]
    assert yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))["sections"][-1]["forms"] == ["complaint-form"]
    yml = folder / "policy.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("title: Complaints Policy\n", "title: Complaints Policy\npublic_numbering: source\n"), encoding="utf-8")
    policy.write_text(policy.read_text(encoding="utf-8").replace("ten school days", "five school days"), encoding="utf-8")
    run = policy_site("--root", str(tmp_path), "import", str(policy), "--school", "made", "--as-version", "2025-01-01")
    assert run.returncode == 0, run.stderr
    newer = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert newer["sections"][-1]["forms"] == ["complaint-form"] and newer["public_numbering"] == "source"
    assert policy_site("--root", str(tmp_path), "check").returncode == 0
    refused = policy_site("--root", str(tmp_path), "import", str(form), "--school", "made", "--form-of", "behaviour")
    assert refused.returncode == 1 and "policies/behaviour/policy.yml does not exist" in refused.stderr


def test_a_ruled_table_running_over_a_page_break_is_one_table(tmp_path: Path) -> None:
    long = " ".join(["Contact the local authority designated officer by telephone or by secure email."] * 10)
    rows = ", ".join(f"[Matter {n}], [{long if n == 14 else 'Contact the school office.'}]" for n in range(1, 25))
    pdf = _pdf(tmp_path, "exceptions-policy.pdf", f"""#text(size: 18pt, weight: "bold")[Exceptions Policy]

#text(size: 13pt, weight: "bold")[Scope]

This procedure covers every complaint except those below.

#table(columns: (1fr, 2fr), inset: 3pt, [*Exceptions*], [*Who to contact*], {rows})
""")
    folder, _ = _import(tmp_path, pdf)
    tables = [b for b in _bodies(folder) if "| Exceptions | Who to contact |" in b]
    assert len(tables) == 1 and tables[0].count("\n|---|---|\n") == 1
    lines = [line for line in tables[0].splitlines() if line.startswith("| Matter")]
    assert [line.split(" | ")[0] for line in lines] == [f"| Matter {n}" for n in range(1, 25)]
    assert f"| Matter 14 | {long} |" in lines


def test_a_diagram_of_shapes_side_by_side_is_read_shape_by_shape(tmp_path: Path) -> None:
    shapes = [(20, 100, "I will let my teacher or another adult know if school equipment is not working."),
              (170, 106, "I will leave the computing suite tidy and pack away computing equipment carefully."),
              (20, 200, "I will not use school computing equipment unless I have permission."),
              (170, 206, "I will be polite and responsible when sending messages to people on line.")]
    placed = "\n".join(f"#place(dx: {x}pt, dy: {y}pt)[#block(width: 90pt)[#set par(leading: 4pt); {text}]]" for x, y, text in shapes)
    pdf = _pdf(tmp_path, "charter-policy.pdf", f"""#text(size: 18pt, weight: "bold")[Charter Policy]

#text(size: 13pt, weight: "bold")[Class Charter]

{placed}
#v(300pt)
Please sign below if you agree to follow this class charter.
""")
    folder, _ = _import(tmp_path, pdf)
    bodies = "\n".join(_bodies(folder))
    for _, _, text in shapes:
        assert f"{text}\n" in bodies


def test_a_contents_list_of_headings_without_page_numbers_goes(tmp_path: Path) -> None:
    roles = ["Governors", "Pupils", "Parents and carers", "Community users"]
    sections = "\n\n".join(f"## {r}\n\n{r} read this policy and agree to follow it every year, with the school's help." for r in roles)
    path = tmp_path / "roles-policy.md"
    path.write_text("# Roles Policy\n\nScope of the Policy\n\n" + "\n".join(f"- {r}" for r in roles) + f"\n\n## Scope of the Policy\n\nIt applies to everyone in the school community, in school and out of it.\n\n{sections}\n", encoding="utf-8")
    folder, out = _import(tmp_path, path)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [s["title"] for s in policy["sections"]] == ["Scope of the Policy", *roles]
    assert "table of contents entries: 5" in out


def test_labels_in_ruled_boxes_beside_blank_boxes_are_a_form(tmp_path: Path) -> None:
    def boxes(*labels: str) -> str:
        return "#table(columns: (1fr, 2fr), inset: 5pt, " + ", ".join(f"[{label}], []" for label in labels) + ")"

    pdf = _pdf(tmp_path, "misuse-policy.pdf", f"""#text(size: 18pt, weight: "bold")[Misuse Policy]

#text(size: 13pt, weight: "bold")[Reviewing a device]

Two members of staff review a device together and record what they find.

#text(size: 11pt, weight: "bold")[Record of reviewing devices]

{boxes("Group", "Date", "Reason for investigation")}

#text(size: 11pt, weight: "bold")[Details of first reviewing person]

{boxes("Name", "Position", "Signature")}

#text(size: 11pt, weight: "bold")[Details of second reviewing person]

{boxes("Name", "Position", "Signature")}
""")
    folder, _ = _import(tmp_path, pdf)
    form = yaml.safe_load(next((folder / "forms").glob("*.yml")).read_text(encoding="utf-8"))
    assert form["title"] == "Record of reviewing devices"
    assert [(f["label"], f["type"]) for f in form["fields"]] == [
        ("Group", "text"), ("Date", "date"), ("Reason for investigation", "text"),
        ("Details of first reviewing person: Name", "text"), ("Details of first reviewing person: Position", "text"),
        ("Details of first reviewing person: Signature", "signature"), ("Details of second reviewing person: Name", "text"),
        ("Details of second reviewing person: Position", "text"), ("Details of second reviewing person: Signature", "signature")]
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [(s["title"], s.get("forms")) for s in policy["sections"]] == [("Reviewing a device", [form["id"]])]


def test_a_page_set_sideways_is_one_paragraph_in_its_own_order(tmp_path: Path) -> None:
    heads = ["Name", "Position", "Relevant training in last 12 months", "Identified training need", "To be met by", "Cost", "Review date"]
    pdf = _pdf(tmp_path, "training-policy.pdf", f"""#text(size: 18pt, weight: "bold")[Training Policy]

#text(size: 13pt, weight: "bold")[Training]

Every member of staff takes part in a training needs audit each year with the online safety lead.
#pagebreak()
#text(size: 13pt, weight: "bold")[Training Needs Audit]

#rotate(-90deg, reflow: true)[#table(columns: 7, inset: 4pt, {", ".join(f"[{h}]" for h in heads)}, {", ".join("[]" for _ in range(14))})]
""")
    folder, out = _import(tmp_path, pdf)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [s["title"] for s in policy["sections"]] == ["Training", "Training Needs Audit"]
    assert " ".join(heads) + "\n" in _bodies(folder)
    assert "words set across the page" in out


def test_a_cover_date_line_keeps_what_follows_the_date(tmp_path: Path) -> None:
    path = tmp_path / "kindness-policy.txt"
    path.write_text("Kindness Policy\n\nDATE OF ADOPTION: November 2020 Amended Feb 2021\n\nDATE OF NEXT REVIEW: March 2021 2020\n\n"
                    "RATIFIED BY: Full Governing Board\n\nAims\n\nEvery child is kind to every other child, every day, in every place.\n", encoding="utf-8")
    folder, _ = _import(tmp_path, path)
    metadata = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))["metadata"]
    assert (metadata["adopted"], metadata["review_due"], metadata["approving_committee"]) == ("November 2020", "March 2021", "Full Governing Board")
    assert metadata["extra"] == [{"label": "Amended", "value": "Feb 2021"}, {"label": "Date of next review", "value": "March 2021 2020"}]


def word_policy_id(root: Path) -> str:
    """The folder the first import made (the one policy besides `other`)."""
    return next(p.name for p in (root / "policies").iterdir() if p.is_dir() and p.name not in ("schools", "other"))


def test_a_numbered_title_on_a_line_of_its_own_titles_its_clause(tmp_path: Path) -> None:
    text = "All concerns will be treated in confidence and the school will do its best to protect your identity."
    pdf = _pdf(tmp_path, "whistleblowing-policy.pdf", f"""#text(size: 18pt, weight: "bold")[Whistleblowing Policy]

#text(size: 13pt, weight: "bold")[1.0 Safeguards]

1.1 Confidentiality \\
{text}

1.2 Anonymous Allegations \\
{text}

1.3 Untrue Allegations

1.4 If you make an allegation in good faith but it is not confirmed, no action will be taken against you.
""")
    folder, _ = _import(tmp_path, pdf)
    clauses = _clauses(folder)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    order = policy["sections"][0]["clauses"]
    assert [clauses[c].split("---\n", 2)[1].split("title: ")[-1].strip() if "title:" in clauses[c] else None for c in order] == ["Confidentiality", "Anonymous Allegations", None, None]
    assert [clauses[c].split("---\n", 2)[2] for c in order] == [f"{text}\n", f"{text}\n", "Untrue Allegations\n",
                                                                "If you make an allegation in good faith but it is not confirmed, no action will be taken against you.\n"]


def test_an_empty_bullet_does_not_swallow_the_next_paragraph(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "response-policy.pdf", """#text(size: 18pt, weight: "bold")[Response Policy]

#text(size: 13pt, weight: "bold")[1.0 How the school will respond]

1.1 Within five working days the school will write to you to:

#set list(marker: [•], body-indent: 1em)
- acknowledge that the concern has been received
- indicate how it proposes to deal with the matter
- #h(0pt)

1.2 Following discussion with you, a Support Officer will make contact with you.

1.3 The Support Officer will keep you informed about the progress of the investigation.
""")
    folder, _ = _import(tmp_path, pdf)
    bodies = _bodies(folder)
    assert "Following discussion with you, a Support Officer will make contact with you.\n" in bodies
    assert not any("•" in body for body in bodies)


@pytest.mark.parametrize(
    ("printed", "depths"),
    [
        (["a)", "b)", "c)"], [0, 0, 0]),
        (["a)", "i)", "ii)", "b)"], [0, 1, 1, 0]),
        (["(a)", "(b)", "(i)", "(ii)", "(c)"], [0, 0, 1, 1, 0]),
        (["i)", "ii)", "iii)", "iv)"], [0, 0, 0, 0]),
        (["1)", "2)", "a)", "b)", "3)"], [0, 0, 1, 1, 0]),
        (["a.", "b.", "c.", "i)", "d."], [0, 0, 0, 1, 0]),
        (["a)", "b)", "h)", "i)"], []),  # skips a value: not a list the import can be sure of
        (["a)", "c)"], []),
        (["b)", "c)"], []),  # does not start at its first value
        (["a)", "b)", "a)"], []),  # restarts
    ],
)
def test_sub_clause_markers_are_put_in_sequence_and_nested(printed: list[str], depths: list[int]) -> None:
    from generator.importer import markers

    assert markers.sequence([markers.read(f"{m} words") for m in printed]) == depths


@pytest.mark.parametrize(
    ("fmt", "template", "counts", "label"),
    [
        ("decimal", "%1.", [3], "3."),
        ("lowerLetter", "%1)", [2], "b)"),
        ("upperLetter", "(%1)", [1], "(A)"),
        ("lowerRoman", "%2.", [1, 4], "iv."),
        ("upperRoman", "%1)", [9], "IX)"),
        ("decimal", "%1.%2", [2, 5], "2.5"),
        ("bullet", "\uf0b7", [1], ""),
    ],
)
def test_word_list_numbers_are_printed_as_word_prints_them(fmt: str, template: str, counts: list[int], label: str) -> None:
    from generator.importer import markers

    assert markers.word_label(fmt, template, counts) == label


@pytest.mark.parametrize(
    ("lines", "markdown"),
    [
        # lettered items under a lead-in, a roman list inside the second: numbers kept as printed
        ("The governors will:\n\na) appoint a panel;\nb) hear the complaint:\n    i) in private;\n    ii) within 20 days;\nc) write to the complainant.",
         "The governors will:\n\n- a) appoint a panel;\n- b) hear the complaint:\n    - i) in private;\n    - ii) within 20 days;\n- c) write to the complainant.\n"),
        ("Steps:\n\n(a) first\n(b) second", "Steps:\n\n- (a) first\n- (b) second\n"),
        ("Steps:\n\n1) first\n2) second", "Steps:\n\n1. first\n1. second\n"),
    ],
)
def test_a_text_policy_keeps_its_sub_clause_numbers(tmp_path: Path, lines: str, markdown: str) -> None:
    path = tmp_path / "panel-policy.txt"
    path.write_text(f"Panel Policy\n\n{lines}\n", encoding="utf-8")
    folder, _ = _import(tmp_path, path)
    assert markdown in _bodies(folder)


def test_a_pdf_keeps_its_lettered_and_roman_sub_clauses_as_printed(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "panel-policy.pdf", """#text(size: 18pt, weight: "bold")[Panel Policy]

#text(size: 14pt, weight: "bold")[Hearings]

The panel will: \\
a) meet within 20 school days; \\
b) hear both sides: \\
#h(1.5em) i) the complainant first; \\
#h(1.5em) ii) then the school; \\
c) write to the complainant.

Stage 2 hearings follow the same rules.
""")
    folder, _ = _import(tmp_path, pdf)
    assert ("The panel will:\n\n- a) meet within 20 school days;\n- b) hear both sides:\n    - i) the complainant first;\n"
            "    - ii) then the school;\n- c) write to the complainant.\n") in "".join(_bodies(folder))


def _lettered(document: docx.document.Document) -> int:
    """A Word list numbered a), b) with i., ii. under it, added to the document's numbering part."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, (fmt, text) in enumerate([("lowerLetter", "%1)"), ("lowerRoman", "%2.")]):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            lvl.append(el)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return 90


def test_a_word_lettered_list_prints_its_letters_not_1_2_3(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Panel Policy", 0)
    d.add_heading("Hearings", 1)
    d.add_paragraph("The panel will:")
    num = _lettered(d)
    for text, level in [("meet", 0), ("hear both sides", 0), ("the complainant first", 1), ("then the school", 1), ("decide", 0)]:
        _numbered(d.add_paragraph(text, style="List Paragraph"), num, level)
    path = tmp_path / "panel-policy.docx"
    d.save(str(path))
    folder, _ = _import(tmp_path, path)
    assert "The panel will:\n\n- a) meet\n- b) hear both sides\n    - i. the complainant first\n    - ii. then the school\n- c) decide\n" in "".join(_bodies(folder))


def test_a_heading_with_another_at_once_under_it_is_no_empty_section(tmp_path: Path) -> None:
    path = tmp_path / "safety-policy.md"
    path.write_text("# Safety Policy\n\n## SECTION 1: INTENT\n\nWe keep everyone safe.\n\n## SECTION 2: ORGANISATION\n\n"
                    "## The Duties of the Governing Body\n\nThe governors review this policy.\n\n## First Aid\n\nBoxes are in the office.\n\n"
                    "## Please see the separate policy\n", encoding="utf-8")
    folder, _ = _import(tmp_path, path)
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    assert [(s["title"], len(s["clauses"])) for s in policy["sections"]] == [("SECTION 1: INTENT", 1), ("SECTION 2: ORGANISATION", 1), ("First Aid", 2)]
    assert "title: The Duties of the Governing Body\n" in _clauses(folder)["duties-governing-body"]
    assert "Please see the separate policy\n" in _bodies(folder)


def test_a_footnote_goes_under_the_paragraph_citing_it_and_its_number_is_a_superscript(tmp_path: Path) -> None:
    filler = " ".join(["Trips that are part of the curriculum are free of charge for every pupil."] * 14)
    pdf = _pdf(tmp_path, "charging-policy.pdf", f"""#set super(typographic: false)
#text(size: 18pt, weight: "bold")[Charging Policy]

#text(size: 14pt, weight: "bold")[Policy Statement]

{filler} All activities that are a part of the National Curriculum#footnote[The national curriculum is a set of subjects and standards.] for compulsory school age children are provided free of charge, including materials and transport between the school and the activity.

#text(size: 14pt, weight: "bold")[Voluntary Contributions]

We will ask parents for a voluntary contribution.
""")
    folder, out = _import(tmp_path, pdf)
    bodies = "".join(_bodies(folder))
    assert "the National Curriculum¹ for compulsory school age children are provided free of charge, including materials and transport between the school and the activity.\n\n¹ The national curriculum is a set of subjects and standards.\n" in bodies
    assert "footnotes moved under the paragraph citing them: 1" in out


def test_a_cell_spanning_rows_keeps_the_marks_beside_it_under_their_headings(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "user-actions-policy.pdf", """#text(size: 18pt, weight: "bold")[User Actions Policy]

#text(size: 13pt, weight: "bold")[User Actions]

#table(columns: (2fr, 3fr, 1.2fr, 1.2fr, 1.2fr), inset: 3pt,
  [], [], [Allowed], [Banned], [Illegal],
  table.cell(rowspan: 3)[Users shall not post material that relates to:], [indecent images of children], [], [], [X],
  [pornography], [], [X], [],
  [discrimination], [], [X], [],
  table.cell(colspan: 2)[Using school systems to run a private business], [], [X], [],
  table.cell(colspan: 2)[Online shopping], [X], [], [],
  table.cell(colspan: 2)[File sharing], [X], [], [],
  table.cell(colspan: 2)[Use of social media], [X], [], [],
)
""")
    folder, _ = _import(tmp_path, pdf)
    table = next(b for b in _bodies(folder) if "| Allowed |" in b)
    assert "|  |  | Allowed | Banned | Illegal |\n" in table
    assert "|  | pornography |  | X |  |\n" in table and "|  | discrimination |  | X |  |\n" in table
    assert "| Users shall not post material that relates to: | indecent images of children |  |  | X |\n" in table
    assert "| Using school systems to run a private business |  |  | X |  |\n" in table and "| Online shopping |  | X |  |  |\n" in table


@pytest.mark.parametrize(
    ("grid", "table"),
    [
        # a column no row writes in goes
        ([["Name", "", "Date"], ["Ann", "", "1 May"]], [["Name", "Date"], ["Ann", "1 May"]]),
        # a shaded head ruled apart from its column joins it
        ([["", "Number", "", "Description"], ["RA 03", "", "", "Fire"]], [["Number", "Description"], ["RA 03", "Fire"]]),
        # marks beside a cell spanning rows keep their columns
        ([["", "", "Allowed", "Banned"], ["Users shall not:", "images", "", "X"], ["", "gambling", "X", ""]],
         [["", "", "Allowed", "Banned"], ["Users shall not:", "images", "", "X"], ["", "gambling", "X", ""]]),
        # blank rows over the head and under it go; a blank log's rows stay
        ([["", ""], ["Name", "Date"], ["", ""], ["Ann", "1 May"]], [["Name", "Date"], ["Ann", "1 May"]]),
        ([["Name", "Date"], ["", ""], ["", ""]], [["Name", "Date"], ["", ""], ["", ""]]),
    ],
)
def test_a_ruled_tables_columns_are_the_ones_its_rows_write_in(grid: list[list[str]], table: list[list[str]]) -> None:
    from generator.importer.pdf import _pack, _unpadded

    assert _unpadded(_pack(grid)) == table


def test_a_word_footnote_goes_under_the_paragraph_citing_it(tmp_path: Path) -> None:
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    d = docx.Document()
    d.add_heading("Charging Policy", 0)
    d.add_heading("Policy Statement", 1)
    p = d.add_paragraph("All activities that are a part of the National Curriculum")
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), "1")
    p.add_run()._r.append(ref)
    p.add_run(" are free of charge.")
    d.add_paragraph("We will ask parents for a voluntary contribution.")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (f'<w:footnotes xmlns:w="{w}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           f'<w:footnote w:id="1"><w:p><w:r><w:t>The national curriculum is a set of subjects and standards.</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml", xml.encode(), d.part.package)
    d.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes")
    path = tmp_path / "charging-policy.docx"
    d.save(str(path))
    folder, _ = _import(tmp_path, path)
    bodies = _bodies(folder)
    assert "All activities that are a part of the National Curriculum¹ are free of charge.\n\n¹ The national curriculum is a set of subjects and standards.\n" in bodies
    assert "We will ask parents for a voluntary contribution.\n" in bodies


def test_a_bold_paragraph_running_over_lines_is_a_paragraph_not_a_heading(tmp_path: Path) -> None:
    """Decoy's Online Safety: a bold paragraph's first line (short enough for a heading) was taken
    for a clause title, cutting its sentence after 'whether they'."""
    body = " ".join(["Staff follow this policy in every lesson, on every school trip and in every club after school."] * 3)
    bold = ("If inappropriate material is found on the device it is up to the authorised member of staff to decide whether they "
            "should delete that material, retain it as evidence (of a criminal offence or a breach of school discipline) or whether the "
            "material is of such seriousness that it requires the involvement of the police.")
    source = '#set page(width: 700pt, height: 842pt, margin: (top: 40pt, bottom: 50pt, x: 40pt))\n#set text(size: 10pt, lang: "en")\n'
    source += f'#text(size: 18pt, weight: "bold")[Devices Policy]\n\n*Searching devices*\n\n{body}\n\n*{bold}*\n\n{body}\n'
    pdf = tmp_path / "devices-policy.pdf"
    pdf.write_bytes(typst.compile(source.encode(), ignore_system_fonts=True))
    folder, _ = _import(tmp_path, pdf)
    titles = [yaml.safe_load(t.split("---\n")[1]).get("title") or "" for t in _clauses(folder).values()]
    assert not [t for t in titles if "inappropriate" in t]
    assert any(b.strip("*\n").startswith("If inappropriate material is found") and b.rstrip("*\n").endswith("involvement of the police.") for b in _bodies(folder))
