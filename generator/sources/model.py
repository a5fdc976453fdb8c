"""The source model: what an editor may write in `policies/`, and nothing else.

Every model forbids unknown keys; the JSON Schemas in `schemas/` are generated from these
classes (`policy-site schema`), so the field docstrings are the editor's documentation.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Union

from typing_extensions import TypeAliasType
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from generator.dates import parse_policy_date

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
VarName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _check_date(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or parse_policy_date(value) is None:
        raise ValueError("expected a date such as 2024-01-15, January 2024 or Summer 2021")
    return value


DateText = Annotated[str, Field(json_schema_extra={"examples": ["2024-01-15", "January 2024", "Summer 2021"]})]


class Variable(Strict):
    type: Literal["text", "name", "phone", "email", "address", "url", "date"] = "text"
    """What kind of value this is; phone, email, url and date values are checked."""
    required: bool = True
    """A required variable with no value warns editors; staff see a blank and whom to ask."""
    default: str | None = None
    """Used when a school gives no value."""
    description: str
    """What the value is, shown to editors, and to staff as "Ask the school office for <description>" (a trailing parenthetical left out) while it has no value."""
    staff_only: bool = False
    """Left out of the public edition."""


class Signatory(Strict):
    role: str
    """e.g. Chair of Governors."""
    name: str | None = None
    date: DateText | None = None

    _date = field_validator("date", mode="before")(lambda v: None if v is None else _check_date(v))


class MetaItem(Strict):
    label: str
    value: str


class Metadata(Strict):
    """Facts about a policy that a school may restate for itself."""

    policy_lead: str | None = None
    """The role that owns the policy, e.g. Business Manager."""
    approving_committee: str | None = None
    """The governing body or committee that approves it."""
    adopted: DateText | None = None
    """When it was adopted or agreed."""
    review_due: DateText | None = None
    """When its next review is due."""
    review_cycle_years: int | None = Field(default=None, ge=1, le=10)
    """Reviewed every so many years: without a `review_due`, the review is due that long after
    `adopted` (Summer 2019 and 2 → Summer 2021)."""
    version: str | None = None
    status: Literal["adopted", "draft"] | None = None
    """A draft is shown with a 'draft' notice."""
    model_source: str | None = None
    """Whose model this text is based on, e.g. Brent Council."""
    signatories: list[Signatory] | None = None
    extra: list[MetaItem] | None = None
    """Any other fact the policy's cover states, as label and value."""

    _dates = field_validator("adopted", "review_due", mode="before")(
        lambda v: None if v is None else _check_date(v)
    )


Numbering = Literal["continuous", "source"]
"""How the public edition numbers clauses when staff-only ones are left out."""

ClauseEntry = TypeAliasType("ClauseEntry", Union[Id, dict[Id, list["ClauseEntry"]]])  # type: ignore[misc]  # mypy cannot follow a recursive TypeAliasType; pydantic can


class Section(Strict):
    id: Id
    """Stable ID: a permalink and cross-reference target. Never change it."""
    title: str
    appendix: str | None = None
    """Label of an appendix ('1', 'A'); appendices are numbered by this, not by order."""
    numbered: bool = True
    """False for unnumbered front matter such as an adoption record."""
    clauses: list[ClauseEntry] = []
    """Clause IDs in order; `{parent: [child, ...]}` nests sub-clauses (9.9 → 9.9.1)."""
    dos_donts: bool = False
    """Render the Do's & Don'ts quick reference in this section."""
    forms: list[Id] = []
    """Forms shown (with their downloads) in this section, after its clauses."""


class Policy(Strict):
    """`policies/<policy-id>/policy.yml`: one model policy."""

    id: Id
    title: str
    subtitle: str | None = None
    category: str = "Other policies"
    """The group the school's handbook lists this policy under, e.g. Safeguarding and online safety,
    Staff conduct, Health and safety, Parents and complaints."""
    audience: Literal["public", "staff"] = "public"
    """`staff` for a policy that is staff-only as a whole (a code of conduct): the public edition
    leaves it out."""
    metadata: Metadata = Metadata()
    variables: dict[VarName, Variable] = {}
    sections: list[Section]
    public_numbering: Numbering = "continuous"
    """'continuous' numbers the public edition's clauses without gaps (4.2, 4.3, 4.4), so it does
    not show how many staff-only clauses there are; 'source' keeps the staff edition's numbers."""


class ClauseMeta(Strict):
    """Front matter of `policies/<policy-id>/clauses/<clause-id>.md`; the body is the clause text."""

    id: Id
    """Stable ID: the permalink anchor and cross-reference target. Never change it."""
    title: str | None = None
    """The clause's heading, only when the policy itself prints it (it appears as a heading in the
    adopted text); shown after the clause number and printed as part of the policy."""
    label: str | None = None
    """A finding aid the handbook adds where the policy has no heading: shown apart, marked as the
    handbook's, in the page, navigation and search; never printed as part of the policy."""
    numbered: bool = True
    """False for a lead-in paragraph that the policy does not number."""
    topics: list[str] = []
    staff_only: bool = False
    minor_edit: str | None = None
    """A note such as 'typo fixed'; an edit that sets a new note is minor: not listed as a change
    and not moving the clause's 'last changed' date."""


class DoDont(Strict):
    id: Id
    kind: Literal["do", "dont"]
    text: str
    """The rule: in the policy's own words when the list is the policy's (`source: policy`); else a
    short instruction that reads after "Do" or "Don't" (never starting "Do not …")."""
    clauses: list[Id] = Field(min_length=1)
    """The clause(s) the rule comes from."""
    topic: str | None = None
    staff_only: bool = False


class DosDonts(Strict):
    """`policies/<policy-id>/dos-donts.yml`."""

    title: str = "Do's and Don'ts"
    source: Literal["policy", "handbook"] = "handbook"
    """`policy` when the adopted policy has this list itself (its words are kept exactly);
    `handbook` when the handbook derived it as a summary (shown with a note that the linked
    clause's wording prevails)."""
    intro: str | None = None
    outro: str | None = None
    items: list[DoDont]


class FormField(Strict):
    id: Id
    label: str
    type: Literal["text", "date", "signature", "checkbox", "choice", "textarea"] = "text"
    options: list[str] = []
    """The choices of a `choice` field."""
    value: str | None = None
    """A prefilled value; may use variables."""
    staff_only: bool = False


class FormTable(Strict):
    id: Id
    title: str | None = None
    columns: list[str] = Field(min_length=1)
    rows: int | list[str] = 8
    """Blank rows to print, or the first-column text of each row (a checklist)."""


class Form(Strict):
    """`policies/<policy-id>/forms/<form-id>.yml`: a form staff sign or keep as a log."""

    id: Id
    title: str
    intro: str | None = None
    """Markdown shown before the fields; may use variables."""
    fields: list[FormField] = []
    tables: list[FormTable] = []
    declaration: str | None = None
    """A statement the signer confirms; may use variables."""
    outro: str | None = None
    required_by: list[Id] = []
    """Clauses that ask staff to complete this form; they link to it."""
    staff_only: bool = False


class Branding(Strict):
    logo: str | None = None
    """Path of an image under `docs/`, e.g. assets/logos/curzon.svg."""
    primary_color: Colour = "#3f51b5"
    """Header colour; must contrast ≥ 4.5:1 with white text."""


class NewClause(Strict):
    id: Id
    title: str | None = None
    """A heading the school's adopted text prints."""
    label: str | None = None
    """A finding aid the handbook adds; never printed as part of the policy."""
    text: str
    numbered: bool = True
    topics: list[str] = []
    staff_only: bool = False


class Insert(Strict):
    after: Id
    """The clause the new one follows."""
    clause: NewClause


class Adoption(Strict):
    """One policy as a school (or a trust or local authority) adopts it: its own changes to the
    model's text, its own adoption record and its own values."""

    metadata: Metadata | None = None
    """The adoption record (adopted, review due, committee, signatories, version, status): overrides
    of the policy's metadata."""
    variables: dict[VarName, str] = {}
    """Values for this policy only; they override the school's `facts`."""
    omit: list[Id] = []
    replace: dict[Id, str] = {}
    """Clause ID → new text."""
    append: dict[Id, str] = {}
    """Clause ID → text added after the clause's own."""
    insert: list[Insert] = []
    public_numbering: Numbering | None = None
    """Overrides the policy's `public_numbering` (for this layer and the layers extending it)."""


class School(Strict):
    """`policies/schools/<id>.yml`: a school, or a trust or local-authority layer above schools."""

    id: Id
    extends: Id | None = None
    """The ID of another layer (a trust's or local authority's) whose adoptions this one inherits
    (model → local authority → trust → school)."""
    publish: bool = True
    """False for an intermediate layer, such as a trust, that has no site of its own."""
    name: str | None = None
    short_name: str | None = None
    site_url: Annotated[str, StringConstraints(pattern=r"^https://\S+/$")] | None = None
    """The public address of this school's handbook, ending in '/'; needed for the Atom feeds."""
    branding: Branding | None = None
    facts: dict[VarName, str] = {}
    """Facts about the school stated once (head's title, DSL, phone…): every policy may use them as
    `{{ name }}`; a layer's facts override those of the layers it extends."""
    policies: dict[Id, Adoption] = {}
    """The policies adopted: policy ID → this layer's adoption of it (`{}` for the model as it is)."""


MOVED_TO_ADOPTION = ("adopts", "omit", "replace", "append", "insert", "variables", "metadata", "public_numbering")
"""Keys of the one-policy school file, now under `policies: {<policy-id>: …}`."""


class Layer(Adoption):
    """One layer's adoption of one policy, as the resolver and the pages read it: the layer's own
    facts (id, name, branding, facts) with that adoption's record, values and changes. Not a file."""

    id: Id
    publish: bool = True
    name: str | None = None
    short_name: str | None = None
    site_url: str | None = None
    branding: Branding | None = None
    facts: dict[str, str] = {}
    adopted: bool = False
    """Whether this layer lists the policy itself (rather than inheriting it)."""


def clause_ids(entries: list[ClauseEntry]) -> list[str]:
    out: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            out.append(entry)
        else:
            for parent, children in entry.items():
                out.append(parent)
                out.extend(clause_ids(children))
    return out


VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
XREF = re.compile(r"\[\[\s*((?:[a-z0-9][a-z0-9-]*:)?[a-z0-9][a-z0-9-]*)\s*\]\]")
"""`[[clause-id]]`, or `[[policy-id:clause-id]]` for a clause (section, form) of another policy."""
