"""A school's downloadable documents: for each policy, each form as PDF and Word, the Do's &
Don'ts poster and the whole policy as one PDF; and the whole handbook as one PDF; keyed by their
path in the site.

Each document's data is prepared here and handed to its writer through the document cache,
so a document whose data has not changed is not made again (generator/outputs/documents/cache.py)."""
from __future__ import annotations

from typing import Any

from generator.outputs.documents.cache import DocumentCache
from generator.outputs.documents.fieldspec import FieldSpec
from generator.outputs.documents.forms import fillable_pdf, form_data, form_docx_data, form_pdf_data
from generator.core.render import POLICY_PDF as POLICY
from generator.core.render import HANDBOOK_PDF, POSTER, Others, Renderer, cross_targets, download_name
from generator.outputs.documents.typeset import FormData, compile_pdf, handbook_data, policy_data, poster_data
from generator.outputs.documents.nodes import MarkdownNodes
from generator.core.resolve import Handbook, Resolved


def handbook_downloads(handbook: Handbook, cache: DocumentCache | None = None) -> dict[str, bytes]:
    """Every policy's documents under its folder, and every policy in one tagged PDF; with
    `cache`, those made before are taken from it."""
    cache = cache or DocumentCache(None)
    others = cross_targets(handbook.policies)
    files: dict[str, bytes] = {}
    printed: list[tuple[str, dict[str, Any]]] = []
    for resolved in handbook.policies:
        renderer = Renderer(resolved, others=others)
        policy = policy_data(resolved, renderer, _printed_forms(resolved, renderer))
        files.update({f"{resolved.policy.id}/{path}": data for path, data in _documents(resolved, renderer, policy, cache).items()})
        printed.append((resolved.policy.id, policy))
    if printed:
        meta = printed[0][1]["meta"]
        files[HANDBOOK_PDF] = _typeset(cache, "handbook.typ", handbook_data(f"{handbook.name}: policy handbook", meta, printed))
    return files


def build_downloads(resolved: Resolved, others: Others | None = None, cache: DocumentCache | None = None) -> dict[str, bytes]:
    renderer = Renderer(resolved, others=others)
    policy = policy_data(resolved, renderer, _printed_forms(resolved, renderer))
    return _documents(resolved, renderer, policy, cache or DocumentCache(None))


def _printed_forms(resolved: Resolved, renderer: Renderer) -> FormData:
    def printed_form(form_id: str, md: MarkdownNodes) -> dict[str, Any]:
        return form_data(resolved.forms[form_id].model, renderer, md)[0]

    return printed_form


def _documents(resolved: Resolved, renderer: Renderer, policy: dict[str, Any], cache: DocumentCache) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for form_id, form in resolved.forms.items():
        files[download_name(form_id, "pdf")] = _fillable(cache, *form_pdf_data(resolved, renderer, form.model))
        files[download_name(form_id, "docx")] = _word(cache, form_docx_data(resolved, renderer, form.model))
    poster = poster_data(resolved, renderer)
    if poster is not None:
        files[POSTER] = _typeset(cache, "poster.typ", poster)
    files[POLICY] = _typeset(cache, "policy.typ", policy)
    return files


def _typeset(cache: DocumentCache, template: str, data: dict[str, Any]) -> bytes:
    return cache.document(template, data, lambda: compile_pdf(template, data))


def _fillable(cache: DocumentCache, data: dict[str, Any], specs: list[FieldSpec]) -> bytes:
    return cache.document("form.typ+fields", [data, specs], lambda: fillable_pdf(data, specs))


def _word(cache: DocumentCache, data: dict[str, Any]) -> bytes:
    return cache.document("form.docx", data, lambda: word_form(data))


def word_form(data: dict[str, Any]) -> bytes:
    from generator.outputs.documents.word import word_form as write  # python-docx, imported only when a form is made

    return write(data)
