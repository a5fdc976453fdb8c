"""A school's downloadable documents: for each policy, each form as PDF and Word, the Do's &
Don'ts poster and the whole policy as one PDF; and the whole handbook as one PDF; keyed by their
path in the site."""
from __future__ import annotations

from typing import Any

from generator.forms import form_data, form_docx, form_pdf
from generator.render import POLICY_PDF as POLICY
from generator.render import HANDBOOK_PDF, POSTER, Renderer, cross_targets, download_name
from generator.typeset import FormData, MarkdownNodes, handbook_pdf, policy_data, policy_pdf, poster_pdf
from generator.variants import Handbook, Resolved


def handbook_downloads(handbook: Handbook) -> dict[str, bytes]:
    """Every policy's documents under its folder, and every policy in one tagged PDF."""
    others = cross_targets(handbook.policies)
    files: dict[str, bytes] = {}
    printed: list[tuple[str, dict[str, Any]]] = []
    for resolved in handbook.policies:
        renderer = Renderer(resolved, others=others)
        files.update({f"{resolved.policy.id}/{path}": data for path, data in build_downloads(resolved, renderer).items()})
        printed.append((resolved.policy.id, policy_data(resolved, renderer, _printed_forms(resolved, renderer))))
    if printed:
        meta = printed[0][1]["meta"]
        files[HANDBOOK_PDF] = handbook_pdf(f"{handbook.name}: policy handbook", meta, printed)
    return files


def _printed_forms(resolved: Resolved, renderer: Renderer) -> FormData:
    def printed_form(form_id: str, md: MarkdownNodes) -> dict[str, Any]:
        return form_data(resolved.forms[form_id].model, renderer, md)[0]

    return printed_form


def build_downloads(resolved: Resolved, renderer: Renderer | None = None) -> dict[str, bytes]:
    renderer = renderer or Renderer(resolved)
    files: dict[str, bytes] = {}
    for form_id, form in resolved.forms.items():
        files[download_name(form_id, "pdf")] = form_pdf(resolved, renderer, form.model)
        files[download_name(form_id, "docx")] = form_docx(resolved, renderer, form.model)
    poster = poster_pdf(resolved, renderer)
    if poster is not None:
        files[POSTER] = poster
    files[POLICY] = policy_pdf(resolved, renderer, _printed_forms(resolved, renderer))
    return files
