"""The content-addressed document cache: a PDF or Word file is made once for the exact data
handed to its writer, and its bytes are kept in `<project>/.cache/documents/` between builds.

A document's key hashes its kind, the data its writer receives (as the JSON the typesetter
reads), the writers' code (their modules' source, the template files, the library versions)
and SOURCE_DATE_EPOCH. The writer receives nothing else, so equal keys mean equal bytes: two
schools with the same text and facts share a form, and an edit to one clause remakes only the
documents that hold it. Files are written whole (a temporary file, then `os.replace`), so
parallel build workers and `serve` may share the folder. It is bounded: past `LIMIT_BYTES`
the least recently used documents are removed.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import time
import zlib
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from generator import CODE_DIR, TEMPLATES

FOLDER = Path(".cache") / "documents"
LIMIT_BYTES = 2**30
"""A full build of a 200-school authority with six policies a school makes about 0.6 GB of
documents; a smaller cache would evict what the next build needs."""
TRIM_FRACTION = 10
"""A tenth of the bound written by this process before the folder is measured again, so the
bound is checked without listing the folder on every write."""
STALE_TEMP_SECONDS = 3600
FORMAT = b"policy-site document cache 1"
LIBRARIES = ("typst", "pypdf", "python-docx")
WRITERS = Path(__file__).resolve().parent


@functools.cache
def writers_version() -> str:
    """The writers' code and templates: any change to them makes every document afresh."""
    digest = hashlib.sha256(FORMAT)
    sources = sorted(WRITERS.glob("*.py")) + sorted(p for p in TEMPLATES.rglob("*") if p.is_file())
    for path in sources:
        digest.update(path.relative_to(CODE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}\0".encode())
    digest.update(f"zlib={zlib.ZLIB_RUNTIME_VERSION}".encode())  # compresses the Word files
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__name__, **dataclasses.asdict(value)}
    raise TypeError(f"a document's data holds {type(value).__name__}, which has no fixed JSON form")


def document_key(kind: str, data: Any) -> str:
    """The key of the document `kind` made from `data` by the current writers."""
    digest = hashlib.sha256(f"{writers_version()}\0{kind}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())
    digest.update(json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_plain).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class DocumentCache:
    """Documents by key in `folder` (None: none kept, each made afresh); `made` and `reused`
    count them by kind for this process."""

    def __init__(self, folder: Path | None, limit: int = LIMIT_BYTES) -> None:
        self.folder = folder
        self.limit = limit
        self.made: Counter[str] = Counter()
        self.reused: Counter[str] = Counter()
        self._written = 0

    def document(self, kind: str, data: Any, make: Callable[[], bytes]) -> bytes:
        """The bytes `make()` returns for `data`, made only if no document has this key yet.
        `make` must use nothing but `data` (and the writers' code)."""
        path = self._path(document_key(kind, data)) if self.folder else None
        content = self._read(path) if path else None
        if content is not None:
            self.reused[kind] += 1
            return content
        content = make()
        self.made[kind] += 1
        if path:
            self._write(path, content)
        return content

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def _read(self, path: Path) -> bytes | None:
        try:
            content = path.read_bytes()
            os.utime(path)  # its last use, for evicting the least recently used
        except OSError:  # absent, or removed by a trim in another process: made again
            return None
        return content

    def _write(self, path: Path, content: bytes) -> None:
        temp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(temp, path)
        except OSError:  # a read-only or full disk: the build goes on without the cache
            if temp:
                _remove(Path(temp))
            return
        self._written += len(content)
        if self._written >= self.limit // TRIM_FRACTION:
            self.trim()

    def trim(self) -> None:
        """Remove the least recently used documents until the folder holds at most `limit` bytes."""
        self._written = 0
        entries, total, now = [], 0, time.time()
        for path in self.folder.glob("*/*") if self.folder else ():
            try:
                stat = path.stat()
            except OSError:
                continue
            if path.name.startswith(".tmp-"):
                if now - stat.st_mtime > STALE_TEMP_SECONDS:
                    _remove(path)
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
            total += stat.st_size
        for _, size, path in sorted(entries):
            if total <= self.limit:
                break
            _remove(path)
            total -= size


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):  # gone already, or not ours to remove: the bound is a goal, not a failure
        path.unlink()


@functools.cache
def project_cache(root: Path) -> DocumentCache:
    """The project's cache, one per process, so that its count of bytes written lasts the build."""
    cache = DocumentCache(root.resolve() / FOLDER)
    cache.trim()
    return cache
