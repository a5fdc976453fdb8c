"""policy-site: school policies as data, published as one handbook per school."""
from __future__ import annotations

from pathlib import Path

CODE_DIR = Path(__file__).resolve().parent
TEMPLATES = CODE_DIR / "templates"
