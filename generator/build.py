"""Build school sites with MkDocs into a temporary folder, then swap it into place."""
from __future__ import annotations

import html
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from generator.validate import Checked

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class BuildFailed(Exception):
    pass


@dataclass(frozen=True)
class Options:
    root: Path
    site_dir: Path
    strict: bool = False
    edition: str = "staff"


def _build_one(opts: Options, school: str, out: Path) -> None:
    config = load_config(str(opts.root / "mkdocs.yml"), site_dir=str(out), strict=opts.strict)
    plugin = config.plugins["policy-site"]
    plugin.config.school = school
    plugin.config.edition = opts.edition
    try:
        mkdocs_build(config)
    except (Abort, MkDocsException) as exc:
        raise BuildFailed(f"{school}: {exc}") from None


def build(opts: Options, checked: Checked, only: str | None = None) -> list[str]:
    """Build every published school (or `only`), leaving `site_dir` untouched on any failure."""
    schools = [only] if only else sorted(checked.schools)
    opts.site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=opts.site_dir.parent))
    try:
        for school in schools:
            _build_one(opts, school, staging / school)
        if only:
            _swap(staging / only, opts.site_dir / only)
        else:
            (staging / "index.html").write_text(index_html(checked), encoding="utf-8")
            _swap(staging, opts.site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return schools


def _swap(new: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".old-{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def index_html(checked: Checked) -> str:
    items = "\n".join(
        f'    <li><a href="{sid}/">{html.escape(r.school.model.name or sid)}</a> — {html.escape(r.policy.policy.model.title)}</li>'
        for sid, r in sorted(checked.schools.items())
    )
    return f"""<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>School policy handbooks</title></head>
<body>
<main>
  <h1>School policy handbooks</h1>
  <ul>
{items}
  </ul>
</main>
</body>
</html>
"""


def quiet_mkdocs() -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
