"""Publishing a built site: where it may go, one build at a time, and a swap into place that a
killed build never leaves half-done.

A build writes into a staging folder beside the site (`.building-<pid>-…`). Before the swap, a
journal beside the site names each staged folder, its target and the staged folder's inode; the
swap then exchanges the two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`), or, where
the system cannot, renames the old folder aside and the new one into place. Whichever step a
kill interrupts, the next build reads the journal and completes the swap, so a finished build is
never lost and the site is never left missing.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator import CODE_DIR

MARKER = ".policy-site-build"
LEGACY_MARKER = ".build-cache.json"  # every site built before markers existed holds one
MARKER_NOTE = {"made_by": "policy-site build", "note": "each build replaces this folder whole; keep nothing else in it"}
SOURCES = ("policies", ".git", "docs", "overrides", "generator", "tests")
STAGING = re.compile(r"\.building-(\d+)-")
AT_FDCWD = -100
RENAME_EXCHANGE = 2


class PublishError(Exception):
    """A site folder that a build may not write, or a build that may not start now."""


def refuse_unsafe(site: Path, root: Path) -> None:
    """Refuse a site folder that is, holds or lies inside what a build must never replace."""
    site, root = site.resolve(), root.resolve()
    sources = {root / name: f"the project's {name}/" for name in SOURCES}
    sources[CODE_DIR] = "the generator's code"
    never = {root: "the project folder", _home(): "the home folder", Path(site.anchor): "the root folder", **sources}
    for folder, label in never.items():
        if site == folder:
            raise PublishError(f"{site} is {label}, which a build would replace; choose an empty or new folder, e.g. {root / 'site'}")
    for folder, label in never.items():
        if folder.is_relative_to(site):
            raise PublishError(f"{site} contains {label} ({folder}), which a build would replace; choose an empty or new folder, e.g. {root / 'site'}")
    for folder, label in sources.items():
        if site.is_relative_to(folder):
            raise PublishError(f"{site} is inside {label} ({folder}); choose an empty or new folder outside it, e.g. {root / 'site'}")


def _home() -> Path:
    try:
        return Path.home().resolve()
    except RuntimeError:  # no HOME and no password entry: nothing to protect there
        return Path("/").resolve()


def refuse_foreign(site: Path) -> None:
    """Refuse to replace a folder that a build did not make (an empty one is fine)."""
    if site.exists() and not site.is_dir():
        raise PublishError(f"{site} is a file, not a site folder; choose an empty or new folder")
    if site.is_dir() and any(site.iterdir()) and not (site / MARKER).is_file() and not (site / LEGACY_MARKER).is_file():
        raise PublishError(
            f"{site} was not made by policy-site build (it has no {MARKER} file) and a build would delete everything in it; "
            "choose an empty or new folder"
        )


def refuse_unwritable(site: Path) -> None:
    """A build needs to write the site's parent and every folder of the site it replaces."""
    parent = next(p for p in site.parents if p.exists())
    folders = [site, *(p for p in site.rglob("*") if p.is_dir() and not p.is_symlink())] if site.is_dir() else []
    for folder in [parent, *folders]:
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PublishError(f"cannot write {folder} (permission denied); the site is untouched. Build as a user who may write it, or choose another --site-dir")


@contextmanager
def lock(site: Path) -> Iterator[None]:
    """One build of a site at a time; the lock file beside the site holds the builder's PID."""
    fd = os.open(site.with_name(f".{site.name}.build-lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise PublishError(f"another build is running (pid {holder}); try again when it has finished") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def staging(site: Path) -> Path:
    """A new staging folder beside the site, named for this process, with a published folder's mode."""
    folder = Path(tempfile.mkdtemp(prefix=f".building-{os.getpid()}-{site.name}-", dir=site.parent))
    folder.chmod(folder_mode())
    return folder


def folder_mode() -> int:
    """What `mkdir` would give: 0755 under the usual umask (mkdtemp gives 0700)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


def clean_stale(site: Path) -> list[Path]:
    """Remove staging folders beside the site whose build has died. Hold the lock."""
    stale = [p for p in site.parent.glob(".building-*") if (m := STAGING.match(p.name)) and not _alive(int(m.group(1)))]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    _restore_legacy(site)
    return stale


def _restore_legacy(site: Path) -> None:
    """Builds before the journal moved the site aside to `.old-<site>`; a kill could leave it there."""
    old = site.with_name(f".old-{site.name}")
    if not old.is_dir() or not any((old / name).is_file() for name in (MARKER, LEGACY_MARKER)):
        return
    if site.exists():
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(old, site)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(json.dumps(MARKER_NOTE, indent=1) + "\n", encoding="utf-8")


def adopt(site: Path) -> None:
    """For a build of some schools only: the site folder, made if missing, marked and readable."""
    site.mkdir(parents=True, exist_ok=True)
    site.chmod(folder_mode())
    if not (site / MARKER).is_file():
        mark(site)


def link_tree(src: Path, dest: Path) -> None:
    """Carry an unchanged school into the staging folder without touching the live site."""
    shutil.copytree(src, dest, copy_function=_link_or_copy, symlinks=True)


def _link_or_copy(src: str, dest: str) -> None:
    try:
        os.link(src, dest)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dest)


@dataclass(frozen=True)
class Swap:
    new: Path
    """The finished staging folder."""
    target: Path
    """Where it is published."""
    inode: tuple[int, int]
    """The staging folder's (device, inode): at the target once the swap is done."""

    @classmethod
    def of(cls, new: Path, target: Path) -> Swap:
        stat = new.stat()
        return cls(new, target, (stat.st_dev, stat.st_ino))

    @property
    def old(self) -> Path:
        """Where the two-rename swap moves the previous folder; inside staging, cleaned with it."""
        return self.new.with_name(f"{self.new.name}.old")

    def done(self) -> bool:
        try:
            stat = self.target.stat()
        except FileNotFoundError:
            return False
        return (stat.st_dev, stat.st_ino) == self.inode


def journal_path(site: Path) -> Path:
    return site.with_name(f".{site.name}.build-journal")


def publish(swaps: list[Swap], site: Path) -> None:
    """Put each staged folder in place: journal, swap, discard the previous folders, forget."""
    write_journal(site, swaps)
    for swap in swaps:
        swap_in(swap)
    finish(swaps, site)


def write_journal(site: Path, swaps: list[Swap]) -> None:
    entries = [{"new": str(s.new), "target": str(s.target), "inode": list(s.inode)} for s in swaps]
    temp = journal_path(site).with_suffix(".tmp")
    with open(temp, "w", encoding="utf-8") as out:
        json.dump(entries, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, journal_path(site))


def read_journal(site: Path) -> list[Swap]:
    try:
        entries = json.loads(journal_path(site).read_text(encoding="utf-8"))
        swaps = [Swap(Path(e["new"]), Path(e["target"]), (e["inode"][0], e["inode"][1])) for e in entries]
    except (OSError, ValueError, LookupError, TypeError):
        return []
    return [s for s in swaps if any(STAGING.match(part) for part in s.new.parts)]  # only ever removes staging


def swap_in(swap: Swap) -> None:
    if swap.done():
        return
    if not swap.target.exists():
        os.rename(swap.new, swap.target)
    elif not _exchange(swap.new, swap.target):
        if not swap.old.exists():
            os.rename(swap.target, swap.old)
        os.rename(swap.new, swap.target)


def finish(swaps: list[Swap], site: Path) -> None:
    for swap in swaps:
        if swap.done():  # the previous folder is at `new` (exchanged) or `old` (renamed aside)
            shutil.rmtree(swap.new, ignore_errors=True)
            shutil.rmtree(swap.old, ignore_errors=True)
    journal_path(site).unlink(missing_ok=True)


def recover(site: Path) -> None:
    """Complete the swap a killed build had started. Hold the lock."""
    swaps = read_journal(site)
    for swap in swaps:
        if not swap.done() and swap.new.is_dir():
            swap_in(swap)
        elif not swap.target.exists() and swap.old.is_dir():  # the staged folder is gone: put the previous back
            os.rename(swap.old, swap.target)
    finish(swaps, site)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system cannot (not Linux, or an old kernel)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
