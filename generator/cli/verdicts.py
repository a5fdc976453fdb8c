"""The schools a build found without a problem, each under a hash of everything its check reads,
kept in `.cache/check.json`: the next build resolves those schools but judges only the ones an
edit touched (generator.core.validate, `Verdicts`). A school with any problem, warnings included,
is never recorded, so its problems are reported on every build."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from generator.digests import code_digest, files_digest, folder_files
from generator.core.resolve import Handbook
from generator.core.validate import school_sources

FILE = Path(".cache") / "check.json"
FORMAT = "policy-site verdicts 1"


class SchoolVerdicts:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.saved = _read(root / FILE)
        self.found: dict[str, str] = {}
        self._shared: str | None = None
        self._folders: dict[str, str] = {}

    def clean(self, handbook: Handbook) -> bool:
        key = self.key(handbook)
        if self.saved.get(handbook.id) != key:
            return False
        self.found[handbook.id] = key
        return True

    def record(self, handbook: Handbook) -> None:
        self.found[handbook.id] = self.key(handbook)

    def save(self, schools: set[str]) -> None:
        """This check's verdicts over the last ones, for the project's `schools` only. A school judged
        with a problem keeps no verdict for its present sources, so it is judged again next time."""
        path = self.root / FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps({"format": FORMAT, "schools": {k: v for k, v in {**self.saved, **self.found}.items() if k in schools}}, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temp, path)

    def key(self, handbook: Handbook) -> str:
        files, folders = school_sources(handbook)
        digest = hashlib.sha256(self.shared().encode())
        digest.update(files_digest([self.root / f for f in files], self.root).encode())
        for folder in folders:
            if folder not in self._folders:
                self._folders[folder] = files_digest(folder_files(self.root / folder), self.root)
            digest.update(self._folders[folder].encode())
        return digest.hexdigest()

    def shared(self) -> str:
        """The code, and the project's files every school's check may read (legislation register)."""
        if self._shared is None:
            project = sorted((self.root / "policies").glob("*.yml"))
            self._shared = hashlib.sha256(f"{FORMAT}\0{code_digest()}\0{files_digest(project, self.root)}".encode()).hexdigest()
        return self._shared


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    schools = data.get("schools") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return {str(k): str(v) for k, v in schools.items()} if isinstance(schools, dict) else {}
