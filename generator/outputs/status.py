"""Where each school's policy stands: adopted when, review due when (and how overdue), values
not yet given, warnings, and model changes the school has not yet adopted.

"Model changes not yet taken up" are the files of the school's policy that differ between the
school's latest adoption tag (`adopted/<school-or-policy>/<YYYY-MM-DD>`, see
`generator.outputs.history.changes`) and HEAD; without such a tag the status says "no adoption tag".
"""
from __future__ import annotations

import calendar
import json
import textwrap
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.outputs.history.adoptions import adoptions
from generator.outputs.history.changes import chain_ids
from generator.dates import display_date, parse_policy_date
from generator.outputs.history.git import GitError, git
from generator.errors import Problem
from generator.core.legislation import scan
from generator.core.sanitize import escape_markdown
from generator.sources.reading import FolderReader, Reader
from generator.core.text import variables_in
from generator.core.texts import policy_texts
from generator.core.validate import Checked, check
from generator.core.resolve import Resolved


@dataclass(frozen=True)
class Overdue:
    months: int
    days: int
    total_days: int

    def __str__(self) -> str:
        """`5 years 3 months`, `2 months`, `28 days`: days only when under a month."""
        years, months = divmod(self.months, 12)
        parts = [_count(years, "year"), _count(months, "month")]
        if not self.months:
            parts.append(_count(self.days, "day") or "0 days")
        return " ".join(p for p in parts if p)


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'s' if n != 1 else ''}" if n else ""


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def overdue_by(due: date, today: date) -> Overdue | None:
    """Whole months and remaining days from `due` to `today`, or None when not yet overdue."""
    if today <= due:
        return None
    months = (today.year - due.year) * 12 + today.month - due.month
    if _add_months(due, months) > today:
        months -= 1
    days = (today - _add_months(due, months)).days
    return Overdue(months, days, (today - due).days)


@dataclass
class ModelChanges:
    since: str | None
    """The adoption tag compared with HEAD, or None."""
    note: str = ""
    """'no adoption tag' or 'not a git repository' when there is nothing to compare."""
    commits: int = 0
    clauses: list[str] = field(default_factory=list)
    """IDs of the policy's clauses whose files changed."""
    files: list[str] = field(default_factory=list)
    """Other files of the policy (policy.yml, dos-donts.yml, forms) and of any variant the school adopts (a trust's)."""

    def __str__(self) -> str:
        if self.since is None:
            return self.note
        if not self.commits and not self.clauses and not self.files:
            return f"none since {self.since}"
        return f"{len(self.clauses)} clause(s), {len(self.files)} other file(s) in {self.commits} commit(s) since {self.since}"

    def short(self) -> str:
        """The same in a narrow table: `2 clauses, 1 file since 2024-06-01`."""
        if self.since is None or (not self.commits and not self.clauses and not self.files):
            return str(self).replace("adopted/", "")
        day = self.since.rsplit("/", 1)[-1]
        return f"{_count(len(self.clauses), 'clause') or '0 clauses'}, {_count(len(self.files), 'file') or '0 files'} since {day}"


@dataclass
class Status:
    school: str
    policy: str
    adopted: str | None
    review_due: str | None
    due_date: str | None
    overdue: Overdue | None
    unset_variables: list[str]
    warnings: int
    model_changes: ModelChanges

    @property
    def review(self) -> str:
        if not self.review_due:
            return "no review date"
        if self.due_date is None:
            return f"'{self.review_due}' is not a date"
        return f"overdue by {self.overdue}" if self.overdue else f"due {self.due_date}"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["overdue"] = asdict(self.overdue) if self.overdue else None
        data["review"] = self.review
        data["model_changes"]["summary"] = str(self.model_changes)
        return data


def unset_variables(resolved: Resolved) -> list[str]:
    """Required variables the school's policy uses but nobody has given a value."""
    texts = [c.body for c in resolved.clauses()] + [t.text for t in policy_texts(resolved.policy) if "/clauses/" not in t.path]
    used = {u.name for text in texts for u in variables_in(text)}
    specs = resolved.policy.policy.model.variables
    return sorted(n for n, s in specs.items() if s.required and n not in resolved.values and n in used)


def _belongs(problem: Problem, resolved: Resolved) -> bool:
    folder = resolved.policy.policy.path.rsplit("/", 1)[0] + "/"
    return problem.path.startswith(folder) or problem.path in {v.path for v in resolved.chain}


def model_changes(repo: Path, resolved: Resolved) -> ModelChanges:
    try:
        git(repo, "rev-parse", "--git-dir")
    except (GitError, OSError):
        return ModelChanges(None, "not a git repository")
    tags = adoptions(repo, chain_ids(resolved))
    if not tags:
        return ModelChanges(None, "no adoption tag")
    tag = tags[-1]
    folder = resolved.policy.policy.path.rsplit("/", 1)[0]
    paths = [folder, *(v.path for v in resolved.chain[:-1])]  # the model and any trust layer, not the school's own file
    commits = int(git(repo, "rev-list", "--count", f"{tag.commit}..HEAD", "--", *paths).decode().strip() or 0)
    changed = [p for p in git(repo, "diff", "--name-only", tag.commit, "HEAD", "--", *paths).decode().splitlines() if p]
    by_path = {c.path: cid for cid, c in resolved.policy.clauses.items()}
    clauses = [by_path.get(p) or p.rsplit("/", 1)[-1].removesuffix(".md") for p in changed if "/clauses/" in p]
    return ModelChanges(tag.tag, commits=commits, clauses=sorted(clauses), files=sorted(p for p in changed if "/clauses/" not in p))


def school_status(resolved: Resolved, problems: list[Problem], repo: Path, today: date) -> Status:
    meta = resolved.metadata
    due = parse_policy_date(meta.review_due) if meta.review_due else None
    return Status(
        school=resolved.school.model.id,
        policy=resolved.policy.id,
        adopted=meta.adopted,
        review_due=meta.review_due,
        due_date=due.isoformat() if due else None,
        overdue=overdue_by(due, today) if due else None,
        unset_variables=unset_variables(resolved),
        warnings=sum(p.severity == "warning" and _belongs(p, resolved) for p in problems),
        model_changes=model_changes(repo, resolved),
    )


def statuses(root: Path, today: date, reader: Reader | None = None, checked: Checked | None = None) -> list[Status]:
    """The status of every policy of every published school, in school ID order, then the handbook's order."""
    reader = reader or FolderReader(root)
    checked = checked or check(reader)
    problems = sorted(set(checked.problems) | set(scan(checked.project, reader)))
    return [school_status(r, problems, root, today) for s in sorted(checked.schools) for r in checked.schools[s].policies]


def format_json(rows: list[Status], today: date) -> str:
    return json.dumps({"today": today.isoformat(), "schools": [r.as_json() for r in rows]}, indent=2, ensure_ascii=False) + "\n"


COLUMNS = ("school", "policy", "adopted", "review due", "review", "unset", "warnings", "model changes")
NARROW = ("school", "adopted", "review", "unset", "warnings", "model changes")
TABLE_WIDTH = 100
GAP = "  "


def _wide_cells(r: Status) -> tuple[str, ...]:
    return (r.school, r.policy, r.adopted or "—", r.review_due or "—", r.review, ", ".join(r.unset_variables) or "—", str(r.warnings), str(r.model_changes))


def _narrow_cells(r: Status, several: bool = False) -> tuple[str, ...]:
    """`several`: the school keeps more than one policy, so its rows name the policy too."""
    return (f"{r.school}: {r.policy.removeprefix(r.school + '-')}" if several else r.school, display_date(r.adopted) if r.adopted else "—", r.review, str(len(r.unset_variables)) if r.unset_variables else "—", str(r.warnings), r.model_changes.short())


def format_table(rows: list[Status], width: int | None = TABLE_WIDTH) -> str:
    """Fits `width` columns (the widest cells wrap); `width=None`: every column, unwrapped."""
    several = {r.school for r in rows if sum(o.school == r.school for o in rows) > 1}
    header, cells = (COLUMNS, [_wide_cells(r) for r in rows]) if width is None else (NARROW, [_narrow_cells(r, r.school in several) for r in rows])
    table = [header, *cells]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    if width is not None:
        widths = _fit(widths, width - len(GAP) * (len(widths) - 1))
    lines = _lines(header, widths)
    lines.append(GAP.join("-" * w for w in widths))
    for row in cells:
        lines += _lines(row, widths)
    return "\n".join(lines) + "\n"


def _fit(widths: list[int], room: int) -> list[int]:
    """Narrow the widest column, one character at a time, until the row fits (no column under 8)."""
    widths = list(widths)
    while sum(widths) > room and widths[0] > 18:  # a long school: policy name wraps before the review does
        widths[0] -= 1
    while sum(widths) > room and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    return widths


def _lines(row: tuple[str, ...], widths: list[int]) -> list[str]:
    wrapped = [textwrap.wrap(cell, w, break_on_hyphens=False) or [""] for cell, w in zip(row, widths)]
    height = max(len(w) for w in wrapped)
    return [GAP.join((w[i] if i < len(w) else "").ljust(n) for w, n in zip(wrapped, widths)).rstrip() for i in range(height)]


def overdue_banner(resolved: Resolved, today: date) -> str | None:
    """A Material admonition for the top of the site when the policy's review is overdue."""
    review_due = resolved.metadata.review_due
    due = parse_policy_date(review_due) if review_due else None
    late = overdue_by(due, today) if due else None
    if due is None or late is None:
        return None
    lead = resolved.metadata.policy_lead
    ask = f" If in doubt, ask the {escape_markdown(lead)}." if lead else ""
    assert review_due is not None  # `due` was parsed from it
    return (
        '!!! warning "Review overdue"\n'
        f"    This policy was due for review by {escape_markdown(review_due)} ({due.day} {due:%B %Y}); the review is {late} overdue. "
        f"It still applies until a reviewed version is adopted.{ask}\n"
    )
