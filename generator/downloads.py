"""A school's downloadable documents: for each policy, each form as PDF and Word, the Do's &
Don'ts poster and the whole policy as one PDF; and the whole handbook as one PDF; keyed by their
path in the site.

Each document's data is prepared here and handed to its writer through the document cache,
so a document whose data has not changed is not made again (generator/doccache.py)."""
from __future__ import annotations

import hashlib
import io
from typing import Any

from pypdf import PdfWriter

from generator.doccache import DocumentCache
from generator.forms import fillable_pdf, form_data, form_docx_data, form_pdf_data, word_form
from generator.render import POLICY_PDF as POLICY
from generator.render import HANDBOOK_PDF, POSTER, Others, Renderer, cross_targets, download_name
from generator.typeset import FieldSpec, MarkdownNodes, compile_pdf, policy_data, poster_data
from generator.variants import Handbook, Resolved


def handbook_downloads(handbook: Handbook, cache: DocumentCache | None = None) -> dict[str, bytes]:
    """Every policy's documents under its folder, and the policies' PDFs joined as one; with
    `cache`, those made before are taken from it."""
    cache = cache or DocumentCache(None)
    others = cross_targets(handbook.policies)
    files: dict[str, bytes] = {}
    for resolved in handbook.policies:
        files.update({f"{resolved.policy.id}/{path}": data for path, data in build_downloads(resolved, others, cache).items()})
    if handbook.policies:
        parts = [(r.policy.policy.model.title, files[f"{r.policy.id}/{POLICY}"]) for r in handbook.policies]
        files[HANDBOOK_PDF] = _joined(cache, parts, f"{handbook.name}: policy handbook")
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


def build_downloads(resolved: Resolved, others: Others | None = None, cache: DocumentCache | None = None) -> dict[str, bytes]:
    cache = cache or DocumentCache(None)
    renderer = Renderer(resolved, others=others)
    files: dict[str, bytes] = {}
    for form_id, form in resolved.forms.items():
        files[download_name(form_id, "pdf")] = _fillable(cache, *form_pdf_data(resolved, renderer, form.model))
        files[download_name(form_id, "docx")] = _word(cache, form_docx_data(resolved, renderer, form.model))
    poster = poster_data(resolved, renderer)
    if poster is not None:
        files[POSTER] = _typeset(cache, "poster.typ", poster)

    def printed_form(form_id: str, md: MarkdownNodes) -> dict[str, Any]:
        return form_data(resolved.forms[form_id].model, renderer, md)[0]

    files[POLICY] = _typeset(cache, "policy.typ", policy_data(resolved, renderer, printed_form))
    return files


def _typeset(cache: DocumentCache, template: str, data: dict[str, Any]) -> bytes:
    return cache.document(template, data, lambda: compile_pdf(template, data))


def _fillable(cache: DocumentCache, data: dict[str, Any], specs: list[FieldSpec]) -> bytes:
    return cache.document("form.typ+fields", [data, specs], lambda: fillable_pdf(data, specs))


def _word(cache: DocumentCache, data: dict[str, Any]) -> bytes:
    return cache.document("form.docx", data, lambda: word_form(data))


def _joined(cache: DocumentCache, parts: list[tuple[str, bytes]], title: str) -> bytes:
    """Keyed by the parts' hashes: the same policy PDFs under the same titles join the same."""
    data = [title, [(name, hashlib.sha256(pdf).hexdigest()) for name, pdf in parts]]
    return cache.document("handbook.pdf", data, lambda: joined(parts, title))
