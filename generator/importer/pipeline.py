"""One document in, one policy's sources out: read → cover → forms → structure → IDs → write → report."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import yaml

from generator.importer import cover as cover_mod
from generator.importer import forms as forms_mod
from generator.importer import ids, match, report as report_mod, write
from generator.importer.blocks import Block, ImportRefused, Removed
from generator.importer.structure import Draft, build, cover_page, drop_contents, drop_repeated_title, find_title, walk

READABLE = (".docx", ".pdf", ".md", ".txt")


def read(path: Path) -> tuple[list[Block], Removed, str]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportRefused("no such file")
    if suffix == ".doc":
        raise ImportRefused("this is an old Word .doc file; open it in Word or LibreOffice and save as .docx, then import the .docx")
    if suffix not in READABLE:
        raise ImportRefused(f"cannot import '{suffix or 'a file without an extension'}'; expected a .docx, .pdf, .md or .txt file")
    if path.stat().st_size == 0:
        raise ImportRefused("the file is empty; expected a policy document")
    if suffix == ".docx":
        from generator.importer.docx import read_docx

        return read_docx(path)
    if suffix == ".pdf":
        from generator.importer.pdf import read_pdf

        return read_pdf(path)
    from generator.importer.text import read_text

    text = path.read_text(encoding="utf-8", errors="replace")
    return read_text(path), Removed(), text


MONTHS = r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(tember)?|oct(ober)?|nov(ember)?|dec(ember)?"


def policy_id_for(title: str, path: Path) -> str:
    """From the file's name when it names the policy ('2020-anti-bullying-policy.pdf'), else the title."""
    name = re.sub(rf"\b(\d+|v\d+|{MONTHS}|final|draft|copy)\b", " ", path.stem.replace("_", " ").replace("-", " "), flags=re.I)
    for text in (name, title):
        base = ids.slug(re.sub(r"\bpolic(y|ies)\b", " ", text, flags=re.I), 6)
        if len(re.findall(r"[a-z]{3,}", base)) >= 1 and base != "clause":
            return base
    return "imported-policy"


def import_one(root: Path, path: Path, school: str, policy_id: str | None, as_version: str | None) -> report_mod.Report:
    started = time.perf_counter()
    blocks, removed, source = read(path)
    if not any(b.plain.strip() for b in blocks):
        raise ImportRefused("no text found in the document; expected a policy with words in it")
    title, blocks = find_title(blocks, path.stem.replace("_", " ").replace("-", " ").strip().capitalize())
    facts = cover_mod.read_cover(blocks)
    blocks = [b for i, b in enumerate(blocks) if i not in facts.used]
    blocks, contents = drop_contents(blocks)
    removed.add("table of contents entries", contents)
    blocks, repeated = drop_repeated_title(cover_page(blocks), title)
    removed.add("repeated cover title", repeated)
    pid = policy_id or policy_id_for(title, path)
    blocks, forms = _forms(blocks, pid, title)
    draft = build(blocks, title)
    folder = root / "policies" / pid
    taken = match.known_ids(folder) if (folder / "policy.yml").exists() else set()
    if taken and not as_version:
        raise ImportRefused(f"policies/{pid}/ already exists; to import a newer version of it use --as-version YYYY-MM-DD, or choose another --policy ID")
    if as_version and not taken:
        raise ImportRefused(f"--as-version needs the earlier version imported first: policies/{pid}/ does not exist (did you mean --policy with its ID?)")
    kept = match.apply(draft, folder) if as_version else 0
    if as_version:
        _keep_added_forms(draft, folder, set(forms))
    names = ids.Names(taken | set(forms) | {pid})
    ids.assign(draft, names)
    metadata = _metadata(facts, as_version)
    written = write.write_policy(root, pid, draft, metadata, forms, replace=bool(as_version))
    rep = report_mod.Report(str(path.name), pid, removed=dict(removed.counts), facts={k: str(v) for k, v in facts.facts.items()})
    if as_version:
        rep.notes.append(f"policies/{pid}/policy.yml:1: version of {as_version}: {kept} clause(s) kept their IDs; commit, then tag it: git tag adopted/{school}/{pid}/{as_version}")
        rep.removed["clause files of the earlier version no longer in it"] = len(written.deleted)
    else:
        school_file, note = write.write_adoption(root, school, pid)
        rep.notes.append(f"{school_file.relative_to(root)}:1: {note}")
    rep.notes += _notes(root, draft, written)
    measure_text = "\n".join([title, *map(str, metadata.values()), *(c.title or "" for s in draft.sections for c in walk(s.clauses)),
                              *(s.title for s in draft.sections), *(c.body for s in draft.sections for c in walk(s.clauses)), *(_form_text(f) for f in forms.values())])
    report_mod.measure(rep, source, measure_text)
    rep.seconds = time.perf_counter() - started
    report_mod.write(rep, written.folder)
    return rep


def _keep_added_forms(draft: Draft, folder: Path, new: set[str]) -> None:
    """Forms added to the earlier version (`--form-of`) stay where they were."""
    old = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8")) or {}
    for section in old.get("sections") or []:
        for form_id in section.get("forms") or []:
            if form_id in new or not (folder / "forms" / f"{form_id}.yml").is_file() or not draft.sections:
                continue
            home = next((s for s in draft.sections if s.id == section.get("id")), draft.sections[-1])
            home.forms.append(form_id)


def import_form(root: Path, path: Path, policy_id: str) -> report_mod.Report:
    """A form on its own (a parents' complaint form) → a form of a policy already imported, listed
    in the section that holds the policy's other forms (else its last)."""
    started = time.perf_counter()
    folder = root / "policies" / policy_id
    if not (folder / "policy.yml").is_file():
        raise ImportRefused(f"--form-of needs the policy imported first: policies/{policy_id}/policy.yml does not exist")
    blocks, removed, source = read(path)
    title, blocks = find_title(blocks, path.stem.replace("_", " ").replace("-", " ").strip().capitalize())
    blocks, forms = _forms([b for b in blocks if b.kind != "heading" or b.plain.strip() != title], policy_id, title)
    if not forms:
        raise ImportRefused("no form found: expected lines to fill in ('Name:', 'Signature:', 'Date:' or lines of dots)")
    existing = {p.stem for p in (folder / "forms").glob("*.yml")} | match.known_ids(folder) | {policy_id}
    names = ids.Names(existing)
    renamed = {old: names.new(old if old not in existing else ids.slug(path.stem, 6)) for old in forms}
    titles = {str((yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("title", "")) for p in (folder / "forms").glob("*.yml")}
    named = path.stem.replace("_", " ").replace("-", " ").strip()
    forms = {k: {**form, "title": named if form["title"] in titles else form["title"]} for k, form in forms.items()}  # two forms titled alike: the file's name tells them apart
    written = write.add_forms(folder, {renamed[k]: {**form, "id": renamed[k]} for k, form in forms.items()})
    rep = report_mod.Report(str(path.name), policy_id, removed=dict(removed.counts), files=[str(p.relative_to(root)) for p in written])
    rep.notes.append(f"policies/{policy_id}/policy.yml:1: form(s) {', '.join(renamed.values())} added to the policy; words not in a form were left out: " + (" / ".join(b.plain for b in blocks if b.plain)[:200] or "none"))
    report_mod.measure(rep, source, "\n".join(_form_text(f) for f in forms.values()))
    rep.seconds = time.perf_counter() - started
    report_path = folder / "IMPORT-REPORT.md"
    before = report_path.read_text(encoding="utf-8") + "\n" if report_path.exists() else ""
    report_path.write_text(before + report_mod.markdown(rep), encoding="utf-8")
    return rep


def _metadata(facts: cover_mod.Cover, as_version: str | None) -> dict[str, Any]:
    data: dict[str, Any] = dict(facts.facts)
    if as_version and "adopted" not in data:
        data["adopted"] = as_version
    if facts.extra:
        data["extra"] = [{"label": k, "value": v} for k, v in facts.extra]
    return data


def _forms(blocks: list[Block], pid: str, title: str) -> tuple[list[Block], dict[str, dict]]:
    """Each run of form lines becomes a form, with the heading just above it as its title and the
    lines between as its intro; where it stood, a placeholder puts it in that section."""
    runs = forms_mod.find_form_runs(blocks)
    if not runs:
        return blocks, {}
    forms: dict[str, dict] = {}
    names = ids.Names()
    out: list[Block] = []
    taken = 0
    for start, end in runs:
        head = _form_heading(blocks, start)
        begin = max(taken, head if head is not None else start)
        if head is None and taken == 0 and start <= 3 and all(b.kind == "para" for b in blocks[:start]):
            begin = 0  # a form on its own: the lines above its fields are its intro
        if head is not None and head > 0 and blocks[head - 1].kind == "heading" and "form" in blocks[head - 1].plain.lower() and head - 1 >= taken:
            begin = head - 1  # 'A word version of this form is available': words about the form, kept with it
        heading = title if "form" in title.lower() else (blocks[head].plain if head is not None else next((b.plain for b in reversed(blocks[:start]) if b.kind == "heading"), title))
        form_id = names.new(ids.slug(heading, 5))
        tables = [blocks[i] for i in forms_mod.blank_tables(blocks[start:end + 2])]
        lines = [b for i, b in enumerate(blocks[begin:end], begin) if i != head]
        forms[form_id] = forms_mod.make_form(form_id, heading.strip(), lines, tables)
        # the form's heading stays where it is (a section of its own, or a heading in one), naming the form
        out += blocks[taken:begin] + ([blocks[head]] if head is not None else []) + [Block("para", "", blocks[start].where, form=form_id)]
        taken = end
    return out + blocks[taken:], forms


def _form_heading(blocks: list[Block], start: int) -> int | None:
    """The heading naming the form, at most two short paragraphs above its first line."""
    for i in range(start - 1, max(-1, start - 4), -1):
        if blocks[i].kind == "heading":
            return i
        if blocks[i].kind != "para" or len(blocks[i].plain) > 300:
            return None
    return None


def _form_text(form: dict) -> str:
    return " ".join([form.get("title", ""), form.get("intro", ""), *(f["label"] for f in form.get("fields", []))])


def _notes(root: Path, draft: Draft, written: write.Written) -> list[str]:
    out = []
    policy_yml = (written.folder / "policy.yml").relative_to(root)
    for section in draft.sections:
        out += [f"{policy_yml}:{written.policy_lines.get(section.id, 1)}: {n}" for n in section.notes]
        for clause in walk(section.clauses):
            path, line = written.clause_lines[clause.id]
            out += [f"{path.relative_to(root)}:{line}: {n}" for n in clause.notes]
    for where, note in draft.notes:
        out.append(f"{policy_yml}:1: {where}: {note}")
    return out
