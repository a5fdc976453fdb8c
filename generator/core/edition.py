"""The public edition: a resolved policy with every staff-only item taken out before rendering.

`for_edition` is the one filter. It returns a policy in which nothing staff-only remains: not
in the sections, forms, Do's & Don'ts and values that pages are made from, nor in the sources
behind them (the model's clauses, forms and variables, each school layer's replacements,
additions and insertions) that the history, diff and "differs from the model" pages read. So
everything downstream (pages, search index, sitemap, feed, open data, PDFs, Word files, and each
adopted version loaded from git, filtered by the same function) is made from public data only.

A clause under a staff-only clause is left out with it. Public clauses are numbered again
without gaps, unless the policy or school asks for `public_numbering: source`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import overload

from generator.sources.load import LoadedPolicy, Located
from generator.sources.model import ClauseEntry, DosDonts, Form, Insert, Layer, Numbering, School, clause_ids
from generator.sources.reading import Doc
from generator.core.resolve import Clause, Handbook, Resolved, Section

EDITIONS = ("staff", "public")


@overload
def for_edition(resolved: Resolved, edition: str) -> Resolved: ...
@overload
def for_edition(resolved: Handbook, edition: str) -> Handbook: ...
def for_edition(resolved: Resolved | Handbook, edition: str) -> Resolved | Handbook:
    if edition == "staff":
        return resolved
    if isinstance(resolved, Handbook):
        kept = tuple(_public(r, edition) for r in resolved.policies if r.policy.policy.model.audience == "public")
        withheld = {name for r in resolved.policies for name, spec in r.policy.policy.model.variables.items() if spec.staff_only}
        chain = tuple(_layer(layer, withheld) for layer in resolved.chain)
        return replace(resolved, school=chain[-1], chain=chain, policies=kept, edition=edition)
    return _public(resolved, edition)


def _public(resolved: Resolved, edition: str) -> Resolved:
    continuous = numbering(resolved) == "continuous"
    sections = tuple(_section(s, continuous) for s in resolved.sections)
    kept = {c.id for s in sections for c in s.clauses}
    forms = {fid: _form(f, kept) for fid, f in resolved.forms.items() if not f.model.staff_only}
    sections = tuple(replace(s, forms=tuple(f for f in s.forms if f in forms)) for s in sections)
    dos_donts = _dos_donts(resolved.dos_donts, kept)
    specs = resolved.policy.policy.model.variables
    withheld = frozenset(name for name, spec in specs.items() if spec.staff_only)
    policy = _policy(resolved.policy, forms, dos_donts)
    hidden = _hidden_clauses(resolved, kept | set(policy.clauses))
    order = [c.id for c in resolved.clauses()]
    chain = tuple(_variant(v, hidden, withheld, order, kept) for v in resolved.chain)
    return replace(
        resolved,
        school=chain[-1],
        chain=chain,
        policy=policy,
        sections=sections,
        forms=forms,
        dos_donts=dos_donts,
        values={k: v for k, v in resolved.values.items() if k not in withheld},
        edition=edition,
        withheld=withheld,
    )


def numbering(resolved: Resolved) -> Numbering:
    """The school's `public_numbering`, else its variants', else the policy's."""
    chosen = (v.model.public_numbering for v in reversed(resolved.chain) if v.model.public_numbering)
    return next(chosen, resolved.policy.policy.model.public_numbering)


def _bare(doc: Doc) -> Doc:
    """The source without its raw data and line map (which hold staff-only text); a clause keeps its body."""
    return Doc(doc.path, {}, {}, doc.body, doc.body_line)


def _section(section: Section, continuous: bool) -> Section:
    clauses = _public_clauses(section.clauses)
    if continuous and section.number is not None:
        clauses = _renumber(clauses, section.number)
    return replace(section, clauses=tuple(clauses))


def _public_clauses(clauses: tuple[Clause, ...]) -> list[Clause]:
    """The clauses that are neither staff-only nor under a staff-only clause."""
    out: list[Clause] = []
    hidden_below: int | None = None
    for clause in clauses:
        if hidden_below is not None and clause.depth > hidden_below:
            continue
        hidden_below = clause.depth if clause.staff_only else None
        if hidden_below is None:
            out.append(clause)
    return out


def _renumber(clauses: list[Clause], prefix: str) -> list[Clause]:
    """Numbers as `resolve.resolve_layers` gives them, counting only the clauses that remain."""
    groups: list[list] = [[prefix, 0]]  # per depth: the prefix its clauses take, how many are numbered
    out = []
    for clause in clauses:
        del groups[clause.depth + 1 :]
        group = groups[clause.depth]
        number = None
        if clause.number is not None:
            group[1] += 1
            number = f"{group[0]}.{group[1]}"
        groups.append([number or group[0], 0])
        out.append(replace(clause, number=number))
    return out


def _dos_donts(dd: Located[DosDonts] | None, kept: set[str]) -> Located[DosDonts] | None:
    if dd is None:
        return None
    cited = [i.model_copy(update={"clauses": [c for c in i.clauses if c in kept]}) for i in dd.model.items if not i.staff_only]
    return Located(dd.model.model_copy(update={"items": [i for i in cited if i.clauses]}), _bare(dd.doc))


def _form(form: Located[Form], kept: set[str]) -> Located[Form]:
    fields = [f for f in form.model.fields if not f.staff_only]
    required_by = [c for c in form.model.required_by if c in kept]
    return Located(form.model.model_copy(update={"fields": fields, "required_by": required_by}), _bare(form.doc))


def _policy(loaded: LoadedPolicy, forms: dict[str, Located[Form]], dos_donts: Located[DosDonts] | None) -> LoadedPolicy:
    """The model policy with its staff-only clauses (and those under them), forms and variables left out."""
    model = loaded.policy.model
    staff = {cid for cid, c in loaded.clauses.items() if c.model.staff_only}
    sections = [s.model_copy(update={"clauses": _prune(s.clauses, staff), "forms": [f for f in s.forms if f in forms]}) for s in model.sections]
    listed = {cid for s in model.sections for cid in clause_ids(s.clauses)}
    shown = {cid for s in sections for cid in clause_ids(s.clauses)}
    clauses = {cid: Located(c.model, _bare(c.doc)) for cid, c in loaded.clauses.items() if cid in shown or (cid not in listed and cid not in staff)}
    variables = {name: spec for name, spec in model.variables.items() if not spec.staff_only}
    policy = Located(model.model_copy(update={"sections": sections, "variables": variables}), _bare(loaded.policy.doc))
    return LoadedPolicy(policy, clauses, dos_donts, dict(forms))


def _prune(entries: list[ClauseEntry], staff: set[str]) -> list[ClauseEntry]:
    out: list[ClauseEntry] = []
    for entry in entries:
        if isinstance(entry, str):
            out += [] if entry in staff else [entry]
        else:
            out += [{parent: _prune(children, staff)} for parent, children in entry.items() if parent not in staff]
    return out


def _hidden_clauses(resolved: Resolved, public: set[str]) -> set[str]:
    """Every clause ID the public edition leaves out, wherever it was named."""
    named = {c.id for c in resolved.clauses()} | set(resolved.policy.clauses)
    inserted_staff = {i.clause.id for v in resolved.chain for i in v.model.insert if i.clause.staff_only}
    return (named - public) | inserted_staff


def _variant(variant: Located[Layer], hidden: set[str], withheld: frozenset[str], order: list[str], kept: set[str]) -> Located[Layer]:
    """A school layer keeping only what it does to public clauses, and its public values."""
    school = variant.model
    inserts = [_insert(i, hidden, order, kept) for i in school.insert if i.clause.id not in hidden]
    update = {
        "variables": {k: v for k, v in school.variables.items() if k not in withheld},
        "facts": {k: v for k, v in school.facts.items() if k not in withheld},
        "omit": [c for c in school.omit if c not in hidden],
        "replace": {c: t for c, t in school.replace.items() if c not in hidden},
        "append": {c: t for c, t in school.append.items() if c not in hidden},
        "insert": [i for i in inserts if i is not None],
    }
    return Located(school.model_copy(update=update), _bare(variant.doc))


def _layer(layer: Located[School], withheld: set[str]) -> Located[School]:
    """A school file as the handbook's own pages read it: its public facts; its adoptions are read
    only through each policy's (filtered) resolution."""
    facts = {k: v for k, v in layer.model.facts.items() if k not in withheld}
    return Located(layer.model.model_copy(update={"facts": facts, "policies": {}}), _bare(layer.doc))


def _insert(insert: Insert, hidden: set[str], order: list[str], kept: set[str]) -> Insert | None:
    """A public clause inserted after a staff-only one is shown as following the public clause before it."""
    if insert.after not in hidden:
        return insert
    before = [c for c in order[: order.index(insert.clause.id)] if c in kept] if insert.clause.id in order else []
    return insert.model_copy(update={"after": before[-1]}) if before else None
