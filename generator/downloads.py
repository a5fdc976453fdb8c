"""A school's downloadable documents: for each policy, each form as PDF and Word, the Do's &
Don'ts poster and the whole policy as one PDF; and the whole handbook as one PDF; keyed by their
path in the site."""
from __future__ import annotations

import io
from typing import Any

from pypdf import PdfWriter

from generator.forms import form_data, form_docx, form_pdf
from generator.render import POLICY_PDF as POLICY
from generator.render import HANDBOOK_PDF, POSTER, Others, Renderer, cross_targets, download_name
from generator.typeset import MarkdownNodes, policy_pdf, poster_pdf
from generator.variants import Handbook, Resolved




def handbook_downloads(handbook: Handbook) -> dict[str, bytes]:
    """Every policy's documents under its folder, and the policies' PDFs joined as one."""
    others = cross_targets(handbook.policies)
    files: dict[str, bytes] = {}
    for resolved in handbook.policies:
        files.update({f"{resolved.policy.id}/{path}": data for path, data in build_downloads(resolved, others).items()})
    if handbook.policies:
        parts = [(r.policy.policy.model.title, files[f"{r.policy.id}/{POLICY}"]) for r in handbook.policies]
        files[HANDBOOK_PDF] = joined(parts, f"{handbook.name}: policy handbook")
    return files


def joined(parts: list[tuple[str, bytes]], title: str) -> bytes:
    """The PDFs one after another, each a bookmark under its title (each keeps its own bookmarks)."""
    writer = PdfWriter()
    for name, pdf in parts:
        writer.append(io.BytesIO(pdf), outline_item=name)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_downloads(resolved: Resolved, others: Others | None = None) -> dict[str, bytes]:
    renderer = Renderer(resolved, others=others)
    files: dict[str, bytes] = {}
    for form_id, form in resolved.forms.items():
        files[download_name(form_id, "pdf")] = form_pdf(resolved, renderer, form.model)
        files[download_name(form_id, "docx")] = form_docx(resolved, renderer, form.model)
    poster = poster_pdf(resolved, renderer)
    if poster is not None:
        files[POSTER] = poster

    def printed_form(form_id: str, md: MarkdownNodes) -> dict[str, Any]:
        return form_data(resolved.forms[form_id].model, renderer, md)[0]

    files[POLICY] = policy_pdf(resolved, renderer, printed_form)
    return files
