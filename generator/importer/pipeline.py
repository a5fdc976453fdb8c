"""One document in, one policy's sources out: read → cover → forms → structure → IDs → write → report."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from generator.importer import cover as cover_mod
from generator.importer import forms as forms_mod
from generator.importer import ids, match, report as report_mod, write
from generator.importer.blocks import Block, ImportRefused, Removed
from generator.importer.structure import Draft, DraftSection, build, drop_contents, find_title, walk

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
    pid = policy_id or policy_id_for(title, path)
    blocks, forms = _forms(blocks, pid, title)
    draft = build(blocks, title)
    if forms:
        _attach_forms(draft, forms)
    folder = root / "policies" / pid
    taken = match.known_ids(folder) if (folder / "policy.yml").exists() else set()
    if taken and not as_version:
        raise ImportRefused(f"policies/{pid}/ already exists; to import a newer version of it use --as-version YYYY-MM-DD, or choose another --policy ID")
    if as_version and not taken:
        raise ImportRefused(f"--as-version needs the earlier version imported first: policies/{pid}/ does not exist (did you mean --policy with its ID?)")
    kept = match.apply(draft, folder) if as_version else 0
    names = ids.Names(taken | set(forms) | {pid})
    ids.assign(draft, names)
    metadata = _metadata(facts, as_version)
    written = write.write_policy(root, pid, draft, metadata, forms, replace=bool(as_version))
    rep = report_mod.Report(str(path.name), pid, removed=dict(removed.counts), facts={k: str(v) for k, v in facts.facts.items()})
    if as_version:
        rep.notes.append(f"policies/{pid}/policy.yml:1: version of {as_version}: {kept} clause(s) kept their IDs; commit, then tag it: git tag adopted/{school}/{as_version}")
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


def _metadata(facts: cover_mod.Cover, as_version: str | None) -> dict[str, Any]:
    data: dict[str, Any] = dict(facts.facts)
    if as_version and "adopted" not in data:
        data["adopted"] = as_version
    if facts.extra:
        data["extra"] = [{"label": k, "value": v} for k, v in facts.extra]
    return data


def _forms(blocks: list[Block], pid: str, title: str) -> tuple[list[Block], dict[str, dict]]:
    runs = forms_mod.find_form_runs(blocks)
    if not runs:
        return blocks, {}
    forms: dict[str, dict] = {}
    names = ids.Names()
    keep = set(range(len(blocks)))
    for start, end in runs:
        heading = title if "form" in title.lower() else next((b.plain for b in reversed(blocks[:start]) if b.kind == "heading"), title)
        form_id = names.new(ids.slug(heading, 5))
        tables = [blocks[i] for i in forms_mod.blank_tables(blocks[start:end + 2])]
        forms[form_id] = forms_mod.make_form(form_id, heading.strip(), blocks[start:end], tables)
        keep -= set(range(start, end))
    return [b for i, b in enumerate(blocks) if i in keep], forms


def _attach_forms(draft: Draft, forms: dict[str, dict]) -> None:
    if not draft.sections:
        draft.sections.append(DraftSection("Form", ""))
    draft.sections[-1].forms += list(forms)


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
