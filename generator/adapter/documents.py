"""`serve` only: a school's PDFs and Word files, made in a background thread after its pages."""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from generator.core.resolve import Handbook
from generator.outputs.site.pages import build_downloads

log = logging.getLogger("mkdocs.plugins.policy_site")


def _digest(resolved: Handbook) -> str | None:
    try:
        return hashlib.sha256(pickle.dumps(resolved, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    except Exception:  # something unpicklable: never reused, always made afresh
        return None


class ServedDocuments:
    """`serve` only: the school's PDFs and Word files, made in the background.

    Making them takes longer than rebuilding every page, and an edit to any clause changes the
    whole-policy PDF. So a rebuild does not wait for them: its pages link to the newest documents
    made so far, and a background thread, started once the pages are written so that it does not
    slow them, makes this version's documents and writes them into the served site. The last few
    are kept by a digest of the resolved policy they are made from, so undoing an edit costs
    nothing. Should the new set of files differ (a form added or removed), a rebuild is requested
    so that the pages link to exactly the files there are.
    """

    KEEP = 4

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Condition(self.lock)
        self.made: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self.current: str | None = None  # the digest the latest build wants
        self.linked: frozenset[str] = frozenset()  # the files its pages link to
        self.site_dir: Path | None = None
        self.root: Path | None = None  # the project, whose document cache is used
        self.wanted: tuple[str, Handbook] | None = None
        self.worker: threading.Thread | None = None
        self.signal_dir: str | None = None  # watched by the server: a file written there rebuilds
        self.stopped = False

    def for_build(self, resolved: Handbook, site_dir: Path, root: Path | None = None) -> dict[str, bytes]:
        key = _digest(resolved)
        docs: dict[str, bytes] | None = None
        with self.lock:
            self.site_dir, self.current, self.wanted, self.root = site_dir, key, None, root
            if key is not None and key in self.made:
                self.made.move_to_end(key)
                docs = self.made[key]
            elif key is not None and self.made:
                self.wanted = (key, resolved)
                docs = next(reversed(self.made.values()))
        if docs is None:  # the first build, with nothing to show yet: made now
            docs = build_downloads(resolved, root)
            self._keep(key, docs)
        with self.lock:
            self.linked = frozenset(docs)
        return docs

    def _keep(self, key: str | None, docs: dict[str, bytes]) -> None:
        if key is None:
            return
        with self.lock:
            self.made[key] = docs
            self.made.move_to_end(key)
            while len(self.made) > self.KEEP:
                self.made.popitem(last=False)

    def newest(self, path: str, fallback: bytes) -> bytes:
        """What a build writes for `path`: its own version's file, if made by now. Hold `lock`."""
        docs = self.made.get(self.current) if self.current else None
        return docs.get(path, fallback) if docs else fallback

    def start(self) -> None:
        """Once a build's pages are written: make the documents it is waiting for."""
        with self.lock:
            if self.wanted is None:
                return
            if self.worker is None or not self.worker.is_alive():
                self.worker = threading.Thread(target=self._work, name="policy-site documents", daemon=True)
                self.worker.start()
            self.wake.notify_all()

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self.wake.notify_all()

    def _work(self) -> None:
        while True:
            with self.lock:
                while self.wanted is None and not self.stopped:
                    self.wake.wait()
                if self.stopped or self.wanted is None:
                    return
                (key, resolved), self.wanted = self.wanted, None
                root = self.root
            try:
                docs = build_downloads(resolved, root)
            except Exception as exc:  # shown in the serve log; the pages stay up
                log.error(f"documents not made: {type(exc).__name__}: {exc}")
                continue
            self._keep(key, docs)
            with self.lock:
                if key != self.current or self.site_dir is None:
                    continue  # superseded by a newer edit
                for path, content in docs.items():
                    write_atomically(self.site_dir / path, content)
                relink = frozenset(docs) != self.linked
            if relink and self.signal_dir:
                Path(self.signal_dir, "documents-made").write_text(key, encoding="utf-8")


def write_atomically(target: Path, content: bytes) -> None:
    """Replace `target` whole, so the server never sends a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.replace(temp, target)
