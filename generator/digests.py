"""Hashes of source files, for the caches that let a build skip what has not changed (the
schools, their checks, their pages)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from generator import CODE_DIR


def files_digest(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def folder_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def code_digest() -> str:
    """The generator's own code and templates."""
    return files_digest([p for p in CODE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts], CODE_DIR)
