"""The public edition: a resolved policy with every staff-only item taken out before rendering.

Everything downstream (pages, search index, sitemap, PDFs, Word files) is made from the
filtered policy, so nothing staff-only can reach a public build by another route.
"""
from __future__ import annotations

from dataclasses import replace

from generator.load import Located
from generator.model import DosDonts, Form
from generator.variants import Resolved, Section

EDITIONS = ("staff", "public")


def _section(section: Section, forms: dict[str, Located[Form]]) -> Section:
    clauses = tuple(c for c in section.clauses if not c.staff_only)
    return replace(section, clauses=clauses, forms=tuple(f for f in section.forms if f in forms))


def _dos_donts(dd: Located[DosDonts] | None, kept: set[str]) -> Located[DosDonts] | None:
    if dd is None:
        return None
    items = [i for i in dd.model.items if not i.staff_only and any(c in kept for c in i.clauses)]
    return Located(dd.model.model_copy(update={"items": items}), dd.doc)


def _form(form: Located[Form]) -> Located[Form]:
    fields = [f for f in form.model.fields if not f.staff_only]
    return Located(form.model.model_copy(update={"fields": fields}), form.doc)


def for_edition(resolved: Resolved, edition: str) -> Resolved:
    if edition == "staff":
        return resolved
    forms = {fid: _form(f) for fid, f in resolved.forms.items() if not f.model.staff_only}
    sections = tuple(_section(s, forms) for s in resolved.sections)
    kept = {c.id for s in sections for c in s.clauses}
    specs = resolved.policy.policy.model.variables
    withheld = frozenset(name for name, spec in specs.items() if spec.staff_only)
    values = {k: v for k, v in resolved.values.items() if k not in withheld}
    return replace(
        resolved,
        sections=sections,
        forms=forms,
        dos_donts=_dos_donts(resolved.dos_donts, kept),
        values=values,
        edition=edition,
        withheld=withheld,
    )
