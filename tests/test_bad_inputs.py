"""The bad-input corpus in tests/bad_inputs/: each case overlays a minimal valid project and
must give its expected path:line message from `policy-site check` — never a traceback.

A case is a folder with `files/` (copied over the minimal project; a file whose whole text is
`__DELETE__` removes that file, `__HUGE__` becomes a 10 MB clause) and `expected.txt`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from click.testing import CliRunner

from factories import project
from generator.cli import main

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _apply(case: Path, root: Path) -> None:
    for src in (case / "files").rglob("*"):
        if not src.is_file():
            continue
        dest = root / src.relative_to(case / "files")
        data = src.read_bytes()
        if data.strip() == b"__DELETE__":
            dest.unlink()
        elif data.strip() == b"__HUGE__":
            dest.write_bytes(b"---\nid: intro-a\n---\n" + b"All work and no play. " * (10 * 1024 * 1024 // 22 + 1))
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)


def test_corpus_has_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_a_clear_message(tmp_path, case):
    root = project(tmp_path)
    _apply(CORPUS / case, root)
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").strip()
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, output
    assert expected in output, output
