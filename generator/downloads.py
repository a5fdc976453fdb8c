"""A school's downloadable documents: each form as PDF and Word, the Do's & Don'ts poster
and the whole policy as one PDF, keyed by their path in the site."""
from __future__ import annotations

from typing import Any

from generator.forms import form_data, form_docx, form_pdf
from generator.render import POLICY_PDF as POLICY
from generator.render import POSTER, Renderer, download_name
from generator.typeset import MarkdownNodes, policy_pdf, poster_pdf
from generator.variants import Resolved


def build_downloads(resolved: Resolved) -> dict[str, bytes]:
    renderer = Renderer(resolved)
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
