"""`policy-site`: check sources, build and serve school handbooks, write the JSON Schemas."""
from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import click

from generator.cli.editors import register as register_editor_commands
from generator.errors import Problem
from generator.sources.reading import FolderReader
from generator.core.validate import Checked, Verdicts, check

ROOT_HELP = "Project folder holding policies/ and mkdocs.yml."


def _report(problems: list[Problem], strict: bool) -> bool:
    for problem in problems:
        click.echo(str(problem), err=True)
    failing = [p for p in problems if p.severity == "error" or strict]
    n_err = sum(p.severity == "error" for p in problems)
    n_warn = len(problems) - n_err
    if problems:
        click.echo(f"{n_err} error(s), {n_warn} warning(s){' (warnings fail under --strict)' if strict and n_warn else ''}", err=True)
    return not failing


def _checked(root: Path, strict: bool, school: str | None = None, verdicts: Verdicts | None = None) -> Checked:
    """The sources checked, the search synonyms with them (editors keep both). With `verdicts`, a
    school found without a problem before, from the same sources, is not judged again."""
    from generator.outputs.site.search import load_synonyms

    checked = check(FolderReader(root), school, verdicts)
    checked.problems += load_synonyms(root)[1]
    if not _report(checked.problems, strict):
        raise SystemExit(1)
    return checked


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding policies/schools/ (as git finds .git)."""
    for folder in (start, *start.parents):
        if (folder / "policies" / "schools").is_dir():
            return folder
    return None


@click.group()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, help=ROOT_HELP + " Default: the nearest such folder at or above the current one.")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """Static policy handbooks for schools."""
    if root is not None:
        ctx.obj = root.resolve()
        return
    found = find_root(Path.cwd().resolve())
    if found is None:
        raise click.ClickException("no policy-site project here or in any folder above (looking for policies/schools/); run the command inside the project or pass --root")
    ctx.obj = found


@main.command("check")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--school", default=None, help="Check one school only.")
@click.option("--orphans", "show_orphans", is_flag=True, help="Also list clauses that state a rule no Do's & Don'ts item cites.")
@click.pass_obj
def check_cmd(root: Path, strict: bool, school: str | None, show_orphans: bool) -> None:
    """Validate every source file; print each problem as path:line."""
    checked = _checked(root, strict, school)
    if show_orphans:
        from generator.core.orphans import orphans

        for school_id, handbook in sorted(checked.schools.items()):
            for resolved in handbook.policies:
                found = orphans(resolved)
                click.echo(f"{school_id} ({resolved.policy.id}): {len(found)} clause(s) state a rule no Do's & Don'ts item cites")
                click.echo("".join(f"  {orphan}\n" for orphan in found), nl=False)
    click.echo(f"ok: {len(checked.project.policies)} policies, {len(checked.schools)} school sites")


def _check_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    parts = value.split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[0]) <= int(parts[1]):
        raise click.BadParameter(f"'{value}' is not a slice; expected K/N with 1 ≤ K ≤ N, e.g. 2/4")
    return value


@main.command("build")
@click.option("--school", default=None, help="Build one school (default: all).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--edition", type=click.Choice(["staff", "public"]), default="staff", show_default=True)
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: ROOT/site).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True, help="Schools built in parallel.")
@click.option("--force", is_flag=True, help="Rebuild schools whose inputs have not changed.")
@click.option("--shard", default=None, metavar="K/N", callback=_check_shard, help="Build only the K-th of N slices of the schools.")
@click.option("--offline", is_flag=True, help="Build the offline edition (works from file://) into site-offline/ and zip each school.")
@click.pass_obj
def build_cmd(root: Path, school: str | None, strict: bool, edition: str, site_dir: Path | None, jobs: int, force: bool, shard: str | None, offline: bool) -> None:
    """Build school sites into site/<school-id>/ and site/index.html."""
    from generator.cli import build as b
    from generator.cli.publish import PublishError

    from generator.cli.verdicts import SchoolVerdicts

    verdicts = SchoolVerdicts(root)
    checked = _checked(root, strict, school, verdicts)
    if offline:
        os.environ["OFFLINE"] = "true"
    default_dir = root / ("site-offline" if offline else "site")
    opts = b.Options(root=root, site_dir=(site_dir or default_dir).resolve(), strict=strict, edition=edition, jobs=jobs, force=force, zips=offline)
    schools = [school] if school else b.shard(sorted(checked.schools), shard)
    try:
        outcomes = b.build(opts, checked, schools, full_site=school is None, progress=b.progress_printer())
    except b.BuildFailed as exc:
        click.echo(f"build failed: {exc}; the previous site is untouched", err=True)
        raise SystemExit(1) from None
    except PublishError as exc:
        click.echo(f"build refused: {exc}", err=True)
        raise SystemExit(1) from None
    verdicts.save(set(checked.project.schools))
    built = sum(not o.cached for o in outcomes)
    click.echo(f"{built} built, {len(outcomes) - built} unchanged, in {opts.site_dir}")
    for outcome in outcomes if offline else []:
        click.echo(f"offline edition: {opts.site_dir / f'{outcome.school}-offline.zip'}")


@main.command("serve")
@click.option("--school", required=True, help="The school to serve.")
@click.option("--edition", type=click.Choice(["staff", "public"]), default="staff", show_default=True)
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
@click.pass_obj
def serve_cmd(root: Path, school: str, edition: str, dev_addr: str) -> None:
    """Serve one school's handbook, rebuilding when anything under policies/ changes.

    While the sources have errors, the browser shows them in place of the handbook."""
    from mkdocs.commands.serve import serve

    from generator.adapter.serving import ServeLog, address_taken

    unknown = [p for p in check(FolderReader(root), school).problems if p.path == "policies/schools" and f"no school '{school}'" in p.message]
    if unknown:  # other problems are listed by each build, in the terminal and the browser
        raise click.ClickException(str(unknown[0]))
    if address_taken(dev_addr):
        raise click.ClickException(f"--dev-addr {dev_addr} is already in use (another 'policy-site serve'?); expected a free port, e.g. --dev-addr 127.0.0.1:8001")
    os.environ["POLICY_SITE_SCHOOL"] = school
    os.environ["POLICY_SITE_EDITION"] = edition
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped like Ctrl-C, so serve cleans up its temporary folders
    for handler in logging.getLogger().handlers:
        handler.addFilter(ServeLog(school, edition))
    # dirty: a rebuild renders only the pages a save changed (generator/adapter/page_reuse.py)
    serve(str(root / "mkdocs.yml"), dev_addr=dev_addr, build_type="dirty", watch=[str(root / "policies"), str(root / "overrides")])


@main.command("schema")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder (default: ROOT/schemas).")
@click.pass_obj
def schema_cmd(root: Path, out: Path | None) -> None:
    """Write a JSON Schema for each kind of source file, generated from the model."""
    from generator.sources.schema import write_schemas

    for path in write_schemas(out or root / "schemas"):
        click.echo(f"wrote {path}")


register_editor_commands(main)
from generator.importer.cli import register as register_import_command; register_import_command(main)  # noqa: E402, E702


def run() -> None:
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # no traceback reaches an editor; --debug style detail goes to the log
        click.echo(f"policy-site: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
