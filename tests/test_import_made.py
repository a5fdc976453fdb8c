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


def word_policy_id(root: Path) -> str:
    """The folder the first import made (the one policy besides `other`)."""
    return next(p.name for p in (root / "policies").iterdir() if p.is_dir() and p.name not in ("schools", "other"))
