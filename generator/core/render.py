"""A resolved policy → the Markdown pages of one school's handbook. Knows nothing of MkDocs."""
from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from generator.core import placeholders
from generator.dates import display_date
from generator.sources.model import VARIABLE, XREF, DoDont, DosDonts, Form, FormField, Metadata
from generator.core.sanitize import escape_markdown, escape_text
from generator.core.text import link_xrefs, substitute
from generator.core.resolve import Clause, Resolved, Section, clause_names

HOME = "index.md"
FORMS_PAGE = "forms.md"
FULL_TEXT_PAGE = "full-text.md"
POSTER = "downloads/dos-donts-poster.pdf"
POLICY_PDF = "downloads/policy.pdf"
HANDBOOK_PDF = "downloads/handbook.pdf"
"""At the root of the school's site: every policy's PDF, one after another."""
_PLACEHOLDER = re.compile(f"{VARIABLE.pattern}|{XREF.pattern}")
CHECK_HEADINGS = {"✓", "✔", "☑", "☐", "✗", "x", "tick", "yes", "no", "y/n", "done"}
TOPIC_ORDER = ("phones", "photos", "social media", "contact with pupils", "email", "passwords", "devices", "data", "conduct", "reporting")


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    markdown: str


@dataclass(frozen=True)
class Target:
    page: str
    anchor: str | None
    label: str

    def link(self, text: str | None = None) -> str:
        href = self.page + (f"#{self.anchor}" if self.anchor else "")
        return f"[{escape_markdown(text or self.label)}]({href})"


def section_page(section: Section) -> str:
    return f"{section.id}.md"


def download_name(form_id: str, ext: str) -> str:
    return f"downloads/{form_id}.{ext}"


def policy_heading(clause: Clause) -> str | None:
    """The clause's heading as the policy prints it: its number and its own title, never a label."""
    if clause.number and clause.title:
        return f"{clause.number} {clause.title}"
    return clause.number or clause.title


def handbook_label(label: str) -> str:
    """A finding aid shown apart from the policy's words, announced as the handbook's."""
    return f'<span class="handbook-label"><span class="visually-hidden">Handbook label: </span>{html.escape(label)}</span>'


def toc_label(clause: Clause) -> str:
    """The navigation's plain-text entry: a label in square brackets, the mark of an editor's words."""
    text = " ".join(part for part in (clause.number, clause.title, f"[{clause.label}]" if clause.label and not clause.title else None) if part)
    return html.escape(text.replace('"', "'").replace("}", ")"), quote=False)


def in_policy_document(section: Section, dos_donts: DosDonts | None) -> bool:
    """False for a section that holds only the handbook's own summary: not printed as policy."""
    handbook_summary = section.dos_donts and (dos_donts is None or dos_donts.source == "handbook")
    return not (handbook_summary and not section.clauses and not section.forms)


HANDBOOK_SUMMARY_NOTE = "This list is the handbook's summary of the policy, not the policy's own words. Each item links to the clause it comes from: where they differ, the clause's wording prevails."


Others = Mapping[str, tuple[str, Mapping[str, "Target"]]]
"""The school's other policies: policy ID → its title and its targets (pages relative to its folder)."""
STAFF_EDITION_TARGET = "(a section available in the staff edition)"


class Renderer:
    def __init__(self, resolved: Resolved, downloads: Iterable[str] = (), last_changed: Mapping[str, date] | None = None, banner: str | None = None, others: Others | None = None, base: str = "") -> None:
        """`base`: the folder of the policy's pages as seen from the page being written ('' for the
        policy's own pages, 'policy-id/' for the handbook's pages at the site's root)."""
        self.r = resolved
        self.downloads = set(downloads)
        self.last_changed = dict(last_changed or {})
        self.banner = banner
        self.others = dict(others or {})
        self.base = base
        self.targets = self._targets()
        self.cited_by = self._backlinks()

    def _targets(self) -> dict[str, Target]:
        targets: dict[str, Target] = {}
        names = clause_names(self.r)
        for section in self.r.sections:
            page = self.base + section_page(section)
            targets[section.id] = Target(page, None, section.label)
            for clause in section.clauses:
                targets[clause.id] = Target(page, clause.id, names[clause.id])
            for form_id in section.forms:
                targets[form_id] = Target(page, f"form-{form_id}", self.r.forms[form_id].model.title)
        for form_id, form in self.r.forms.items():
            targets.setdefault(form_id, Target(self.base + FORMS_PAGE, f"form-{form_id}", form.model.title))
        return targets

    def other(self, reference: str) -> Target | None:
        """`policy-id:target-id`: the target in another policy of the school, labelled with that
        policy's title, linked from where this renderer's pages are."""
        policy_id, _, target_id = reference.partition(":")
        title, targets = self.others.get(policy_id, ("", {}))
        target = targets.get(target_id)
        if target is None:
            return None
        up = "" if self.base else "../"
        return Target(f"{up}{policy_id}/{target.page}", target.anchor, f"{title}, {target.label}")

    def target(self, reference: str) -> Target | None:
        return self.other(reference) if ":" in reference else self.targets.get(reference)

    def _backlinks(self) -> dict[str, list[DoDont]]:
        cited: dict[str, list[DoDont]] = {}
        for item in self.items():
            for clause_id in item.clauses:
                cited.setdefault(clause_id, []).append(item)
        return cited

    def items(self) -> list[DoDont]:
        return list(self.r.dos_donts.model.items) if self.r.dos_donts else []

    def dos_page(self) -> str | None:
        return next((section_page(s) for s in self.r.sections if s.dos_donts), None)

    def value(self, name: str) -> str:
        if name in self.r.withheld:
            return "(available in the staff edition)"
        if name in self.r.values:
            return escape_text(self.r.values[name])
        spec = self.r.policy.policy.model.variables.get(name)
        return f'<span class="ask">{html.escape(placeholders.inline(self.r, name))}</span>' if spec is None or spec.required else ""

    def plain(self, source: str) -> str:
        """Text for PDF and Word: variables filled, unset ones as a plain marker, references as labels."""
        def value(name: str) -> str:
            spec = self.r.policy.policy.model.variables.get(name)
            if name in self.r.withheld:
                return "(available in the staff edition)"
            if name in self.r.values:
                return self.r.values[name]
            return placeholders.inline(self.r, name) if spec is None or spec.required else ""

        return link_xrefs(substitute(source, value), lambda ref: target.label if (target := self.target(ref)) else STAFF_EDITION_TARGET)

    def text(self, source: str) -> str:
        return link_xrefs(substitute(source, self.value), self._xref)

    def _xref(self, target_id: str) -> str:
        """A link to the target; in the public edition a staff-only target is named but not linked."""
        target = self.target(target_id)
        return target.link() if target else STAFF_EDITION_TARGET

    def pages(self) -> list[Page]:
        pages = [Page(HOME, "Home", self.home())]
        pages += [Page(section_page(s), s.label, self.with_banner(self.section(s), short=True)) for s in self.r.sections]
        if self.r.forms:
            pages.append(Page(FORMS_PAGE, "Forms and downloads", self.forms_page()))
        pages.append(Page(FULL_TEXT_PAGE, "Whole policy on one page", self.full_text()))
        return pages

    def with_banner(self, markdown: str, short: bool = False) -> str:
        """The overdue-review notice under a page's title: in full on the home page, one line elsewhere."""
        if not self.banner:
            return markdown
        notice = self.banner
        if short:
            notice = f'<p class="overdue-note" data-search-exclude markdown>**Review overdue:** this policy was due for review by {escape_markdown(self.r.metadata.review_due or "")}. [More]({HOME})</p>\n'
        title, _, rest = markdown.partition("\n")
        return f"{title}\n\n{notice}\n{rest}"

    def home(self) -> str:
        r = self.r
        out = [*self.with_banner("\n".join(self.cover())).split("\n"), "## Contents { data-search-exclude }", ""] + [f"- [{escape_markdown(s.label)}]({section_page(s)})" for s in r.sections] + [""]
        links = []
        if self.dos_page():
            links.append(f"- [Do's and Don'ts at a glance]({self.dos_page()})")
        if r.forms:
            links.append(f"- [Forms and downloads]({FORMS_PAGE})")
        links.append(f"- [The whole policy on one page, to read or print]({FULL_TEXT_PAGE})")
        if POLICY_PDF in self.downloads:
            links.append(f"- [The whole policy as a PDF]({POLICY_PDF}){{ download }}")
        if POSTER in self.downloads:
            links.append(f"- [Do's and Don'ts poster (PDF)]({POSTER}){{ download }}")
        out += ["## Quick links { data-search-exclude }", "", *links, ""]
        return "\n".join(out)

    def cover(self) -> list[str]:
        meta = self.r.metadata
        policy = self.r.policy.policy.model
        out = [f"# {escape_markdown(policy.title)}", "", f"**{self.value('school_name')}**", ""]
        if policy.subtitle:
            out += [f"*{escape_markdown(policy.subtitle)}*", ""]
        if meta.status == "draft":
            out += ['!!! warning "Draft"', "    This policy is a draft and has not yet been adopted.", ""]
        rows = policy_facts(meta)
        if rows:
            out += ['<dl class="policy-facts" markdown>', ""]
            out += [f'<div markdown><dt>{html.escape(k)}</dt><dd markdown="span">{self.text(_cell(v))}</dd></div>' for k, v in rows]
            out += ["", "</dl>", ""]
        if meta.signatories:
            out += ["| Signed by | Name | Date |", "|---|---|---|"]
            out += [f"| {escape_markdown(s.role)} | {escape_markdown(s.name or '')} | {display_date(s.date) if s.date else ''} |" for s in meta.signatories] + [""]
        return out

    def full_text(self) -> str:
        """The policy as one continuous document, like the original, for reading through or printing.

        Left out of the search index: the per-section pages already answer searches clause by clause.
        """
        dd = self.r.dos_donts.model if self.r.dos_donts else None
        sections = [s for s in self.r.sections if in_policy_document(s, dd)]
        out = ["---", "search:", "  exclude: true", "---", "", *self.cover(), "## Contents", ""]
        out += [f"- [{escape_markdown(s.label)}](#{s.id})" for s in sections] + [""]
        for section in sections:
            out += [f"## {escape_markdown(section.label)} {{ #{section.id} }}", ""]
            for clause in section.clauses:
                heading = policy_heading(clause)
                anchor = f"{'#' * min(3 + clause.depth, 6)} {escape_markdown(heading)} {{ #{clause.id} }}" if heading else f'<span id="{clause.id}"></span>'
                out += [anchor, "", self.text(clause.body), ""]
            if section.dos_donts and self.r.dos_donts:
                out += self.dos_donts(grouped=False)
            for form_id in section.forms:
                out += self.form(self.r.forms[form_id].model, level="###")
        return "\n".join(out)

    def section(self, section: Section) -> str:
        out = [f"# {escape_markdown(section.label)}", ""]
        if grouped := self.grouped_under(section):
            out += ['<div class="handbook-note" markdown>', "", '<span class="visually-hidden">Handbook note: </span>This heading stands over the sections that follow it:', ""]
            out += [f"- [{escape_markdown(s.label)}]({section_page(s)})" for s in grouped] + ["", "</div>", ""]
        for clause in section.clauses:
            out += self.clause(clause, section)
        if section.dos_donts:
            out += self.dos_donts()
        for form_id in section.forms:
            form = self.r.forms[form_id].model
            out += self.form(form, heading=not _is_section_title(form, section))
        return "\n".join(out)

    def grouped_under(self, heading: Section) -> list[Section]:
        """A section with no text of its own is a heading over the sections after it, up to the next such heading."""
        if not _is_bare(heading):
            return []
        after = self.r.sections[self.r.sections.index(heading) + 1:]
        return list(itertools.takewhile(lambda s: not _is_bare(s), after))

    def clause(self, clause: Clause, section: Section) -> list[str]:
        level = "#" * min(2 + clause.depth, 6)
        heading = policy_heading(clause)
        if clause.label and not clause.title:
            heading = " ".join(part for part in (clause.number, handbook_label(clause.label)) if part)
            out = [f'{level} {heading} {{ #{clause.id} .clause data-toc-label="{toc_label(clause)}" }}', ""]
        else:
            out = [f"{level} {escape_markdown(heading)} {{ #{clause.id} .clause }}" if heading else f'<a id="{clause.id}"></a>', ""]
        out += [self.text(clause.body), ""]
        if clause.id in self.last_changed:
            day = self.last_changed[clause.id]
            out += [f'<p class="clause-changed" data-search-exclude>Last changed {day.day} {day:%B %Y}</p>', ""]
        cited = self.cited_by.get(clause.id, [])
        if cited and self.dos_page():
            links = "; ".join(f"[{'Do' if i.kind == 'do' else 'Don’t'}: {escape_markdown(_short(self.plain(i.text)))}]({self.dos_page()}#dd-{i.id})" for i in cited)
            out += [f'<p class="cited-by" data-search-exclude markdown>In the Do\'s and Don\'ts: {links}</p>', ""]
        return out

    def dos_donts(self, grouped: bool = True) -> list[str]:
        dd = self.r.dos_donts
        if not dd:
            return []
        out = []
        if grouped and POSTER in self.downloads:
            out += [f'<p class="downloads" markdown>[Print the Do\'s and Don\'ts as a poster (PDF)]({POSTER}){{ download }}</p>', ""]
        if dd.model.source == "handbook":
            out += [f'<p class="handbook-note"><span class="visually-hidden">Handbook note: </span>{html.escape(HANDBOOK_SUMMARY_NOTE, quote=False)}</p>', ""]
        if dd.model.intro:
            out += [self.text(dd.model.intro), ""]
        topics = sorted({i.topic for i in dd.model.items if i.topic and grouped}, key=_topic_key)
        groups: list[tuple[str | None, list[DoDont]]] = [(t, [i for i in dd.model.items if i.topic == t]) for t in topics]
        untagged = [i for i in dd.model.items if not (i.topic and grouped)]
        if untagged:
            groups.append(("Other" if topics else None, untagged))
        for topic, items in groups:
            if topic:
                out += [f"## {escape_markdown(topic[0].upper() + topic[1:])}", ""]
            out += ['<div class="dd-grid" markdown>', ""]
            for kind, heading in (("do", "Do"), ("dont", "Don’t")):
                chosen = [i for i in items if i.kind == kind]
                if chosen:
                    out += [f'<div class="dd-col dd-{kind}" markdown>', "", f'<p class="dd-heading">{heading}</p>', ""]
                    out += [self.item(i, grouped) for i in chosen] + ["", "</div>", ""]
            out += ["</div>", ""]
        if dd.model.outro:
            out += [self.text(dd.model.outro), ""]
        return out

    def item(self, item: DoDont, linked: bool = True) -> str:
        if not linked:
            return f"- {self.text(item.text)}"
        refs = ", ".join(self.targets[c].link(self._ref_text(c)) for c in item.clauses if c in self.targets)
        return f'- <span id="dd-{item.id}"></span>{self.text(item.text)} <span class="dd-source">(see {refs})</span>'

    def _ref_text(self, clause_id: str) -> str | None:
        """A numbered clause is cited by its number alone; any other by its full name."""
        clause = self.r.clause(clause_id)
        return clause.number if clause and clause.number else None

    def form(self, form: Form, level: str = "##", heading: bool = True) -> list[str]:
        """The form as staff see it on paper: its declaration, labels over blank lines (taller for
        a signature), its tables with tick boxes; a form that is its section's only content takes
        the section's heading rather than repeating it."""
        anchor = f"form-{form.id}"
        out = [f"{level} {escape_markdown(form.title)} {{ #{anchor} .form }}" if heading else f'<span id="{anchor}"></span>', ""]
        downloads = [f"[{label}]({download_name(form.id, ext)}){{ download }}" for ext, label in (("pdf", "Download PDF"), ("docx", "Download Word")) if download_name(form.id, ext) in self.downloads]
        if downloads:
            out += ['<p class="downloads" markdown>' + " · ".join(downloads) + "</p>", ""]
        out += ['<div class="paper-form" markdown>', ""]
        if form.intro:
            out += [self.text(form.intro), ""]
        if form.declaration:
            out += ['<div class="form-declaration" markdown>', "", self.text(form.declaration), "", "</div>", ""]
        if form.fields:
            out += ['<dl class="form-fields">', *[self.form_field(f) for f in form.fields], "</dl>", ""]
        for table in form.tables:
            if table.title:
                out += [f'<p class="form-table-title"><strong>{html.escape(self.plain(table.title))}</strong></p>', ""]
            checks = [c.strip().casefold() in CHECK_HEADINGS for c in table.columns]
            out += ["| " + " | ".join(escape_markdown(c) for c in table.columns) + " |", "|" + "".join(":-:|" if c else "---|" for c in checks)]
            rows = table.rows if isinstance(table.rows, list) else [""] * min(table.rows, 3)
            for first in rows:
                cells = [self.text(first) if first else "&nbsp;"] + ["☐" if c else "&nbsp;" for c in checks[1:]]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        if form.outro:
            out += [self.text(form.outro), ""]
        out += ["</div>", ""]
        if form.required_by:
            refs = ", ".join(self.targets[c].link() for c in form.required_by if c in self.targets)
            out += [f'<p class="required-by" markdown>Required by {refs}.</p>', ""]
        return out

    def form_field(self, field: FormField) -> str:
        """One field: its label, then its value or a blank of the field's kind (and who to ask when the school has not given the value)."""
        label = f"<dt>{html.escape(self.plain(field.label))}</dt>"
        gone = placeholders.missing(self.r, field.value)
        value = self.plain(placeholders.without_missing(self.r, field.value)).strip() if field.value else ""
        if value:
            return f'<div class="form-field">{label}<dd class="filled">{html.escape(value)}</dd></div>'
        if field.type in ("checkbox", "choice"):
            boxes = "&emsp;".join(f"☐ {html.escape(self.plain(o))}" for o in field.options) if field.type == "choice" else "☐"
            return f'<div class="form-field">{label}<dd>{boxes}</dd></div>'
        note = f'<span class="ask">{html.escape(placeholders.ask(self.r, gone))}</span>' if gone else ""
        return f'<div class="form-field form-field--{field.type}">{label}<dd><span class="blank"><span class="visually-hidden">(blank to fill in)</span></span>{note}</dd></div>'

    def forms_page(self) -> str:
        out = ["# Forms and downloads", ""]
        for form_id, form in self.r.forms.items():
            target = self.targets[form_id]
            files = [f"[{ext.upper() if ext == 'pdf' else 'Word'}]({download_name(form_id, ext)}){{ download }}" for ext in ("pdf", "docx") if download_name(form_id, ext) in self.downloads]
            out.append(f"- {target.link(form.model.title)}" + (f" — {' · '.join(files)}" if files else ""))
        return "\n".join(out) + "\n"


def cross_targets(policies: Iterable[Resolved]) -> Others:
    """Each policy's title and targets, for the `[[policy-id:target-id]]` references between them."""
    return {r.policy.id: (r.policy.policy.model.title, Renderer(r).targets) for r in policies}


def policy_facts(meta: Metadata) -> list[tuple[str, str]]:
    """The cover facts of a policy, in the order a cover states them, leaving out what is unknown;
    dates in the one style of the handbook (`29 November 2022`)."""
    facts = [
        ("Based on the model of", meta.model_source),
        ("Policy lead", meta.policy_lead),
        ("Approving committee", meta.approving_committee),
        ("Adopted", meta.adopted and display_date(meta.adopted)),
        ("Review due", meta.review_due and display_date(meta.review_due)),
        ("Version", meta.version),
    ] + [(item.label, item.value) for item in meta.extra or []]
    return [(label, value) for label, value in facts if value]


def _cell(value: str) -> str:
    """A fact as a table cell: shown literally, though its {{ variables }} and [[references]] still work."""
    out, last = [], 0
    for m in _PLACEHOLDER.finditer(value):
        out += [escape_markdown(value[last : m.start()]), m.group()]
        last = m.end()
    return "".join([*out, escape_markdown(value[last:])])


def _topic_key(topic: str) -> tuple[int, str]:
    return (TOPIC_ORDER.index(topic) if topic in TOPIC_ORDER else len(TOPIC_ORDER), topic)


def _short(text: str, limit: int = 60) -> str:
    plain = " ".join(text.split())
    return plain if len(plain) <= limit else plain[: limit].rsplit(" ", 1)[0] + "…"


def _is_bare(section: Section) -> bool:
    return not (section.clauses or section.forms or section.dos_donts)


def _is_section_title(form: Form, section: Section) -> bool:
    """A form that is its section's only content, under the same title, needs no second heading."""
    return not section.clauses and len(section.forms) == 1 and form.title.strip().casefold() == section.title.strip().casefold()


def render_pages(resolved: Resolved, downloads: Iterable[str] = ()) -> list[Page]:
    return Renderer(resolved, downloads).pages()
