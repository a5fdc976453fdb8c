"""Shared helpers for tests: the project root, running the CLI, copying the site config."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_FILES = ("mkdocs.yml", "docs", "overrides")


def policy_site(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("policy-site")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def copy_site_config(root: Path) -> Path:
    """Give a test project the real mkdocs.yml, docs/ and overrides/."""
    for name in SITE_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, dirs_exist_ok=True)
        else:
            shutil.copy2(src, root / name)
    return root
