from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import shutil
import subprocess

import pytest

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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Every school of the real project, built once per test session."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = policy_site("build", "--site-dir", str(out))
    assert result.returncode == 0, result.stderr
    return out
