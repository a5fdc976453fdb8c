"""A school's downloadable documents: each form as PDF and Word, the Do's & Don'ts poster
and the whole policy as one PDF, keyed by their path in the site.

Each document's data is prepared here and handed to its writer through the document cache,
so a document whose data has not changed is not made again (generator/doccache.py)."""
from __future__ import annotations

from typing import Any

from generator.doccache import DocumentCache
from generator.forms import fillable_pdf, form_data, form_docx_data, form_pdf_data, word_form
from generator.render import POLICY_PDF as POLICY
from generator.render import POSTER, Renderer, download_name
from generator.typeset import FieldSpec, MarkdownNodes, compile_pdf, policy_data, poster_data
from generator.variants import Resolved


def build_downloads(resolved: Resolved, cache: DocumentCache | None = None) -> dict[str, bytes]:
    """Every document of `resolved`; with `cache`, those made before are taken from it."""
    cache = cache or DocumentCache(None)
    renderer = Renderer(resolved)
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
