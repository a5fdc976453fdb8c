from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import policy_site  # noqa: E402


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Every school of the real project, built once per test session."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = policy_site("build", "--site-dir", str(out))
    assert result.returncode == 0, result.stderr
    return out
