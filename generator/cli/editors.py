"""Editors' commands: `policy-site diff` (clause-level changes between two revisions) and
`policy-site status` (review dates, unset values, warnings, model changes not yet adopted).

`generator.cli.main` adds them with `register(main)`.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import cast

import click

from generator.outputs.history.git import WORKTREE, GitError
from generator.outputs.history.report import Format, format_report
from generator.outputs.history.diff import diff_revisions


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD", param_hint="--today") from None


@click.command("diff")
@click.argument("rev_a")
@click.argument("rev_b", required=False, default=None)
@click.option("--school", default=None, help="One school only (default: every published school).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html"]), default="text", show_default=True)
@click.pass_obj
def diff_cmd(root: Path, rev_a: str, rev_b: str | None, school: str | None, fmt: str) -> None:
    """Clause-level changes between two git revisions (REV_B defaults to the working tree).

    Reports, per school, clauses added, removed, moved, renumbered and changed (with a word-level
    redline), minor edits (a clause file with a new `minor_edit:` note), metadata, variable
    values, Do's & Don'ts items and forms. Nothing is checked out.
    """
    try:
        result = diff_revisions(root, rev_a, rev_b or WORKTREE, school)
    except GitError as exc:
        raise click.ClickException(str(exc)) from None
    for rev, errors in ((rev_a, result.errors_a), (rev_b or "the working tree", result.errors_b)):
        if errors:
            click.echo(f"note: {rev} has {errors} source error(s) (run 'policy-site check' there); the diff shows what could be read", err=True)
    if school and not any(key.split("/")[0] == school for key in result.schools):
        raise click.ClickException(f"no published school '{school}' at either revision")
    color = fmt == "text" and sys.stdout.isatty()
    title = f"Policy changes from {rev_a} to {rev_b or 'the working tree'}"
    click.echo(format_report(result.schools.values(), cast(Format, fmt), color, title), color=color)


@click.command("status")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="The day to judge review dates by (default: today).")
@click.option("--wide", is_flag=True, help="Every column (policy, review due, the unset values by name) at full width, not fitted to 100 columns.")
@click.pass_obj
def status_cmd(root: Path, fmt: str, today: str | None, wide: bool) -> None:
    """Per school: adopted, review due (and how overdue), unset required values, warnings, and
    model changes since the school's latest `adopted/...` tag."""
    from generator.outputs.status import format_json, format_table, statuses

    day = _today(today)
    rows = statuses(root, day)
    click.echo(format_json(rows, day) if fmt == "json" else (format_table(rows, None) if wide else format_table(rows)), nl=False)


def register(group: click.Group) -> None:
    group.add_command(diff_cmd)
    group.add_command(status_cmd)
