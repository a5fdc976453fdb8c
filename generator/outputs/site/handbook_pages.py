"""The handbook's own pages at the root of a school's site: its home (every policy by category,
with its status), the policy register, one quick reference across policies, and one forms page.
Each links into the policies' pages under `<policy-id>/`. Knows nothing of MkDocs."""
from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Iterable

from generator.dates import display_date
from generator.core.render import HANDBOOK_PDF, HOME, Page, Renderer, download_name
from generator.core.sanitize import escape_markdown
from generator.outputs.site.site_index import review_status
from generator.core.resolve import Handbook

if TYPE_CHECKING:
    from generator.outputs.site.part import PolicyPart


REGISTER_PAGE = "register.md"
QUICK_REFERENCE_PAGE = "dos-donts.md"
FORMS_PAGE = "forms.md"


INDEX_CLASS = "handbook-index"
"""Marks a page that lists what the policies say (search leaves its text to their clauses)."""


def _indexed(markdown: str) -> str:
    title, _, rest = markdown.partition("\n")
    return f'{title}\n\n<div class="{INDEX_CLASS}" markdown>\n{rest}\n</div>\n'


def handbook_pages(handbook: Handbook, parts: list[PolicyPart], downloads: Iterable[str], today: date) -> list[Page]:
    files = set(downloads)
    pages = [Page(HOME, "Home", _indexed(home(handbook, parts, files, today))), Page(REGISTER_PAGE, "Policy register", "---\nhide: [toc]\n---\n" + _indexed(register(handbook, parts, today)))]
    if any(part.renderer.items() for part in parts):
        pages.append(Page(QUICK_REFERENCE_PAGE, "Quick reference", quick_reference(parts)))
    if any(part.resolved.forms for part in parts):
        pages.append(Page(FORMS_PAGE, "Forms", _indexed(forms(parts, files))))
    return pages


def _link(part: PolicyPart, page: str = HOME) -> str:
    return f"[{escape_markdown(part.title)}]({part.id}/{page})"


SHORT_STATUS = {"adopted": "Adopted", "due": "Review due", "overdue": "Review overdue", "draft": "Draft", "undated": "No dates given"}
"""The register's status column (its dates are in columns of their own)."""


def _status(part: PolicyPart, today: date, short: bool = False) -> str:
    review = review_status(part.resolved, today)
    text = SHORT_STATUS[review.kind] if short else review.text
    return f'<span class="policy-status {review.kind}">{html.escape(text)}</span>'


def home(handbook: Handbook, parts: list[PolicyPart], files: set[str], today: date) -> str:
    out = [f"# {escape_markdown(handbook.name)}: policy handbook", ""]
    count = "policy" if len(parts) == 1 else f"{len(parts)} policies"
    out += [f"This handbook holds the school's {count}. [The policy register]({REGISTER_PAGE}) lists each with its owner, committee and dates.", ""]
    groups: dict[str, list[PolicyPart]] = {}
    for part in parts:
        groups.setdefault(part.category, []).append(part)
    for category, members in groups.items():
        out += [f"## {escape_markdown(category)} {{ data-search-exclude }}", ""]
        out += [f"- {_link(part)}: {_status(part, today)}" for part in members] + [""]
    links = []
    if any(p.renderer.items() for p in parts):
        links.append(f"- [Quick reference: Do's and Don'ts from every policy]({QUICK_REFERENCE_PAGE})")
    if any(p.resolved.forms for p in parts):
        links.append(f"- [Every form of every policy]({FORMS_PAGE})")
    if HANDBOOK_PDF in files:
        links.append(f"- [The whole handbook as one PDF]({HANDBOOK_PDF}){{ download }}")
    if links:
        out += ["## Quick links { data-search-exclude }", "", *links, ""]
    return "\n".join(out)


def _cell(text: str | None) -> str:
    return escape_markdown(" ".join((text or "—").split())).replace("|", "\\|")


def register(handbook: Handbook, parts: list[PolicyPart], today: date) -> str:
    """The policy register governors and inspectors ask for."""
    out = ["# Policy register", "", f"Every policy of {escape_markdown(handbook.name)}, its owner, approving committee and dates.", ""]
    out += ["| Policy | Category | Lead | Committee | Adopted | Review due | Status |", "|---|---|---|---|---|---|---|"]
    for part in parts:
        meta = part.resolved.metadata
        adopted = display_date(meta.adopted) if meta.adopted else None
        due = display_date(meta.review_due) if meta.review_due else None
        lead = part.renderer.plain(meta.policy_lead) if meta.policy_lead else None
        out.append(f"| {_link(part)} | {_cell(part.category)} | {_cell(lead)} | {_cell(meta.approving_committee)} | {_cell(adopted)} | {_cell(due)} | {_status(part, today, short=True)} |")
    return "\n".join(out) + "\n"


def quick_reference(parts: list[PolicyPart]) -> str:
    """Do's & Don'ts of every policy, by topic, each naming its policy and linking to its clause."""
    out = ["# Quick reference", "", "The Do's and Don'ts of every policy in this handbook, by topic. Each names its policy and links to the clause it comes from; where they differ, the clause's wording prevails.", ""]
    rows: dict[str, list[str]] = {}
    for part in parts:
        renderer = Renderer(part.resolved, others=part.renderer.others, base=f"{part.id}/")
        for item in renderer.items():
            refs = ", ".join(renderer.targets[c].link() for c in item.clauses if c in renderer.targets)
            kind = "Do" if item.kind == "do" else "Don’t"
            line = f"- **{kind}:** {renderer.text(item.text)} <span class=\"dd-source\">({escape_markdown(part.title)}: {refs})</span>"
            rows.setdefault(item.topic or "Other", []).append(line)
    out += [f'<div class="{INDEX_CLASS}" markdown>', ""]
    for topic in sorted(rows, key=lambda t: (t == "Other", t.casefold())):
        out += [f"## {escape_markdown(topic[0].upper() + topic[1:])}", "", *rows[topic], ""]
    return "\n".join([*out, "</div>", ""])


def forms(parts: list[PolicyPart], files: set[str]) -> str:
    out = ["# Forms", "", "Every form of every policy in this handbook.", ""]
    for part in parts:
        if not part.resolved.forms:
            continue
        out += [f"## {escape_markdown(part.title)}", ""]
        renderer = Renderer(part.resolved, base=f"{part.id}/")
        for form_id, form in part.resolved.forms.items():
            target = renderer.targets[form_id]
            downloads = [f"[{label}]({part.id}/{download_name(form_id, ext)}){{ download }}" for ext, label in (("pdf", "PDF"), ("docx", "Word")) if f"{part.id}/{download_name(form_id, ext)}" in files]
            out.append(f"- {target.link(form.model.title)}" + (f" — {' · '.join(downloads)}" if downloads else ""))
        out.append("")
    return "\n".join(out)

