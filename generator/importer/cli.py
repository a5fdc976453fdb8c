"""`policy-site import FILE… --school ID [--policy ID] [--as-version DATE]`; `generator.cli.main` adds it
with `register(main)`."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.importer.blocks import ImportRefused
from generator.importer.report import markdown


def _version(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; expected YYYY-MM-DD, the day this version was adopted") from None


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--school", required=True, help="The school adopting the policy (policies/schools/<ID>.yml).")
@click.option("--policy", "policy_id", default=None, help="The policy's ID (default: from its title). One file only.")
@click.option("--as-version", default=None, metavar="YYYY-MM-DD", callback=_version, help="A newer version of a policy already imported: keep its clause IDs.")
@click.option("--form-of", default=None, metavar="POLICY", help="The file is a form (a parents' complaint form): add it to this policy, already imported.")
@click.pass_obj
def import_cmd(root: Path, files: tuple[Path, ...], school: str, policy_id: str | None, as_version: str | None, form_of: str | None) -> None:
    """Import Word (.docx), text-based PDF, Markdown or text policies into policies/.

    Writes policies/<policy>/ (policy.yml, clauses/, forms/) and the school's adoption, and an
    IMPORT-REPORT.md beside them listing what was removed and what to check.
    """
    from generator.importer.ids import slug
    from generator.importer.pipeline import import_form, import_one

    if slug(school) != school:
        raise click.BadParameter(f"'{school}' is not an ID; expected lower case letters, digits and hyphens, e.g. {slug(school)}", param_hint="--school")
    if form_of and (policy_id or as_version):
        raise click.BadParameter("--form-of adds a form to a policy; import the policy itself without it", param_hint="--form-of")
    if policy_id and len(files) > 1:
        raise click.BadParameter("--policy names one policy; import one file with it", param_hint="--policy")
    failed = 0
    for path in files:
        try:
            rep = import_form(root, path, form_of) if form_of else import_one(root, path, school, policy_id, as_version)
        except ImportRefused as exc:
            click.echo(f"{path}: {exc}", err=True)
            failed += 1
            continue
        click.echo(markdown(rep))
    if failed:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(import_cmd)
