"""The bad-input corpus in tests/bad_inputs/: each case overlays a minimal valid project and
must give its expected path:line message from `policy-site check` — never a traceback.

A case is a folder with `files/` (copied over the minimal project) and `expected.txt` (the
start of the one problem line the case must produce). A file whose whole text is
`__DELETE__` removes that file, `__HUGE__` becomes a 10 MB clause, `__MAKE__ <name>` is made by
`GENERATORS[name]` (large inputs are generated, not committed) and `__SYMLINK_OUTSIDE__` becomes a
symlink to a valid clause outside the project. A case with a `limits` file is run by
test_limits.py in a subprocess under memory and time limits instead of in this process.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from click.testing import CliRunner

from factories import POLICY, project
from generator.cli.main import main

CORPUS = Path(__file__).parent / "bad_inputs"
ON_DISK = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
HEAVY = sorted(name for name in ON_DISK if (CORPUS / name / "limits").exists())
CASES = sorted(set(ON_DISK) - set(HEAVY))
FRONT = "---\nid: intro-a\ntitle: Purpose\n---\n"

GENERATORS: dict[str, Callable[[], str]] = {
    "deep-yaml-block": lambda: POLICY + "extra:\n" + "- " * 20_000 + "x\n",
    "deep-yaml-flow": lambda: "---\nid: intro-a\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\n---\nText.\n",
    "deep-list": lambda: FRONT + "".join("    " * i + "- level\n" for i in range(300)),
    "deep-quote": lambda: FRONT + "> " * 490_000 + "\n",
    "open-brackets": lambda: FRONT + "[" * 990_000 + "\n",
    "open-html": lambda: FRONT + "<a" * 490_000 + "\n",
    "deep-html": lambda: FRONT + "<b>" * 2_400 + "x\n",
}


def _outside(root: Path) -> Path:
    target = root.parent / f"{root.name}-outside" / "secret.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(FRONT + "Secret text from outside the project.\n", encoding="utf-8")
    return target


def apply(case: Path, root: Path) -> None:
    for src in (case / "files").rglob("*"):
        if not src.is_file():
            continue
        dest = root / src.relative_to(case / "files")
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        if data.strip() == b"__DELETE__":
            dest.unlink()
        elif data.strip() == b"__HUGE__":
            dest.write_bytes(b"---\nid: intro-a\n---\n" + b"All work and no play. " * (10 * 1024 * 1024 // 22 + 1))
        elif data.startswith(b"__MAKE__ "):
            dest.write_text(GENERATORS[data.split()[1].decode()](), encoding="utf-8")
        elif data.strip() == b"__SYMLINK_OUTSIDE__":
            dest.unlink(missing_ok=True)
            dest.symlink_to(_outside(root))
        else:
            dest.write_bytes(data)


def expected(case: str) -> str:
    return (CORPUS / case / "expected.txt").read_text(encoding="utf-8").strip()


def problem_lines(output: str, case: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(expected(case))]


def test_every_case_on_disk_is_run_once():
    assert set(CASES) | set(HEAVY) == set(ON_DISK)
    assert not set(CASES) & set(HEAVY)
    for name in ON_DISK:
        assert (CORPUS / name / "expected.txt").is_file(), name
        assert any((CORPUS / name / "files").rglob("*")), name
    numbers = [name.split("-", 1)[0] for name in ON_DISK]
    assert len(numbers) == len(set(numbers)), "two cases share a number"


def test_every_generated_input_has_a_case():
    used = {f.read_text(errors="replace").split()[1] for f in CORPUS.rglob("*") if f.is_file() and f.read_bytes().startswith(b"__MAKE__ ")}
    assert used == set(GENERATORS)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_a_clear_message(tmp_path, case):
    root = project(tmp_path / "project")
    apply(CORPUS / case, root)
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert len(problem_lines(output, case)) == 1, output
